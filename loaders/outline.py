"""One generic outline parser for numbered plan documents, driven by a profile (data).

A profile lists levels, outermost first, each with a marker regex (named groups `num` and `title`)
and the node kind it makes. The parser:
- looks only inside the profile's region (e.g. 肆 … 伍 of the S&T plan),
- classifies a line by its marker after stripping markdown/HTML/list decoration (`#`, `**`, `- `,
  `<p>`), so markdown heading depth never matters,
- nests each item under the nearest open item of a shallower level (levels may be skipped),
- joins titles broken by page breaks (runs of blank lines) and wrapped heading lines,
- keeps the body text under each item, and its exact line span for provenance,
- refuses a region that holds no item at all (a lost tree), naming the region's heading line.

Pure: text in, items out. Building graph nodes from items is `outline_nodes`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from pydantic import Field

from core.numbering import numeral_value
from core.source import DocumentError, SourceText
from core.text import HTML_TAG, clean_title, ends_sentence
from graph.model import EdgeType, Node, NodeKind
from loaders.context import DocInput, DocResult, ProfileSection

_TAG = HTML_TAG.pattern
_DECOR = re.compile(rf"^(?:\s|#+\s*|\*\*|-\s+|{_TAG})+")
_TRAIL_DECOR = re.compile(rf"(?:\*\*|{_TAG}|\s)+$")


def strip_decoration(line: str) -> str:
    """Remove list/markdown/HTML decoration around a line's text (not inside it)."""
    return _TRAIL_DECOR.sub("", _DECOR.sub("", line))


class LevelSpec(ProfileSection):
    kind: NodeKind
    pattern: str
    # id segment prefix, e.g. "g" for goals -> ":g1"
    id: str
    # "line": the title is the marker line (plus wrapped/short continuations);
    # "paragraph": the title runs to the end of the sentence, across page breaks.
    title: Literal["line", "paragraph"] = "line"
    # Split "title：description" on this separator when the part before it is short.
    split_title_at: str | None = None
    split_title_max: int = 40
    # Only accept a marker whose number follows its previous sibling's (else: body text).
    sequential: bool = False
    # With `sequential`: how far a number may jump ahead of its previous sibling and still count
    # (1 = strictly next; 4 also accepts 1 → 5 where a document skipped numbers). Going back
    # (a stray "1." list inside figure text) is never accepted.
    max_gap: int = Field(default=1, ge=1)
    # Siblings must be numbered 1, 2, 3 … in order; anything else means the document is damaged
    # (e.g. shuffled lines) and the load is refused with the line that breaks the order.
    strict: bool = False
    # With `strict`: the number of the first sibling (003's pillars start at 貳: 壹 is the 前言,
    # outside the region).
    first_number: int = Field(default=1, ge=0)
    # With `strict`: a number repeated right after itself (`1.` `1.`) is a typo or a marker repeated
    # by a conversion loop (refused by `max_items` when it runs away), not a change of order: it is
    # kept, with its own id (`…m1~2`), and the sequence goes on from it.
    allow_repeats: bool = False
    # A title of several sentences with no `split_title_at` split keeps its first sentence; the
    # rest becomes the description (measures printed as one paragraph with no heading).
    sentence_title: bool = False
    # With `blocks`: this level is recognised outside blocks too (e.g. the initiatives that the
    # blocks sit under); every other level only inside a block.
    outside_blocks: bool = False


class BlockSpec(ProfileSection):
    """Parts of the region that hold the tree (e.g. each `(一) 推動策略` up to its `表 N` caption).
    The start and end lines are containers, not nodes; text outside blocks belongs to no item unless
    it directly follows an `outside_blocks` item (its introduction)."""

    start: str
    end: str


