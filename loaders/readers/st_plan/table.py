"""表4 of the S&T plan (策略與重要措施分工對應表): which agencies lead and co-organise each strategy.

The table came out of the PDF as tab-separated lines whose columns cannot be trusted: one line may
hold two or three strategies with all their measures and agency strings side by side, a merged
agency cell may carry the string of a strategy printed on the next line, strategy names may sit in
the goal column, page breaks repeat header rows and fragments of the previous row. So the table is
read as a stream of tokens in document order, not as a grid:

- `N. title` items are matched (fuzzy, whitespace-free) to the body's strategies or headings,
- `(n) title` items are matched to the body's measures, which identify their strategy,
- `A／B、C` strings (and lone names) are agency strings: A leads, B and C co-organise.

Each agency string is then assigned to a body strategy by a small dynamic programme over the
strategies in body order: the table follows body order, so assignments never go backwards; a line
that names a strategy (or lists its measures) is evidence for it, and the k-th string of a line
goes with the k-th strategy it names; giving one strategy two different strings, leaving a strategy
without any, or sending a string to a strategy its line does not mention while the line offers one,
costs. Strings beyond the strategies their line names (a merged cell) flow on to the next ones.
Where one strategy still gets different strings, the one printed most often is kept and the others
become warnings. Pure functions: text and the body outline in, assignments and warnings out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from rapidfuzz import fuzz

from core.numbering import numeral_value
from core.text import match_key

# Scoring of the assignment (see module docstring). A conflict must outweigh the best evidence a
# single line can give (named + measures + rank = 4), so a repeated fragment never steals a string.
W_NAMED = 2  # the line names the strategy
W_MEASURE = 1  # the line lists one of its measures
W_RANK = 1  # the string's position among the line's strings matches the strategy's among its names
C_CONFLICT = 5  # one strategy gets a string different from the one before it
C_SKIP = 3  # a strategy between two assignments gets no string at all
C_SAME_MOVED = 2  # an identical consecutive string moves on to a new strategy (usually a repeat)
# The line offers a strategy for this string's position, yet the string goes to one it never
# mentions (strings beyond the line's strategies, as in a merged cell, are exempt).
C_OFF_LINE = 3

# Fuzzy matching thresholds (0..100 after match_key).
MIN_TITLE_SCORE = 70.0
# A truncated table title (page break inside a cell) matches by partial alignment if at least this long.
MIN_PARTIAL_CHARS = 8
PARTIAL_DISCOUNT = 5.0
NUMBER_BONUS = 5.0

_TAG = re.compile(r"</?p>", re.IGNORECASE)
_MARKER = re.compile(
    r"(?:(?<=\s)|^)(?:(?P<goal>[一二三四五六七八九十]+)、|(?P<num>\d{1,2})[.．](?=\s)|[(（](?P<meas>\d{1,2})[)）])"
)
_LEAD_SEP = re.compile(r"[／/]")
_CO_SEP = re.compile(r"[、，,]")
_CJK_NAME = re.compile(r"^[\u3400-\u9fff]{2,14}$")
# A lone token is an agency name only if it resolves or looks like one (ends like an agency does).
_AGENCY_SUFFIX = ("部", "會", "署", "院", "處", "局", "館", "中心")


class TokenKind(StrEnum):
    GOAL = "goal"
    NUMBERED = "numbered"  # `N. title`: a sub-goal or a strategy
    MEASURE = "measure"  # `(n) title`
    AGENCY = "agency"  # `A／B、C` or a lone name
    TEXT = "text"  # anything else (fragments cut by page breaks)


@dataclass(frozen=True)
class Token:
    line: int
    col: int
    kind: TokenKind
    text: str
    number: str | None = None


@dataclass(frozen=True)
class AgencyString:
    """One 參與部會 string as printed, split into lead and co-organisers (printed names)."""

    line: int
    raw: str
    lead: str
    co: tuple[str, ...]
    # Names printed twice in the string (removed from `co`).
    duplicates: tuple[str, ...] = ()
    # True when the string has no ／ and more than one name (first taken as lead).
    no_separator: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return (self.lead, *self.co)


@dataclass(frozen=True)
class BodyMeasure:
    id: str
    number: int | None
    title: str


@dataclass(frozen=True)
class BodyStrategy:
    id: str
    title: str
    line: int
    number: int | None
    measures: tuple[BodyMeasure, ...] = ()


@dataclass(frozen=True)
class Assignment:
    strategy: str
    string: AgencyString
    # Every table line that prints this same string for this strategy (repeats after page breaks).
    lines: tuple[int, ...]
    # "named": the line names the strategy; "measures": only its measures are on the line;
    # "order": neither (merged cell), placed by table order.
    evidence: str
    note: str | None = None


@dataclass(frozen=True)
class TableWarning:
    line: int
    code: str
    message: str


@dataclass
class TableResult:
    assignments: dict[str, Assignment] = field(default_factory=dict)
    unassigned: list[str] = field(default_factory=list)
    warnings: list[TableWarning] = field(default_factory=list)
    tokens: list[Token] = field(default_factory=list)


Resolver = Callable[[str], str | None]


# --- region and tokens ------------------------------------------------------------------------


def table_region(lines: Sequence[str], caption: str, end: str) -> tuple[int, int] | None:
    """1-based (first, last) lines of the table body: after the caption, before the end heading."""
    cap = re.compile(caption)
    stop = re.compile(end)
    start = next((i for i, s in enumerate(lines, 1) if cap.search(s)), None)
    if start is None:
        return None
    last = next((i - 1 for i, s in enumerate(lines, 1) if i > start and stop.search(s)), len(lines))
    return start + 1, last


def _is_header(cells: list[str], header: frozenset[str]) -> bool:
    filled = [c for c in cells if c]
    return bool(filled) and all(c in header for c in filled)


def tokenize_line(line_no: int, raw: str, resolve: Resolver) -> list[Token]:
    """Tokens of one table line, cell by cell, left to right."""
    out: list[Token] = []
    for col, cell in enumerate(raw.split("\t")):
        text = _TAG.sub(" ", cell).strip()
        if not text:
            continue
        marks = list(_MARKER.finditer(text))
        head = text[: marks[0].start()] if marks else text
        if head.strip():
            out.extend(_bare_tokens(line_no, col, head.strip(), resolve))
        for i, m in enumerate(marks):
            body = text[m.end() : marks[i + 1].start() if i + 1 < len(marks) else len(text)].strip()
            if m.group("goal"):
                out.append(Token(line_no, col, TokenKind.GOAL, body, m.group("goal")))
            elif m.group("num"):
                out.append(Token(line_no, col, TokenKind.NUMBERED, body, m.group("num")))
            else:
                out.append(Token(line_no, col, TokenKind.MEASURE, body, m.group("meas")))
    return out


def _names(piece: str) -> list[str]:
    return [n for n in re.split(r"[／/、，,]", piece) if n]


def _agency_like(piece: str, resolve: Resolver) -> bool:
    names = _names(piece)
    if not names or not all(_CJK_NAME.match(n) for n in names):
        return False
    if _LEAD_SEP.search(piece):
        return True
    if len(names) == 1:
        return resolve(names[0]) is not None or names[0].endswith(_AGENCY_SUFFIX)
    return all(resolve(n) is not None for n in names)


def split_agency_strings(text: str, resolve: Resolver) -> list[str] | None:
    """The agency strings in a bare cell text (`A／B、C D／E`), or None if it is not one.

    Strings are separated by spaces, but PDF conversion also put spaces inside names (`數發 部`):
    a space is kept inside a string when the name before it does not resolve and joining it with
    the next piece's first name does, or when a separator touches the space."""
    pieces = text.split()
    merged: list[str] = []
    for p in pieces:
        if merged:
            prev = merged[-1]
            last = _names(prev)[-1] if _names(prev) else ""
            first = _names(p)[0] if _names(p) else ""
            touching = prev.endswith(("／", "/", "、")) or p.startswith(("／", "/", "、"))
            broken = bool(last) and resolve(last) is None and resolve(last + first) is not None
            if touching or broken:
                merged[-1] = prev + " " + p
                continue
        merged.append(p)
    if merged and all(_agency_like(m.replace(" ", ""), resolve) for m in merged):
        return merged
    return None


