"""Explicit cross-plan links (linker `cross_plan`): every mention of a gazetteer plan in every
document becomes a typed edge between the item that mentions it and the plan it names.

- The plans are those of the plan gazetteer (data/plans.yaml) and every document of the manifest:
  its title, short name and aliases name its plan (loaders.linkers.plan_mentions.with_documents), so a
  plan added by manifest entry alone is cited like the bundled ones. A manifest name the
  gazetteer gives to another plan or to a slogan, or that two documents share, is not used
  (warning `unused-plan-name`).

- The mentioning item is the deepest hierarchy node that owns the mention's line: its own lines,
  its description (`text_lines`) or its table rows (`table_rows`; a row shared by several items
  goes to their lowest common ancestor); else the nearest item before the line inside the
  document's tree region (the profile's outline region). Outside the tree (preface, annexes,
  tables of other sections) the mention belongs to the document's plan, or to the Document node
  where there is no plan.
- The type and direction come from the wording (data/plan_cues.yaml via loaders.linkers.plan_mentions):
  CONTINUES, SUCCEEDS (a successor named by its predecessor points from the successor), REPORTS_ON,
  CITES, else MENTIONS. A mention by a local alias (words that name the plan only in one document,
  such as 004's annex title 「現階段推動成果與檢討」 for 003) has the type the gazetteer gives it,
  and carries the gazetteer's reason (`attrs.alias`, `attrs.alias_reason`, and the provenance
  note), so the edge says why those words mean that plan.
- A document never links to its own plan (its title printed in its own text is no citation).
  A mention of a loaded document's plan links to that document's plan node (its Document node
  when it has no plan: a periodical). Plans no loaded document describes become Plan nodes
  `plan/<gazetteer id>` marked external, quoting their first mention in the corpus.
- One edge per (source, target, type): its provenance is the first mention (with the cue's line
  when the cue sits on another line), `attrs.lines` lists every mention line. A MENTIONS edge is
  dropped where the same two nodes have a typed link; its lines go to `also_mentioned_at`.
- Links a reader already made are not repeated. 002's COVERS edges (article -> initiative of
  AI新十大建設) are not among them: the econ_forum_covers linker makes them from the profile's
  name table after this linker runs (it declares `after=("cross_plan",)`), so an article that
  names the programme keeps its MENTIONS edge to the plan (5 articles of 002) beside its COVERS.

Inferred alignments (linker `alignment`, loaders/linkers/alignment.py): initiatives, strategies and
measures of different plans that say the same thing get ALIGNS_WITH edges, from the unit of the
document listed first in the manifest to the other. Their provenance is the first unit's own
lines, noted as inferred; attrs carry the score, the method and both quotes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from core.agencies import AgencyBook
from core.hierarchy import parent_map
from core.plans import Gazetteer, default_gazetteer
from graph.model import HIERARCHY_KINDS, RESPONSIBILITY_TYPES, Edge, EdgeType, Node, NodeKind, Provenance
from loaders.components import linkers
from loaders.context import DocInput, DocResult, LoadContext
from loaders.linkers.alignment import DEFAULT_CONFIG, AlignConfig, Alignment, Unit, align
from loaders.linkers.plan_mentions import (
    CueBook,
    Typing,
    UnusedName,
    classify,
    default_cues,
    find_plan_mentions,
    is_toc_line,
    line_of,
    line_starts,
    paragraph_lines,
    with_documents,
)

EXPLICIT_TYPES = frozenset(
    {EdgeType.CITES, EdgeType.CONTINUES, EdgeType.SUCCEEDS, EdgeType.REPORTS_ON, EdgeType.COVERS, EdgeType.MENTIONS}
)
METHOD = "gazetteer"
EXTERNAL_ORDER = 1_000_000


def external_plan_id(gazetteer_id: str) -> str:
    return f"plan/{gazetteer_id}"


# The last few merged gazetteers: both linkers of a load (and a reload of the same manifest) share one.
_GazKey = tuple[int, tuple[tuple[str, str, str, tuple[str, ...]], ...]]
_CORPUS_GAZETTEERS: dict[_GazKey, tuple[Gazetteer, Gazetteer, list[UnusedName]]] = {}


def corpus_gazetteer(
    inputs: Mapping[str, DocInput], gazetteer: Gazetteer | None = None
) -> tuple[Gazetteer, list[UnusedName]]:
    """The gazetteer (the bundled one by default) with the loaded documents as plans."""
    g = gazetteer or default_gazetteer()
    metas = [d.meta for d in inputs.values()]
    key = (id(g), tuple((m.id, m.title, m.short_name, tuple(m.aliases)) for m in metas))
    hit = _CORPUS_GAZETTEERS.get(key)
    if hit is not None and hit[0] is g:
        return hit[1], hit[2]
    merged, unused = with_documents(g, metas)
    while len(_CORPUS_GAZETTEERS) >= 4:
        del _CORPUS_GAZETTEERS[next(iter(_CORPUS_GAZETTEERS))]
    _CORPUS_GAZETTEERS[key] = (g, merged, unused)
    return merged, unused


# --- which item a line belongs to ----------------------------------------------------------------
@dataclass
class DocIndex:
    """The hierarchy of one document, indexed by the lines its items own."""

    doc_id: str
    fallback: str  # the document's plan node, or its Document node
    parent: dict[str, str]
    depth: dict[str, int]
    owned: dict[int, str]
    starts: list[tuple[int, str]]  # (first line, node id) in line order
    region_end: int

    def item_at(self, line: int) -> str:
        if line in self.owned:
            return self.owned[line]
        if not self.starts or line < self.starts[0][0] or line > self.region_end:
            return self.fallback
        best = self.fallback
        lo, hi = 0, len(self.starts) - 1
        while lo <= hi:  # the last item starting at or before the line
            mid = (lo + hi) // 2
            if self.starts[mid][0] <= line:
                best = self.starts[mid][1]
                lo = mid + 1
            else:
                hi = mid - 1
        return best

    def ancestors_or_self(self, node_id: str) -> list[str]:
        out = [node_id]
        while out[-1] in self.parent and len(out) < 64:
            out.append(self.parent[out[-1]])
        return out

    def lca(self, ids: Iterable[str]) -> str:
        chains = [self.ancestors_or_self(i) for i in ids]
        common = set(chains[0]).intersection(*map(set, chains[1:]))
        return next((n for n in chains[0] if n in common), self.fallback)


def _int_list(value: Any) -> list[int]:
    if isinstance(value, int):
        return [value]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, int)]
    return []


def _region_end(doc: DocInput, first_line: int) -> int:
    """Last line of the document's tree: the line before the first line matching one of its
    profile's region ends (`outline`'s, 004's `detail`'s) after the tree's first item."""
    lines = doc.source.lines
    end = len(lines)
    for pattern in doc.profile.region_ends():
        rx = re.compile(pattern)
        hit = next((i for i in range(first_line, end + 1) if rx.search(lines[i - 1])), None)
        if hit is not None:
            end = hit - 1
    return end


