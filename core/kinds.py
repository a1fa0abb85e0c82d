"""The vocabulary of the graph: the kinds of node and the types of edge, with the sets the rules
are written in. Ground level: the graph model, the loaders and the queries all speak it."""

from __future__ import annotations

from enum import StrEnum


class NodeKind(StrEnum):
    DOCUMENT = "Document"
    PLAN = "Plan"
    GOAL = "Goal"
    SUBGOAL = "SubGoal"
    INITIATIVE = "Initiative"
    PILLAR = "Pillar"
    STRATEGY = "Strategy"
    MEASURE = "Measure"
    ACTION = "Action"
    ITEM = "Item"
    ARTICLE = "Article"
    AGENCY = "Agency"
    TARGET = "Target"


# Kinds that form the plan hierarchy (everything an analyst navigates by lineage).
HIERARCHY_KINDS = frozenset(
    {
        NodeKind.PLAN,
        NodeKind.GOAL,
        NodeKind.SUBGOAL,
        NodeKind.INITIATIVE,
        NodeKind.PILLAR,
        NodeKind.STRATEGY,
        NodeKind.MEASURE,
        NodeKind.ACTION,
        NodeKind.ITEM,
        NodeKind.ARTICLE,
    }
)


class EdgeType(StrEnum):
    # Hierarchy: parent -> child. The only hierarchy relationship, so lineage works at any depth.
    CONTAINS = "CONTAINS"
    # Document -> the plan (or article) it describes.
    DESCRIBES = "DESCRIBES"
    # Agency -> item the document assigns to it.
    LEADS = "LEADS"
    CO_ORGANIZES = "CO_ORGANIZES"
    # Agency -> item the document assigns to it without saying lead or co-organiser (a 、-list under
    # a 主/協辦 header, an 【agency】 tag naming several bodies, a ✓ list of a slide).
    RESPONSIBLE_FOR = "RESPONSIBLE_FOR"
    # Agency -> item whose own text names it (found in prose; not an assignment).
    MENTIONED_IN = "MENTIONED_IN"
    # Agency (parent) -> sub-unit.
    HAS_UNIT = "HAS_UNIT"
    # Item -> Target it states.
    HAS_TARGET = "HAS_TARGET"
    # Cross-plan links (explicit, from wording around a mention).
    CITES = "CITES"
    CONTINUES = "CONTINUES"
    SUCCEEDS = "SUCCEEDS"
    REPORTS_ON = "REPORTS_ON"
    COVERS = "COVERS"
    MENTIONS = "MENTIONS"
    # Inferred alignment between items of different plans (never mixed with explicit links).
    ALIGNS_WITH = "ALIGNS_WITH"


RESPONSIBILITY_TYPES = frozenset({EdgeType.LEADS, EdgeType.CO_ORGANIZES, EdgeType.RESPONSIBLE_FOR})
