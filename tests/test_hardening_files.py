"""Files stay where they belong, and a bad manifest is one line (issue 13, requirements 1 and 3).

Every configured path (a manifest entry's `file` and `profile`, the manifest itself, the gazetteers,
the check history) is refused when it leads outside its directory or is not a regular file; every
malformed manifest is refused with one line naming manifest.yaml, the entry and the field. Each case
is tried through the loader API and through the `policygraph load` / `check --dry-run` commands.
"""

from __future__ import annotations

import hashlib
import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app.cli import cli
from app.main import create_app
from app.service import GraphService
from app.settings import Settings
from core.agencies import load_agency_book
from core.errors import ReferenceDataError
from core.files import PathRefused, child_path, open_regular, read_regular
from core.plans import load_gazetteer
from core.source import DocumentError, read_source
from graph.embedded_store import EmbeddedStore
from graph.model import DocumentMeta, GraphBatch, NodeKind
from graph.store import GraphStore
from loaders.context import read_profile
from loaders.corpus import DEFAULT_CORPUS, read_manifest
from loaders.linkers.plan_mentions import load_cues
from loaders.pipeline import build_batch, load_corpus, read_corpus_sources
from queries.integrity.history import HistoryError, RunHistory
from queries.integrity.reference import load_responsibility_expected, load_stated_counts

# Nothing here may wait on a FIFO: a hang fails the test instead of stalling the run.
pytestmark = pytest.mark.timeout(120)

ST_PLAN = "000_94c0ce11f244451c.txt"
PASSWD = Path("/etc/passwd")
PASSWD_LINE = PASSWD.read_text(encoding="utf-8", errors="replace").splitlines()[0]