def index_document(doc: DocInput, result: DocResult) -> DocIndex:
    doc_id = doc.meta.id
    roots = [e.target for e in result.edges if e.type is EdgeType.DESCRIBES and e.source == doc_id]
    kinds = {n.id: n.kind for n in result.nodes}
    plan = next((r for r in roots if kinds.get(r) is NodeKind.PLAN), None)
    parent = parent_map(result.edges)
    items = [n for n in result.nodes if n.kind in HIERARCHY_KINDS and n.kind is not NodeKind.PLAN]
    depth: dict[str, int] = {}
    for n in items:
        d, cur = 0, n.id
        while cur in parent and d < 64:
            cur = parent[cur]
            d += 1
        depth[n.id] = d
    claims: dict[int, list[str]] = {}
    for n in items:
        lines = set(range(n.provenance.line_start, n.provenance.line_end + 1))
        tl = _int_list(n.attrs.get("text_lines"))
        if len(tl) == 2:
            lines.update(range(tl[0], tl[1] + 1))
        lines.update(_int_list(n.attrs.get("table_rows")))
        for line in lines:
            claims.setdefault(line, []).append(n.id)
    idx = DocIndex(
        doc_id=doc_id,
        fallback=plan or doc_id,
        parent=parent,
        depth=depth,
        owned={},
        starts=sorted((n.provenance.line_start, n.id) for n in items),
        region_end=len(doc.source.lines),
    )
    for line, ids in claims.items():
        deepest = max(depth[i] for i in ids)
        at_depth = sorted({i for i in ids if depth[i] == deepest})
        # Nested claims: the deepest item; parallel ones (a table row of two measures): their LCA.
        idx.owned[line] = at_depth[0] if len(at_depth) == 1 else idx.lca(at_depth)
    if idx.starts:
        idx.region_end = _region_end(doc, idx.starts[0][0])
    return idx


# --- links ----------------------------------------------------------------------------------------
@dataclass
class Link:
    """One typed mention, before merging."""

    source: str
    target: str
    type: EdgeType
    provenance: Provenance
    attrs: dict[str, Any]
    doc_rank: int
    line: int


