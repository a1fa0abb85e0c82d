"""The walk-through of docs/architecture.md ("How to add a document type"), run: a sixth document in a
layout no bundled reader reads (measure cards, tests/data/sixth_document/grid_cards.txt), its profile,
and its reader package (tests/example_reader/), loaded with the bundled corpus exactly as the doc's
steps say: the file and its manifest entry beside the five, the profile beside theirs.

Every expected value below is read off the synthetic document by hand (its line numbers are in the
comments), never computed by the loader.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from core.source import DocumentError
from graph.embedded_store import EmbeddedStore
from graph.model import Edge, EdgeType, GraphBatch, Node, NodeKind
from graph.store import GraphStore, Role
from loaders.components import readers
from loaders.context import PROFILES_DIR
from loaders.corpus import DEFAULT_CORPUS
from loaders.pipeline import load_corpus
from tests.example_reader import reader as example_reader
from tests.test_components import Edit, _set

ROOT = Path(__file__).resolve().parent.parent
SIXTH = ROOT / "tests" / "data" / "sixth_document"
ARCHITECTURE = ROOT / "docs" / "architecture.md"
DOC = "grid-2026"
FILE = "grid_cards.txt"
PROFILE = "measure_cards"


def _with_sixth(root: Path) -> tuple[Path, Path]:
    """The walk-through's steps 1 and 4 on copies of data/: the document and its manifest entry in
    the corpus, its profile beside the bundled ones."""
    corpus, profiles = root / "corpus", root / "profiles"
    shutil.copytree(DEFAULT_CORPUS, corpus)
    shutil.copytree(PROFILES_DIR, profiles)
    shutil.copy(SIXTH / FILE, corpus / FILE)
    shutil.copy(SIXTH / "profiles" / f"{PROFILE}.yaml", profiles / f"{PROFILE}.yaml")
    manifest = yaml.safe_load((corpus / "manifest.yaml").read_text(encoding="utf-8"))
    manifest["documents"] += yaml.safe_load((SIXTH / "manifest.yaml").read_text(encoding="utf-8"))["documents"]
    (corpus / "manifest.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    return corpus, profiles


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> GraphBatch:
    corpus, profiles = _with_sixth(tmp_path_factory.mktemp("six"))
    return load_corpus(corpus, profiles_dir=profiles)


def _node(batch: GraphBatch, node_id: str) -> Node:
    found = [n for n in batch.nodes if n.id == node_id]
    assert len(found) == 1, node_id
    return found[0]


def _edges(batch: GraphBatch, type: EdgeType, target: str) -> list[Edge]:
    return [e for e in batch.edges if e.type is type and e.target == target]


def test_the_reader_registers_from_outside_the_pipelines_list() -> None:
    """Importing the reader module registers it; the pipeline's own list does not name it."""
    assert readers.get(PROFILE).read is example_reader.read_measure_cards


def test_the_cards_become_a_tree_under_the_plan(batch: GraphBatch) -> None:
    mine = [(n.id, n.kind, n.title, n.line) for n in batch.nodes if n.document == DOC and n.kind is not NodeKind.TARGET]
    assert mine == [
        (DOC, NodeKind.DOCUMENT, "智慧電網與儲能推動方案（2026-2029年）", 1),
        (f"{DOC}:plan", NodeKind.PLAN, "智慧電網與儲能推動方案（2026-2029年）", 1),
        (f"{DOC}:p1", NodeKind.PILLAR, "強化電網韌性", 11),
        (f"{DOC}:p1.m1-1", NodeKind.MEASURE, "建置區域智慧電網示範場域", 13),
        (f"{DOC}:p1.m1-2", NodeKind.MEASURE, "擴大儲能系統併網", 19),
        (f"{DOC}:p2", NodeKind.PILLAR, "培育綠能數位人才", 25),
        (f"{DOC}:p2.m2-1", NodeKind.MEASURE, "開設電網數位轉型課程", 27),
        (f"{DOC}:p2.m2-2", NodeKind.MEASURE, "推動綠能資料開放", 33),
    ]
    # A card spans its header (13) to its last `key：value` line (17).
    card = _node(batch, f"{DOC}:p1.m1-1")
    assert (card.provenance.line_start, card.provenance.line_end) == (13, 17)
    assert card.provenance.quote.splitlines()[0] == "【措施卡 1-1】"
    # The parent chain, one CONTAINS edge at a time, up to the Document that DESCRIBES the plan.
    chain = [f"{DOC}:p1.m1-1"]
    while parents := [e.source for e in _edges(batch, EdgeType.CONTAINS, chain[-1])]:
        assert len(parents) == 1
        chain.append(parents[0])
    assert chain == [f"{DOC}:p1.m1-1", f"{DOC}:p1", f"{DOC}:plan"]
    assert [e.source for e in _edges(batch, EdgeType.DESCRIBES, f"{DOC}:plan")] == [DOC]


