"""Broken documents (tests/data/bad_inputs, written by tools/gen_bad_inputs.py) loaded one by one
through GraphService.reload after a good load: each is refused with one line naming the file (and
the line, where the problem has one) and the served graph stays, or it loads with its warnings
without touching the good document. Big cases run here at a reduced size; benchmarks/bad_inputs.py
runs them at full size (50 MB, a million marker lines)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from app.service import GraphService
from app.settings import Settings
from core.source import MAX_DOCUMENT_BYTES, MAX_LINE_CHARS, DocumentError, decode_source
from graph.embedded_store import EmbeddedStore
from tools.gen_bad_inputs import BAD_ID, CASES, DEFAULT_OUT, Case, _manifest, committed, run_case, write_cases


def test_committed_cases_are_what_the_generator_writes(tmp_path: Path) -> None:
    written = write_cases(tmp_path)
    assert len(CASES) >= 30
    assert sorted(written) == sorted(p.name for p in DEFAULT_OUT.iterdir())
    for name in written:
        assert (tmp_path / name).read_bytes() == (DEFAULT_OUT / name).read_bytes(), (
            f"{name}: re-run tools/gen_bad_inputs.py"
        )
    # Nothing big is committed: the big cases are built when they run.
    assert max((DEFAULT_OUT / n).stat().st_size for n in written) < 1_000_000


@pytest.mark.timeout(120)  # a hang guard (the quadratic id allocation once hung here), not a speed test
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_bad_input(case: Case, tmp_path: Path) -> None:
    built = committed(case)
    out = run_case(case, tmp_path, case.test_scale, built)
    detail = json.dumps(out.__dict__, ensure_ascii=False, default=str)[:1500]
    assert out.outcome in ("rejected", "loaded"), detail
    assert not out.problems, detail
    if case.expect == "reject":
        assert out.outcome == "rejected", detail
    elif case.expect == "load":
        assert out.outcome == "loaded", detail


def test_warnings_about_a_huge_agency_cell_quote_it_shortened(tmp_path: Path) -> None:
    """2,000 unknown names in one 參與部會 cell: one warning per name, each naming its agency and
    quoting the cell shortened (quoting it whole made the warnings grow with the cell's square)."""
    case = _case("bad_huge_agency_cell")
    (tmp_path / case.file).write_bytes(case.build(2_000).data)
    (tmp_path / "manifest.yaml").write_text(_manifest([(BAD_ID, case.file)]), encoding="utf-8")
    report = GraphService(Settings(corpus=tmp_path), store=EmbeddedStore()).reload()
    assert report.ok, report.error
    unknown = [w for w in report.warnings if w.code == "unknown-agency"]
    assert len(unknown) == 2_000
    assert {w.message.split("」")[0] for w in unknown} >= {
        "表4 agency name 「第零號委員會",
        "表4 agency name 「第一九九九號委員會",
    }
    assert all(len(w.message) < 300 for w in unknown), max(len(w.message) for w in unknown)
    assert "characters)" in unknown[0].message  # says the quote was cut, and how long the cell is


# Facts of individual cases, checked on the files themselves (line numbers read from the text).
def _case(name: str) -> Case:
    return next(c for c in CASES if c.name == name)


def test_expected_lines_point_at_the_damage() -> None:
    index = {e["name"]: e for e in yaml.safe_load((DEFAULT_OUT / "cases.yaml").read_text(encoding="utf-8"))["cases"]}
    raw = (DEFAULT_OUT / "bad_control_char.txt").read_bytes().split(b"\n")
    assert b"\x07" in raw[index["bad_control_char"]["line"] - 1]
    raw = (DEFAULT_OUT / "bad_mixed_encodings.txt").read_bytes().split(b"\n")
    bad_line = raw[index["bad_mixed_encodings"]["line"] - 1]
    with pytest.raises(UnicodeDecodeError):
        bad_line.decode("utf-8")
    assert all(
        r.decode("utf-8") is not None for i, r in enumerate(raw) if i != index["bad_mixed_encodings"]["line"] - 1
    )
    text = (DEFAULT_OUT / "bad_duplicated_goals.txt").read_text(encoding="utf-8").split("\n")
    assert text[index["bad_duplicated_goals"]["line"] - 1].startswith("目標一")
    assert sum(1 for s in text if s.startswith("目標一：") and "\t" not in s) == 2  # the goal and its copy


def test_a_tree_section_without_items_is_refused_at_its_heading(tmp_path: Path) -> None:
    """肆 is there but empty, 表4 kept: the 表4 reader used to fail on it (`the st_plan reader failed
    on this document (ValueError: zip() …)`); the outline parser now refuses the document at 肆's
    heading, as it refuses a document without the section, and the served graph stays."""
    c = _case("bad_empty_tree")
    built = committed(c)
    assert built is not None and built.line is not None
    heading = built.line
    text = built.data.decode("utf-8").split("\n")
    assert text[heading - 1] == "肆、策略與重要措施" and text[heading + 1].startswith("伍、")
    out = run_case(c, tmp_path, built=built)
    assert out.outcome == "rejected" and not out.problems, out
    assert out.message == (
        f"bad_empty_tree.txt:{heading}: the section that holds the plan tree (肆、策略與重要措施, lines "
        f"{heading}-{heading + 1}) has no items: no line in it is a numbered item of the outline"
    )


def test_a_tree_without_strategies_loads_with_its_table_unassigned() -> None:
    """肆 keeps its goals only (no sub-goal, strategy or measure) and 表4 is kept: the table's strings
    have no strategy to go to. The document loads with its goals and one warning at the first
    string's line, instead of the 表4 reader failing."""
    from graph.model import DocumentMeta, NodeKind
    from loaders.pipeline import build_batch
    from tools.gen_bad_inputs import _tree, clean_text

    lines = clean_text().split("\n")
    a, b = _tree(lines)
    goals_only = [*lines[:a], *(s for s in lines[a:b] if s.startswith("目標") or not s.strip()), *lines[b:]]
    meta = DocumentMeta(
        id="goals", file="goals.txt", title="只有目標", short_name="goals", kind="plan", issuer="行政院",
        published="2025-01-01", profile="st_plan",
    )  # fmt: skip
    batch = build_batch([(meta, decode_source("goals.txt", "\n".join(goals_only).encode()))])
    kinds = {n.kind for n in batch.nodes if n.document == "goals"}
    assert NodeKind.GOAL in kinds and NodeKind.STRATEGY not in kinds
    assert not [e for e in batch.edges if e.type.value in ("LEADS", "CO_ORGANIZES")]
    [w] = [w for w in batch.warnings if w.code == "no-responsibility"]
    # The first table row's 參與部會 cell (a lone lead: 「核安會」 in this text).
    header = next(i for i, s in enumerate(goals_only, 1) if s.startswith("目標\t子目標"))
    first_string = next(i for i in range(header + 1, len(goals_only)) if goals_only[i - 1].split("\t")[-1].strip())
    assert w.line == first_string and "no strategy to assign them to" in w.message


def test_limits_are_far_above_the_bundled_documents() -> None:
    """The size and line limits refuse damage, never a real plan."""
    from loaders.corpus import DEFAULT_CORPUS

    for path in DEFAULT_CORPUS.glob("*.txt"):
        data = path.read_bytes()
        assert len(data) * 20 < MAX_DOCUMENT_BYTES
        assert max(len(s) for s in data.decode("utf-8").split("\n")) * 10 < MAX_LINE_CHARS
    with pytest.raises(DocumentError, match="at most 20,000"):
        decode_source("x.txt", ("肆" * (MAX_LINE_CHARS + 1)).encode())
    decode_source("x.txt", ("肆" * MAX_LINE_CHARS).encode())  # at the limit: accepted


@pytest.mark.timeout(180)  # a hang guard, not a timing: quadratic id allocation took many minutes here
def test_repeated_numbers_get_ids_in_linear_time() -> None:
    """20,000 measures numbered `1.` under one strategy (under the item limit) load, each with its
    own stable id (`…m1`, `…m1~2`, …)."""
    from graph.model import DocumentMeta
    from loaders.pipeline import build_batch

    built = _case("bad_million_markers").build(20_000)
    meta = DocumentMeta(
        id="rep", file="rep.txt", title="重複", short_name="rep", kind="plan", issuer="行政院",
        published="2025-01-01", profile="st_plan",
    )  # fmt: skip
    batch = build_batch([(meta, decode_source("rep.txt", built.data))])
    ids = [n.id for n in batch.nodes if n.document == "rep" and n.kind.value == "Measure"]
    assert len(ids) == len(set(ids)) >= 20_000
    first = next(i for i in ids if i.endswith(".m1"))
    assert f"{first}~2" in ids and f"{first}~20001" in ids
