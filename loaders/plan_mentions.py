"""Plan mentions in prose: find every name of the plan gazetteer (data/plans.yaml) in a text and
type each mention from the wording around it (data/plan_cues.yaml). Pure functions.

Names are matched on a folded copy of the text (each character NFKC-folded, converted to
Simplified, lower-cased; dash and middle-dot variants unified; whitespace dropped, so a name
broken by a line break or a stray space still matches). An offset map takes every match back to
the original text. The longest name wins where names overlap, and the names of `not_plans`
(slogans, bodies) take part in that contest, so 「行政院智慧國家推動小組」 hides nothing inside it.

Typing: the mention's clause and sentence are cut from its line (joined with the lines a page
break cut it from); the cue rules are tried in order on the text before or after the mention.

The documents of the corpus manifest are plans too (`with_documents`): each one's title, short
name and aliases name it, merged with the gazetteer entry that describes the same document.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, model_validator

from graph.model import DocumentMeta, EdgeType
from loaders.corpus import DATA_DIR
from loaders.fold import MARKUP, fold, fold_char, fold_name
from loaders.source import DocumentError, read_config_yaml
from loaders.text import HTML_TAG

PLANS_FILE = DATA_DIR / "plans.yaml"
CUES_FILE = DATA_DIR / "plan_cues.yaml"

# Markdown emphasis and headings say nothing about the wording.
_CLAUSE_END = set("，,；;：:。！？!?")
_SENTENCE_END = set("。！？!?")
# A line that ends like this ends its sentence; one that does not may continue after a page break.
_FINAL = ("。", "！", "？", "!", "?", "；", ";", "：", ":")
# A line that starts a list item, heading, caption or table row never continues the line before it.
_ITEM_START = re.compile(
    r"^\s*(?:[-*#>|]|<|[(（]?[0-9０-９一二三四五六七八九十壹貳參肆伍陸柒捌IVXivx]{1,4}[)）、.．]|"
    r"[■□✓●◆◇•▪►]|[A-Za-z][.)]\s|(?:表|圖|資料來源|註)\s*[0-9０-９：:]|\t)"
)
# Table-of-contents lines (dot leaders or a tab, then a page number) copy headings: not mentions.
_TOC_LINE = re.compile(r"(?:\.{4,}|…{2,}|·{4,}|\t)\s*\d{1,3}\s*$")
# `(2024–2028)`, `(草案)`: dropped from the cue text so a cue reaches past it.
_SHORT_PAREN = re.compile(r"\([^()]{0,20}\)")
_ASCII_ALNUM = re.compile(r"[A-Za-z0-9]")
OTHER_MENTION = "※"
# How many lines a sentence may be joined over (page breaks) before and after the mention line.
MAX_JOIN = 2
MIN_JOIN_CHARS = 20


# --- reference data -----------------------------------------------------------------------------
class Trap(BaseModel):
    pattern: str
    reason: str
    window: int = Field(default=40, ge=1)


class LocalAlias(BaseModel):
    document: str
    name: str
    type: EdgeType = EdgeType.MENTIONS
    reason: str


class PlanEntry(BaseModel):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    document: str | None = None
    aliases: list[str] = Field(default_factory=list)
    local_aliases: list[LocalAlias] = Field(default_factory=list)
    kind: str = "plan"
    period: tuple[int, int] | None = None
    not_when: list[Trap] = Field(default_factory=list)
    part_of: str | None = None
    note: str | None = None

    @property
    def names(self) -> list[str]:
        return [self.name, *self.aliases]


class NotPlan(BaseModel):
    name: str
    aliases: list[str] = Field(default_factory=list)
    reason: str

    @property
    def names(self) -> list[str]:
        return [self.name, *self.aliases]


class SkipRegion(BaseModel):
    """Lines of one document whose plan names are not mentions (a table of other countries' plans):
    from the first line matching `start` to the line before the next one matching `end`."""

    document: str
    start: str
    end: str
    reason: str

    def lines(self, lines: Sequence[str]) -> range | None:
        rs, re_ = re.compile(self.start), re.compile(self.end)
        first = next((i for i, t in enumerate(lines, 1) if rs.search(t)), None)
        if first is None:
            return None
        last = next((i for i in range(first + 1, len(lines) + 1) if re_.search(lines[i - 1])), len(lines) + 1)
        return range(first, last)


class Gazetteer(BaseModel):
    plans: list[PlanEntry]
    not_plans: list[NotPlan] = Field(default_factory=list)
    skip_regions: list[SkipRegion] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_meaning_per_name(self) -> Gazetteer:
        ids = [p.id for p in self.plans]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"plan id(s) listed twice: {', '.join(dup)}")
        owner: dict[str, str] = {}
        for label, names in [(p.id, p.names) for p in self.plans] + [
            (f"not_plans:{n.name}", n.names) for n in self.not_plans
        ]:
            for name in names:
                key = fold_name(name)
                if not key:
                    raise ValueError(f"{label}: empty name")
                if owner.setdefault(key, label) != label:
                    raise ValueError(f"the name {name!r} belongs to both {owner[key]} and {label}")
        known = set(ids)
        for p in self.plans:
            if p.part_of is not None and p.part_of not in known:
                raise ValueError(f"{p.id}: part_of names unknown plan {p.part_of!r}")
        return self

    def entry(self, plan_id: str) -> PlanEntry:
        return self._by_id[plan_id]

    @cached_property
    def _by_id(self) -> dict[str, PlanEntry]:
        return {p.id: p for p in self.plans}


class CueRule(BaseModel):
    id: str
    type: EdgeType
    direction: Literal["forward", "reverse"] = "forward"
    side: Literal["before", "after"]
    scope: Literal["clause", "sentence"] = "clause"
    pattern: str
    example: str | None = None


class CueBook(BaseModel):
    rules: list[CueRule]


class ReferenceError(ValueError):
    """Reference data that cannot be used; str() is one line naming the file."""


def _read_yaml(path: Path) -> object:
    try:
        return read_config_yaml(path, "the reference file")
    except DocumentError as exc:
        raise ReferenceError(str(exc)) from None


def _validated(model: type[BaseModel], path: Path) -> BaseModel:
    try:
        return model.model_validate(_read_yaml(path))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ReferenceError(f"{path}: {where}: {first['msg']}".replace(": : ", ": ")) from None


def load_gazetteer(path: Path = PLANS_FILE) -> Gazetteer:
    g = _validated(Gazetteer, path)
    assert isinstance(g, Gazetteer)
    return g


def load_cues(path: Path = CUES_FILE) -> CueBook:
    c = _validated(CueBook, path)
    assert isinstance(c, CueBook)
    for r in c.rules:
        try:
            _cue_regex(r.pattern)
        except re.error as exc:
            raise ReferenceError(f"{path}: rule {r.id}: bad pattern: {exc}") from None
    return c


@lru_cache(maxsize=4)
def default_gazetteer() -> Gazetteer:
    return load_gazetteer()


@lru_cache(maxsize=4)
def default_cues() -> CueBook:
    return load_cues()


@lru_cache(maxsize=256)
def _cue_regex(pattern: str) -> re.Pattern[str]:
    # Only CJK characters are folded: regex syntax (and its case) must stay as written.
    folded = "".join(fold_char(c) if unicodedata.category(c) == "Lo" else c for c in pattern)
    return re.compile(folded, re.IGNORECASE)


# --- the manifest's documents as plans ----------------------------------------------------------
# A manifest name shorter than this (folded) would match ordinary words ("AI"): not used.
MIN_MANIFEST_NAME = 3


@dataclass(frozen=True)
class UnusedName:
    """A name a manifest entry gives its document that the linker does not take, and why."""

    document: str
    name: str
    reason: str


def with_documents(g: Gazetteer, docs: Sequence[DocumentMeta]) -> tuple[Gazetteer, list[UnusedName]]:
    """The gazetteer with every manifest document as a plan: its title, short name and aliases
    become names of the gazetteer entry that describes it (`document:` its id; else an entry
    without a document whose id is the document's id or whose names hold its title or short name,
    which thereby becomes in-corpus), or of a new entry (id = the document id) when none does.

    The gazetteer keeps its own names: a manifest name that is another plan's name or a
    `not_plans` name (a slogan, a body) stays theirs, a name two documents give themselves is
    neither's, and a name shorter than MIN_MANIFEST_NAME is not used; each such name is returned
    with the reason. Traps (`not_when`), local aliases and skip regions stay as they are."""
    owner: dict[str, str] = {}
    for p in g.plans:
        for name in p.names:
            owner.setdefault(fold_name(name), p.id)
    for other in g.not_plans:
        for name in other.names:
            owner.setdefault(fold_name(name), f"not_plans:{other.name}")
    loaded = {d.id for d in docs}
    # The entry of each document: by `document`, else adopted by id or full name.
    entry_of: dict[str, PlanEntry] = {}
    for p in g.plans:
        if p.document in loaded:
            entry_of.setdefault(p.document, p)
    unused: list[UnusedName] = []
    # An entry without a document describes a manifest document whose id is its id, or whose
    # title or short name is one of its names.
    undocumented = {p.id for p in g.plans if p.document is None}
    claimed: dict[str, list[str]] = {}  # entry id -> documents it describes
    for d in docs:
        if d.id in entry_of:
            continue
        full = {owner.get(fold_name(d.title)), owner.get(fold_name(d.short_name))}
        for pid in sorted(({d.id} | {f for f in full if f is not None}) & undocumented):
            claimed.setdefault(pid, []).append(d.id)
    for pid, ds in claimed.items():
        if len(ds) == 1 and ds[0] not in entry_of:
            entry_of[ds[0]] = g.entry(pid)
        else:
            for d_id in ds:
                why = (
                    f"gazetteer plan {pid} matches {len(ds)} documents"
                    if len(ds) > 1
                    else f"gazetteer plan {pid} matches it, but another gazetteer entry already describes it"
                )
                unused.append(UnusedName(d_id, g.entry(pid).name, why))
    taken_ids = {p.id for p in g.plans}
    # Names each document gives itself that the gazetteer leaves free.
    wanted: dict[str, list[tuple[str, str]]] = {}  # folded name -> [(document, name as written)]
    for d in docs:
        own = entry_of.get(d.id)
        seen: set[str] = set()
        for name in [d.title, d.short_name, *d.aliases]:
            key = fold_name(name)
            if key in seen:
                continue
            seen.add(key)
            holder = owner.get(key)
            if own is not None and holder == own.id:
                continue
            if holder is not None:
                unused.append(UnusedName(d.id, name, f"the plan gazetteer gives this name to {holder}"))
            elif len(key) < MIN_MANIFEST_NAME:
                unused.append(UnusedName(d.id, name, f"shorter than {MIN_MANIFEST_NAME} characters"))
            else:
                wanted.setdefault(key, []).append((d.id, name))
    extra: dict[str, list[str]] = {}
    for holders in wanted.values():
        if len(holders) == 1:
            extra.setdefault(holders[0][0], []).append(holders[0][1])
            continue
        both = ", ".join(sorted(h[0] for h in holders))
        unused += [UnusedName(d_id, name, f"documents {both} all give themselves this name") for d_id, name in holders]
    replaced: dict[str, PlanEntry] = {}
    added: list[PlanEntry] = []
    for d in docs:
        names = extra.get(d.id, [])
        own = entry_of.get(d.id)
        if own is not None:
            if names or own.document != d.id:
                replaced[own.id] = own.model_copy(update={"document": d.id, "aliases": [*own.aliases, *names]})
        elif names:
            pid = d.id if d.id not in taken_ids else f"{d.id}~manifest"
            taken_ids.add(pid)
            # Built, not validated: the id is a manifest id (any spelling), the names were checked above.
            added.append(
                PlanEntry.model_construct(
                    id=pid,
                    name=names[0],
                    document=d.id,
                    aliases=names[1:],
                    local_aliases=[],
                    kind=d.kind,
                    period=(d.period_start, d.period_end) if d.period_start and d.period_end else None,
                    not_when=[],
                    part_of=None,
                    note=None,
                )
            )
    merged = Gazetteer.model_construct(
        plans=[replaced.get(p.id, p) for p in g.plans] + added,
        not_plans=g.not_plans,
        skip_regions=g.skip_regions,
    )
    return merged, sorted(unused, key=lambda u: (u.document, u.name))


# --- finding names ------------------------------------------------------------------------------
@dataclass(frozen=True)
class PlanMention:
    start: int  # offsets into the text given to find_plan_mentions
    end: int
    surface: str
    # Gazetteer id of the plan; None for a not_plans name.
    plan: str | None
    # Why this is not a mention of `plan` (a trap's or not_plans' reason); None when it is one.
    rejected: str | None = None
    # The type a local alias fixes (its wording is the cue), else None.
    fixed_type: EdgeType | None = None
    # A local alias's reason (data/plans.yaml): why these words name the plan in this document.
    alias_reason: str | None = None

    @property
    def accepted(self) -> bool:
        return self.rejected is None and self.plan is not None


@dataclass(frozen=True)
class _Name:
    plan: str | None
    reason: str | None  # not_plans reason
    fixed_type: EdgeType | None
    ascii_start: bool
    ascii_end: bool
    alias_reason: str | None = None  # a local alias's reason


@dataclass
class _Matcher:
    regex: re.Pattern[str]
    names: dict[str, _Name]


_MATCHERS: dict[tuple[int, str | None], tuple[Gazetteer, _Matcher]] = {}
# Matchers kept (a reload with another manifest makes another gazetteer).
MAX_MATCHERS = 32


def _trie_pattern(keys: Iterable[str]) -> str:
    """One regex for many literal names, as a trie (`ab(?:c|d(?:e)?)` for ab, abc, abd, abde): at each
    position it follows only the names that start with the text there, so thousands of names
    (a manifest of 1,000 plans) cost little more than ten; the longest name wins, as with an
    alternation sorted longest first (the next character picks at most one branch, and a name that
    ends at a node is tried only after the longer names through it)."""
    trie: dict[str, Any] = {}
    for key in keys:
        node = trie
        for c in key:
            node = node.setdefault(c, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = [re.escape(c) + emit(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        if len(branches) == 1 and "" not in node:
            return branches[0]
        group = "(?:" + "|".join(branches) + ")"
        return group + "?" if "" in node else group

    return emit(trie)


def _matcher(g: Gazetteer, document: str | None) -> _Matcher:
    """One regex per gazetteer (and per document with local aliases) over all its names."""
    if not any(la.document == document for p in g.plans for la in p.local_aliases):
        document = None  # the same names as every other document
    cached = _MATCHERS.get((id(g), document))
    if cached is not None and cached[0] is g:
        return cached[1]
    names: dict[str, _Name] = {}

    def add(name: str, entry: _Name) -> None:
        key = fold_name(name)
        names.setdefault(key, entry)

    for p in g.plans:
        for name in p.names:
            add(name, _Name(p.id, None, None, bool(_ASCII_ALNUM.match(name)), bool(_ASCII_ALNUM.search(name[-1:]))))
        for la in p.local_aliases:
            if la.document == document:
                add(la.name, _Name(p.id, None, la.type, False, False, la.reason))
    for other in g.not_plans:
        for name in other.names:
            add(name, _Name(None, other.reason, None, False, False))
    m = _Matcher(re.compile(_trie_pattern(names)), names)
    while len(_MATCHERS) >= MAX_MATCHERS:
        del _MATCHERS[next(iter(_MATCHERS))]
    _MATCHERS[(id(g), document)] = (g, m)
    return m


def _ascii_ok(text: str, start: int, end: int, name: _Name) -> bool:
    """A name that starts or ends with a Latin letter or digit must not run into another one
    (`15+2…` is not 5+2, `DIGI+X` not DIGI+)."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    bad_before = name.ascii_start and bool(_ASCII_ALNUM.match(unicodedata.normalize("NFKC", before)))
    bad_after = name.ascii_end and bool(_ASCII_ALNUM.match(unicodedata.normalize("NFKC", after)))
    return not (bad_before or bad_after)


def find_plan_mentions(text: str, gazetteer: Gazetteer | None = None, document: str | None = None) -> list[PlanMention]:
    """Every gazetteer name in `text`, in order, with traps and not_plans marked `rejected`
    (callers keep only `accepted` ones; tests look at the others). `document` enables that
    document's local aliases."""
    g = gazetteer or default_gazetteer()
    m = _matcher(g, document)
    folded, offsets = fold(text)
    out: list[PlanMention] = []
    for hit in m.regex.finditer(folded):
        name = m.names[hit.group(0)]
        start = offsets[hit.start()]
        end = offsets[hit.end() - 1] + 1
        if not _ascii_ok(text, start, end, name):
            continue
        surface = text[start:end]
        if name.plan is None:
            out.append(PlanMention(start, end, surface, None, name.reason))
            continue
        rejected = None
        for trap in g.entry(name.plan).not_when:
            window = folded[max(0, hit.start() - trap.window) : hit.end() + trap.window]
            if _cue_regex(trap.pattern).search(window):
                rejected = trap.reason
                break
        out.append(PlanMention(start, end, surface, name.plan, rejected, name.fixed_type, name.alias_reason))
    return out


# --- where a mention sits -------------------------------------------------------------------------
def line_starts(text: str) -> list[int]:
    """Offset of the first character of each line (index 0 = line 1)."""
    starts = [0]
    starts.extend(i + 1 for i, c in enumerate(text) if c == "\n")
    return starts


def line_of(starts: Sequence[int], offset: int) -> int:
    """1-based line holding `offset`."""
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo + 1


def is_toc_line(line: str) -> bool:
    return bool(_TOC_LINE.search(line))


def _joinable(prev: str, nxt: str) -> bool:
    """Does `nxt` continue the sentence `prev` left open (a page break cut it)?"""
    p = HTML_TAG.sub("", prev).strip()
    return len(p) >= MIN_JOIN_CHARS and not p.endswith(_FINAL) and not _ITEM_START.match(nxt)


def paragraph_lines(lines: Sequence[str], first: int, last: int) -> tuple[int, int]:
    """The 1-based line span of the sentence run around lines first..last: the lines joined over
    page breaks (blank lines) where a line leaves its sentence open."""
    lo, hi = first, last
    for _ in range(MAX_JOIN):
        prev = lo - 1
        while prev >= 1 and not lines[prev - 1].strip():
            prev -= 1
        if prev < 1 or not _joinable(lines[prev - 1], lines[lo - 1]):
            break
        lo = prev
    for _ in range(MAX_JOIN):
        nxt = hi + 1
        while nxt <= len(lines) and not lines[nxt - 1].strip():
            nxt += 1
        if nxt > len(lines) or not _joinable(lines[hi - 1], lines[nxt - 1]):
            break
        hi = nxt
    return lo, hi


# --- typing a mention -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Typing:
    type: EdgeType
    # forward: mentioning item -> mentioned plan; reverse: mentioned plan -> mentioning item.
    direction: Literal["forward", "reverse"]
    rule: str | None  # cue rule id; None for MENTIONS by default, "local-alias" for a fixed type
    cue: str | None  # the cue words as printed
    # Where they start and end (last character) in the original text.
    cue_span: tuple[int, int] | None


DEFAULT_TYPING = Typing(EdgeType.MENTIONS, "forward", None, None, None)


def _bounds(text: str, lo: int, hi: int, start: int, end: int, stops: set[str]) -> tuple[int, int]:
    a = start
    while a > lo and text[a - 1] not in stops:
        a -= 1
    b = end
    while b < hi and text[b] not in stops:
        b += 1
    return a, b


def _side(text: str, lo: int, hi: int, holes: Sequence[tuple[int, int]]) -> tuple[str, list[int]]:
    """text[lo:hi] folded, other mentions replaced by ※, HTML and short parentheses dropped."""
    chars: list[str] = []
    offsets: list[int] = []
    i = lo
    holes = sorted(h for h in holes if h[1] > lo and h[0] < hi)
    hi_idx = 0
    while i < hi:
        if hi_idx < len(holes) and i >= holes[hi_idx][0]:
            chars.append(OTHER_MENTION)
            offsets.append(holes[hi_idx][0])
            i = max(i + 1, holes[hi_idx][1])
            hi_idx += 1
            continue
        c = text[i]
        if c == "<":
            tag = HTML_TAG.match(text, i, hi)
            if tag:
                i = tag.end()
                continue
        if not c.isspace() and c not in MARKUP:
            chars.append(fold_char(c))
            offsets.append(i)
        i += 1
    s = "".join(chars)
    for p in reversed(list(_SHORT_PAREN.finditer(s))):
        s = s[: p.start()] + s[p.end() :]
        del offsets[p.start() : p.end()]
    return s, offsets


def classify(
    text: str,
    span: tuple[int, int],
    mention: PlanMention,
    others: Sequence[PlanMention],
    cues: CueBook | None = None,
) -> Typing:
    """Type a mention from the wording of its clause/sentence inside `span` (the original-text
    offsets of its sentence run, see `paragraph_lines`)."""
    if mention.fixed_type is not None:
        return Typing(mention.fixed_type, "forward", "local-alias", None, None)
    book = cues or default_cues()
    lo, hi = span
    holes = [(o.start, o.end) for o in others if o is not mention]
    bounds = {
        "clause": _bounds(text, lo, hi, mention.start, mention.end, _CLAUSE_END),
        "sentence": _bounds(text, lo, hi, mention.start, mention.end, _SENTENCE_END),
    }
    sides: dict[tuple[str, str], tuple[str, list[int]]] = {}
    for rule in book.rules:
        key = (rule.scope, rule.side)
        if key not in sides:
            a, b = bounds[rule.scope]
            sides[key] = (
                _side(text, a, mention.start, holes) if rule.side == "before" else _side(text, mention.end, b, holes)
            )
        s, offsets = sides[key]
        hit = _cue_regex(rule.pattern).search(s)
        if hit is None:
            continue
        # The cue words: the rule's `cue` group where it has one (the wildcard around is context).
        named = [g for g in ("cue", "cue2") if hit.groupdict().get(g)]
        a, b = hit.span(named[0]) if named else hit.span()
        if b <= a:
            return Typing(rule.type, rule.direction, rule.id, None, None)
        cue_span = (offsets[a], offsets[b - 1])
        return Typing(rule.type, rule.direction, rule.id, text[cue_span[0] : cue_span[1] + 1], cue_span)
    return DEFAULT_TYPING
