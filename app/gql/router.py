"""The /graphql endpoint: strawberry's FastAPI router with GraphiQL, a per-request context and a
per-request timeout."""

from __future__ import annotations

import asyncio
from functools import lru_cache
from typing import Any

from graphql import GraphQLError, OperationType, parse
from graphql.error import GraphQLSyntaxError
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData, process_result
from strawberry.types import ExecutionResult

from app.gql.context import Ctx, GenerationCache
from app.gql.errors import with_code
from app.gql.limits import Limits
from app.gql.schema import make_schema
from app.service import GraphService


@lru_cache(maxsize=256)
def _is_mutation(query: str) -> bool:
    try:
        doc = parse(query, max_tokens=20000)
    except GraphQLSyntaxError:
        return False
    return any(getattr(d, "operation", None) is OperationType.MUTATION for d in doc.definitions)


class PolicyGraphRouter(GraphQLRouter[Ctx, None]):
    def __init__(self, svc: GraphService, limits: Limits) -> None:
        self.svc = svc
        self.limits = limits
        self.cache = GenerationCache()
        schema = make_schema(limits, mutations=bool(svc.settings.admin_token))

        async def context_getter() -> Ctx:
            return Ctx(svc, limits, self.cache)

        super().__init__(schema, context_getter=context_getter, graphql_ide="graphiql")

    async def execute_single(
        self,
        request: Any,
        request_adapter: Any,
        sub_response: Any,
        context: Ctx,
        root_value: Any,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        query = request_data.query or ""
        timeout = self.limits.reload_timeout_seconds if _is_mutation(query) else self.limits.timeout_seconds
        context.set_timeout(timeout)
        try:
            return await asyncio.wait_for(
                super().execute_single(request, request_adapter, sub_response, context, root_value, request_data),
                timeout,
            )
        except TimeoutError:
            error = GraphQLError(context.timeout_message(), extensions={"code": "TIMEOUT"})
            return ExecutionResult(data=None, errors=[error])

    async def process_result(self, request: Any, result: ExecutionResult) -> GraphQLHTTPResponse:
        # Every error leaves with a code, including those raised before the operation ran.
        if result.errors:
            result.errors = [with_code(e) for e in result.errors]
        return process_result(result)


def router(svc: GraphService, limits: Limits | None = None) -> PolicyGraphRouter:
    return PolicyGraphRouter(svc, limits or Limits())
