"""The loader's extension point (loaders/components.py): readers and linkers register themselves
without importing the pipeline, every profile is validated by its reader's model before any
document is read, and linkers run in the order their declared dependencies give, not by name."""

from __future__ import annotations

import ast
import graphlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from core.source import DocumentError
from graph.model import EdgeType, GraphBatch, NodeKind
from loaders.components import ComponentError, LinkerRegistry
from loaders.context import PROFILES_DIR, DocResult, LoadContext
from loaders.corpus import DEFAULT_CORPUS, read_manifest
from loaders.pipeline import build_batch, linkers, load_corpus, read_corpus_sources, read_profiles

LOADERS = Path(__file__).resolve().parent.parent / "loaders"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
    return out


def test_nothing_imports_the_pipeline_back() -> None:
    """Readers and linkers import loaders.components; the pipeline imports them, never the reverse,
    and without importlib (an import a static import graph cannot see)."""
    offenders = {}
    for path in sorted(LOADERS.rglob("*.py")):
        if path.name == "pipeline.py" and path.parent == LOADERS:
            continue
        found = {
            m for m in _imports(path) if m == "loaders.pipeline" or m.startswith(("loaders.pipeline.", "importlib"))
        }
        if found:
            offenders[str(path.relative_to(LOADERS))] = sorted(found)
    assert offenders == {}
    assert not {m for m in _imports(LOADERS / "pipeline.py") if m.startswith("importlib")}


# --- linker order ---------------------------------------------------------------------------------


def _noop(ctx: LoadContext) -> DocResult:
    return DocResult()


def _registry(entries: list[tuple[str, tuple[str, ...]]]) -> LinkerRegistry:
    reg = LinkerRegistry()
    for name, after in entries:
        reg.register(name, after=after)(_noop)
    return reg


def test_the_bundled_linkers_run_after_what_they_declare() -> None:
    order = [s.name for s in linkers.order()]
    assert sorted(order) == ["agency_mentions", "alignment", "cross_plan", "econ_forum_covers"]
    for spec in linkers.order():
        assert all(order.index(dep) < order.index(spec.name) for dep in spec.after), spec
    # The MENTIONS/COVERS decision (see the comment at econ_forum_covers' registration) is declared,
    # not left to the alphabet.
    assert linkers.get("econ_forum_covers").after == ("cross_plan",)
    assert order.index("cross_plan") < order.index("econ_forum_covers")


@pytest.mark.parametrize(
    ("covers", "mentions"),
    [("econ_forum_covers", "cross_plan"), ("covers", "z_plan_mentions"), ("a", "b"), ("b", "a")],
)
@pytest.mark.parametrize("covers_first", [True, False])
def test_order_follows_declarations_not_names_or_registration(covers: str, mentions: str, covers_first: bool) -> None:
    """Renaming a linker or registering it earlier does not move it before what it runs after."""
    entries = [(covers, (mentions,)), (mentions, ()), ("agency_mentions", ()), ("alignment", ())]
    if not covers_first:
        entries.reverse()
    order = [s.name for s in _registry(entries).order()]
    assert order.index(mentions) < order.index(covers)
    assert sorted(order) == sorted(name for name, _ in entries)


def test_a_chain_runs_in_its_declared_order() -> None:
    reg = _registry([("a", ("b",)), ("b", ("c",)), ("c", ()), ("d", ("a",))])
    assert [s.name for s in reg.order()] == ["c", "b", "a", "d"]


@pytest.mark.parametrize(
    "entries",
    [
        [("a", ("b",)), ("b", ("a",))],
        [("a", ("b",)), ("b", ("c",)), ("c", ("a",)), ("d", ())],
        [("a", ("a",))],
    ],
)
def test_a_declared_cycle_is_refused(entries: list[tuple[str, tuple[str, ...]]]) -> None:
    with pytest.raises(ComponentError) as err:
        _registry(entries).order()
    message = str(err.value)
    assert "cycle" in message and "\n" not in message
    in_cycle = {name for name, after in entries if after}
    assert all(name in message for name in in_cycle), message


def test_an_unknown_dependency_and_a_second_registration_are_refused() -> None:
    with pytest.raises(ComponentError, match="'a' runs after 'missing', which is not a registered linker"):
        _registry([("a", ("missing",))]).order()
    with pytest.raises(ComponentError, match="registered twice"):
        _registry([("a", ()), ("a", ())])


def test_independent_linkers_do_not_change_the_graph_by_their_order(
    corpus_batch: GraphBatch, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the declarations leave open (the order of linkers with no dependency between them) does
    not change the graph: the other tie-break (reverse name order) gives the same batch. A linker
    that reads another's output without declaring it would fail here."""
    specs = {s.name: s for s in linkers.order()}
    sorter = graphlib.TopologicalSorter({name: spec.after for name, spec in specs.items()})
    sorter.prepare()
    other: list[str] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), reverse=True)
        other.extend(ready)
        sorter.done(*ready)
    assert other != [s.name for s in linkers.order()]
    monkeypatch.setattr(linkers, "order", lambda: [specs[name] for name in other])
    assert build_batch(read_corpus_sources(DEFAULT_CORPUS)) == corpus_batch


