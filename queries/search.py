"""Search for Chinese analysts, over the GraphStore interface only (both stores behave the same).

Matching is insensitive to full/half width, Traditional/Simplified, spaces and case
(core.fold.fold_words). A query that names an agency by any of its names, abbreviations or its English
name is expanded to all of that agency's names, so 數發部, MODA and 數位發展部 find the
same agency (first) and the same items that mention it. Results are ranked, and each carries the
text that matched with the match located inside it.

The index is built from one `store.nodes()` call; callers cache it per graph generation. With the
entries it keeps posting lists (which entries hold which folded character pairs, single characters and
ASCII words), so a search tests only the entries that hold every piece of the query: its cost grows
with the answer, not with the corpus.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_left
from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache, partial
from itertools import pairwise
from operator import add, methodcaller

from core.agencies import default_book
from core.fold import fold_words, fold_words_with_map
from core.hierarchy import document_order
from graph.model import Node, NodeKind
from graph.store import GraphStore

_WORDCH = re.compile(r"[a-z0-9]")


@lru_cache(maxsize=1024)
def _term_pattern(term: str) -> re.Pattern[str] | None:
    """Where a folded term may match: an ASCII end of the term must sit on a word boundary.
    None when the term needs no boundary (plain substring search, much faster)."""
    head = r"(?<![a-z0-9])" if _WORDCH.match(term[:1]) else ""
    tail = r"(?![a-z0-9])" if _WORDCH.match(term[-1:]) else ""
    if not head and not tail:
        return None
    return re.compile(head + re.escape(term) + tail)


def find(folded_text: str, term: str) -> int:
    """Index of the first match of a folded term in folded text, or -1."""
    pat = _term_pattern(term)
    if pat is None:
        return folded_text.find(term)
    m = pat.search(folded_text)
    return m.start() if m else -1


def count(folded_text: str, term: str) -> int:
    pat = _term_pattern(term)
    if pat is None:
        return folded_text.count(term)
    return sum(1 for _ in pat.finditer(folded_text))


# --- years ------------------------------------------------------------------------------------
ROC_OFFSET = 1911  # 民國 N 年 = N + 1911
_YEAR_SPAN_MAX = 60  # a range wider than this is not a list of years
_AD_RANGE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年?\s*(?:[-–—~～]|至|到)\s*((?:19|20)\d{2})(?!\d)")
_AD = re.compile(r"(?<!\d)(?<!\d[,.])((?:19|20)\d{2})(?=\s*(?:年|/\d|-\d{1,2}(?!\d)))")
_ROC_RANGE = re.compile(r"(?<!\d)(?<!\d[,.])(\d{2,3})\s*年?\s*(?:[-–—~～]|至|到)\s*(\d{2,3})\s*年")
# Year/month ranges as schedules print them: 115/01-118/12 (ROC) or 2026/01-2029/12 (AD).
_MONTH_RANGE = re.compile(
    r"(?<!\d)(?<!\d[,.])(\d{3,4})[/.](\d{1,2})\s*(?:[-–—~～]|至|到)\s*(\d{3,4})[/.](\d{1,2})(?!\d)"
)
_ROC = re.compile(
    r"(?:民國\s*)(\d{2,3})(?=\s*年)|(?<!\d)(?<!\d[,.])(\d{2,3})(?=\s*年)|(?<!\d)(?<!\d[,.])(\d{3})(?=/\d{1,2}(?!\d))"
)


def _roc_ok(n: int) -> bool:
    # ROC years in these documents are 60-150 (1971-2061); smaller numbers before 年 are durations.
    return 60 <= n <= 150


def years_in(text: str) -> set[int]:
    """AD years a text mentions: `2030 年`, `2025-2028`, `2026/01`, and ROC years converted to AD
    (`民國 114 年`, `112—116年`, `115/01`). Ranges give every year in them."""
    t = unicodedata.normalize("NFKC", text)
    years: set[int] = set()
    for m in _AD_RANGE.finditer(t):
        a, b = int(m.group(1)), int(m.group(2))
        if a <= b <= a + _YEAR_SPAN_MAX:
            years.update(range(a, b + 1))
    for m in _AD.finditer(t):
        years.add(int(m.group(1)))
    for m in _ROC_RANGE.finditer(t):
        a, b = int(m.group(1)), int(m.group(2))
        if _roc_ok(a) and _roc_ok(b) and a <= b:
            years.update(range(a + ROC_OFFSET, b + ROC_OFFSET + 1))
    for m in _MONTH_RANGE.finditer(t):
        a, b = int(m.group(1)), int(m.group(3))
        if _roc_ok(a) and _roc_ok(b):
            a, b = a + ROC_OFFSET, b + ROC_OFFSET
        if 1900 <= a <= b <= a + _YEAR_SPAN_MAX:
            years.update(range(a, b + 1))
    for m in _ROC.finditer(t):
        n = int(next(g for g in m.groups() if g is not None))
        if _roc_ok(n):
            years.add(n + ROC_OFFSET)
    return years


def _year_of(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        m = re.match(r"\s*((?:19|20)\d{2})", value)
        if m:
            return int(m.group(1))
    return None


def node_years(node: Node) -> set[int]:
    """Years a node is about: its own year/period attributes (targets, plans, schedules) and the
    years its title and text mention."""
    a = node.attrs
    years: set[int] = set()
    for key in ("year", "target_year", "baseline_year"):
        y = _year_of(a.get(key))
        if y is not None:
            years.add(y)
    for lo_key, hi_key in (("period_start", "period_end"), ("start", "end"), ("schedule_start", "schedule_end")):
        lo, hi = _year_of(a.get(lo_key)), _year_of(a.get(hi_key))
        if lo is not None and hi is not None and lo <= hi <= lo + _YEAR_SPAN_MAX:
            years.update(range(lo, hi + 1))
        else:
            years.update(y for y in (lo, hi) if y is not None)
    text = a.get("text")
    years |= years_in(node.title + (" " + text if isinstance(text, str) else ""))
    return years


# --- index ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class IndexedField:
    name: str  # title | alias | englishName | text
    text: str
    folded: str


@dataclass(frozen=True)
class Entry:
    node: Node
    fields: tuple[IndexedField, ...]
    years: frozenset[int]
    # All folded fields in one string: one substring test rules most entries out at once.
    blob: str = ""


def _names(node: Node) -> list[tuple[str, str]]:
    a = node.attrs
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for key in ("short_name", "aliases", "abbreviations", "former_names"):
        val = a.get(key)
        for s in [val] if isinstance(val, str) else (val or []):
            if isinstance(s, str) and s and s not in seen and s != a.get("english"):
                seen.add(s)
                out.append(("alias", s))
    eng = a.get("english")
    if isinstance(eng, str) and eng:
        out.append(("englishName", eng))
    return out


def entry_for(node: Node) -> Entry:
    fields = [IndexedField("title", node.title, fold_words(node.title))]
    fields += [IndexedField(name, s, fold_words(s)) for name, s in _names(node)]
    text = node.attrs.get("text")
    if isinstance(text, str) and text:
        fields.append(IndexedField("text", text, fold_words(text)))
    return Entry(node, tuple(fields), frozenset(node_years(node)), "\x00".join(f.folded for f in fields))


# --- posting lists ----------------------------------------------------------------------------
# Keys of a folded text: every ASCII word (maximal run of [a-z0-9], as `find` sees word boundaries),
# every pair of adjacent characters that are not both ASCII letters/digits, and every single
# character that is not one. The three kinds cannot collide: a key of ASCII letters/digits only is a
# word; any other key of two characters is a pair, of one a single character.
_TOKEN = re.compile(r"[a-z0-9]+")
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def text_keys(folded: str) -> set[str]:
    """Index keys of one folded field."""
    keys = set(map(add, folded, folded[1:]))
    words = _TOKEN.findall(folded)
    for w in words:  # pairs inside a word are covered by the word
        if len(w) > 1:
            keys.difference_update(map(add, w, w[1:]))
    keys.update(words)
    keys.update(set(folded) - _WORD_CHARS)
    return keys


def term_keys(term: str) -> list[str]:
    """Keys every text where the folded `term` matches (as `find` matches) must hold: its ASCII
    words (a word of the term is a whole word where it matches: `find` puts a word boundary at an
    ASCII end of the term, and inside the term the word ends at a non-word character), its pairs of
    characters that are not both ASCII letters/digits, and itself when it is one such character."""
    if not term:
        return []
    if len(term) == 1:
        return [term]
    keys = dict.fromkeys(_TOKEN.findall(term))
    for a, b in pairwise(term):
        if a not in _WORD_CHARS or b not in _WORD_CHARS:
            keys[a + b] = None
    return list(keys)


def _has(posting: array[int], i: int) -> bool:
    k = bisect_left(posting, i)
    return k < len(posting) and posting[k] == i


@dataclass
class SearchIndex:
    entries: list[Entry]
    by_id: dict[str, Entry] = field(default_factory=dict)

    # (kind, document) -> entries in document order: list filters without a scan of the graph.
    by_kind_doc: dict[tuple[NodeKind, str], list[Entry]] = field(default_factory=dict)

    # text key (see text_keys) -> positions in `entries` of the entries whose fields hold it,
    # ascending; machine ints, not objects, so the index adds few objects for the collector.
    postings: dict[str, array[int]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.by_id = {e.node.id: e for e in self.entries}
        for e in self.entries:
            self.by_kind_doc.setdefault((e.node.kind, e.node.document), []).append(e)
        postings: defaultdict[str, array[int]] = defaultdict(partial(array, "i"))
        get = postings.__getitem__
        for i, e in enumerate(self.entries):
            # The blob's keys are its fields' keys plus pairs with the separator: a superset, so no
            # entry is missed, from one call per entry instead of one per field.
            keys = text_keys(e.blob)
            deque(map(methodcaller("append", i), map(get, keys)), 0)  # postings[k].append(i) for each key
        self.postings = dict(postings)

    def candidates(self, term: str) -> set[int]:
        """Positions in `entries` of every entry where the folded `term` may match (a superset of
        those where `find` finds it in a field): the intersection of the postings of its keys."""
        lists: list[array[int]] = []
        for k in term_keys(term):
            p = self.postings.get(k)
            if p is None:
                return set()
            lists.append(p)
        if not lists:
            return set()
        lists.sort(key=len)
        found = set(lists[0])
        for p in lists[1:]:
            if not found:
                break
            if len(found) * 16 < len(p):  # a few candidates: look each up in the long list
                found = {i for i in found if _has(p, i)}
            else:
                found.intersection_update(p)
        return found

    def candidates_any(self, terms: Iterable[str]) -> set[int]:
        """Positions of every entry where any of the folded `terms` may match."""
        found: set[int] = set()
        for t in terms:
            found |= self.candidates(t)
        return found

    def select(self, kinds: Iterable[NodeKind] | None = None, document: str | None = None) -> list[Node]:
        """Nodes of the given kinds and/or document, in document order."""
        if kinds is None and document is None:
            return [e.node for e in self.entries]
        kindset = set(kinds) if kinds is not None else None
        groups = [
            es
            for (k, d), es in self.by_kind_doc.items()
            if (kindset is None or k in kindset) and (document is None or d == document)
        ]
        if len(groups) == 1:
            return [e.node for e in groups[0]]
        nodes = [e.node for es in groups for e in es]
        nodes.sort(key=document_order)
        return nodes

    @classmethod
    def build(cls, store: GraphStore) -> SearchIndex:
        return cls([entry_for(n) for n in store.nodes()])


# --- search -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Hit:
    node: Node
    score: float
    field: str
    # The whole text of the field that matched, and the folded term that matched in it.
    text: str
    term: str
    # The name searched for when the query was expanded (an agency's other name), else None.
    expanded_from: str | None = None

    @cached_property
    def span(self) -> tuple[int, int]:
        """Offsets of the match in `text`; computed only for hits someone looks at, because it
        walks the text character by character."""
        return locate(self.text, self.term)

    @property
    def start(self) -> int:
        return self.span[0]

    @property
    def end(self) -> int:
        return self.span[1]

    @property
    def snippet(self) -> str:
        return snippet(self.text, self.start, self.end)


SNIPPET_CONTEXT = 24


def snippet(text: str, start: int, end: int, context: int = SNIPPET_CONTEXT) -> str:
    a = max(0, start - context)
    b = min(len(text), end + context)
    return ("…" if a > 0 else "") + text[a:b] + ("…" if b < len(text) else "")


@lru_cache(maxsize=4096)  # the same hits are shown again and again (paging, the explorer)
def locate(text: str, folded_query: str) -> tuple[int, int]:
    """Offsets in `text` of the first match of a folded query (0, 0 when only the whole-string fold
    matched, e.g. a phrase conversion changed the length)."""
    ftext, where = fold_words_with_map(text)
    i = find(ftext, folded_query)
    if i < 0 or not folded_query:
        return 0, 0
    j = i + len(folded_query) - 1
    return where[i], where[j] + 1


_FIELD_WEIGHT = {"title": 1.0, "alias": 0.95, "englishName": 0.95, "text": 0.5}


def _score(f: IndexedField, q: str) -> float | None:
    """Score of one field for one folded term: exact > prefix > contained (by coverage)."""
    if not q:
        return None
    w = _FIELD_WEIGHT.get(f.name, 0.5)
    if f.folded == q:
        return 100.0 * w
    if f.name == "text":
        n = count(f.folded, q)
        return None if n == 0 else 30.0 + min(n, 5)
    i = find(f.folded, q)
    if i == 0:
        return (70.0 + 20.0 * len(q) / len(f.folded)) * w
    if i > 0:
        return (55.0 + 20.0 * len(q) / len(f.folded)) * w
    return None


def expansions(query: str) -> list[str]:
    """Other names of the agency a query names (by name, abbreviation, former or English name)."""
    rec = default_book().resolve(query)
    if rec is None:
        return []
    book = default_book()
    names = [n for n in book.names_of(rec) if fold_words(n) != fold_words(query)]
    return list(dict.fromkeys(names))


EXPANSION_PENALTY = 10.0


def _best(entry: Entry, terms: Sequence[tuple[str, str | None]]) -> Hit | None:
    best: tuple[float, IndexedField, str, str | None] | None = None
    for folded_term, original in terms:
        if folded_term not in entry.blob:
            continue
        for f in entry.fields:
            s = _score(f, folded_term)
            if s is None:
                continue
            if original is not None:
                s -= EXPANSION_PENALTY
            if best is None or s > best[0]:
                best = (s, f, folded_term, original)
    if best is None:
        return None
    score, f, term, original = best
    return Hit(entry.node, round(score, 3), f.name, f.text, term, original)


@dataclass
class SearchStats:
    """What one search did: entries that may match (from the postings) and entries the exact
    matcher tested (candidates that passed the kind, document and id filters)."""

    candidates: int = 0
    examined: int = 0


def search(
    index: SearchIndex,
    query: str,
    kinds: Iterable[NodeKind] | None = None,
    documents: Iterable[str] | None = None,
    ids: set[str] | None = None,
    *,
    stats: SearchStats | None = None,
    exhaustive: bool = False,
) -> list[Hit]:
    """Ranked hits for `query` (best first; ties in document order). Multi-word queries that match
    nowhere as a whole match when every word matches the same node.

    Only the candidates from the postings are tested (an entry can match a term only if it holds
    all the term's keys); `exhaustive` tests every entry instead, the reference the postings must
    agree with."""
    q = fold_words(query)
    if not q:
        return []
    kindset = set(kinds) if kinds is not None else None
    docset = set(documents) if documents is not None else None
    terms: list[tuple[str, str | None]] = [(q, None)] + [(fold_words(n), n) for n in expansions(query)]
    words = [fold_words(w) for w in query.split()] if len(query.split()) > 1 else []

    entries: Iterable[Entry]
    if exhaustive:
        entries = index.entries
        n_candidates = len(index.entries)
    else:
        found = index.candidates_any(t for t, _ in terms)
        if words:  # every word must match the same entry
            common = index.candidates(words[0])
            for w in words[1:]:
                if not common:
                    break
                common &= index.candidates(w)
            found |= common
        entries = [index.entries[i] for i in sorted(found)]
        n_candidates = len(found)

    hits: list[Hit] = []
    examined = 0
    for e in entries:
        n = e.node
        if kindset is not None and n.kind not in kindset:
            continue
        if docset is not None and n.document not in docset:
            continue
        if ids is not None and n.id not in ids:
            continue
        examined += 1
        h = _best(e, terms)
        if h is None and words:
            parts = [_best(e, [(w, None)]) for w in words]
            if all(p is not None for p in parts):
                first = max((p for p in parts if p is not None), key=lambda p: p.score)
                h = Hit(
                    n,
                    round(sum(p.score for p in parts if p) / len(parts) - 5.0, 3),
                    first.field,
                    first.text,
                    first.term,
                )
        if h is not None:
            hits.append(h)
    if stats is not None:
        stats.candidates += n_candidates
        stats.examined += examined
    hits.sort(key=lambda h: (-h.score, *document_order(h.node)))
    return hits


def _contains_any(e: Entry, terms: Sequence[str]) -> bool:
    return any(find(f.folded, t) >= 0 for f in e.fields for t in terms)


def text_filter(
    index: SearchIndex, nodes: Iterable[Node], query: str, *, stats: SearchStats | None = None
) -> list[Node]:
    """Nodes (order kept) whose title, names or text contain `query` (folded), or another name of
    the agency it names. Nodes of the index are tested only when the postings say they may match."""
    terms = [fold_words(query)] + [fold_words(n) for n in expansions(query)]
    terms = [t for t in terms if t]
    if not terms:
        return []
    found = index.candidates_any(terms)
    candidate_ids = {index.entries[i].node.id for i in found}
    out = []
    examined = 0
    for n in nodes:
        e = index.by_id.get(n.id)
        if e is None:  # not in the index (another graph's node): test it as before
            e = entry_for(n)
        elif n.id not in candidate_ids:
            continue
        examined += 1
        if _contains_any(e, terms):
            out.append(n)
    if stats is not None:
        stats.candidates += len(found)
        stats.examined += examined
    return out


def year_filter(index: SearchIndex, nodes: Iterable[Node], year: int) -> list[Node]:
    out = []
    for n in nodes:
        e = index.by_id.get(n.id) or entry_for(n)
        if year in e.years:
            out.append(n)
    return out
