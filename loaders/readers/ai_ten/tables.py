"""Measure tables of cross-ministry programmes (具體措施 | 執行內容 | 起訖時程 | 主/協辦機關單位),
as PDF conversion leaves them: one TSV line per printed row, the header repeated after every page
break, group rows (`1. 智慧醫療`, `<b>2.樂齡長照</b>`) naming the strategy, rows with an empty first
cell continuing the entry above (a second phase, or the rest of a cell the page break cut), HTML
lists inside cells, and narrow-column wrapping that puts spaces inside words (`數發部 數產署`).

Pure: text in, tables out. Matching entries to the body's measures is the reader's job.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from rapidfuzz import fuzz

from core.source import SourceText
from core.text import clean_title, ends_sentence, match_key
from loaders.context import ProfileSection

_TAG = re.compile(r"<[^>]+>")
_NUMBERED = re.compile(r"(?:^|(?<=\s))(\d{1,2})\s*[.．]\s*(?=\S)")
_GROUP = re.compile(r"^(?P<num>\d{1,2})\s*[.．]\s*(?P<title>\S.*)$")
_ROC_POINT = r"(?P<{p}y>\d{{2,3}})(?:\s*/\s*(?P<{p}m>\d{{1,2}}))?"
_RANGE = re.compile(_ROC_POINT.format(p="s") + r"\s*[-~～–]\s*(?:" + _ROC_POINT.format(p="e") + r"(?![\d/]))?")
_UNTIL = re.compile(r"至\s*" + _ROC_POINT.format(p="e"))
_REMARK = re.compile(r"[(（]([^()（）]+)[)）]")
# ROC years a schedule can plausibly name (民國 80-150 = 1991-2061).
_ROC_MIN, _ROC_MAX = 80, 150
_CLOSERS = ("」", ")", "）", "』")


class TableSpec(ProfileSection):
    """Where the tables are and how their cells are read (a profile's `tables` section)."""

    caption: str
    header_first_cell: str = "具體措施"


def clean_cell(text: str) -> str:
    """Cell text as printed, without HTML and without the spaces narrow columns put inside words."""
    return clean_title(_TAG.sub(" ", text))


_BLOCK = re.compile(r"<(li|p)\b[^>]*>(.*?)</\1>", re.S)
_LEAD_NUMBER = re.compile(r"^\s*\d{1,2}\s*[.．]\s*")


def numbered_items(text: str) -> list[str]:
    """`1. a 2. b 3. c` (also as <p>/<li> lists) -> [a, b, c]; [] unless there are two or more.
    An HTML list item is an item even unnumbered (001:1167 `<li>114年開發…</li>`); a `<p>` after
    it starts one only when numbered, else it finishes the item a page break cut (001:1170)."""
    blocks = _BLOCK.findall(text)
    if len(blocks) >= 2:
        items: list[str] = []
        for tag, body in blocks:
            numbered = _LEAD_NUMBER.match(_TAG.sub(" ", body))
            piece = clean_title(_LEAD_NUMBER.sub("", _TAG.sub(" ", body)))
            if tag == "li" or numbered or not items:
                items.append(piece)
            else:
                items[-1] = clean_title(f"{items[-1]} {piece}")
        items = [x for x in items if x]
        if len(items) >= 2:
            return items
    plain = " ".join(_TAG.sub(" ", text).split())
    hits = [m for m in _NUMBERED.finditer(plain)]
    chosen: list[re.Match[str]] = []
    for m in hits:
        if int(m.group(1)) == len(chosen) + 1:
            chosen.append(m)
    if len(chosen) < 2 or chosen[0].start() > 0:
        return []
    out = []
    for i, m in enumerate(chosen):
        stop = chosen[i + 1].start() if i + 1 < len(chosen) else len(plain)
        out.append(clean_title(plain[m.end() : stop]))
    return [x for x in out if x]


# --- schedules ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleRange:
    """One period of a 起訖時程 cell, in AD: "2026-01" (month) or "2026" (year only); None = open."""

    start: str | None
    end: str | None


@dataclass(frozen=True)
class Schedule:
    raw: str
    ranges: tuple[ScheduleRange, ...]
    remarks: tuple[str, ...] = ()


def _roc_point(year: str | None, month: str | None) -> str | None:
    if year is None:
        return None
    y = int(year)
    if not _ROC_MIN <= y <= _ROC_MAX:
        return None
    ad = y + 1911
    if month is None:
        return f"{ad}"
    m = int(month)
    return f"{ad}-{m:02d}" if 1 <= m <= 12 else f"{ad}"


def parse_schedule(cell: str) -> Schedule:
    """A 起訖時程 cell in ROC year/month: `115/01-118/12` -> 2026-01..2029-12; also open-ended
    `115/07-`, year-only `114-`, `~`, two phases in one cell, and prose `…執行至117/12` (end only).
    Remarks in brackets (`(規劃中)`) are kept; a cell with no date (`—`, `目前無計畫`) has no range."""
    text = clean_cell(cell)
    ranges: list[ScheduleRange] = []
    for m in _RANGE.finditer(text):
        start = _roc_point(m.group("sy"), m.group("sm"))
        end = _roc_point(m.group("ey"), m.group("em"))
        if start is not None:
            ranges.append(ScheduleRange(start, end))
    if not ranges:
        for m in _UNTIL.finditer(text):
            end = _roc_point(m.group("ey"), m.group("em"))
            if end is not None:
                ranges.append(ScheduleRange(None, end))
    remarks = tuple(r.strip() for r in _REMARK.findall(text))
    if not ranges and text and text not in ("—", "-", "–"):
        remarks = (*remarks, text) if text not in remarks else remarks
    return Schedule(text, tuple(ranges), remarks)


def schedule_bounds(schedules: list[Schedule]) -> tuple[str | None, str | None]:
    """Earliest start and latest end over several cells (None end if any period is open-ended)."""
    ranges = [r for s in schedules for r in s.ranges]
    starts = [r.start for r in ranges if r.start]
    ends = [r.end for r in ranges if r.end]
    open_ended = any(r.start and not r.end for r in ranges)
    return (min(starts) if starts else None, None if open_ended or not ends else max(ends))


# --- agency cells ---------------------------------------------------------------------------------

Role = Literal["lead", "co"]


@dataclass(frozen=True)
class AgencyMention:
    """One name in a 主/協辦 cell. `paren` is a bracketed name after it: a sub-unit
    (`數發部(數位政府司)`) or an executing body (`國科會前瞻處(國網中心)`); `members` a bracketed
    member list (`相關部會(內政部、交通部…)`)."""

    surface: str
    role: Role
    paren: str | None = None
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class AgencyCell:
    raw: str
    slashed: bool
    mentions: tuple[AgencyMention, ...]


def _split_top(text: str, sep: str) -> list[str]:
    """Split on `sep` outside brackets."""
    out: list[str] = []
    cur: list[str] = []
    depth = 0
    for c in text:
        if c in "(（":
            depth += 1
        elif c in ")）":
            depth = max(0, depth - 1)
        if c == sep and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(c)
    out.append("".join(cur))
    return [x.strip() for x in out if x.strip()]


def parse_agency_cell(cell: str, unslashed: Literal["all_lead", "first_lead"] = "all_lead") -> AgencyCell:
    """`衛福部健保署/資訊處、國家衛生研究院` -> lead 衛福部健保署; co 資訊處, 國家衛生研究院.
    Without a slash every name is a lead (`all_lead`) or only the first (`first_lead`)."""
    text = clean_cell(cell).replace("／", "/")
    halves = _split_top(text, "/")
    slashed = len(halves) > 1
    parts: list[tuple[str, Role]] = []
    if slashed:
        lead, co = halves[0], "、".join(halves[1:])
        parts = [(n, "lead") for n in _split_top(lead, "、")] + [(n, "co") for n in _split_top(co, "、")]
    else:
        names = _split_top(text, "、")
        parts = [(n, "lead" if unslashed == "all_lead" or i == 0 else "co") for i, n in enumerate(names)]
    mentions = []
    for name, role in parts:
        m = re.fullmatch(r"(.+?)[(（](.+)[)）]", name)
        if m is None:
            mentions.append(AgencyMention(name, role))
            continue
        outer, inner = m.group(1).strip(), m.group(2).strip()
        inner_names = _split_top(inner, "、")
        if len(inner_names) > 1:
            mentions.append(AgencyMention(outer, role, members=tuple(inner_names)))
        else:
            mentions.append(AgencyMention(outer, role, paren=inner))
    return AgencyCell(text, slashed, tuple(mentions))


# --- tables ---------------------------------------------------------------------------------------


@dataclass
class SubRow:
    """One printed row of an entry (its own 執行內容 / 起訖時程 / 主協辦 cells)."""

    content: str
    schedule: str
    agency: str
    lines: list[int]


@dataclass
class TableEntry:
    """A 具體措施 and the rows below it that leave that cell empty."""

    title: str
    lines: list[int]
    subrows: list[SubRow]
    # The entry's first row directly follows a header repeated after a page break: it may be the
    # rest of the entry above, whose 具體措施 the page break cut (decided by matching).
    after_page_break: bool = False

    @property
    def items(self) -> list[str]:
        """The measures a merged row lists (`1. … 2. …`), or the title alone."""
        return numbered_items(self.title) or [clean_cell(self.title)]


@dataclass
class TableGroup:
    """A strategy's rows, under its group row (`1. 智慧醫療`)."""

    number: int
    title: str
    line: int
    entries: list[TableEntry] = field(default_factory=list)


@dataclass
class MeasureTable:
    number: int
    caption: str
    line: int
    end: int
    groups: list[TableGroup] = field(default_factory=list)


def _cells(line: str) -> list[str]:
    cells = [c.strip() for c in line.split("\t")]
    return [*cells, "", "", "", ""][:4]


def read_tables(src: SourceText, spec: TableSpec) -> list[MeasureTable]:
    cap = re.compile(spec.caption)
    tables: list[MeasureTable] = []
    n = 1
    while n <= len(src.lines):
        m = cap.match(src.line(n).strip())
        if m is None:
            n += 1
            continue
        table = MeasureTable(int(m.group("num")), clean_cell(src.line(n)), n, n)
        n = _read_rows(src, spec, n + 1, table)
        tables.append(table)
    return tables


def _read_rows(src: SourceText, spec: TableSpec, n: int, table: MeasureTable) -> int:
    seen_header = False
    page_break = False
    group: TableGroup | None = None
    entry: TableEntry | None = None
    while n <= len(src.lines):
        raw = src.line(n)
        if not raw.strip():
            n += 1
            continue
        if "\t" not in raw:
            break  # the first line that is not a table row ends the table
        table.end = n
        c0, c1, c2, c3 = _cells(raw)
        first = clean_cell(c0)
        if first == spec.header_first_cell:
            page_break, seen_header = seen_header, True
            n += 1
            continue
        g = _GROUP.match(first)
        if g and not (c1 or c2 or c3) and int(g.group("num")) == (group.number + 1 if group else 1):
            group = TableGroup(int(g.group("num")), clean_cell(g.group("title")), n)
            table.groups.append(group)
            entry, page_break = None, False
            n += 1
            continue
        if group is None:  # rows before any group row: an ungrouped table
            group = TableGroup(0, "", n)
            table.groups.append(group)
        if first:
            entry = TableEntry(c0, [n], [SubRow(c1, c2, c3, [n])], after_page_break=page_break)
            group.entries.append(entry)
        elif entry is not None:
            last = entry.subrows[-1]
            if not c2 and not c3:
                last.content = _join(last.content, c1)  # the rest of a cell cut by the page break
                last.lines.append(n)
            else:
                entry.subrows.append(SubRow(c1, c2, c3, [n]))
        page_break = False
        n += 1
    return n


def _join(a: str, b: str) -> str:
    if not a:
        return b
    if not b:
        return a
    return f"{a} {b}"


def merge_continuation(prev: TableEntry, cont: TableEntry) -> TableEntry:
    """`prev` with `cont` appended: a 具體措施 cut by a page break (`以人體生物資料庫` /
    `布局智慧醫療環境`). The continuation's 執行內容 finishes prev's last non-empty 執行內容; its
    起訖時程 / 主協辦 cells finish prev's where those were cut too (`目前無計畫，如` / `核定經費…`,
    `衛福部醫事` / `司`), else they are a further period of the same entry."""
    subrows = [SubRow(r.content, r.schedule, r.agency, list(r.lines)) for r in prev.subrows]
    head, *rest = cont.subrows
    with_content = next((r for r in reversed(subrows) if r.content), subrows[-1])
    with_content.content = _join_words(with_content.content, head.content)
    with_content.lines.extend(x for x in head.lines if x not in with_content.lines)
    last = subrows[-1]
    if last.schedule and _unfinished(last.schedule):
        last.schedule = _join_words(last.schedule, head.schedule)
        last.agency = _join_words(last.agency, head.agency)
        if head.lines[0] not in last.lines:
            last.lines.extend(head.lines)
    elif head.schedule or head.agency:
        subrows.append(SubRow("", head.schedule, head.agency, list(head.lines)))
    subrows.extend(rest)
    return TableEntry(_join_words(prev.title, cont.title), prev.lines + cont.lines, subrows, prev.after_page_break)


def _unfinished(text: str) -> bool:
    t = clean_cell(text)
    return bool(t) and not ends_sentence(t) and not re.search(r"\d\s*$", t) and not t.endswith(_CLOSERS)


def _join_words(a: str, b: str) -> str:
    """Two pieces of one cell split by a page break: no space between CJK pieces."""
    return clean_cell(f"{a} {b}") if a and b else (a or b)


# --- matching rows to the body --------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A body item a row may describe. `heading` is its marker line as printed (title and any
    `：說明` on the same line); `text` adds its body and its sub-items' titles and bodies;
    `lineage` is its own key and its ancestors' keys (a row about an item's sub-item or parent is
    about the same thing)."""

    key: str
    title: str
    heading: str
    text: str
    lineage: tuple[str, ...] = ()
    # Rows name measures more often than their sub-items: a small handicap breaks near-ties.
    weight: float = 1.0
    # Measures count for matching by position (a row between two matched rows).
    positional: bool = True


@dataclass
class RowMatch:
    """Which body items one printed row (an entry's sub-row) describes, and how that was decided."""

    entry: TableEntry
    subrow: SubRow
    targets: list[str]
    how: Literal["title", "content", "items", "order", "paragraph", "previous", "none"]
    score: float
    note: str | None = None


@lru_cache(maxsize=16384)
def _key(text: str) -> str:
    # Candidate texts are compared with every row of their strategy: compute each key once.
    return match_key(text)


def similarity(a: str, b: str) -> float:
    return float(fuzz.ratio(_key(a), _key(b)))


def partial_similarity(a: str, b: str) -> float:
    return float(fuzz.partial_ratio(_key(a), _key(b)))


def _bigrams(text: str) -> frozenset[str]:
    k = _key(text)
    return frozenset(k[i : i + 2] for i in range(len(k) - 1))


class ParagraphIndex:
    """Body items as whole paragraphs (title and text, with their sub-items'), for rows that name
    an item by neither its title nor a phrase of it but say the same thing in other words (001:1512
    `強化與企業創投交流，鼓勵企業創投投資新創` vs 001:1468-1470 `…透過企業創投(CVC)…`).

    A row's text scores against a paragraph by the share of its character bigrams the paragraph
    holds, each weighted by how rare it is among the document's paragraphs (a bigram every measure
    uses, 推動 or 新創, says little; 籌資 or 創投 says which measure)."""

    def __init__(self, cands: Iterable[Candidate]) -> None:
        self.grams: dict[str, frozenset[str]] = {}
        for c in cands:
            self.grams[c.key] = _bigrams(f"{c.title} {c.text}")
        df: dict[str, int] = {}
        for g in self.grams.values():
            for x in g:
                df[x] = df.get(x, 0) + 1
        n = len(self.grams)
        self._idf = {x: math.log((n + 1) / (d + 1)) for x, d in df.items()}
        self._unseen = math.log(n + 1)

    def idf(self, gram: str) -> float:
        return self._idf.get(gram, self._unseen)

    def score(self, text: str, c: Candidate) -> float:
        """0..100: the weighted share of `text`'s bigrams found in `c`'s paragraph."""
        grams = _bigrams(text)
        total = sum(self.idf(x) for x in grams)
        para = self.grams.get(c.key)
        if para is None:
            para = self.grams[c.key] = _bigrams(f"{c.title} {c.text}")
        return 100.0 * sum(self.idf(x) for x in grams & para) / total if total else 0.0


def _title_score(t: str, c: Candidate) -> float:
    """How well a printed name names `c`: as its title, or as a phrase of its text (tables often
    print a measure's description as its 具體措施)."""
    s = max(similarity(t, c.title), similarity(t, c.heading))
    if min(len(_key(t)), len(_key(c.title))) >= 6:
        s = max(s, 0.95 * partial_similarity(t, c.title))
    if len(_key(t)) >= 8:
        s = max(s, 0.85 * partial_similarity(t, c.text))
    return s * c.weight


def _plain_score(t: str, c: Candidate) -> float:
    return max(similarity(t, c.title), similarity(t, c.heading))


def _best(t: str, cands: list[Candidate], score: Callable[[str, Candidate], float]) -> tuple[str | None, float]:
    best: tuple[str | None, float] = (None, 0.0)
    for c in cands:
        s = score(t, c)
        if s > best[1]:
            best = (c.key, s)
    return best


def merge_page_breaks(entries: list[TableEntry], cands: list[Candidate]) -> list[TableEntry]:
    """Join an entry that follows a page break to the entry above when the joined 具體措施 names a
    body item better than either piece does (`以人體生物資料庫` + `布局智慧醫療環境`)."""
    out: list[TableEntry] = []
    for e in entries:
        if e.after_page_break and out and cands:
            prev = out[-1]
            apart = max(_best(prev.title, cands, _plain_score)[1], _best(e.title, cands, _plain_score)[1])
            joined = _best(_join_words(prev.title, e.title), cands, _plain_score)[1]
            if joined > apart:
                out[-1] = merge_continuation(prev, e)
                continue
        out.append(e)
    return out


def _related(a: Candidate, b: Candidate) -> bool:
    return a.key in b.lineage or b.key in a.lineage


def _list_targets(parts: list[str], cands: list[Candidate], min_score: float) -> list[str]:
    keys: list[str] = []
    for part in parts:
        k, s = _best(part, cands, _title_score)
        if k is None or s < min_score:
            return []
        if k not in keys:
            keys.append(k)
    return keys if len(keys) > 1 else []


def match_group(
    entries: list[TableEntry],
    cands: list[Candidate],
    min_title: float = 60.0,
    min_content: float = 60.0,
    strong_title: float = 80.0,
    strong_content: float = 80.0,
    paragraphs: ParagraphIndex | None = None,
) -> list[RowMatch]:
    """Assign every printed row of one strategy's entries to body items (candidates in body order).

    - A merged row whose 具體措施 lists several measures (`1. … 2. …`, `甲、乙`) goes to each; so
      does a row with a weak 具體措施 whose 執行內容 lists several measures.
    - An entry printed over several rows (one 具體措施, several 執行內容/時程 rows) is split by each
      row's 執行內容 where that names an item clearly (001:678-679, 1389-1392); a row with no
      執行內容 is another period of the row above.
    - A single-row entry goes to the item its 具體措施 names; if its 執行內容 names an unrelated
      item, the row is jumbled (001:865-868) and the match says so.
    - Rows still unmatched, between matched rows, take the body measures left between those rows
      when there are exactly as many (tables follow the body's order).
    - Rows still unmatched go to the measure no other row names whose whole paragraph says what
      they say (`paragraphs`; see `_match_by_paragraph`), or to one such measure per clause of a
      具體措施 that joins two (`…數位公共服務，及依據區域特性，推動…`, 001:496).
    """
    by_key = {c.key: c for c in cands}
    out: list[RowMatch] = []
    for e in entries:
        title = clean_cell(e.title)
        listed = _list_targets(numbered_items(e.title) or _split_top(title, "、"), cands, strong_title)
        tk, ts = _best(title, cands, _title_score)
        if not listed and ts < strong_title and len(e.subrows) == 1:
            listed = _list_targets(numbered_items(e.subrows[0].content), cands, min_title)
        if listed:
            out.extend(RowMatch(e, r, listed, "items", ts) for r in e.subrows)
            continue
        several = sum(1 for r in e.subrows if r.content) > 1
        prev: RowMatch | None = None
        for r in e.subrows:
            ck, cs = _best(r.content, cands, _title_score) if r.content else (None, 0.0)
            if prev is not None and not r.content and prev.targets:
                m = RowMatch(e, r, list(prev.targets), "previous", prev.score)
            elif several and ck is not None and cs >= max(min_content, ts - 10):
                m = RowMatch(e, r, [ck], "content", cs)
            elif ck is not None and cs >= strong_content and ts < strong_title:
                note = None  # a vague 具體措施, a precise 執行內容
                if tk is not None and ts >= min_title and not _related(by_key[ck], by_key[tk]):
                    note = f"jumbled row: its 具體措施 suggests {tk}, its 執行內容 names {ck}; assigned by 執行內容"
                m = RowMatch(e, r, [ck], "content", cs, note)
            elif tk is not None and ts >= min_title:
                note = None
                if ck is not None and cs >= min_content and not _related(by_key[ck], by_key[tk]):
                    note = f"jumbled row: its 具體措施 names {tk}, its 執行內容 matches {ck}; assigned by 具體措施"
                m = RowMatch(e, r, [tk], "title", ts, note)
            elif ck is not None and cs >= min_content:
                m = RowMatch(e, r, [ck], "content", cs)
            else:
                m = RowMatch(e, r, [], "none", max(ts, cs))
            out.append(m)
            prev = m
    _match_by_position(out, cands)
    _match_by_paragraph(out, cands, paragraphs or ParagraphIndex(cands))
    return out


def _match_by_position(matches: list[RowMatch], cands: list[Candidate]) -> None:
    order = {c.key: i for i, c in enumerate(cands)}
    measures = [c for c in cands if c.positional]

    # the measure a target belongs to (a target may be a sub-item)
    def owner(key: str) -> str | None:
        c = next(x for x in cands if x.key == key)
        return next((m.key for m in measures if m.key in c.lineage), None)

    used = {owner(k) for m in matches for k in m.targets} - {None}
    i = 0
    while i < len(matches):
        if matches[i].targets:
            i += 1
            continue
        j = i
        while j < len(matches) and not matches[j].targets:
            j += 1
        lo = max((order[k] for m in matches[:i] for k in m.targets), default=-1)
        hi = min((order[k] for m in matches[j:] for k in m.targets), default=len(cands))
        free = [c.key for c in measures if lo < order[c.key] < hi and c.key not in used]
        run = matches[i:j]
        entries = list(dict.fromkeys(id(m.entry) for m in run))
        if free and len(free) == len(entries):
            for m in run:
                k = free[entries.index(id(m.entry))]
                m.targets, m.how = [k], "order"
                m.note = "matched by position: the only body measure left between its neighbours' rows"
                used.add(k)
        i = j


# A row names a free measure by paragraph when its cells share on average at least this weighted
# share of bigrams with the measure's paragraph, and clearly more than with any other free measure.
MIN_PARAGRAPH = 20.0
PARAGRAPH_LEAD = 1.5
# Clauses of one 具體措施 that name two things (`甲，及乙`; `甲；乙`).
_CLAUSES = re.compile(r"[，,]\s*(?:以及|及)|[；;]")


def _free_measures(matches: list[RowMatch], cands: list[Candidate]) -> list[Candidate]:
    """The measures (with their sub-items) no row names."""
    measures = [c for c in cands if c.positional]
    by_key = {c.key: c for c in cands}
    used = {m.key for m in measures for r in matches for k in r.targets if m.key in by_key[k].lineage}
    return [m for m in measures if m.key not in used]


def _clear_best(scores: list[tuple[float, str]]) -> tuple[str, float] | None:
    scores = sorted(scores, reverse=True)
    if not scores or scores[0][0] < MIN_PARAGRAPH:
        return None
    if len(scores) > 1 and scores[0][0] < PARAGRAPH_LEAD * scores[1][0]:
        return None
    return scores[0][1], scores[0][0]


def _match_by_paragraph(matches: list[RowMatch], cands: list[Candidate], index: ParagraphIndex) -> None:
    """Rows no title, content or position names, against the measures no row names, by what their
    whole paragraphs say (the table paraphrases the body: 001:1513 `亞洲創新籌資平臺推動計畫` for
    001:1472 擴大臺灣資本市場規模, whose text `推動亞洲創新籌資平臺`; 001:1530-1531 for 001:1498,
    whose text `擴大東京、矽谷海外新創基地…`). Several rows may name one measure."""
    free = _free_measures(matches, cands)
    if not free:
        return
    for m in matches:
        if m.targets:
            continue
        title = clean_cell(m.entry.title)
        clauses = [c for c in _CLAUSES.split(title) if _key(c)]
        if len(clauses) > 1:
            named = [_clear_best([(index.score(c, f), f.key) for f in free]) for c in clauses]
            keys = list(dict.fromkeys(n[0] for n in named if n is not None))
            if len(keys) > 1 and all(n is not None for n in named):
                m.targets, m.how, m.score = keys, "paragraph", min(n[1] for n in named if n is not None)
                m.note = (
                    "matched by paragraph: each clause of its 具體措施 says what one body measure's text says "
                    f"({', '.join(keys)})"
                )
                continue
        cells = [t for t in (title, clean_cell(m.subrow.content)) if _key(t)]
        if not cells:
            continue
        best = _clear_best([(sum(index.score(t, f) for t in cells) / len(cells), f.key) for f in free])
        if best is not None:
            m.targets, m.how, m.score = [best[0]], "paragraph", best[1]
            m.note = "matched by paragraph: its cells say what the text of a body measure no other row names says"
