"""Store selection by configuration: embedded unless a Neo4j URI is given."""

from __future__ import annotations

from app.settings import Settings
from graph.embedded_store import EmbeddedStore
from graph.store import GraphStore


def make_store(settings: Settings) -> GraphStore:
    if settings.neo4j_uri:
        from graph.neo4j_store import Neo4jStore  # imported lazily: the driver is optional at runtime

        return Neo4jStore(
            settings.neo4j_uri,
            user=settings.neo4j_user,
            password=settings.neo4j_password,
            database=settings.neo4j_database,
            graph=settings.neo4j_graph,
        )
    return EmbeddedStore()
