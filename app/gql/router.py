"""The /graphql endpoint: strawberry's FastAPI router with GraphiQL, a per-request context and a
per-request timeout; executions run in worker threads (app.gql.offload), off the event loop."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import partial
from typing import Any, cast

from graphql import DocumentNode, GraphQLError, OperationType, get_operation_ast
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData, process_result
from strawberry.types import ExecutionResult

from app.gql.context import Ctx, GenerationCache
from app.gql.cost import CostModel, cost_error
from app.gql.errors import with_code
from app.gql.limits import Limits
from app.gql.offload import Offload
from app.gql.query import WARM_UP
from app.gql.schema import PolicyGraphSchema, make_schema
from app.service import GraphService, LoadReport
from graph.model import GraphBatch


@dataclass(frozen=True)
class Plan:
    """What the router needs to know before a request runs: whether the operation it executes is a
    mutation (its time budget), and its cost (which pool runs it)."""

    mutation: bool = False
    cost: int = 0


def plan(schema: PolicyGraphSchema, limits: Limits, data: GraphQLRequestData) -> Plan:
    # Parsed through the schema's own document cache, with the options its parse step uses, so the
    # execution that follows finds the document parsed (and the cache's checks, e.g. on number
    # literals too long to convert, are applied before the cost model reads them).
    try:
        doc: DocumentNode | None = schema.documents.parse(data.query or "", {"max_tokens": limits.max_tokens}).document
    except GraphQLError:  # the schema reports it, with its location
        doc = None
    # The operation executed, as execution picks it (operationName, or the only one): a mutation
    # elsewhere in the document does not give a query the reload's budget.
    operation = get_operation_ast(doc, data.operation_name) if doc is not None else None
    if doc is None or operation is None:
        return Plan()
    try:
        cost = CostModel(schema._schema, doc, limits).operation_cost(operation, data.variables)
    except RecursionError:  # nested past any depth limit: validation refuses it
        cost = 0
    return Plan(mutation=operation.operation is OperationType.MUTATION, cost=cost)


@dataclasses.dataclass
class _Encoded(ExecutionResult):
    """A result already turned into the response body, in the worker thread that computed it."""

    text: str = ""


class _EncodedResponse(dict[str, Any]):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


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
        self.policy_schema = schema

        async def context_getter() -> Ctx:
            return Ctx(svc, limits, self.cache)

        super().__init__(schema, context_getter=context_getter, graphql_ide="graphiql")
        self.offload = Offload(limits.workers, limits.heavy_workers)

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
        p = plan(self.policy_schema, self.limits, request_data)
        if p.cost > self.limits.max_cost:
            return ExecutionResult(data=None, errors=[cost_error(p.cost, self.limits)])
        timeout = self.limits.reload_timeout_seconds if p.mutation else self.limits.timeout_seconds
        context.set_timeout(timeout)
        execute = super().execute_single

        async def work() -> ExecutionResult:
            result = await execute(request, request_adapter, sub_response, context, root_value, request_data)
            # Say which graph generation answered (every read of the request saw that one), so a
            # client can tell answers from before and after a reload apart. A mutation's answer says
            # its own.
            if result.data is not None and not p.mutation and (gen := await context.served_generation()):
                result.extensions = {**(result.extensions or {}), "generation": gen}
            # Every error leaves with a code, including those raised before the operation ran.
            if result.errors:
                result.errors = [with_code(e) for e in result.errors]
            # Serialised here too: a large answer's JSON is CPU work the event loop must not do.
            text = self.encode_json(process_result(result))
            return _Encoded(data=result.data, errors=result.errors, extensions=result.extensions, text=str(text))

        try:
            return await self.offload.run(work, context, timeout, heavy=p.cost > self.limits.heavy_cost)
        except TimeoutError:
            error = GraphQLError(context.timeout_message(), extensions={"code": "TIMEOUT"})
            return ExecutionResult(data=None, errors=[error])

    async def process_result(self, request: Any, result: ExecutionResult) -> GraphQLHTTPResponse:
        if isinstance(result, _Encoded):
            return cast(GraphQLHTTPResponse, _EncodedResponse(result.text))
        if result.errors:
            result.errors = [with_code(e) for e in result.errors]
        return process_result(result)

    def encode_json(self, data: object) -> str | bytes:
        if isinstance(data, _EncodedResponse):
            return data.text
        return super().encode_json(data)


def router(svc: GraphService, limits: Limits | None = None) -> PolicyGraphRouter:
    return PolicyGraphRouter(svc, limits or Limits())
