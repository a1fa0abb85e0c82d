"""Every Cypher statement of the Neo4j store, by name: what it returns is said above each one.

Values always travel as parameters. What cannot be a parameter (relationship types, the optional
WHERE fragments of `q_nodes`/`q_edges`) is built here from the EdgeType enum and fixed fragments only,
never from user text.

Parameters the store fills in: `$pointer` is the graph's name (the GMeta key), `$slot` a slot (the `g`
of its nodes), `$ids` a batch of node ids (`nid` in each row of the statements that take it).

Patterns are written from the node the query already holds: ArcadeDB's planner expands a
variable-length pattern from its left end (1000x slower the other way round); Neo4j does not care.
"""

from __future__ import annotations

from graph.model import RESPONSIBILITY_TYPES, EdgeType

# --- schema and slot prefixes ---------------------------------------------------------------------
# The constraints and indexes, run one by one in auto-commit transactions; return nothing.
SCHEMA: list[str] = [
    "CREATE CONSTRAINT pg_meta_key IF NOT EXISTS FOR (m:GMeta) REQUIRE m.key IS UNIQUE",
    "CREATE CONSTRAINT pg_node_key IF NOT EXISTS FOR (n:GNode) REQUIRE (n.g, n.id) IS UNIQUE",
    "CREATE INDEX pg_node_g IF NOT EXISTS FOR (n:GNode) ON (n.g)",
    "CREATE INDEX pg_node_kind IF NOT EXISTS FOR (n:GNode) ON (n.g, n.kind)",
    "CREATE INDEX pg_node_document IF NOT EXISTS FOR (n:GNode) ON (n.g, n.document)",
    "CREATE INDEX pg_doc_g IF NOT EXISTS FOR (d:GDoc) ON (d.g)",
]

# Prefix of every single-statement read: binds `s` to the served slot, read in the same query as the data.
CUR = "MATCH (m:GMeta {key: $pointer}) WITH m.slot AS s "
# ... or, in a pinned view, to the slot it was pinned to (the store swaps CUR for this one).
PIN = "WITH $slot AS s "

# --- slot pointer -------------------------------------------------------------------------------------
# The served generation: generation, loaded_at, nodes, edges and slot (no row when nothing is loaded).
Q_GENERATION = (
    "MATCH (m:GMeta {key: $pointer}) RETURN m.generation AS generation, m.loaded_at AS loaded_at, "
    "m.nodes AS nodes, m.edges AS edges, m.slot AS slot"
)
# The served slot `s` (no row when nothing is loaded). Reads of several statements take the slot as a
# parameter after this: each statement reads committed data anew, so reading the pointer in each
# could mix two generations.
Q_SLOT = "MATCH (m:GMeta {key: $pointer}) RETURN m.slot AS s"
# Whether a slot is still readable: the served slot `served`, and `until` (latest end of the slot's
# grace period if it is retired, else null).
Q_SLOT_LIVE = (
    "OPTIONAL MATCH (r:GRetired {slot: $slot}) WITH max(r.until) AS until "
    "OPTIONAL MATCH (m:GMeta {key: $pointer}) RETURN m.slot AS served, until"
)

