"""Quantified targets, baselines, achievements and budgets in plan prose (any document).

`extract_targets(text)` finds every quantity with a unit (`逾 15 兆元`, `50 萬個`, `約20MW`,
`64%`, `百萬家`, `排名第13`, `全球前五`), the year it belongs to (AD; ROC years converted:
`115年底` -> 2026) and what kind of figure it is, from the cue words of its clause and sentence:

- budget: money a government sets aside (`匡列`, `編列`, `預算`, `經費`, `挹注`);
- achieved: a result already reached (`已`, `截至`, `迄今`, `已達成`);
- target: a figure the plan aims at (`預計`, `期`, `目標`, `將`, `可望`, `至少`, `原訂…目標`), or a
  figure for a year after the reference year;
- baseline: where things stand (`排名`, `位居`, `現況`, a figure for a past year).

Figures reported from outside sources (`根據…報告`, `市場規模`, `年複合成長率`, `預估`/`推估`
by others) are not the plan's and are left out, as are quantities with no year and no cue.

- `由原 X 提升至 Y`: X is where things stand (a baseline, with no year of its own), Y what the plan
  aims at (000:2490, 2504);
- a year range followed by as many figures (`2025 年度至 2028 年度…1,595 億元、1,800 億元、1,890
  億元以及 1,985 億元`, 000:2931) gives each figure its own year;
- a year given as a comparison base (`相較 2016 年`) is not the figure's year (002:1488);
- a year stated earlier in the same sentence carries across `；` (000:2490);
- money followed by 基金 / 預算 / 經費 is a budget (`各設立 100 億元基金`, 002:974);
- durations and factors (`24 小時監測機制`, `2 倍或 4 倍解析度`) describe a thing; they are figures
  only with a cue in their own clause (`至少120小時`).

Pure: text in, facts out (spans are offsets into the text given).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

TargetType = Literal["target", "baseline", "achieved", "budget"]

_MULT = {"十": 10.0, "百": 100.0, "千": 1e3, "萬": 1e4, "億": 1e8, "兆": 1e12}
# The multipliers a unit may carry (萬人次, 億元, a table's 單位：億元): amounts are kept in the base unit too.
UNIT_MULTIPLIERS = {m: _MULT[m] for m in "萬億兆"}
# Units after a number, longest first (a multiplier may precede them: 萬人次, 億元, 兆美元).
_UNITS = (
    "百萬瓦",
    "美元",
    "元",
    "人次",
    "用戶",
    "戶",
    "名",
    "人",
    "廠家次",
    "家次",
    "家",
    "個",
    "項次",
    "項",
    "座",
    "架",
    "處",
    "案次",
    "案",
    "件",
    "組",
    "筆",
    "場次",
    "小時",
    "公頃",
    "所",
    "班",
    "隊",
    "篇",
    "位",
    "站",
    "線",
    "倍",
    "MW",
    "GW",
    "kW",
    "Pflops",
    "%/min",
    "%",
    "％",
)
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CN_NUM = r"[一二兩三四五六七八九十百千]+"
_UNIT_RE = "|".join(re.escape(u) for u in _UNITS)
_QTY = re.compile(
    rf"(?P<qual>逾|超過|超越|至少|約|近|達到?|突破|高達|共|累計|各)?\s*"
    rf"(?:(?P<num>{_NUM})|(?P<cnum>{_CN_NUM})(?=[萬億兆]))\s*"
    rf"(?P<mult>[萬億兆](?!元以上)?)?\s*(?P<unit>{_UNIT_RE})?"
)
_RANK = re.compile(r"(?:排名|名列|位居|排行)(?:全球|世界|亞洲|第)?\s*第?\s*(?P<num>\d{1,3})(?:\s*名)?")
# 「達到全球前五」: a rank aimed at (not 「世界前200大畢業生」, a rule's threshold)
_TOP = re.compile(
    r"(?:達到?|進入|躋身|成為)[^，。]{0,6}?(?:全球|世界)\s*前\s*(?P<n>[一二三四五六七八九十]|\d{1,4})(?![\d,])(?:大|名)?"
)
_YEAR_AD = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*年")
_YEAR_ROC = re.compile(r"(?:民國\s*)?(?<![\d/])(?P<y>\d{2,3})\s*(?:年|學年度)")
_SENTENCE = re.compile(r"[^。！？；!?;]+[。！？；!?;]?")
# A whole sentence (its `；` parts share the years it states).
_FULL_SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]?")
# A year given as the base of a comparison (相較 2016 年之增幅) is not the year of the figures.
_COMPARED = re.compile(r"(?:相較|相比|比較|較|比起)\s*(?:於|於\s*)?\s*$")
# A year range (2025 年度至 2028 年度).
_YEAR_RANGE = re.compile(r"(?<!\d)(?P<a>(?:19|20)\d{2})\s*年度?\s*(?:至|到|-|–|～|~)\s*(?P<b>(?:19|20)\d{2})\s*年度?")
# `由原 X 提升至 Y`: X is the starting point.
_FROM = re.compile(r"由\s*原?\s*$")
_TO = re.compile(r"至\s*$")
# Money set aside as a fund or budget (各設立 100 億元基金).
_FUND_AFTER = re.compile(r"\s*(?:之|的)?\s*(?:基金|預算|經費)")
# Durations and factors describe a thing (24 小時監測機制, 2 倍解析度): figures only with a cue
# in their own clause.
_DESCRIPTIVE_UNITS = ("小時", "倍")
# Clauses end at full-width punctuation or a comma that is not a thousands separator (1,500).
_CLAUSE = re.compile(r"(?:[^，,、：:]|,(?=\d{3}))+[，,、：:]?")

_BUDGET = re.compile(r"匡列|編列|預算|挹注|經費需求|總經費")
# 原訂…目標, 既定目標, 已達目標值 159 項 (003:1346): the figure is the target itself.
_ORIGINAL = re.compile(r"原訂|原定|既定目標|目標值")
_ACHIEVED_STRONG = re.compile(r"已達成|已達|已完成|已有|迄今")
_AS_OF = re.compile(r"截至|截止")
_ACHIEVED = re.compile(r"已|完成了|成功")
_TARGET = re.compile(r"預計|預期|期於|期能|期達|目標|將(?!是|會是)|可望|至少|力拼|爭取|規劃|推動至|擴大至|提升至")
_BASELINE = re.compile(r"排名|名列|位居|現況|目前")
_SOURCED = re.compile(r"(?:根據|依據).{0,30}?(?:報告|統計|資料|調查|研究|推估|預估|估計|指數)|指出|調查顯示|統計顯示")
_EXTERNAL = re.compile(r"全球.{0,8}市場|市場規模|年複合成長率|GDP|預估|推估|估計|預測")
# …unless the sentence is the plan's own projection (本方案…, 政府…, 可創造).
_OWN = re.compile(r"本方案|本計畫|政府|我國將|可創造")
# A reported figure about this country is a baseline; one about the world is left out.
_DOMESTIC = re.compile(r"臺灣|台灣|我國")
_FOREIGN_MONEY = re.compile(r"\s*(?:歐元|韓元|日圓|日元|人民幣|英鎊)")
# 1 萬 8 千家, 1 萬 1,145 名: a figure printed in two parts.
_COMPOUND = re.compile(
    rf"(?P<qual>逾|超過|至少|約|近|達到?|共|累計)?\s*(?P<wan>\d+)\s*萬\s*(?P<rest>\d{{1,3}}(?:,\d{{3}})|\d{{1,4}})\s*"
    rf"(?P<thou>千)?\s*(?P<unit>{_UNIT_RE})"
)
# Other currencies (歐元, 韓元) are foreign plans' figures, never this plan's: no unit for them.
_MONEY = ("元", "美元")


@dataclass(frozen=True)
class TargetFact:
    value: float
    # The unit as printed after the number, with its multiplier (兆元, 萬個, MW, %); "rank" for 排名
    unit: str
    year: int | None
    type: TargetType
    span: tuple[int, int]
    text: str
    # 逾 / 至少 / 約 / 突破 … as printed before the number
    qualifier: str | None = None
    # value in the base unit (15 兆元 -> 1.5e13 元); None for ranks
    amount: float | None = None
    base_unit: str = ""


def roc_year(roc: int) -> int:
    """民國 year -> AD (民國114年 = 2025)."""
    return roc + 1911


def _cn_value(s: str) -> float | None:
    digits = {"一": 1, "二": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
    total, cur = 0.0, 0.0
    for c in s:
        if c in digits:
            cur = digits[c]
        elif c in _MULT:
            total += (cur or 1) * _MULT[c]
            cur = 0
        else:
            return None
    return total + cur


# 前 right before a figure is a cut-off (前100名), but 之前/年前 is a deadline (2030 年之前 達 600 萬用戶).
_CUTOFF_BEFORE = re.compile(r"(?<![之年\s])\s*前\s*$")


def _years(sentence: str, offset: int, ref_year: int | None) -> list[tuple[int, int]]:
    """(position, AD year) of every year mentioned in a sentence."""
    out = [(m.start() + offset, int(m.group("y"))) for m in _YEAR_AD.finditer(sentence)]
    taken = {p for p, _ in out}
    for m in _YEAR_ROC.finditer(sentence):
        y = int(m.group("y"))
        if 80 <= y <= 150 and m.start() + offset not in taken:
            out.append((m.start() + offset, roc_year(y)))
    return sorted(out)


def stated_years(text: str) -> list[int]:
    """Every year (AD; ROC converted) a text mentions, in order."""
    return [y for _, y in _years(text, 0, None)]


def _figure_years(sentence: str, offset: int, years: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The years a figure can belong to: not those given as a comparison base (相較 2016 年)."""
    return [(p, y) for p, y in years if not _COMPARED.search(sentence[: p - offset])]


