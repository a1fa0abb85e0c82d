"""Agencies as reference data (data/agencies.yaml): resolve the names documents print to one
canonical agency, split the agency cells and tags of the documents into names, and collect the
agencies a load mentions into Agency nodes.

Matching is insensitive to full/half width (NFKC), Traditional/Simplified (OpenCC) and spaces,
because the documents mix all three (`數發 部`, `商机`, `（` vs `(`).

Names come in two scopes. Global names (full names, abbreviations, former names, and a unit's
name prefixed with any name of its parent: `衛福部健保署`) resolve anywhere; one global name never
means two agencies (`index_collisions` checks it, loading fails on a collision). A sub-unit's bare
name (`資訊處`, `鐵道局`) also resolves *in context*: after its ministry in the same cell
(`交通部公路局、鐵道局`). Units marked `local` in the YAML (generic names such as 資訊處 that several
ministries have) resolve only in context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field
from rapidfuzz import fuzz, process

from core.errors import PolicyGraphError
from core.fold import norm_key
from core.paths import AGENCIES_FILE
from core.source import parse_config_yaml, read_config_text

REF_DOCUMENT = "ref:agencies"


# Fuzzy matching is the last resort for a cell name nothing else resolves (003:1595 金融管理委員會):
# accept only a clear winner, and never for short names, where one character is most of the name.
FUZZY_MIN_SCORE = 85.0
FUZZY_MIN_MARGIN = 5.0
FUZZY_MIN_LEN = 4


class AgencyRecord(BaseModel):
    id: str
    name: str
    english: str | None = None
    abbreviations: list[str] = Field(default_factory=list)
    former_names: list[str] = Field(default_factory=list)
    parent: str | None = None
    category: str = "agency"
    # A sub-unit's own name inside its parent (水利署 of 經濟部水利署).
    unit: str | None = None
    # Bare unit names are generic (資訊處): resolve them only after the parent in the same cell.
    local: bool = False
    # Competent authority of a foundation / administrative corporation (not an internal unit).
    supervisor: str | None = None
    # False for names that only look like an agency (a venue): listed so they shadow real names.
    is_agency: bool = True
    # 1-based line of this entry in the reference file, filled in when loaded (provenance).
    line: int = 0

    @property
    def aliases(self) -> list[str]:
        unit = [self.unit] if self.unit and self.unit != self.name else []
        return [*unit, *self.abbreviations, *self.former_names, *([self.english] if self.english else [])]

    @property
    def bare_names(self) -> list[str]:
        """Names a unit goes by inside its parent (prefixed by the parent's names, or in context)."""
        return [*([self.unit] if self.unit else []), *self.abbreviations, *self.former_names]


def _has_cjk(text: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" for c in text)


def _global_names(rec: AgencyRecord, records: dict[str, AgencyRecord]) -> list[str]:
    """Every name that means `rec` anywhere: its full and English names, its bare names unless it
    is a local unit, and each bare name prefixed with every Chinese name of its ancestors."""
    names = [rec.name, *([rec.english] if rec.english else [])]
    if rec.parent is None or not rec.local:
        names += rec.bare_names
    else:
        # A local unit's former full names (行政院資通安全處) are not generic.
        names += [n for n in rec.former_names if n not in (rec.unit, *rec.abbreviations)]
    if rec.parent is not None and rec.parent in records:
        prefixes = [p for p in _global_names(records[rec.parent], records) if _has_cjk(p)]
        names += [p + n for p in prefixes for n in rec.bare_names]
    return list(dict.fromkeys(names))


def index_collisions(records: dict[str, AgencyRecord]) -> dict[str, list[str]]:
    """Keys that would mean more than one agency: global names, and bare unit names within one
    parent (`parent-id:key`). Empty for a sound gazetteer."""
    owners: dict[str, set[str]] = {}
    for rec in records.values():
        for name in _global_names(rec, records):
            owners.setdefault(norm_key(name), set()).add(rec.id)
        if rec.parent is not None:
            for name in rec.bare_names:
                owners.setdefault(f"{rec.parent}:{norm_key(name)}", set()).add(rec.id)
    return {k: sorted(v) for k, v in sorted(owners.items()) if len(v) > 1}


@dataclass(frozen=True)
class NameRef:
    """One agency name found in a cell or tag, in order of appearance.

    `record` is None when nothing resolves it (the caller reports it with its line) and for
    collectives. `outer` is the body outside a parenthesis (`國科會前瞻處(國網中心)`: record is
    國網中心, outer 前瞻處). `group` is the collective a member list belongs to
    (`相關部會(內政部、…)`). `in_context` marks a bare unit name resolved through the agency named
    before it (`交通部公路局、鐵道局`); `fuzzy` a name resolved only by fuzzy matching."""

    surface: str
    record: AgencyRecord | None
    is_collective: bool
    position: int
    start: int = 0
    end: int = 0
    outer: AgencyRecord | None = None
    group: str | None = None
    in_context: bool = False
    fuzzy: bool = False
    score: float = 100.0


@dataclass
class _Hit:
    record: AgencyRecord
    in_context: bool = False
    outer: AgencyRecord | None = None
    fuzzy: bool = False
    score: float = 100.0


# Separators between names in a cell; the slash also splits (lead/co is split_lead_co's business).
_SEPARATORS = set("、，,；;／/")
_CONJUNCTIONS = ("及", "與", "和")
_OPEN = "(（"
_CLOSE = ")）"
# Markup around names in cells and tags: HTML tags, markdown bold, 【】, and labels.
_MARKUP = re.compile(r"<[^>]{0,80}>|\*\*|【|】|(?:共同)?召集部會\s*[:：]|(?:主|協)辦(?:機關)?\s*[:：]")
_TRAILING = re.compile(r"(?:等)?[\s。.]*$")
# Generic groups beyond the YAML list (各相關機關, 其他部會); matched on norm_key, hence Simplified.
_COLLECTIVE_PATTERN = re.compile(r"^(各|相关|其他).{0,12}(机关|部会|单位|政府|县市)$")


def _blank(text: str) -> str:
    """Markup replaced by spaces of the same length, so offsets stay those of the cell."""
    return _MARKUP.sub(lambda m: " " * len(m.group(0)), text)


def _top_level_spans(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Spans of text[lo:hi] between separators that are outside parentheses."""
    spans: list[tuple[int, int]] = []
    depth = 0
    start = lo
    for i in range(lo, hi):
        c = text[i]
        if c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and c in _SEPARATORS:
            spans.append((start, i))
            start = i + 1
    spans.append((start, hi))
    return [(a, b) for a, b in (_strip_span(text, a, b) for a, b in spans) if b > a]


def _strip_span(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    m = _TRAILING.search(text, a, b)
    if m and m.start() > a:
        b = m.start()
    return a, b


def _paren_split(text: str, a: int, b: int) -> tuple[int, int, int, int] | None:
    """(outer_start, outer_end, inner_start, inner_end) for `outer(inner)` filling text[a:b]."""
    if b - a < 3 or text[b - 1] not in _CLOSE:
        return None
    depth = 0
    for i in range(b - 1, a - 1, -1):
        c = text[i]
        if c in _CLOSE:
            depth += 1
        elif c in _OPEN:
            depth -= 1
            if depth == 0:
                oa, ob = _strip_span(text, a, i)
                return (oa, ob, i + 1, b - 1) if ob > oa else None
    return None


def _wrapped(text: str, a: int, b: int) -> bool:
    """text[a:b] is one parenthesised group: `(A/B)`, not `(A)B(C)`."""
    if b - a < 2 or text[a] not in _OPEN or text[b - 1] not in _CLOSE:
        return False
    depth = 0
    for i in range(a, b):
        if text[i] in _OPEN:
            depth += 1
        elif text[i] in _CLOSE:
            depth -= 1
            if depth == 0 and i < b - 1:
                return False
    return True


def split_lead_co(cell: str) -> tuple[str, str | None]:
    """`A／B、C` -> ("A", "B、C"): split at the first full- or half-width slash outside
    parentheses. No slash -> (cell, None). Markup and a wrapping parenthesis are dropped first
    (`(國科會/經濟部)`); a leading slash gives an empty lead (004:655 `(/國發會/國科會/…)`)."""
    cell = _blank(cell).strip()
    if _wrapped(cell, 0, len(cell)):
        cell = cell[1:-1]
    depth = 0
    for i, c in enumerate(cell):
        if c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and c in "／/":
            return cell[:i].strip(), cell[i + 1 :].strip()
    return cell.strip(), None


@dataclass
class AgencyBook:
    """The gazetteer: every agency, a key -> id index over its global names, and per parent an
    index of its units' bare names (for names that take the agency named before them)."""

    records: dict[str, AgencyRecord]
    collectives: list[str] = field(default_factory=list)
    path: Path = AGENCIES_FILE
    _index: dict[str, str] = field(default_factory=dict)
    _units: dict[str, dict[str, str]] = field(default_factory=dict)
    _collective_keys: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        clashes = index_collisions(self.records)
        if clashes:
            shown = "; ".join(f"{k} -> {', '.join(v)}" for k, v in list(clashes.items())[:5])
            raise ValueError(f"{self.path.name}: a name means more than one agency: {shown}")
        for rec in self.records.values():
            for name in _global_names(rec, self.records):
                self._index[norm_key(name)] = rec.id
            if rec.parent is not None:
                units = self._units.setdefault(rec.parent, {})
                for name in rec.bare_names:
                    units[norm_key(name)] = rec.id
        self._collective_keys = {norm_key(c) for c in self.collectives}

    def names_of(self, rec: AgencyRecord) -> list[str]:
        """Every global name of an agency (the forms that resolve without context)."""
        return _global_names(rec, self.records)

    # -- single names ---------------------------------------------------------------------------

    def _lookup(self, key: str, context: AgencyRecord | None) -> _Hit | None:
        cur = context
        while cur is not None:  # the context, then its parent, ... (交通部中央氣象署、運輸研究所)
            hit = self._units.get(cur.id, {}).get(key)
            if hit:
                return _Hit(self.records[hit], in_context=True)
            cur = self.records.get(cur.parent) if cur.parent else None
        hit = self._index.get(key)
        return _Hit(self.records[hit]) if hit else None

    def _match(self, text: str, context: AgencyRecord | None, fuzzy: bool) -> _Hit | None:
        key = norm_key(_blank(text))
        key = _TRAILING.sub("", key) or key
        if not key:
            return None
        hit = self._lookup(key, context)
        if hit is None:
            m = re.fullmatch(r"(.+?)\((.+)\)", key)
            if m:  # a parenthesised unit or executing body: 數發部(數位政府司), 國科會前瞻處(國網中心)
                outer = self._match(m.group(1), context, fuzzy)
                outer_rec = outer.record if outer else context
                inner = None if self.is_collective(m.group(2)) else self._match(m.group(2), outer_rec, fuzzy)
                if inner is not None:
                    inner.outer = outer.record if outer else None
                    return inner if inner.record.is_agency else None
                return outer
        if hit is None and fuzzy:
            hit = self._fuzzy(key)
        if hit is not None and not hit.record.is_agency:
            return None
        return hit

    def _fuzzy(self, key: str) -> _Hit | None:
        if len(key) < FUZZY_MIN_LEN or self.is_collective(key):
            return None
        best: dict[str, float] = {}
        for cand, score, _ in process.extract(key, list(self._index), scorer=fuzz.ratio, limit=10):
            aid = self._index[cand]
            best[aid] = max(best.get(aid, 0.0), float(score))
        ranked = sorted(best.items(), key=lambda kv: -kv[1])
        if not ranked or ranked[0][1] < FUZZY_MIN_SCORE:
            return None
        if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < FUZZY_MIN_MARGIN:
            return None
        return _Hit(self.records[ranked[0][0]], fuzzy=True, score=ranked[0][1])

    def resolve(self, surface: str, context: AgencyRecord | None = None, fuzzy: bool = False) -> AgencyRecord | None:
        """The agency a printed name means, or None. Tolerates spaces, width, script, 【】 and a
        parenthesised unit or executing body (`數發部(數位政府司)` -> the 司). `context` is the
        agency named before it in the same cell, so a bare unit (`鐵道局` after `交通部`) resolves
        under it. `fuzzy` allows an unambiguous fuzzy match (off by default: callers that need to
        know use parse_names, which flags it)."""
        hit = self._match(surface, context, fuzzy)
        return hit.record if hit else None

    def is_collective(self, surface: str) -> bool:
        """A name for a group of bodies (各機關, 相關部會, 地方政府), not one agency."""
        key = norm_key(_blank(surface))
        return key in self._collective_keys or bool(_COLLECTIVE_PATTERN.match(key))

    # -- cells and tags -----------------------------------------------------------------------------

    def parse_names(self, cell: str, fuzzy: bool = True) -> list[NameRef]:
        """Every name in an agency cell or 【】 tag, in order. Handles 、/，/slash separators;
        及/與 between names (not inside 護理及健康照護司); names broken by spaces or line wraps;
        elliptical lists (`交通部公路局、鐵道局及運輸研究所`: the ministry carries over); a
        parenthesised unit or executing body (`數發部(數位政府司)`); member lists
        (`相關部會(內政部、交通部)`); markup (`<br>`, `**`, `【召集部會：X】`)."""
        text = _blank(cell)
        out: list[NameRef] = []
        self._parse_span(text, 0, len(text), None, None, fuzzy, out)
        return out

    def _parse_span(
        self,
        text: str,
        lo: int,
        hi: int,
        context: AgencyRecord | None,
        group: str | None,
        fuzzy: bool,
        out: list[NameRef],
    ) -> AgencyRecord | None:
        for a, b in _top_level_spans(text, lo, hi):
            context = self._parse_piece(text, a, b, context, group, fuzzy, out)
        return context

    def _parse_piece(
        self,
        text: str,
        a: int,
        b: int,
        context: AgencyRecord | None,
        group: str | None,
        fuzzy: bool,
        out: list[NameRef],
    ) -> AgencyRecord | None:
        paren = _paren_split(text, a, b)
        if text[a] in _OPEN and paren is None and _wrapped(text, a, b):
            # A whole list in parentheses: (數發部/經濟部/國科會), 004:655 (/國發會/國科會/數發部/NCC)
            return self._parse_span(text, a + 1, b - 1, context, group, fuzzy, out)
        if paren is not None and self.is_collective(text[paren[0] : paren[1]]):
            # Member list: 相關部會(內政部、交通部、…); the members are parsed like a cell.
            oa, ob, ia, ib = paren
            out.append(self._ref(text, oa, ob, None, len(out), group))
            self._parse_span(text, ia, ib, context, text[oa:ob].strip(), fuzzy, out)
            return context
        pieces = self._segment(text, a, b, context)
        if pieces is None:
            hit = self._match(text[a:b], context, fuzzy)
            out.append(self._ref(text, a, b, hit, len(out), group))
            return hit.record if hit else context
        for pa, pb, hit in pieces:
            out.append(self._ref(text, pa, pb, hit, len(out), group))
            if hit is not None:
                context = hit.record
        return context

    def _segment(
        self, text: str, a: int, b: int, context: AgencyRecord | None
    ) -> list[tuple[int, int, _Hit | None]] | None:
        """Split text[a:b] into names that all resolve (or are collectives), trying the whole
        first, then cuts at 及/與/和 and at whitespace (a space inside a name is a wrap, between
        two names a lost separator). None if no such split exists."""
        if self.is_collective(text[a:b]):
            return [(a, b, None)]
        hit = self._match(text[a:b], context, False)
        if hit is not None:
            return [(a, b, hit)]
        for i in range(a + 1, b - 1):
            if text[i] in _CONJUNCTIONS:
                cut_end = i + 1
            elif text[i].isspace() and not text[i - 1].isspace():
                cut_end = i + 1
                while cut_end < b and text[cut_end].isspace():
                    cut_end += 1
            else:
                continue
            la, lb = _strip_span(text, a, i)
            if lb <= la:
                continue
            left = self._segment_one(text, la, lb, context)
            if left is None:
                continue
            rest = self._segment(text, cut_end, b, left[2].record if left[2] else context)
            if rest is not None:
                return [left, *rest]
        return None

    def _segment_one(
        self, text: str, a: int, b: int, context: AgencyRecord | None
    ) -> tuple[int, int, _Hit | None] | None:
        if self.is_collective(text[a:b]):
            return (a, b, None)
        hit = self._match(text[a:b], context, False)
        return (a, b, hit) if hit is not None else None

    def _ref(self, text: str, a: int, b: int, hit: _Hit | None, position: int, group: str | None) -> NameRef:
        surface = text[a:b].strip()
        collective = hit is None and self.is_collective(surface)
        return NameRef(
            surface=surface,
            record=hit.record if hit else None,
            is_collective=collective,
            position=position,
            start=a,
            end=b,
            outer=hit.outer if hit else None,
            group=group,
            in_context=hit.in_context if hit else False,
            fuzzy=hit.fuzzy if hit else False,
            score=hit.score if hit else 0.0,
        )


def split_agency_list(cell: str, book: AgencyBook | None = None) -> list[str]:
    """The names of an agency cell as printed, in order (see AgencyBook.parse_names)."""
    return [ref.surface for ref in (book or default_book()).parse_names(cell)]


def _entry_line(lines: list[str], agency_id: str) -> int:
    """1-based line of an agency's `- id:` entry in the gazetteer's text (0 when not found)."""
    pattern = re.compile(rf"\s*- id: {re.escape(agency_id)}\s*$")
    return next((i for i, s in enumerate(lines, 1) if pattern.match(s)), 0)


def read_records(path: Path, *, unique_ids: bool = True) -> tuple[dict[str, AgencyRecord], list[str]]:
    """The gazetteer's records (each with the line of its entry) and its collectives, without
    building the resolver, so a gazetteer in which a name means two agencies can still be checked.
    Only a regular UTF-8 file is read; raises DocumentError (a ValueError) when it cannot be read or
    parsed, ValueError (an entry that is not a record, a file that is not a mapping; an id listed twice,
    unless `unique_ids` is False: the checks then see the last entry of that id)."""
    text = read_config_text(path, "the agency gazetteer")
    raw = parse_config_yaml(str(path), text, "the agency gazetteer") or {}
    if not isinstance(raw, dict):
        raise ValueError(f"{path.name}: the agency gazetteer must be a mapping with an 'agencies' list")
    lines = text.split("\n")
    records: dict[str, AgencyRecord] = {}
    for entry in raw.get("agencies", []):
        rec = AgencyRecord.model_validate(entry)
        rec.line = _entry_line(lines, rec.id)
        if unique_ids and rec.id in records:
            raise ValueError(f"{path.name}: agency id {rec.id!r} twice")
        records[rec.id] = rec
    return records, list(raw.get("collectives", []))


def load_agency_book(path: Path = AGENCIES_FILE) -> AgencyBook:
    records, collectives = read_records(path)
    for rec in records.values():
        for ref in (rec.parent, rec.supervisor):
            if ref is not None and ref not in records:
                raise ValueError(f"{path.name}: agency {rec.id!r} refers to unknown agency {ref!r}")
    return AgencyBook(records, collectives, path)


class GazetteerRefused(PolicyGraphError, ValueError):
    """The agency gazetteer gives one name to two agencies, so the loader refuses it and no graph
    can be built; str() is the loader's one-line reason."""

    @property
    def load_error(self) -> str:
        """Why a check has no graph, as its report says it."""
        return f"the corpus cannot be loaded with this gazetteer: {self}"


def gazetteer_collisions(path: Path) -> dict[str, list[str]]:
    """Names (keys) of the gazetteer that mean more than one agency; empty when it cannot be read."""
    try:
        return index_collisions(read_records(path, unique_ids=False)[0])
    except (OSError, ValueError):
        return {}


@lru_cache(maxsize=1)
def default_book() -> AgencyBook:
    """The bundled gazetteer, loaded once."""
    return load_agency_book()


def agency_node_id(agency_id: str) -> str:
    return f"agency/{agency_id}"
