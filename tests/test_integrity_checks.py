"""Each integrity check, on a small corpus made to violate it and on a clean one that passes.

The corpus is one short plan written to a tmp directory (with its manifest-style DocumentMeta) and a
graph built by hand over it, with provenance quoted from those lines, so every expectation below is
a fact about the text in MINI_LINES. Checks that read the graph run on both stores (the Neo4j
variant needs the Bolt test server); batches no store accepts go through the dry run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from core.source import SourceText, read_source
from graph.model import (
    DocumentMeta,
    Edge,
    EdgeType,
    GraphBatch,
    LoadWarning,
    Node,
    NodeKind,
    Provenance,
)
from graph.store import GraphStore
from queries.integrity import (
    CATALOGUE,
    CheckStatus,
    IntegrityReport,
    Severity,
    check_batch,
    check_store,
    check_without_graph,
)
from queries.integrity.reference import References

MINI_LINES = [
    "測試計畫（核定本）",  # 1
    "目標一：發展智慧科技",  # 2
    "一、推動研究",  # 3
    "(一) 策略一、建立平臺",  # 4
    "1. 建置資料平臺",  # 5
    "2. 推動開放資料",  # 6
    "(二) 策略二、培育人才",  # 7
    "1. 培育數位人才",  # 8
    "本計畫包括 1 項目標、2 項策略，及 3 項措施，由 2 個部會共同執行。",  # 9
    "分工：國科會／經濟部",  # 10
    "至 2026 年培育 5,000 名人才",  # 11
    "本計畫延續數位國家·創新經濟發展方案。",  # 12
]

STATED = """
counts:
  - {document: mini, line: 9, quote: "1 項目標", scope: plan, kind: Goal, expected: 1}
  - {document: mini, line: 9, quote: "2 項策略", scope: plan, kind: Strategy, expected: 2}
  - {document: mini, line: 9, quote: "3 項措施", scope: plan, kind: Measure, expected: 3}
  - {document: mini, line: 9, quote: "由 2 個部會", scope: plan, kind: Agency, expected: 2}
  - {document: mini, line: 11, quote: "5,000 名", scope: line, scope_line: 7, kind: Target, expected: 1}
"""

AGENCIES = """
agencies:
  - id: nstc
    name: 國家科學及技術委員會
    abbreviations: [國科會]
  - id: moea
    name: 經濟部
    abbreviations: [MOEA]
"""

PLANS = """
plans:
  - id: digi-plus
    name: 數位國家·創新經濟發展方案（2017-2025年）
