"""The synthetic corpus generator (tools/gen_corpus.py): its documents carry the artefacts of the
bundled S&T plan, its truth points at the right lines, it is reproducible, and the real load
pipeline reads its documents back to exactly that truth (tools/truth_check.py)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from core.agencies import default_book
from graph.model import EdgeType
from loaders.context import PROFILES_DIR
from loaders.linkers.cross_plan import EXPLICIT_TYPES
from loaders.pipeline import build_batch, load_corpus, read_corpus_sources
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
    assert report.perfect(), detail
    # Every LEADS edge quotes the 表4 line the truth says printed the string.
    by_id = {n.id: n for n in batch.nodes}
    lead_lines = {(e.target, e.provenance.line_start) for e in batch.edges if e.type.value == "LEADS"}
    for doc in truth["documents"]:
        for r in doc["responsibilities"]:
            assert r["strategy"] in by_id
            assert (r["strategy"], r["line"]) in lead_lines, r


def test_cross_references_between_generated_plans_load_back(corpus_dir: Path, truth: dict) -> None:
    """Each generated plan names earlier ones in 壹 by title (「X（民國 a 年至 b 年）」, CONTINUES) or
    name (「X」, CITES); no gazetteer entry knows them: only their manifest entries do. Every
    reference must become an explicit edge from the citing plan to the cited one, of that type, and
    nothing else (no self-citation from a plan's own title in its text, no other plan)."""
    batch = load_corpus(corpus_dir)
    report = compare(batch, truth)
    detail = format_report(report)
    refs, types = report.cross_refs, report.cross_types
    assert refs.truth >= 6 and {r["relation"] for d in truth["documents"] for r in d["cross_refs"]} == {
        "CITES",
        "CONTINUES",
    }, detail
    assert (refs.precision, refs.recall) == (1.0, 1.0), detail
    assert (types.precision, types.recall) == (1.0, 1.0), detail
    # Every plan prints its own title (壹: 行政院核定「…」): no edge stays inside one document.
    by_id = {n.id: n for n in batch.nodes}
    explicit = [e for e in batch.edges if e.type in EXPLICIT_TYPES]
    assert len(explicit) == refs.truth
    assert all(by_id[e.source].document != by_id[e.target].document for e in explicit)

    # The measure fails when the links are wrong: a lost link lowers recall, a self-citation or a
    # link to a plan the text does not cite lowers precision.
    lost = compare(batch.model_copy(update={"edges": [e for e in batch.edges if e is not explicit[0]]}), truth)
    assert lost.cross_refs.recall < 1.0 and lost.cross_refs.missing
    e0 = explicit[0]
    wrong = [
        e0.model_copy(update={"target": e0.source}),  # a plan citing itself
        e0.model_copy(update={"target": f"{e0.source.split(':')[0]}:plan", "type": EdgeType.MENTIONS}),
    ]
    citing = next(d for d in truth["documents"] if d["id"] == e0.provenance.document)
    cited = {citing["id"], *(r["target"] for r in citing["cross_refs"])}
    other = next(d["id"] for d in truth["documents"] if d["id"] not in cited)
    wrong.append(e0.model_copy(update={"target": f"{other}:plan"}))  # a plan it does not cite
    extra = compare(batch.model_copy(update={"edges": [*batch.edges, *wrong]}), truth)
    assert extra.cross_refs.precision < 1.0 and len(extra.cross_refs.extra) == 2, format_report(extra)
    assert extra.cross_refs.recall == 1.0


def _line_of(lines: list[str], needle: str) -> int:
    return next(i for i, s in enumerate(lines, 1) if needle in s)


def test_a_document_added_by_manifest_entry_alone_is_cited_by_name(tmp_path: Path) -> None:
    """A deployment adds documents by manifest entry only (no data/plans.yaml entry): a plan, a
    periodical (no plan: a Document node) and the predecessor S&T plan, which the gazetteer lists
    as an external plan (st-plan-110). Another document names them; the links go to their nodes."""
    corpus = generate_corpus(3, SEED + 2, Shape(cross_refs=(0, 0)))
    write_corpus(corpus, tmp_path)
    manifest = yaml.safe_load((tmp_path / "manifest.yaml").read_text(encoding="utf-8"))
    new, citing, pred = manifest["documents"]
    new.update(
        title="海洋韌性永續推動方案（民國 115 年至 118 年）",
        short_name="海洋韌性方案115-118",
        # 智慧國家方案 is the gazetteer's (smart-nation-2021); AI is a word, not a name.
        aliases=["海洋韌性方案", "智慧國家方案", "AI"],
    )
    pred.update(title="國家科學技術發展計畫（民國 110 年至 113 年）", short_name="科技計畫110-113", aliases=[])
    review = {
        "id": "ocean-review-3",
        "file": "review.txt",
        "title": "海洋政策評論 第3期",
        "short_name": "海洋政策評論3期",
        "aliases": ["海洋政策評論"],
        "kind": "periodical",
        "issuer": "海洋委員會",
        "published": "2025-09",
        "profile": "document_only",
    }
    manifest["documents"].append(review)
    (tmp_path / "manifest.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    (tmp_path / "review.txt").write_text("海洋政策評論 第3期\n\n本期專題：推動「海洋韌性方案」。\n", encoding="utf-8")
    # The new plan names itself (its own title is no citation of itself).
    new_file = tmp_path / new["file"]
    new_lines = new_file.read_text(encoding="utf-8").split("\n")
    at = _line_of(new_lines, "行政院核定「")
    new_lines[at - 1] = f"行政院核定「{new['title']}」，依「海洋韌性方案」推動。"
    new_file.write_text("\n".join(new_lines), encoding="utf-8")
    # The citing plan names the new plan in a measure, and the periodical and the predecessor in 壹.
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    measure = next(n for n in truth["documents"][1]["nodes"] if n["kind"] == "Measure" and n["line"] == n["line_end"])
    path = tmp_path / citing["file"]
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[measure["line"] - 1] += "，配合「海洋韌性方案」辦理"
    pre = _line_of(lines, "行政院核定「")
    lines[pre - 1] += "依據《海洋政策評論》之建議，並延續「國家科學技術發展計畫（民國 110 年至 113 年）」之推動成果。"
    path.write_text("\n".join(lines), encoding="utf-8")

    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "st_plan.yaml").write_text(
        (PROFILES_DIR / "st_plan.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (profiles / "document_only.yaml").write_text("reader: document_only\n", encoding="utf-8")
    batch = build_batch(read_corpus_sources(tmp_path), profiles_dir=profiles)

    links = {(e.source, e.target): e for e in batch.edges if e.type in EXPLICIT_TYPES}
    to_new = links[(measure["id"], f"{new['id']}:plan")]
    assert to_new.type is EdgeType.CITES and to_new.attrs["surface"] == "海洋韌性方案"
    assert (to_new.provenance.document, to_new.provenance.line_start) == (citing["id"], measure["line"])
    to_review = links[(f"{citing['id']}:plan", review["id"])]  # the periodical's Document node
    assert to_review.type is EdgeType.CITES and to_review.provenance.line_start == pre
    # The gazetteer's external st-plan-110 is this loaded document: one plan, not two.
    to_pred = links[(f"{citing['id']}:plan", f"{pred['id']}:plan")]
    assert to_pred.type is EdgeType.CONTINUES and to_pred.attrs["plan"] == "st-plan-110"
    assert not [n for n in batch.nodes if n.id.startswith("plan/")]
    # The periodical cites the plan too; nothing links a document to itself.
    assert links[(review["id"], f"{new['id']}:plan")].type is EdgeType.MENTIONS
    by_id = {n.id: n for n in batch.nodes}
    assert len(links) == 4 and all(by_id[s].document != by_id[t].document for s, t in links)
    unused = {(w.document, w.message.split("'")[1]) for w in batch.warnings if w.code == "unused-plan-name"}
    assert unused == {(new["id"], "智慧國家方案"), (new["id"], "AI")}


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
