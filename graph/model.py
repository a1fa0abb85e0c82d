"""Domain model: what a load produces and a store holds.

Every node and edge carries a Provenance (document, line span, quoted source text) so an answer can
always be traced back to the sentence that says it. Ids are deterministic strings built from the
document id and the numbering path, so the same document gives the same ids on every load.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

# The vocabulary of kinds is the domain's, shared by every layer (core/kinds.py); the model is built on it.
from core.kinds import HIERARCHY_KINDS as HIERARCHY_KINDS
from core.kinds import RESPONSIBILITY_TYPES as RESPONSIBILITY_TYPES
from core.kinds import EdgeType as EdgeType
from core.kinds import NodeKind as NodeKind


class Provenance(BaseModel):
    """Where a fact comes from: document id, 1-based inclusive line span, and the quoted text."""

    model_config = ConfigDict(frozen=True)

    document: str
    line_start: int = Field(ge=1)
    line_end: int = Field(ge=1)
    quote: str
    # Free-text remark, e.g. "inferred from a merged table cell".
    note: str | None = None


class Node(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    kind: NodeKind
    title: str
    provenance: Provenance
    # The marker as printed ("一", "3", "(2)"), for numbering checks; None where there is none.
    number: str | None = None
    # Sort key inside one document: document order.
    order: int = 0
    attrs: dict[str, Any] = Field(default_factory=dict)

    @property
    def document(self) -> str:
        return self.provenance.document

    @property
    def line(self) -> int:
        return self.provenance.line_start


class Edge(BaseModel):
    model_config = ConfigDict(frozen=True)

    source: str
    target: str
    type: EdgeType
    provenance: Provenance
    attrs: dict[str, Any] = Field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.source, self.target, self.type.value)


class DocumentMeta(BaseModel):
    """One manifest entry: what a bundled (or added) document is."""

    model_config = ConfigDict(frozen=True)

    id: str
    file: str
    title: str
    short_name: str
    aliases: list[str] = Field(default_factory=list)
    kind: str
    issuer: str
    published: str
    period_start: int | None = None
    period_end: int | None = None
    profile: str
    sha256: str | None = None


class LoadWarning(BaseModel):
    model_config = ConfigDict(frozen=True)

    document: str
    line: int
    code: str
    message: str


class GraphBatch(BaseModel):
    """A complete graph produced by one load: written to a store all at once or not at all."""

    documents: list[DocumentMeta] = Field(default_factory=list)
    nodes: list[Node] = Field(default_factory=list)
    edges: list[Edge] = Field(default_factory=list)
    warnings: list[LoadWarning] = Field(default_factory=list)

    def merge(self, other: GraphBatch) -> GraphBatch:
        """Union of two batches; nodes with the same id are kept once (first wins)."""
        seen = {n.id for n in self.nodes}
        nodes = self.nodes + [n for n in other.nodes if n.id not in seen]
        edge_keys = {e.key for e in self.edges}
        edges = self.edges + [e for e in other.edges if e.key not in edge_keys]
        return GraphBatch(
            documents=self.documents + other.documents,
            nodes=nodes,
            edges=edges,
            warnings=self.warnings + other.warnings,
        )
