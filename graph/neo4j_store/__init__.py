"""The Neo4j store, split by concern (see lifecycle.py until the split lands)."""

from graph.neo4j_store.lifecycle import Neo4jStore as Neo4jStore
