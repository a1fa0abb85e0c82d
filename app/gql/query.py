"""Root fields: what analysts ask (node, nodes, lineage, paths, agencies and responsibilities,
search, targets, stats, documents), and the admin-only reload mutation."""

from __future__ import annotations

import math
import secrets
from collections.abc import Callable, Sequence
from typing import Annotated

import anyio.to_thread
import strawberry

from app.gql.connection import Connection, paginate
from app.gql.context import Ctx
from app.gql.errors import BadInput, Forbidden, NotFound, RateLimited, Unauthenticated, shown
from app.gql.integrity import Integrity
from app.gql.limits import bounded, page_size
from app.gql.types import (
    Agency,
    KeyCount,
    Lineage,
    Node,
    PathSearch,
    PlanCount,
    ReloadResult,
    Responsibility,
    ResponsibilityMatrix,
    ResponsibilityReport,
    SearchHit,
    SourceDocument,
    Stats,
    Target,
    ctx_of,
    responsibility_report,
    wrap,
)
from app.ratelimit import FailureLimiter
from graph.model import Edge as GraphEdge
from graph.model import EdgeType, NodeKind
from graph.model import Node as GraphNode
from graph.store import GraphStore, Role
from queries import lineage as lq
from queries import responsibility as rq
from queries import search as sq

MAX_TEXT = 200  # characters of a search text


# --- helpers shared by resolvers ---------------------------------------------------------------
SEARCH_INDEX = "search-index"
AGENCIES = "agencies"


def _agencies(store: GraphStore) -> list[GraphNode]:
    return store.nodes(kinds=[NodeKind.AGENCY])


# Per-generation values that most requests need, by cache name: built right after each load (the
# router's post-load hook), so the first request after a load does not wait for them.
WARM_UP: dict[str, Callable[[GraphStore], object]] = {SEARCH_INDEX: sq.SearchIndex.build, AGENCIES: _agencies}


async def index(ctx: Ctx) -> sq.SearchIndex:
    store = ctx.store
    return await ctx.cached(SEARCH_INDEX, lambda: sq.SearchIndex.build(store))


async def agency_nodes(ctx: Ctx) -> list[GraphNode]:
    store = ctx.store
    return await ctx.cached(AGENCIES, lambda: _agencies(store))


async def require_node(ctx: Ctx, node_id: str, what: str = "node") -> GraphNode:
    n = await ctx.loaders.node.load(node_id)
    if n is None:
        raise NotFound(f"no {what} with id {shown(node_id)}", id=node_id)
    return n


async def require_agency(ctx: Ctx, name: str) -> GraphNode:
    text = _text_arg("agency", name)
    pool = await agency_nodes(ctx)
    node = await ctx.call(rq.resolve_agency, ctx.store, text, pool)
    if node is not None:
        return node
    canonical = rq.in_gazetteer_only(text)
    if canonical is not None:
        raise NotFound(f"{canonical} is a known agency, but no loaded document mentions it", agency=text)
    hints = rq.suggest_agencies(text, pool)
    hint = f"; did you mean {', '.join(h.title for h in hints)}?" if hints else ""
    raise NotFound(f"no agency matches {shown(text)}{hint}", agency=text, suggestions=[h.title for h in hints])


def _text_arg(name: str, value: str) -> str:
    v = value.strip()
    if not v:
        raise BadInput(f"`{name}` must not be empty")
    if len(v) > MAX_TEXT:
        raise BadInput(f"`{name}` is longer than {MAX_TEXT} characters")
    return v


def plan_members(store: GraphStore, plan: GraphNode) -> set[str]:
    """Ids of a plan, everything under it, and the targets those state."""
    ids = {plan.id} | {r.node.id for r in store.descendants(plan.id)}
    ids |= {e.target for e in store.edges(types=[EdgeType.HAS_TARGET]) if e.source in ids}
    return ids


def subtree(store: GraphStore, node_id: str) -> set[str]:
    return {node_id} | {r.node.id for r in store.descendants(node_id)}


