"""The load pipeline: manifest -> sources -> per-document readers -> agencies -> linkers -> batch.

Each stage has typed inputs and outputs; a DocumentError in any document aborts the whole load
(the caller keeps serving the previous graph).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from core.agencies import AgencyBook, load_agency_book
from core.errors import one_line
from core.hierarchy import document_order
from core.source import MANIFEST_NAME, DocumentError, SourceText, read_document
from graph.model import DocumentMeta, GraphBatch, LoadWarning, Node, NodeKind
from loaders.agency_nodes import AgencyCollector
from loaders.components import ReaderSpec, linkers, readers
from loaders.context import PROFILES_DIR, DocInput, LoadContext, Profile, read_profile
from loaders.corpus import DEFAULT_CORPUS, read_manifest
from loaders.linkers import agency_prose, cross_plan
from loaders.readers.ai_ten import reader as ai_ten
from loaders.readers.document_only import reader as document_only
from loaders.readers.econ_forum import reader as econ_forum
from loaders.readers.smart_nation_2 import reader as smart_nation_2
from loaders.readers.smart_nation_results import reader as smart_nation_results
from loaders.readers.st_plan import reader as st_plan

log = logging.getLogger("policygraph")

# The modules whose readers and linkers a load uses: importing one registers what it defines. An
# explicit list rather than a scan of loaders/readers: the import graph shows every component (no
# importlib), and a module is loaded because it is listed, not because a file is in a folder. A new
# document type adds its reader module here.
COMPONENTS = (
    ai_ten,
    document_only,
    econ_forum,
    smart_nation_2,
    smart_nation_results,
    st_plan,
    agency_prose,
    cross_plan,
)

ProgressFn = Callable[[str], None]


def read_corpus_sources(
    corpus_dir: Path, metas: list[DocumentMeta] | None = None, allow_empty: bool = False
) -> list[tuple[DocumentMeta, SourceText]]:
    """The documents of the manifest (or of `metas`, read from it already), each with its sha256."""
    out = []
    for meta in read_manifest(corpus_dir, allow_empty) if metas is None else metas:
        src = read_document(corpus_dir, meta.id, meta.file)
        out.append((meta.model_copy(update={"sha256": src.sha256}), src))
    return out


def read_profiles(
    metas: list[DocumentMeta], profiles_dir: Path = PROFILES_DIR
) -> dict[str, tuple[ReaderSpec, Profile]]:
    """Every manifest entry's reader and profile, the profile validated by that reader's model,
    before any document is read: a bad profile is refused with the entry and the field it names."""
    by_name: dict[str, tuple[ReaderSpec, Profile]] = {}
    out: dict[str, tuple[ReaderSpec, Profile]] = {}
    for meta in metas:
        if meta.profile not in by_name:  # read once, however many documents it reads
            by_name[meta.profile] = _validated_profile(meta, profiles_dir)
        out[meta.id] = by_name[meta.profile]
    return out


def _validated_profile(meta: DocumentMeta, profiles_dir: Path) -> tuple[ReaderSpec, Profile]:
    try:
        raw = read_profile(meta.profile, profiles_dir)
    except DocumentError as exc:  # name the document whose manifest entry asks for it
        raise DocumentError(meta.file, f"manifest entry {meta.id!r}, field 'profile': {exc.reason}") from None
    where = f"manifest entry {meta.id!r}: profile {meta.profile!r}"
    try:
        spec = readers.get(str(raw["reader"]))
    except KeyError as exc:
        raise DocumentError(meta.file, f"{where}: {exc.args[0]}") from None
    try:
        return spec, spec.profile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise DocumentError(meta.file, f"{where} field {field}: {first['msg']}") from None


def _check_document_ids(sources: list[tuple[DocumentMeta, SourceText]], book: AgencyBook) -> None:
    """A document id must not be an agency's id: queries take a bare agency id for its node."""
    for meta, _ in sources:
        if meta.id in book.records:
            raise DocumentError(
                MANIFEST_NAME,
                f"manifest entry {meta.id!r}, field 'id': {meta.id!r} is the id of an agency in "
                f"{book.path.name}; give the document another id",
            )


