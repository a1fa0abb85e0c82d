"""The synthetic corpus generator (tools/gen_corpus.py): its documents carry the artefacts of the
bundled S&T plan, its truth points at the right lines, it is reproducible, and the real load
pipeline reads its documents back to exactly that truth (tools/truth_check.py)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from loaders.agencies import default_book
from loaders.pipeline import load_corpus
from tools.gen_corpus import Shape, generate_corpus, main, write_corpus
from tools.truth_check import compare, format_report

SEED = 20251020
N_DOCS = 8


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synthetic")
    write_corpus(generate_corpus(N_DOCS, SEED), out)
    return out


@pytest.fixture(scope="module")
def truth(corpus_dir: Path) -> dict:
    return json.loads((corpus_dir / "truth.json").read_text(encoding="utf-8"))


def _texts(corpus_dir: Path) -> dict[str, list[str]]:
    return {p.name: p.read_text(encoding="utf-8").split("\n") for p in sorted(corpus_dir.glob("syn_*.txt"))}


def test_documents_load_back_to_the_truth(corpus_dir: Path, truth: dict) -> None:
    batch = load_corpus(corpus_dir)
    report = compare(batch, truth)
    detail = format_report(report)
    assert report.documents == N_DOCS
    # Non-trivial: the truth holds every level and a few hundred responsibilities.
    assert report.nodes.truth > 500 and report.responsibilities.truth > 100, detail
    for name in ("nodes", "parents", "responsibilities", "provenance lines", "ids"):
        s = report.scores()[name]
        assert (s.precision, s.recall) == (1.0, 1.0), f"{name}\n{detail}"
    # Every LEADS edge quotes the 表4 line the truth says printed the string.
    by_id = {n.id: n for n in batch.nodes}
    lead_lines = {(e.target, e.provenance.line_start) for e in batch.edges if e.type.value == "LEADS"}
    for doc in truth["documents"]:
        for r in doc["responsibilities"]:
            assert r["strategy"] in by_id
            assert (r["strategy"], r["line"]) in lead_lines, r


def test_combined_table_rows_load_back_to_the_truth(tmp_path: Path) -> None:
    """`--hard`: two strategies, all their measures and both strings on one 表4 line (000:2648)."""
    write_corpus(generate_corpus(6, SEED + 1, Shape(p_combined_rows=0.5)), tmp_path)
    combined = [
        cells
        for p in tmp_path.glob("syn_*.txt")
        for s in p.read_text(encoding="utf-8").split("\n")
        if len(cells := s.split("\t")) >= 5 and re.search(r"\d\. .* \d\. ", re.sub(r"</?p>", "", cells[2]))
    ]
    assert len(combined) >= 5
    assert all(len(re.sub(r"</?p>", "", c[4]).split()) >= 2 for c in combined)  # two strings side by side
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    report = compare(load_corpus(tmp_path), truth)
    s = report.responsibilities
    assert (s.precision, s.recall) == (1.0, 1.0), format_report(report)
    assert report.perfect(), format_report(report)


def test_the_documents_carry_the_artefacts_of_the_real_plan(corpus_dir: Path) -> None:
    """What makes the accuracy above mean something: the traps of 000 are really in the text."""
    lines = [s for text in _texts(corpus_dir).values() for s in text]
    found: Counter[str] = Counter()
    for s in lines:
        found["full-width strategy"] += bool(re.match(r"^（[一二三四五六七八九十]+）策略", s))
        found["half-width strategy"] += bool(re.match(r"^\([一二三四五六七八九十]+\) 策略", s))
        found["bold wrapped strategy"] += bool(re.match(r"^\*\*[(（]", s))
        found["dash action"] += bool(re.match(r"^ ?- \(\d+\)", s))
        found["full-width action"] += bool(re.match(r"^（\d+）", s))
        found["full-width measure dot"] += bool(re.match(r"^(- )?\d+．", s))
        found["roman item"] += bool(re.match(r"^ - [IVX]+\. ", s))
        found["stray space"] += "， " in s
        found["header row"] += s.rstrip("\t") == "目標\t子目標\t策略\t措施\t參與部會"
        found["<p> cells"] += s.startswith("<p>") or "\t<p>" in s
        found["space inside a name"] += bool(re.search(r"[\u4e00-\u9fff] [部會院署]([／、]|$)", s))
        found["TOC goal line"] += bool(re.match(r"^目標[一二三四]：.*\.\.\.\.\.\t\d+$", s))
    for what, n in found.items():
        assert n > 0, f"no {what} in the generated documents"
    # Page breaks: runs of 3+ blank lines, some inside a title (a marker line, then blanks, then
    # a short fragment that is not a marker).
    text = "\n".join(lines)
    assert len(re.findall(r"\n\n\n\n", text)) > 20
    # Former names and abbreviations in 表4 strings (resolved by the gazetteer, not verbatim names).
    book = default_book()
    former = {f for r in book.records.values() for f in r.former_names}
    abbrev = {a for r in book.records.values() for a in r.abbreviations}
    cells = [c for s in lines if "／" in s for c in re.split(r"[\t／、 ]|</?p>", s)]
    assert any(c in former for c in cells), "no former agency name in any 表4 string"
    assert any(c in abbrev for c in cells), "no abbreviation in any 表4 string"


def test_truth_points_at_the_text(corpus_dir: Path, truth: dict) -> None:
    texts = _texts(corpus_dir)
    manifest_titles = {d["id"]: d["title"] for d in truth["documents"]}
    for doc in truth["documents"]:
        lines = texts[doc["file"]]
        for node in doc["nodes"]:
            if node["line"] is None:
                continue
            first = lines[node["line"] - 1].replace(" ", "").replace("**", "")
            # The marker line holds the number and the start of the title.
            assert node["title"].replace(" ", "")[:2] in first, (doc["file"], node)
            if node["line_end"] > node["line"]:
                assert lines[node["line_end"] - 1].strip(), (doc["file"], node)
        for r in doc["responsibilities"]:
            assert r["raw"] in lines[r["line"] - 1], (doc["file"], r)
            assert r["lead"] in {rec.id for rec in default_book().records.values()}
        for ref in doc["cross_refs"]:
            # A cross-reference names an earlier generated plan, in 「」 on its line.
            assert ref["target"] < doc["id"]
            assert f"「{ref['text']}」" in lines[ref["line"] - 1]
            assert ref["text"] in manifest_titles[ref["target"]]


def test_same_seed_same_corpus_and_prefix_stable() -> None:
    a = generate_corpus(3, 11)
    b = generate_corpus(3, 11)
    assert [d.text for d in a.docs] == [d.text for d in b.docs]
    assert a.truth() == b.truth() and a.manifest() == b.manifest()
    c = generate_corpus(5, 11)  # a bigger corpus starts with the smaller one
    assert [d.text for d in c.docs[:3]] == [d.text for d in a.docs]
    other = generate_corpus(3, 12)
    assert [d.text for d in other.docs] != [d.text for d in a.docs]


def test_plan_names_are_unique() -> None:
    titles = [d["title"] for d in generate_corpus(60, 5).manifest()["documents"]]
    assert len(set(titles)) == len(titles)


def test_cli_writes_a_corpus_and_checks_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "c"
    assert main(["--docs", "2", "--seed", "3", "--out", str(out), "--check"]) == 0
    printed = capsys.readouterr().out
    assert "wrote 2 documents" in printed and "recall" in printed
    assert sorted(p.name for p in out.iterdir()) == ["manifest.yaml", "syn_0000.txt", "syn_0001.txt", "truth.json"]
