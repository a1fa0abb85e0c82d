"""Reader for 智慧國家方案(2021-2025年) 整體推動成果 (003), a results report.

Tree: the four 分組 (貳-伍, Pillar) → work areas (二、…, Strategy) → (一) Measure → 1. Action. Each
pillar's 一、 「…整體推動效益」 is a results summary: its (一) items become the pillar's Targets. The
generic outline parser finds the items (numbering only, markdown depth ignored); this module adds
what is particular to the report, all as small pure functions driven by the profile:

- titles for untitled result paragraphs (text before `：`, the opening clause, a 「」 phrase);
- `【agency】` tags attached to the item whose own text holds them (heading, paragraph end, own line,
  after a page break, overflowing onto the next line), every tagged body LEADS unless prose on the
  item separates lead from co (「由A偕同/協同B共同執行」);
- 表1's overall indicators as Target nodes (one per indicator and column: target vs achieved).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from core.agencies import AgencyRecord, NameRef
from core.source import DocumentError, SourceText
from core.text import clean_title, ends_sentence, match_key
from graph.model import EdgeType, Node, NodeKind
from loaders.components import readers
from loaders.context import DocInput, DocResult, LoadContext
from loaders.outline import OutlineItem, parse_outline
from loaders.readers.outline_plan import plan_root
from loaders.readers.smart_nation_results.profile import (
    IndicatorRules,
    ResponsibilityRules,
    ResultsProfile,
    TitleRules,
)
from loaders.target_nodes import target_node
from loaders.targets import TargetType, extract_targets, stated_years

# --------------------------------------------------------------------------------------------------
# Pure text functions


_TAG_ONLY = re.compile(r"^(?:\s|\*\*|【[^【】]*】)+$")
_OPENERS = "「『（(《〈[【"
_CLOSERS = "」』）)》〉]】"


def strip_tags(text: str, tag_re: re.Pattern[str], overflow_re: re.Pattern[str] | None = None) -> str:
    """The text without its agency tags (and without a tag's last name overflowing after it)."""
    t = clean_title(text)
    if overflow_re is not None:
        t = overflow_re.sub("", t)
    return clean_title(tag_re.sub("", t)).strip()


_DATE_WORDS = re.compile(r"[\d\s,.~\-年月日至及於自在起迄止度間]")


def first_clause(text: str) -> str:
    """Text up to the first `，`/`。`/`；` outside brackets (「…，…」 stays whole). A clause that is
    only a date (`於2024年，…`) runs on to the next one."""
    depth, start = 0, 0
    for i, c in enumerate(text):
        if c in _OPENERS:
            depth += 1
        elif c in _CLOSERS:
            depth = max(0, depth - 1)
        elif depth == 0 and c in "，。；;":
            if len(_DATE_WORDS.sub("", text[start:i])) >= 2 or c != "，":
                return text[:i].strip()
            start = i + 1
    return text.strip()


def derive_title(text: str, rules: TitleRules) -> str:
    """A title for an untitled result paragraph: the text before `：` when short, else the opening
    clause, else the first 「」 phrase (docs/corpus-formats.md, 003, untitled items)."""
    t = text.strip()
    head, sep, _ = t.partition("：")
    if sep and 0 < len(head) <= rules.max_colon_title_chars and "。" not in head:
        return head.strip()
    clause = first_clause(t)
    if len(clause) >= rules.min_clause_chars:
        return clause
    quoted = re.search(r"「([^」]+)」", t)
    if quoted:
        return quoted.group(1)
    return clause or t


def heading_title(text: str, rules: TitleRules) -> str | None:
    """The heading as printed when it reads as a title (short, no full stop), else None."""
    t = text.strip()
    if not t or len(t) > rules.max_heading_chars or "。" in t:
        return None
    if t.endswith(("：", ":")):
        if "，" in t:  # 「…，…成果如下：」 introduces a list: a paragraph, not a title
            return None
        t = t.rstrip("：:").strip()
    if t.startswith("「") and t.endswith("」") and t.count("「") == 1:
        t = t[1:-1]
    return t


@dataclass(frozen=True)
class Tag:
    line_start: int
    line_end: int
    raw: str  # as printed, brackets included
    body: str  # the names inside (plus an overflowing last name)


def find_tags(lines: Sequence[tuple[int, str]], rules: ResponsibilityRules) -> list[Tag]:
    """Agency tags in an item's own lines (line number, raw text), in order. A tag that ends its line
    and whose last name overflows onto the next line (990-991) is joined with it."""
    tag_re = re.compile(rules.tag)
    out: list[Tag] = []
    for idx, (n, raw) in enumerate(lines):
        for m in tag_re.finditer(raw):
            body, end, printed = m.group("body"), n, m.group(0)
            tail = raw[m.end() :].strip().strip("*").strip()
            nxt = lines[idx + 1] if idx + 1 < len(lines) else None
            if not tail and nxt is not None and nxt[0] == n + 1 and raw.endswith("  "):
                over = re.fullmatch(r"[\u4e00-\u9fff]{2,12}", nxt[1].strip())
                if over:
                    body, end, printed = body + over.group(0), nxt[0], printed + over.group(0)
            out.append(Tag(n, end, printed, body))
    return out


@dataclass(frozen=True)
class LeadCo:
    line: int
    lead: str
    co: list[str]
    co_count: int | None
    text: str


def prose_lead_co(lines: Sequence[tuple[int, str]], rules: ResponsibilityRules) -> LeadCo | None:
    """「由A偕同/協同B共同執行」 in an item's own text: who leads and who co-organises."""
    count_re = re.compile(rules.co_count)
    for pat in (re.compile(p) for p in rules.prose_lead_co):
        for n, raw in lines:
            text = clean_title(raw)
            m = pat.search(text)
            if not m:
                continue
            co_text = m.group("co").strip()
            cm = count_re.match(unicodedata.normalize("NFKC", co_text))
            if cm:
                return LeadCo(n, m.group("lead").strip(), [], int(cm.group("n")), m.group(0))
            return LeadCo(n, m.group("lead").strip(), [co_text], None, m.group(0))
    return None


# --------------------------------------------------------------------------------------------------
# 表1: overall indicators


@dataclass(frozen=True)
class IndicatorCell:
    column: str
    type: str
    year: int | None
    text: str
    value: float | None
    unit: str | None
    qualifier: str | None


@dataclass(frozen=True)
class IndicatorRow:
    line: int
    dimension: str | None
    name: str
    notes: tuple[int, ...]
    cells: tuple[IndicatorCell, ...]


_SUP = re.compile(r"<sup>\s*\[(\d+)\]\s*</sup>")
_VALUE = re.compile(r"^(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>[^\d\s(（]*)\s*(?:[(（](?P<qual>[^)）]+)[)）])?$")


def parse_value(text: str) -> tuple[float | None, str | None, str | None]:
    """`6.5 兆元` → (6.5, 兆元, None); `9.8 兆元(預估值)` → (9.8, 兆元, 預估值); `85%` → (85, %, None)."""
    m = _VALUE.match(unicodedata.normalize("NFKC", text.strip()))
    if not m:
        return None, None, None
    return float(m.group("num").replace(",", "")), (m.group("unit") or None), m.group("qual")


def parse_indicator_table(src: SourceText, rules: IndicatorRules) -> tuple[int, list[IndicatorRow]]:
    """The caption line and the rows of the indicators table (tab-separated, header first)."""
    cap_re = re.compile(rules.caption)
    cap = next((i for i, s in enumerate(src.lines, 1) if cap_re.search(s)), None)
    if cap is None:
        raise DocumentError(src.file, f"the indicators table ({rules.caption}) is missing")
    n = cap + 1
    while n <= len(src.lines) and not src.line(n).strip():
        n += 1
    header = src.line(n).split("\t")
    columns: list[tuple[int, str, str, int | None]] = []
    for i, cell in enumerate(header):
        for key, kind in rules.columns.items():
            if key in cell:
                ym = re.search(r"(\d{4})\s*年", cell)
                columns.append((i, clean_title(cell), kind, int(ym.group(1)) if ym else None))
    if not columns:
        raise DocumentError(src.file, "the indicators table has no target/achieved columns", n)
    rows: list[IndicatorRow] = []
    dimension: str | None = None
    n += 1
    while n <= len(src.lines) and src.line(n).strip():
        cells = src.line(n).split("\t")
        name = clean_title(_SUP.sub("", cells[0]))
        values = [c.strip() for c in cells[1:]]
        if not any(values):  # `<b>創新數位經濟</b>` with empty cells: a dimension row
            dimension = name
        else:
            out = []
            for i, label, kind, year in columns:
                text = clean_title(cells[i]) if i < len(cells) else ""
                value, unit, qual = parse_value(text)
                out.append(IndicatorCell(label, kind, year, text, value, unit, qual))
            notes = tuple(int(x) for x in _SUP.findall(cells[0]))
            rows.append(IndicatorRow(n, dimension, name, notes, tuple(out)))
        n += 1
    return cap, rows


def parse_footnotes(src: SourceText, after: int, rules: IndicatorRules) -> dict[int, tuple[int, str]]:
    """Numbered notes under the table (`- 1.參考OECD…`) until the next paragraph of prose."""
    note_re, until = re.compile(rules.footnote), re.compile(rules.footnotes_until)
    notes: dict[int, tuple[int, str]] = {}
    for n in range(after, len(src.lines) + 1):
        s = src.line(n)
        if until.search(s):
            break
        m = note_re.match(s)
        if m:
            notes.setdefault(int(m.group("n")), (n, clean_title(m.group("text"))))
    return notes


# --------------------------------------------------------------------------------------------------
# The reader


@dataclass
class _Ctx:
    doc: DocInput
    ctx: LoadContext
    prof: ResultsProfile
    result: DocResult
    items: list[OutlineItem]
    children: dict[int, list[int]] = field(default_factory=dict)
    node_of: dict[int, str] = field(default_factory=dict)
    tag_re: re.Pattern[str] = field(init=False)
    overflow_re: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        self.tag_re = re.compile(self.prof.responsibility.tag)
        self.overflow_re = re.compile(self.prof.responsibility.tag_overflow)
        for i, it in enumerate(self.items):
            if it.parent is not None:
                self.children.setdefault(it.parent, []).append(i)

    @property
    def src(self) -> SourceText:
        return self.doc.source

    def bare(self, text: str) -> str:
        return strip_tags(text, self.tag_re, self.overflow_re)

    def own_lines(self, idx: int) -> list[tuple[int, str]]:
        """Heading lines and the body lines that belong to the item itself (not to a child)."""
        it = self.items[idx]
        nums = list(range(it.line_start, it.line_end + 1)) + it.text_lines
        return [(n, self.src.line(n)) for n in nums if self.src.line(n).strip()]

    def subtree_end(self, idx: int) -> int:
        it = self.items[idx]
        end = max([it.line_end, *it.text_lines])
        for c in self.children.get(idx, []):
            end = max(end, self.subtree_end(c))
        return end

    def warn(self, line: int, code: str, message: str) -> None:
        self.result.warn(self.doc.meta.id, line, code, message)

    @property
    def ref_year(self) -> int | None:
        """The year the document was written (figures for later years are targets)."""
        m = re.match(r"(\d{4})", self.doc.meta.published)
        return int(m.group(1)) if m else None


@readers.register("smart_nation_results", profile=ResultsProfile)
def read_smart_nation_results(doc: DocInput[ResultsProfile], ctx: LoadContext) -> DocResult:
    result = DocResult()
    plan = plan_root(doc, result)
    prof = doc.profile
    c = _Ctx(doc, ctx, prof, result, parse_outline(doc.source, prof.outline))
    _indicator_targets(c, plan)
    units = _convener_units(c)
    tasks = _pillar_tasks(c)
    for i, it in enumerate(c.items):
        if it.parent is None and it.kind == NodeKind.PILLAR:
            _pillar(c, i, plan, units, tasks)
    _mark_repeated_titles(c)
    return result


def _pillar(
    c: _Ctx, idx: int, plan: Node, units: dict[str, tuple[int, str]], tasks: dict[str, tuple[int, str]]
) -> None:
    it = c.items[idx]
    rules = c.prof.pillars
    heading = clean_title(it.title)
    m = re.match(rules.title, c.bare(heading))
    name = m.group("name") if m else c.bare(heading)
    seq = it.seq or 0
    attrs: dict[str, Any] = {"heading": heading}
    if name in tasks:
        attrs["task"], attrs["task_line"] = tasks[name][1], tasks[name][0]
    node = Node(
        id=f"{c.doc.meta.id}:p{seq}",
        kind=NodeKind.PILLAR,
        title=name,
        number=it.number,
        order=it.line_start,
        provenance=c.doc.prov(it.line_start, it.line_end),
        attrs=attrs,
    )
    c.result.add_node(node)
    c.result.add_edge(plan.id, node.id, EdgeType.CONTAINS, node.provenance)
    book = c.ctx.agencies.book
    conv = re.search(rules.convener_tag, it.title)
    leads: set[str] = set()
    if conv:
        for ref in book.parse_names(conv.group("names")):
            rec = _assign(
                c, node.id, ref, EdgeType.LEADS, it.line_start, it.line_end, raw=conv.group(0), basis="召集部會"
            )
            if rec is not None:
                leads.add(rec.id)
    if name in units:  # 77 names the convening unit; a bare ministry repeats the heading's
        line, surface = units[name]
        for ref in book.parse_names(surface):
            if ref.record is None or ref.record.id not in leads:
                _assign(c, node.id, ref, EdgeType.LEADS, line, line, raw=surface, basis="召集部會 (line 77)")
    for ci in c.children.get(idx, []):
        child = c.items[ci]
        if re.search(c.prof.summary.strategy_title, child.title):
            _summary_targets(c, ci, node, seq)
        else:
            _tree_node(c, ci, node.id)


def _summary_targets(c: _Ctx, idx: int, pillar: Node, seq: int) -> None:
    """The (一) items of a pillar's results summary as Targets of the pillar."""
    kind = c.prof.summary.target_type.get(seq, "achieved")
    for ci in c.children.get(idx, []):
        it = c.items[ci]
        heading = clean_title(it.title)
        end = c.subtree_end(ci)
        lines = [c.src.line(n) for n in range(it.line_start, end + 1)]
        text = " ".join(clean_title(s) for s in lines if s.strip() and not _skipped(c, s))
        attrs: dict[str, Any] = {"type": kind, "text": text, "source": "summary"}
        label, sep, rest = heading.partition("：")
        if sep and c.prof.summary.label and re.fullmatch(c.prof.summary.label, label.strip()):
            attrs["label"], heading = label.strip(), rest.strip()
        title = heading_title(heading, c.prof.titles) or derive_title(heading, c.prof.titles)
        # Where the summary says what its figures are (results achieved, or targets), a figure with no
        # cue of its own is of that kind (003:477 `完成…141 案專網申請審查`, 2732 `2025 年達成…達 80%`).
        figures = figures_in(text, c.ref_year, default=c.prof.summary.figure_default.get(seq))
        if figures:
            attrs["figures"] = figures
        main = next((f for f in figures if f["type"] == kind), None)
        if main is not None:
            attrs.update(value=main["value"], unit=main["unit"], year=main["year"])
        elif years := stated_years(text):
            # No figure of its kind (a qualitative result or goal), but the item says when: 003:1347
            # `截至 2025 年度…已達 64.73%`, 470 `於 2025 年建立多個…`, 1353 `截至 2024 年推動成果包括…`.
            attrs.update(value=None, unit=None, year=max(years), year_from="text")
        node = Node(
            id=f"{pillar.id}.kpi{it.seq if it.seq is not None else it.number}",
            kind=NodeKind.TARGET,
            title=title,
            number=it.number,
            order=it.line_start,
            provenance=c.doc.prov(it.line_start, end),
            attrs=attrs,
        )
        c.result.add_node(node)
        c.result.add_edge(pillar.id, node.id, EdgeType.HAS_TARGET, node.provenance)


def figures_in(text: str, ref_year: int | None, default: TargetType | None = None) -> list[dict[str, Any]]:
    """Quantified figures of a text (loaders.targets), as plain attrs."""
    return [
        {
            "value": f.value,
            "unit": f.unit,
            "year": f.year,
            "type": f.type,
            "text": f.text,
            "qualifier": f.qualifier,
            "amount": f.amount,
        }
        for f in extract_targets(text, ref_year, default)
    ]


def _heading_targets(c: _Ctx, node: Node, heading: str, start: int, end: int) -> None:
    """Targets stated in an item's heading (1113, 1283): one Target per figure, titled by its
    clause, linked to the item."""
    wanted = set(c.prof.targets.heading_types)
    for k, f in enumerate((f for f in extract_targets(heading, c.ref_year) if f.type in wanted), 1):
        clause = _clause_at(heading, f.span[0])
        target = target_node(c.doc, f"{node.id}.t{k}", f, clause, (start, end), source="heading")
        c.result.add_node(target)
        c.result.add_edge(node.id, target.id, EdgeType.HAS_TARGET, target.provenance)


def _clause_at(text: str, pos: int) -> str:
    """The `，`-separated clause of text that holds position pos."""
    a = text.rfind("，", 0, pos) + 1
    b = text.find("，", pos)
    return text[a : b if b >= 0 else len(text)].strip().rstrip("：:")


def _skipped(c: _Ctx, raw: str) -> bool:
    return any(re.search(p, raw) for p in c.prof.outline.skip)


def _tree_node(c: _Ctx, idx: int, parent_id: str, extra: dict[str, Any] | None = None) -> None:
    it = c.items[idx]
    rules = c.prof.titles
    own = c.own_lines(idx)
    heading = clean_title(it.title)
    bare = c.bare(heading)
    title = heading_title(bare, rules)
    end = it.line_end
    if title is not None and _cut_heading(bare, rules) and not _ends_with_tag(heading):
        title = None
    if title is None:
        para, end = _opening_paragraph(c, idx)
        title = derive_title(c.bare(para), rules)
    lv = c.prof.outline.levels[it.level]
    node_id = _unique_id(c, f"{parent_id}.{lv.id}{it.seq if it.seq is not None else it.number}")
    text = " ".join(clean_title(s) for _, s in own)
    attrs: dict[str, Any] = {"heading": heading, "text": text, **(extra or {})}
    if it.text_lines:
        attrs["text_lines"] = [it.text_lines[0], it.text_lines[-1]]
    node = Node(
        id=node_id,
        kind=it.kind,
        title=title,
        number=it.number,
        order=it.line_start,
        provenance=c.doc.prov(it.line_start, end),
        attrs=attrs,
    )
    c.result.add_node(node)
    c.node_of[idx] = node_id
    c.result.add_edge(parent_id, node.id, EdgeType.CONTAINS, node.provenance)
    _responsibility(c, node, own)
    if it.kind in c.prof.targets.heading_kinds and "。" not in bare:
        _heading_targets(c, node, bare, it.line_start, it.line_end)
    kids = c.children.get(idx, [])
    notes = _check_numbering(c, kids)
    for ci in kids:
        extra_attrs = {"duplicate_of": c.node_of[notes[ci]]} if ci in notes else None
        _tree_node(c, ci, node.id, extra_attrs)


def _unique_id(c: _Ctx, base: str) -> str:
    used = set(c.node_of.values())
    node_id, k = base, 2
    while node_id in used:
        node_id, k = f"{base}~{k}", k + 1
    return node_id


def _ends_with_tag(heading: str) -> bool:
    return heading.rstrip("* ").endswith("】")


def _cut_heading(bare: str, rules: TitleRules) -> bool:
    """A heading that a page break cut mid-phrase (610 `…全球定位` / 612 `系統接收機…`)."""
    if bare.endswith(("，", "、")):
        return True
    if len(bare) < rules.cut_line_chars or ends_sentence(bare):
        return False
    return not (rules.complete_heading_end and re.search(rules.complete_heading_end, bare))


def _opening_paragraph(c: _Ctx, idx: int) -> tuple[str, int]:
    """The item's heading plus its continuation across page breaks, up to the end of the sentence or
    the start of a detail list; and the last line used."""
    it = c.items[idx]
    detail = re.compile(c.prof.titles.detail_line)
    text = clean_title(it.title)
    end = it.line_end
    for n in it.text_lines:
        if n > end + 2 or ends_sentence(c.bare(text)) or text.endswith("："):
            break
        raw = c.src.line(n)
        if detail.search(raw) or _TAG_ONLY.match(raw):
            break
        text += clean_title(raw)
        end = n
    return text, end


def _check_numbering(c: _Ctx, kids: list[int]) -> dict[int, int]:
    """Report gaps (829 `1.` → 869 `5.`) and paragraphs repeated under a new number (1135/1136);
    returns repeated item → the item it repeats."""
    repeats: dict[int, int] = {}
    prev: OutlineItem | None = None
    seen: dict[str, int] = {}
    for ci in kids:
        it = c.items[ci]
        skipped = prev is not None and prev.kind == it.kind and prev.seq is not None and it.seq is not None
        if skipped and prev is not None and (it.seq or 0) > (prev.seq or 0) + 1:
            c.warn(
                it.line_start,
                "numbering-gap",
                f"{it.kind.value} {it.number} follows {prev.number} (line {prev.line_start}): "
                "numbers skipped in the document",
            )
        key = match_key(c.bare(" ".join([it.title, *(c.src.line(n) for n in it.text_lines)])))
        if key and key in seen:
            first = c.items[seen[key]]
            repeats[ci] = seen[key]
            c.warn(
                it.line_start,
                "duplicate-item",
                f"{it.kind.value} {it.number} repeats the text of {first.number} (line {first.line_start})",
            )
        elif key:
            seen[key] = ci
        prev = it
    return repeats


def _mark_repeated_titles(c: _Ctx) -> None:
    """The same project listed under two parents (1462/1834, 1466/1873): cross-reference them."""
    by_key: dict[str, list[Node]] = {}
    for n in c.result.nodes:
        if n.kind in (NodeKind.MEASURE, NodeKind.ACTION) and "duplicate_of" not in n.attrs:
            by_key.setdefault(match_key(n.title), []).append(n)
    update: dict[str, list[str]] = {}
    for group in by_key.values():
        if len(group) > 1 and len({n.id.rsplit(".", 1)[0] for n in group}) > 1:
            for n in group:
                update[n.id] = [o.id for o in group if o.id != n.id]
    c.result.nodes = [
        n.model_copy(update={"attrs": {**n.attrs, "same_title_as": update[n.id]}}) if n.id in update else n
        for n in c.result.nodes
    ]


# --------------------------------------------------------------------------------------------------
# Responsibility


def _assign(
    c: _Ctx,
    node_id: str,
    ref: NameRef,
    etype: EdgeType,
    line: int,
    line_end: int,
    note: str | None = None,
    **attrs: Any,
) -> AgencyRecord | None:
    """An agency edge for one printed name, or a warning with the line where it does not resolve."""
    raw = attrs.get("raw", ref.surface)
    if ref.record is None:
        what = "a collective, not one agency" if ref.is_collective else "not in data/agencies.yaml"
        c.warn(line, "unknown-agency", f"{ref.surface!r} (in {raw}) is {what}")
        return None
    if ref.fuzzy:
        c.warn(
            line, "agency-fuzzy-match", f"{ref.surface!r} (in {raw}) read as {ref.record.name} (fuzzy {ref.score:.0f})"
        )
        attrs["fuzzy"] = True
    if ref.in_context:
        attrs["in_context"] = True
    prov = c.doc.prov(line, line_end, note=note)
    agency = c.ctx.agencies.mention(ref.record, prov)
    c.result.add_edge(agency, node_id, etype, prov, surface=ref.surface, **attrs)
    return ref.record


def _responsibility(c: _Ctx, node: Node, own: list[tuple[int, str]]) -> None:
    rules = c.prof.responsibility
    book = c.ctx.agencies.book
    tags = find_tags(own, rules)
    if not tags:
        return
    prose = prose_lead_co(own, rules)
    lead = book.parse_names(prose.lead) if prose else []
    lead_rec = lead[0].record if len(lead) == 1 else None
    if prose is not None and lead_rec is None:
        c.warn(prose.line, "unknown-agency", f"lead {prose.lead!r} in 「{prose.text}」 does not resolve")
        prose = None
    tagged: set[str] = set()
    n_tagged = 0
    named = sum(1 for tag in tags for ref in book.parse_names(tag.body) if ref.record is not None)
    tag_edge = rules.tag_edge if named <= 1 else rules.tag_list_edge
    for tag in tags:
        for ref in book.parse_names(tag.body):
            n_tagged += 1
            if prose is not None and lead_rec is not None:
                etype = (
                    EdgeType.LEADS if ref.record is not None and ref.record.id == lead_rec.id else EdgeType.CO_ORGANIZES
                )
                note = f"lead/co from the prose at line {prose.line}: 「{prose.text}」"
                rec = _assign(
                    c, node.id, ref, etype, tag.line_start, tag.line_end, note=note, raw=tag.raw, basis="tag+prose"
                )
            else:
                rec = _assign(c, node.id, ref, tag_edge, tag.line_start, tag.line_end, raw=tag.raw, basis="tag")
            if rec is not None:
                tagged.add(rec.id)
    if prose is None or lead_rec is None:
        return
    if lead_rec.id not in tagged:
        _assign(c, node.id, lead[0], EdgeType.LEADS, prose.line, prose.line, raw=prose.text, basis="prose")
    for ref in (r for name in prose.co for r in book.parse_names(name)):
        if ref.record is None or ref.record.id not in tagged:
            _assign(c, node.id, ref, EdgeType.CO_ORGANIZES, prose.line, prose.line, raw=prose.text, basis="prose")
    if prose.co_count is not None and n_tagged - 1 != prose.co_count:
        c.warn(
            prose.line,
            "co-count-mismatch",
            f"the prose names {prose.co_count} co-executing bodies, the tag lists {n_tagged - 1} besides the lead",
        )


def _convener_units(c: _Ctx) -> dict[str, tuple[int, str]]:
    """77: the convening unit of each group, matched to the groups by order."""
    pat = re.compile(c.prof.pillars.convener_units)
    for n, s in enumerate(c.src.lines, 1):
        m = pat.search(s)
        if m:
            groups = [g for g in re.split(r"[、及]", m.group("groups")) if g]
            agencies = [a for a in re.split(r"、", m.group("agencies")) if a]
            if len(groups) != len(agencies):
                c.warn(n, "convener-units", f"{len(groups)} groups but {len(agencies)} convening bodies")
                return {}
            return {g.strip(): (n, a.strip()) for g, a in zip(groups, agencies, strict=True)}
    return {}


def _pillar_tasks(c: _Ctx) -> dict[str, tuple[int, str]]:
    pat = re.compile(c.prof.pillars.task)
    out: dict[str, tuple[int, str]] = {}
    for n, s in enumerate(c.src.lines, 1):
        m = pat.match(s.strip().lstrip("-").strip())
        if m:
            out.setdefault(m.group("name"), (n, clean_title(m.group("text"))))
    return out


# --------------------------------------------------------------------------------------------------
# Targets


def _indicator_targets(c: _Ctx, plan: Node) -> None:
    rules = c.prof.indicators
    cap, rows = parse_indicator_table(c.src, rules)
    notes = parse_footnotes(c.src, cap, rules)
    for r, row in enumerate(rows, 1):
        ids = {cell.type: f"{c.doc.meta.id}:ind{r}.{cell.type}" for cell in row.cells}
        for cell in row.cells:
            attrs: dict[str, Any] = {
                "type": cell.type,
                "value": cell.value,
                "unit": cell.unit,
                "year": cell.year,
                "text": cell.text,
                "indicator": row.name,
                "dimension": row.dimension,
                "column": cell.column,
                "source": "表1",
            }
            if cell.qualifier:
                attrs["qualifier"] = cell.qualifier
            others = [v for k, v in ids.items() if k != cell.type]
            if others:
                attrs["pair"] = others[0]
            defs = [notes[k] for k in row.notes if k in notes]
            if defs:
                attrs["definition"] = " ".join(t for _, t in defs)
                attrs["definition_lines"] = [ln for ln, _ in defs]
            node = Node(
                id=ids[cell.type],
                kind=NodeKind.TARGET,
                title=f"{row.name}（{cell.column}）：{cell.text}",
                order=row.line,
                provenance=c.doc.prov(row.line),
                attrs=attrs,
            )
            c.result.add_node(node)
            c.result.add_edge(plan.id, node.id, EdgeType.HAS_TARGET, node.provenance)
