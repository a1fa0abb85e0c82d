"""Synthetic corpus generator: N plan documents in the format of the bundled S&T plan (000), with
the truth they were generated from, so that load accuracy can be measured at any scale.

    .venv/bin/python tools/gen_corpus.py --docs 100 --seed 7 --out /tmp/corpus [--check]

Writes DIR/manifest.yaml, one DIR/syn_NNNN.txt per document and DIR/truth.json (every node's kind,
title, number, parent and expected id; every strategy's lead and co-organisers as agency ids;
every cross-reference to another generated plan). `--check` loads the corpus back through the real
pipeline and prints precision/recall against the truth (tools/truth_check.py).

What the documents imitate (see docs/corpus-formats.md):
- front matter, a TOC whose goal lines look exactly like the goal headings, 壹/貳/參 sections whose
  `一、` and `1.` lists are not part of the tree;
- 肆 with `目標一：` / `一、` / `(一) 策略一、` / `1.` / `(1)` / `I.` markers, full-width variants
  (`（三）策略三、`, `（1）`, `1．`), `- ` and ` - ` prefixes, a strategy heading wrapped in `**` over
  two lines, `title：description` measures and actions, free paragraphs after action lists;
- page breaks (runs of 3+ blank lines) between blocks and inside titles, stray spaces after `，`;
- 伍 with 表4: tab-separated rows `目標 子目標 策略 措施 參與部會`, header rows repeated after
  page breaks, `<p>` cell wrappers, a fragment that repeats the strategy and its string after a page
  break, spaces inside names (`數發 部`), simplified characters in table titles, and `A／B、C`
  strings (lone `A` = lead only) whose names come from data/agencies.yaml as full names,
  abbreviations or former names (農委會), sometimes with a name printed twice;
- 陸 with agency headings (prose, not assignments); cross-references to earlier generated plans in
  壹 (「plan name」).

Every document depends only on (seed, its index): a corpus of 100 starts with the corpus of 10.
Generation is pure (no I/O) apart from `write_corpus` and the CLI.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make the project importable
    sys.path.insert(0, str(ROOT))

from core.agencies import AgencyBook, AgencyRecord, default_book  # noqa: E402
from core.plans import default_gazetteer  # noqa: E402

VOCAB_FILE = Path(__file__).resolve().parent / "synthetic_vocab.yaml"
GENERATOR = "tools/gen_corpus.py v1"
PROFILE = "st_plan"
HEADER = ["目標", "子目標", "策略", "措施", "參與部會"]
CN_DIGITS = "一二三四五六七八九"
FINAL = ("。", "！", "？", "；")


# --- numerals ------------------------------------------------------------------------------------
def cn_numeral(n: int) -> str:
    """1..99 as printed in the documents (一, 十, 十二, 二十一)."""
    if n < 10:
        return CN_DIGITS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CN_DIGITS[tens - 1]
    return head + "十" + (CN_DIGITS[ones - 1] if ones else "")


def roman(n: int) -> str:
    vals = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for v, s in vals:
        while n >= v:
            out += s
            n -= v
    return out


# --- configuration ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Shape:
    """How big a generated plan is (inclusive ranges) and how often each artefact appears."""

    goals: tuple[int, int] = (2, 4)
    subgoals: tuple[int, int] = (1, 3)
    strategies: tuple[int, int] = (1, 4)
    measures: tuple[int, int] = (1, 5)
    actions: tuple[int, int] = (0, 4)
    items: tuple[int, int] = (0, 3)
    p_items: float = 0.3  # an action has I./II. sub-items
    p_page_break: float = 0.12  # a block separator is a page break (3-5 blank lines)
    p_split_title: float = 0.06  # a title is cut by a page break
    p_stray_space: float = 0.15  # `， ` inside a title
    p_full_width: float = 0.3  # （一）, （1）, 1． marker variants
    p_dash: float = 0.5  # `- ` / ` - ` list prefixes
    p_bold_wrap: float = 0.05  # a strategy heading in ** over two lines
    p_desc: float = 0.25  # `title：description` measures and actions
    p_paragraph: float = 0.2  # a free paragraph after a measure's actions
    p_ascii: float = 0.1  # a title with an ASCII word (AI, 5G)
    # 表4
    co: tuple[int, int] = (0, 4)
    p_abbrev: float = 0.6  # an agency printed by an abbreviation
    p_former: float = 0.15  # ... or by a former name, where it has one
    p_space_in_name: float = 0.05  # `數發 部`
    p_duplicate: float = 0.03  # a co-organiser printed twice
    p_p_tags: float = 0.15  # a table line with <p> around its cells
    p_simplified: float = 0.1  # a table title with simplified characters
    rows_per_page: tuple[int, int] = (8, 16)
    p_repeat_fragment: float = 0.5  # after a page break mid-strategy, repeat its cells and string
    # Two strategies of one sub-goal on one 表4 line, their measures and strings side by side
    # (000:2648). Off by default (`--hard` turns it on): it measures the table reader's alignment.
    p_combined_rows: float = 0.0
    # Cross-references to earlier generated plans (in 壹).
    cross_refs: tuple[int, int] = (0, 2)


DEFAULT_SHAPE = Shape()


@lru_cache(maxsize=4)
def load_vocab(path: Path = VOCAB_FILE) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


# --- agencies ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AgencyChoice:
    id: str
    name: str
    # Printed forms: (surface, is_former_name)
    abbreviations: tuple[str, ...]
    former: tuple[str, ...]


_TABLE_CATEGORIES = {"ministry", "council", "academy", "directorate"}


def _cjk_only(s: str) -> bool:
    return 2 <= len(s) <= 14 and all("\u3400" <= c <= "\u9fff" for c in s)


@lru_cache(maxsize=2)
def agency_pool(book: AgencyBook | None = None) -> tuple[AgencyChoice, ...]:
    """Agencies a 表4 assigns (top-level ministries, councils, academies), with the printed forms
    that the gazetteer resolves back to them (full name, abbreviations, former names)."""
    book = book or default_book()
    out: list[AgencyChoice] = []
    for rec in book.records.values():
        if rec.parent is not None or rec.local or not rec.is_agency or rec.category not in _TABLE_CATEGORIES:
            continue
        if not _cjk_only(rec.name) or not _resolves(book, rec.name, rec):
            continue

        def ok(s: str, rec: AgencyRecord = rec) -> bool:
            # A form containing another of its names (國科會前身科技部) is a note, not a name.
            others = [rec.name, *rec.abbreviations, *rec.former_names]
            return _cjk_only(s) and _resolves(book, s, rec) and not any(o != s and o in s for o in others)

        out.append(
            AgencyChoice(
                rec.id,
                rec.name,
                tuple(a for a in rec.abbreviations if ok(a)),
                tuple(f for f in rec.former_names if ok(f)),
            )
        )
    return tuple(sorted(out, key=lambda a: a.id))


def _resolves(book: AgencyBook, surface: str, rec: AgencyRecord) -> bool:
    hit = book.resolve(surface)
    return hit is not None and hit.id == rec.id


# --- the plan tree ----------------------------------------------------------------------------------
@dataclass
class GenNode:
    kind: str
    title: str
    number: int
    id: str
    children: list[GenNode] = field(default_factory=list)
    # Text after `：` on the marker line (measures and actions), not part of the title.
    desc: str = ""
    lead: str | None = None
    co: list[str] = field(default_factory=list)
    # Printed 參與部會 string (strategies).
    raw: str = ""
    line: int = 0
    line_end: int = 0
    table_line: int = 0


@dataclass
class GenPlan:
    index: int
    id: str
    file: str
    title: str
    name: str
    short_name: str
    period: tuple[int, int]
    issuer: str
    published: str
    goals: list[GenNode]
    cross_refs: list[tuple[int, str]]  # (plan index, relation) to earlier plans


@dataclass
class CrossRef:
    target: str
    relation: str
    text: str
    line: int


@dataclass
class RenderedDoc:
    plan: GenPlan
    text: str
    cross_refs: list[CrossRef]
    warnings_expected: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PlanName:
    name: str
    period: tuple[int, int]  # ROC years

    @property
    def title(self) -> str:
        return f"{self.name}（民國 {self.period[0]} 年至 {self.period[1]} 年）"

    @property
    def short(self) -> str:
        return f"{self.name}{self.period[0]}-{self.period[1]}"


@lru_cache(maxsize=1)
def _real_plan_names() -> tuple[str, ...]:
    """Names and aliases of the plan gazetteer (data/plans.yaml), spaces removed."""
    names = [n for p in default_gazetteer().plans for n in p.names]
    return tuple(n.replace(" ", "") for n in names if len(n.replace(" ", "")) >= 4)


@lru_cache(maxsize=8)
def _name_combos(seed: int) -> list[tuple[str, str, str]]:
    v = load_vocab()
    combos = list(itertools.product(v["plan_prefixes"], v["domains"], v["plan_types"]))
    random.Random(f"names:{seed}").shuffle(combos)
    # A generated name must not contain a real plan's name (韌性智慧城鄉推動方案 holds 智慧城鄉推動):
    # the cross-plan linker would rightly see that plan in it, and the truth would not.
    real = _real_plan_names()
    return [c for c in combos if not any(r in "".join(c) for r in real)]


def plan_name(seed: int, index: int) -> PlanName:
    """The name of generated plan `index`: unique in the corpus, independent of its size."""
    combos = _name_combos(seed)
    prefix, domain, kind = combos[index % len(combos)]
    name = f"{prefix}{domain}{kind}"
    if index >= len(combos):
        name += f"第{cn_numeral(index // len(combos) + 1)}期"
    r = random.Random(f"period:{seed}:{index}")
    start = r.randint(100, 118)
    return PlanName(name, (start, start + 3))


class _Titles:
    """Unique titles within one plan, from the phrase pools."""

    def __init__(self, rng: random.Random, shape: Shape) -> None:
        self.rng = rng
        self.shape = shape
        self.v = load_vocab()
        self.used: set[str] = set()

    def _pick(self, key: str) -> str:
        return str(self.rng.choice(self.v[key]))

    def clause(self, domain: bool = True) -> str:
        verb, obj = self._pick("verbs"), self._pick("objects")
        if domain and self.rng.random() < self.shape.p_ascii:
            return f"{verb}{self._pick('domains')} {self._pick('ascii_words')} {obj}"
        return f"{verb}{self._pick('domains') if domain else ''}{obj}"

    def _unique(self, make: Any) -> str:
        for _ in range(200):
            t = str(make())
            if t not in self.used:
                self.used.add(t)
                return t
        raise RuntimeError("phrase pools exhausted")  # pragma: no cover - pools are large

    def goal(self) -> str:
        return self._unique(lambda: f"{self.clause()}，{self._pick('purposes')}")

    def subgoal(self) -> str:
        return self._unique(lambda: self.clause())

    def strategy(self) -> str:
        def make() -> str:
            t = f"{self.clause()}，{self.clause(domain=False)}"
            return t + (f"，{self._pick('purposes')}" if self.rng.random() < 0.3 else "")

        return self._unique(make)

    def measure(self) -> str:
        return self._unique(lambda: self.clause())

    def action(self) -> str:
        return self._unique(lambda: f"{self.clause()}，{self.clause(domain=False)}")

    def item(self) -> str:
        return self._unique(lambda: f"{self.clause()}，{self._pick('sentences')}")

    def sentence(self) -> str:
        return self._pick("sentences")


def _agency_assignment(rng: random.Random, shape: Shape, pool: tuple[AgencyChoice, ...]) -> tuple[str, list[str]]:
    n_co = rng.randint(*shape.co)
    chosen = rng.sample(pool, k=min(len(pool), n_co + 1))
    return chosen[0].id, [a.id for a in chosen[1:]]


def generate_plan(seed: int, index: int, shape: Shape = DEFAULT_SHAPE) -> GenPlan:
    """Plan `index` of corpus `seed`: its tree, titles and responsibility (the truth)."""
    rng = random.Random(f"plan:{seed}:{index}")
    pool = agency_pool()
    titles = _Titles(rng, shape)
    pid = f"syn-{index:04d}"
    name = plan_name(seed, index)
    goals: list[GenNode] = []
    for g in range(1, rng.randint(*shape.goals) + 1):
        goal = GenNode("Goal", titles.goal(), g, f"{pid}:g{g}")
        goals.append(goal)
        for sg in range(1, rng.randint(*shape.subgoals) + 1):
            sub = GenNode("SubGoal", titles.subgoal(), sg, f"{goal.id}.sg{sg}")
            goal.children.append(sub)
            for s in range(1, rng.randint(*shape.strategies) + 1):
                st = GenNode("Strategy", titles.strategy(), s, f"{sub.id}.s{s}")
                st.lead, st.co = _agency_assignment(rng, shape, pool)
                sub.children.append(st)
                for m in range(1, rng.randint(max(1, shape.measures[0]), shape.measures[1]) + 1):
                    me = GenNode("Measure", titles.measure(), m, f"{st.id}.m{m}")
                    if rng.random() < shape.p_desc:
                        me.desc = titles.sentence()
                    st.children.append(me)
                    for a in range(1, rng.randint(*shape.actions) + 1):
                        ac = GenNode("Action", titles.action(), a, f"{me.id}.a{a}")
                        if rng.random() < shape.p_desc:
                            ac.desc = titles.sentence()
                        me.children.append(ac)
                        if not ac.desc and rng.random() < shape.p_items:
                            for i in range(1, rng.randint(max(1, shape.items[0]), max(1, shape.items[1])) + 1):
                                ac.children.append(GenNode("Item", titles.item(), i, f"{ac.id}.i{i}"))
    n_refs = min(index, rng.randint(*shape.cross_refs))
    refs = [(j, rng.choice(["CONTINUES", "CITES"])) for j in sorted(rng.sample(range(index), n_refs))]
    roc = name.period[0] - 1
    published = f"{roc + 1911}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    issuer = rng.choice(["行政院", "國家科學及技術委員會", "國家發展委員會", "經濟部", "數位發展部"])
    return GenPlan(
        index=index,
        id=pid,
        file=f"syn_{index:04d}.txt",
        title=name.title,
        name=name.name,
        short_name=name.short,
        period=(name.period[0] + 1911, name.period[1] + 1911),
        issuer=issuer,
        published=published,
        goals=goals,
        cross_refs=refs,
    )


def walk(nodes: list[GenNode], parent: GenNode | None = None) -> list[tuple[GenNode, GenNode | None]]:
    out: list[tuple[GenNode, GenNode | None]] = []
    for n in nodes:
        out.append((n, parent))
        out.extend(walk(n.children, n))
    return out


# --- rendering ----------------------------------------------------------------------------------------
class _Lines:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, s: str) -> int:
        self.lines.append(s)
        return len(self.lines)

    def blank(self, n: int = 1) -> None:
        self.lines.extend([""] * n)

    @property
    def next(self) -> int:
        return len(self.lines) + 1


def _is_cjk(c: str) -> bool:
    return "\u3400" <= c <= "\u9fff"


class _Renderer:
    def __init__(self, plan: GenPlan, rng: random.Random, shape: Shape, names: dict[int, PlanName]) -> None:
        self.plan = plan
        self.rng = rng
        self.shape = shape
        self.names = names
        self.out = _Lines()
        self.book = default_book()
        self.pool = {a.id: a for a in agency_pool()}
        self.cross: list[CrossRef] = []
        self.v = load_vocab()

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def sep(self) -> None:
        """A block separator: one blank line, or a page break."""
        self.out.blank(self.rng.randint(3, 5) if self.chance(self.shape.p_page_break) else 1)

    def artefacts(self, title: str) -> str:
        """Stray spaces after full-width commas (clean_title removes them)."""
        if "，" in title and self.chance(self.shape.p_stray_space):
            i = title.index("，")
            if i + 1 < len(title) and _is_cjk(title[i + 1]):
                title = title[: i + 1] + " " + title[i + 1 :]
        return title

    def split_point(self, text: str, max_tail: int | None) -> int | None:
        """Where a page break may cut `text`: between two CJK characters, tail short enough."""
        lo = 3 if max_tail is None else max(3, len(text) - max_tail)
        cands = [i for i in range(lo, len(text) - 1) if _is_cjk(text[i - 1]) and _is_cjk(text[i])]
        return self.rng.choice(cands) if cands else None

    def heading(self, node: GenNode, prefix: str, paragraph: bool, suffix: str = "") -> None:
        """The marker line of a node (title + optional `：description`), maybe cut by a page break."""
        title = self.artefacts(node.title)
        text = title + (f"：{node.desc}" if node.desc else "") + suffix
        node.line = self.out.next
        cut = None
        if self.chance(self.shape.p_split_title):
            # A "line" title joins a continuation of at most 15 characters after a page break.
            cut = self.split_point(text, None if paragraph else 15)
        if cut is None:
            node.line_end = self.out.add(prefix + text)
            return
        self.out.add(prefix + text[:cut])
        self.out.blank(self.rng.randint(3, 5))
        node.line_end = self.out.add(text[cut:])

    # --- sections ---------------------------------------------------------------------------------
    def render(self) -> RenderedDoc:
        p = self.plan
        o = self.out
        o.add("")
        o.add(p.name)
        o.blank()
        o.add(f"(民國 {p.period[0] - 1911} 年至 {p.period[1] - 1911} 年)")
        o.blank()
        o.add("(核定本)")
        o.blank(3)
        y, m, d = p.published.split("-")
        o.add(f"中華民國 {int(y) - 1911} 年 {int(m)} 月 {int(d)} 日")
        o.add(f"院臺科字第 {1000000000 + p.index * 7919 % 99999999} 號函核定")
        o.blank(3)
        self.toc()
        self.preface()
        self.review()
        self.vision()
        self.tree()
        self.table()
        self.agencies_section()
        o.add("柒、經費")
        o.blank()
        o.add("本計畫所需經費由各部會於年度預算額度內編列支應。")
        o.blank()
        o.add("捌、執行與成效追蹤")
        o.blank()
        o.add("各部會每年提報執行成果，由國家科學及技術委員會彙整檢討。")
        return RenderedDoc(p, "\n".join(o.lines) + "\n", self.cross)

    def toc(self) -> None:
        o = self.out
        o.add("目 錄")
        o.blank()
        page = 1
        for head in ("壹、前言", "貳、現況與檢討", "參、總目標與遠景", "肆、策略與重要措施"):
            o.add(f"{head}.....\t{page}")
            page += self.rng.randint(2, 9)
        for g in self.plan.goals:  # TOC goal lines look exactly like the goal headings
            o.add(f"目標{cn_numeral(g.number)}：{g.title}.....\t{page}")
            page += self.rng.randint(5, 30)
        for head in ("伍、策略與重要措施分工", "陸、各部門科技發展目標", "柒、經費", "捌、執行與成效追蹤"):
            o.add(f"{head}.....\t{page}")
            page += self.rng.randint(1, 5)
        o.blank(3)

    def preface(self) -> None:
        o = self.out
        o.add("壹、前言")
        o.blank()
        o.add("一、背景")
        o.blank()
        o.add(
            f"為因應全球科技與產業情勢之快速變化，行政院核定「{self.plan.title}」，{self.rng.choice(self.v['sentences'])}"
        )
        for j, rel in self.plan.cross_refs:
            o.blank()
            other = self.names[j]
            if rel == "CONTINUES":
                text = f"本計畫賡續「{other.title}」之推動成果，檢討其執行情形後滾動調整。"
            else:
                text = f"本計畫並與「{other.name}」相互配合，共同推動相關措施。"
            line = o.add(text)
            self.cross.append(CrossRef(f"syn-{j:04d}", rel, other.title if rel == "CONTINUES" else other.name, line))
        o.blank()
        o.add("二、計畫目標")
        o.blank()
        o.add(
            f"本計畫以「{self.rng.choice(self.v['purposes'])}」為願景，提出{cn_numeral(len(self.plan.goals))}大目標。"
        )
        o.blank()

    def review(self) -> None:
        o = self.out
        o.add("貳、現況與檢討")
        o.blank()
        o.add("一、執行成果")
        o.blank()
        for i in range(1, self.rng.randint(2, 4) + 1):  # `1.` lists outside 肆 are not measures
            o.add(f"{i}. {self.rng.choice(self.v['sentences'])}")
        o.blank()

    def vision(self) -> None:
        o = self.out
        o.add("參、總目標與遠景")
        o.blank()
        for g in self.plan.goals:
            o.add(f"目標{cn_numeral(g.number)}「{g.title}」：{self.rng.choice(self.v['sentences'])}")
        o.blank()

    def strategy_prefix(self, n: int) -> str:
        cn = cn_numeral(n)
        if self.chance(self.shape.p_full_width):
            return f"（{cn}）策略{cn}、"
        return f"({cn}) 策略{cn}、"

    def tree(self) -> None:
        o = self.out
        o.add("肆、策略與重要措施")
        o.blank()
        for g in self.plan.goals:
            self.heading(g, f"目標{cn_numeral(g.number)}：", paragraph=False)
            self.sep()
            for sg in g.children:
                self.heading(sg, f"{cn_numeral(sg.number)}、", paragraph=False)
                self.sep()
                for st in sg.children:
                    self.strategy_heading(st)
                    self.sep()
                    for me in st.children:
                        self.measure(me)
        self.sep()

    def strategy_heading(self, st: GenNode) -> None:
        prefix = self.strategy_prefix(st.number)
        comma = st.title.find("，")
        if comma > 0 and self.chance(self.shape.p_bold_wrap):
            # 000:827-828: `**（四）策略四、…，` / `…**`, wrapped after a comma
            st.line = self.out.add(f"**{prefix}{st.title[: comma + 1]}")
            st.line_end = self.out.add(f"{st.title[comma + 1 :]}**")
            return
        self.heading(st, prefix, paragraph=False)

    def measure(self, me: GenNode) -> None:
        o = self.out
        dot = "．" if self.chance(self.shape.p_full_width / 2) else "."
        dash = "- " if self.chance(self.shape.p_dash / 3) else ""
        self.heading(me, f"{dash}{me.number}{dot} ", paragraph=False)
        for ac in me.children:
            style = self.rng.random()
            if style < self.shape.p_full_width / 2:
                prefix = f"（{ac.number}）"
            elif style < self.shape.p_dash:
                prefix = self.rng.choice(["- ", " - "]) + f"({ac.number}) "
            else:
                prefix = f"({ac.number}) "
            self.heading(ac, prefix, paragraph=True)
            for it in ac.children:
                self.heading(it, f" - {roman(it.number)}. ", paragraph=True)
        if me.children and self.chance(self.shape.p_paragraph):
            o.blank()
            o.add(f"{self.rng.choice(self.v['sentences'])}{self.rng.choice(self.v['sentences'])}")
        self.sep()

    # --- 表4 -----------------------------------------------------------------------------------------
    def surface(self, agency_id: str) -> str:
        a = self.pool[agency_id]
        r = self.rng.random()
        if a.former and r < self.shape.p_former:
            name = self.rng.choice(a.former)
        elif a.abbreviations and r < self.shape.p_former + self.shape.p_abbrev:
            name = self.rng.choice(a.abbreviations)
        else:
            name = a.name
        if len(name) >= 3 and self.chance(self.shape.p_space_in_name) and self.book.resolve(name[:-1]) is None:
            name = f"{name[:-1]} {name[-1]}"  # 000:2716 `數發 部`
        return name

    def agency_string(self, st: GenNode) -> str:
        assert st.lead is not None
        lead = self.surface(st.lead)
        co = [self.surface(c) for c in st.co]
        if co and self.chance(self.shape.p_duplicate):
            co.append(self.rng.choice(co).replace(" ", ""))  # 000:2732 僑委會 twice
        return lead + ("／" + "、".join(co) if co else "")

    def table_title(self, title: str) -> str:
        if self.chance(self.shape.p_simplified):
            simp: dict[str, str] = self.v["simplified"]
            title = "".join(simp.get(c, c) for c in title)
        return self.artefacts(title)

    def table(self) -> None:
        o = self.out
        goals = self.plan.goals
        n_goals = len(goals)
        n_sub = sum(len(g.children) for g in goals)
        n_st = sum(len(sg.children) for g in goals for sg in g.children)
        n_me = sum(len(st.children) for g in goals for sg in g.children for st in sg.children)
        n_ag = len({a for g in goals for sg in g.children for st in sg.children for a in [st.lead, *st.co]})
        o.add("伍、策略與重要措施分工")
        o.blank()
        o.add(
            f"本計畫包括 {n_goals} 項目標、{n_sub} 項子目標、{n_st} 項策略，及 {n_me} 項與策略相關之措施，"
            f"由 {n_ag} 個部、會、署共同執行，如策略與重要措施分工對應表所列（表 4）。"
        )
        o.blank()
        o.add("表 4 策略與重要措施分工對應表")
        o.blank()
        self.header_row()
        rows_left = self.rng.randint(*self.shape.rows_per_page)
        for g in goals:
            first_g = True
            for sg in g.children:
                first_sg = True
                merged: set[int] = set()
                for si, st in enumerate(sg.children):
                    if si in merged:
                        continue
                    raw = self.agency_string(st)
                    st.raw = raw
                    nxt = sg.children[si + 1] if si + 1 < len(sg.children) else None
                    if nxt is not None and self.shape.p_combined_rows and self.chance(self.shape.p_combined_rows):
                        # 000:2648: `1. S1 2. S2` ⇥ `(1) … (1) …` ⇥ `A／B C／D` on one line
                        nxt.raw = self.agency_string(nxt)
                        cells = [
                            f"{cn_numeral(g.number)}、{self.table_title(g.title)}" if first_g else "",
                            f"{sg.number}. {self.table_title(sg.title)}" if first_sg else "",
                            " ".join(f"{x.number}. {self.table_title(x.title)}" for x in (st, nxt)),
                            " ".join(
                                f"({m.number}) {self.table_title(m.title)}" for x in (st, nxt) for m in x.children
                            ),
                            f"{st.raw} {nxt.raw}",
                        ]
                        st.table_line = nxt.table_line = self.row(cells)
                        first_g = first_sg = False
                        merged.add(si + 1)
                        rows_left -= 1
                        continue
                    for k, me in enumerate(st.children):
                        measure_cell = f"({me.number}) {self.table_title(me.title)}"
                        if rows_left <= 0:
                            o.blank(3)
                            self.header_row()
                            rows_left = self.rng.randint(*self.shape.rows_per_page)
                            if k > 0 and self.chance(self.shape.p_repeat_fragment):
                                # 000:2653: a fragment repeats goal, sub-goal, strategy and its string
                                cells = [
                                    f"{cn_numeral(g.number)}、{self.table_title(g.title)}",
                                    f"{sg.number}. {self.table_title(sg.title)}",
                                    f"{st.number}. {self.table_title(st.title)}",
                                    measure_cell,
                                    raw,
                                ]
                                self.row(cells)
                                rows_left -= 1
                                continue
                        if k == 0:
                            cells = [
                                f"{cn_numeral(g.number)}、{self.table_title(g.title)}" if first_g else "",
                                f"{sg.number}. {self.table_title(sg.title)}" if first_sg else "",
                                f"{st.number}. {self.table_title(st.title)}",
                                measure_cell,
                                raw,
                            ]
                            st.table_line = self.row(cells)
                            first_g = first_sg = False
                        else:
                            self.row(["", "", "", measure_cell, ""])
                        rows_left -= 1
        o.blank()

    def header_row(self) -> None:
        self.out.add("\t".join(HEADER) + ("\t" if self.chance(0.3) else ""))

    def row(self, cells: list[str]) -> int:
        if self.chance(self.shape.p_p_tags):
            cells = [f"<p>{c}</p>" if c else c for c in cells]
        return self.out.add("\t".join(cells))

    def agencies_section(self) -> None:
        o = self.out
        o.add("陸、各部門科技發展目標")
        o.blank()
        ids = sorted({st.lead for g in self.plan.goals for sg in g.children for st in sg.children if st.lead})
        for aid in ids[:4]:  # agency headings and prose: not assignments
            o.add(self.pool[aid].name)
            o.blank()
            o.add(f"{self.pool[aid].name}{self.rng.choice(self.v['sentences'])}")
            o.blank()


def render_plan(plan: GenPlan, seed: int, shape: Shape = DEFAULT_SHAPE) -> RenderedDoc:
    """The document text of a generated plan; fills in each node's line numbers (the truth)."""
    rng = random.Random(f"render:{seed}:{plan.index}")
    names = {j: plan_name(seed, j) for j, _ in plan.cross_refs}
    return _Renderer(plan, rng, shape, names).render()


