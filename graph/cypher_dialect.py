"""The few places where Neo4j and the ArcadeDB Bolt server (our test server) need different Cypher.

Everything else the Neo4j store sends is plain Neo4j 5 Cypher that both servers accept. The dialect
is detected by probing what the server can do, not from its agent string: ArcadeDB announces itself
as "Neo4j/5.26.0 compatible" and even answers `dbms.components()` as "Neo4j Kernel".
"""

from __future__ import annotations

from dataclasses import dataclass

from neo4j import Session
from neo4j.exceptions import ClientError, DatabaseError


@dataclass(frozen=True)
class Dialect:
    name: str
    # Neo4j populates new indexes in the background: wait for them before the first bulk write.
    # ArcadeDB builds them synchronously and has no such procedure.
    await_indexes: str | None


NEO4J = Dialect("neo4j", ("CALL db.awaitIndexes($timeout)"))
ARCADEDB = Dialect("arcadedb", None)

# Neo4j lists its procedures (db.awaitIndexes among them); ArcadeDB answers SHOW PROCEDURES with none.
PROBE = "SHOW PROCEDURES YIELD name WHERE name = 'db.awaitIndexes' RETURN count(*) AS n"


def detect(session: Session) -> Dialect:
    """Probe the server behind `session`. Connection errors propagate (the caller maps them)."""
    try:
        rec = session.run(PROBE).single()
    except (ClientError, DatabaseError):
        # A server that cannot list procedures cannot wait for indexes either.
        return ARCADEDB
    n = rec.get("n", 0) if rec is not None else 0
    return NEO4J if isinstance(n, int) and n > 0 else ARCADEDB
