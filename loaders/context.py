"""What a document reader gets and gives: the load context and the per-document result."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.model import DocumentMeta, Edge, EdgeType, LoadWarning, Node, NodeKind, Provenance
from loaders.corpus import DATA_DIR
from loaders.paths import PathRefused, child_path, shown
from loaders.source import DocumentError, SourceText, parse_config_yaml, read_config_text

PROFILES_DIR = DATA_DIR / "profiles"


def read_profile(name: str, profiles_dir: Path = PROFILES_DIR) -> dict[str, Any]:
    """The loader profile `name`: a file inside `profiles_dir` (see loaders.paths)."""
    label = str(profiles_dir / f"{name}.yaml")  # the manifest bounds a profile name's length
    try:
        path = child_path(profiles_dir, f"{name}.yaml", "", "the profiles directory")
    except PathRefused as exc:
        raise DocumentError(str(profiles_dir), str(exc)) from None
    if not path.exists():
        raise DocumentError(label, f"no loader profile named {shown(name)}")
    data = parse_config_yaml(label, read_config_text(path, "the profile", label), "the profile")
    if not isinstance(data, dict) or "reader" not in data:
        raise DocumentError(str(path), "a profile must be a mapping with a 'reader' key")
    return data


@dataclass
class DocResult:
    """What one document contributes. Agency nodes are not made here: readers record agency
    assignments through the agency collector, which makes one node per real agency."""

    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    warnings: list[LoadWarning] = field(default_factory=list)

    def add_node(self, node: Node) -> Node:
        self.nodes.append(node)
        return node

    def add_edge(
        self,
        source: str,
        target: str,
        type: EdgeType,
        prov: Provenance,
        /,
        **attrs: Any,
    ) -> None:
        # Positional-only, so edge attributes may be called `source`, `target` or `type` too.
        self.edges.append(Edge(source=source, target=target, type=type, provenance=prov, attrs=attrs))

    def warn(self, doc: str, line: int, code: str, message: str) -> None:
        self.warnings.append(LoadWarning(document=doc, line=line, code=code, message=message))


@dataclass
class DocInput:
    meta: DocumentMeta
    source: SourceText
    profile: dict[str, Any]

    def prov(self, start: int, end: int | None = None, note: str | None = None) -> Provenance:
        end = start if end is None else end
        return Provenance(
            document=self.meta.id,
            line_start=start,
            line_end=end,
            quote=self.source.quote(start, end),
            note=note,
        )

    def document_node(self) -> Node:
        m = self.meta
        return Node(
            id=m.id,
            kind=NodeKind.DOCUMENT,
            title=m.title,
            provenance=self.prov(_first_text_line(self.source)),
            attrs={"file": m.file, "kind": m.kind, "issuer": m.issuer, "published": m.published},
        )


def _first_text_line(src: SourceText) -> int:
    return next((i for i, s in enumerate(src.lines, 1) if s.strip()), 1)