def test_the_lead_and_co_organisers_are_quoted_from_their_lines(batch: GraphBatch) -> None:
    card = f"{DOC}:p1.m1-1"
    [lead] = _edges(batch, EdgeType.LEADS, card)
    assert lead.source == "agency/moea"
    assert (lead.provenance.document, lead.provenance.line_start, lead.provenance.line_end) == (DOC, 15, 15)
    assert lead.provenance.quote == "主辦：經濟部"
    co = {(e.source, e.provenance.line_start) for e in _edges(batch, EdgeType.CO_ORGANIZES, card)}
    assert co == {("agency/nstc", 16), ("agency/moda", 16)}  # 協辦：國家科學及技術委員會、數位發展部
    # 35 `主辦：數位部`: an abbreviation resolves through the gazetteer (data/agencies.yaml).
    [short] = _edges(batch, EdgeType.LEADS, f"{DOC}:p2.m2-2")
    assert (short.source, short.provenance.line_start, short.attrs["name"]) == ("agency/moda", 35, "數位部")
    # 36 `協辦：綠電推動小組` is no agency of the gazetteer: a warning with its line, no edge.
    assert _edges(batch, EdgeType.CO_ORGANIZES, f"{DOC}:p2.m2-2") == []
    assert [(w.line, w.code) for w in batch.warnings if w.document == DOC] == [(36, "unknown-agency")]


def test_a_card_figure_is_a_target_of_its_card(batch: GraphBatch) -> None:
    # 17 `指標：2028年完成6處示範場域`
    [has] = [e for e in batch.edges if e.type is EdgeType.HAS_TARGET and e.source == f"{DOC}:p1.m1-1"]
    target = _node(batch, has.target)
    assert target.line == 17
    assert (target.attrs["value"], target.attrs["unit"], target.attrs["year"]) == (6.0, "處", 2028)
    # 37 `說明：…無量化指標` states no figure, and card 2-2 has no 指標 line: no target.
    assert not [e for e in batch.edges if e.type is EdgeType.HAS_TARGET and e.source == f"{DOC}:p2.m2-2"]


def test_the_linkers_take_in_the_new_document_unchanged(batch: GraphBatch) -> None:
    """6 `本方案承接智慧國家2.0之數位基礎建設`: the cross-plan linker, which knows nothing of measure
    cards, links the new plan to the bundled one it names."""
    [mention] = [e for e in batch.edges if e.source == f"{DOC}:plan" and e.target == "smart-nation-2:plan"]
    assert (mention.type, mention.provenance.line_start) == (EdgeType.MENTIONS, 6)


def test_adding_a_document_changes_nothing_the_others_state(batch: GraphBatch, corpus_batch: GraphBatch) -> None:
    """Every node and every stated edge of the bundled corpus is still there, as it was; the new
    edges all touch the new document. Inferred ALIGNS_WITH edges are the exception, on purpose: their
    TF-IDF weights count grams over every item of the corpus (loaders/linkers/alignment.py), so a new
    document moves the scores of pairs it is not part of."""

    def dumped(items: list[Node] | list[Edge]) -> set[str]:
        return {i.model_dump_json() for i in items if not (isinstance(i, Edge) and i.type is EdgeType.ALIGNS_WITH)}

    assert dumped(corpus_batch.nodes) <= dumped(batch.nodes)
    assert dumped(corpus_batch.edges) <= dumped(batch.edges)
    before = dumped(corpus_batch.edges)
    new = [e for e in batch.edges if e.type is not EdgeType.ALIGNS_WITH and e.model_dump_json() not in before]
    assert new and all(e.provenance.document == DOC for e in new)


