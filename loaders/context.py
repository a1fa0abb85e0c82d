"""What a document reader gets and gives: its document with the profile it was read by, the load
context shared by every reader and linker of one load, and the per-document result."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from core.files import PathRefused, child_path, shown
from core.paths import PROFILES_DIR
from core.source import DocumentError, SourceText, parse_config_yaml, read_config_text
from graph.model import DocumentMeta, Edge, EdgeType, LoadWarning, Node, NodeKind, Provenance
from loaders.agency_nodes import AgencyCollector


def read_profile(name: str, profiles_dir: Path = PROFILES_DIR) -> dict[str, Any]:
    """The loader profile `name`: a file inside `profiles_dir` (see core.files)."""
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


class ProfileSection(BaseModel):
    """A section of a loader profile. An unknown key is an error: a misspelt setting would
    otherwise be ignored and its default used in silence."""

    model_config = ConfigDict(extra="forbid")


class Profile(ProfileSection):
    """A loader profile (data/profiles/<name>.yaml): the reader that reads the document and its
    settings. Each reader registers the subclass its profile must satisfy."""

    reader: str
    # Read by the integrity checks, not by a reader (queries/integrity/checks/responsibility.py):
    # the node kinds of this document that need a responsible agency.
    responsibility_expected: list[NodeKind] | None = None

    def region_ends(self) -> list[str]:
        """Patterns of the lines that end the document's tree region (the lines after it are not
        its items: annexes, tables of other sections), in the order they are tried."""
        return []


P = TypeVar("P", bound=Profile)


@dataclass
class DocInput(Generic[P]):
    meta: DocumentMeta
    source: SourceText
    profile: P

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


@dataclass
class LoadContext:
    """Shared by all readers and linkers of one load: the agency collector, each document as read
    (`inputs`, by document id) and each reader's and linker's result (`results`: by document id,
    and `linker:<name>` for a linker's, added as each linker finishes)."""

    agencies: AgencyCollector
    results: dict[str, DocResult] = field(default_factory=dict)
    inputs: dict[str, DocInput[Any]] = field(default_factory=dict)