# --- reads of the served (or pinned) slot -------------------------------------------------------------
# The documents of the load: `pos` (load order) and `meta` (DocumentMeta as JSON).
Q_DOCUMENTS = CUR + "MATCH (d:GDoc {g: s}) RETURN d.pos AS pos, d.meta AS meta"
# The nodes of the given ids that exist: `n` (node properties).
Q_GET_NODES = CUR + "UNWIND $ids AS nid MATCH (n:GNode {g: s, id: nid}) RETURN properties(n) AS n"
# Each node's children: `nid`, child `n`.
Q_CHILDREN = (
    CUR + "UNWIND $ids AS nid MATCH (:GNode {g: s, id: nid})-[:CONTAINS]->(c:GNode) RETURN nid, properties(c) AS n"
)
# The parent(s) `n` of node `$id`.
Q_PARENT = CUR + "MATCH (:GNode {g: s, id: $id})<-[:CONTAINS]-(p:GNode) RETURN properties(p) AS n"
# Each node's parent(s): `nid`, parent `n`.
Q_PARENTS = (
    CUR + "UNWIND $ids AS nid MATCH (:GNode {g: s, id: nid})<-[:CONTAINS]-(p:GNode) RETURN nid, properties(p) AS n"
)
# Each node's ancestors up to `$max` levels (null: all): `nid`, ancestor `n`, `depth`, its `parent` id.
Q_ANCESTORS = (
    CUR + "UNWIND $ids AS nid MATCH path = (:GNode {g: s, id: nid})<-[:CONTAINS*1..]-(a:GNode) "
    "WHERE $max IS NULL OR length(path) <= $max "
    "OPTIONAL MATCH (a)<-[:CONTAINS]-(pp:GNode) "
    "RETURN nid, properties(a) AS n, length(path) AS depth, pp.id AS parent"
)
# Each node's descendants down to `$max` levels (one row per path): `nid`, `n`, `depth`, `parent` id.
Q_DESCENDANTS = (
    CUR + "UNWIND $ids AS nid MATCH path = (:GNode {g: s, id: nid})-[:CONTAINS*1..]->(c:GNode) "
    "WHERE $max IS NULL OR length(path) <= $max "
    "RETURN nid, properties(c) AS n, length(path) AS depth, nodes(path)[-2].id AS parent"
)


def q_nodes(kinds: bool, document: bool) -> str:
    """The nodes `n` of the slot, filtered by `$kinds` (kind values) and/or `$document` when asked."""
    where = (["n.kind IN $kinds"] if kinds else []) + (["n.document = $document"] if document else [])
    filtered = f"WHERE {' AND '.join(where)} " if where else ""
    return CUR + "MATCH (n:GNode {g: s}) " + filtered + "RETURN properties(n) AS n"


def q_edges(source: bool, target: bool, types: list[str] | None) -> str:
    """The edges of the slot, from `$source` and/or to `$target` when asked, of the given types (EdgeType
    values, never user text; None: all): source id `s`, target id `t`, `type`, properties `p`."""
    a = "(a:GNode {g: s, id: $source})" if source else "(a:GNode {g: s})"
    b = "(b:GNode {g: s, id: $target})" if target else "(b:GNode {g: s})"
    # Relationship types cannot be parameters. A typed pattern lets the server read only those
    # relationships (a WHERE on type(r) walked all 250 k edges of a 1,000-plan graph for 1,000 DESCRIBES edges).
    rel = "r:" + "|".join(f"`{t}`" for t in types) if types is not None else "r"
    # Start from the bound end (see the note on patterns above).
    pattern = f"{b}<-[{rel}]-{a}" if target and not source else f"{a}-[{rel}]->{b}"
    return CUR + f"MATCH {pattern} " + "RETURN a.id AS s, b.id AS t, type(r) AS type, properties(r) AS p"


# The responsibility relationship types, from the enum (types cannot be parameters). The two
# statements below are the inheritance rule of core/responsibility.py in Cypher: an assignment flows
# down CONTAINS and stops at nodes `assigned` on their own; a node's nearest assigned ancestor-or-self.
_RESP = "|".join(sorted(t.value for t in RESPONSIBILITY_TYPES))
_RESP_TAIL = (
    f"MATCH (ag)-[r:{_RESP}]->(t:GNode) "
    "OPTIONAL MATCH path = (t)-[:CONTAINS*1..]->(c:GNode) WHERE none(x IN tail(nodes(path)) WHERE x.assigned) "
    "RETURN properties(ag) AS ag, type(r) AS type, properties(r) AS r, properties(t) AS t, "
    "collect(properties(c)) AS inherited"
)
# Agency `$id`'s assignments: agency `ag`, `type`, edge `r`, target `t`, the nodes that inherit it `inherited`.
Q_RESPONSIBILITIES = CUR + "MATCH (ag:GNode {g: s, id: $id}) " + _RESP_TAIL
# The same for the agency and all its units (HAS_UNIT, any depth).
Q_RESPONSIBILITIES_UNITS = (
    CUR + "MATCH (:GNode {g: s, id: $id})-[:HAS_UNIT*0..]->(u:GNode) WITH DISTINCT u AS ag " + _RESP_TAIL
)
# Each node `n` with every assigned ancestor-or-self in `rs` (distance `d`, `via` id, agency `ag`,
# `type`, edge `r`): the nearest one is picked in Python.
Q_RESPONSIBLE_FOR = (
    CUR + "UNWIND $ids AS nid MATCH (n:GNode {g: s, id: nid}) "
    "MATCH path = (n)<-[:CONTAINS*0..]-(a:GNode) WHERE a.assigned "
    f"MATCH (a)<-[r:{_RESP}]-(ag:GNode) "
    "RETURN nid, properties(n) AS n, collect({d: length(path), via: a.id, ag: properties(ag), "
    "type: type(r), r: properties(r)}) AS rs"
)