def _manifest(corpus: Path) -> dict[str, list[dict[str, object]]]:
    data = yaml.safe_load((corpus / "manifest.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _write_manifest(corpus: Path, data: object) -> None:
    (corpus / "manifest.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _set_first(corpus: Path, **fields: object) -> None:
    """Change fields of the first manifest entry (st-plan-114)."""
    data = _manifest(corpus)
    data["documents"][0].update(fields)
    _write_manifest(corpus, data)


def _only_first(corpus: Path, **fields: object) -> None:
    """A manifest of just the first entry, changed: a load that reads nothing else."""
    data = _manifest(corpus)
    data["documents"] = [data["documents"][0] | fields]
    _write_manifest(corpus, data)


def _refused(corpus: Path) -> str:
    """The one-line error of loading `corpus` through the loader API."""
    with pytest.raises(DocumentError) as err:
        load_corpus(corpus)
    message = str(err.value)
    assert "\n" not in message, message
    assert PASSWD_LINE not in message
    return message


def _cli(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, args, env=env)
    return result.exit_code, result.output


def _cli_refuses(corpus: Path, *expected: str) -> None:
    """`policygraph load` and `policygraph check --dry-run` both refuse `corpus` with one line."""
    for args in (["load", "--corpus", str(corpus)], ["check", "--dry-run", "--corpus", str(corpus)]):
        code, output = _cli(args)
        assert code != 0, (args, output)
        assert "Traceback" not in output and "RecursionError" not in output, output
        lines = [s for s in output.splitlines() if s.strip()]
        assert len(lines) == 1, output
        for text in expected:
            assert text in lines[0], (text, output)
        assert PASSWD_LINE not in output


# --- Requirement 1: a manifest entry's file stays inside the corpus directory ------------------


def _parent_escape(corpus: Path) -> str:
    return os.path.relpath(PASSWD, corpus)  # ../../../etc/passwd, however deep tmp is


def _symlink_out(corpus: Path) -> str:
    (corpus / "notes.txt").symlink_to(PASSWD)
    return "notes.txt"


def _symlinked_dir_out(corpus: Path) -> str:
    (corpus / "etc").symlink_to(PASSWD.parent, target_is_directory=True)
    return "etc/passwd"


def _symlink_loop(corpus: Path) -> str:
    (corpus / "a.txt").symlink_to("b.txt")
    (corpus / "b.txt").symlink_to("a.txt")
    return "a.txt"


def _sneaky_parent(corpus: Path) -> str:
    (corpus / "sub").mkdir()
    return "sub/../../" + _parent_escape(corpus)


ESCAPES: dict[str, tuple[Callable[[Path], str], str]] = {
    "parent": (_parent_escape, "leads outside the corpus directory"),
    "parent via subdirectory": (_sneaky_parent, "leads outside the corpus directory"),
    "absolute": (lambda corpus: str(PASSWD), "is an absolute path"),
    "symlink to a file outside": (_symlink_out, "symlink leading outside the corpus directory"),
    "symlinked directory outside": (_symlinked_dir_out, "symlink leading outside the corpus directory"),
    "empty name": (lambda corpus: " ", "is not a file name"),
    "symlink loop": (_symlink_loop, "cannot be resolved"),
    "NUL in the name": (lambda corpus: "a\x00b.txt", "control characters"),
}


@pytest.mark.parametrize("case", sorted(ESCAPES))
def test_a_file_outside_the_corpus_is_refused(corpus_copy: Path, case: str) -> None:
    make, expected = ESCAPES[case]
    _set_first(corpus_copy, file=make(corpus_copy))
    message = _refused(corpus_copy)
    # "manifest entry 'st-plan-114', field 'file'", or "manifest entry 1 (id 'st-plan-114'), field 'file'"
    assert "manifest.yaml" in message and "'st-plan-114'" in message and "field 'file'" in message, message
    assert expected in message, message
    _cli_refuses(corpus_copy, "'st-plan-114'", "field 'file'", expected)


def test_a_symlink_inside_the_corpus_is_followed(corpus_copy: Path) -> None:
    # Refusing symlinks as such would be wrong: one that stays inside the directory is fine.
    (corpus_copy / "sub").mkdir()
    (corpus_copy / ST_PLAN).rename(corpus_copy / "sub" / ST_PLAN)
    (corpus_copy / "plan.txt").symlink_to(Path("sub") / ST_PLAN)
    _only_first(corpus_copy, file="plan.txt")
    (meta, src), *_ = read_corpus_sources(corpus_copy)
    assert (
        meta.id == "st-plan-114" and src.sha256 == hashlib.sha256((DEFAULT_CORPUS / ST_PLAN).read_bytes()).hexdigest()
    )


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _directory(path: Path) -> None:
    path.mkdir()


@pytest.fixture()
def unix_socket(tmp_path: Path) -> Iterator[Callable[[Path], None]]:
    socks: list[socket.socket] = []

    def make(path: Path) -> None:
        # AF_UNIX paths are short (108 bytes): bind from inside the directory.
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        cwd = os.getcwd()
        os.chdir(path.parent)
        try:
            s.bind(path.name)
        finally:
            os.chdir(cwd)
        s.listen(1)
        socks.append(s)

    yield make
    for s in socks:
        s.close()


SPECIAL = {"FIFO": ("FIFO", _fifo), "directory": ("directory", _directory), "socket": ("socket", None)}


@pytest.mark.parametrize("case", sorted(SPECIAL))
def test_a_document_that_is_not_a_regular_file_is_refused_at_once(
    corpus_copy: Path, case: str, unix_socket: Callable[[Path], None]
) -> None:
    kind, make = SPECIAL[case]
    target = corpus_copy / ST_PLAN
    target.unlink()
    (make or unix_socket)(target)
    message = _refused(corpus_copy)
    assert message.startswith(ST_PLAN) and "manifest entry 'st-plan-114', field 'file'" in message, message
    assert f"{kind}" in message and "not a regular file" in message, message
    _cli_refuses(corpus_copy, ST_PLAN, kind)


def test_a_document_symlinked_to_a_fifo_inside_the_corpus_is_refused(corpus_copy: Path) -> None:
    os.mkfifo(corpus_copy / "pipe")
    _only_first(corpus_copy, file="plan.txt")
    (corpus_copy / "plan.txt").symlink_to("pipe")
    assert "FIFO" in _refused(corpus_copy)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_a_device_is_never_read(device: str, tmp_path: Path) -> None:
    # Devices cannot be made inside a corpus without privileges, and a symlink to one leaves the
    # directory (refused above); the one rule every reader uses refuses them by kind too.
    with pytest.raises(PathRefused, match="character device, not a regular file"):
        read_regular(Path(device), "document", 1024)
    with pytest.raises(DocumentError, match="character device"):
        read_source(Path(device))


def test_the_manifest_itself_must_be_a_regular_file_inside_the_corpus(corpus_copy: Path, tmp_path: Path) -> None:
    manifest = corpus_copy / "manifest.yaml"
    outside = tmp_path / "elsewhere.yaml"
    manifest.rename(outside)
    manifest.symlink_to(outside)
    assert "symlink leading outside the corpus directory" in _refused(corpus_copy)
    manifest.unlink()
    os.mkfifo(manifest)
    message = _refused(corpus_copy)
    assert "manifest.yaml" in message and "FIFO" in message
    _cli_refuses(corpus_copy, "manifest.yaml", "FIFO")


# --- Requirement 1: a manifest entry's profile stays inside the profiles directory --------------


@pytest.fixture()
def profiles_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "profiles"
    dst.mkdir()
    for f in (DEFAULT_CORPUS.parent / "profiles").iterdir():
        (dst / f.name).write_bytes(f.read_bytes())
    return dst


def test_a_profile_outside_the_profiles_directory_is_refused(corpus_copy: Path, tmp_path: Path) -> None:
    # A profile the attacker controls (any reader, every line kept) must not be reachable by name.
    evil = tmp_path / "evil.yaml"
    evil.write_text((DEFAULT_CORPUS.parent / "profiles" / "st_plan.yaml").read_text(encoding="utf-8"), "utf-8")
    for name in (os.path.relpath(tmp_path / "evil", DEFAULT_CORPUS.parent / "profiles"), str(tmp_path / "evil")):
        _set_first(corpus_copy, profile=name)
        message = _refused(corpus_copy)
        assert "manifest entry 'st-plan-114', field 'profile'" in message, message
        assert "outside the profiles directory" in message or "absolute path" in message, message
        _cli_refuses(corpus_copy, "manifest entry 'st-plan-114', field 'profile'")


def test_a_profile_symlinked_out_or_not_a_regular_file_is_refused(
    profiles_copy: Path, tmp_path: Path, unix_socket: Callable[[Path], None]
) -> None:
    (tmp_path / "out.yaml").write_text("reader: st_plan\n", encoding="utf-8")
    (profiles_copy / "linked.yaml").symlink_to(tmp_path / "out.yaml")
    with pytest.raises(DocumentError, match="symlink leading outside the profiles directory"):
        read_profile("linked", profiles_copy)
    os.mkfifo(profiles_copy / "pipe.yaml")
    with pytest.raises(DocumentError, match="FIFO"):
        read_profile("pipe", profiles_copy)
    (profiles_copy / "dir.yaml").mkdir()
    with pytest.raises(DocumentError, match="directory"):
        read_profile("dir", profiles_copy)
    unix_socket(profiles_copy / "sock.yaml")
    with pytest.raises(DocumentError, match="socket"):
        read_profile("sock", profiles_copy)
    with pytest.raises(DocumentError, match="no loader profile named 'missing'"):
        read_profile("missing", profiles_copy)


# --- Requirement 1: the other configured files ---------------------------------------------------


def test_the_agency_gazetteer_must_be_a_regular_file(corpus_copy: Path, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "agencies.yaml")
    for gazetteer in (str(tmp_path / "agencies.yaml"), "/dev/zero", str(tmp_path)):
        code, output = _cli(["check", "--dry-run", "--corpus", str(corpus_copy), "--agencies", gazetteer])
        assert code != 0 and "Traceback" not in output, output
        assert len([s for s in output.splitlines() if s.strip()]) == 1, output
        assert "not a regular file" in output, output


def test_the_reference_files_must_be_regular_files(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    for special in (tmp_path / "pipe.yaml", Path("/dev/zero"), tmp_path):
        for load, error in (
            (load_gazetteer, ReferenceDataError),
            (load_cues, ReferenceDataError),
            (load_stated_counts, ReferenceDataError),
            (load_responsibility_expected, ReferenceDataError),
            (load_agency_book, DocumentError),
        ):
            with pytest.raises(error, match="not a regular file"):
                load(special)


def test_the_check_history_must_be_a_regular_file(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "history.sqlite")
    for path in (tmp_path / "history.sqlite", Path("/dev/zero"), tmp_path):
        with pytest.raises(HistoryError, match="not a regular file"):
            RunHistory(path).runs()
    RunHistory(tmp_path / "fresh.sqlite").runs()  # a file that does not exist yet is created


# --- Requirement 1: nothing of /etc/passwd is served, on either store ----------------------------


def _passwd_batch(corpus_batch: GraphBatch) -> GraphBatch:
    """The graph an old load of `file: ../../etc/passwd` left in a store (Neo4j keeps it across
    upgrades): the document's meta names the file outside the corpus, with its hash."""
    meta = corpus_batch.documents[0]
    evil = meta.model_copy(
        update={
            "file": os.path.relpath(PASSWD, DEFAULT_CORPUS),
            "sha256": hashlib.sha256(PASSWD.read_bytes()).hexdigest(),
        }
    )
    doc_node = next(n for n in corpus_batch.nodes if n.id == meta.id and n.kind is NodeKind.DOCUMENT)
    return GraphBatch(documents=[evil], nodes=[doc_node])


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.bolt)])
def passwd_store(request: pytest.FixtureRequest, corpus_batch: GraphBatch) -> GraphStore:
    neo4j = request.param == "neo4j"
    store: GraphStore = request.getfixturevalue("neo4j_store_factory")() if neo4j else EmbeddedStore()
    store.replace(_passwd_batch(corpus_batch))
    return store


def test_document_lines_never_serve_a_file_outside_the_corpus(passwd_store: GraphStore) -> None:
    svc = GraphService(Settings(corpus=DEFAULT_CORPUS), store=passwd_store)
    client = TestClient(create_app(svc.settings, svc))
    response = client.post(
        "/graphql", json={"query": '{ document(id: "st-plan-114") { file lines(from: 1, to: 5) { text } } }'}
    )
    assert response.status_code == 200
    body = response.text
    assert PASSWD_LINE not in body and "root:" not in body
    errors = response.json()["errors"]
    assert errors[0]["extensions"]["code"] == "NOT_FOUND", errors
    assert "leads outside the corpus directory" in errors[0]["message"]
    assert str(DEFAULT_CORPUS) not in body  # nor where the corpus lives


def test_a_failed_reload_keeps_the_previous_graph(corpus_copy: Path) -> None:
    svc = GraphService(Settings(corpus=corpus_copy), store=EmbeddedStore())
    first = svc.reload()
    assert first.ok
    before = svc.store.stats()
    for change in ({"file": _parent_escape(corpus_copy)}, {"period_start": 3_000_000_000}):
        _set_first(corpus_copy, **change)
        second = svc.reload()
        assert not second.ok and second.error is not None and "st-plan-114" in second.error
        info = svc.store.generation()
        assert info is not None and info.generation == first.generation
        assert svc.store.stats() == before
        assert [d.file for d in svc.store.documents()] == [d.file for d in read_manifest(DEFAULT_CORPUS)]
        (corpus_copy / "manifest.yaml").write_bytes((DEFAULT_CORPUS / "manifest.yaml").read_bytes())


# --- Requirement 3: manifests that cannot be read ------------------------------------------------


def _encoded(encoding: str, bom: bytes = b"") -> Callable[[Path], bytes]:
    def make(corpus: Path) -> bytes:
        text = (corpus / "manifest.yaml").read_text(encoding="utf-8")
        return bom + text.replace("行政院", "Régie").encode(encoding, errors="replace")

    return make


def _nested(depth: int) -> Callable[[Path], bytes]:
    return lambda corpus: b"documents: " + b"[" * depth + b"]" * depth + b"\n"


def _nested_maps(depth: int) -> Callable[[Path], bytes]:
    return lambda corpus: b"documents:\n- " + b"{a: " * depth + b"1" + b"}" * depth + b"\n"


UNREADABLE_MANIFESTS: dict[str, tuple[Callable[[Path], bytes], str]] = {
    "Latin-1": (_encoded("latin-1"), "not UTF-8"),
    "cp1252": (_encoded("cp1252"), "not UTF-8"),
    "UTF-16 with BOM": (_encoded("utf-16"), "UTF-16"),
    "UTF-16-LE without BOM": (_encoded("utf-16-le"), "UTF-16"),
    "UTF-16-BE without BOM": (_encoded("utf-16-be"), "UTF-16"),
    "UTF-32": (_encoded("utf-32"), "UTF-32"),
    "lists nested 50k deep": (_nested(50_000), "nested too deeply"),
    "mappings nested 50k deep": (_nested_maps(50_000), "nested too deeply"),
    "not YAML": (lambda corpus: b"documents: [\n", "not valid YAML"),
    "binary": (lambda corpus: bytes(range(256)) * 8, "binary"),
    "a list, not a mapping": (lambda corpus: b"- 1\n- 2\n", "the manifest"),
    "a string": (lambda corpus: b"hello\n", "the manifest"),
    "empty file": (lambda corpus: b"", "the manifest"),
    "20 MB": (lambda corpus: b"# padding\n" * 2_000_000, "over the limit"),
}


@pytest.mark.parametrize("case", sorted(UNREADABLE_MANIFESTS))
def test_an_unreadable_manifest_is_one_line_naming_it(corpus_copy: Path, case: str) -> None:
    make, expected = UNREADABLE_MANIFESTS[case]
    (corpus_copy / "manifest.yaml").write_bytes(make(corpus_copy))
    message = _refused(corpus_copy)
    assert "manifest.yaml" in message and expected in message, message
    assert len(message) < 600, message
    _cli_refuses(corpus_copy, "manifest.yaml", expected)


# --- Requirement 3: absurd manifest values -------------------------------------------------------

HUGE = "計" * 300_000  # 900 KB: over every field's bound, under the manifest size limit

ABSURD: dict[str, tuple[dict[str, object], str]] = {
    "period_start 3000000000": ({"period_start": 3_000_000_000}, "'period_start'"),
    "period_start negative": ({"period_start": -5}, "'period_start'"),
    "period_end huge": ({"period_end": 10**30}, "'period_end'"),
    "period_end before period_start": ({"period_start": 2028, "period_end": 2025}, "before period_start"),
    "period a string": ({"period_start": "2025"}, "'period_start'"),
    "published not a date": ({"published": "yesterday"}, "'published'"),
    "published month 13": ({"published": "2025-13"}, "'published'"),
    "published 30 February": ({"published": "2025-02-30"}, "'published'"),
    "published a number": ({"published": 2025}, "'published'"),
    "published year 99999": ({"published": "99999-01-01"}, "'published'"),
    "id a number": ({"id": 42}, "'id'"),
    "id a list": ({"id": ["a"]}, "'id'"),
    "id with a slash": ({"id": "st/plan"}, "'id'"),
    "id with a colon": ({"id": "ai-ten:plan"}, "'id'"),
    "id with a space": ({"id": "st plan"}, "'id'"),
    "id with markup": ({"id": "<script>"}, "'id'"),
    "id empty": ({"id": ""}, "'id'"),
    "id huge": ({"id": HUGE}, "'id'"),
    "title huge": ({"title": HUGE}, "'title'"),
    "title empty": ({"title": ""}, "'title'"),
    "title a mapping": ({"title": {"a": 1}}, "'title'"),
    "aliases a string": ({"aliases": "x"}, "'aliases'"),
    "aliases too many": ({"aliases": [f"a{i}" for i in range(1000)]}, "'aliases'"),
    "profile huge": ({"profile": HUGE}, "'profile'"),
    "file huge": ({"file": HUGE}, "'file'"),
    "issuer null": ({"issuer": None}, "'issuer'"),
    "title with a newline": ({"title": "a\nb"}, "'title'"),
    "file with a newline": ({"file": "a\n[red]b.txt"}, "'file'"),
    "alias with a lone surrogate": ({"aliases": ["\ud800"]}, "'aliases."),
    "profile with an escape": ({"profile": "st_plan\x1b[2J"}, "'profile'"),
}


@pytest.mark.parametrize("case", sorted(ABSURD))
def test_an_absurd_manifest_value_is_refused_naming_entry_and_field(corpus_copy: Path, case: str) -> None:
    fields, expected = ABSURD[case]
    _set_first(corpus_copy, **fields)
    message = _refused(corpus_copy)
    assert "manifest.yaml" in message and "manifest entry 1" in message, message
    if "id" not in fields:  # an entry with a valid id is also named by it
        assert "(id 'st-plan-114')" in message, message
    assert expected in message, message
    assert len(message) < 600, f"{len(message)} characters"
    _cli_refuses(corpus_copy, "manifest entry 1", expected)


def test_an_empty_manifest_is_refused_unless_allowed(corpus_copy: Path) -> None:
    _write_manifest(corpus_copy, {"documents": []})
    assert "lists no documents" in _refused(corpus_copy)
    _cli_refuses(corpus_copy, "manifest.yaml", "lists no documents", "POLICYGRAPH_ALLOW_EMPTY_CORPUS")
    assert read_manifest(corpus_copy, allow_empty=True) == []
    code, output = _cli(["load", "--corpus", str(corpus_copy)], env={"POLICYGRAPH_ALLOW_EMPTY_CORPUS": "1"})
    assert code == 0 and "loaded 0 nodes" in output, output
    svc = GraphService(Settings(corpus=corpus_copy, allow_empty_corpus=True), store=EmbeddedStore())
    assert svc.reload().ok


def test_a_document_id_equal_to_an_agency_id_is_refused(corpus_copy: Path) -> None:
    _only_first(corpus_copy, id="ey")  # 行政院 in data/agencies.yaml
    message = _refused(corpus_copy)
    assert "manifest entry 'ey', field 'id'" in message and "agency" in message, message
    _cli_refuses(corpus_copy, "manifest entry 'ey', field 'id'")


def test_a_document_id_equal_to_another_documents_node_id_is_refused(corpus_copy: Path) -> None:
    # The id pattern already keeps ':' and '/' out of a manifest id; this is the check behind it,
    # for metas made without validation (e.g. by a tool).
    (ai_ten, src_a), (other, src_b) = read_corpus_sources(corpus_copy)[1:3]
    clash = DocumentMeta.model_construct(**(other.model_dump() | {"id": "ai-ten:plan"}))
    with pytest.raises(DocumentError) as err:
        build_batch([(ai_ten, src_a), (clash, src_b)])
    assert "manifest entry 'ai-ten:plan', field 'id'" in str(err.value)
    assert "Plan node of document 'ai-ten'" in str(err.value)


def test_a_document_in_utf16_without_bom_says_utf16(corpus_copy: Path) -> None:
    target = corpus_copy / ST_PLAN
    text = target.read_text(encoding="utf-8")
    for codec in ("utf-16-le", "utf-16-be"):
        target.write_bytes(text.encode(codec))
        message = _refused(corpus_copy)
        assert message.startswith(ST_PLAN) and "UTF-16" in message, message
    _cli_refuses(corpus_copy, ST_PLAN, "UTF-16")


def test_open_regular_never_blocks_on_a_fifo(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(PathRefused, match="FIFO"):
        open_regular(tmp_path / "pipe", "document")


@pytest.mark.parametrize("name", ["", "   ", "a\x00b.txt", ".", "sub/..", "./", 42, None])
def test_child_path_refuses_names_that_are_not_files_inside(tmp_path: Path, name: object) -> None:
    (tmp_path / "sub").mkdir()
    with pytest.raises(PathRefused):
        child_path(tmp_path, name, "manifest entry 'x', field 'file'")
