"""What a check sees: the graph (through the GraphStore interface, read once per run into an index),
the load's warnings, the corpus sources and the reference data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from core.agencies import REF_DOCUMENT
from core.hierarchy import children_of, parents_of
from core.plans import load_gazetteer
from core.source import DocumentError, SourceText, read_document, read_source
from graph.model import HIERARCHY_KINDS, DocumentMeta, Edge, EdgeType, GraphBatch, LoadWarning, Node
from graph.store import GraphStore
from loaders.context import read_profile
from queries.integrity.reference import (
    References,
    ResponsibilityExpected,
    StatedCount,
    load_responsibility_expected,
    load_stated_counts,
)


@dataclass
class GraphIndex:
    """Every node and edge of one graph, read with a handful of calls (cheap on Neo4j too), with
    the hierarchy maps the structural checks share."""

    documents: list[DocumentMeta]
    nodes: list[Node]
    edges: list[Edge]
    # "store" or "batch": where the graph was read from.
    origin: str = "store"
    by_id: dict[str, Node] = field(default_factory=dict)
    duplicate_ids: dict[str, list[Node]] = field(default_factory=dict)
    # child -> its CONTAINS parents (more than one is itself a finding)
    parents: dict[str, list[str]] = field(default_factory=dict)
    children: dict[str, list[Node]] = field(default_factory=dict)
    described: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        seen: dict[str, list[Node]] = {}
        for n in self.nodes:
            seen.setdefault(n.id, []).append(n)
            self.by_id.setdefault(n.id, n)
        self.duplicate_ids = {k: v for k, v in seen.items() if len(v) > 1}
        self.parents = parents_of(self.edges)
        self.children = children_of(self.edges, self.by_id)
        self.described = {e.target for e in self.edges if e.type is EdgeType.DESCRIBES}

    @classmethod
    def from_store(cls, store: GraphStore) -> GraphIndex:
        return cls(store.documents(), store.nodes(), store.edges(), origin="store")

    @classmethod
    def from_batch(cls, batch: GraphBatch) -> GraphIndex:
        return cls(list(batch.documents), list(batch.nodes), list(batch.edges), origin="batch")

    @cached_property
    def docs_by_id(self) -> dict[str, DocumentMeta]:
        return {d.id: d for d in self.documents}

    def parent_of(self, node_id: str) -> str | None:
        ps = self.parents.get(node_id)
        return ps[0] if ps else None

    def hierarchy_nodes(self, document: str | None = None) -> list[Node]:
        return [n for n in self.nodes if n.kind in HIERARCHY_KINDS and (document is None or n.document == document)]

    def descendants(self, node_id: str) -> list[Node]:
        out: list[Node] = []
        stack = [node_id]
        seen = {node_id}
        while stack:
            for c in self.children.get(stack.pop(), []):
                if c.id not in seen:
                    seen.add(c.id)
                    out.append(c)
                    stack.append(c.id)
        return out


@dataclass
class CheckContext:
    """Inputs of one run. `store` is None when a batch could not be written to a store (dry run of a
    broken corpus): the index then comes from the batch and store-only checks are skipped. Both are
    None when no graph could be built (`load_error` says why): only reference-data checks run."""

    store: GraphStore | None
    batch: GraphBatch | None = None
    # None: the load's warnings are not available (e.g. a Neo4j graph loaded by another process).
    warnings: list[LoadWarning] | None = None
    corpus_dir: Path | None = None
    load_error: str | None = None
    refs: References = field(default_factory=References)
    _sources: dict[str, SourceText | str] = field(default_factory=dict)

    @property
    def has_graph(self) -> bool:
        """False when no graph could be built at all (e.g. a gazetteer the loader refuses)."""
        return self.store is not None or self.batch is not None

    @cached_property
    def index(self) -> GraphIndex:
        if self.store is not None:
            return GraphIndex.from_store(self.store)
        if self.batch is not None:
            return GraphIndex.from_batch(self.batch)
        return GraphIndex([], [], [])

    @cached_property
    def stated_counts(self) -> list[StatedCount]:
        return load_stated_counts(self.refs.stated_counts)

    @cached_property
    def responsibility_expected(self) -> ResponsibilityExpected:
        return load_responsibility_expected(self.refs.responsibility)

    @cached_property
    def plan_gazetteer(self) -> set[str]:
        """Ids of the plan gazetteer's entries (empty when there is no gazetteer file; a file that
        cannot be used raises ReferenceDataError, with its one-line reason)."""
        if not self.refs.plans.is_file():
            return set()
        return {p.id for p in load_gazetteer(self.refs.plans).plans}

    def profile(self, meta: DocumentMeta) -> dict[str, Any]:
        try:
            return read_profile(meta.profile, self.refs.profiles)
        except DocumentError:
            return {}

    def source(self, document: str) -> SourceText | str:
        """The document's text, or a one-line reason why it cannot be read."""
        if document not in self._sources:
            self._sources[document] = self._read(document)
        return self._sources[document]

    def _read(self, document: str) -> SourceText | str:
        if document == REF_DOCUMENT:
            path = self.refs.agencies
        else:
            meta = self.index.docs_by_id.get(document)
            if meta is None:
                return f"{document!r} is not a document of this graph"
            if self.corpus_dir is None:
                return "no corpus directory was given"
            try:
                return read_document(self.corpus_dir, meta.id, meta.file)
            except DocumentError as exc:
                return str(exc)
        try:
            return read_source(path)
        except DocumentError as exc:
            return str(exc)

    def warnings_with(self, codes: Iterable[str]) -> list[LoadWarning] | None:
        if self.warnings is None:
            return None
        wanted = set(codes)
        return [w for w in self.warnings if w.code in wanted]