def _check_node_ids(sources: list[tuple[DocumentMeta, SourceText]], nodes: list[Node]) -> None:
    """A document's node id (its manifest id) must not be the id of any other node of the graph."""
    doc_ids = {meta.id for meta, _ in sources}
    for n in nodes:
        if n.id in doc_ids and n.kind is not NodeKind.DOCUMENT:
            raise DocumentError(
                MANIFEST_NAME,
                f"manifest entry {n.id!r}, field 'id': {n.id!r} is also the id of a {n.kind.value} node of "
                f"document {n.document!r}; give the document another id",
            )


def read_documents(
    sources: list[tuple[DocumentMeta, SourceText]],
    book: AgencyBook | None = None,
    profiles_dir: Path = PROFILES_DIR,
    progress: ProgressFn | None = None,
    profiles: dict[str, tuple[ReaderSpec, Profile]] | None = None,
) -> LoadContext:
    """Reader stage: each document read by its profile's reader, before any linker runs. Every
    profile is validated first (`profiles`, when the caller validated them already)."""
    if profiles is None:
        profiles = read_profiles([meta for meta, _ in sources], profiles_dir)
    book = book or load_agency_book()
    _check_document_ids(sources, book)
    ctx = LoadContext(agencies=AgencyCollector(book))
    for meta, src in sources:
        if progress:
            progress(f"parse {meta.file}")
        spec, profile = profiles[meta.id]
        doc: DocInput[Any] = DocInput(meta, src, profile)
        ctx.inputs[meta.id] = doc
        try:
            ctx.results[meta.id] = spec.read(doc, ctx)
        except DocumentError:
            raise
        except Exception as exc:
            # A reader bug on an unexpected document: refuse this document by name (one line for the
            # user, the trace in the log for developers) instead of an anonymous error.
            log.exception("reader %s failed on %s", spec.name, meta.file)
            raise DocumentError(
                meta.file, f"the {spec.name} reader failed on this document ({one_line(exc, with_type=True)})"
            ) from None
    return ctx


def build_batch(
    sources: list[tuple[DocumentMeta, SourceText]],
    book: AgencyBook | None = None,
    profiles_dir: Path = PROFILES_DIR,
    progress: ProgressFn | None = None,
    profiles: dict[str, tuple[ReaderSpec, Profile]] | None = None,
) -> GraphBatch:
    """Pure stage: sources in, complete graph out (the readers, then the linkers)."""
    ctx = read_documents(sources, book, profiles_dir, progress, profiles)
    for linker in linkers.order():  # each after the linkers it declares (loaders.components)
        if progress:
            progress(f"link {linker.name}")
        ctx.results[f"linker:{linker.name}"] = linker.link(ctx)
    agency_nodes, agency_edges = ctx.agencies.build()
    nodes = [n for r in ctx.results.values() for n in r.nodes] + agency_nodes
    _check_node_ids(sources, nodes)
    edges = [e for r in ctx.results.values() for e in r.edges] + agency_edges
    warnings: list[LoadWarning] = [w for r in ctx.results.values() for w in r.warnings]
    return GraphBatch(
        documents=[m for m, _ in sources],
        nodes=sorted(nodes, key=document_order),
        edges=sorted(edges, key=lambda e: e.key),
        warnings=sorted(warnings, key=lambda w: (w.document, w.line, w.code, w.message)),
    )


def load_corpus(
    corpus_dir: Path = DEFAULT_CORPUS,
    progress: ProgressFn | None = None,
    profiles_dir: Path = PROFILES_DIR,
    allow_empty: bool = False,
) -> GraphBatch:
    if progress:
        progress(f"read {corpus_dir}")
    metas = read_manifest(corpus_dir, allow_empty)
    profiles = read_profiles(metas, profiles_dir)  # a bad profile is refused before any file is read
    sources = read_corpus_sources(corpus_dir, metas)
    return build_batch(sources, profiles_dir=profiles_dir, progress=progress, profiles=profiles)