def _bare_tokens(line_no: int, col: int, text: str, resolve: Resolver) -> list[Token]:
    strings = split_agency_strings(text, resolve)
    if strings is None:
        return [Token(line_no, col, TokenKind.TEXT, text)]
    return [Token(line_no, col, TokenKind.AGENCY, s) for s in strings]


def tokenize_table(
    lines: Sequence[str], first: int, last: int, header: frozenset[str], resolve: Resolver
) -> list[Token]:
    """All tokens of the table region, in document order; header rows are dropped."""
    out: list[Token] = []
    for n in range(first, last + 1):
        raw = lines[n - 1]
        if not raw.strip():
            continue
        cells = [_TAG.sub("", c).strip() for c in raw.split("\t")]
        if _is_header(cells, header):
            continue
        out.extend(tokenize_line(n, raw, resolve))
    return out


def parse_agency_string(line: int, raw: str) -> AgencyString:
    """`A／B、C` -> lead A, co-organisers (B, C); a lone `A` -> lead A. Duplicates are removed."""
    compact = raw.replace(" ", "").replace("\u3000", "")
    head, sep, tail = compact.partition("／") if "／" in compact else compact.partition("/")
    if sep:
        lead, co_raw = head, [n for n in _CO_SEP.split(tail) if n]
        no_sep = False
    else:
        names = [n for n in _CO_SEP.split(compact) if n]
        lead, co_raw = names[0], names[1:]
        no_sep = bool(co_raw)
    co: list[str] = []
    dups: list[str] = []
    for n in co_raw:
        if n == lead or n in co:
            dups.append(n)
        else:
            co.append(n)
    return AgencyString(line, raw, lead, tuple(co), tuple(dups), no_sep)


