"""Reader for 智慧國家2.0 推動規劃報告 (004), a slide deck.

Tree: the four 分組 pillars → strategies (bare short lines on the detail slides) → measures (`■`
bullets, with their description as text). The outline parser finds pillar headings and `■` bullets;
`slides` (this package) splits descriptions from strategy lines and reads the organisation charts.

Measure → strategy parentage comes from the annex ✓ lists, not from text order: on the 智慧治理
slide (402-452) the strategy line 438 `智慧政府服務` follows the `■` lines it heads (a side label in a
two-column layout), so text order would put them under 公私資料治理 (docs/corpus-formats.md, 004).

Responsibility: pillars from 新小組架構 (召集 → LEADS, 共同召集 → CO_ORGANIZES), strategies from its
`- 策略 (A/B/C)` bullets, measures from the annex ✓ lists; the rule for unstated lead/co is data in
the profile.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from core.source import DocumentError
from core.text import clean_title, match_key
from graph.model import EdgeType, Node, NodeKind
from loaders.components import readers
from loaders.context import DocInput, DocResult, LoadContext
from loaders.outline import OutlineItem, parse_outline
from loaders.readers.outline_plan import plan_root
from loaders.readers.smart_nation_2.profile import DetailRules, Region, SlidesProfile
from loaders.readers.smart_nation_2.slides import (
    ChartGroup,
    ChartItem,
    find_line,
    parse_group_chart,
    slide_sections,
)

# --------------------------------------------------------------------------------------------------
# Pure functions


@dataclass
class SlideMeasure:
    item: OutlineItem
    pillar: str
    strategy: str | None  # the strategy it follows in text order
    description: str
    description_line: int | None


@dataclass
class SlideStrategy:
    pillar: str
    name: str
    line: int


@dataclass
class SlidePillar:
    item: OutlineItem
    description: str
    description_line: int | None
    strategies: list[SlideStrategy] = field(default_factory=list)
    measures: list[SlideMeasure] = field(default_factory=list)


def detail_tree(doc: DocInput, rules: DetailRules) -> list[SlidePillar]:
    """Pillars, strategies and measures of the detail slides, strategies in text order."""
    items = parse_outline(doc.source, rules)
    pillars: list[SlidePillar] = []
    current: str | None = None
    for it in items:
        desc, headings = slide_sections(doc.source, it.text_lines, rules.section)
        if it.kind == NodeKind.PILLAR:
            pillars.append(SlidePillar(it, desc.text if desc else "", desc.line if desc else None))
            current = None
        elif pillars:
            p = pillars[-1]
            p.measures.append(
                SlideMeasure(it, p.item.title, current, desc.text if desc else "", desc.line if desc else None)
            )
        if pillars:
            for h in headings:
                pillars[-1].strategies.append(SlideStrategy(pillars[-1].item.title, h.text, h.line))
                current = h.text
    return pillars


def match_measure(short: str, titles: list[str], aliases: dict[str, str]) -> int | None:
    """Index of the ■ title an annex short name stands for: the alias table (data, checked by
    reading), else the one title that contains the short name."""
    target = aliases.get(short)
    if target is not None:
        exact = [i for i, t in enumerate(titles) if match_key(t) == match_key(target)]
        if exact:
            return exact[0]
    key = match_key(short)
    hits = [i for i, t in enumerate(titles) if key and key in match_key(t)]
    return hits[0] if len(hits) == 1 else None


# --------------------------------------------------------------------------------------------------
# The reader


@readers.register("smart_nation_2", profile=SlidesProfile)
def read_smart_nation_2(doc: DocInput[SlidesProfile], ctx: LoadContext) -> DocResult:
    result = DocResult()
    prof = doc.profile
    plan = _plan(doc, result, prof)
    pillars = detail_tree(doc, prof.detail)
    if len(pillars) != len(prof.pillars):
        raise DocumentError(doc.meta.file, f"found {len(pillars)} pillar detail slides, expected {len(prof.pillars)}")
    org = _chart(doc, prof, prof.organisation)
    annex = _chart(doc, prof, prof.annex)
    r = _Run(doc, ctx, prof, result, _keywords(doc, prof))
    for k, p in enumerate(pillars, 1):
        r.pillar(k, p, plan, org.get(p.item.title), annex.get(p.item.title))
    return result


def _plan(doc: DocInput, result: DocResult, prof: SlidesProfile) -> Node:
    plan = plan_root(doc, result)
    if prof.draft is None:
        return plan
    line = find_line(doc.source, prof.draft)
    if line is None:
        return plan
    updated = plan.model_copy(update={"attrs": {**plan.attrs, "status": "draft", "status_line": line}})
    result.nodes = [updated if n.id == plan.id else n for n in result.nodes]
    return updated


def _chart(doc: DocInput, prof: SlidesProfile, region: Region) -> dict[str, ChartGroup]:
    start = find_line(doc.source, region.start)
    if start is None:
        raise DocumentError(doc.meta.file, f"the organisation chart ({region.start}) is missing")
    end = find_line(doc.source, region.end, start + 1) or len(doc.source.lines) + 1
    groups = parse_group_chart(doc.source, start + 1, end - 1, prof.pillars, prof.chart)
    return {g.name: g for g in groups}


def _keywords(doc: DocInput, prof: SlidesProfile) -> dict[str, tuple[int, list[str]]]:
    """Strategy name key → (line, keywords) from the summary slide (276 `- 完善主權AI (AI算力、…)`)."""
    if prof.summary is None:
        return {}
    start = find_line(doc.source, prof.summary.start)
    end = find_line(doc.source, prof.summary.end, (start or 0) + 1) if start else None
    if start is None or end is None:
        return {}
    sec = re.compile(prof.chart.section)
    out: dict[str, tuple[int, list[str]]] = {}
    for n in range(start + 1, end):
        m = sec.match(clean_title(doc.source.line(n)))
        if m and m.group("agencies"):
            words = [w.strip() for w in re.split(r"[、，,]", m.group("agencies")) if w.strip()]
            out[match_key(m.group("name"))] = (n, words)
    return out


@dataclass
class _Run:
    doc: DocInput
    ctx: LoadContext
    prof: SlidesProfile
    result: DocResult
    keywords: dict[str, tuple[int, list[str]]] = field(default_factory=dict)

    def warn(self, line: int, code: str, message: str) -> None:
        self.result.warn(self.doc.meta.id, line, code, message)

    def pillar(self, k: int, p: SlidePillar, plan: Node, org: ChartGroup | None, annex: ChartGroup | None) -> None:
        it = p.item
        end = p.description_line or it.line_end
        pid = f"{self.doc.meta.id}:p{k}"
        attrs: dict[str, Any] = {"text": p.description}
        node = Node(
            id=pid,
            kind=NodeKind.PILLAR,
            title=it.title,
            number=str(k),
            order=it.line_start,
            provenance=self.doc.prov(it.line_start, end),
            attrs=attrs,
        )
        self.result.add_node(node)
        self.result.add_edge(plan.id, pid, EdgeType.CONTAINS, node.provenance)
        if org is None:
            self.warn(it.line_start, "no-organisation", f"{it.title}: not on the 新小組架構 slide")
        else:
            self.pillar_agencies(pid, org)
        strategies = self.strategies(pid, p, org)
        self.measures(pid, p, strategies, annex)

    def pillar_agencies(self, pid: str, org: ChartGroup) -> None:
        if org.convener_line is not None:
            for name in org.conveners:
                self.assign(
                    pid,
                    name,
                    EdgeType.LEADS,
                    org.convener_line,
                    raw=clean_title(self.doc.source.line(org.convener_line)),
                    basis="召集部會",
                )
        if org.co_convener_line is not None:
            for name in org.co_conveners:
                self.assign(
                    pid,
                    name,
                    EdgeType.CO_ORGANIZES,
                    org.co_convener_line,
                    raw=clean_title(self.doc.source.line(org.co_convener_line)),
                    basis="共同召集部會",
                )

    def strategies(self, pid: str, p: SlidePillar, org: ChartGroup | None) -> dict[str, str]:
        """Strategy nodes; returns match key of the name → node id."""
        out: dict[str, str] = {}
        sections = {match_key(s.name): s for s in (org.sections if org else [])}
        for j, s in enumerate(p.strategies, 1):
            sid = f"{pid}.s{j}"
            attrs: dict[str, Any] = {}
            if match_key(s.name) in self.keywords:
                attrs["keywords_line"], attrs["keywords"] = self.keywords[match_key(s.name)]
            node = Node(
                id=sid,
                kind=NodeKind.STRATEGY,
                title=s.name,
                number=str(j),
                order=s.line,
                provenance=self.doc.prov(s.line),
                attrs=attrs,
            )
            self.result.add_node(node)
            self.result.add_edge(pid, sid, EdgeType.CONTAINS, node.provenance)
            out[match_key(s.name)] = sid
            sec = sections.get(match_key(s.name))
            if sec is None:
                self.warn(
                    s.line,
                    "strategy-not-in-organisation",
                    f"strategy {s.name!r} has no agencies on the 新小組架構 slide",
                )
                continue
            self.list_agencies(sid, sec.agencies, sec.line, sec.raw, shared=False)
        return out

    def measures(self, pid: str, p: SlidePillar, strategies: dict[str, str], annex: ChartGroup | None) -> None:
        titles = [m.item.title for m in p.measures]
        # measure index -> (strategy name, ✓ item, shared)
        placed: dict[int, tuple[str, ChartItem, bool]] = {}
        for sec in annex.sections if annex else []:
            for item in sec.items:
                if not item.agencies and len(item.names) == 1 and match_key(item.names[0]) == match_key(sec.name):
                    self.warn(
                        item.line,
                        "annex-item-skipped",
                        f"✓ {item.names[0]!r} repeats its strategy's name and names no agency",
                    )
                    continue
                for short in item.names:
                    idx = match_measure(short, titles, self.prof.measure_aliases)
                    if idx is None:
                        self.warn(
                            item.line, "unmatched-annex-item", f"✓ {short!r} matches no ■ measure of {p.item.title}"
                        )
                        continue
                    if idx in placed:
                        self.warn(
                            item.line,
                            "annex-item-twice",
                            f"✓ {short!r}: {titles[idx]!r} already listed at line {placed[idx][1].line}",
                        )
                        continue
                    placed[idx] = (sec.name, item, len(item.names) > 1)
        for k, m in enumerate(p.measures, 1):
            it = m.item
            end = m.description_line or it.line_end
            mid = f"{pid}.m{k}"
            attrs: dict[str, Any] = {"text": m.description}
            if m.description_line:
                attrs["text_lines"] = [m.description_line, m.description_line]
            parent_name: str | None = m.strategy
            edge_prov = None
            if k - 1 in placed:
                sec_name, item, shared = placed[k - 1]
                parent_name = sec_name
                attrs.update(
                    {
                        "annex_name": "/".join(item.names),
                        "annex_line": item.line,
                        "agencies_raw": "/".join(item.agencies),
                        "shared": shared,
                    }
                )
                note = "parent from the annex ✓ list"
                if m.strategy is not None and match_key(m.strategy) != match_key(sec_name):
                    attrs["text_order_strategy"] = m.strategy
                    note += f" (on the slide it follows the strategy line {m.strategy!r})"
                edge_prov = self.doc.prov(item.line, note=note)
            else:
                self.warn(
                    it.line_start,
                    "measure-not-in-annex",
                    f"■ {it.title!r} has no annex ✓ entry: parent from text order, no agencies",
                )
            node = Node(
                id=mid,
                kind=NodeKind.MEASURE,
                title=it.title,
                order=it.line_start,
                provenance=self.doc.prov(it.line_start, end),
                attrs=attrs,
            )
            self.result.add_node(node)
            parent = strategies.get(match_key(parent_name)) if parent_name else None
            if parent is None:
                self.warn(
                    it.line_start,
                    "measure-without-strategy",
                    f"■ {it.title!r}: strategy {parent_name!r} not on the detail slide",
                )
                parent = pid
            self.result.add_edge(parent, mid, EdgeType.CONTAINS, edge_prov or node.provenance)
            if k - 1 in placed:
                _, item, shared = placed[k - 1]
                self.list_agencies(mid, item.agencies, item.line, item.raw, shared=shared)

    def list_agencies(self, target: str, names: tuple[str, ...], line: int, raw: str, shared: bool) -> None:
        roles = self.prof.responsibility
        for pos, name in enumerate(names, 1):
            if len(names) == 1:
                etype, basis = roles.single, "single"
            elif shared:
                etype, basis = roles.shared, "shared-list"
            else:
                etype, basis = (roles.first, "list-order") if pos == 1 else (roles.rest, "list-order")
            self.assign(
                target, name, etype, line, raw=raw, basis=basis, position=pos, listed=list(names), shared=shared
            )

    def assign(self, target: str, surface: str, etype: EdgeType, line: int, **attrs: Any) -> None:
        """Edges for a printed name (normally one agency), or a warning with the line."""
        raw = attrs.get("raw", surface)
        for ref in self.ctx.agencies.book.parse_names(surface):
            if ref.record is None:
                what = "a collective, not one agency" if ref.is_collective else "not in data/agencies.yaml"
                self.warn(line, "unknown-agency", f"{ref.surface!r} (in {raw}) is {what}")
                continue
            extra = dict(attrs)
            if ref.fuzzy:
                self.warn(line, "agency-fuzzy-match", f"{ref.surface!r} (in {raw}) read as {ref.record.name}")
                extra["fuzzy"] = True
            prov = self.doc.prov(line)
            agency = self.ctx.agencies.mention(ref.record, prov)
            self.result.add_edge(agency, target, etype, prov, surface=ref.surface, **extra)
