"""Document order and the plan hierarchy's maps: the ordering contract every list of nodes follows
(graph/store.py states it), and the parent/child maps built from CONTAINS edges, written once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol, TypeVar

from core.kinds import EdgeType


class Placed(Protocol):
    """Anything with a place in document order (a graph Node)."""

    @property
    def document(self) -> str: ...
    @property
    def order(self) -> int: ...
    @property
    def id(self) -> str: ...


class Link(Protocol):
    """Anything shaped like a graph Edge."""

    @property
    def source(self) -> str: ...
    @property
    def target(self) -> str: ...
    @property
    def type(self) -> EdgeType: ...


N = TypeVar("N", bound=Placed)


def document_order(node: Placed) -> tuple[str, int, str]:
    """The sort key of document order: by document, then position in it, then id (a total order)."""
    return (node.document, node.order, node.id)


def parents_of(edges: Iterable[Link]) -> dict[str, list[str]]:
    """child id -> the ids of its CONTAINS parents, in edge order (more than one is a broken tree)."""
    out: dict[str, list[str]] = {}
    for e in edges:
        if e.type is EdgeType.CONTAINS:
            out.setdefault(e.target, []).append(e.source)
    return out


def parent_map(edges: Iterable[Link]) -> dict[str, str]:
    """child id -> its parent's id, for a tree (where a child has two parents, the last edge's)."""
    return {child: parents[-1] for child, parents in parents_of(edges).items()}


def children_of(edges: Iterable[Link], by_id: Mapping[str, N]) -> dict[str, list[N]]:
    """parent id -> its children (those in `by_id`), in document order."""
    out: dict[str, list[N]] = {}
    for e in edges:
        if e.type is EdgeType.CONTAINS and (child := by_id.get(e.target)) is not None:
            out.setdefault(e.source, []).append(child)
    for kids in out.values():
        kids.sort(key=document_order)
    return out