# --- matching table titles to the body ----------------------------------------------------------


def title_score(table_text: str, body_title: str) -> float:
    """How well a (possibly truncated or garbled) table title matches a body title, 0..100."""
    a, b = match_key(table_text), match_key(body_title)
    if not a or not b:
        return 0.0
    score = float(fuzz.ratio(a, b))
    if len(a) >= MIN_PARTIAL_CHARS and len(a) < len(b):
        score = max(score, float(fuzz.partial_ratio(a, b)) - PARTIAL_DISCOUNT)
    return score


@dataclass(frozen=True)
class _Match:
    strategy: int  # index into the body strategies
    score: float


def _best(cands: list[tuple[float, int, int]], cursor: int) -> tuple[float, int] | None:
    """Best (score, strategy index) among (score, strategy index, body position) candidates; near
    ties go to the candidate nearest the reading position (forward first)."""
    if not cands:
        return None
    top = max(c[0] for c in cands)
    near = [c for c in cands if c[0] >= top - 1.0]
    near.sort(key=lambda c: (abs(c[2] - cursor) + (0.5 if c[2] < cursor else 0.0), c[2]))
    return near[0][0], near[0][1]


class BodyIndex:
    """The body outline as the table is matched against it."""

    def __init__(self, strategies: Sequence[BodyStrategy], headings: Sequence[str]) -> None:
        self.strategies = list(strategies)
        self.headings = [match_key(h) for h in headings]
        self.measures: list[tuple[int, BodyMeasure]] = [
            (si, m) for si, s in enumerate(self.strategies) for m in s.measures
        ]

    def strategy(self, tok: Token, cursor: int) -> _Match | None:
        num = numeral_value(tok.number) if tok.number else None
        cands = []
        for si, s in enumerate(self.strategies):
            sc = title_score(tok.text, s.title)
            if sc >= MIN_TITLE_SCORE:
                cands.append((sc + (NUMBER_BONUS if num is not None and num == s.number else 0.0), si, si))
        best = _best(cands, cursor)
        if best is None:
            return None
        # A goal or sub-goal title printed with the same `N.` marker is not a strategy.
        key = match_key(tok.text)
        heading = max((float(fuzz.ratio(key, h)) for h in self.headings), default=0.0)
        if heading + NUMBER_BONUS >= best[0]:
            return None
        return _Match(best[1], best[0])

    def measure(self, tok: Token, cursor: int) -> _Match | None:
        num = numeral_value(tok.number) if tok.number else None
        cands = []
        for pos, (si, m) in enumerate(self.measures):
            sc = title_score(tok.text, m.title)
            if sc >= MIN_TITLE_SCORE:
                cands.append((sc + (NUMBER_BONUS if num is not None and num == m.number else 0.0), si, pos))
        pos_cursor = next((p for p, (si, _) in enumerate(self.measures) if si >= cursor), len(self.measures))
        best = _best(cands, pos_cursor)
        return _Match(best[1], best[0]) if best else None


# --- assignment ----------------------------------------------------------------------------------


@dataclass
class _Line:
    named: list[int] = field(default_factory=list)
    measured: set[int] = field(default_factory=set)
    strings: list[AgencyString] = field(default_factory=list)

    def rank_candidates(self) -> list[int]:
        return sorted(set(self.named)) if self.named else sorted(self.measured)


def _signature(s: AgencyString, resolve: Resolver) -> tuple[str, frozenset[str]]:
    def rid(name: str) -> str:
        return resolve(name) or match_key(name)

    return rid(s.lead), frozenset(rid(n) for n in s.co)