# --- the corpus and its truth --------------------------------------------------------------------------
@dataclass
class Corpus:
    seed: int
    docs: list[RenderedDoc]

    def manifest(self) -> dict[str, Any]:
        return {
            "documents": [
                {
                    "id": d.plan.id,
                    "file": d.plan.file,
                    "title": d.plan.title,
                    "short_name": d.plan.short_name,
                    "aliases": [d.plan.name],
                    "kind": "plan",
                    "issuer": d.plan.issuer,
                    "published": d.plan.published,
                    "period_start": d.plan.period[0],
                    "period_end": d.plan.period[1],
                    "profile": PROFILE,
                }
                for d in self.docs
            ]
        }

    def truth(self) -> dict[str, Any]:
        return {
            "generator": GENERATOR,
            "seed": self.seed,
            "documents": [doc_truth(d) for d in self.docs],
        }


def doc_truth(d: RenderedDoc) -> dict[str, Any]:
    p = d.plan
    plan_id = f"{p.id}:plan"
    nodes: list[dict[str, Any]] = [
        {"id": plan_id, "kind": "Plan", "title": p.title, "number": None, "parent": None, "path": [], "line": None}
    ]
    titles: dict[str, str] = {plan_id: p.title}
    paths: dict[str, list[str]] = {plan_id: []}
    responsibilities = []
    for n, parent in walk(p.goals):
        parent_id = parent.id if parent else plan_id
        titles[n.id] = n.title
        paths[n.id] = [*paths[parent_id], titles[parent_id]]
        number = cn_numeral(n.number) if n.kind in ("Goal", "SubGoal", "Strategy") else str(n.number)
        if n.kind == "Item":
            number = roman(n.number)
        nodes.append(
            {
                "id": n.id,
                "kind": n.kind,
                "title": n.title,
                "number": number,
                "parent": parent_id,
                "path": paths[n.id],
                "line": n.line,
                "line_end": n.line_end,
            }
        )
        if n.kind == "Strategy":
            responsibilities.append(
                {"strategy": n.id, "title": n.title, "lead": n.lead, "co": n.co, "raw": n.raw, "line": n.table_line}
            )
    return {
        "id": p.id,
        "file": p.file,
        "title": p.title,
        "profile": PROFILE,
        "nodes": nodes,
        "responsibilities": responsibilities,
        "cross_refs": [
            {"target": c.target, "relation": c.relation, "text": c.text, "line": c.line} for c in d.cross_refs
        ],
    }


