"""Parsed queries and their validation results, cached and bounded in bytes.

strawberry's ParserCache and ValidationCache bound their entries by count only: twelve queries
carrying a 50 MB comment each stayed in memory for good. Here every entry weighs what its text and
its syntax tree take (measured: about 600 bytes per token on CPython 3.11), the whole cache holds at
most `max_bytes` and a document heavier than `max_entry_bytes` is parsed but not kept.
The cache belongs to one schema (made in `app.gql.schema.extensions`), so its keys need not name it.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache
from graphql import DocumentNode, GraphQLError, TokenKind, parse
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from app.gql.errors import MAX_ECHO

# Bytes a token of a parsed document costs (the Token and the AST node built from it).
TOKEN_BYTES = 640
# An Int/Float literal longer than this is no page size nor year; Python refuses to convert integers
# past 4,300 digits (a ValueError deep inside validation).
MAX_NUMBER_CHARS = 40


@dataclass
class _Entry:
    document: DocumentNode
    weight: int
    # The rules the last validation used and its errors (one slot: the rules are fixed per schema).
    validated: tuple[tuple[Any, ...], list[GraphQLError]] | None = None


def _checked_weight(document: DocumentNode) -> int:
    """Bytes the document's tokens and nodes take (a comment or string token holds a copy of its
    text); refuses number literals too long to convert."""
    weight = 0
    token = document.loc.start_token if document.loc is not None else None
    while token is not None:
        value = token.value or ""
        weight += TOKEN_BYTES + len(value)
        if token.kind in (TokenKind.INT, TokenKind.FLOAT) and len(value) > MAX_NUMBER_CHARS:
            raise GraphQLError(
                f"a number in the query has more than {MAX_NUMBER_CHARS} characters ({value[: MAX_ECHO // 4]}…)",
                extensions={"code": "BAD_USER_INPUT"},
            )
        token = token.next
    return weight


class DocumentCache:
    def __init__(self, max_bytes: int, max_entry_bytes: int) -> None:
        self.max_entry_bytes = min(max_entry_bytes, max_bytes)
        self._entries: LRUCache[tuple[str, tuple[tuple[str, Any], ...]], _Entry] = LRUCache(
            maxsize=max(max_bytes, 1), getsizeof=lambda e: e.weight
        )
        self._lock = threading.Lock()  # requests may parse on worker threads

    @property
    def bytes(self) -> int:
        with self._lock:
            return int(self._entries.currsize)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def parse(self, query: str, options: dict[str, Any]) -> _Entry:
        key = (query, tuple(sorted(options.items())))
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None:
            return entry
        document = parse(query, **options)
        entry = _Entry(document, sys.getsizeof(query) + _checked_weight(document))
        if entry.weight <= self.max_entry_bytes:
            with self._lock:
                self._entries[key] = entry
        return entry


class CachedDocuments(SchemaExtension):
    """Parsing and validation through a DocumentCache (replaces ParserCache and ValidationCache)."""

    def __init__(self, cache: DocumentCache) -> None:
        super().__init__()
        self.cache = cache
        self.entry: _Entry | None = None

    def on_parse(self) -> Iterator[None]:
        ec = self.execution_context
        self.entry = self.cache.parse(ec.query or "", dict(ec.parse_options))
        ec.graphql_document = self.entry.document
        yield

    def on_validate(self) -> Iterator[None]:
        ec = self.execution_context
        rules = tuple(ec.validation_rules)
        entry = self.entry
        done = entry.validated if entry is not None and entry.document is ec.graphql_document else None
        if done is not None and done[0] == rules:
            ec.pre_execution_errors = done[1]
        elif ec.graphql_document is not None:
            errors = validate_document(ec.schema._schema, ec.graphql_document, rules)
            ec.pre_execution_errors = errors
            if entry is not None:
                entry.validated = (rules, errors)
        yield