def assign(
    tokens: Sequence[Token],
    strategies: Sequence[BodyStrategy],
    headings: Sequence[str],
    resolve: Resolver,
) -> TableResult:
    """Assign every agency string of the table to a body strategy (see module docstring)."""
    index = BodyIndex(strategies, headings)
    result = TableResult(tokens=list(tokens))
    lines: dict[int, _Line] = {}
    cursor = 0
    first_seen: dict[int, int] = {}  # strategy index -> first table line naming it or its measures
    for tok in tokens:
        ln = lines.setdefault(tok.line, _Line())
        if tok.kind is TokenKind.NUMBERED:
            m = index.strategy(tok, cursor)
            if m is not None:
                ln.named.append(m.strategy)
                first_seen.setdefault(m.strategy, tok.line)
                cursor = max(cursor, m.strategy)
        elif tok.kind is TokenKind.MEASURE:
            m = index.measure(tok, cursor)
            if m is None:
                msg = f"表4 measure ({tok.number}) {tok.text} matches no body measure"
                result.warnings.append(TableWarning(tok.line, "table-unmatched", msg))
            else:
                ln.measured.add(m.strategy)
                first_seen.setdefault(m.strategy, tok.line)
                cursor = max(cursor, m.strategy)
        elif tok.kind is TokenKind.AGENCY:
            ln.strings.append(parse_agency_string(tok.line, tok.text))

    # The stream of strings with the evidence of their line.
    stream: list[tuple[AgencyString, _Line, int]] = []
    for n in sorted(lines):
        for rank, s in enumerate(lines[n].strings):
            stream.append((s, lines[n], rank))
    for s, _, _ in stream:
        result.warnings.extend(_string_warnings(s, resolve))
    if stream and not strategies:
        # A tree without strategies (goals only): the strings have nothing to go to.
        s0 = stream[0][0]
        msg = (
            f"表4 prints {len(stream)} 參與部會 string(s) (first 「{s0.raw}」) but the plan tree has no "
            "strategy to assign them to; no agency assigned"
        )
        result.warnings.append(TableWarning(s0.line, "no-responsibility", msg))
        return result

    chosen = _solve(stream, len(strategies), resolve)
    by_strategy: dict[int, list[tuple[AgencyString, str]]] = {}
    for (s, ln, _rank), t in zip(stream, chosen, strict=True):
        by_strategy.setdefault(t, []).append((s, _evidence(ln, t)))

    for si, st in enumerate(strategies):
        got = by_strategy.get(si)
        if not got:
            result.unassigned.append(st.id)
            if si in first_seen:
                line = first_seen[si]
                msg = f"表4 lists strategy 「{st.title}」 (body line {st.line}) but gives it no 參與部會 string"
            else:
                line = max((t.line for t in tokens), default=st.line)
                msg = f"表4 has no row for strategy 「{st.title}」 (body line {st.line}); the table ends at line {line}"
            result.warnings.append(TableWarning(line, "no-responsibility", msg + "; no agency assigned"))
            continue
        result.assignments[st.id] = _settle(st, got, resolve, result.warnings)
    return result


def _evidence(ln: _Line, t: int) -> str:
    if t in ln.named:
        return "named"
    if t in ln.measured:
        return "measures"
    return "order"


_QUOTE_CHARS = 120


def _quoted(raw: str) -> str:
    """The agency string as a warning quotes it: whole up to 120 characters. Each unknown name gets
    its own warning, so quoting a damaged 20,000-character cell in full would cost its length squared."""
    return raw if len(raw) <= _QUOTE_CHARS else raw[:_QUOTE_CHARS] + f"…({len(raw):,} characters)"


def _string_warnings(s: AgencyString, resolve: Resolver) -> list[TableWarning]:
    out = []
    raw = _quoted(s.raw)
    for n in dict.fromkeys(s.names):
        if resolve(n) is None:
            msg = f"表4 agency name 「{n}」 in 「{raw}」 matches no known agency"
            out.append(TableWarning(s.line, "unknown-agency", msg))
    for d in s.duplicates:
        out.append(TableWarning(s.line, "duplicate-agency", f"「{d}」 is printed twice in 「{raw}」; counted once"))
    if s.no_separator:
        msg = f"「{raw}」 has no ／; its first name 「{s.lead}」 is taken as lead"
        out.append(TableWarning(s.line, "no-lead-separator", msg))
    return out


