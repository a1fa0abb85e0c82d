"""The load pipeline: manifest -> sources -> per-document readers -> agencies -> linkers -> batch.

Each stage has typed inputs and outputs; a DocumentError in any document aborts the whole load
(the caller keeps serving the previous graph).
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from graph.model import DocumentMeta, GraphBatch, LoadWarning, Node, NodeKind
from loaders.agencies import AgencyBook, AgencyCollector, load_agency_book
from loaders.context import PROFILES_DIR, DocInput, DocResult, read_profile
from loaders.corpus import DEFAULT_CORPUS, read_manifest
from loaders.registry import Registry
from loaders.source import MANIFEST_NAME, DocumentError, SourceText, read_document

log = logging.getLogger("policygraph")


@dataclass
class LoadContext:
    """Shared by all readers of one load."""

    agencies: AgencyCollector
    results: dict[str, DocResult] = field(default_factory=dict)
    inputs: dict[str, DocInput] = field(default_factory=dict)


Reader = Callable[[DocInput, LoadContext], DocResult]
Linker = Callable[[LoadContext], DocResult]

readers: Registry[Reader] = Registry("reader")
# Linkers run after every document is read (cross-document edges).
linkers: Registry[Linker] = Registry("linker")


def _load_components() -> None:
    """Import every module of loaders.readers: importing one registers its readers/linkers."""
    pkg = importlib.import_module("loaders.readers")
    for info in pkgutil.iter_modules(pkg.__path__):
        importlib.import_module(f"loaders.readers.{info.name}")


ProgressFn = Callable[[str], None]


def read_corpus_sources(corpus_dir: Path, allow_empty: bool = False) -> list[tuple[DocumentMeta, SourceText]]:
    out = []
    for meta in read_manifest(corpus_dir, allow_empty):
        src = read_document(corpus_dir, meta.id, meta.file)
        out.append((meta.model_copy(update={"sha256": src.sha256}), src))
    return out


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
) -> LoadContext:
    """Reader stage: each document read by its profile's reader, before any linker runs."""
    _load_components()
    book = book or load_agency_book()
    _check_document_ids(sources, book)
    ctx = LoadContext(agencies=AgencyCollector(book))
    for meta, src in sources:
        if progress:
            progress(f"parse {meta.file}")
        try:
            profile = read_profile(meta.profile, profiles_dir)
        except DocumentError as exc:  # name the document whose manifest entry asks for it
            raise DocumentError(meta.file, f"manifest entry {meta.id!r}, field 'profile': {exc.reason}") from None
        doc = DocInput(meta, src, profile)
        try:
            reader = readers.get(str(profile["reader"]))
        except KeyError as exc:
            raise DocumentError(meta.file, str(exc.args[0])) from None
        ctx.inputs[meta.id] = doc
        try:
            ctx.results[meta.id] = reader(doc, ctx)
        except DocumentError:
            raise
        except Exception as exc:
            # A reader bug on an unexpected document: refuse this document by name (one line for the
            # user, the trace in the log for developers) instead of an anonymous error.
            log.exception("reader %s failed on %s", profile["reader"], meta.file)
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            raise DocumentError(
                meta.file, f"the {profile['reader']} reader failed on this document ({type(exc).__name__}: {reason})"
            ) from None
    return ctx


def build_batch(
    sources: list[tuple[DocumentMeta, SourceText]],
    book: AgencyBook | None = None,
    profiles_dir: Path = PROFILES_DIR,
    progress: ProgressFn | None = None,
) -> GraphBatch:
    """Pure stage: sources in, complete graph out (the readers, then the linkers)."""
    ctx = read_documents(sources, book, profiles_dir, progress)
    for name in linkers.names():
        if progress:
            progress(f"link {name}")
        ctx.results[f"linker:{name}"] = linkers.get(name)(ctx)
    agency_nodes, agency_edges = ctx.agencies.build()
    nodes = [n for r in ctx.results.values() for n in r.nodes] + agency_nodes
    _check_node_ids(sources, nodes)
    edges = [e for r in ctx.results.values() for e in r.edges] + agency_edges
    warnings: list[LoadWarning] = [w for r in ctx.results.values() for w in r.warnings]
    return GraphBatch(
        documents=[m for m, _ in sources],
        nodes=sorted(nodes, key=lambda n: (n.document, n.order, n.id)),
        edges=sorted(edges, key=lambda e: e.key),
        warnings=sorted(warnings, key=lambda w: (w.document, w.line, w.code, w.message)),
    )


def load_corpus(
    corpus_dir: Path = DEFAULT_CORPUS, progress: ProgressFn | None = None, allow_empty: bool = False
) -> GraphBatch:
    if progress:
        progress(f"read {corpus_dir}")
    return build_batch(read_corpus_sources(corpus_dir, allow_empty), progress=progress)