def _year_for(pos: int, years: list[tuple[int, int]], clause_end: int) -> int | None:
    """The nearest year before the figure in its sentence, else the next one in its clause."""
    before = [y for p, y in years if p < pos]
    if before:
        return before[-1]
    after = [y for p, y in years if pos < p < clause_end]
    return after[0] if after else None


def _classify(
    clause: str, sentence: str, before: str, unit: str, year: int | None, ref_year: int | None
) -> TargetType | None:
    """The clause decides if it has a cue, else the sentence (a target cue only where it comes
    before the figure: `與29家創投…，預計…投資120家`); a figure for a later year than the
    document's with no cue is a target. A past figure with no cue is left out (a statistic)."""
    money = unit.endswith(_MONEY)
    if _ORIGINAL.search(clause):
        return "target"  # 原訂…目標: the target a result is compared with
    if money and _BUDGET.search(clause):
        return "budget"
    if _ACHIEVED_STRONG.search(clause) or (_ACHIEVED.search(clause) and not _TARGET.search(clause)):
        return "achieved"
    if _TARGET.search(clause):
        return "target"
    if _BASELINE.search(clause) or _AS_OF.search(clause):
        return "baseline"
    if money and _BUDGET.search(sentence):
        return "budget"
    if _ACHIEVED_STRONG.search(sentence):
        return "achieved"
    if _TARGET.search(before) or _ORIGINAL.search(before):
        return "target"
    if _AS_OF.search(before):
        return "baseline"
    if _ACHIEVED.search(before):
        return "achieved"
    if year is not None and ref_year is not None and year > ref_year:
        return "target"
    return None