class OutlineSpec(ProfileSection):
    region_start: str
    region_end: str | None = None
    # The line matching region_start is itself part of the tree (e.g. the first pillar heading).
    region_includes_start: bool = False
    levels: list[LevelSpec]
    # A run of at least this many blank lines is a page break (a title may continue after it).
    page_break_blank_lines: int = 3
    # After a page break, a "line" title joins a continuation no longer than this.
    max_continuation_chars: int = 15
    # Across fewer blank lines than a page break, an unfinished title joins a fragment no longer
    # than this: a word the conversion cut off (000:2380 `…核心價`, 2382 `值`). 0: off.
    max_orphan_chars: int = 0
    # Lines to ignore entirely (page headers, captions).
    skip: list[str] = Field(default_factory=list)
    # Only lines inside these blocks feed the levels not marked `outside_blocks`.
    blocks: BlockSpec | None = None
    # Where a page break leaves a single blank line (indistinguishable from a paragraph break), a
    # title line at least this wide (display columns: a CJK character counts two) that ends neither
    # its sentence nor a bracket was cut by the page break and continues on the next non-blank
    # line; shorter lines are headings. None: off.
    join_cut_lines_width: int | None = None
    # A line ending in two spaces (a markdown hard break) continues on the next line: a title
    # broken that way keeps its second line (e.g. `…觀念  ` / `20 萬 4,823 人次`).
    join_hard_breaks: bool = False
    # Lines that never continue a title: they open a detail list the profile has no level for
    # (e.g. `(1)` under a heading that ends in an agency tag, 003:1523-1525).
    title_stops: list[str] = Field(default_factory=list)
    # More items than this means a damaged document (a conversion loop repeating one marker), not a
    # plan: the biggest bundled plan has about a thousand. Refused with the line where it happens.
    max_items: int = Field(default=50_000, ge=1)


@dataclass
class OutlineItem:
    level: int
    kind: NodeKind
    number: str
    seq: int | None
    title: str
    line_start: int
    line_end: int
    parent: int | None  # index into the item list
    text_lines: list[int] = field(default_factory=list)
    description: str = ""

    @property
    def text(self) -> str:
        return self.description


@dataclass
class _Compiled:
    spec: OutlineSpec
    patterns: list[re.Pattern[str]]
    skip: list[re.Pattern[str]]
    block_start: re.Pattern[str] | None = None
    block_end: re.Pattern[str] | None = None
    stops: list[re.Pattern[str]] = field(default_factory=list)

    def classify(self, raw: str) -> tuple[int, re.Match[str]] | None:
        s = strip_decoration(raw)
        if not s:
            return None
        for i, pat in enumerate(self.patterns):
            m = pat.match(s)
            if m:
                return i, m
        return None

    def skipped(self, raw: str) -> bool:
        return any(p.search(raw) for p in self.skip)

    def stops_title(self, raw: str) -> bool:
        return any(p.search(raw) for p in self.stops)

    def bounds_block(self, raw: str) -> bool:
        """A block's start or end line (a title never continues into one)."""
        bare = strip_decoration(raw)
        return any(p is not None and p.match(bare) for p in (self.block_start, self.block_end))


def _find_region(src: SourceText, spec: OutlineSpec) -> tuple[int, int]:
    start_re = re.compile(spec.region_start)
    start = next((i for i, s in enumerate(src.lines, 1) if start_re.search(s)), None)
    if start is None:
        raise DocumentError(src.file, f"the section that holds the plan tree ({spec.region_start}) is missing")
    end = len(src.lines)
    if spec.region_end:
        end_re = re.compile(spec.region_end)
        end = next((i - 1 for i, s in enumerate(src.lines, 1) if i > start and end_re.search(s)), end)
    return (start if spec.region_includes_start else start + 1), end


