"""Relay-style connections with totalCount, for every list the API returns.

Cursors are opaque offsets into a list in a stable order (each query documents its order), so a
client pages with `first`/`after` and gets every item exactly once while the graph generation stays
the same."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import strawberry

from app.gql.errors import BadInput, shown
from app.gql.limits import Limits, page_size

T = TypeVar("T")
X = TypeVar("X")

_PREFIX = "pg:"


@strawberry.type(description="Paging state of a connection.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    total_count: int = strawberry.field(description="Number of items in the whole list, all pages.")
    page_info: PageInfo
    edges: list[Edge[T]]
    nodes: list[T] = strawberry.field(description="The items of this page (the `node` of each edge).")


def cursor_at(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{offset}".encode()).decode()


def offset_of(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        if not text.startswith(_PREFIX):
            raise ValueError
        n = int(text[len(_PREFIX) :])
        if n < 0:
            raise ValueError
        return n
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadInput(f"`after` is not a cursor this API gave out: {shown(cursor, 40)}") from None


def paginate(
    items: Sequence[X],
    first: int | None,
    after: str | None,
    limits: Limits,
    make: Callable[[X], T],
) -> Connection[T]:
    n = page_size(first, limits)
    start = offset_of(after) + 1 if after else 0
    page = items[start : start + n]
    edges = [Edge(cursor=cursor_at(start + i), node=make(x)) for i, x in enumerate(page)]
    return Connection(
        total_count=len(items),
        page_info=PageInfo(
            has_next_page=start + n < len(items),
            has_previous_page=start > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        edges=edges,
        nodes=[e.node for e in edges],
    )