def extract_targets(text: str, ref_year: int | None = None, default: TargetType | None = None) -> list[TargetFact]:
    """Every quantified figure in `text` a plan states as its own, in text order. `ref_year` is
    the year the document was written: figures for later years count as targets. `default` is the
    type of a figure with no cue where the context says what it is (a list of 預期成果 is targets)."""
    facts: list[TargetFact] = []
    for full in _FULL_SENTENCE.finditer(text):
        f0 = full.start()
        # Years are read over the whole sentence: a `；` part states no year of its own when the
        # sentence already gave it (000:2490 `2030 年之前擴充…；擴充…（由原 2,000 MW 提升至 3,000 MW）`).
        all_years = _years(full.group(0), f0, ref_year)
        years = _figure_years(full.group(0), f0, all_years)
        year_spans = [(p, p + 4) for p, _ in all_years]
        found: list[TargetFact] = []
        for sm in _SENTENCE.finditer(full.group(0)):
            sentence, s0 = sm.group(0), f0 + sm.start()
            external = bool(_SOURCED.search(sentence) or (_EXTERNAL.search(sentence) and not _OWN.search(sentence)))
            if external and not _DOMESTIC.search(sentence):
                continue  # someone else's figures about the world: not this plan's
            for cm in _CLAUSE.finditer(sentence):
                clause, c0 = cm.group(0), s0 + cm.start()
                found.extend(_clause_facts(clause, c0, sentence, s0, years, year_spans, ref_year, external, default))
        facts.extend(_respective_years(full.group(0), f0, found))
    return facts


