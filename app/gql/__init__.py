"""The analysts' GraphQL API (strawberry): schema types, resolvers, DataLoaders, errors, limits."""

from app.gql.router import router
from app.gql.schema import make_schema, schema

__all__ = ["make_schema", "router", "schema"]