"""

G1 = "mini:g1"
SG1 = "mini:g1.sg1"
S1 = "mini:g1.sg1.s1"
S1M1 = "mini:g1.sg1.s1.m1"
S1M2 = "mini:g1.sg1.s1.m2"
S2 = "mini:g1.sg1.s2"
S2M1 = "mini:g1.sg1.s2.m1"
T1 = "mini:g1.sg1.s2.m1.t1"


@dataclass
class Mini:
    """The mini corpus on disk plus a hand-built graph over it; tests edit nodes/edges, then build."""

    dir: Path
    refs: References
    src: SourceText
    meta: DocumentMeta
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    warnings: list[LoadWarning] = field(default_factory=list)
    extra_docs: list[DocumentMeta] = field(default_factory=list)

    def prov(self, start: int, end: int | None = None, document: str = "mini") -> Provenance:
        end = start if end is None else end
        return Provenance(document=document, line_start=start, line_end=end, quote=self.src.quote(start, end))

    def node(self, id: str, kind: NodeKind, line: int, title: str, number: str | None = None, **attrs: Any) -> None:
        self.nodes[id] = Node(
            id=id, kind=kind, title=title, number=number, order=line, provenance=self.prov(line), attrs=attrs
        )

    def edge(self, source: str, target: str, type: EdgeType, line: int | None = None) -> None:
        prov = self.prov(line) if line else self.nodes[target].provenance
        self.edges.append(Edge(source=source, target=target, type=type, provenance=prov))

    def child(self, parent: str, id: str, kind: NodeKind, line: int, title: str, number: str, **attrs: Any) -> None:
        self.node(id, kind, line, title, number, **attrs)
        self.edge(parent, id, EdgeType.CONTAINS)

    def drop_edges(self, pred: Callable[[Edge], bool]) -> None:
        self.edges = [e for e in self.edges if not pred(e)]

    def replace_node(self, id: str, **changes: Any) -> None:
        self.nodes[id] = self.nodes[id].model_copy(update=changes)

    def batch(self) -> GraphBatch:
        return GraphBatch(
            documents=[self.meta, *self.extra_docs],
            nodes=list(self.nodes.values()),
            edges=list(self.edges),
            warnings=list(self.warnings),
        )


def make_mini(tmp_path: Path) -> Mini:
    d = tmp_path / "mini-corpus"
    d.mkdir()
    (d / "mini.txt").write_text("\n".join(MINI_LINES) + "\n", encoding="utf-8")
    ref = tmp_path / "ref"
    ref.mkdir()
    (ref / "stated.yaml").write_text(STATED, encoding="utf-8")
    (ref / "agencies.yaml").write_text(AGENCIES, encoding="utf-8")
    (ref / "plans.yaml").write_text(PLANS, encoding="utf-8")
    (ref / "responsibility.yaml").write_text("by_document_kind:\n  plan: [Strategy, Measure]\n", encoding="utf-8")
    (ref / "profiles").mkdir()
    (ref / "profiles" / "mini.yaml").write_text("reader: document_only\n", encoding="utf-8")
    refs = References(
        stated_counts=ref / "stated.yaml",
        responsibility=ref / "responsibility.yaml",
        agencies=ref / "agencies.yaml",
        plans=ref / "plans.yaml",
        profiles=ref / "profiles",
    )
    src = read_source(d / "mini.txt")
    meta = DocumentMeta(
        id="mini",
        file="mini.txt",
        title="測試計畫",
        short_name="測試計畫",
        kind="plan",
        issuer="行政院",
        published="2025-01-01",
        period_start=2025,
        period_end=2028,
        profile="mini",
        sha256=src.sha256,
    )
    m = Mini(d, refs, src, meta)
    m.node("mini", NodeKind.DOCUMENT, 1, "測試計畫")
    m.node("mini:plan", NodeKind.PLAN, 1, "測試計畫")
    m.edge("mini", "mini:plan", EdgeType.DESCRIBES)
    m.child("mini:plan", G1, NodeKind.GOAL, 2, "發展智慧科技", "一")
    m.child(G1, SG1, NodeKind.SUBGOAL, 3, "推動研究", "一")
    m.child(SG1, S1, NodeKind.STRATEGY, 4, "建立平臺", "一")
    m.child(S1, S1M1, NodeKind.MEASURE, 5, "建置資料平臺", "1")
    m.child(S1, S1M2, NodeKind.MEASURE, 6, "推動開放資料", "2", schedule_start="2025-01", schedule_end="2026-12")
    m.child(SG1, S2, NodeKind.STRATEGY, 7, "培育人才", "二")
    m.child(S2, S2M1, NodeKind.MEASURE, 8, "培育數位人才", "1")
    m.node(T1, NodeKind.TARGET, 11, "培育 5,000 名人才", year=2026, unit="名", value=5000)
    m.edge(S2M1, T1, EdgeType.HAS_TARGET)
    # 10 分工：國科會／經濟部 -> both strategies
    m.node("agency/nstc", NodeKind.AGENCY, 10, "國家科學及技術委員會")
    m.node("agency/moea", NodeKind.AGENCY, 10, "經濟部")
    m.edge("agency/nstc", S1, EdgeType.LEADS, 10)
    m.edge("agency/moea", S1, EdgeType.CO_ORGANIZES, 10)
    m.edge("agency/nstc", S2, EdgeType.LEADS, 10)
    m.edge("agency/moea", S2, EdgeType.CO_ORGANIZES, 10)
    return m


@pytest.fixture()
def mini(tmp_path: Path) -> Mini:
    return make_mini(tmp_path)


Checker = Callable[[Mini], IntegrityReport]


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.bolt)])
def run_on(request: pytest.FixtureRequest) -> Iterator[Checker]:
    """Runs the catalogue on the mini graph written to each store."""
    if request.param == "embedded":
        yield lambda m: check_batch(m.batch(), m.dir, refs=m.refs)
        return
    factory: Callable[..., GraphStore] = request.getfixturevalue("neo4j_store_factory")

    def on_neo4j(m: Mini) -> IntegrityReport:
        batch = m.batch()
        store = factory()
        store.replace(batch)
        return check_store(store, list(batch.warnings), m.dir, batch=batch, refs=m.refs)

    yield on_neo4j


def dry(m: Mini) -> IntegrityReport:
    return check_batch(m.batch(), m.dir, refs=m.refs)


def found(report: IntegrityReport, check: str) -> list[tuple[str | None, Severity]]:
    return [(f.focus_node, f.severity) for f in report.findings_of(check)]


def status(report: IntegrityReport, check: str) -> CheckStatus:
    return next(r.status for r in report.checks if r.id == check)


# --- the clean corpus -------------------------------------------------------------------------


def test_clean_mini_corpus_passes_every_check(mini: Mini, run_on: Checker) -> None:
    report = run_on(mini)
    assert report.findings == []
    assert {r.id: r.status for r in report.checks} == {c: CheckStatus.PASSED for c in CATALOGUE}
    assert report.conforms and report.load_error is None


# --- stated-count -----------------------------------------------------------------------------


def test_stated_count_mismatch_is_an_error(mini: Mini, run_on: Checker) -> None:
    # Drop measure 2 of strategy 1: line 9 says 3 measures, the graph now has 2.
    del mini.nodes[S1M2]
    mini.drop_edges(lambda e: e.target == S1M2)
    report = run_on(mini)
    assert found(report, "stated-count") == [("mini:plan", Severity.ERROR)]
    assert "states 3 Measure" in report.findings_of("stated-count")[0].message
    assert "the graph has 2" in report.findings_of("stated-count")[0].message
    assert not report.conforms


def test_stated_count_of_agencies_and_targets(mini: Mini, run_on: Checker) -> None:
    # Without 經濟部's assignments only one agency is assigned (line 9 says 2); without the target,
    # strategy 2 (line 7) has no target (line 11 says one).
    mini.drop_edges(lambda e: e.source == "agency/moea")
    mini.drop_edges(lambda e: e.type is EdgeType.HAS_TARGET)
    del mini.nodes[T1]
    report = run_on(mini)
    by_line = {f.evidence[0].line or 0: f.message for f in report.findings_of("stated-count")}
    assert sorted(by_line) == [9, 11]
    assert "states 2 Agency" in by_line[9] and "the graph has 1" in by_line[9]
    assert "states 1 Target" in by_line[11] and "the graph has 0" in by_line[11]


def test_stated_count_direct_and_within(mini: Mini) -> None:
    mini.refs.stated_counts.write_text(
        "counts:\n"
        # Sub-goal 一 (line 3) has the two strategies as its own children: passes.
        '  - {document: mini, line: 9, quote: "2 項策略", scope: line, scope_line: 3, kind: Strategy,'
        " direct: true, expected: 2}\n"
        # The plan has no strategy of its own (they are three levels down): fails.
        '  - {document: mini, line: 9, quote: "2 項策略", scope: plan, kind: Strategy, direct: true, expected: 2}\n'
        # Measures printed at lines 5-6 are the two of strategy 一: passes.
        '  - {document: mini, line: 9, quote: "3 項措施", kind: Measure, within: [5, 6], expected: 2}\n',
        encoding="utf-8",
    )
    [f] = dry(mini).findings_of("stated-count")
    assert f.focus_node == "mini:plan" and "the graph has 0" in f.message


def test_stated_count_via_an_edge_type(mini: Mini) -> None:
    # 12 本計畫延續數位國家·創新經濟發展方案: the plan CONTINUES one plan.
    mini.node("plan/digi-plus", NodeKind.PLAN, 12, "數位國家·創新經濟發展方案", external=True)
    mini.edge("mini:plan", "plan/digi-plus", EdgeType.CONTINUES, 12)
    mini.refs.stated_counts.write_text(
        "counts:\n"
        '  - {document: mini, line: 12, quote: "延續", kind: Plan, via: CONTINUES, expected: 1}\n'
        '  - {document: mini, line: 12, quote: "延續", kind: Plan, via: CITES, expected: 1}\n',
        encoding="utf-8",
    )
    [f] = dry(mini).findings_of("stated-count")
    assert "states 1 Plan" in f.message and "the graph has 0" in f.message


def test_stated_count_whose_sentence_moved(mini: Mini, tmp_path: Path) -> None:
    # The quote is on line 9, not 8: the document changed, the reference data must follow.
    mini.refs.stated_counts.write_text(
        'counts:\n  - {document: mini, line: 8, quote: "2 項策略", kind: Strategy, expected: 2}\n', encoding="utf-8"
    )
    report = dry(mini)
    [f] = report.findings_of("stated-count")
    assert "no longer says" in f.message and f.evidence[0].line == 8


def test_stated_count_scope_missing_and_entry_severity(mini: Mini) -> None:
    mini.refs.stated_counts.write_text(
        "counts:\n"
        '  - {document: mini, line: 9, quote: "2 項策略", scope: line, scope_line: 6, kind: Strategy,'
        " expected: 2, severity: warning}\n"
        '  - {document: mini, line: 9, quote: "3 項措施", scope: line, scope_line: 99, kind: Measure, expected: 3}\n',
        encoding="utf-8",
    )
    report = dry(mini)
    got = sorted((f.severity.value, f.message) for f in report.findings_of("stated-count"))
    # Line 6 is measure 2 (no strategies below it): a mismatch at the entry's own severity.
    assert got[0][0] == "error" and "no node of mini starts at line 99" in got[0][1]
    assert got[1][0] == "warning" and "states 2 Strategy" in got[1][1]


def test_stated_count_skips_documents_loaded_without_structure(mini: Mini) -> None:
    other = mini.meta.model_copy(update={"id": "other", "file": "mini.txt"})
    mini.extra_docs.append(other)
    mini.nodes["other"] = mini.nodes["mini"].model_copy(
        update={"id": "other", "provenance": mini.prov(1, document="other")}
    )
    mini.refs.stated_counts.write_text(
        'counts:\n  - {document: other, line: 9, quote: "2 項策略", kind: Strategy, expected: 2}\n', encoding="utf-8"
    )
    report = dry(mini)
    assert report.findings_of("stated-count") == []
    run = next(r for r in report.checks if r.id == "stated-count")
    assert run.notes == ["other: loaded without structure, 1 stated count(s) not checked"]


def test_broken_reference_data_crashes_only_its_check(mini: Mini) -> None:
    mini.refs.stated_counts.write_text("counts:\n  - {document: mini, line: 0}\n", encoding="utf-8")
    report = dry(mini)
    assert status(report, "stated-count") is CheckStatus.CRASHED
    assert status(report, "orphan-item") is CheckStatus.PASSED
    assert not report.conforms


# --- provenance-quote -------------------------------------------------------------------------


def test_quote_not_at_its_lines(mini: Mini, run_on: Checker) -> None:
    # Measure 1 claims line 5 but quotes line 6's text.
    bad = Provenance(document="mini", line_start=5, line_end=5, quote=MINI_LINES[5])
    mini.replace_node(S1M1, provenance=bad)
    mini.drop_edges(lambda e: e.target == S1M1)
    mini.edge(S1, S1M1, EdgeType.CONTAINS, 5)  # the edge keeps a correct quote
    report = run_on(mini)
    assert found(report, "provenance-quote") == [(S1M1, Severity.ERROR)]


def test_quote_past_the_end_of_the_file(mini: Mini) -> None:
    mini.replace_node(T1, provenance=Provenance(document="mini", line_start=40, line_end=41, quote="x"))
    [f] = dry(mini).findings_of("provenance-quote")
    assert f.focus_node == T1 and "past the end" in f.message


def test_source_changed_since_load_is_one_finding(mini: Mini) -> None:
    mini.meta = mini.meta.model_copy(update={"sha256": "0" * 64})
    report = dry(mini)
    [f] = report.findings_of("provenance-quote")
    assert "changed since it was loaded" in f.message


def test_provenance_skipped_without_sources(mini: Mini) -> None:
    report = check_batch(mini.batch(), None, refs=mini.refs)
    assert status(report, "provenance-quote") is CheckStatus.SKIPPED


# --- no-responsible-agency --------------------------------------------------------------------


def test_item_without_responsible_agency(mini: Mini, run_on: Checker) -> None:
    mini.drop_edges(lambda e: e.target == S2 and e.type in (EdgeType.LEADS, EdgeType.CO_ORGANIZES))
    mini.drop_edges(lambda e: e.source == "agency/moea")  # keep agency count honest: not this check
    report = run_on(mini)
    # Strategy 2 lacks one; its measure inherits nothing and is reported with it, not apart.
    assert found(report, "no-responsible-agency") == [(S2, Severity.WARNING)]
    assert "nor do its 1 descendant" in report.findings_of("no-responsible-agency")[0].message


def test_measures_inherit_from_their_strategy(mini: Mini) -> None:
    # The clean graph assigns strategies only (line 10); measures pass by inheritance.
    assert not any(e.target in (S1M1, S1M2, S2M1) for e in mini.edges if e.type is EdgeType.LEADS)
    assert dry(mini).findings_of("no-responsible-agency") == []


def test_profile_overrides_expected_kinds(mini: Mini) -> None:
    mini.drop_edges(lambda e: e.type in (EdgeType.LEADS, EdgeType.CO_ORGANIZES))
    assert len(dry(mini).findings_of("no-responsible-agency")) == 2  # both strategies
    (mini.refs.profiles / "mini.yaml").write_text("reader: document_only\nresponsibility_expected: []\n")
    assert dry(mini).findings_of("no-responsible-agency") == []


# --- unknown-agency ---------------------------------------------------------------------------


def test_unresolved_agency_string(mini: Mini, run_on: Checker) -> None:
    mini.warnings.append(
        LoadWarning(document="mini", line=10, code="unknown-agency", message="'經濟部門' is not in data/agencies.yaml")
    )
    mini.warnings.append(LoadWarning(document="mini", line=3, code="no-structure", message="not this check"))
    report = run_on(mini)
    [f] = report.findings_of("unknown-agency")
    assert f.severity is Severity.WARNING
    assert f.evidence[0].line == 10 and f.evidence[0].quote == "分工：國科會／經濟部"


def test_unknown_agency_skipped_without_load_warnings(mini: Mini) -> None:
    from graph.embedded_store import EmbeddedStore

    store = EmbeddedStore()
    store.replace(mini.batch())
    report = check_store(store, None, mini.dir, refs=mini.refs)
    assert status(report, "unknown-agency") is CheckStatus.SKIPPED


# --- ambiguous-alias --------------------------------------------------------------------------


def test_alias_resolving_to_two_agencies(mini: Mini) -> None:
    mini.refs.agencies.write_text(AGENCIES.replace("abbreviations: [MOEA]", "abbreviations: [MOEA, 國科會]"))
    [f] = dry(mini).findings_of("ambiguous-alias")
    assert f.severity is Severity.ERROR
    assert "'國科會'" in f.message  # the name as the gazetteer writes it
    assert sorted(e.quote or "" for e in f.evidence) == ["- id: moea", "- id: nstc"]


def test_alias_collision_across_width_and_script(mini: Mini) -> None:
    # 國科會 and the Simplified, full-width-spaced 国科 会 are one key for the resolver.
    mini.refs.agencies.write_text(AGENCIES.replace("abbreviations: [MOEA]", "abbreviations: [MOEA, 国科 会]"))
    assert len(dry(mini).findings_of("ambiguous-alias")) == 1


def test_agencies_of_the_graph_sharing_a_name(mini: Mini, run_on: Checker) -> None:
    # The gazetteer is sound, but the graph (loaded with an older one, or written by other means)
    # has two Agency nodes answering to 國科會: every query by that name picks one of them.
    mini.replace_node("agency/moea", attrs={"aliases": ["MOEA", "國科會"], "english": None, "parent": None})
    mini.replace_node("agency/nstc", attrs={"aliases": ["國科會"], "english": None, "parent": None})
    report = run_on(mini)
    [f] = report.findings_of("ambiguous-alias")
    assert f.severity is Severity.ERROR and f.focus_node == "agency/moea"
    assert "'國科會'" in f.message and "of the graph" in f.message
    assert [(e.document, e.line) for e in f.evidence] == [("mini", 10), ("mini", 10)]
    assert not report.conforms


def test_units_of_two_parents_may_share_a_bare_name(mini: Mini) -> None:
    # Two ministries may each have a 資訊處: a unit's bare name is scoped to its parent, so only two
    # units of one parent answering to it are ambiguous.
    for unit, title, parent in (
        ("agency/moea-it", "經濟部資訊處", "agency/moea"),
        ("agency/nstc-it", "國家科學及技術委員會資訊處", "agency/nstc"),
    ):
        mini.node(unit, NodeKind.AGENCY, 10, title, aliases=["資訊處"], parent=parent)
    assert dry(mini).findings_of("ambiguous-alias") == []
    mini.replace_node("agency/nstc-it", attrs={"aliases": ["資訊處"], "parent": "agency/moea"})
    [f] = dry(mini).findings_of("ambiguous-alias")
    assert "inside 經濟部" in f.message and f.focus_node == "agency/moea-it"


def test_a_collision_in_the_gazetteer_and_the_graph_is_reported_once(mini: Mini) -> None:
    mini.refs.agencies.write_text(AGENCIES.replace("abbreviations: [MOEA]", "abbreviations: [MOEA, 國科會]"))
    mini.replace_node("agency/moea", attrs={"aliases": ["MOEA", "國科會"]})
    mini.replace_node("agency/nstc", attrs={"aliases": ["國科會"]})
    [f] = dry(mini).findings_of("ambiguous-alias")
    assert f.evidence[0].document == "ref:agencies"


def test_ambiguous_alias_runs_without_a_graph(mini: Mini) -> None:
    # A gazetteer the loader refuses leaves no graph: the gazetteer is still checked, every other
    # check is skipped with the reason, and the report does not conform.
    mini.refs.agencies.write_text(AGENCIES.replace("abbreviations: [MOEA]", "abbreviations: [MOEA, 國科會]"))
    report = check_without_graph("the corpus cannot be loaded with this gazetteer", mini.dir, refs=mini.refs)
    assert [f.check for f in report.findings] == ["ambiguous-alias"]
    statuses = {r.id: r.status for r in report.checks}
    assert statuses.pop("ambiguous-alias") is CheckStatus.FAILED
    assert set(statuses.values()) == {CheckStatus.SKIPPED}
    skipped = next(r for r in report.checks if r.id == "stated-count")
    assert skipped.notes == ["no graph could be built (see the load error); this check needs one"]
    assert report.load_error == "the corpus cannot be loaded with this gazetteer"
    assert not report.conforms and report.store == "none" and report.generation is None


# --- schedules and targets --------------------------------------------------------------------


def test_schedule_that_ends_before_it_starts(mini: Mini, run_on: Checker) -> None:
    mini.replace_node(S1M2, attrs={"schedule_start": "2027-03", "schedule_end": "2026-12"})
    report = run_on(mini)
    assert found(report, "schedule-reversed") == [(S1M2, Severity.ERROR)]
    assert report.findings_of("schedule-outside-period") == []


def test_same_month_is_not_reversed(mini: Mini) -> None:
    mini.replace_node(S1M2, attrs={"schedule_start": "2026-12", "schedule_end": 2026})
    assert dry(mini).findings_of("schedule-reversed") == []


def test_schedule_outside_the_plan_period(mini: Mini, run_on: Checker) -> None:
    # The mini plan runs 2025-2028; the schedule is printed in a table row (line 10 here).
    mini.replace_node(
        S1M2,
        attrs={
            "schedule_start": "2024-07",
            "schedule_end": "2030-12",
            "schedules": [{"raw": "113/07-119/12", "line": 10}],
        },
    )
    report = run_on(mini)
    [f] = report.findings_of("schedule-outside-period")
    assert f.focus_node == S1M2 and f.severity is Severity.WARNING
    assert "starts 2024-07 and ends 2030-12" in f.message
    assert [(e.line, e.quote) for e in f.evidence] == [(10, "113/07-119/12"), (6, "2. 推動開放資料")]


def test_target_without_year_or_unit(mini: Mini, run_on: Checker) -> None:
    mini.replace_node(T1, attrs={"year": 2026, "unit": " ", "value": 5000})
    report = run_on(mini)
    [f] = report.findings_of("target-incomplete")
    assert f.focus_node == T1 and "no unit" in f.message and "year" not in f.message


def test_target_rules_by_type(mini: Mini) -> None:
    # 11 「至 2026 年培育 5,000 名人才」 read without its year: a target, so reported.
    mini.replace_node(T1, attrs={"type": "target", "value": 5000, "unit": "名"})
    [f] = dry(mini).findings_of("target-incomplete")
    assert "has no year" in f.message and "unit" not in f.message
    # The same figure as an achievement is a fact, not a target: not this check's business.
    mini.replace_node(T1, attrs={"type": "achieved", "value": 5000, "unit": "名"})
    assert dry(mini).findings_of("target-incomplete") == []
    # A qualitative goal (no value) needs a year but has no unit to give.
    mini.replace_node(T1, attrs={"type": "target", "value": None, "unit": None, "year": 2026})
    assert dry(mini).findings_of("target-incomplete") == []


# --- ids, edges, hierarchy --------------------------------------------------------------------


def test_duplicate_id_is_reported_by_the_dry_run(mini: Mini) -> None:
    twin = mini.nodes[S2M1].model_copy(update={"title": "另一個措施"})
    batch = mini.batch()
    batch.nodes.append(twin)
    report = check_batch(batch, mini.dir, refs=mini.refs)
    assert report.load_error is not None and "duplicate node id" in report.load_error
    assert found(report, "duplicate-id") == [(S2M1, Severity.ERROR)]
    # The store could not take the batch: checks that need one say so instead of passing.
    assert status(report, "no-responsible-agency") is CheckStatus.SKIPPED
    assert not report.conforms


def test_dangling_edge(mini: Mini) -> None:
    mini.edges.append(Edge(source="agency/nstc", target="mini:gone", type=EdgeType.LEADS, provenance=mini.prov(10)))
    report = dry(mini)
    assert report.load_error is not None
    assert found(report, "dangling-edge") == [("agency/nstc", Severity.ERROR)]


def test_cross_plan_reference_to_a_missing_plan(mini: Mini) -> None:
    mini.edges.append(
        Edge(source="mini:plan", target="plan/digi-plus", type=EdgeType.CONTINUES, provenance=mini.prov(12))
    )
    report = dry(mini)
    assert found(report, "unknown-plan-reference") == [("mini:plan", Severity.ERROR)]
    assert report.findings_of("dangling-edge") == []  # reported once, by the cross-plan check


def test_cross_plan_reference_to_an_external_plan(mini: Mini, run_on: Checker) -> None:
    # 12 本計畫延續數位國家·創新經濟發展方案 -> DIGI+, which is in the plan gazetteer.
    mini.node("plan/digi-plus", NodeKind.PLAN, 12, "數位國家·創新經濟發展方案", external=True)
    mini.edge("mini:plan", "plan/digi-plus", EdgeType.CONTINUES, 12)
    assert run_on(mini).findings == []
    # The same link to an external plan the gazetteer does not list.
    mini.node("plan/unlisted", NodeKind.PLAN, 12, "延續方案", external=True)
    mini.edge("mini:plan", "plan/unlisted", EdgeType.CITES, 12)
    report = run_on(mini)
    assert found(report, "unlisted-external-plan") == [("plan/unlisted", Severity.WARNING)]
    assert report.findings_of("unknown-plan-reference") == []


def test_two_parents(mini: Mini) -> None:
    mini.edge(S2, S1M1, EdgeType.CONTAINS)
    report = dry(mini)
    assert found(report, "multiple-parents") == [(S1M1, Severity.ERROR)]


def test_cycle_in_the_hierarchy(mini: Mini, run_on: Checker) -> None:
    # Goal 1 hangs from its own measure instead of the plan.
    mini.drop_edges(lambda e: e.target == G1)
    mini.edge(S1M1, G1, EdgeType.CONTAINS, 2)
    report = run_on(mini)
    [f] = report.findings_of("hierarchy-cycle")
    assert f.severity is Severity.ERROR
    assert set(f.message.split(": ")[1].split(" -> ")) == {G1, SG1, S1, S1M1}
    assert report.findings_of("orphan-item") == []


def test_item_with_no_parent_or_plan(mini: Mini, run_on: Checker) -> None:
    mini.drop_edges(lambda e: e.target == S2 and e.type is EdgeType.CONTAINS)
    mini.node("mini:t-lost", NodeKind.TARGET, 11, "5,000 名", year=2026, unit="名")
    report = run_on(mini)
    assert sorted(found(report, "orphan-item")) == [("mini:g1.sg1.s2", Severity.ERROR), ("mini:t-lost", Severity.ERROR)]
    msg = next(f.message for f in report.findings_of("orphan-item") if f.focus_node == S2)
    assert "its 1 descendant(s) are under no plan" in msg


def test_duplicate_title_under_one_parent(mini: Mini, run_on: Checker) -> None:
    # Measure 2 printed with measure 1's title, in full width and with a stray space.
    mini.replace_node(S1M2, title="建置 資料平臺", number="2")
    report = run_on(mini)
    assert found(report, "duplicate-title") == [(S1M2, Severity.WARNING)]


def test_same_title_under_different_parents_is_fine(mini: Mini) -> None:
    mini.replace_node(S2M1, title="建置資料平臺")
    assert dry(mini).findings_of("duplicate-title") == []


def test_numbering_gap_repeat_and_late_start(mini: Mini, run_on: Checker) -> None:
    mini.replace_node(S1M2, number="4")  # 1, 4: a gap
    mini.replace_node(S2, number="一")  # 一, 一: a repeat
    mini.replace_node(S2M1, number="(3)")  # a list that starts at 3
    report = run_on(mini)
    got = sorted((f.focus_node or "", f.severity.value) for f in report.findings_of("numbering-sequence"))
    assert got == [(S1M2, "warning"), (S2, "warning"), (S2M1, "info")]