@dataclass
class CrossPlanLinks:
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    # Every typed mention before merging (tests and the report read them).
    links: list[Link] = field(default_factory=list)
    # Mentions dropped, with why: (document, line, surface, reason).
    dropped: list[tuple[str, int, str, str]] = field(default_factory=list)
    # Manifest names not used as plan names, with why.
    unused_names: list[UnusedName] = field(default_factory=list)


def _plan_roots(results: Mapping[str, DocResult]) -> dict[str, str]:
    """node id -> the root of its hierarchy, over every document."""
    parent = parent_map(e for r in results.values() for e in r.edges)
    out: dict[str, str] = {}
    for r in results.values():
        for n in r.nodes:
            cur, guard = n.id, 0
            while cur in parent and guard < 64:
                cur, guard = parent[cur], guard + 1
            out[n.id] = cur
    return out


ALIAS_NOTE = "local alias (data/plans.yaml): {reason}"


def _prov(
    doc: DocInput, first: int, last: int, typing: Typing, starts: list[int], alias_reason: str | None = None
) -> Provenance:
    note = ALIAS_NOTE.format(reason=alias_reason) if alias_reason else None
    if typing.cue_span is not None:
        lo, hi = (line_of(starts, o) for o in typing.cue_span)
        if lo < first or hi > last:
            note = f"cue {typing.cue} on lines {lo}-{hi}"
            first, last = min(first, lo), max(last, hi)
    return doc.prov(first, last, note=note)


def build_cross_plan_links(
    inputs: Mapping[str, DocInput],
    results: Mapping[str, DocResult],
    gazetteer: Gazetteer | None = None,
    cues: CueBook | None = None,
) -> CrossPlanLinks:
    """Pure stage: documents (as read) in, cross-plan nodes and edges out. The plans are the
    gazetteer's (the bundled one by default) and the documents' own (see `corpus_gazetteer`)."""
    g, unused = corpus_gazetteer(inputs, gazetteer)
    book = cues or default_cues()
    out = CrossPlanLinks(unused_names=unused)
    # The node a mention of each loaded document's plan links to: its plan, else its Document node.
    doc_plan: dict[str, str] = {}
    indexes: dict[str, DocIndex] = {}
    for doc_id, doc in inputs.items():
        if doc_id in results:
            indexes[doc_id] = index_document(doc, results[doc_id])
            doc_plan[doc_id] = indexes[doc_id].fallback
    roots = _plan_roots(results)
    # Links readers made already (source item, target plan root): not repeated here.
    made = {
        (e.source, roots.get(e.target, e.target)) for r in results.values() for e in r.edges if e.type in EXPLICIT_TYPES
    }
    run = _LinkRun(g, book, doc_plan, made, out)
    for rank, (doc_id, doc) in enumerate(inputs.items()):
        if doc_id in indexes:
            _document_links(run, rank, doc_id, doc, indexes[doc_id])
    out.nodes = _external_nodes(g, run.first_mention, doc_plan)
    out.edges = _merge(out.links)
    return out


@dataclass
class _LinkRun:
    """What every document's mentions are resolved against, and what they add to."""

    g: Gazetteer
    cues: CueBook
    doc_plan: Mapping[str, str]
    made: set[tuple[str, str]]
    out: CrossPlanLinks
    first_mention: dict[str, Provenance] = field(default_factory=dict)


