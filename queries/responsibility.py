"""Responsibility questions, over the GraphStore interface only (both stores behave the same).

- `resolve_agency`: an agency node from anything an analyst types: node id (`agency/moda`, `moda`),
  full name, abbreviation, former name or English name, width/script/space-insensitive (through the
  agency gazetteer, core.agencies), then the names the agency nodes carry.
- `report`: what an agency leads and co-organises, explicit vs inherited, grouped by plan, counted.
- `matrix`: agencies x plans, lead/co counts (explicit assignments, and items covered including
  inherited ones).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from core.agencies import agency_node_id, default_book
from core.fold import norm_key
from core.hierarchy import document_order
from graph.model import Edge, NodeKind
from graph.model import Node as GraphNode
from graph.store import GraphStore, Responsibility, Role
from queries.lineage import plans_of


def agency_names(node: GraphNode) -> list[str]:
    """Every name an agency node answers to."""
    a = node.attrs
    names = [node.title]
    for key in ("aliases", "abbreviations", "former_names"):
        names += [s for s in a.get(key) or [] if isinstance(s, str)]
    if isinstance(a.get("english"), str):
        names.append(a["english"])
    return list(dict.fromkeys(names))


def resolve_agency(store: GraphStore, text: str, agencies: Sequence[GraphNode] | None = None) -> GraphNode | None:
    """The agency node `text` names, or None."""
    t = text.strip()
    if not t:
        return None
    ids = [t] if t.startswith("agency/") else [agency_node_id(t), t]
    rec = default_book().resolve(t)
    if rec is not None:
        ids.insert(0, agency_node_id(rec.id))
    ids = list(dict.fromkeys(ids))
    for n in store.get_nodes(ids):
        if n is not None and n.kind is NodeKind.AGENCY:
            return n
    key = norm_key(t)
    pool = agencies if agencies is not None else store.nodes(kinds=[NodeKind.AGENCY])
    for n in pool:
        if any(norm_key(name) == key for name in agency_names(n)):
            return n
    return None


def suggest_agencies(text: str, agencies: Sequence[GraphNode], limit: int = 3) -> list[GraphNode]:
    """Agencies whose names look like `text` (for a "did you mean" in an error)."""
    key = norm_key(text)
    if not key:
        return []
    scored: list[tuple[float, str, GraphNode]] = []
    for n in agencies:
        best = 0.0
        for name in agency_names(n):
            k = norm_key(name)
            s = 100.0 if key in k or k in key else fuzz.ratio(key, k)
            best = max(best, s)
        if best >= 60:
            scored.append((-best, n.id, n))
    scored.sort(key=lambda x: (x[0], x[1]))
    return [n for _, _, n in scored[:limit]]


def in_gazetteer_only(text: str) -> str | None:
    """The canonical name when `text` is a known agency that no loaded document mentions."""
    rec = default_book().resolve(text.strip()) if text.strip() else None
    return rec.name if rec is not None else None


# --- report -----------------------------------------------------------------------------------
@dataclass
class Counts:
    lead: int = 0
    co: int = 0
    responsible: int = 0  # role not stated by the document
    explicit: int = 0
    inherited: int = 0

    def add(self, r: Responsibility) -> None:
        if r.role is Role.LEAD:
            self.lead += 1
        elif r.role is Role.CO:
            self.co += 1
        else:
            self.responsible += 1
        if r.explicit:
            self.explicit += 1
        else:
            self.inherited += 1

    @property
    def total(self) -> int:
        return self.lead + self.co + self.responsible


@dataclass
class PlanGroup:
    plan: GraphNode | None
    items: list[Responsibility] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)


@dataclass
class Report:
    agency: GraphNode
    items: list[Responsibility]
    groups: list[PlanGroup]
    counts: Counts


def report(
    store: GraphStore,
    agency: GraphNode,
    include_units: bool = False,
    role: Role | None = None,
    explicit: bool | None = None,
    plan_id: str | None = None,
    describes: Sequence[Edge] | None = None,
) -> Report:
    """The agency's responsibilities (store order: explicit first, then document order), filtered,
    with the plan of each item; groups in plan order (document order of the plan root)."""
    items = store.responsibilities(agency.id, include_units=include_units)
    if role is not None:
        items = [r for r in items if r.role is role]
    if explicit is not None:
        items = [r for r in items if r.explicit is explicit]
    plans = plans_of(store, [r.node for r in items], describes)
    if plan_id is not None:
        keep = [i for i, p in enumerate(plans) if p is not None and p.id == plan_id]
        items = [items[i] for i in keep]
        plans = [plans[i] for i in keep]
    groups: dict[str | None, PlanGroup] = {}
    total = Counts()
    for r, p in zip(items, plans, strict=True):
        g = groups.setdefault(p.id if p else None, PlanGroup(p))
        g.items.append(r)
        g.counts.add(r)
        total.add(r)
    ordered = sorted(
        groups.values(),
        key=lambda g: ("\uffff",) if g.plan is None else (g.plan.document, str(g.plan.order), g.plan.id),
    )
    return Report(agency, items, ordered, total)


# --- matrix -----------------------------------------------------------------------------------
@dataclass
class Cell:
    plan: GraphNode
    # Explicit assignments (table rows / tags) by role.
    lead: int = 0
    co: int = 0
    responsible: int = 0
    # Items the agency is responsible for, explicit or inherited from an assigned ancestor.
    lead_items: int = 0
    co_items: int = 0
    responsible_items: int = 0


@dataclass
class Row:
    agency: GraphNode
    cells: list[Cell]

    @property
    def lead(self) -> int:
        return sum(c.lead for c in self.cells)

    @property
    def co(self) -> int:
        return sum(c.co for c in self.cells)

    @property
    def responsible(self) -> int:
        return sum(c.responsible for c in self.cells)


@dataclass
class Matrix:
    plans: list[GraphNode]
    rows: list[Row]


def matrix(store: GraphStore, describes: Sequence[Edge] | None = None) -> Matrix:
    """Every agency with at least one responsibility x every plan where some agency has one.
    Rows: most explicit assignments first (then agency id); columns in document order."""
    agencies = store.nodes(kinds=[NodeKind.AGENCY])
    per_agency: list[tuple[GraphNode, list[Responsibility]]] = []
    for a in agencies:
        rs = store.responsibilities(a.id)
        if rs:
            per_agency.append((a, rs))
    all_nodes = [r.node for _, rs in per_agency for r in rs]
    plan_list = plans_of(store, all_nodes, describes)
    plan_of = {n.id: p for n, p in zip(all_nodes, plan_list, strict=True)}
    plans = {p.id: p for p in plan_list if p is not None}
    columns = sorted(plans.values(), key=document_order)
    col_index = {p.id: i for i, p in enumerate(columns)}
    rows: list[Row] = []
    for a, rs in per_agency:
        cells = [Cell(p) for p in columns]
        for r in rs:
            p = plan_of.get(r.node.id)
            if p is None:
                continue
            c = cells[col_index[p.id]]
            if r.role is Role.LEAD:
                c.lead_items += 1
                c.lead += int(r.explicit)
            elif r.role is Role.CO:
                c.co_items += 1
                c.co += int(r.explicit)
            else:
                c.responsible_items += 1
                c.responsible += int(r.explicit)
        rows.append(Row(a, cells))
    rows.sort(key=lambda r: (-(r.lead + r.co + r.responsible), -r.lead, r.agency.id))
    return Matrix(columns, rows)