def _solve(stream: list[tuple[AgencyString, _Line, int]], n: int, resolve: Resolver) -> list[int]:
    """Monotone assignment of strings to strategies maximising evidence minus costs (Viterbi)."""
    if not stream or n == 0:
        return []
    sigs = [_signature(s, resolve) for s, _, _ in stream]
    # A string another line prints the same way for strategy t is no conflict on t, even after a
    # different one (A, B, A keeps the second A).
    supported = [
        {t for j, (_, ln, _) in enumerate(stream) if j != i and sigs[j] == sigs[i] for t in (*ln.named, *ln.measured)}
        for i in range(len(stream))
    ]

    def gain(i: int, t: int) -> float:
        _, ln, rank = stream[i]
        g = 0.0
        if t in ln.named:
            g += W_NAMED
        if t in ln.measured:
            g += W_MEASURE
        cands = ln.rank_candidates()
        if rank < len(cands):
            if cands[rank] == t:
                g += W_RANK
            elif t not in ln.named and t not in ln.measured:
                g -= C_OFF_LINE
        return g

    neg = float("-inf")
    score = [[neg] * n for _ in stream]
    back = [[-1] * n for _ in stream]
    for t in range(n):
        score[0][t] = gain(0, t) - C_SKIP * t
    for i in range(1, len(stream)):
        same = sigs[i] == sigs[i - 1]
        for t in range(n):
            best, arg = neg, -1
            for tp in range(t + 1):
                prev = score[i - 1][tp]
                if prev == neg:
                    continue
                if tp == t:
                    cost = 0.0 if same or t in supported[i] else C_CONFLICT
                else:
                    cost = C_SKIP * (t - tp - 1) + (C_SAME_MOVED if same else 0.0)
                if prev - cost > best:
                    best, arg = prev - cost, tp
            score[i][t] = best + gain(i, t)
            back[i][t] = arg
    last = len(stream) - 1
    t_end = max(range(n), key=lambda t: (score[last][t] - C_SKIP * (n - 1 - t), -t))
    path = [t_end]
    for i in range(last, 0, -1):
        path.append(back[i][path[-1]])
    return path[::-1]


def _settle(
    st: BodyStrategy,
    got: list[tuple[AgencyString, str]],
    resolve: Resolver,
    warnings: list[TableWarning],
) -> Assignment:
    """One assignment per strategy: the string printed most often for it (first on ties)."""
    groups: dict[tuple[str, frozenset[str]], list[tuple[AgencyString, str]]] = {}
    for s, ev in got:
        groups.setdefault(_signature(s, resolve), []).append((s, ev))
    ranked = sorted(groups.values(), key=lambda g: -len(g))  # stable: first printed wins ties
    keep = ranked[0]
    strength = {"named": 0, "measures": 1, "order": 2}
    string, evidence = min(keep, key=lambda x: (strength[x[1]], x[0].line))
    notes: list[str] = []
    if evidence == "measures":
        notes.append("strategy identified by its measures on the same 表4 line")
    elif evidence == "order":
        notes.append("the 表4 line names none of this strategy's text (merged cell); placed by table order")
    if string.duplicates:
        notes.append(f"duplicate name(s) {'、'.join(string.duplicates)} counted once")
    lines_k = ", ".join(str(x.line) for x, _ in keep)
    for other in ranked[1:]:
        o = other[0][0]
        lines_o = ", ".join(str(x.line) for x, _ in other)
        why = "printed more often" if len(keep) > len(other) else "printed first"
        notes.append(f"表4 line(s) {lines_o} print a different string 「{o.raw}」; kept line(s) {lines_k} ({why})")
        msg = (
            f"strategy 「{st.title}」: 表4 line(s) {lines_o} print 「{o.raw}」 but line(s) {lines_k} "
            f"print 「{string.raw}」; kept the latter ({why})"
        )
        warnings.append(TableWarning(o.line, "conflicting-responsibility", msg))
    return Assignment(
        strategy=st.id,
        string=string,
        lines=tuple(sorted({x.line for x, _ in keep})),
        evidence=evidence,
        note="; ".join(notes) or None,
    )


def read_table(
    lines: Sequence[str],
    first: int,
    last: int,
    header: Sequence[str],
    strategies: Sequence[BodyStrategy],
    headings: Sequence[str],
    resolve: Resolver,
) -> TableResult:
    """Tokenize the table region and assign its agency strings to the body's strategies."""
    tokens = tokenize_table(lines, first, last, frozenset(header), resolve)
    return assign(tokens, strategies, headings, resolve)