def generate_corpus(n_docs: int, seed: int, shape: Shape = DEFAULT_SHAPE) -> Corpus:
    """N generated documents with their truth (pure: nothing is written)."""
    return Corpus(seed, [render_plan(generate_plan(seed, i, shape), seed, shape) for i in range(n_docs)])


def write_corpus(corpus: Corpus, out: Path) -> dict[str, int]:
    """Write the documents, manifest.yaml and truth.json; returns a summary."""
    out.mkdir(parents=True, exist_ok=True)
    size = 0
    lines = 0
    for d in corpus.docs:
        data = d.text.encode("utf-8")
        (out / d.plan.file).write_bytes(data)
        size += len(data)
        lines += d.text.count("\n")
    manifest = "# Generated by tools/gen_corpus.py (synthetic S&T-plan-format documents).\n" + yaml.safe_dump(
        corpus.manifest(), allow_unicode=True, sort_keys=False
    )
    (out / "manifest.yaml").write_text(manifest, encoding="utf-8")
    truth = corpus.truth()
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    n_nodes = sum(len(t["nodes"]) for t in truth["documents"])
    return {"documents": len(corpus.docs), "nodes": n_nodes, "lines": lines, "bytes": size}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--docs", type=int, default=10, help="number of documents (default 10)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (same seed, same corpus)")
    ap.add_argument("--out", type=Path, required=True, help="directory to write (created)")
    ap.add_argument("--check", action="store_true", help="load the corpus back and print its accuracy")
    ap.add_argument("--hard", action="store_true", help="also combine strategies on one 表4 line (000:2648)")
    args = ap.parse_args(argv)
    if args.docs < 1:
        ap.error("--docs must be at least 1")
    t0 = time.perf_counter()
    shape = Shape(p_combined_rows=0.25) if args.hard else DEFAULT_SHAPE
    corpus = generate_corpus(args.docs, args.seed, shape)
    summary = write_corpus(corpus, args.out)
    dt = time.perf_counter() - t0
    print(
        f"wrote {summary['documents']} documents ({summary['nodes']} plan nodes, {summary['lines']} lines, "
        f"{summary['bytes'] / 1e6:.1f} MB) + manifest.yaml + truth.json to {args.out} in {dt:.1f} s"
    )
    if args.check:
        from loaders.pipeline import load_corpus
        from tools.truth_check import compare, format_report

        t1 = time.perf_counter()
        batch = load_corpus(args.out)
        print(f"loaded back in {time.perf_counter() - t1:.1f} s: {len(batch.nodes)} nodes, {len(batch.edges)} edges")
        report = compare(batch, json.loads((args.out / "truth.json").read_text(encoding="utf-8")))
        print(format_report(report))
        return 0 if report.perfect() else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
