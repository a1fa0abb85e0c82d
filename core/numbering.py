"""Numerals as printed in plan outlines -> integers (一 → 1, 十二 → 12, IV → 4, (3) → 3, B → 2)."""

from __future__ import annotations

import re
import unicodedata

_CN = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100}
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
_HEAVENLY = "甲乙丙丁戊己庚辛壬癸"
_CAPITAL = "壹貳參肆伍陸柒捌玖拾"


def chinese_numeral(s: str) -> int | None:
    if not s or any(c not in _CN and c not in _CN_UNITS for c in s):
        return None
    total, cur = 0, 0
    for c in s:
        if c in _CN:
            cur = _CN[c]
        else:
            total += (cur or 1) * _CN_UNITS[c]
            cur = 0
    return total + cur


def roman_numeral(s: str) -> int | None:
    s = s.lower()
    if not s or any(c not in _ROMAN for c in s):
        return None
    total = 0
    for a, b in zip(s, s[1:] + " ", strict=True):
        v = _ROMAN[a]
        total += -v if b in _ROMAN and _ROMAN[b] > v else v
    return total


def numeral_value(marker: str) -> int | None:
    """The number a marker stands for, or None. Accepts full-width digits and brackets."""
    s = unicodedata.normalize("NFKC", marker).strip().strip("()（）、.．:：")
    if not s:
        return None
    if s.isdigit():
        return int(s)
    if (v := chinese_numeral(s)) is not None:
        return v
    if len(s) == 1 and s in _HEAVENLY:
        return _HEAVENLY.index(s) + 1
    if len(s) == 1 and s in _CAPITAL:
        return _CAPITAL.index(s) + 1
    if re.fullmatch(r"[ivxlcIVXLC]+", s) and (v := roman_numeral(s)) is not None and len(s) > 1:
        return v
    if len(s) == 1 and s.isascii() and s.isalpha():
        # A single letter: I/V/X are ambiguous (Roman or alphabetic); profiles that mean Roman use
        # the Roman level; here a single letter counts alphabetically except I and V, X.
        if s in "IVXivx":
            return roman_numeral(s)
        return ord(s.upper()) - ord("A") + 1
    return None