def _document_links(run: _LinkRun, rank: int, doc_id: str, doc: DocInput, idx: DocIndex) -> None:
    """The typed plan mentions of one document (the rank of the document orders merged edges)."""
    lines = doc.source.lines
    text = "\n".join(lines)
    starts = line_starts(text)
    mentions = find_plan_mentions(text, run.g, doc_id)
    skipped = [
        (r, region.reason)
        for region in run.g.skip_regions
        if region.document == doc_id
        for r in [region.lines(lines)]
        if r is not None
    ]
    for m in mentions:
        first = line_of(starts, m.start)
        last = line_of(starts, max(m.start, m.end - 1))
        skip = next((why for r, why in skipped if first in r), None)
        if skip is not None:
            run.out.dropped.append((doc_id, first, m.surface, skip))
            continue
        if not m.accepted:
            run.out.dropped.append((doc_id, first, m.surface, m.rejected or "not a plan"))
            continue
        assert m.plan is not None
        entry = run.g.entry(m.plan)
        if entry.document == doc_id:
            continue  # a document naming its own plan
        if is_toc_line(lines[first - 1]):
            run.out.dropped.append((doc_id, first, m.surface, "table of contents"))
            continue
        lo, hi = paragraph_lines(lines, first, last)
        span = (starts[lo - 1], starts[hi] - 1 if hi < len(starts) else len(text))
        others = [o for o in mentions if o.start < span[1] and o.end > span[0]]
        typing = classify(text, span, m, others, run.cues)
        item = idx.item_at(first)
        if entry.document is not None and entry.document in run.doc_plan:
            plan_node = run.doc_plan[entry.document]
        else:
            plan_node = external_plan_id(entry.id)
        if any((a, plan_node) in run.made for a in idx.ancestors_or_self(item)):
            run.out.dropped.append((doc_id, first, m.surface, "linked by the document's reader"))
            continue
        prov = _prov(doc, first, last, typing, starts, m.alias_reason)
        run.first_mention.setdefault(plan_node, doc.prov(first, last))
        src, dst = (item, plan_node) if typing.direction == "forward" else (plan_node, item)
        attrs: dict[str, Any] = {
            "method": METHOD,
            "plan": entry.id,
            "surface": m.surface,
            "cue": typing.cue,
            "rule": typing.rule,
            "direction": typing.direction,
            "mentioning": item,
        }
        if m.alias_reason:
            # The words name this plan only here: the gazetteer says why (data/plans.yaml).
            attrs["alias"] = m.surface
            attrs["alias_reason"] = m.alias_reason
        run.out.links.append(
            Link(
                source=src,
                target=dst,
                type=typing.type,
                provenance=prov,
                attrs=attrs,
                doc_rank=rank,
                line=first,
            )
        )


def _external_nodes(g: Gazetteer, first_mention: Mapping[str, Provenance], doc_plan: Mapping[str, str]) -> list[Node]:
    nodes = []
    for p in g.plans:
        nid = external_plan_id(p.id)
        prov = first_mention.get(nid)
        if prov is None:
            continue  # never mentioned: no node
        attrs: dict[str, Any] = {
            "external": True,
            "gazetteer": p.id,
            "aliases": p.aliases,
            "plan_kind": p.kind,
            "period_start": p.period[0] if p.period else None,
            "period_end": p.period[1] if p.period else None,
            "part_of": external_plan_id(p.part_of) if p.part_of else None,
            "note": p.note,
        }
        if p.document is not None and p.document not in doc_plan:
            attrs["document_not_loaded"] = p.document
        # Ordered after the items of the document that first names them (they are not its items).
        nodes.append(Node(id=nid, kind=NodeKind.PLAN, title=p.name, provenance=prov, order=EXTERNAL_ORDER, attrs=attrs))
    return nodes


def _merge(links: list[Link]) -> list[Edge]:
    groups: dict[tuple[str, str, EdgeType], list[Link]] = {}
    for lk in sorted(links, key=lambda x: (x.doc_rank, x.line, x.source, x.target, x.type.value)):
        groups.setdefault((lk.source, lk.target, lk.type), []).append(lk)

    # The same two nodes, in either direction, in the same document: a typed link makes a plain
    # mention redundant (another document's mention is other evidence and stays).
    def pair(key: tuple[str, str, EdgeType]) -> tuple[frozenset[str], str]:
        return frozenset(key[:2]), groups[key][0].provenance.document

    typed_pairs: dict[tuple[frozenset[str], str], tuple[str, str, EdgeType]] = {}
    for key in sorted(groups, key=lambda k: (k[0], k[1], k[2].value)):
        if key[2] is not EdgeType.MENTIONS:
            typed_pairs.setdefault(pair(key), key)
    also: dict[tuple[str, str, EdgeType], list[int]] = {}
    edges: list[Edge] = []
    for key, group in groups.items():
        if key[2] is EdgeType.MENTIONS and pair(key) in typed_pairs:
            also.setdefault(typed_pairs[pair(key)], []).extend(lk.line for lk in group)
    for key, group in groups.items():
        if key[2] is EdgeType.MENTIONS and pair(key) in typed_pairs:
            continue
        head = group[0]
        attrs = dict(head.attrs)
        attrs["lines"] = sorted({lk.line for lk in group})
        attrs["surfaces"] = sorted({str(lk.attrs["surface"]) for lk in group})
        if key in also:
            attrs["also_mentioned_at"] = sorted(set(also[key]))
        edges.append(Edge(source=key[0], target=key[1], type=key[2], provenance=head.provenance, attrs=attrs))
    return sorted(edges, key=lambda e: e.key)


@linkers.register("cross_plan")
def link_cross_plan(ctx: LoadContext) -> DocResult:
    links = build_cross_plan_links(ctx.inputs, ctx.results)
    result = DocResult(nodes=links.nodes, edges=links.edges)
    for u in links.unused_names:
        result.warn(u.document, 1, "unused-plan-name", f"manifest name {u.name!r} is not used: {u.reason}")
    return result