def parse_outline(src: SourceText, spec: OutlineSpec) -> list[OutlineItem]:
    comp = _Compiled(
        spec,
        [re.compile(lv.pattern) for lv in spec.levels],
        [re.compile(p) for p in spec.skip],
        re.compile(spec.blocks.start) if spec.blocks else None,
        re.compile(spec.blocks.end) if spec.blocks else None,
        [re.compile(p) for p in spec.title_stops],
    )
    first, last = _find_region(src, spec)
    in_block = spec.blocks is None
    items: list[OutlineItem] = []
    # open[level] = index of the latest item at that level still open
    open_at: dict[int, int] = {}
    last_seq: dict[tuple[int | None, int], int] = {}
    n = first
    current: OutlineItem | None = None
    while n <= last:
        raw = src.line(n)
        if not raw.strip() or comp.skipped(raw):
            n += 1
            continue
        if comp.block_start is not None and comp.block_end is not None:
            bare = strip_decoration(raw)
            if not in_block and comp.block_start.match(bare):
                in_block, current = True, None  # a container line, not an item
                n += 1
                continue
            if in_block and comp.block_end.match(bare):
                in_block, current = False, None
                for k in [k for k in open_at if not spec.levels[k].outside_blocks]:
                    del open_at[k]
                n += 1
                continue
        hit = comp.classify(raw)
        if hit is not None and not in_block and not spec.levels[hit[0]].outside_blocks:
            hit = None  # e.g. a numbered outcome list after the block: not part of the tree
        if hit is not None:
            lvl, m = hit
            spec_l = spec.levels[lvl]
            parent = next((open_at[k] for k in range(lvl - 1, -1, -1) if k in open_at), None)
            number = m.group("num")
            seq = numeral_value(number)
            if spec_l.sequential and seq is not None:
                prev = last_seq.get((parent, lvl))
                if prev is not None and not prev < seq <= prev + spec_l.max_gap:
                    hit = None
            if hit is not None and spec_l.strict and seq is not None:
                previous = last_seq.get((parent, lvl), spec_l.first_number - 1)
                expected = previous + 1
                if seq != expected and not (spec_l.allow_repeats and seq == previous):
                    raise DocumentError(
                        src.file,
                        f"{spec_l.kind.value} numbered {number} where {expected} was expected: "
                        "the outline is out of order (damaged or shuffled document?)",
                        n,
                    )
            if hit is not None:
                if len(items) >= spec.max_items:
                    raise DocumentError(
                        src.file,
                        f"more than {spec.max_items:,} outline items: the document looks damaged "
                        "(a marker repeated by a conversion loop?)",
                        n,
                    )
                title_raw, end = _title_text(src, comp, n, last, m.group("title"), spec_l)
                title, desc = _split_title(clean_title(title_raw), spec_l)
                item = OutlineItem(lvl, spec_l.kind, number, seq, title, n, end, parent)
                item.description = desc
                items.append(item)
                idx = len(items) - 1
                open_at[lvl] = idx
                for k in [k for k in open_at if k > lvl]:
                    del open_at[k]
                if seq is not None:
                    last_seq[(parent, lvl)] = seq
                if spec.blocks is not None and spec_l.outside_blocks:
                    in_block = False
                current = item
                n = end + 1
                continue
        if current is not None:  # body text belongs to the latest item
            current.text_lines.append(n)
        n += 1
    if not items:
        # The heading is there but nothing under it is an item: the tree was lost (a conversion
        # dropped it), which is no more a plan than a document without the section.
        head = first if spec.region_includes_start else first - 1
        raise DocumentError(
            src.file,
            f"the section that holds the plan tree ({src.line(head).strip()[:40]}, lines {head}-{last}) "
            "has no items: no line in it is a numbered item of the outline",
            head,
        )
    for it in items:
        body = " ".join(clean_title(src.line(i)) for i in it.text_lines)
        it.description = " ".join(x for x in (it.description, body) if x)
    return items


