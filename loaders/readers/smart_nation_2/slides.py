"""Slide-deck structure: pure functions for documents converted from presentation slides, where the
hierarchy comes from slide position and bullet glyphs, not from numbering.

Two shapes are handled, both driven by patterns from a profile:

- **detail slides**: a heading, its description line, then bare short lines (strategy names) each
  followed by bullet items (`■ title` + description). The generic outline parser finds the headings
  and bullets; `slide_sections` splits each item's body lines into its description and the bare
  headings that open the next section.
- **organisation charts**: per group a name line, `召集部會：X`, `共同召集部會：Y/Z`, then `- section
  (A/B)` bullets and nested ` - ✓ item/item(A/B)` bullets (`parse_group_chart`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from core.source import SourceText
from core.text import clean_title, match_key
from loaders.context import ProfileSection
from loaders.outline import strip_decoration

# --------------------------------------------------------------------------------------------------
# Detail slides


class SectionRules(ProfileSection):
    """What a bare section heading on a detail slide looks like: short, no sentence punctuation."""

    max_chars: int = 16
    forbidden: str = "[，。；：:！？]"


@dataclass(frozen=True)
class SlideLine:
    line: int
    text: str


def is_section_heading(text: str, rules: SectionRules) -> bool:
    t = text.strip()
    return 0 < len(t) <= rules.max_chars and not re.search(rules.forbidden, t)


def slide_sections(
    src: SourceText, body_lines: Sequence[int], rules: SectionRules
) -> tuple[SlideLine | None, list[SlideLine]]:
    """An item's body on a detail slide: its description (the first non-heading line) and the bare
    section headings after it, in order. The headings open sections for the items that follow."""
    description: SlideLine | None = None
    headings: list[SlideLine] = []
    for n in body_lines:
        text = clean_title(strip_decoration(src.line(n)))
        if not text:
            continue
        if description is None and not headings and not is_section_heading(text, rules):
            description = SlideLine(n, text)
        elif is_section_heading(text, rules):
            headings.append(SlideLine(n, text))
        elif description is not None and not headings:
            description = SlideLine(description.line, f"{description.text}{text}")
    return description, headings


# --------------------------------------------------------------------------------------------------
# Organisation charts


class ChartRules(ProfileSection):
    convener: str = r"^召集部會[：:]\s*(?P<names>.+)$"
    co_convener: str = r"^共同召集部會[：:]\s*(?P<names>.+)$"
    section: str = r"^-\s*(?P<name>[^(（✓]+?)\s*(?:[(（](?P<agencies>[^)）]*)[)）])?\s*$"
    item: str = r"^-\s*✓\s*(?P<names>[^(（]+?)\s*(?:[(（](?P<agencies>[^)）]*)[)）])?\s*$"
    # Separates agencies in `(A/B/C)` and names in `✓ x/y/z`.
    separator: str = r"[/／]"


@dataclass(frozen=True)
class ChartItem:
    line: int
    names: tuple[str, ...]
    agencies: tuple[str, ...]
    raw: str


@dataclass
class ChartSection:
    line: int
    name: str
    agencies: tuple[str, ...]
    raw: str
    items: list[ChartItem] = field(default_factory=list)


@dataclass
class ChartGroup:
    line: int
    name: str
    conveners: tuple[str, ...] = ()
    convener_line: int | None = None
    co_conveners: tuple[str, ...] = ()
    co_convener_line: int | None = None
    sections: list[ChartSection] = field(default_factory=list)


def split_list(text: str | None, separator: str) -> tuple[str, ...]:
    """`數發部/經濟部` → (數發部, 經濟部); empty parts (a leading `/`, 004:655) are dropped."""
    if not text:
        return ()
    return tuple(p.strip() for p in re.split(separator, text) if p.strip())


def parse_group_chart(
    src: SourceText, start: int, end: int, group_names: Sequence[str], rules: ChartRules
) -> list[ChartGroup]:
    """The groups of an organisation chart between lines start..end (inclusive)."""
    conv, co = re.compile(rules.convener), re.compile(rules.co_convener)
    sec_re, item_re = re.compile(rules.section), re.compile(rules.item)
    names = {match_key(g): g for g in group_names}
    groups: list[ChartGroup] = []
    for n in range(start, end + 1):
        raw = src.line(n)
        text = clean_title(raw)
        if not text:
            continue
        if match_key(text) in names:
            groups.append(ChartGroup(n, names[match_key(text)]))
            continue
        if not groups:
            continue
        g = groups[-1]
        if m := conv.match(text):
            g.conveners, g.convener_line = split_list(m.group("names"), rules.separator), n
        elif m := co.match(text):
            g.co_conveners, g.co_convener_line = split_list(m.group("names"), rules.separator), n
        elif m := item_re.match(text):
            if g.sections:
                g.sections[-1].items.append(
                    ChartItem(
                        n,
                        split_list(m.group("names"), rules.separator),
                        split_list(m.group("agencies"), rules.separator),
                        text,
                    )
                )
        elif m := sec_re.match(text):
            g.sections.append(
                ChartSection(n, m.group("name").strip(), split_list(m.group("agencies"), rules.separator), text)
            )
    return groups


def find_line(src: SourceText, pattern: str, start: int = 1, end: int | None = None) -> int | None:
    """First line in start..end matching the pattern (searched in the decoration-free text)."""
    rx = re.compile(pattern)
    last = len(src.lines) if end is None else end
    return next((n for n in range(start, last + 1) if rx.search(clean_title(src.line(n)))), None)