@pytest.mark.parametrize("neo4j", [False, pytest.param(True, marks=pytest.mark.bolt)], ids=["embedded", "neo4j"])
def test_the_queries_answer_for_the_new_document_in_both_stores(
    tmp_path: Path, request: pytest.FixtureRequest, neo4j: bool
) -> None:
    """No query changes for a new document type: lineage and responsibility answer for its cards."""
    store: GraphStore = request.getfixturevalue("neo4j_store_factory")() if neo4j else EmbeddedStore()
    store.replace(load_corpus(SIXTH, profiles_dir=SIXTH / "profiles"))
    assert [(r.node.id, r.depth) for r in store.ancestors(f"{DOC}:p2.m2-1")] == [(f"{DOC}:p2", 1), (f"{DOC}:plan", 2)]
    who = [(r.agency.id, r.role, r.explicit) for r in store.responsible_for(f"{DOC}:p2.m2-1")]
    assert who == [("agency/moe", Role.LEAD, True), ("agency/moda", Role.CO, True), ("agency/mol", Role.CO, True)]
    led = [r.node.id for r in store.responsibilities("agency/moea")]
    assert led == [f"{DOC}:p1.m1-1", f"{DOC}:p1.m1-2"]


# --- a bad profile for the new reader is refused before any document is read ----------------------

BAD_PROFILES: dict[str, tuple[Edit, str]] = {
    "misspelt section": (lambda d: d.update(fileds=d.pop("fields")), "field fields: Field required"),
    "pattern that does not compile": (
        _set("card.pattern", "^【措施卡(?P<num>"),
        "field card.pattern: Value error, not a regular expression",
    ),
    "pattern without its number": (
        _set("pillar.pattern", "^主軸.+$"),
        "field pillar.pattern: Value error, the pattern needs a (?P<num>...) group",
    ),
    "pillar pattern without its title": (
        _set("pillar.pattern", "^主軸(?P<num>[一二三四五六七八九十]+)"),
        "field pillar: Value error, the pillar pattern needs a (?P<title>...) group",
    ),
    "unknown node kind": (_set("card.kind", "Measur"), "field card.kind: Input should be"),
    "missing card key": (lambda d: d["fields"].pop("lead"), "field fields.lead: Field required"),
}


@pytest.mark.parametrize("case", sorted(BAD_PROFILES))
def test_a_bad_profile_for_the_new_reader_is_refused_before_any_document_is_read(tmp_path: Path, case: str) -> None:
    edit, expected = BAD_PROFILES[case]
    corpus, profiles = _with_sixth(tmp_path)
    path = profiles / f"{PROFILE}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    # The first document is unreadable: a load that read any file before the profiles would say so.
    (corpus / "000_94c0ce11f244451c.txt").write_bytes(bytes(range(256)) * 64)
    steps: list[str] = []
    with pytest.raises(DocumentError) as err:
        load_corpus(corpus, progress=steps.append, profiles_dir=profiles)
    message = str(err.value)
    assert message.startswith(f"{FILE}: manifest entry '{DOC}': profile '{PROFILE}'"), message
    assert expected in message and "\n" not in message, message
    assert not [s for s in steps if not s.startswith("read ")]  # no reader ran


# --- the walk-through says what the repository holds ------------------------------------------------


def test_the_walk_through_quotes_the_document_at_its_lines() -> None:
    """docs/architecture.md's excerpt (`13  【措施卡 1-1】`) and its table (`| 15 | `主辦：經濟部` |`)
    quote the synthetic document at the lines the tests above check."""
    doc = ARCHITECTURE.read_text(encoding="utf-8")
    lines = (SIXTH / FILE).read_text(encoding="utf-8").splitlines()
    excerpt = re.findall(r"^ ?(\d{1,2})  (\S.*)$", doc, re.M)
    rows = re.findall(r"^\| (\d+)(?:-\d+)? \| `([^`]+)`", doc, re.M)
    assert len(excerpt) >= 10 and len(rows) >= 8
    for number, text in excerpt:
        assert lines[int(number) - 1] == text, (number, text)
    for number, text in rows:
        assert all(part in lines[int(number) - 1] for part in text.split("…") if part), (number, text)


def test_the_walk_through_names_only_files_that_exist() -> None:
    doc = ARCHITECTURE.read_text(encoding="utf-8")
    named = {
        m
        for m in re.findall(r"`([\w./-]+/[\w./-]*)`", doc)
        if "<" not in m and ("." in m.split("/")[-1] or m.endswith("/"))
    }
    assert len(named) > 15
    assert sorted(m for m in named if not (ROOT / m).exists()) == []
