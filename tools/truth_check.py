"""Load accuracy: a loaded graph (GraphBatch) against the truth a generator wrote (truth.json).

Measured per document and in total, as precision and recall of
- nodes: (document, kind, title) — titles as the generator made them, before any artefact;
- parents: (document, kind, title, parent kind, parent title) — the tree shape;
- responsibilities: (document, strategy title, role, agency id) — explicit LEADS / CO_ORGANIZES;
- provenance lines: matched nodes whose first and last line are the generator's;
- ids: nodes whose id is the one the documented id scheme gives (`doc:g1.sg2.s3.m1`);
- cross-references: truth cross-references for which the graph holds an explicit cross-plan edge
  (CITES, CONTINUES, …; not the inferred ALIGNS_WITH) from the citing document to the cited one
  (reported; depends on the cross-plan linker knowing the generated plans).

Matching is on titles, not ids, so a loader that numbers differently is still measured fairly.
Pure: batch and truth in, report out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from graph.model import HIERARCHY_KINDS, RESPONSIBILITY_TYPES, EdgeType, GraphBatch, Node

# Explicit links only: an inferred ALIGNS_WITH says two items are alike, not that one cites the other.
CROSS_TYPES = {
    EdgeType.CITES,
    EdgeType.CONTINUES,
    EdgeType.SUCCEEDS,
    EdgeType.REPORTS_ON,
    EdgeType.COVERS,
    EdgeType.MENTIONS,
}


@dataclass
class Score:
    truth: int = 0
    loaded: int = 0
    matched: int = 0
    missing: list[str] = field(default_factory=list)  # in the truth, not loaded
    extra: list[str] = field(default_factory=list)  # loaded, not in the truth

    @property
    def precision(self) -> float:
        return self.matched / self.loaded if self.loaded else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.truth if self.truth else 1.0

    def add(self, truth: Counter[tuple[Any, ...]], loaded: Counter[tuple[Any, ...]]) -> None:
        both = truth & loaded
        self.truth += sum(truth.values())
        self.loaded += sum(loaded.values())
        self.matched += sum(both.values())
        self.missing += [_fmt(k) for k in (truth - loaded).elements()]
        self.extra += [_fmt(k) for k in (loaded - truth).elements()]


def _fmt(key: tuple[Any, ...]) -> str:
    return " | ".join(str(k) for k in key)


@dataclass
class Report:
    documents: int = 0
    nodes: Score = field(default_factory=Score)
    parents: Score = field(default_factory=Score)
    responsibilities: Score = field(default_factory=Score)
    lines: Score = field(default_factory=Score)
    ids: Score = field(default_factory=Score)
    cross_refs: Score = field(default_factory=Score)

    def scores(self) -> dict[str, Score]:
        return {
            "nodes": self.nodes,
            "parents": self.parents,
            "responsibilities": self.responsibilities,
            "provenance lines": self.lines,
            "ids": self.ids,
            "cross-references": self.cross_refs,
        }

    def perfect(self, include_cross_refs: bool = False) -> bool:
        return all(
            s.precision == 1.0 and s.recall == 1.0
            for name, s in self.scores().items()
            if include_cross_refs or name != "cross-references"
        )


def compare(batch: GraphBatch, truth: dict[str, Any]) -> Report:
    report = Report()
    by_doc: dict[str, list[Node]] = {}
    for n in batch.nodes:
        if n.kind in HIERARCHY_KINDS:
            by_doc.setdefault(n.document, []).append(n)
    node_by_id = {n.id: n for n in batch.nodes}
    parent: dict[str, str] = {e.target: e.source for e in batch.edges if e.type is EdgeType.CONTAINS}
    resp = [e for e in batch.edges if e.type in RESPONSIBILITY_TYPES]
    cross = {
        (node_by_id[e.source].document, node_by_id[e.target].document)
        for e in batch.edges
        if e.type in CROSS_TYPES and e.source in node_by_id and e.target in node_by_id
    }
    for doc in truth["documents"]:
        report.documents += 1
        did = doc["id"]
        t_nodes = {t["id"]: t for t in doc["nodes"]}
        loaded = by_doc.get(did, [])

        def t_parent(t: dict[str, Any], t_nodes: dict[str, Any] = t_nodes) -> tuple[str, str]:
            p = t_nodes.get(t["parent"]) if t["parent"] else None
            return (p["kind"], p["title"]) if p else ("-", "-")

        def l_parent(n: Node) -> tuple[str, str]:
            p = node_by_id.get(parent.get(n.id, ""))
            return (p.kind.value, p.title) if p is not None and p.kind in HIERARCHY_KINDS else ("-", "-")

        report.nodes.add(
            Counter((did, t["kind"], t["title"]) for t in doc["nodes"]),
            Counter((did, n.kind.value, n.title) for n in loaded),
        )
        report.parents.add(
            Counter((did, t["kind"], t["title"], *t_parent(t)) for t in doc["nodes"]),
            Counter((did, n.kind.value, n.title, *l_parent(n)) for n in loaded),
        )
        with_lines = [t for t in doc["nodes"] if t.get("line")]
        titles = {(t["kind"], t["title"]) for t in with_lines}
        report.lines.add(
            Counter((did, t["kind"], t["title"], t["line"], t["line_end"]) for t in with_lines),
            Counter(
                (did, n.kind.value, n.title, n.provenance.line_start, n.provenance.line_end)
                for n in loaded
                if (n.kind.value, n.title) in titles
            ),
        )
        report.ids.add(
            Counter((t["id"], t["kind"], t["title"]) for t in doc["nodes"]),
            Counter((n.id, n.kind.value, n.title) for n in loaded),
        )
        strategy_title = {t["id"]: t["title"] for t in doc["nodes"]}
        t_resp: Counter[tuple[Any, ...]] = Counter()
        for r in doc["responsibilities"]:
            title = strategy_title[r["strategy"]]
            t_resp[(did, title, "lead", r["lead"])] += 1
            for c in r["co"]:
                t_resp[(did, title, "co", c)] += 1
        l_resp: Counter[tuple[Any, ...]] = Counter()
        for e in resp:
            target = node_by_id.get(e.target)
            if target is None or target.document != did:
                continue
            role = "lead" if e.type is EdgeType.LEADS else "co"
            l_resp[(did, target.title, role, e.source.removeprefix("agency/"))] += 1
        report.responsibilities.add(t_resp, l_resp)
        t_cross = Counter((did, c["target"]) for c in doc.get("cross_refs", []))
        l_cross = Counter((did, c["target"]) for c in doc.get("cross_refs", []) if (did, c["target"]) in cross)
        report.cross_refs.truth += sum(t_cross.values())
        report.cross_refs.loaded += sum(l_cross.values())
        report.cross_refs.matched += sum(l_cross.values())
        report.cross_refs.missing += [_fmt(k) for k in (t_cross - l_cross).elements()]
    return report


def format_report(report: Report, max_diffs: int = 10) -> str:
    out = [
        f"accuracy over {report.documents} documents",
        f"{'measure':<20}{'truth':>9}{'loaded':>9}{'precision':>11}{'recall':>9}",
    ]
    for name, s in report.scores().items():
        out.append(f"{name:<20}{s.truth:>9}{s.loaded:>9}{s.precision:>11.4f}{s.recall:>9.4f}")
    for name, s in report.scores().items():
        if name == "cross-references" and s.matched == 0 and s.truth:
            out.append(
                f"cross-references: none of {s.truth} became a cross-plan edge "
                "(the cross-plan gazetteer, data/plans.yaml, does not know generated plans)"
            )
            continue
        for label, diffs in (("missing", s.missing), ("extra", s.extra)):
            if diffs:
                out.append(f"{name} {label} ({len(diffs)}):")
                out += [f"  {d}" for d in diffs[:max_diffs]]
    return "\n".join(out)
