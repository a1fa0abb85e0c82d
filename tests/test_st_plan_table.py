"""The 表4 reader's pure parts: tokens of real table lines (000) and the assignment on small tables."""

from __future__ import annotations

from collections import Counter

import pytest

from core.agencies import load_agency_book
from core.source import read_source
from loaders.context import read_profile
from loaders.corpus import DEFAULT_CORPUS
from loaders.readers.st_plan.table import (
    BodyMeasure,
    BodyStrategy,
    TokenKind,
    assign,
    parse_agency_string,
    split_agency_strings,
    table_region,
    tokenize_line,
    tokenize_table,
)

BOOK = load_agency_book()


def resolve(name: str) -> str | None:
    rec = BOOK.resolve(name)
    return rec.id if rec else None


@pytest.fixture(scope="module")
def lines() -> tuple[str, ...]:
    return read_source(DEFAULT_CORPUS / "000_94c0ce11f244451c.txt").lines


def test_region_from_the_profile(lines: tuple[str, ...]) -> None:
    cfg = read_profile("st_plan")["responsibility"]
    # Caption at 2645, 陸 at 2819.
    assert table_region(lines, cfg["table_caption"], cfg["table_end"]) == (2646, 2818)


def test_combined_line_tokens(lines: tuple[str, ...]) -> None:
    # 2665: goal, sub-goal 1, strategies 4 and 5, measures (4)-(7) and (1)-(4), three <p> strings.
    toks = tokenize_line(2665, lines[2664], resolve)
    kinds = Counter(t.kind for t in toks)
    assert kinds == {TokenKind.GOAL: 1, TokenKind.NUMBERED: 3, TokenKind.MEASURE: 8, TokenKind.AGENCY: 3}
    assert [t.text for t in toks if t.kind is TokenKind.AGENCY] == [
        "數發部／經濟部、內政部、國科會",
        "經濟部／數發部、國科會、國防部",
        "國科會／經濟部、中研院、數發部",
    ]


def test_header_rows_are_dropped(lines: tuple[str, ...]) -> None:
    # 2647 and 2652 are header rows (2652 with a trailing empty cell); 2653 is content.
    toks = tokenize_table(lines, 2647, 2653, frozenset(["目標", "子目標", "策略", "措施", "參與部會"]), resolve)
    assert {t.line for t in toks} == {2648, 2653}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 2648: two strings in one cell, separated by a space.
        (
            "經濟部／國科會 國科會／經濟部、中研院、交通部、數發部",
            ["經濟部／國科會", "國科會／經濟部、中研院、交通部、數發部"],
        ),
        # 2716: a space inside 數發部 does not split the string.
        ("經濟部／農業部、數發 部、衛福部", ["經濟部／農業部、數發 部、衛福部"]),
        # 2712: `環境 部`.
        ("經濟部／國科會、環境 部、農業部", ["經濟部／國科會、環境 部、農業部"]),
        # 2679: a lone name.
        ("數發部", ["數發部"]),
        # 2676: a strategy-name fragment cut by a page break is not an agency string.
        ("境監測，保護海洋生態系統及生物多樣性", None),
    ],
)
def test_split_agency_strings(text: str, expected: list[str] | None) -> None:
    assert split_agency_strings(text, resolve) == expected


def test_parse_string_with_duplicate() -> None:
    # 2732 `經濟部／教育部、僑委會、數發部、僑委會`
    s = parse_agency_string(2732, "經濟部／教育部、僑委會、數發部、僑委會")
    assert (s.lead, s.co, s.duplicates) == ("經濟部", ("教育部", "僑委會", "數發部"), ("僑委會",))


def test_parse_lone_and_spaced_names() -> None:
    assert parse_agency_string(2679, "數發部").names == ("數發部",)
    assert parse_agency_string(2716, "經濟部／農業部、數發 部、衛福部").co == ("農業部", "數發部", "衛福部")
    no_sep = parse_agency_string(1, "經濟部、交通部")
    assert no_sep.lead == "經濟部" and no_sep.no_separator


