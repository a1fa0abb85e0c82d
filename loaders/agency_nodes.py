"""Agency nodes of a load: which agencies the documents mention, made into one Agency node each
(with HAS_UNIT edges up to their parents). The gazetteer itself lives in core.agencies."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.agencies import REF_DOCUMENT, AgencyBook, AgencyRecord, agency_node_id
from graph.model import Edge, EdgeType, Node, NodeKind, Provenance


@dataclass
class AgencyCollector:
    """Records which agencies a load mentions (first mention = the node's provenance) and makes
    one Agency node per real agency, plus HAS_UNIT edges up to every mentioned unit's parents."""

    book: AgencyBook
    first_mention: dict[str, Provenance] = field(default_factory=dict)

    def mention(self, rec: AgencyRecord, prov: Provenance) -> str:
        self.first_mention.setdefault(rec.id, prov)
        return agency_node_id(rec.id)

    def _ref_prov(self, rec: AgencyRecord) -> Provenance:
        line = max(rec.line, 1)
        return Provenance(
            document=REF_DOCUMENT,
            line_start=line,
            line_end=line,
            quote=f"- id: {rec.id}",
        )

    def build(self) -> tuple[list[Node], list[Edge]]:
        wanted = set(self.first_mention)
        for aid in list(wanted):  # parents of mentioned units become nodes too
            cur = self.book.records[aid].parent
            while cur is not None and cur not in wanted:
                wanted.add(cur)
                cur = self.book.records[cur].parent
        nodes: list[Node] = []
        edges: list[Edge] = []
        for aid in sorted(wanted):
            rec = self.book.records[aid]
            prov = self.first_mention.get(aid) or self._ref_prov(rec)
            nodes.append(
                Node(
                    id=agency_node_id(aid),
                    kind=NodeKind.AGENCY,
                    title=rec.name,
                    provenance=prov,
                    attrs={
                        "aliases": rec.aliases,
                        "abbreviations": rec.abbreviations,
                        "former_names": rec.former_names,
                        "english": rec.english,
                        "parent": agency_node_id(rec.parent) if rec.parent else None,
                        "supervisor": agency_node_id(rec.supervisor) if rec.supervisor else None,
                        "category": rec.category,
                    },
                )
            )
            if rec.parent is not None:
                edges.append(
                    Edge(
                        source=agency_node_id(rec.parent),
                        target=agency_node_id(aid),
                        type=EdgeType.HAS_UNIT,
                        provenance=self._ref_prov(rec),
                    )
                )
        return nodes, edges