# --- reads of a given slot (several statements in one transaction) --------------------------------
# Node counts by `kind` and `document` (`c`).
Q_STATS_NODES = "MATCH (n:GNode {g: $slot}) RETURN n.kind AS kind, n.document AS document, count(*) AS c"
# Edge counts by `type` (`c`).
Q_STATS_EDGES = "MATCH (:GNode {g: $slot})-[r]->() RETURN type(r) AS type, count(*) AS c"
# Outgoing edges at a batch of nodes, of `$types` (null: all): `nid`, `other` end's id, `type`, properties `p`.
Q_EDGES_OUT_AT = (
    "UNWIND $ids AS nid MATCH (:GNode {g: $slot, id: nid})-[r]->(o:GNode) WHERE $types IS NULL OR type(r) IN $types "
    "RETURN nid, o.id AS other, type(r) AS type, properties(r) AS p"
)
# Incoming edges at a batch of nodes, as Q_EDGES_OUT_AT.
Q_EDGES_IN_AT = (
    "UNWIND $ids AS nid MATCH (:GNode {g: $slot, id: nid})<-[r]-(o:GNode) WHERE $types IS NULL OR type(r) IN $types "
    "RETURN nid, o.id AS other, type(r) AS type, properties(r) AS p"
)
# Cross-plan lineage and explained paths: one transaction, the slot read once, then one statement
# per level of the walk (edges of the given types at a batch of nodes, in each direction).
# The nodes of the given ids that exist in the slot: `n`.
Q_NODES_IN_SLOT = "UNWIND $ids AS nid MATCH (n:GNode {g: $slot, id: nid}) RETURN properties(n) AS n"
# Node `$id`'s ancestors `n` with their `depth`.
Q_CHAIN = (
    "MATCH path = (:GNode {g: $slot, id: $id})<-[:CONTAINS*1..]-(a:GNode) "
    "RETURN properties(a) AS n, length(path) AS depth"
)
# The CONTAINS edges above a batch of nodes: child `cid`, parent `pid`, edge properties `r`.
Q_PARENT_EDGES = (
    "UNWIND $ids AS cid MATCH (:GNode {g: $slot, id: cid})<-[r:CONTAINS]-(p:GNode) "
    "RETURN cid, p.id AS pid, properties(r) AS r"
)
# Outgoing edges of `$types` at a batch of nodes: `nid`, `other` id, `type`, edge `r`, other node `o`.
Q_NEIGHBOURS_OUT = (
    "UNWIND $ids AS nid MATCH (:GNode {g: $slot, id: nid})-[r]->(o:GNode) WHERE type(r) IN $types "
    "RETURN nid, o.id AS other, type(r) AS type, properties(r) AS r, properties(o) AS o"
)
# Incoming edges, as Q_NEIGHBOURS_OUT.
Q_NEIGHBOURS_IN = (
    "UNWIND $ids AS nid MATCH (:GNode {g: $slot, id: nid})<-[r]-(o:GNode) WHERE type(r) IN $types "
    "RETURN nid, o.id AS other, type(r) AS type, properties(r) AS r, properties(o) AS o"
)

