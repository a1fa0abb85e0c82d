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

from core.agencies import AgencyBook, load_agency_book
from core.errors import one_line
from core.hierarchy import document_order
from core.source import DocumentError, SourceText, read_source
from graph.model import DocumentMeta, GraphBatch, LoadWarning
from loaders.agency_nodes import AgencyCollector
from loaders.context import PROFILES_DIR, DocInput, DocResult, read_profile
from loaders.corpus import DEFAULT_CORPUS, read_manifest
from loaders.registry import Registry

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


def read_corpus_sources(corpus_dir: Path) -> list[tuple[DocumentMeta, SourceText]]:
    out = []
    for meta in read_manifest(corpus_dir):
        src = read_source(corpus_dir / meta.file)
        out.append((meta.model_copy(update={"sha256": src.sha256}), src))
    return out


def read_documents(
    sources: list[tuple[DocumentMeta, SourceText]],
    book: AgencyBook | None = None,
    profiles_dir: Path = PROFILES_DIR,
    progress: ProgressFn | None = None,
) -> LoadContext:
    """Reader stage: each document read by its profile's reader, before any linker runs."""
    _load_components()
    ctx = LoadContext(agencies=AgencyCollector(book or load_agency_book()))
    for meta, src in sources:
        if progress:
            progress(f"parse {meta.file}")
        try:
            profile = read_profile(meta.profile, profiles_dir)
        except DocumentError as exc:  # name the document whose manifest entry asks for it
            raise DocumentError(meta.file, f"manifest entry {meta.id!r}: {exc.reason}") from None
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
            raise DocumentError(
                meta.file, f"the {profile['reader']} reader failed on this document ({one_line(exc, with_type=True)})"
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
    edges = [e for r in ctx.results.values() for e in r.edges] + agency_edges
    warnings: list[LoadWarning] = [w for r in ctx.results.values() for w in r.warnings]
    return GraphBatch(
        documents=[m for m, _ in sources],
        nodes=sorted(nodes, key=document_order),
        edges=sorted(edges, key=lambda e: e.key),
        warnings=sorted(warnings, key=lambda w: (w.document, w.line, w.code, w.message)),
    )


def load_corpus(corpus_dir: Path = DEFAULT_CORPUS, progress: ProgressFn | None = None) -> GraphBatch:
    if progress:
        progress(f"read {corpus_dir}")
    return build_batch(read_corpus_sources(corpus_dir), progress=progress)
