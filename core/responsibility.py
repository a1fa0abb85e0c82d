"""Who is responsible for what: the roles an assignment gives, and the inheritance rule.

THE RULE. An agency is responsible for a node when a LEADS, CO_ORGANIZES or RESPONSIBLE_FOR edge
assigns the node to it (explicit), or when the node's nearest assigned node, walking up CONTAINS
(itself first, then its parent, ...), is assigned to it (inherited). So an assignment flows down the
hierarchy and stops at every node that carries an assignment of its own.

Both stores implement it: the embedded store with the walks below, the Neo4j store in Cypher over a
precomputed `assigned` flag (graph/neo4j_store/cypher.py: _RESP_TAIL and Q_RESPONSIBLE_FOR). The store
conformance suite (tests/test_store_conformance.py) holds the two to the same answers.
"""

from __future__ import annotations

from collections.abc import Container, Iterator, Mapping, Sequence
from enum import StrEnum

from core.kinds import RESPONSIBILITY_TYPES, EdgeType


class Role(StrEnum):
    LEAD = "lead"
    CO = "co"
    # Named as responsible; the document does not say whether as lead or as co-organiser.
    RESPONSIBLE = "responsible"


ROLE_OF: dict[EdgeType, Role] = {
    EdgeType.LEADS: Role.LEAD,
    EdgeType.CO_ORGANIZES: Role.CO,
    EdgeType.RESPONSIBLE_FOR: Role.RESPONSIBLE,
}
# Who is responsible for a node is listed lead first, then bodies of unstated role, then co-organisers.
ROLE_RANK: dict[Role, int] = {Role.LEAD: 0, Role.RESPONSIBLE: 1, Role.CO: 2}

assert set(ROLE_OF) == RESPONSIBILITY_TYPES  # every assignment type gives a role


def inheritors(node_id: str, children: Mapping[str, Sequence[str]], assigned: Container[str]) -> Iterator[str]:
    """The descendants of an assigned node that inherit its assignment: every descendant reached
    without passing through a node assigned on its own (such a node and its subtree are not)."""
    stack = list(children.get(node_id, ()))
    while stack:
        c = stack.pop()
        if c in assigned:
            continue
        yield c
        stack.extend(children.get(c, ()))


def nearest_assigned(node_id: str, parent: Mapping[str, str], assigned: Container[str]) -> str | None:
    """The node whose assignments `node_id` carries: itself if assigned, else its nearest assigned
    ancestor; None when nothing above it is assigned (a cycle, which a tree never has, ends the walk)."""
    cur: str | None = node_id
    seen: set[str] = set()
    while cur is not None and cur not in seen:
        if cur in assigned:
            return cur
        seen.add(cur)
        cur = parent.get(cur)
    return None
