"""The cost of a query, computed before it runs from the parsed document and its variables; the
router (app.gql.router) refuses a query costing more than Limits.max_cost before it is validated or
run, for GET and POST alike. Before validation, not after: strawberry's depth limiter walks every
fragment spread again, so fragments that each spread the next twice take it 2^n steps; this walk
costs each fragment once, and also copes with what validation would refuse (unknown fields count
1, fragment cycles are cut).

Cost is an upper bound on the values the answer can hold, plus the work of the fields that compute
more than they return (search, lineage, paths, reports):
- every field selected costs 1, plus the cost of its selection;
- a connection multiplies its `edges`/`nodes` by its page size (`first`, or the default page);
- a plain list of objects (a path's hops, a matrix row's cells, stats) by a fixed bound;
- a fragment on an abstract type costs what it costs on the concrete type where the selection is
  dearest (a node is one kind at a time), aliases and repeated fragments count each time.
The depth, token and alias limits bound the size of the document; this bounds the size of the
answer, which a few bytes of nested connections can make millions of objects."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_operation_ast,
)
from graphql.language import DocumentNode, ValueNode

from app.gql.errors import TooExpensive
from app.gql.limits import Limits
from app.gql.types import MAX_WINDOW

# Costs are clamped here: a document of nested fragments can name a number with thousands of digits.
CAP = 10**15

# A list that is not a page (a path's nodes, a row's cells, the stats' counts): bounded by what the
# graph holds (plans, kinds, edge types) or by a fixed cap; counted as this many items.
LIST_ITEMS = 20

# Work a field does beyond building its value, in cost units (one unit ~ one value of an answer):
# reads of the whole graph or of a subtree, searches, reports (built once per generation, but the
# first request pays), the integrity history. Calibrated against the time one value takes.
WORK: dict[tuple[str, str], int] = {
    ("Query", "nodes"): 150,
    ("Query", "search"): 100,
    ("Query", "targets"): 50,
    ("Query", "agencies"): 20,
    ("Query", "responsibilities"): 100,
    ("Agency", "responsibilities"): 100,
    ("Query", "responsibilityMatrix"): 100,
    ("Query", "stats"): 100,
    ("Integrity", "latest"): 20,
    ("Integrity", "history"): 20,
}
# Per level of a depth argument: lineage walks `down` levels and `crossPlanLevels` hops; paths
# search up to `maxHops`; descendants read `maxDepth` levels.
LEVEL_WORK = 20
LINEAGE_LEVEL_WORK = 30
PATH_HOP_WORK = 100


class CostModel:
    """The cost of one operation of a document with the request's variables."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode, limits: Limits) -> None:
        self.schema = schema
        self.limits = limits
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.document = document
        self._memo: dict[tuple[str, str], int] = {}
        self._walking: set[tuple[str, str]] = set()
        self.variables: Mapping[str, Any] = {}
        self.defaults: dict[str, ValueNode] = {}

    def operation_cost(self, operation: OperationDefinitionNode, variables: Mapping[str, Any] | None) -> int:
        self.variables = variables if isinstance(variables, Mapping) else {}
        self.defaults = {
            v.variable.name.value: v.default_value for v in operation.variable_definitions or () if v.default_value
        }
        self._memo.clear()
        root = self.schema.get_root_type(operation.operation)
        if root is None:
            return 0
        return self._selection(operation.selection_set, root)

    # --- selections -----------------------------------------------------------------------------
    def _selection(self, sel: SelectionSetNode, parent: Any) -> int:
        """The cost of a selection on `parent`: for an abstract type, on its dearest concrete type."""
        parts = list(self._parts(sel, parent))
        if not isinstance(parent, (GraphQLInterfaceType, GraphQLUnionType)):
            return _clamp(sum(c for _, c in parts))
        common = sum(c for cond, c in parts if cond is None)
        dearest = 0
        for concrete in self.schema.get_possible_types(parent):
            extra = sum(c for cond, c in parts if cond is not None and self._applies(cond, concrete))
            dearest = max(dearest, extra)
        return _clamp(common + dearest)

    def _parts(self, sel: SelectionSetNode, parent: Any) -> Iterator[tuple[Any, int]]:
        """(type condition or None, cost) of each selection of a selection set."""
        for s in sel.selections:
            if isinstance(s, FieldNode):
                yield None, self._field(s, parent)
            elif isinstance(s, InlineFragmentNode):
                cond = self.schema.get_type(s.type_condition.name.value) if s.type_condition else None
                yield (cond if cond is not parent else None), self._selection(s.selection_set, cond or parent)
            elif isinstance(s, FragmentSpreadNode):
                frag = self.fragments.get(s.name.value)
                if frag is None:
                    continue
                cond = self.schema.get_type(frag.type_condition.name.value)
                key = (frag.name.value, getattr(cond, "name", ""))
                if key not in self._memo:  # a fragment spread twice is walked once
                    if key in self._walking:  # a cycle (validation refuses it; the router plans first)
                        continue
                    self._walking.add(key)
                    self._memo[key] = self._selection(frag.selection_set, cond or parent)
                    self._walking.discard(key)
                yield (cond if cond is not parent else None), self._memo[key]

    def _applies(self, cond: Any, concrete: GraphQLObjectType) -> bool:
        if cond is concrete:
            return True
        if isinstance(cond, (GraphQLInterfaceType, GraphQLUnionType)):
            return self.schema.is_sub_type(cond, concrete)
        return False

    # --- fields ---------------------------------------------------------------------------------
    def _field(self, node: FieldNode, parent: Any) -> int:
        name = node.name.value
        if name.startswith("__"):
            # Introspection: the schema is fixed and small; GraphiQL's query must pass.
            return 1 if name == "__typename" else 100
        fields = getattr(parent, "fields", None)
        fdef = fields.get(name) if fields else None
        if fdef is None:  # not in the schema: validation refuses it
            return 1
        type_name = getattr(parent, "name", "")
        cost = 1 + WORK.get((type_name, name), 0) + self._depth_work(type_name, name, node)
        if node.selection_set is None:
            return cost
        target = get_named_type(fdef.type)
        sub_fields = getattr(target, "fields", None) or {}
        if {"edges", "nodes", "pageInfo"} <= set(sub_fields):  # a connection: its page repeats
            return _clamp(cost + self._connection(node.selection_set, target, self._page(node)))
        items = self._list_items(type_name, name, node) if _is_list(fdef.type) else 1
        return _clamp(cost + items * self._selection(node.selection_set, target))

    def _connection(self, sel: SelectionSetNode, conn: Any, page: int) -> int:
        total = 0
        for s in sel.selections:
            if isinstance(s, FieldNode) and s.name.value in ("edges", "nodes") and s.selection_set is not None:
                item = get_named_type(conn.fields[s.name.value].type)
                total += 1 + page * self._selection(s.selection_set, item)
            elif isinstance(s, FieldNode):
                total += self._field(s, conn)
            else:  # a fragment on the connection type itself
                inner = s.selection_set if isinstance(s, InlineFragmentNode) else None
                if isinstance(s, FragmentSpreadNode) and (frag := self.fragments.get(s.name.value)):
                    inner = frag.selection_set
                if inner is not None:
                    total += self._connection(inner, conn, page)
        return _clamp(total)

    def _page(self, node: FieldNode) -> int:
        first = self._int_arg(node, "first")
        if first is None:
            return self.limits.default_page
        # A page size out of range is refused by the resolver, with its own message.
        return max(0, min(first, self.limits.max_page))

    def _depth_work(self, type_name: str, name: str, node: FieldNode) -> int:
        lim = self.limits
        if type_name == "Query" and name == "lineage":
            down = _within(self._int_arg(node, "down"), 1, lim.max_lineage_depth)
            cross = _within(self._int_arg(node, "crossPlanLevels"), 1, lim.max_cross_levels)
            return LINEAGE_LEVEL_WORK * (1 + down + cross)
        if type_name == "Query" and name == "paths":
            return PATH_HOP_WORK * _within(self._int_arg(node, "maxHops"), 6, lim.max_path_hops)
        if name == "descendants" and type_name != "Lineage":
            return LEVEL_WORK * _within(self._int_arg(node, "maxDepth"), 1, lim.max_lineage_depth)
        return 0

    def _list_items(self, type_name: str, name: str, node: FieldNode) -> int:
        if type_name == "SourceDocument" and name == "lines":  # a window of at most MAX_WINDOW lines
            start, end = self._int_arg(node, "from"), self._int_arg(node, "to")
            span = end - start + 1 if start is not None and end is not None else MAX_WINDOW
            return _within(span, MAX_WINDOW, MAX_WINDOW)
        if type_name == "Path":  # a path's nodes and hops: at most maxHops (+1)
            return self.limits.max_path_hops + 1
        return LIST_ITEMS

    def _int_arg(self, node: FieldNode, name: str) -> int | None:
        """An Int argument as given (literal, variable, or the variable's default); None if absent."""
        for arg in node.arguments or ():
            if arg.name.value != name:
                continue
            value: Any = arg.value
            if isinstance(value, VariableNode):
                var = value.name.value
                if var in self.variables:
                    raw = self.variables[var]
                    return raw if isinstance(raw, int) and not isinstance(raw, bool) else None
                value = self.defaults.get(var)
            return int(value.value) if isinstance(value, IntValueNode) else None
        return None


def _is_list(t: GraphQLOutputType) -> bool:
    while isinstance(t, GraphQLNonNull):
        t = t.of_type
    return isinstance(t, GraphQLList)


def _within(value: int | None, default: int, cap: int) -> int:
    return default if value is None else max(0, min(value, cap))


def _clamp(n: int) -> int:
    return min(n, CAP)


def query_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any] | None,
    operation_name: str | None,
    limits: Limits,
) -> int | None:
    """The cost of the operation a request executes; None when the document names no single
    operation (execution reports that)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return None
    return CostModel(schema, document, limits).operation_cost(operation, variables)


def cost_error(cost: int, limits: Limits) -> GraphQLError:
    shown = f"more than {CAP}" if cost >= CAP else str(cost)
    message = (
        f"the query costs {shown}, more than the limit of {limits.max_cost}: ask for smaller pages (`first`) "
        "or less nesting"
    )
    return GraphQLError(message, original_error=TooExpensive(message, cost=min(cost, CAP), limit=limits.max_cost))
