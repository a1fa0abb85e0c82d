"""Inferred alignments: items of different plans that say the same thing. Pure functions.

Each unit (an initiative, strategy or measure, by default) is its title plus its description,
folded like names (width, script, case; see loaders.linkers.plan_mentions) and cut into runs of letters.
Similarity is the cosine of TF-IDF vectors over character 2- and 3-grams (binary term frequency:
titles and descriptions are short), which works for Chinese without word segmentation. Grams in
more than `max_df` of the units (推動, 發展, 技術) carry no signal and are dropped.

Blocking: pairs are only scored when they share a rare 3-gram (in at most `block_df` units) or a
rare named entity, found through an inverted index; all pairs are never compared.

The score adds to the cosine a bonus for shared responsible agencies (Jaccard of the ministries
leading or co-organising each unit, own or inherited) and for shared named entities (Latin
acronyms such as TAIDE or B5G, 「」-quoted terms, plans of the gazetteer named in both). It is
lowered where the two titles do different kinds of work on the same subject: one names a facet
(人才: training people) the other does not (量子人才培育 is not 量子科技研發).

A pair is kept when the score reaches `threshold` and it is among the `top_k` best partners in
the other plan of at least one of its two units; then the lineage rules of `select` apply. The
threshold is chosen by the sweep and cross-validation of tools/alignment_eval.py over the pairs
labelled in tests/data/alignment_pairs.yaml (docs/cross-plan.md has the figures).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from core.fold import fold_text as _fold

_RUNS = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")
# Latin acronyms and names as printed (TAIDE, B5G, FHIR, 6G, T-Road, MyData): two capitals, or a
# digit and a letter; lower-case English words are prose, not names.
_LATIN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9][A-Za-z0-9+\-]*(?![A-Za-z0-9])")
_NAME_LIKE = re.compile(r"(?:[A-Z].*[A-Z]|[0-9].*[A-Za-z]|[A-Za-z].*[0-9])")
_QUOTED = re.compile(r"[「《]([^」》]{2,24})[」》]")
# Entities too common to mean anything shared (folded forms).
STOP_ENTITIES = frozenset({"ai", "ict", "iot", "it", "esg", "kpi", "api", "ic", "5g", "2g", "4g", "ai化", "genai"})


@dataclass(frozen=True)
class AlignConfig:
    # n-gram sizes of the vectors; the blocking index uses the largest.
    ngrams: tuple[int, ...] = (2, 3)
    # Grams in more than this share of units are stop-grams (dropped from the vectors).
    max_df: float = 0.08
    # A 3-gram in at most this many units is rare enough to propose a pair.
    block_df: int = 12
    # Entities in more than this many units are too common to count as shared.
    entity_df: int = 8
    agency_weight: float = 0.25
    # Both units have responsible agencies and share none: usually different work (×).
    disjoint_factor: float = 0.6
    entity_weight: float = 0.2
    # …only where the texts agree this much too (TAF or HPC in two unrelated items is chance).
    entity_min_cosine: float = 0.05
    # Title words naming a kind of work: a pair where only one title names one is scored × factor.
    facets: tuple[str, ...] = ("人才",)
    facet_factor: float = 0.6
    threshold: float = 0.38
    top_k: int = 2


DEFAULT_CONFIG = AlignConfig()


@dataclass(frozen=True)
class Unit:
    id: str
    plan: str  # the plan (or document) the unit belongs to: only units of different plans align
    text: str  # title and description, as printed
    title: str = ""  # the title alone (a short title inside a long text is diluted by it)
    agencies: frozenset[str] = frozenset()
    plans_named: frozenset[str] = frozenset()  # gazetteer ids of plans the text names
    ancestors: frozenset[str] = frozenset()  # hierarchy ancestors (an alignment of one covers its items)


@dataclass(frozen=True)
class Alignment:
    a: str
    b: str
    score: float
    cosine: float
    agency_overlap: float
    shared_agencies: tuple[str, ...]
    shared_entities: tuple[str, ...]


@dataclass
class _Prepared:
    units: list[Unit]
    grams: list[frozenset[str]]  # of title and description
    titles: list[dict[str, float]]  # L2-normalised TF-IDF vectors of the titles
    texts: list[dict[str, float]]  # … of title and description
    title_keys: list[frozenset[str]]
    text_keys: list[frozenset[str]]
    entities: list[frozenset[str]]
    idf: dict[str, float]
    facets: list[frozenset[str]]  # the facets each unit's title names
    entity_df: Counter[str] = field(default_factory=Counter)


def fold_text(text: str) -> str:
    """Folded like names (width, script, case); whitespace becomes `|`, which ends a run of letters."""
    return _fold(_SPACE.sub("|", text))


def grams_of(folded: str, sizes: Iterable[int]) -> frozenset[str]:
    out: set[str] = set()
    runs = _RUNS.findall(folded)
    for k in sizes:
        for r in runs:
            out.update(r[i : i + k] for i in range(len(r) - k + 1))
    return frozenset(out)


def entities_of(text: str, folded: str) -> frozenset[str]:
    """Named things a unit mentions: Latin acronyms and names, 「」-quoted terms. (Plans both name
    are explicit links already; a shared plan name alone makes two items neighbours, not twins.)"""
    printed = unicodedata.normalize("NFKC", text)
    ents = {m.lower() for m in _LATIN.findall(printed) if _NAME_LIKE.fullmatch(m)}
    ents.update(f"「{m}」" for m in _QUOTED.findall(folded))
    return frozenset(e for e in ents if e not in STOP_ENTITIES and len(e) >= 2)


def _vectors(grams: Sequence[frozenset[str]], max_df: float) -> tuple[list[dict[str, float]], dict[str, float]]:
    """Binary-tf TF-IDF vectors, L2-normalised; grams in more than max_df of the units dropped."""
    df: Counter[str] = Counter()
    for g in grams:
        df.update(g)
    n = len(grams)
    limit = max(2, int(max_df * n))
    # Smoothed idf (as scikit-learn's): rare grams weigh most.
    idf = {g: math.log((1 + n) / (1 + c)) + 1.0 for g, c in df.items() if c <= limit}
    out = []
    for g in grams:
        v = {x: idf[x] for x in g if x in idf}
        norm = math.sqrt(sum(w * w for w in v.values())) or 1.0
        out.append({x: w / norm for x, w in v.items()})
    return out, idf


def prepare(units: Sequence[Unit], cfg: AlignConfig = DEFAULT_CONFIG) -> _Prepared:
    """Title vectors and title+description vectors of every unit, and its named entities."""
    folded = [fold_text(u.text) for u in units]
    grams = [grams_of(f, cfg.ngrams) for f in folded]
    title_grams = [grams_of(fold_text(u.title or u.text), cfg.ngrams) for u in units]
    texts, idf = _vectors(grams, cfg.max_df)
    titles, _ = _vectors(title_grams, cfg.max_df)
    entities = [entities_of(u.text, f) for u, f in zip(units, folded, strict=True)]
    edf: Counter[str] = Counter()
    for e in entities:
        edf.update(e)
    title_keys = [frozenset(v) for v in titles]
    text_keys = [frozenset(v) for v in texts]
    wanted = [(f, fold_text(f)) for f in cfg.facets]
    facets = [frozenset(f for f, ff in wanted if ff in fold_text(u.title or u.text)) for u in units]
    return _Prepared(list(units), grams, titles, texts, title_keys, text_keys, entities, idf, facets, edf)


def _cos(a: dict[str, float], b: dict[str, float], ka: frozenset[str], kb: frozenset[str]) -> float:
    return sum(a[x] * b[x] for x in ka & kb)


def candidate_pairs(p: _Prepared, cfg: AlignConfig = DEFAULT_CONFIG) -> set[tuple[int, int]]:
    """Pairs of units of different plans that share a rare 3-gram or a rare entity (blocking by an
    inverted index: the cost grows with the postings of rare keys, not with all pairs)."""
    k = max(cfg.ngrams)
    index: dict[str, list[int]] = {}
    for i, g in enumerate(p.grams):
        for x in g:
            if len(x) == k and x in p.idf:
                index.setdefault(x, []).append(i)
    for i, ents in enumerate(p.entities):
        for e in ents:
            if p.entity_df[e] <= cfg.entity_df:
                index.setdefault(f"\x00{e}", []).append(i)
    pairs: set[tuple[int, int]] = set()
    units = p.units
    for postings in index.values():
        if len(postings) < 2 or len(postings) > cfg.block_df:
            continue
        for pos, i in enumerate(postings):
            for j in postings[pos + 1 :]:
                if units[i].plan != units[j].plan:
                    pairs.add((i, j) if i < j else (j, i))
    return pairs


def score_pair(p: _Prepared, i: int, j: int, cfg: AlignConfig = DEFAULT_CONFIG) -> Alignment:
    a, b = p.units[i], p.units[j]
    # A short title inside a long description is diluted by it: the better of the two counts.
    cos = max(
        _cos(p.titles[i], p.titles[j], p.title_keys[i], p.title_keys[j]),
        _cos(p.texts[i], p.texts[j], p.text_keys[i], p.text_keys[j]),
    )
    ag = a.agencies & b.agencies
    union = a.agencies | b.agencies
    jac = len(ag) / len(union) if union else 0.0
    ents = tuple(sorted(e for e in p.entities[i] & p.entities[j] if p.entity_df[e] <= cfg.entity_df))
    # Shared agencies raise a text match, they do not make one; a shared rare name is evidence.
    bonus = cfg.entity_weight if ents and cos >= cfg.entity_min_cosine else 0.0
    factor = cfg.disjoint_factor if a.agencies and b.agencies and not ag else 1.0
    # 培育量子人才 and 推動量子科技研發 share their subject, not their work.
    if p.facets[i] != p.facets[j]:
        factor *= cfg.facet_factor
    score = cos * (1 + cfg.agency_weight * jac) * factor + bonus
    return Alignment(a.id, b.id, round(score, 4), round(cos, 4), round(jac, 4), tuple(sorted(ag)), ents)


def score_all(units: Sequence[Unit], cfg: AlignConfig = DEFAULT_CONFIG) -> list[Alignment]:
    """Every candidate pair with its score (no threshold): for tuning and tests."""
    p = prepare(units, cfg)
    out = [score_pair(p, i, j, cfg) for i, j in candidate_pairs(p, cfg)]
    return sorted(out, key=lambda x: (-x.score, x.a, x.b))


def select(scored: Sequence[Alignment], units: Sequence[Unit], cfg: AlignConfig = DEFAULT_CONFIG) -> list[Alignment]:
    """Pairs over the threshold that are among the top_k partners, in the other plan, of at least
    one of their units (a generic title must not align with everything), and that no better pair
    in the same two lineages already covers (a strategy aligned with X makes its measure's weaker
    match with X, or with X's measure, redundant). Last, a unit whose own items align with the
    other plan aligns only where they do: in a lineage (below the plan) of one of their partners.
    000's cyber-security strategy, whose measures align with 001's 智慧韌性 and 資安防禦韌性, does
    not also align with 001's robot measure 強化資安防護能力 on its title alone."""
    by_id = {u.id: u for u in units}
    ranked: dict[tuple[str, str], list[Alignment]] = {}
    over = [s for s in scored if s.score >= cfg.threshold]
    for s in over:
        ranked.setdefault((s.a, by_id[s.b].plan), []).append(s)
        ranked.setdefault((s.b, by_id[s.a].plan), []).append(s)
    keep: set[tuple[str, str]] = set()
    for lst in ranked.values():
        lst.sort(key=lambda x: (-x.score, x.a, x.b))
        keep.update((x.a, x.b) for x in lst[: cfg.top_k])
    kept = [s for s in over if (s.a, s.b) in keep]

    def up(x: str) -> frozenset[str]:  # the unit and its ancestors
        return by_id[x].ancestors | {x}

    # A kept pair (p, q) covers (a, b) when p and a are one lineage (one is the other or its
    # ancestor) and so are q and b. Indexed by which end is the ancestor, so a pair costs a few
    # set lookups (depth²), not a scan of every pair kept (quadratic on large corpora).
    exact: set[tuple[str, str]] = set()  # (p, q)
    a_up: set[tuple[str, str]] = set()  # (p or an ancestor of p, q)
    b_up: set[tuple[str, str]] = set()  # (p, q or an ancestor of q)
    both_up: set[tuple[str, str]] = set()  # (p or an ancestor, q or an ancestor)

    def covered(a: str, b: str) -> bool:
        ua, ub = up(a), up(b)
        return (
            (a, b) in both_up
            or any((a, y) in a_up for y in ub)
            or any((x, b) in b_up for x in ua)
            or any((x, y) in exact for x in ua for y in ub)
        )

    out: list[Alignment] = []
    for s in sorted(kept, key=lambda x: (-x.score, x.a, x.b)):
        if covered(s.a, s.b):
            continue
        out.append(s)
        ua, ub = up(s.a), up(s.b)
        exact.add((s.a, s.b))
        a_up.update((x, s.b) for x in ua)
        b_up.update((s.a, y) for y in ub)
        both_up.update((x, y) for x in ua for y in ub)
    return sorted(_coherent(out, by_id), key=lambda x: (-x.score, x.a, x.b))


def _coherent(found: Sequence[Alignment], by_id: Mapping[str, Unit]) -> list[Alignment]:
    """Drop a pair X-Y where X's descendants align with units of Y's plan and none of those shares
    a lineage with Y (the unit and its ancestors below the plan)."""

    def lineage(x: str) -> frozenset[str]:
        u = by_id[x]
        return (u.ancestors | {x}) - {u.plan}

    # (unit, other plan) -> the partners, in that plan, of the unit's descendants
    below: dict[tuple[str, str], list[str]] = {}
    for s in found:
        for x, y in ((s.a, s.b), (s.b, s.a)):
            for anc in lineage(x) - {x}:
                below.setdefault((anc, by_id[y].plan), []).append(y)

    def out_of_place(x: str, y: str) -> bool:
        partners = below.get((x, by_id[y].plan), [])
        return bool(partners) and not any(lineage(y) & lineage(p) for p in partners)

    return [s for s in found if not (out_of_place(s.a, s.b) or out_of_place(s.b, s.a))]


def align(units: Sequence[Unit], cfg: AlignConfig = DEFAULT_CONFIG) -> list[Alignment]:
    return select(score_all(units, cfg), units, cfg)
