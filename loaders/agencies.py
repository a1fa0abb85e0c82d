"""Agencies as reference data (data/agencies.yaml): resolve the names documents print to one
canonical agency, and collect the agencies a load mentions into Agency nodes.

Matching is insensitive to full/half width (NFKC), Traditional/Simplified (OpenCC) and spaces,
because the documents mix all three (`數發 部`, `商机`, `（` vs `(`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import opencc
import yaml
from pydantic import BaseModel, Field

from graph.model import Edge, EdgeType, Node, NodeKind, Provenance
from loaders.corpus import DATA_DIR

AGENCIES_FILE = DATA_DIR / "agencies.yaml"
REF_DOCUMENT = "ref:agencies"

_t2s = opencc.OpenCC("t2s")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=65536)
def norm_key(text: str) -> str:
    """Comparison key: NFKC (full -> half width), Simplified, no whitespace, lower case."""
    s = unicodedata.normalize("NFKC", text)
    s = _SPACES.sub("", s)
    return _t2s.convert(s).lower()


class AgencyRecord(BaseModel):
    id: str
    name: str
    english: str | None = None
    abbreviations: list[str] = Field(default_factory=list)
    former_names: list[str] = Field(default_factory=list)
    parent: str | None = None
    category: str = "agency"
    # 1-based line of this entry in the reference file, filled in when loaded (provenance).
    line: int = 0

    @property
    def aliases(self) -> list[str]:
        return [*self.abbreviations, *self.former_names, *([self.english] if self.english else [])]


@dataclass
class AgencyBook:
    """The gazetteer: every agency, and a key -> id index over names, abbreviations, former names
    and (for sub-units) the parent's names prefixed to the unit's."""

    records: dict[str, AgencyRecord]
    collectives: list[str] = field(default_factory=list)
    path: Path = AGENCIES_FILE
    _index: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for rec in self.records.values():
            for name in self.names_of(rec):
                self._index.setdefault(norm_key(name), rec.id)

    def names_of(self, rec: AgencyRecord) -> list[str]:
        own = [rec.name, *rec.aliases]
        if rec.parent is None or rec.parent not in self.records:
            return own
        parent = self.records[rec.parent]
        prefixes = [parent.name, *parent.abbreviations, *parent.former_names]
        return own + [p + n for p in prefixes for n in [rec.name, *rec.abbreviations, *rec.former_names]]

    def resolve(self, surface: str) -> AgencyRecord | None:
        """The agency a printed name means, or None. Tolerates spaces, width, script, and a
        parenthesised unit or executing body (`數發部(數位政府司)` -> the 司)."""
        key = norm_key(surface)
        hit = self._index.get(key)
        if hit:
            return self.records[hit]
        m = re.fullmatch(r"(.+?)\((.+)\)", key)
        if m:
            outer, inner = m.group(1), m.group(2)
            return self.records.get(self._index.get(outer + inner, "")) or self.records.get(self._index.get(outer, ""))
        return None

    def is_collective(self, surface: str) -> bool:
        key = norm_key(surface)
        return any(norm_key(c) == key for c in self.collectives)


def load_agency_book(path: Path = AGENCIES_FILE) -> AgencyBook:
    text = path.read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    lines = text.split("\n")
    records: dict[str, AgencyRecord] = {}
    for entry in raw.get("agencies", []):
        rec = AgencyRecord.model_validate(entry)
        rec.line = next((i for i, s in enumerate(lines, 1) if re.match(rf"\s*- id: {re.escape(rec.id)}\s*$", s)), 0)
        if rec.id in records:
            raise ValueError(f"{path.name}: agency id {rec.id!r} twice")
        records[rec.id] = rec
    for rec in records.values():
        if rec.parent is not None and rec.parent not in records:
            raise ValueError(f"{path.name}: agency {rec.id!r} has unknown parent {rec.parent!r}")
    return AgencyBook(records, list(raw.get("collectives", [])), path)


def agency_node_id(agency_id: str) -> str:
    return f"agency/{agency_id}"


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
