"""GraphQL types: the Node interface and one type per node kind, agencies, targets, evidence,
relations, responsibilities, lineage, paths, search hits, stats.

Every field that needs the store goes through the request context (DataLoaders or `ctx.run`)."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Annotated, Any, cast

import strawberry
from strawberry.scalars import JSON

from app.gql.connection import Connection, paginate
from app.gql.context import Ctx
from app.gql.errors import BadInput, NotFound, shown
from app.gql.limits import bounded
from core.source import DocumentError, read_document
from graph.model import DocumentMeta, EdgeType, NodeKind, Provenance
from graph.model import Edge as GraphEdge
from graph.model import Node as GraphNode
from graph.store import Ranked, Role
from graph.store import Responsibility as GraphResponsibility
from queries import lineage as lq
from queries import responsibility as rq
from queries.integrity.model import Severity
from queries.search import Hit, node_years

if TYPE_CHECKING:
    from app.gql.integrity import IntegrityFinding

# The domain enums, exposed as they are (GraphQL names are the Python member names).
strawberry.enum(NodeKind, description="What a node is.")
strawberry.enum(EdgeType, description="What a relation means (see README, graph model).")
strawberry.enum(
    Role,
    description="LEAD = 主辦 (lead agency); CO = 協辦 (co-organiser); RESPONSIBLE = named as responsible where "
    "the document does not say lead or co (a 、-list under 主/協辦, an 【agency】 tag naming several bodies).",
)
strawberry.enum(Severity, name="FindingSeverity", description="Severity of an integrity finding.")


# Edge types as a DataLoader key: a sorted tuple, or None for every type.
EdgeTypes = tuple[EdgeType, ...] | None


def edge_types_key(types: Iterable[EdgeType] | None) -> EdgeTypes:
    return tuple(sorted(set(types))) if types is not None else None


@strawberry.enum(description="Which relations of a node: pointing away from it, to it, or both.")
class Direction(enum.Enum):
    OUTGOING = "outgoing"
    INCOMING = "incoming"
    BOTH = "both"


def ctx_of(info: strawberry.Info) -> Ctx:
    return cast(Ctx, info.context)


# --- evidence and documents -------------------------------------------------------------------
@strawberry.type(description="An inclusive, 1-based span of lines in a source document.")
class LineSpan:
    start: int
    end: int


@strawberry.type(description="A bundled source document and its manifest metadata.")
class SourceDocument:
    meta: strawberry.Private[DocumentMeta]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.meta.id)

    @strawberry.field
    def title(self) -> str:
        return self.meta.title

    @strawberry.field
    def short_name(self) -> str:
        return self.meta.short_name

    @strawberry.field
    def aliases(self) -> list[str]:
        return list(self.meta.aliases)

    @strawberry.field(description="plan, programme, periodical, results-report, planning-report …")
    def kind(self) -> str:
        return self.meta.kind

    @strawberry.field
    def issuer(self) -> str:
        return self.meta.issuer

    @strawberry.field(description="ISO date (month precision where the document gives only a month).")
    def published(self) -> str:
        return self.meta.published

    @strawberry.field(description="First AD year of the period the document covers.")
    def period_start(self) -> int | None:
        return self.meta.period_start

    @strawberry.field
    def period_end(self) -> int | None:
        return self.meta.period_end

    @strawberry.field
    def file(self) -> str:
        return self.meta.file

    @strawberry.field
    def sha256(self) -> str | None:
        return self.meta.sha256

    @strawberry.field(
        description="A window of the document's text, lines `from`..`to` (1-based, inclusive, at most 400): "
        "the context around a quote. A fixed window, not a page."
    )
    async def lines(
        self,
        info: strawberry.Info,
        from_: Annotated[int, strawberry.argument(name="from")],
        to: int,
    ) -> list[SourceLine]:
        ctx = ctx_of(info)
        if from_ < 1 or to < from_ or to - from_ >= MAX_WINDOW:
            raise BadInput(f"ask for lines 1 <= from <= to, at most {MAX_WINDOW} of them (got {from_}..{to})")
        text = await ctx.run(source_lines, ctx.svc.settings.corpus, self.meta)
        return [SourceLine(number=i, text=text[i - 1]) for i in range(from_, min(to, len(text)) + 1)]

    @strawberry.field(description="The Document node of this document.")
    async def node(self, info: strawberry.Info) -> Node | None:
        return wrap_opt(await ctx_of(info).loaders.node.load(self.meta.id))

    @strawberry.field(description="The plan (hierarchy root) this document describes.")
    async def plan(self, info: strawberry.Info) -> Node | None:
        return wrap_opt(await ctx_of(info).loaders.plan.load(self.meta.id))


MAX_WINDOW = 400


@strawberry.type(description="One line of a source document.")
class SourceLine:
    number: int
    text: str


@lru_cache(maxsize=16)
def _read_lines(corpus: str, doc_id: str, file: str, sha256: str | None) -> tuple[str, ...]:
    src = read_document(FsPath(corpus), doc_id, file)  # inside the corpus directory, a regular file
    if sha256 is not None and src.sha256 != sha256:
        raise NotFound(f"{src.file} changed since it was loaded; reload to see its text")
    return src.lines


def source_lines(corpus: FsPath, meta: DocumentMeta) -> tuple[str, ...]:
    """The text of a loaded document, from the corpus directory the service reads."""
    try:
        return _read_lines(str(corpus), meta.id, meta.file, meta.sha256)
    except DocumentError as exc:
        raise NotFound(f"the text of {meta.id} is not available here: {exc}") from None


@strawberry.type(description="Where a fact comes from: document, line span, the quoted source text.")
class Evidence:
    prov: strawberry.Private[Provenance]

    @strawberry.field(description="Document id (`ref:agencies` for the agency reference list).")
    def document_id(self) -> str:
        return self.prov.document

    @strawberry.field
    async def document(self, info: strawberry.Info) -> SourceDocument | None:
        meta = (await ctx_of(info).loaders.documents()).get(self.prov.document)
        return SourceDocument(meta=meta) if meta else None

    @strawberry.field
    def lines(self) -> LineSpan:
        return LineSpan(start=self.prov.line_start, end=self.prov.line_end)

    @strawberry.field(description="The source text of those lines.")
    def quote(self) -> str:
        return self.prov.quote

    @strawberry.field(description="A remark, e.g. that an assignment was inferred from a merged table cell.")
    def note(self) -> str | None:
        return self.prov.note


# --- relations --------------------------------------------------------------------------------
@strawberry.type(description="An edge of the graph, with the evidence for it.")
class Relation:
    edge: strawberry.Private[GraphEdge]

    @strawberry.field
    def type(self) -> EdgeType:
        return self.edge.type

    @strawberry.field
    async def source(self, info: strawberry.Info) -> Node:
        return await load_node(info, self.edge.source)

    @strawberry.field
    async def target(self, info: strawberry.Info) -> Node:
        return await load_node(info, self.edge.target)

    @strawberry.field
    def evidence(self) -> Evidence:
        return Evidence(prov=self.edge.provenance)

    @strawberry.field(description="Extra facts of the edge (for ALIGNS_WITH: score, method, …).")
    def attributes(self) -> JSON:
        return cast(JSON, dict(self.edge.attrs))


@strawberry.type(description="An agency's role on a node, assigned to the node or inherited from above.")
class Responsibility:
    r: strawberry.Private[GraphResponsibility]

    @strawberry.field
    def role(self) -> Role:
        return self.r.role

    @strawberry.field(description="True when the document assigns the agency to this node itself.")
    def explicit(self) -> bool:
        return self.r.explicit

    @strawberry.field
    def agency(self) -> Agency:
        return Agency(raw=self.r.agency)

    @strawberry.field
    def node(self) -> Node:
        return wrap(self.r.node)

    @strawberry.field(description="The node that carries the assignment (the node itself when explicit).")
    async def via(self, info: strawberry.Info) -> Node:
        if self.r.via == self.r.node.id:
            return wrap(self.r.node)
        return await load_node(info, self.r.via)

    @strawberry.field(description="The assignment's evidence (e.g. the 表4 row).")
    def evidence(self) -> Evidence:
        return Evidence(prov=self.r.edge.provenance)

    @strawberry.field
    def relation(self) -> Relation:
        return Relation(edge=self.r.edge)


# --- the Node interface -----------------------------------------------------------------------
@strawberry.interface(description="Anything in the graph: plans and their items, documents, agencies, targets.")
class Node:
    raw: strawberry.Private[GraphNode]
    # Plain attributes, copied from `raw` once: the cheapest fields to resolve, and the most asked.
    id: strawberry.ID = strawberry.field(
        default=strawberry.ID(""), description="Deterministic id: the same document gives the same ids on every load."
    )
    kind: NodeKind = NodeKind.ITEM
    title: str = ""
    number: str | None = strawberry.field(
        default=None, description="The marker as printed (一, 3, (2)), where there is one."
    )
    document_id: str = strawberry.field(default="", description="Id of the document the node comes from.")

    def __post_init__(self) -> None:
        n = self.raw
        self.id = strawberry.ID(n.id)
        self.kind = n.kind
        self.title = n.title
        self.number = n.number
        self.document_id = n.document

    @strawberry.field
    async def document(self, info: strawberry.Info) -> SourceDocument | None:
        meta = (await ctx_of(info).loaders.documents()).get(self.raw.document)
        return SourceDocument(meta=meta) if meta else None

    @strawberry.field(description="The plan (hierarchy root) the node belongs to; a plan is its own plan.")
    async def plan(self, info: strawberry.Info) -> Node | None:
        return wrap_opt(await ctx_of(info).loaders.plan.load(self.raw.id))

    @strawberry.field
    def lines(self) -> LineSpan:
        p = self.raw.provenance
        return LineSpan(start=p.line_start, end=p.line_end)

    @strawberry.field(description="The source text the node was read from.")
    def quote(self) -> str:
        return self.raw.provenance.quote

    @strawberry.field
    def evidence(self) -> Evidence:
        return Evidence(prov=self.raw.provenance)

    @strawberry.field(description="AD years the node is about (its own year/period, years its text names).")
    def years(self) -> list[int]:
        return sorted(node_years(self.raw))

    @strawberry.field(description="All other facts the loader recorded, as JSON.")
    def attributes(self) -> JSON:
        return cast(JSON, dict(self.raw.attrs))

    @strawberry.field(description="Edges at this node, outgoing first; each in (source, target, type) order.")
    async def relations(
        self,
        info: strawberry.Info,
        types: list[EdgeType] | None = None,
        direction: Direction = Direction.BOTH,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Relation]:
        ctx = ctx_of(info)
        at = await ctx.loaders.edges_at.load((self.raw.id, edge_types_key(types)))
        wanted = {Direction.BOTH: (True, False), Direction.OUTGOING: (True,), Direction.INCOMING: (False,)}[direction]
        edges: list[GraphEdge] = [e for e, fwd in at if fwd in wanted]
        return paginate(edges, first, after, ctx.limits, lambda e: Relation(edge=e))

    @strawberry.field(
        description="Integrity findings about this node in the latest recorded check run (see Query.integrity), "
        "in report order, filtered by severity and check; empty before the first run."
    )
    async def integrity_findings(
        self,
        info: strawberry.Info,
        severity: Severity | None = None,
        check: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Annotated[IntegrityFinding, strawberry.lazy("app.gql.integrity")]]:
        from app.gql.integrity import node_findings  # imports this module

        return await node_findings(info, self.raw.id, severity, check, first, after)


@strawberry.type(description="One step of a lineage: the node, its distance in edges, and its parent.")
class LineageEntry:
    ranked: strawberry.Private[Ranked]

    @strawberry.field
    def node(self) -> Node:
        return wrap(self.ranked.node)

    @strawberry.field(description="Hierarchy edges between the start node and this one.")
    def hops(self) -> int:
        return self.ranked.depth

    @strawberry.field
    async def parent(self, info: strawberry.Info) -> Node | None:
        return await load_node_opt(info, self.ranked.parent)


@strawberry.interface(description="A node of a plan's hierarchy (plan, goal, strategy, measure, …).")
class HierarchyNode(Node):
    @strawberry.field(description="The body text under the heading, where the document has one.")
    def text(self) -> str | None:
        t = self.raw.attrs.get("text")
        return t if isinstance(t, str) else None

    @strawberry.field
    async def parent(self, info: strawberry.Info) -> Node | None:
        return wrap_opt(await ctx_of(info).loaders.parent.load(self.raw.id))

    @strawberry.field(description="Direct children in document order.")
    async def children(
        self, info: strawberry.Info, first: int | None = None, after: str | None = None
    ) -> Connection[Node]:
        ctx = ctx_of(info)
        kids = await ctx.loaders.children.load(self.raw.id)
        return paginate(kids, first, after, ctx.limits, wrap)

    @strawberry.field(description="Ancestors, nearest first, up to the plan.")
    async def ancestors(
        self, info: strawberry.Info, first: int | None = None, after: str | None = None
    ) -> Connection[LineageEntry]:
        ctx = ctx_of(info)
        anc = await ctx.loaders.ancestors.load(self.raw.id)
        return paginate(anc, first, after, ctx.limits, lambda r: LineageEntry(ranked=r))

    @strawberry.field(description="Descendants by (depth, document order), down to `maxDepth` levels.")
    async def descendants(
        self,
        info: strawberry.Info,
        max_depth: int = 1,
        kinds: list[NodeKind] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[LineageEntry]:
        ctx = ctx_of(info)
        bounded("maxDepth", max_depth, 1, ctx.limits.max_lineage_depth)
        ds = await ctx.loaders.descendants.load((self.raw.id, max_depth))
        if kinds:
            ds = [r for r in ds if r.node.kind in set(kinds)]
        return paginate(ds, first, after, ctx.limits, lambda r: LineageEntry(ranked=r))

    @strawberry.field(
        description="Who is responsible: the node's own assignments, else its nearest assigned ancestor's "
        "(inherited). Lead first, then bodies of unstated role, then co-organisers."
    )
    async def responsible_agencies(
        self,
        info: strawberry.Info,
        role: Role | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Responsibility]:
        ctx = ctx_of(info)
        rs = await ctx.loaders.responsible.load(self.raw.id)
        if role is not None:
            rs = [r for r in rs if r.role is role]
        return paginate(rs, first, after, ctx.limits, lambda r: Responsibility(r=r))

    @strawberry.field(description="Targets this node states (HAS_TARGET), in document order.")
    async def targets(
        self, info: strawberry.Info, first: int | None = None, after: str | None = None
    ) -> Connection[Target]:
        ctx = ctx_of(info)
        ids = [e.target for e in await ctx.loaders.target_edges() if e.source == self.raw.id]
        nodes = [n for n in await ctx.loaders.node.load_many(ids) if n is not None]
        nodes.sort(key=lambda n: (n.document, n.order, n.id))
        return paginate(nodes, first, after, ctx.limits, lambda n: Target(raw=n))

    @strawberry.field(description="Cross-plan links at this node (CITES, CONTINUES, …, ALIGNS_WITH), outgoing first.")
    async def cross_plan_links(
        self,
        info: strawberry.Info,
        types: list[EdgeType] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Relation]:
        ctx = ctx_of(info)
        wanted = lq.cross_plan_types(types)
        pairs = await ctx.loaders.edges_at.load((self.raw.id, edge_types_key(wanted))) if wanted else []
        return paginate([e for e, _ in pairs], first, after, ctx.limits, lambda e: Relation(edge=e))


@strawberry.type(description="A source document as a node of the graph.")
class Document(Node):
    @strawberry.field(description="Manifest metadata of the document.")
    async def meta(self, info: strawberry.Info) -> SourceDocument | None:
        meta = (await ctx_of(info).loaders.documents()).get(self.raw.id)
        return SourceDocument(meta=meta) if meta else None


@strawberry.type(description="A plan, programme or report: the root of a hierarchy.")
class Plan(HierarchyNode):
    @strawberry.field
    def short_name(self) -> str | None:
        v = self.raw.attrs.get("short_name")
        return v if isinstance(v, str) else None

    @strawberry.field
    def aliases(self) -> list[str]:
        return [s for s in self.raw.attrs.get("aliases") or [] if isinstance(s, str)]

    @strawberry.field
    def period_start(self) -> int | None:
        v = self.raw.attrs.get("period_start")
        return v if isinstance(v, int) else None

    @strawberry.field
    def period_end(self) -> int | None:
        v = self.raw.attrs.get("period_end")
        return v if isinstance(v, int) else None

    @strawberry.field(description="True for a plan the documents name but the corpus does not contain.")
    def external(self) -> bool:
        return bool(self.raw.attrs.get("external", False))


@strawberry.type
class Goal(HierarchyNode):
    pass


@strawberry.type
class SubGoal(HierarchyNode):
    pass


@strawberry.type
class Initiative(HierarchyNode):
    pass


@strawberry.type
class Pillar(HierarchyNode):
    pass


@strawberry.type
class Strategy(HierarchyNode):
    pass


@strawberry.type
class Measure(HierarchyNode):
    pass


@strawberry.type
class Action(HierarchyNode):
    pass


@strawberry.type
class Item(HierarchyNode):
    pass


@strawberry.type
class Article(HierarchyNode):
    pass


@strawberry.type(description="A government body; units hang under their parent (HAS_UNIT).")
class Agency(Node):
    @strawberry.field(description="Canonical full name.")
    def name(self) -> str:
        return self.raw.title

    @strawberry.field(description="Every other name: abbreviations, former names, English name.")
    def aliases(self) -> list[str]:
        return [s for s in self.raw.attrs.get("aliases") or [] if isinstance(s, str)]

    @strawberry.field
    def abbreviations(self) -> list[str]:
        return [s for s in self.raw.attrs.get("abbreviations") or [] if isinstance(s, str)]

    @strawberry.field
    def former_names(self) -> list[str]:
        return [s for s in self.raw.attrs.get("former_names") or [] if isinstance(s, str)]

    @strawberry.field
    def english_name(self) -> str | None:
        v = self.raw.attrs.get("english")
        return v if isinstance(v, str) else None

    @strawberry.field(description="ministry, council, academy, unit …")
    def category(self) -> str | None:
        v = self.raw.attrs.get("category")
        return v if isinstance(v, str) else None

    @strawberry.field
    async def parent(self, info: strawberry.Info) -> Agency | None:
        ctx = ctx_of(info)
        pid = next((e.source for e in await ctx.loaders.unit_edges() if e.target == self.raw.id), None)
        if pid is None:
            attr = self.raw.attrs.get("parent")
            pid = attr if isinstance(attr, str) else None
        n = await ctx.loaders.node.load(pid) if pid else None
        return Agency(raw=n) if n is not None and n.kind is NodeKind.AGENCY else None

    @strawberry.field(description="Direct sub-units, by id.")
    async def sub_units(
        self, info: strawberry.Info, first: int | None = None, after: str | None = None
    ) -> Connection[Agency]:
        ctx = ctx_of(info)
        ids = sorted(e.target for e in await ctx.loaders.unit_edges() if e.source == self.raw.id)
        nodes = [n for n in await ctx.loaders.node.load_many(ids) if n is not None]
        return paginate(nodes, first, after, ctx.limits, lambda n: Agency(raw=n))

    @strawberry.field(description="What this agency leads and co-organises (see Query.responsibilities).")
    async def responsibilities(
        self,
        info: strawberry.Info,
        role: Role | None = None,
        explicit: bool | None = None,
        plan: strawberry.ID | None = None,
        include_units: bool = False,
    ) -> ResponsibilityReport:
        return await responsibility_report(info, self.raw, role, explicit, plan, include_units)


def _num(v: Any) -> float | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str):
        try:
            return float(v.replace(",", ""))
        except ValueError:
            return None
    return None


@strawberry.type(description="A stated target, baseline, achieved value or budget, with its source text.")
class Target(Node):
    @strawberry.field
    def value(self) -> float | None:
        return _num(self.raw.attrs.get("value"))

    @strawberry.field(description="The value as printed, where it is not a plain number.")
    def value_text(self) -> str | None:
        v = self.raw.attrs.get("value_text", self.raw.attrs.get("value"))
        return None if v is None else str(v)

    @strawberry.field
    def unit(self) -> str | None:
        v = self.raw.attrs.get("unit")
        return v if isinstance(v, str) else None

    @strawberry.field(description="The AD year the value is for, where stated.")
    def year(self) -> int | None:
        v = self.raw.attrs.get("year")
        return v if isinstance(v, int) and not isinstance(v, bool) else None

    @strawberry.field(description="target, baseline, achieved or budget, as the loader classified it.")
    def target_kind(self) -> str | None:
        for key in ("target_kind", "status", "type", "role"):
            v = self.raw.attrs.get(key)
            if isinstance(v, str):
                return v
        return None

    @strawberry.field(description="The item that states this target.")
    async def item(self, info: strawberry.Info) -> Node | None:
        ctx = ctx_of(info)
        sid = next((e.source for e in await ctx.loaders.target_edges() if e.target == self.raw.id), None)
        return await load_node_opt(info, sid)


KIND_TYPES: dict[NodeKind, type[Node]] = {
    NodeKind.DOCUMENT: Document,
    NodeKind.PLAN: Plan,
    NodeKind.GOAL: Goal,
    NodeKind.SUBGOAL: SubGoal,
    NodeKind.INITIATIVE: Initiative,
    NodeKind.PILLAR: Pillar,
    NodeKind.STRATEGY: Strategy,
    NodeKind.MEASURE: Measure,
    NodeKind.ACTION: Action,
    NodeKind.ITEM: Item,
    NodeKind.ARTICLE: Article,
    NodeKind.AGENCY: Agency,
    NodeKind.TARGET: Target,
}
CONCRETE_TYPES: list[type] = list(KIND_TYPES.values())


def wrap(n: GraphNode) -> Node:
    return KIND_TYPES[n.kind](raw=n)


def wrap_opt(n: GraphNode | None) -> Node | None:
    return wrap(n) if n is not None else None


async def load_node(info: strawberry.Info, node_id: str) -> Node:
    n = await ctx_of(info).loaders.node.load(node_id)
    if n is None:  # an edge to a node that is gone: the graph changed under the request
        raise NotFound(f"node {shown(node_id)} is no longer in the graph (it was reloaded); ask again")
    return wrap(n)


async def load_node_opt(info: strawberry.Info, node_id: str | None) -> Node | None:
    if node_id is None:
        return None
    return wrap_opt(await ctx_of(info).loaders.node.load(node_id))


# --- responsibility reports -------------------------------------------------------------------
@strawberry.type(description="An agency's responsibilities inside one plan.")
class PlanResponsibilities:
    group: strawberry.Private[rq.PlanGroup]

    @strawberry.field(description="The plan (null for items outside any plan).")
    def plan(self) -> Node | None:
        return wrap_opt(self.group.plan)

    @strawberry.field
    def total_count(self) -> int:
        return len(self.group.items)

    @strawberry.field
    def lead_count(self) -> int:
        return self.group.counts.lead

    @strawberry.field
    def co_count(self) -> int:
        return self.group.counts.co

    @strawberry.field(description="Items where the document names the agency without saying lead or co.")
    def responsible_count(self) -> int:
        return self.group.counts.responsible

    @strawberry.field
    def explicit_count(self) -> int:
        return self.group.counts.explicit

    @strawberry.field
    def inherited_count(self) -> int:
        return self.group.counts.inherited

    @strawberry.field(description="Explicit first, then inherited; each in document order.")
    def items(
        self, info: strawberry.Info, first: int | None = None, after: str | None = None
    ) -> Connection[Responsibility]:
        return paginate(self.group.items, first, after, ctx_of(info).limits, lambda r: Responsibility(r=r))


@strawberry.type(description="What an agency leads and co-organises, explicit vs inherited, by plan.")
class ResponsibilityReport:
    rep: strawberry.Private[rq.Report]

    @strawberry.field
    def agency(self) -> Agency:
        return Agency(raw=self.rep.agency)

    @strawberry.field(description="Items (explicit + inherited) matching the filters.")
    def total_count(self) -> int:
        return len(self.rep.items)

    @strawberry.field
    def lead_count(self) -> int:
        return self.rep.counts.lead

    @strawberry.field
    def co_count(self) -> int:
        return self.rep.counts.co

    @strawberry.field(description="Items where the document names the agency without saying lead or co.")
    def responsible_count(self) -> int:
        return self.rep.counts.responsible

    @strawberry.field(description="Items the documents assign to the agency directly.")
    def explicit_count(self) -> int:
        return self.rep.counts.explicit

    @strawberry.field(description="Items covered through an assigned ancestor.")
    def inherited_count(self) -> int:
        return self.rep.counts.inherited

    @strawberry.field(description="One group per plan, in document order of the plans.")
    def by_plan(
        self, info: strawberry.Info, first: int | None = None, after: str | None = None
    ) -> Connection[PlanResponsibilities]:
        return paginate(self.rep.groups, first, after, ctx_of(info).limits, lambda g: PlanResponsibilities(group=g))

    @strawberry.field(description="Explicit first, then inherited; each in document order.")
    def items(
        self, info: strawberry.Info, first: int | None = None, after: str | None = None
    ) -> Connection[Responsibility]:
        return paginate(self.rep.items, first, after, ctx_of(info).limits, lambda r: Responsibility(r=r))


async def responsibility_report(
    info: strawberry.Info,
    agency: GraphNode,
    role: Role | None,
    explicit: bool | None,
    plan: str | None,
    include_units: bool,
) -> ResponsibilityReport:
    ctx = ctx_of(info)
    describes = await ctx.loaders.describes()
    store = ctx.store
    key = f"report\x00{agency.id}\x00{include_units}\x00{role}\x00{explicit}\x00{plan}"
    rep = await ctx.cached(key, lambda: rq.report(store, agency, include_units, role, explicit, plan, describes))
    return ResponsibilityReport(rep=rep)


@strawberry.type(description="One agency x plan cell of the responsibility matrix.")
class MatrixCell:
    cell: strawberry.Private[rq.Cell]

    @strawberry.field
    def plan(self) -> Node:
        return wrap(self.cell.plan)

    @strawberry.field(description="Nodes the documents assign to the agency as lead.")
    def lead(self) -> int:
        return self.cell.lead

    @strawberry.field(description="Nodes the documents assign to the agency as co-organiser.")
    def co(self) -> int:
        return self.cell.co

    @strawberry.field(description="Nodes the documents assign to the agency without saying lead or co.")
    def responsible(self) -> int:
        return self.cell.responsible

    @strawberry.field(description="Items led, explicit or inherited.")
    def lead_items(self) -> int:
        return self.cell.lead_items

    @strawberry.field(description="Items co-organised, explicit or inherited.")
    def co_items(self) -> int:
        return self.cell.co_items

    @strawberry.field(description="Items of unstated role, explicit or inherited.")
    def responsible_items(self) -> int:
        return self.cell.responsible_items


@strawberry.type(description="One agency's row: a cell per plan, aligned with ResponsibilityMatrix.plans.")
class MatrixRow:
    row: strawberry.Private[rq.Row]

    @strawberry.field
    def agency(self) -> Agency:
        return Agency(raw=self.row.agency)

    @strawberry.field(description="Explicit lead assignments over all plans.")
    def lead(self) -> int:
        return self.row.lead

    @strawberry.field(description="Explicit co-organiser assignments over all plans.")
    def co(self) -> int:
        return self.row.co

    @strawberry.field(description="Explicit assignments of unstated role over all plans.")
    def responsible(self) -> int:
        return self.row.responsible

    @strawberry.field(description="Aligned with ResponsibilityMatrix.plans (a fixed vector, not a page).")
    def cells(self) -> list[MatrixCell]:
        return [MatrixCell(cell=c) for c in self.row.cells]


@strawberry.type(description="Agencies x plans: lead/co counts. Rows: most explicit assignments first.")
class ResponsibilityMatrix:
    m: strawberry.Private[rq.Matrix]

    @strawberry.field(description="The columns: every plan where some agency has a responsibility.")
    def plans(self) -> list[Node]:
        return [wrap(p) for p in self.m.plans]

    @strawberry.field
    def rows(self, info: strawberry.Info, first: int | None = None, after: str | None = None) -> Connection[MatrixRow]:
        return paginate(self.m.rows, first, after, ctx_of(info).limits, lambda r: MatrixRow(row=r))


# --- lineage and paths ------------------------------------------------------------------------
@strawberry.type(description="A cross-plan edge reached from a node's chain (or from an earlier hop).")
class CrossPlanHop:
    hop: strawberry.Private[lq.CrossHop]

    @strawberry.field(description="Edges from the start node: up the hierarchy, then across.")
    def hops(self) -> int:
        return self.hop.hops

    @strawberry.field(description="1 for links of the chain itself, 2 for links of what those reach, …")
    def level(self) -> int:
        return self.hop.level

    @strawberry.field(description="OUTGOING when the edge points from `origin` to `node`.")
    def direction(self) -> Direction:
        return Direction.OUTGOING if self.hop.outgoing else Direction.INCOMING

    @strawberry.field(description="The node on the start node's side (itself, an ancestor, or an earlier hop).")
    async def origin(self, info: strawberry.Info) -> Node:
        return await load_node(info, self.hop.origin)

    @strawberry.field(description="The node at the far end.")
    async def node(self, info: strawberry.Info) -> Node:
        return await load_node(info, self.hop.other)

    @strawberry.field
    def type(self) -> EdgeType:
        return self.hop.edge.type

    @strawberry.field
    def relation(self) -> Relation:
        return Relation(edge=self.hop.edge)

    @strawberry.field
    def evidence(self) -> Evidence:
        return Evidence(prov=self.hop.edge.provenance)


@strawberry.type(description="Where a node comes from (up to its plan), what it holds, and cross-plan links.")
class Lineage:
    lin: strawberry.Private[lq.Lineage]

    @strawberry.field
    def node(self) -> Node:
        return wrap(self.lin.node)

    @strawberry.field(description="The plan at the top of the chain (null when the node has none).")
    async def plan(self, info: strawberry.Info) -> Node | None:
        return wrap_opt(await ctx_of(info).loaders.plan.load(self.lin.node.id))

    @strawberry.field(description="Nearest first, up to the plan; hops = edges from the node.")
    def ancestors(
        self, info: strawberry.Info, first: int | None = None, after: str | None = None
    ) -> Connection[LineageEntry]:
        return paginate(self.lin.ancestors, first, after, ctx_of(info).limits, lambda r: LineageEntry(ranked=r))

    @strawberry.field(description="By (hops, document order), down to the requested depth.")
    def descendants(
        self, info: strawberry.Info, first: int | None = None, after: str | None = None
    ) -> Connection[LineageEntry]:
        return paginate(self.lin.descendants, first, after, ctx_of(info).limits, lambda r: LineageEntry(ranked=r))

    @strawberry.field(description="Cross-plan links of the chain, by (hops, level); empty until such links are loaded.")
    def cross_plan(
        self, info: strawberry.Info, first: int | None = None, after: str | None = None
    ) -> Connection[CrossPlanHop]:
        return paginate(self.lin.cross, first, after, ctx_of(info).limits, lambda h: CrossPlanHop(hop=h))

    @strawberry.field(description="True when a depth or size cap cut the answer short.")
    def truncated(self) -> bool:
        return self.lin.truncated


@strawberry.type(description="One hop of a path, with the edge that explains it.")
class PathHop:
    step: strawberry.Private[lq.Step]

    @strawberry.field(name="from")
    async def from_(self, info: strawberry.Info) -> Node:
        return await load_node(info, self.step.start)

    @strawberry.field
    async def to(self, info: strawberry.Info) -> Node:
        return await load_node(info, self.step.end)

    @strawberry.field
    def type(self) -> EdgeType:
        return self.step.edge.type

    @strawberry.field(description="True when the hop follows the edge's direction (source -> target).")
    def forward(self) -> bool:
        return self.step.forward

    @strawberry.field
    def relation(self) -> Relation:
        return Relation(edge=self.step.edge)

    @strawberry.field
    def evidence(self) -> Evidence:
        return Evidence(prov=self.step.edge.provenance)


@strawberry.type(description="A shortest path; its hops are a fixed sequence (at most maxHops), not a page.")
class Path:
    path: strawberry.Private[lq.Path]

    @strawberry.field
    def length(self) -> int:
        return self.path.length

    @strawberry.field
    async def nodes(self, info: strawberry.Info) -> list[Node]:
        ns = await ctx_of(info).loaders.node.load_many(list(self.path.nodes))
        return [wrap(n) for n in ns if n is not None]

    @strawberry.field
    def hops(self) -> list[PathHop]:
        return [PathHop(step=s) for s in self.path.steps]


@strawberry.type(description="The shortest explained paths between two nodes.")
class PathSearch:
    result: strawberry.Private[lq.PathResult]

    @strawberry.field(description="Length of the shortest paths (null when none within maxHops).")
    def length(self) -> int | None:
        return self.result.paths[0].length if self.result.paths else None

    @strawberry.field(description="True when the search stopped at its size cap before finding a path.")
    def exhausted(self) -> bool:
        return self.result.exhausted

    @strawberry.field(description="Nodes whose edges were read.")
    def expanded(self) -> int:
        return self.result.expanded

    @strawberry.field
    def paths(self, info: strawberry.Info, first: int | None = None, after: str | None = None) -> Connection[Path]:
        return paginate(self.result.paths, first, after, ctx_of(info).limits, lambda p: Path(path=p))


# --- search -----------------------------------------------------------------------------------
@strawberry.type(description="A search result with the text that matched.")
class SearchHit:
    hit: strawberry.Private[Hit]

    @strawberry.field
    def node(self) -> Node:
        return wrap(self.hit.node)

    @strawberry.field(description="Higher is better: exact name > name prefix > name contains > body text.")
    def score(self) -> float:
        return self.hit.score

    @strawberry.field(description="title, alias, englishName or text.")
    def field(self) -> str:
        return self.hit.field

    @strawberry.field(description="The matched characters as the document prints them.")
    def matched_text(self) -> str:
        return self.hit.text[self.hit.start : self.hit.end] or self.hit.text

    @strawberry.field(description="The matched text with some context around it.")
    def snippet(self) -> str:
        return self.hit.snippet

    @strawberry.field(description="When the query named an agency: the other name of it that matched here.")
    def expanded_from(self) -> str | None:
        return self.hit.expanded_from


# --- stats ------------------------------------------------------------------------------------
@strawberry.type
class KeyCount:
    key: str
    count: int


@strawberry.type(description="Node counts of one plan.")
class PlanCount:
    plan_node: strawberry.Private[GraphNode]
    count: int
    by_kind: list[KeyCount]

    @strawberry.field
    def plan(self) -> Node:
        return wrap(self.plan_node)


@strawberry.type(description="Counts of the served graph (a fixed summary; its lists are not pages).")
class Stats:
    generation: str | None
    loaded_at: str | None
    node_count: int
    edge_count: int
    by_kind: list[KeyCount]
    by_document: list[KeyCount]
    by_edge_type: list[KeyCount]
    by_plan: list[PlanCount]


@strawberry.type(description="Outcome of a reload.")
class ReloadResult:
    ok: bool
    generation: str | None
    node_count: int
    edge_count: int
    warning_count: int
    error: str | None
    finished: str
