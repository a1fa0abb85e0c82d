"""Dry run of a corpus directory: build it with the given reference data (loaders), then check the
batch in a store of its own (queries). The one place that joins the two layers for the check command,
so queries/ never imports loaders/."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from core.agencies import GazetteerRefused, gazetteer_collisions, load_agency_book
from core.errors import one_line
from graph.model import GraphBatch
from loaders.pipeline import ProgressFn, build_batch, read_corpus_sources
from queries.integrity import IntegrityReport, References, check_batch, check_without_graph


def load_corpus_with(
    corpus_dir: Path,
    refs: References | None = None,
    progress: ProgressFn | None = None,
    allow_empty: bool = False,
) -> GraphBatch:
    """Build the corpus with the reference data's gazetteer and profiles (the bundled ones by
    default). Raises DocumentError for a document that cannot be read, GazetteerRefused for a
    gazetteer in which a name means two agencies, ValueError for any other unusable gazetteer."""
    refs = refs or References()
    if progress:
        progress(f"read {corpus_dir}")
    sources = read_corpus_sources(corpus_dir, allow_empty=allow_empty)
    try:
        book = load_agency_book(refs.agencies)
    except OSError as exc:
        raise ValueError(f"{refs.agencies}: cannot read the agency gazetteer ({exc.strerror})") from None
    except ValueError as exc:
        reason = one_line(exc)
        if gazetteer_collisions(refs.agencies):
            raise GazetteerRefused(reason) from None
        raise
    return build_batch(sources, book=book, profiles_dir=refs.profiles, progress=progress)


def check_corpus(
    corpus_dir: Path, only: Iterable[str] | None = None, refs: References | None = None, allow_empty: bool = False
) -> IntegrityReport:
    """Dry run of a corpus directory (raises DocumentError when a document cannot be read at all).
    A gazetteer the loader refuses because a name means two agencies is reported, not raised: the
    ambiguous-alias findings, and every check that needs the graph skipped."""
    refs = refs or References()
    try:
        batch = load_corpus_with(corpus_dir, refs, allow_empty=allow_empty)
    except GazetteerRefused as exc:
        return check_without_graph(exc.load_error, corpus_dir, only, refs)
    return check_batch(batch, corpus_dir, only, refs)
