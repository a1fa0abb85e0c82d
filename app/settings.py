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