# --- inferred alignments --------------------------------------------------------------------------
ALIGN_KINDS = frozenset({NodeKind.INITIATIVE, NodeKind.STRATEGY, NodeKind.MEASURE})
ALIGN_METHOD = "tfidf-char-2-3+agencies+entities"
ALIGN_NOTE = "inferred alignment (text similarity), not stated by the document"


def _agency_root(book: AgencyBook | None, agency_node: str) -> str:
    """An agency's top body (the ministry of a unit): 數位發展部數位產業署 counts as 數位發展部."""
    if book is None or not agency_node.startswith("agency/"):
        return agency_node
    rec = book.records.get(agency_node.removeprefix("agency/"))
    guard = 0
    while rec is not None and rec.parent is not None and guard < 16:
        rec, guard = book.records.get(rec.parent), guard + 1
    return f"agency/{rec.id}" if rec is not None else agency_node


def alignment_units(
    inputs: Mapping[str, DocInput],
    results: Mapping[str, DocResult],
    book: AgencyBook | None = None,
    gazetteer: Gazetteer | None = None,
    kinds: frozenset[NodeKind] = ALIGN_KINDS,
) -> tuple[list[Unit], dict[str, Node]]:
    """The units of every document that describes a plan, with their agencies (own, else the
    nearest assigned ancestor's) and the plans their text names (the gazetteer's and the
    documents', as for explicit links)."""
    g, _ = corpus_gazetteer(inputs, gazetteer)
    units: list[Unit] = []
    nodes: dict[str, Node] = {}
    for doc_id, doc in inputs.items():
        r = results.get(doc_id)
        if r is None:
            continue
        idx = index_document(doc, r)
        if idx.fallback == doc_id:
            continue  # no plan: a periodical is not a plan whose items align
        assigned: dict[str, set[str]] = {}
        for e in r.edges:
            if e.type in RESPONSIBILITY_TYPES:
                assigned.setdefault(e.target, set()).add(_agency_root(book, e.source))
        for n in r.nodes:
            if n.kind not in kinds:
                continue
            agencies = next((assigned[a] for a in idx.ancestors_or_self(n.id) if a in assigned), set())
            desc = n.attrs.get("text")
            text = n.title + ("\n" + desc if isinstance(desc, str) and desc else "")
            named = frozenset(m.plan for m in find_plan_mentions(text, g) if m.accepted and m.plan)
            chain = frozenset(idx.ancestors_or_self(n.id)[1:])
            units.append(Unit(n.id, idx.fallback, text, n.title, frozenset(agencies), named, chain))
            nodes[n.id] = n
    return units, nodes


def alignment_edges(
    found: Iterable[Alignment], nodes: Mapping[str, Node], doc_rank: Mapping[str, int], cfg: AlignConfig
) -> list[Edge]:
    edges = []
    for al in found:
        a, b = nodes[al.a], nodes[al.b]
        if (doc_rank.get(a.document, 0), a.order, a.id) > (doc_rank.get(b.document, 0), b.order, b.id):
            a, b = b, a
        pa, pb = a.provenance, b.provenance
        edges.append(
            Edge(
                source=a.id,
                target=b.id,
                type=EdgeType.ALIGNS_WITH,
                provenance=pa.model_copy(update={"note": ALIGN_NOTE}),
                attrs={
                    "method": ALIGN_METHOD,
                    "score": al.score,
                    "cosine": al.cosine,
                    "agency_overlap": al.agency_overlap,
                    "shared_agencies": list(al.shared_agencies),
                    "shared_entities": list(al.shared_entities),
                    "threshold": cfg.threshold,
                    "quote": pa.quote,
                    "lines": [pa.line_start, pa.line_end],
                    "other_document": pb.document,
                    "other_quote": pb.quote,
                    "other_lines": [pb.line_start, pb.line_end],
                },
            )
        )
    return sorted(edges, key=lambda e: e.key)


def build_alignments(
    inputs: Mapping[str, DocInput],
    results: Mapping[str, DocResult],
    book: AgencyBook | None = None,
    cfg: AlignConfig = DEFAULT_CONFIG,
) -> list[Edge]:
    units, nodes = alignment_units(inputs, results, book)
    rank = {d: i for i, d in enumerate(inputs)}
    return alignment_edges(align(units, cfg), nodes, rank, cfg)


@linkers.register("alignment")
def link_alignment(ctx: LoadContext) -> DocResult:
    return DocResult(edges=build_alignments(ctx.inputs, ctx.results, ctx.agencies.book))
