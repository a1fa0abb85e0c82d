"""Domain model: what a load produces and a store holds.

Every node and edge carries a Provenance (document, line span, quoted source text) so an answer can
always be traced back to the sentence that says it. Ids are deterministic strings built from the
document id and the numbering path, so the same document gives the same ids on every load.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

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


# Bounds on manifest values: beyond them an entry is a mistake (or an attack), not a document.
DOCUMENT_ID = re.compile(r"[0-9A-Za-z\u3400-\u9fff][0-9A-Za-z\u3400-\u9fff._-]{0,63}")
YEARS = (1900, 2200)
_PUBLISHED = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_TEXT = 500  # title, short name, an alias
_NAME = 200  # kind, issuer, profile
_PATH = 1024


class DocumentMeta(BaseModel):
    """One manifest entry: what a bundled (or added) document is."""

    # strict: an id of 42 or a title of true is a mistake, not something to coerce.
    model_config = ConfigDict(frozen=True, strict=True)

    id: str = Field(max_length=64)
    file: str = Field(min_length=1, max_length=_PATH)
    title: str = Field(min_length=1, max_length=_TEXT)
    short_name: str = Field(min_length=1, max_length=_TEXT)
    aliases: list[Annotated[str, Field(min_length=1, max_length=_TEXT)]] = Field(default_factory=list, max_length=100)
    kind: str = Field(min_length=1, max_length=_NAME)
    issuer: str = Field(min_length=1, max_length=_NAME)
    published: str = Field(max_length=10)
    period_start: int | None = Field(default=None, ge=YEARS[0], le=YEARS[1])
    period_end: int | None = Field(default=None, ge=YEARS[0], le=YEARS[1])
    profile: str = Field(min_length=1, max_length=_NAME)
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")

    @field_validator("file", "title", "short_name", "aliases", "kind", "issuer", "profile")
    @classmethod
    def _printable(cls, v: str | list[str]) -> str | list[str]:
        # A newline would split one-line messages that quote the value; a lone surrogate (YAML's
        # "\ud800") cannot be encoded for a database or a response.
        for text in [v] if isinstance(v, str) else v:
            if _UNPRINTABLE.search(text):
                raise ValueError("control characters and lone surrogates are not allowed")
        return v

    @field_validator("id")
    @classmethod
    def _id_shape(cls, v: str) -> str:
        # Node ids are built from the document id with ':', '/' and '.' separators: an id with other
        # characters could equal another node's id or break a URL.
        if not DOCUMENT_ID.fullmatch(v):
            raise ValueError("a document id is 1-64 ASCII letters, digits or CJK characters, then also '.', '_' or '-'")
        return v

    @field_validator("published")
    @classmethod
    def _published_date(cls, v: str) -> str:
        m = _PUBLISHED.fullmatch(v)
        ok = m is not None and YEARS[0] <= int(m[1]) <= YEARS[1]
        if ok and m is not None and m[2] is not None:
            try:
                date(int(m[1]), int(m[2]), int(m[3] or 1))
            except ValueError:
                ok = False
        if not ok:
            raise ValueError(
                f"published must be an ISO date (YYYY, YYYY-MM or YYYY-MM-DD, years {YEARS[0]}-{YEARS[1]})"
            )
        return v

    @model_validator(mode="after")
    def _period_order(self) -> DocumentMeta:
        if self.period_start is not None and self.period_end is not None and self.period_end < self.period_start:
            raise ValueError(f"period_end {self.period_end} is before period_start {self.period_start}")
        return self


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
