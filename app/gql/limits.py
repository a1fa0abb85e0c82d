"""Limits that keep one request cheap, from POLICYGRAPH_GRAPHQL_* environment variables.

They sit here, not in app.settings, because only the GraphQL layer reads them."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.gql.errors import BadInput


class Limits(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="POLICYGRAPH_GRAPHQL_", extra="ignore")

    # Query shape, checked before execution.
    max_depth: int = Field(default=12, ge=2)
    max_tokens: int = Field(default=2000, ge=50)
    max_aliases: int = Field(default=30, ge=1)
    # Upper bound on the values an answer may hold plus the work of expensive fields (app.gql.cost),
    # computed from the query and its variables before it runs.
    max_cost: int = Field(default=250_000, ge=100)
    # Executions run on event loops in worker threads, off the server's loop (app.gql.offload): this
    # many loop threads, and apart from them `heavy_workers` for queries costing more than `heavy_cost`.
    workers: int = Field(default=2, ge=1)
    heavy_workers: int = Field(default=1, ge=1)
    heavy_cost: int = Field(default=20_000, ge=0)
    # Page size of every connection (`first`).
    default_page: int = Field(default=20, ge=1)
    max_page: int = Field(default=100, ge=1)
    # Lineage: levels down from a node, and cross-plan hop levels.
    max_lineage_depth: int = Field(default=10, ge=1)
    max_cross_levels: int = Field(default=3, ge=1)
    # Paths between two nodes.
    max_path_hops: int = Field(default=8, ge=1)
    max_paths: int = Field(default=10, ge=1)
    path_expansion_cap: int = Field(default=4000, ge=10)
    # Store operations one request may start (DataLoaders batch, so real queries use a handful).
    max_store_calls: int = Field(default=400, ge=10)
    # Wall-clock budget of one request; the reload mutation gets its own.
    timeout_seconds: float = Field(default=10.0, gt=0)
    reload_timeout_seconds: float = Field(default=600.0, gt=0)
    # Parsed documents and their validation results kept, in bytes (text and syntax tree, about 600
    # bytes a token): all of them, and one document (heavier ones are parsed every time).
    cache_bytes: int = Field(default=32 * 1024 * 1024, ge=0)
    cache_entry_bytes: int = Field(default=1024 * 1024, ge=0)


def page_size(first: int | None, limits: Limits) -> int:
    if first is None:
        return limits.default_page
    if first < 0 or first > limits.max_page:
        raise BadInput(f"`first` must be between 0 and {limits.max_page} (got {first})", limit=limits.max_page)
    return first


def bounded(name: str, value: int, lo: int, hi: int) -> int:
    if value < lo or value > hi:
        raise BadInput(f"`{name}` must be between {lo} and {hi} (got {value})", limit=hi)
    return value