async def filtered_nodes(
    ctx: Ctx,
    kinds: Sequence[NodeKind] | None,
    document: str | None,
    plan: str | None,
    agency: str | None,
    text: str | None,
    year: int | None,
) -> list[GraphNode]:
    idx = await index(ctx)
    nodes = idx.select(kinds or None, document)
    if plan is not None:
        p = await require_node(ctx, plan, "plan")
        members = await ctx.run(plan_members, ctx.store, p)
        nodes = [n for n in nodes if n.id in members]
    if agency is not None:
        a = await require_agency(ctx, agency)
        rs = await ctx.call(ctx.store.responsibilities, a.id)
        covered = {r.node.id for r in rs}
        nodes = [n for n in nodes if n.id in covered]
    if text is not None:
        nodes = sq.text_filter(idx, nodes, _text_arg("text", text))
    if year is not None:
        nodes = sq.year_filter(idx, nodes, bounded("year", year, 1900, 2200))
    return nodes


# --- root query -------------------------------------------------------------------------------
@strawberry.type
class Query:
    @strawberry.field(description="Service health: ok, loading, failed or degraded (/health gives the reason).")
    def health(self, info: strawberry.Info) -> str:
        from app.main import health_payload

        return str(health_payload(ctx_of(info).svc)["status"])

    @strawberry.field(description="One node by id. Unknown ids are a NOT_FOUND error.")
    async def node(self, info: strawberry.Info, id: strawberry.ID) -> Node | None:
        return wrap(await require_node(ctx_of(info), str(id)))

    @strawberry.field(
        description="Nodes in document order, filtered (all filters combine): kinds; document id; plan id "
        "(the plan, everything under it and its targets); agency (any name: what it leads or co-organises, "
        "explicit or inherited); text (title, names or body, width/script-insensitive); year (AD; ROC years "
        "in the text count)."
    )
    async def nodes(
        self,
        info: strawberry.Info,
        kinds: list[NodeKind] | None = None,
        document: str | None = None,
        plan: strawberry.ID | None = None,
        agency: str | None = None,
        text: str | None = None,
        year: int | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Node]:
        ctx = ctx_of(info)
        page_size(first, ctx.limits)  # refuse a bad page size before doing any work
        found = await filtered_nodes(ctx, kinds, document, plan, agency, text, year)
        return paginate(found, first, after, ctx.limits, lambda n: wrap(ctx.loaders.known(n)))

    @strawberry.field(
        description="Where a node comes from and what it holds: ancestors up to the plan (`up` levels, all by "
        "default), descendants `down` levels, and cross-plan links of the chain (`crossPlanLevels` hops "
        "across), each with hop count and evidence."
    )
    async def lineage(
        self,
        info: strawberry.Info,
        id: strawberry.ID,
        up: int | None = None,
        down: int = 1,
        cross_plan_levels: int = 1,
        cross_plan_types: list[EdgeType] | None = None,
    ) -> Lineage:
        ctx = ctx_of(info)
        lim = ctx.limits
        if up is not None:
            bounded("up", up, 0, 64)
        bounded("down", down, 0, lim.max_lineage_depth)
        bounded("crossPlanLevels", cross_plan_levels, 0, lim.max_cross_levels)
        await require_node(ctx, str(id))
        lin = await ctx.run(lq.lineage, ctx.store, str(id), up, down, cross_plan_levels, 200, cross_plan_types)
        if lin is None:
            raise NotFound(f"no node with id {shown(str(id))}", id=str(id))
        return Lineage(lin=lin)

    @strawberry.field(
        description="Why two nodes are connected: the shortest paths over hierarchy, responsibility, agency "
        "units, targets and cross-plan edges (or only the `via` types), walked in either direction, each hop "
        "with its evidence."
    )
    async def paths(
        self,
        info: strawberry.Info,
        from_: Annotated[strawberry.ID, strawberry.argument(name="from")],
        to: strawberry.ID,
        max_hops: int = 6,
        via: list[EdgeType] | None = None,
        limit: int = 3,
    ) -> PathSearch:
        ctx = ctx_of(info)
        lim = ctx.limits
        bounded("maxHops", max_hops, 1, lim.max_path_hops)
        bounded("limit", limit, 1, lim.max_paths)
        if via is not None and not via:
            raise BadInput("`via` must name at least one edge type")
        await require_node(ctx, str(from_))
        await require_node(ctx, str(to))
        result = await ctx.run(
            lq.shortest_paths, ctx.store, str(from_), str(to), max_hops, via, limit, lim.path_expansion_cap
        )
        return PathSearch(result=result)

    @strawberry.field(
        description="An agency by id, full name, abbreviation, former name or English name "
        "(數發部, MODA, 數位發展部 and Ministry of Digital Affairs are the same). Unknown: NOT_FOUND."
    )
    async def agency(self, info: strawberry.Info, name: str) -> Agency:
        return Agency(raw=await require_agency(ctx_of(info), name))

    @strawberry.field(description="Agencies in the graph, by id; `text` filters by any of their names.")
    async def agencies(
        self,
        info: strawberry.Info,
        text: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Agency]:
        ctx = ctx_of(info)
        pool = sorted(await agency_nodes(ctx), key=lambda n: n.id)
        if text is not None:
            idx = await index(ctx)
            pool = sq.text_filter(idx, pool, _text_arg("text", text))
        return paginate(pool, first, after, ctx.limits, lambda n: Agency(raw=n))

    @strawberry.field(
        description="What an agency (any of its names) leads and co-organises: explicit assignments and the "
        "items under them (inherited), filtered by role / explicit / plan, grouped by plan, with counts."
    )
    async def responsibilities(
        self,
        info: strawberry.Info,
        agency: str,
        role: Role | None = None,
        explicit: bool | None = None,
        plan: strawberry.ID | None = None,
        include_units: bool = False,
    ) -> ResponsibilityReport:
        ctx = ctx_of(info)
        a = await require_agency(ctx, agency)
        if plan is not None:
            await require_node(ctx, str(plan), "plan")
        return await responsibility_report(info, a, role, explicit, str(plan) if plan else None, include_units)

    @strawberry.field(
        description="Who is responsible for a node: its own assignments, else those of its nearest assigned "
        "ancestor (explicit = false). Lead first, then bodies of unstated role, then co-organisers."
    )
    async def responsible_for(
        self,
        info: strawberry.Info,
        id: strawberry.ID,
        role: Role | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Responsibility]:
        ctx = ctx_of(info)
        await require_node(ctx, str(id))
        rs = await ctx.loaders.responsible.load(str(id))
        if role is not None:
            rs = [r for r in rs if r.role is role]
        return paginate(rs, first, after, ctx.limits, lambda r: Responsibility(r=r))

    @strawberry.field(description="Agencies x plans with lead/co counts.")
    async def responsibility_matrix(self, info: strawberry.Info) -> ResponsibilityMatrix:
        ctx = ctx_of(info)
        store = ctx.store
        m = await ctx.cached("matrix", lambda: rq.matrix(store))
        return ResponsibilityMatrix(m=m)

    @strawberry.field(
        description="Ranked search over titles, names (abbreviations, former and English names) and body "
        "text; full/half-width, Traditional/Simplified and case-insensitive. A query that names an agency "
        "also finds it by its other names. Best first; ties in document order."
    )
    async def search(
        self,
        info: strawberry.Info,
        text: str,
        kinds: list[NodeKind] | None = None,
        document: str | None = None,
        plan: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[SearchHit]:
        ctx = ctx_of(info)
        page_size(first, ctx.limits)
        q = _text_arg("text", text)
        idx = await index(ctx)
        ids = None
        if plan is not None:
            p = await require_node(ctx, str(plan), "plan")
            ids = await ctx.run(plan_members, ctx.store, p)
        hits = await ctx.run(sq.search, idx, q, kinds or None, [document] if document else None, ids)

        def hit(h: sq.Hit) -> SearchHit:
            ctx.loaders.known(h.node)
            return SearchHit(hit=h)

        return paginate(hits, first, after, ctx.limits, hit)

    @strawberry.field(
        description="Target nodes (targets, baselines, achieved values, budgets) in document order, filtered by "
        "plan, by node (stated by it or anything under it) and by AD year."
    )
    async def targets(
        self,
        info: strawberry.Info,
        plan: strawberry.ID | None = None,
        node: strawberry.ID | None = None,
        year: int | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Target]:
        ctx = ctx_of(info)
        page_size(first, ctx.limits)
        found = await filtered_nodes(ctx, [NodeKind.TARGET], None, plan, None, None, year)
        if node is not None:
            await require_node(ctx, str(node))
            under = await ctx.run(subtree, ctx.store, str(node))
            edges = await ctx.loaders.target_edges()
            stated = {e.target for e in edges if e.source in under}
            found = [n for n in found if n.id in stated]
        return paginate(found, first, after, ctx.limits, lambda n: Target(raw=n))

    @strawberry.field(description="Counts by kind, document, edge type and plan.")
    async def stats(self, info: strawberry.Info) -> Stats:
        ctx = ctx_of(info)
        store = ctx.store
        s = await ctx.cached("stats", store.stats)  # counts over the whole graph: once per generation
        info_ = await ctx.memo("generation", store.generation)
        idx = await index(ctx)
        describes = await ctx.loaders.describes()
        per_plan = await ctx.cached(
            "plan-counts", lambda: _plan_counts(store, [e.node for e in idx.entries], describes)
        )

        def kc(d: dict[str, int]) -> list[KeyCount]:
            return [KeyCount(key=k, count=v) for k, v in d.items()]

        return Stats(
            generation=info_.generation if info_ else None,
            loaded_at=info_.loaded_at if info_ else None,
            node_count=sum(s["by_kind"].values()),
            edge_count=sum(s["by_edge_type"].values()),
            by_kind=kc(s["by_kind"]),
            by_document=kc(s["by_document"]),
            by_edge_type=kc(s["by_edge_type"]),
            by_plan=[PlanCount(plan_node=p, count=sum(k.values()), by_kind=kc(k)) for p, k in per_plan],
        )

    @strawberry.field(
        description="Integrity checks: the latest report with its findings, the history of runs, the catalogue."
    )
    def integrity(self) -> Integrity:
        return Integrity()

    @strawberry.field(description="The loaded documents with their manifest metadata, in manifest order.")
    async def documents(
        self, info: strawberry.Info, first: int | None = None, after: str | None = None
    ) -> Connection[SourceDocument]:
        ctx = ctx_of(info)
        docs = list((await ctx.loaders.documents()).values())
        return paginate(docs, first, after, ctx.limits, lambda d: SourceDocument(meta=d))

    @strawberry.field(description="One document's metadata. Unknown: NOT_FOUND.")
    async def document(self, info: strawberry.Info, id: strawberry.ID) -> SourceDocument:
        meta = (await ctx_of(info).loaders.documents()).get(str(id))
        if meta is None:
            raise NotFound(f"no document with id {shown(str(id))}", id=str(id))
        return SourceDocument(meta=meta)


def _plan_counts(
    store: GraphStore, nodes: list[GraphNode], describes: list[GraphEdge] | None
) -> list[tuple[GraphNode, dict[str, int]]]:
    plans = lq.plans_of(store, nodes, describes)
    counts: dict[str, dict[str, int]] = {}
    plan_nodes: dict[str, GraphNode] = {}
    for n, p in zip(nodes, plans, strict=True):
        if p is None:
            continue
        plan_nodes[p.id] = p
        k = counts.setdefault(p.id, {})
        k[n.kind.value] = k.get(n.kind.value, 0) + 1
    ordered = sorted(plan_nodes.values(), key=lambda p: (p.document, p.order, p.id))
    return [(p, dict(sorted(counts[p.id].items()))) for p in ordered]


# --- mutation ---------------------------------------------------------------------------------
@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Reload the corpus and replace the served graph (the old graph stays served if it fails). "
        "Exists only when an admin token is configured; send it as `Authorization: Bearer <token>`."
    )
    async def reload(self, info: strawberry.Info) -> ReloadResult:
        ctx = ctx_of(info)
        token = ctx.svc.settings.admin_token
        if not token:
            raise Forbidden("reload is disabled: no admin token is configured")
        request = ctx.request
        if request is None:
            raise Unauthenticated("reload needs the admin token: send `Authorization: Bearer <token>`")
        # Wrong tokens are counted per client address; over the limit even the right one is refused
        # until the window passes, so guessing gets no answer at all.
        failures: FailureLimiter = request.app.state.admin_failures
        client = request.client.host if request.client is not None else "unknown"
        wait = failures.retry_after(client)
        if wait is not None:
            seconds = max(1, math.ceil(wait))
            if ctx.response is not None:
                ctx.response.status_code = 429
                ctx.response.headers["Retry-After"] = str(seconds)
            raise RateLimited(
                f"too many wrong admin tokens from this client: try again in {seconds} s", retry_after=seconds
            )
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not given.strip():
            raise Unauthenticated("reload needs the admin token: send `Authorization: Bearer <token>`")
        if not secrets.compare_digest(given.strip().encode(), token.encode()):
            failures.fail(client)
            raise Forbidden("the admin token is wrong")
        report = await anyio.to_thread.run_sync(ctx.svc.reload)
        return ReloadResult(
            ok=report.ok,
            generation=report.generation,
            node_count=report.nodes,
            edge_count=report.edges,
            warning_count=len(report.warnings),
            error=report.error,
            finished=report.finished,
        )