def test_articles_keep_their_mentions_of_the_programme_beside_covers(corpus_batch: GraphBatch) -> None:
    """The decision the declaration keeps: 002's articles that name AI 新十大建設 MENTION its plan
    and COVER its initiatives (with econ_forum_covers first, the 5 MENTIONS edges disappear)."""
    covers = {e.source for e in corpus_batch.edges if e.type is EdgeType.COVERS and e.target.startswith("ai-ten:")}
    mentions = {e.source for e in corpus_batch.edges if e.type is EdgeType.MENTIONS and e.target == "ai-ten:plan"}
    assert covers & mentions == {f"tef-23-3:a{k}" for k in range(1, 6)}


# --- profiles validated before anything is read ---------------------------------------------------

Edit = Callable[[dict[str, Any]], None]


def _set(key: str, value: Any) -> Edit:
    def edit(d: dict[str, Any]) -> None:
        *path, last = key.split(".")
        for k in path:
            d = d[k]
        d[last] = value

    return edit


def _drop(key: str) -> Edit:
    return lambda d: d.pop(key)


# The last manifest entry (smart-nation-2) reads with this profile: refused before 000-003 are read.
BAD_PROFILES: dict[str, tuple[Edit, str]] = {
    "misspelt key": (_set("pilars", ["智慧科技"]), "field pilars: Extra inputs are not permitted"),
    "missing section": (_drop("annex"), "field annex: Field required"),
    "wrong type": (_set("pillars", 4), "field pillars: Input should be a valid list"),
    "nested wrong value": (_set("responsibility.single", "OWNS"), "field responsibility.single: Input should be"),
    "nested unknown key": (_set("root.knd", "Plan"), "field root.knd: Extra inputs are not permitted"),
    "bad node kind": (_set("root.kind", "Planet"), "field root.kind: Input should be"),
    "unknown reader": (_set("reader", "slides"), "unknown reader 'slides'"),
}


@pytest.mark.parametrize("case", sorted(BAD_PROFILES))
def test_a_bad_profile_is_refused_before_any_document_is_read(corpus_copy: Path, tmp_path: Path, case: str) -> None:
    edit, expected = BAD_PROFILES[case]
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    for f in PROFILES_DIR.glob("*.yaml"):
        (profiles / f.name).write_bytes(f.read_bytes())
    data = yaml.safe_load((profiles / "smart_nation_2.yaml").read_text(encoding="utf-8"))
    edit(data)
    (profiles / "smart_nation_2.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    steps: list[str] = []
    with pytest.raises(DocumentError) as err:
        build_batch(read_corpus_sources(corpus_copy), profiles_dir=profiles, progress=steps.append)
    message = str(err.value)
    assert message.startswith("004_7fdd740c596be875.txt"), message
    assert "manifest entry 'smart-nation-2'" in message and "profile 'smart_nation_2'" in message
    assert expected in message and "\n" not in message
    assert steps == []  # no reader ran


def test_a_bad_profile_is_refused_before_any_document_file_is_read(corpus_copy: Path, tmp_path: Path) -> None:
    """A load refuses the bad profile of the last entry, not the unreadable file of the first."""
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    for f in PROFILES_DIR.glob("*.yaml"):
        (profiles / f.name).write_bytes(f.read_bytes())
    bad = profiles / "smart_nation_2.yaml"
    bad.write_text(bad.read_text(encoding="utf-8") + "\npilars: []\n", encoding="utf-8")
    (corpus_copy / "000_94c0ce11f244451c.txt").write_bytes(bytes(range(256)) * 64)
    with pytest.raises(
        DocumentError, match=r"^004_7fdd740c596be875.txt: manifest entry 'smart-nation-2'.* field pilars"
    ):
        load_corpus(corpus_copy, profiles_dir=profiles)


def test_a_profile_that_is_not_a_mapping_names_the_entry(corpus_copy: Path, tmp_path: Path) -> None:
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    for f in PROFILES_DIR.glob("*.yaml"):
        (profiles / f.name).write_bytes(f.read_bytes())
    (profiles / "smart_nation_2.yaml").write_text("- reader\n- smart_nation_2\n", encoding="utf-8")
    steps: list[str] = []
    with pytest.raises(DocumentError, match="manifest entry 'smart-nation-2'"):
        build_batch(read_corpus_sources(corpus_copy), profiles_dir=profiles, progress=steps.append)
    assert steps == []


def test_every_bundled_profile_validates_with_the_integrity_checks_key(corpus_copy: Path, tmp_path: Path) -> None:
    """`responsibility_expected` belongs to the integrity checks, not the reader: any profile may
    carry it (docs/integrity.md), and a bad kind in it is refused like any other field."""
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    for f in PROFILES_DIR.glob("*.yaml"):
        text = f.read_text(encoding="utf-8") + "\nresponsibility_expected: [Measure]\n"
        (profiles / f.name).write_text(text, encoding="utf-8")
    metas = read_manifest(corpus_copy)
    read = read_profiles(metas, profiles)
    assert sorted(read) == sorted(m.id for m in metas)
    assert {p.responsibility_expected == [NodeKind.MEASURE] for _, p in read.values()} == {True}
    st_plan = profiles / "st_plan.yaml"
    st_plan.write_text(st_plan.read_text(encoding="utf-8").replace("[Measure]\n", "[Mesure]\n"), encoding="utf-8")
    with pytest.raises(DocumentError, match=r"manifest entry 'st-plan-114'.* field responsibility_expected\.0"):
        read_profiles(metas, profiles)
