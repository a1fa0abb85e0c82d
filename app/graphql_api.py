"""GraphQL API mounted at /graphql; the implementation lives in app/gql/."""

from __future__ import annotations

from app.gql import make_schema, router, schema

__all__ = ["make_schema", "router", "schema"]