# --- writing a slot -------------------------------------------------------------------------------
# Creates a GNode per row of `$rows`; returns the count `c`.
Q_CREATE_NODES = "UNWIND $rows AS row CREATE (n:GNode) SET n = row RETURN count(n) AS c"
# Creates a GDoc per row of `$rows`; returns the count `c`.
Q_CREATE_DOCS = "UNWIND $rows AS row CREATE (d:GDoc) SET d = row RETURN count(d) AS c"
# Creates an edge per row (`s`, `t`, properties `p`) between nodes of `$slot`; returns the count `c`
# (short when an end is missing). Relationship types cannot be parameters: one statement per EdgeType.
Q_CREATE_EDGES = {
    t: (
        "UNWIND $rows AS row MATCH (a:GNode {g: $slot, id: row.s}) MATCH (b:GNode {g: $slot, id: row.t}) "
        f"CREATE (a)-[r:{t.value}]->(b) SET r = row.p RETURN count(r) AS c"
    )
    for t in EdgeType
}
# What the slot holds: `nodes`, `edges`, `docs` (one row, zeros for an empty slot).
Q_COUNT_SLOT = (
    "OPTIONAL MATCH (n:GNode {g: $slot}) WITH count(n) AS nodes "
    "OPTIONAL MATCH (:GNode {g: $slot})-[r]->() WITH nodes, count(r) AS edges "
    "OPTIONAL MATCH (d:GDoc {g: $slot}) RETURN nodes, edges, count(d) AS docs"
)

# --- lifecycle: swap, leases, retirement, deletion ------------------------------------------------
# Points the graph at `$slot` with its generation's figures; returns the slot it replaced `old` (or null).
Q_SWAP = (
    "MERGE (m:GMeta {key: $pointer}) WITH m, m.slot AS old "
    "SET m.slot = $slot, m.generation = $generation, m.loaded_at = $loaded_at, m.nodes = $nodes, m.edges = $edges "
    "RETURN old"
)
# Marks a replaced slot retired until `$until` (epoch seconds); returns nothing.
Q_RETIRE = "CREATE (:GRetired {key: $pointer, slot: $slot, until: $until})"
# Takes or renews the lease on a slot being written, until `$until`; returns nothing.
Q_LEASE = "MERGE (l:GLoading {slot: $slot}) SET l.key = $pointer, l.until = $until"
# Ends a slot's lease; returns nothing.
Q_END_LEASE = "MATCH (l:GLoading {slot: $slot}) DELETE l"
# Forgets a retired slot (once deleted); returns nothing.
Q_FORGET_RETIRED = "MATCH (r:GRetired {slot: $slot}) DELETE r"
# Extends a retired slot's grace period to `$until`; returns nothing.
Q_EXTEND_RETIRED = "MATCH (r:GRetired {slot: $slot}) SET r.until = $until"
# Slots no graph serves and no reader may still hold: left by loads that died half-way, or retired
# longer ago than their grace period (of any graph sharing the database). `_LIVE` binds `live`.
_LIVE = (
    "OPTIONAL MATCH (m:GMeta) WITH collect(m.slot) AS served "
    "OPTIONAL MATCH (r:GRetired) WHERE r.until > $now WITH served, collect(r.slot) AS retired "
    "OPTIONAL MATCH (l:GLoading) WHERE l.until > $now WITH served, retired, collect(l.slot) AS loading "
    "WITH served + retired + loading AS live "
)
# The stale slots `g` at time `$now`.
Q_STALE_SLOTS = (
    _LIVE + "MATCH (n:GNode) WHERE NOT n.g IN live RETURN DISTINCT n.g AS g "
    "UNION " + _LIVE + "MATCH (d:GDoc) WHERE NOT d.g IN live RETURN DISTINCT d.g AS g"
)
# Deletes retirement marks whose grace period is over at `$now`; returns nothing.
Q_EXPIRED_RETIRED = "MATCH (r:GRetired) WHERE r.until <= $now DELETE r"
# Deletes leases over at `$now`; returns nothing.
Q_EXPIRED_LEASES = "MATCH (l:GLoading) WHERE l.until <= $now DELETE l"
# Deletes the graph's pointer; returns the slot it served `old`.
Q_DROP_POINTER = "MATCH (m:GMeta {key: $pointer}) WITH m, m.slot AS old DELETE m RETURN old"
# Deletes the graph's retirement marks; returns each retired `slot`.
Q_DROP_RETIRED = "MATCH (r:GRetired {key: $pointer}) WITH r, r.slot AS slot DELETE r RETURN slot"
# Deletes up to `$limit` nodes of a slot (with their edges); returns how many `c` (0: none left).
Q_DELETE_NODES = "MATCH (n:GNode {g: $slot}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS c"
# Deletes up to `$limit` documents of a slot; returns how many `c`.
Q_DELETE_DOCS = "MATCH (d:GDoc {g: $slot}) WITH d LIMIT $limit DELETE d RETURN count(*) AS c"
