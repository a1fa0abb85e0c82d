"""Load accuracy: a loaded graph (GraphBatch) against the truth a generator wrote (truth.json).

Measured per document and in total, as precision and recall of
- nodes: (document, kind, title) — titles as the generator made them, before any artefact;
- parents: (document, kind, title, parent kind, parent title) — the tree shape;
- responsibilities: (document, strategy title, role, agency id) — explicit LEADS / CO_ORGANIZES;
- provenance lines: matched nodes whose first and last line are the generator's;
- ids: nodes whose id is the one the documented id scheme gives (`doc:g1.sg2.s3.m1`);
- cross-references: (citing document, cited plan) pairs: the truth's cross-references against the
  explicit cross-plan edges (CITES, CONTINUES, …; not the inferred ALIGNS_WITH) whose evidence is
  in a generated document, from that document to another plan (another document's, or an external
  plan `plan/<id>`: a plan the generator did not mean to cite). An edge between two items of its
  own document is a self-citation and counts as an extra (document, document) pair;
- cross-reference types: the same with the relation (the generator's CITES / CONTINUES against
  the edge type the wording gave).

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
    cross_types: Score = field(default_factory=Score)

    def scores(self) -> dict[str, Score]:
        return {
            "nodes": self.nodes,
            "parents": self.parents,
            "responsibilities": self.responsibilities,
            "provenance lines": self.lines,
            "ids": self.ids,
            "cross-references": self.cross_refs,
            "cross-ref types": self.cross_types,
        }

    def perfect(self) -> bool:
        return all(s.precision == 1.0 and s.recall == 1.0 for s in self.scores().values())


def _cited(batch: GraphBatch, node_by_id: dict[str, Node]) -> dict[str, set[tuple[str, str]]]:
    """Evidence document -> (cited plan, edge type) for every explicit cross-plan edge: the cited
    plan is the other end's document, or the external plan's id; a document's own when both ends
    are its items."""

    def owner(n: Node) -> str:
        return n.id if n.attrs.get("external") else n.document

    out: dict[str, set[tuple[str, str]]] = {}
    for e in batch.edges:
        if e.type not in CROSS_TYPES or e.source not in node_by_id or e.target not in node_by_id:
            continue
        doc = e.provenance.document
        ends = {owner(node_by_id[e.source]), owner(node_by_id[e.target])}
        for cited in (ends - {doc}) or {doc}:
            out.setdefault(doc, set()).add((cited, e.type.value))
    return out


def compare(batch: GraphBatch, truth: dict[str, Any]) -> Report:
    report = Report()
    by_doc: dict[str, list[Node]] = {}
    for n in batch.nodes:
        if n.kind in HIERARCHY_KINDS:
            by_doc.setdefault(n.document, []).append(n)
    node_by_id = {n.id: n for n in batch.nodes}
    parent: dict[str, str] = {e.target: e.source for e in batch.edges if e.type is EdgeType.CONTAINS}
    resp = [e for e in batch.edges if e.type in RESPONSIBILITY_TYPES]
    cited = _cited(batch, node_by_id)
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
        refs = doc.get("cross_refs", [])
        here = cited.get(did, set())
        report.cross_refs.add(
            Counter({(did, c["target"]) for c in refs}), Counter({(did, target) for target, _ in here})
        )
        report.cross_types.add(
            Counter({(did, c["target"], c["relation"]) for c in refs}), Counter({(did, *t) for t in here})
        )
    return report


def format_report(report: Report, max_diffs: int = 10) -> str:
    out = [
        f"accuracy over {report.documents} documents",
        f"{'measure':<20}{'truth':>9}{'loaded':>9}{'precision':>11}{'recall':>9}",
    ]
    for name, s in report.scores().items():
        out.append(f"{name:<20}{s.truth:>9}{s.loaded:>9}{s.precision:>11.4f}{s.recall:>9.4f}")
    for name, s in report.scores().items():
        for label, diffs in (("missing", s.missing), ("extra", s.extra)):
            if diffs:
                out.append(f"{name} {label} ({len(diffs)}):")
                out += [f"  {d}" for d in diffs[:max_diffs]]
    return "\n".join(out)
