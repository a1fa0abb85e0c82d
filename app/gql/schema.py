"""The schema: read-only by default; with the reload mutation when an admin token is configured.

`schema` (with the mutation) is what `policygraph schema` prints and schema.graphql holds; the
server uses `read_only_schema` unless Settings.admin_token is set."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import GraphQLError
from strawberry import Schema
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from app.gql.document_cache import CachedDocuments, DocumentCache
from app.gql.errors import ErrorCodes, log_unexpected
from app.gql.limits import Limits
from app.gql.query import Mutation, Query
from app.gql.types import CONCRETE_TYPES, HierarchyNode


class PolicyGraphSchema(Schema):
    documents: DocumentCache

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        # Strawberry logs every error with its trace; a NOT_FOUND is not worth a trace in the log.
        log_unexpected(errors)


def extensions(limits: Limits, documents: DocumentCache) -> list[Callable[[], SchemaExtension]]:
    """Factories: fresh extension instances for every request (instances hold the request's
    execution context). The depth and alias rules are built once and shared: the validation cache
    is keyed by the rule classes, and a limiter makes new classes every time it is constructed.
    The document cache (parsed queries, validation results) is the schema's own, bounded in bytes."""
    rules = [
        *QueryDepthLimiter(max_depth=limits.max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=limits.max_aliases).validation_rules,
    ]
    return [
        ErrorCodes,
        lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
        lambda: AddValidationRules(rules),
        lambda: CachedDocuments(documents),
    ]


def make_schema(limits: Limits | None = None, mutations: bool = True) -> PolicyGraphSchema:
    limits = limits or Limits()
    documents = DocumentCache(limits.cache_bytes, limits.cache_entry_bytes)
    made = PolicyGraphSchema(
        query=Query,
        mutation=Mutation if mutations else None,
        types=[*CONCRETE_TYPES, HierarchyNode],
        extensions=extensions(limits, documents),
    )
    made.documents = documents  # the router plans a request from the same parsed document
    return made


schema = make_schema()
