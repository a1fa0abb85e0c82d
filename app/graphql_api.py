"""GraphQL API mounted at /graphql (placeholder schema until the analyst API lands)."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.fastapi import GraphQLRouter

from app.service import GraphService


@strawberry.type
class Query:
    @strawberry.field(description="Service health: ok, loading or degraded.")
    def health(self, info: strawberry.Info) -> str:
        from app.main import health_payload

        svc: GraphService = info.context["service"]
        return str(health_payload(svc)["status"])


schema = strawberry.Schema(query=Query)


def router(svc: GraphService) -> GraphQLRouter[Any, Any]:
    async def context_getter() -> dict[str, Any]:
        return {"service": svc}

    return GraphQLRouter(schema, context_getter=context_getter)
