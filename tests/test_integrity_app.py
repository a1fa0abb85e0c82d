"""Integrity checks in the running system: the bundled corpus, the load hook, the history, the
scheduler, /metrics and `policygraph check` (formats and exit codes)."""

from __future__ import annotations

import json
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from typer.testing import CliRunner

from app.cli import cli
from app.main import create_app
from app.monitoring import IntegrityMonitor, ScheduleError, history_for, schedule_trigger
from app.service import GraphService
from app.settings import Settings
from graph.embedded_store import EmbeddedStore
from graph.model import GraphBatch, LoadWarning
from graph.store import GraphStore
from loaders.corpus import DATA_DIR
from queries.integrity import (
    CATALOGUE,
    CheckStatus,
    IntegrityReport,
    RunHistory,
    Severity,
    check_batch,
    check_store,
    findings_for,
    history,
    latest_report,
)
from tests.conftest import CORPUS
from tests.conftest_bolt import BoltTarget
from tests.test_integrity_checks import S1M2, make_mini


def _wait_for(cond: Callable[[], bool], timeout: float = 15.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


# --- the bundled corpus -----------------------------------------------------------------------


def test_bundled_corpus_has_no_error_findings(any_store: GraphStore, corpus_batch: GraphBatch) -> None:
    report = check_store(any_store, list(corpus_batch.warnings), CORPUS)
    errors = [f"{f.check}: {f.message}" for f in report.findings if f.severity is Severity.ERROR]
    assert errors == []
    assert report.conforms
    # 000:2643 「4 項目標、16 項子目標、53 項策略，及 249 項…措施」 is checked, not skipped.
    run = next(r for r in report.checks if r.id == "stated-count")
    assert not any("st-plan-114" in n for n in run.notes)


@pytest.mark.bolt
def test_both_stores_give_the_same_findings(
    corpus_store: EmbeddedStore, neo4j_corpus_store: GraphStore, corpus_batch: GraphBatch
) -> None:
    a = check_store(corpus_store, list(corpus_batch.warnings), CORPUS)
    b = check_store(neo4j_corpus_store, list(corpus_batch.warnings), CORPUS)
    assert a.generation == b.generation
    assert [f.model_dump() for f in a.findings] == [f.model_dump() for f in b.findings]


def test_bundled_corpus_known_warnings(corpus_store: EmbeddedStore, corpus_batch: GraphBatch) -> None:
    report = check_store(corpus_store, list(corpus_batch.warnings), CORPUS)
    no_agency = {f.focus_node for f in report.findings_of("no-responsible-agency")}
    # 000:2740 推動在宅醫療，擴大公共醫療服務: the 表4 row has measures and no 參與部會 string.
    # 000:2815 表4 stops mid-strategy: 發展電力去碳化與節能科技 (body 2573) has no row.
    st = {n.id: n.title for n in corpus_store.nodes(document="st-plan-114") if n.id in no_agency}
    assert "推動在宅醫療，擴大公共醫療服務" in st.values()
    assert "發展電力去碳化與節能科技" in st.values()
    # 003:1135/1136 are the same paragraph numbered 14 and 15.
    dup = [f for f in report.findings_of("duplicate-title") if f.evidence[0].document == "smart-nation-2021"]
    assert [sorted(e.line or 0 for e in f.evidence) for f in dup] == [[1135, 1136]]
    # 003: 829 `1.` is followed by 869 `5.`.
    gaps = [f.evidence[0].line for f in report.findings_of("numbering-sequence") if f.severity is Severity.WARNING]
    assert 869 in gaps


# --- the load hook and the history ------------------------------------------------------------


def test_every_load_records_a_check_run(tmp_path: Path, corpus_copy: Path) -> None:
    settings = Settings(corpus=corpus_copy, history_db=tmp_path / "h.sqlite")
    svc = GraphService(settings, store=EmbeddedStore())
    mon = IntegrityMonitor(svc)
    stop = mon.start(trigger=None)
    try:
        load = svc.reload()
        assert load.ok
        runs = [r for r in mon.history.runs() if r.trigger == "load"]
        assert len(runs) == 1
        assert runs[0].generation == load.generation and runs[0].store == "embedded"
        # A broken corpus is not loaded: no check run for it.
        (corpus_copy / "manifest.yaml").write_text("documents: [", encoding="utf-8")
        assert not svc.reload().ok
        assert len([r for r in mon.history.runs() if r.trigger == "load"]) == 1
    finally:
        stop()
    assert mon.on_load not in svc.post_load


def test_history_functions(tmp_path: Path) -> None:
    m = make_mini(tmp_path)
    db = RunHistory(tmp_path / "history.sqlite")
    assert latest_report(db) is None and history(db) == [] and findings_for(db, S1M2) == []
    clean = check_batch(m.batch(), m.dir, refs=m.refs)
    db.record(clean, "load")
    m.replace_node(S1M2, attrs={"schedule_start": "2027-03", "schedule_end": "2026-12"})
    broken = check_batch(m.batch(), m.dir, refs=m.refs)
    db.record(broken, "schedule")
    runs = history(db, limit=5)
    assert [(r.trigger, r.conforms, r.summary.error) for r in runs] == [("schedule", False, 1), ("load", True, 0)]
    assert history(db, limit=1)[0].trigger == "schedule"
    latest = latest_report(db)
    assert latest is not None and latest.generation == broken.generation
    [f] = findings_for(db, S1M2)
    assert f.check == "schedule-reversed"
    assert db.findings_for(S1M2, run_id=runs[1].id) == []


def test_history_is_pruned(tmp_path: Path) -> None:
    m = make_mini(tmp_path)
    db = RunHistory(tmp_path / "h.sqlite", keep=3)
    report = check_batch(m.batch(), m.dir, refs=m.refs)
    ids = [db.record(report, "schedule") for _ in range(5)]
    assert [r.id for r in db.runs(10)] == ids[:1:-1]


def _unknown_agency(corpus: Path) -> tuple[Path, str, str]:
    """Edit 001:476 so that its 主/協辦 cell names an agency the gazetteer does not know (load
    warning unknown-agency at ai-ten:476). Returns the file and its text before and after."""
    doc = next(corpus.glob("001_*.txt"))
    before = doc.read_text(encoding="utf-8")
    lines = before.split("\n")
    assert lines[475].endswith("\t數發部數產署"), lines[475][-20:]
    lines[475] = lines[475].removesuffix("數發部數產署") + "火星開發署"
    after = "\n".join(lines)
    doc.write_text(after, encoding="utf-8")
    return doc, before, after


def _unknown_agency_lines(report: IntegrityReport) -> list[tuple[str, int | None]]:
    return [(f.evidence[0].document, f.evidence[0].line) for f in report.findings_of("unknown-agency")]


def test_load_warnings_are_kept_by_generation(tmp_path: Path) -> None:
    db = RunHistory(tmp_path / "h.sqlite", keep_loads=2)
    assert db.load_warnings("g1") is None and not db.path.exists()  # reading creates nothing
    w = LoadWarning(document="mini", line=10, code="unknown-agency", message="'經濟部門' is not known")
    db.record_load("g1", "neo4j", "/corpus", [w])
    db.record_load("g2", "neo4j", "/corpus", [])
    assert db.load_warnings("g1") == [w] and db.load_warnings("g2") == []
    assert db.load_warnings("g3") is None
    db.record_load("g1", "embedded", "/corpus", [w, w])  # the same generation loaded again
    db.record_load("g3", "neo4j", "/corpus", [])  # only the two most recent loads are kept
    assert db.load_warnings("g2") is None and db.load_warnings("g1") == [w, w]


def test_a_process_that_did_not_load_checks_the_loads_warnings(tmp_path: Path, corpus_copy: Path) -> None:
    # `policygraph load` and `serve` are separate processes (compose), as is any process on a
    # Neo4j graph: the load's warnings reach them through the history, keyed by generation.
    _unknown_agency(corpus_copy)
    db = tmp_path / "h.sqlite"
    store = EmbeddedStore()  # one store seen by two services, as a database is
    loader = GraphService(Settings(corpus=corpus_copy, history_db=db), store=store)
    IntegrityMonitor(loader).install()
    load = loader.reload()
    assert load.ok and load.generation is not None
    assert [w.line for w in load.warnings if w.code == "unknown-agency"] == [476]
    stored = RunHistory(db).load_warnings(load.generation)
    assert stored is not None and stored == list(load.warnings)
    server = GraphService(Settings(corpus=corpus_copy, history_db=db), store=store)
    assert server.last_load is None
    report = IntegrityMonitor(server).run("schedule")
    assert report is not None and _unknown_agency_lines(report) == [("ai-ten", 476)]
    # Without that record (another history file) the check cannot run: skipped, not passed.
    elsewhere = GraphService(Settings(corpus=corpus_copy, history_db=tmp_path / "other.sqlite"), store=store)
    skipped = IntegrityMonitor(elsewhere).run("schedule")
    assert skipped is not None
    assert next(r.status for r in skipped.checks if r.id == "unknown-agency") is CheckStatus.SKIPPED


# --- the scheduler ----------------------------------------------------------------------------


def test_scheduler_runs_the_checks_on_an_interval(tmp_path: Path, corpus_store: EmbeddedStore) -> None:
    svc = GraphService(Settings(history_db=tmp_path / "h.sqlite"), store=corpus_store)
    mon = IntegrityMonitor(svc)
    stop = mon.start(trigger=IntervalTrigger(seconds=0.2))
    try:
        _wait_for(lambda: len([r for r in mon.history.runs() if r.trigger == "schedule"]) >= 2)
    finally:
        stop()
    runs = mon.history.runs(50)
    assert {r.trigger for r in runs} == {"startup", "schedule"}
    info = corpus_store.generation()
    assert info is not None and all(r.generation == info.generation for r in runs)


def test_app_configured_with_an_interval_records_scheduled_runs(tmp_path: Path) -> None:
    # End to end: Settings(check_interval_seconds) -> create_app -> the lifespan starts the
    # scheduler -> runs recorded in the history file. Bounded wait, no timing asserted.
    db = tmp_path / "h.sqlite"
    app = create_app(Settings(check_interval_seconds=0.5, history_db=db))
    with TestClient(app) as client:
        _wait_for(lambda: len([r for r in RunHistory(db).runs(50) if r.trigger == "schedule"]) >= 2, timeout=300)
        generation = client.get("/health").json()["generation"]
    runs = RunHistory(db).runs(1000)
    # The app loaded the embedded store itself: that load is checked once, as `load`; no `startup`.
    assert {r.trigger for r in runs} == {"load", "schedule"}
    assert len([r for r in runs if r.trigger == "load"]) == 1
    assert generation is not None and all(r.generation == generation for r in runs)
    # ... and its warnings were recorded with its generation.
    assert RunHistory(db).load_warnings(generation) is not None


def test_schedule_from_settings() -> None:
    assert schedule_trigger(Settings()) is None
    t = schedule_trigger(Settings(check_interval_seconds=90))
    assert isinstance(t, IntervalTrigger) and t.interval.total_seconds() == 90
    c = schedule_trigger(Settings(check_interval_seconds=90, check_cron="*/15 2 * * 1-5"))
    assert isinstance(c, CronTrigger)  # the cron expression wins
    with pytest.raises(ScheduleError, match="not a cron expression"):
        schedule_trigger(Settings(check_cron="every morning"))


# --- /metrics ---------------------------------------------------------------------------------


def _metrics(client: TestClient) -> dict[str, list[tuple[dict[str, str], float]]]:
    text = client.get("/metrics").text
    out: dict[str, list[tuple[dict[str, str], float]]] = {}
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            out.setdefault(s.name, []).append((dict(s.labels), s.value))
    return out


def test_metrics_expose_the_last_run(tmp_path: Path) -> None:
    svc = GraphService(Settings(history_db=tmp_path / "h.sqlite"))
    app = create_app(svc.settings, service=svc)
    with TestClient(app) as client:
        _wait_for(lambda: bool(_metrics(client).get("policygraph_integrity_runs_total")))
        m = _metrics(client)
        # The app loaded the graph itself (embedded store): its first run is that load's.
        assert m["policygraph_integrity_runs_total"] == [({"trigger": "load"}, 1.0)]
        assert m["policygraph_integrity_last_run_timestamp_seconds"][0][1] > time.time() - 60
        assert m["policygraph_integrity_last_run_duration_seconds"][0][1] > 0
        assert m["policygraph_integrity_conforms"][0][1] == 1.0  # the bundled corpus conforms
        # One findings gauge per check at its own severity, equal to the recorded run's counts.
        gauges = {(lab["check"], lab["severity"]): v for lab, v in m["policygraph_integrity_findings"]}
        latest = latest_report(history_for(svc))
        assert latest is not None
        for check in CATALOGUE.values():
            n = sum(1 for f in latest.findings if f.check == check.id and f.severity is check.severity)
            assert gauges[(check.id, check.severity.value)] == n
        # A reload runs the checks again, through the post-load hook.
        assert svc.reload().ok
        m = _metrics(client)
        assert m["policygraph_integrity_runs_total"] == [({"trigger": "load"}, 2.0)]
    assert [r.trigger for r in history_for(svc).runs()] == ["load", "load"]


# --- policygraph check ------------------------------------------------------------------------

runner = CliRunner()


def test_check_junit_parses_and_exit_code_is_zero(tmp_path: Path) -> None:
    result = runner.invoke(cli, ["check", "--dry-run", "--corpus", str(CORPUS), "--format", "junit"])
    assert result.exit_code == 0, result.output
    root = ET.fromstring(result.stdout)
    suite = root.find("testsuite")
    assert suite is not None and suite.get("failures") == "0"
    assert [c.get("name") for c in suite.iter("testcase")] == list(CATALOGUE)


def test_check_exits_1_on_an_error_finding(tmp_path: Path, corpus_copy: Path) -> None:
    # 000:737 「3. 推動異質整合及先進晶片技術的研發與創新」, the last measure of its strategy, loses
    # its marker (the last, so the numbering of the others stays in order): the plan says 249
    # measures (2643) and now has 248.
    doc = next(corpus_copy.glob("000_*.txt"))
    lines = doc.read_text(encoding="utf-8").split("\n")
    assert lines[736].startswith("3. 推動異質整合及先進晶片技術")
    assert lines[748].startswith("(二) 策略二")
    lines[736] = lines[736][3:]
    doc.write_text("\n".join(lines), encoding="utf-8")
    out = tmp_path / "report.xml"
    result = runner.invoke(cli, ["check", "--dry-run", "--corpus", str(corpus_copy), "-f", "junit", "-o", str(out)])
    assert result.exit_code == 1
    suite = ET.parse(out).getroot().find("testsuite")
    assert suite is not None
    failed = [c.get("name") for c in suite.iter("testcase") if c.find("failure") is not None]
    assert failed == ["stated-count"]
    failure = next(c for c in suite.iter("testcase") if c.get("name") == "stated-count").find("failure")
    assert failure is not None and "states 249 Measure" in (failure.text or "")
    js = runner.invoke(cli, ["check", "--dry-run", "--corpus", str(corpus_copy), "--format", "json", "-c", "stated-count"])
    assert js.exit_code == 1
    data = json.loads(js.stdout)
    assert data["conforms"] is False and [c["id"] for c in data["checks"]] == ["stated-count"]


def _ambiguous_gazetteer(corpus_copy: Path) -> Path:
    """data/agencies.yaml edited so that 數發部 also means 經濟部: the loader refuses it."""
    text = (DATA_DIR / "agencies.yaml").read_text(encoding="utf-8")
    assert text.count("    abbreviations: [MOEA]\n") == 1
    edited = corpus_copy / "agencies.yaml"
    edited.write_text(text.replace("    abbreviations: [MOEA]\n", "    abbreviations: [MOEA, 數發部]\n"), encoding="utf-8")
    return edited


def test_check_reports_a_gazetteer_the_loader_refuses(tmp_path: Path, corpus_copy: Path) -> None:
    # The ambiguous-alias finding reaches `policygraph check`: a report (not exit 2 with one line),
    # the other checks skipped with the reason, exit 1.
    agencies = _ambiguous_gazetteer(corpus_copy)
    flags = ["--corpus", str(corpus_copy), "--agencies", str(agencies)]
    dry = runner.invoke(cli, ["check", "--dry-run", *flags, "--format", "json"])
    assert dry.exit_code == 1, dry.output
    data = json.loads(dry.stdout)
    assert data["conforms"] is False and "means more than one agency" in data["load_error"]
    [f] = data["findings"]
    assert f["check"] == "ambiguous-alias" and f["severity"] == "error"
    assert "'數發部'" in f["message"] and "數位發展部 (moda)" in f["message"] and "經濟部 (moea)" in f["message"]
    assert sorted(e["quote"] for e in f["evidence"]) == ["- id: moda", "- id: moea"]
    statuses = {c["id"]: c["status"] for c in data["checks"]}
    assert statuses.pop("ambiguous-alias") == "failed"
    assert set(statuses.values()) == {"skipped"}
    # The same without --dry-run (the embedded store is loaded by the check itself), as JUnit.
    out = tmp_path / "report.xml"
    served = runner.invoke(cli, ["check", *flags, "-f", "junit", "-o", str(out)])
    assert served.exit_code == 1, served.output
    suite = ET.parse(out).getroot().find("testsuite")
    assert suite is not None
    assert (suite.get("failures"), suite.get("skipped")) == ("1", str(len(CATALOGUE) - 1))
    failed = [c.get("name") for c in suite.iter("testcase") if c.find("failure") is not None]
    assert failed == ["ambiguous-alias"]
    # The table names the load error.
    table = runner.invoke(cli, ["check", "--dry-run", *flags], env={"COLUMNS": "200"})
    assert table.exit_code == 1 and "load error" in table.stdout and "does not conform" in table.stdout


def test_check_exits_2_when_it_cannot_check(tmp_path: Path) -> None:
    missing = runner.invoke(cli, ["check", "--dry-run", "--corpus", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2
    assert "manifest" in missing.stderr and "Traceback" not in missing.output
    unknown = runner.invoke(cli, ["check", "--dry-run", "-c", "no-such-check"])
    assert unknown.exit_code == 2 and "unknown check(s) no-such-check" in unknown.stderr
    no_gazetteer = runner.invoke(cli, ["check", "--dry-run", "--agencies", str(tmp_path / "none.yaml")])
    assert no_gazetteer.exit_code == 2 and "cannot read the agency gazetteer" in no_gazetteer.stderr


def test_check_served_graph_table_and_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "h.sqlite"
    monkeypatch.setenv("POLICYGRAPH_HISTORY_DB", str(db))
    result = runner.invoke(cli, ["check", "--record", "-c", "orphan-item", "-c", "stated-count"])
    assert result.exit_code == 0, result.output
    assert "orphan-item" in result.stdout and "conforms" in result.stdout
    [run] = RunHistory(db).runs()
    assert run.trigger == "cli" and run.conforms


@pytest.mark.bolt
def test_check_a_neo4j_graph_loaded_by_another_process(
    bolt_target: BoltTarget, tmp_path: Path, corpus_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `policygraph load` into Neo4j, then `policygraph check` (another process in production)
    # against the graph it serves: the load's warnings come back from the history.
    doc, before, after = _unknown_agency(corpus_copy)
    history = tmp_path / "h.sqlite"
    monkeypatch.setenv("POLICYGRAPH_HISTORY_DB", str(history))
    # A graph name of its own: NEO4J_URI may name a database that serves a real graph ("main").
    graph = f"check-test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("POLICYGRAPH_NEO4J_GRAPH", graph)
    flags = [*bolt_target.cli_flags(), "--corpus", str(corpus_copy)]
    served_store = bolt_target.store(graph=graph)  # where the CLI's Neo4j store writes
    try:
        loaded = runner.invoke(cli, ["load", *flags])
        assert loaded.exit_code == 0, loaded.output
        info = served_store.generation()
        assert info is not None

        def check(*extra: str) -> dict[str, Any]:
            result = runner.invoke(cli, ["check", "--format", "json", *flags, *extra])
            assert result.exit_code in (0, 1), result.output
            data: dict[str, Any] = json.loads(result.stdout)
            assert data["store"] == "neo4j" and data["generation"] == info.generation
            return data

        def unknown(data: dict[str, Any]) -> tuple[str, list[tuple[str, int]]]:
            run = next(c for c in data["checks"] if c["id"] == "unknown-agency")
            found = [(f["evidence"][0]["document"], f["evidence"][0]["line"]) for f in data["findings"]
                     if f["check"] == "unknown-agency"]
            return run["status"], found

        # The whole catalogue against the served graph.
        full = check()
        assert full["conforms"] is True
        assert unknown(full) == ("failed", [("ai-ten", 476)])
        # The corpus changes after the load, so rebuilding it no longer gives the served graph:
        # the warnings can only come from what the load recorded.
        doc.write_text(before, encoding="utf-8")
        assert unknown(check("-c", "unknown-agency")) == ("failed", [("ai-ten", 476)])
        # Another history file, which has no record of that load: skipped, with the reason.
        monkeypatch.setenv("POLICYGRAPH_HISTORY_DB", str(tmp_path / "other.sqlite"))
        assert unknown(check("-c", "unknown-agency")) == ("skipped", [])
        # ... unless the corpus rebuilds to the very graph served (the fallback without a history).
        doc.write_text(after, encoding="utf-8")
        assert unknown(check("-c", "unknown-agency")) == ("failed", [("ai-ten", 476)])
        # An edited gazetteer checked against the served graph (which it did not load).
        edited = _ambiguous_gazetteer(corpus_copy)
        alias = check("-c", "ambiguous-alias", "--agencies", str(edited))
        assert [f["check"] for f in alias["findings"]] == ["ambiguous-alias"] and alias["conforms"] is False
        # A dry run while a graph is served checks the corpus in a store of its own.
        dry = runner.invoke(cli, ["check", "--dry-run", "--format", "json", *bolt_target.cli_flags(),
                                  "--corpus", str(CORPUS), "-c", "orphan-item"])
        assert dry.exit_code == 0, dry.output
        data = json.loads(dry.stdout)
        assert data["store"] == "embedded" and data["generation"] != info.generation
        after_dry = served_store.generation()
        assert after_dry is not None and after_dry.generation == info.generation
    finally:
        served_store.drop()
        served_store.close()


def test_check_list_shows_the_catalogue() -> None:
    result = runner.invoke(cli, ["check", "--list"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert all(c in result.stdout for c in CATALOGUE)


def test_a_run_survives_an_unusable_history(tmp_path: Path, corpus_store: EmbeddedStore) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    svc = GraphService(Settings(history_db=blocker / "h.sqlite"), store=corpus_store)
    mon = IntegrityMonitor(svc)
    report = mon.run("schedule")
    assert report is not None and report.conforms
    assert mon.registry.get_sample_value("policygraph_integrity_run_failures_total") == 1.0
    assert mon.registry.get_sample_value("policygraph_integrity_runs_total", {"trigger": "schedule"}) == 1.0
