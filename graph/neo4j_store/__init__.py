"""Neo4j store: the served graph in Neo4j (or any Bolt server speaking Neo4j 5 Cypher), official driver.

Layout in the database:
- `(:GNode {g, id, kind, title, document, order, line_start, line_end, quote, note, number, attrs,
  assigned})`: one per graph node; `attrs` is a JSON string; `assigned` says whether the node has
  a LEADS/CO_ORGANIZES/RESPONSIBLE_FOR assignment of its own (precomputed: inheritance stops at assigned nodes).
- relationships between GNodes, typed by EdgeType, with the provenance and `attrs` (JSON).
- `(:GDoc {g, id, pos, meta})`: the documents of the load, `meta` is the DocumentMeta as JSON.
- `(:GMeta {key, slot, generation, loaded_at, nodes, edges})`: which slot is served for the graph
  named `key` ("main" unless the store is given another name: several graphs can share a database).
- `(:GRetired {key, slot, until})`: a slot replaced by a newer one, kept until `until` (epoch
  seconds) for readers still pinned to it.
- `(:GLoading {key, slot, until})`: a slot being written by a load, leased until `until` (renewed
  while the load writes), so another process loading into the same database does not take it for
  the remains of a dead load.

Atomic reloads: every load writes its nodes under a fresh `g` (the slot) next to the served graph, in
UNWIND batches, then one transaction checks the new slot is complete and moves the pointer. Every
read matches the pointer first, in the same query, so a reader sees the old graph or the new one,
never a mix; a pinned view (`pinned()`) reads the pointer once and then reads that slot only, so a
request of many reads sees one generation throughout. The old slot is retired: deleted in the
background after a grace period longer than a request may run (readers pinned to it finish first),
or by the next load once the grace period is over. A load that fails leaves the pointer alone and
its partial slot is deleted then, or at the next load if the database went away.

Modules: `lifecycle` (connection, pinned views, loads, the swap, retirement), `cypher` (every
statement, by name), `rows` (rows <-> model objects, the batch check), `reads` (the GraphStore reads;
`Neo4jStore` is the class there).
"""

from graph.neo4j_store.reads import Neo4jStore as Neo4jStore
