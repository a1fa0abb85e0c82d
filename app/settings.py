"""Configuration: flags or POLICYGRAPH_* environment variables (flags win)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from loaders.corpus import DEFAULT_CORPUS


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="POLICYGRAPH_", extra="ignore")

    corpus: Path = DEFAULT_CORPUS
    host: str = "127.0.0.1"
    port: int = 8000
    # Neo4j: set the URI to use it instead of the embedded store.
    neo4j_uri: str | None = None
    neo4j_user: str | None = None
    neo4j_password: str | None = None
    neo4j_database: str | None = None
    # The graph's name inside the database: several deployments (or test runs) can share one.
    neo4j_graph: str = "main"
    # Seconds between attempts to reach an unreachable database, and between the server's checks
    # that the database still holds the graph (reloaded from the corpus when it does not).
    reconnect_seconds: Annotated[float, Field(gt=0)] = 5.0
    # Seconds between attempts to load the corpus after a load that left no graph to serve (a
    # broken document, a bad corpus path). The server keeps running meanwhile, /health saying
    # `failed` with the reason, so fixing the corpus needs no restart.
    load_retry_seconds: Annotated[float, Field(gt=0)] = 30.0
    # Exit non-zero instead when the server has no graph after its first load (for supervisors
    # that restart or alert on exit); `policygraph serve --exit-on-load-failure`.
    exit_on_load_failure: bool = False
    # Admin token for the reload mutation (disabled when unset).
    admin_token: str | None = None
    cors_origins: list[str] = []
    # HTTP edge limits (app/http_limits.py): bytes of a request body (413 above) and of a URL's query
    # string (414 above); levels of nesting and values in a GraphQL request's JSON (400 above).
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    max_query_string_bytes: int = Field(default=32_768, ge=256)
    max_json_depth: int = Field(default=32, ge=4)
    max_json_values: int = Field(default=10_000, ge=100)
    # Wrong admin tokens one client may send within the window before it is refused (RATE_LIMITED).
    admin_max_failures: int = Field(default=5, ge=1)
    admin_failure_window_seconds: float = Field(default=60.0, gt=0)
    # Integrity checks on a schedule: seconds between runs (0 = off) or a cron expression.
    check_interval_seconds: float = 0
    check_cron: str | None = None
    history_db: Path | None = None
    # Serve an empty graph when the manifest lists no documents (refused by default: an empty
    # manifest is far more often a mistake than an intent).
    allow_empty_corpus: bool = False

    @property
    def store_name(self) -> str:
        return "neo4j" if self.neo4j_uri else "embedded"