# A small made-up plan: the algorithm is general, not tuned to 000's lines.
BODY = [
    BodyStrategy(
        "s1", "發展海洋觀測技術", 10, 1, (BodyMeasure("m11", 1, "建置浮標網"), BodyMeasure("m12", 2, "培育海洋人才"))
    ),
    BodyStrategy("s2", "推動智慧交通系統", 20, 2, (BodyMeasure("m21", 1, "改善路口號誌"),)),
    BodyStrategy(
        "s3", "強化防災預警能力", 30, 3, (BodyMeasure("m31", 1, "擴充雨量站"), BodyMeasure("m32", 2, "建立預警平臺"))
    ),
    BodyStrategy("s4", "提升空氣品質監測", 40, 4, (BodyMeasure("m41", 1, "增設測站"),)),
]
HEADINGS = ["推動永續環境"]


def _run(rows: list[str]) -> dict[str, tuple[str, tuple[str, ...]]]:
    toks = [t for i, r in enumerate(rows, 1) for t in tokenize_line(i, r, resolve)]
    res = assign(toks, BODY, HEADINGS, resolve)
    return {k: (a.string.lead, a.string.co) for k, a in res.assignments.items()}


def test_combined_row_overflow_goes_to_the_next_strategy() -> None:
    rows = [
        # Two strategies, their measures, and three strings: the third belongs to the next row's.
        "1. 推動永續環境\t1. 發展海洋觀測技術 2. 推動智慧交通系統\t(1) 建置浮標網 (2) 培育海洋人才 (1) 改善路口號誌"
        "\t海委會／國科會 交通部／內政部 內政部／交通部",
        "\t3. 強化防災預警能力\t(1) 擴充雨量站\t",
        "\t4. 提升空氣品質監測\t(1) 增設測站\t環境部",
    ]
    assert _run(rows) == {
        "s1": ("海委會", ("國科會",)),
        "s2": ("交通部", ("內政部",)),
        "s3": ("內政部", ("交通部",)),
        "s4": ("環境部", ()),
    }


def test_string_on_the_line_of_the_previous_strategys_measure() -> None:
    rows = [
        "1. 發展海洋觀測技術\t(1) 建置浮標網\t海委會／國科會",
        # Shifted: s2's name in the first column beside s1's last measure, with s2's string.
        "2. 推動智慧交通系統\t(2) 培育海洋人才\t交通部／內政部",
        "3. 強化防災預警能力\t(1) 擴充雨量站 (2) 建立預警平臺\t內政部",
        "4. 提升空氣品質監測\t(1) 增設測站\t環境部",
    ]
    got = _run(rows)
    assert got["s1"] == ("海委會", ("國科會",))
    assert got["s2"] == ("交通部", ("內政部",))


def test_majority_wins_a_conflict_and_a_gap_stays_empty() -> None:
    rows = [
        "1. 發展海洋觀測技術\t(1) 建置浮標網\t海委會／國科會",
        "\t(2) 培育海洋人才\t海委會／國科會、交通部",
        "1. 發展海洋觀測技術\t(2) 培育海洋人才\t海委會／國科會",
        "3. 強化防災預警能力\t(1) 擴充雨量站\t內政部",
        "4. 提升空氣品質監測\t(1) 增設測站\t環境部",
    ]
    toks = [t for i, r in enumerate(rows, 1) for t in tokenize_line(i, r, resolve)]
    res = assign(toks, BODY, HEADINGS, resolve)
    assert res.assignments["s1"].string.co == ("國科會",)
    assert res.assignments["s1"].lines == (1, 3)
    assert res.unassigned == ["s2"]
    codes = sorted(w.code for w in res.warnings)
    assert codes == ["conflicting-responsibility", "no-responsibility"]


def test_unknown_name_is_reported_with_its_line() -> None:
    rows = ["1. 發展海洋觀測技術\t(1) 建置浮標網\t海委會／國科會、火星部"]
    toks = tokenize_line(7, rows[0], resolve)
    res = assign(toks, BODY, HEADINGS, resolve)
    unknown = [w for w in res.warnings if w.code == "unknown-agency"]
    assert [(w.line, "火星部" in w.message) for w in unknown] == [(7, True)]