def _title_text(src: SourceText, comp: _Compiled, n: int, last: int, first_text: str, lv: LevelSpec) -> tuple[str, int]:
    """The full title starting at line n, and the last line it occupies."""
    parts = [strip_decoration(first_text)]
    end = n
    while True:
        text = "".join(parts)
        if ends_sentence(text):
            break
        nxt = end + 1
        blanks = 0
        while nxt <= last and not src.line(nxt).strip():
            blanks += 1
            nxt += 1
        if nxt > last:
            break
        cand = src.line(nxt)
        if comp.classify(cand) is not None or comp.skipped(cand) or comp.bounds_block(cand):
            break
        if comp.stops_title(cand):
            break
        cont = strip_decoration(cand)
        if blanks > 0 and _cut_by_page_break(src.line(end), comp.spec.join_cut_lines_width):
            parts.append(cont)  # unfinished long line: the page break cut it mid-sentence
            end = nxt
            continue
        if blanks == 0:
            # A wrapped heading line continues only where it visibly breaks mid-phrase.
            wrapped = text.endswith(("，", "、")) or (
                src.line(n).lstrip().startswith("**") and "**" not in strip_decoration(src.line(n))
            )
            if comp.spec.join_hard_breaks and src.line(end).endswith("  "):
                wrapped = True
            if lv.title == "line" and not wrapped:
                break
        elif blanks >= comp.spec.page_break_blank_lines:
            if lv.title == "line" and len(cont) > comp.spec.max_continuation_chars:
                break
        elif len(cont) > comp.spec.max_orphan_chars:
            break
        parts.append(cont)
        end = nxt
    return "".join(parts), end


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _cut_by_page_break(raw: str, min_width: int | None) -> bool:
    """A long line that stops mid-sentence. Headings (markdown `#` or bold) are whole lines unless
    they run on as `title：text`; a line ending in a closing bracket is a finished heading."""
    line = strip_decoration(raw)
    if min_width is None or not line or line.endswith((")", "）", "】", "」", "』")):
        return False
    bare = raw.strip()
    if (bare.startswith("#") or (bare.startswith("**") and bare.endswith("**"))) and "：" not in line:
        return False
    return not ends_sentence(line) and _display_width(line) >= min_width


def _split_title(title: str, lv: LevelSpec) -> tuple[str, str]:
    sep = lv.split_title_at
    if sep and sep in title:
        head, _, tail = title.partition(sep)
        if 0 < len(head) <= lv.split_title_max and tail.strip():
            return head.strip(), tail.strip()
    if lv.sentence_title:
        head, stop, tail = title.partition("。")
        if stop and tail.strip():
            return head.strip() + stop, tail.strip()
    return title, ""


def outline_nodes(
    doc: DocInput,
    spec: OutlineSpec,
    items: list[OutlineItem],
    root_id: str,
    result: DocResult,
) -> list[Node]:
    """Make nodes and CONTAINS edges for outline items under `root_id`; returns the nodes in item
    order (aligned with `items`). Ids are the numbering path, so reloads give the same ids."""
    nodes: list[Node] = []
    used: set[str] = set()
    next_k: dict[str, int] = {}  # base id -> next suffix to try (linear, however often it repeats)
    for it in items:
        lv = spec.levels[it.level]
        parent_id = root_id if it.parent is None else nodes[it.parent].id
        seg = f"{lv.id}{it.seq if it.seq is not None else it.number}"
        base = f"{doc.meta.id}:{seg}" if parent_id == root_id else f"{parent_id}.{seg}"
        k = next_k.get(base, 1)
        node_id = base if k == 1 else f"{base}~{k}"
        while node_id in used:  # repeated numbers under one parent stay distinct and stable
            k += 1
            node_id = f"{base}~{k}"
        next_k[base] = k + 1
        used.add(node_id)
        attrs: dict[str, object] = {}
        if it.description:
            attrs["text"] = it.description
        if it.text_lines:
            attrs["text_lines"] = [it.text_lines[0], it.text_lines[-1]]
        node = Node(
            id=node_id,
            kind=it.kind,
            title=it.title,
            number=it.number,
            order=it.line_start,
            provenance=doc.prov(it.line_start, it.line_end),
            attrs=attrs,
        )
        nodes.append(node)
        result.add_node(node)
        result.add_edge(parent_id, node_id, EdgeType.CONTAINS, node.provenance)
    return nodes