def _respective_years(sentence: str, offset: int, facts: list[TargetFact]) -> list[TargetFact]:
    """`2025 年度至 2028 年度…推估為 1,595 億元、1,800 億元、1,890 億元以及 1,985 億元`: a year
    range followed by exactly as many figures of one unit gives them its years in order."""
    out = list(facts)
    for m in _YEAR_RANGE.finditer(sentence):
        first, last = int(m.group("a")), int(m.group("b"))
        end = offset + m.end()
        later = [i for i, f in enumerate(out) if f.span[0] >= end]
        # up to the next year mentioned after the range
        nxt = next((offset + y.start() for y in _YEAR_AD.finditer(sentence, m.end())), None)
        run = [i for i in later if nxt is None or out[i].span[0] < nxt]
        if len(run) < 2 or len(run) != last - first + 1 or len({out[i].unit for i in run}) != 1:
            continue
        for k, i in enumerate(run):
            out[i] = replace(out[i], year=first + k)
    return out


def _reported(year: int | None, ref_year: int | None) -> TargetType | None:
    return "baseline" if year is not None and ref_year is not None and year <= ref_year else None


def _clause_facts(
    clause: str,
    c0: int,
    sentence: str,
    s0: int,
    years: list[tuple[int, int]],
    year_spans: list[tuple[int, int]],
    ref_year: int | None,
    external: bool = False,
    default: TargetType | None = None,
) -> list[TargetFact]:
    """The facts of one clause. In a sentence reporting others' figures about the country
    (`根據…統計，2024 年臺灣…`), a figure can only be a baseline (a past or current value)."""
    out: list[TargetFact] = []
    used: list[tuple[int, int]] = []
    for m in _RANK.finditer(clause):
        span = (c0 + m.start(), c0 + m.end())
        year = _year_for(span[0], years, c0 + len(clause))
        rank_kind: TargetType = "target" if _TARGET.search(clause) else "baseline"
        out.append(TargetFact(float(m.group("num")), "rank", year, rank_kind, span, m.group(0)))
        used.append(span)
    for m in _TOP.finditer(clause):
        n = m.group("n")
        value = float(n) if n.isdigit() else _cn_value(n)
        if value is None:
            continue
        span = (c0 + m.start(), c0 + m.end())
        year = _year_for(span[0], years, c0 + len(clause))
        out.append(TargetFact(value, "rank", year, "target", span, m.group(0), qualifier="前"))
        used.append(span)
    for m in _COMPOUND.finditer(clause):
        rest = float(m.group("rest").replace(",", "")) * (1000.0 if m.group("thou") else 1.0)
        value = float(m.group("wan")) * 1e4 + rest
        start = c0 + m.start("wan")
        span = (c0 + m.start() + (len(m.group(0)) - len(m.group(0).lstrip())), c0 + m.end())
        year = _year_for(start, years, c0 + len(clause))
        compound_kind = _classify(clause, sentence, sentence[: start - s0], m.group("unit"), year, ref_year)
        if external:
            compound_kind = _reported(year, ref_year)
        elif compound_kind is None:
            compound_kind = default
        used.append(span)
        if compound_kind is not None:
            out.append(
                TargetFact(
                    value,
                    m.group("unit"),
                    year,
                    compound_kind,
                    span,
                    m.group(0).strip(),
                    m.group("qual"),
                    value,
                    m.group("unit"),
                )
            )
    for m in _QTY.finditer(clause):
        mult, unit = m.group("mult") or "", m.group("unit") or ""
        if not (m.group("num") or m.group("cnum")) or not (mult or unit):
            continue
        if m.group("cnum") and not unit:
            continue  # 百億主題式投資, 千億資金: a name, not a figure
        if not unit and _FOREIGN_MONEY.match(clause, m.end()):
            continue  # 2,000 億歐元: a foreign plan's money
        if _CUTOFF_BEFORE.search(clause[: m.start()]):
            continue  # 前100名 (the first hundred people): a cut-off, not a figure
        start = c0 + m.start("num") if m.group("num") else c0 + m.start("cnum")
        span = (c0 + m.start(), c0 + m.end())
        if any(a <= start < b for a, b in used) or any(a <= start < b for a, b in year_spans):
            continue
        if m.group("num"):
            value = float(m.group("num").replace(",", ""))
        else:
            cn = _cn_value(m.group("cnum"))
            if cn is None:
                continue
            value = cn
        printed_unit = mult + unit
        year = _year_for(start, years, c0 + len(clause))
        before = sentence[: start - s0]
        qty_kind = _classify(clause, sentence, before, printed_unit, year, ref_year)
        if external:  # only a value the sentence states as reached (達 33.4 億美元), not a count of things
            qty_kind = _reported(year, ref_year) if m.group("qual") else None
        elif qty_kind is None:
            qty_kind = default
        if unit in _DESCRIPTIVE_UNITS and not m.group("qual") and not _clause_cue(clause):
            continue  # 24 小時監測機制, 2 倍或 4 倍解析度: what a thing is, not a figure aimed at
        if qty_kind is not None and unit.endswith(_MONEY) and _FUND_AFTER.match(clause, m.end()):
            qty_kind = "budget"  # 各設立 100 億元基金
        if qty_kind is None:
            continue
        raw = clause[m.start() : m.end()]
        lead = len(raw) - len(raw.lstrip())
        span = (span[0] + lead, span[0] + len(raw.rstrip()))
        amount = value * _MULT.get(mult, 1.0)
        out.append(TargetFact(value, printed_unit, year, qty_kind, span, raw.strip(), m.group("qual"), amount, unit))
    return _from_to(clause, c0, sorted(out, key=lambda f: f.span))


def _clause_cue(clause: str) -> bool:
    return bool(
        _TARGET.search(clause)
        or _ORIGINAL.search(clause)
        or _ACHIEVED.search(clause)
        or _BASELINE.search(clause)
        or _AS_OF.search(clause)
    )


def _from_to(clause: str, c0: int, facts: list[TargetFact]) -> list[TargetFact]:
    """`由原 1,000 MW 提升至 3,000 MW`, `由 19% 躍升至 93%`: the first figure is where things stood
    (a baseline; the year of the sentence is the second figure's), the second keeps its type."""
    out = list(facts)
    for i, f in enumerate(out):
        if not _FROM.search(clause[: f.span[0] - c0]):
            continue
        nxt = next((g for g in out[i + 1 :] if g.base_unit == f.base_unit), None)
        if nxt is not None and _TO.search(clause[f.span[1] - c0 : nxt.span[0] - c0]):
            out[i] = replace(f, type="baseline", year=None)
    return out
