"""The /graphql endpoint: strawberry's FastAPI router with GraphiQL, a per-request context and a
per-request timeout."""

from __future__ import annotations

import asyncio
from functools import lru_cache, partial
from typing import Any

from graphql import GraphQLError, OperationType, parse
from graphql.error import GraphQLSyntaxError
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData, process_result
from strawberry.types import ExecutionResult

from app.gql.context import Ctx, GenerationCache
from app.gql.errors import with_code
from app.gql.limits import Limits
from app.gql.query import WARM_UP
from app.gql.schema import make_schema
from app.service import GraphService, LoadReport
from graph.model import GraphBatch


def _is_mutation(query: str) -> bool:
    # Only short texts are cached: 256 entries of up to a request body each would keep 256 MB.
    return _cached_is_mutation(query) if len(query) <= 16384 else _parse_is_mutation(query)


@lru_cache(maxsize=256)
def _cached_is_mutation(query: str) -> bool:
    return _parse_is_mutation(query)


def _parse_is_mutation(query: str) -> bool:
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
        # One router warms a service's caches: an app made again for the same service (tests, a
        # reconfigured server) replaces the old one's hook instead of adding a second index build.
        svc.post_load[:] = [h for h in svc.post_load if not isinstance(getattr(h, "__self__", None), PolicyGraphRouter)]
        svc.post_load.append(self.warm_up)
        schema = make_schema(limits, mutations=bool(svc.settings.admin_token))

        async def context_getter() -> Ctx:
            return Ctx(svc, limits, self.cache)

        super().__init__(schema, context_getter=context_getter, graphql_ide="graphiql")

    def warm_up(self, report: LoadReport, batch: GraphBatch) -> None:
        """Post-load hook: build the per-generation values of the graph just loaded (the search index,
        the agency list) now, not in the first request that needs them. The cache keeps them only if
        that graph is still one of those served when they are done."""
        if report.generation is None:
            return
        store = self.svc.store.pinned()
        info = store.generation()
        if info is None or info.generation != report.generation:  # another load came first
            return
        for name, build in WARM_UP.items():
            self.cache.get(store, report.generation, name, partial(build, store))

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
        mutation = _is_mutation(query)
        timeout = self.limits.reload_timeout_seconds if mutation else self.limits.timeout_seconds
        context.set_timeout(timeout)
        try:
            result = await asyncio.wait_for(
                super().execute_single(request, request_adapter, sub_response, context, root_value, request_data),
                timeout,
            )
        except TimeoutError:
            error = GraphQLError(context.timeout_message(), extensions={"code": "TIMEOUT"})
            return ExecutionResult(data=None, errors=[error])
        # Say which graph generation answered (every read of the request saw that one), so a client
        # can tell answers from before and after a reload apart. A mutation's answer says its own.
        if result.data is not None and not mutation and (gen := await context.served_generation()):
            result.extensions = {**(result.extensions or {}), "generation": gen}
        return result

    async def process_result(self, request: Any, result: ExecutionResult) -> GraphQLHTTPResponse:
        # Every error leaves with a code, including those raised before the operation ran.
        if result.errors:
            result.errors = [with_code(e) for e in result.errors]
        return process_result(result)


def router(svc: GraphService, limits: Limits | None = None) -> PolicyGraphRouter:
    return PolicyGraphRouter(svc, limits or Limits())
