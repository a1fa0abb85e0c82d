"""Chinese text helpers for titles and matching: pure functions."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz import fuzz

from core.agencies import norm_key

# Sentence-final punctuation (a title or paragraph ending in one of these is complete).
_FINAL = ("。", "！", "？", "；", "」", "!", "?", ";", "』")
_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_FW_PUNCT = r"\u3000-\u303f\uff00-\uffef"
_STRAY_SPACE = re.compile(rf"(?<=[{_CJK}{_FW_PUNCT}])\s+(?=[{_CJK}{_FW_PUNCT}])")
# An HTML tag (<p>, </b>, <ol style=…>), not a bracketed URL like <https://…>.
HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_HTML = HTML_TAG
_SPACES = re.compile(r"\s+")


def ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(_FINAL)


def clean_title(text: str) -> str:
    """Titles as a reader expects them: no markup, no stray spaces between Chinese characters."""
    s = _HTML.sub("", text).replace("**", "")
    s = _SPACES.sub(" ", s).strip()
    return _STRAY_SPACE.sub("", s)


@lru_cache(maxsize=65536)
def match_key(text: str) -> str:
    """Key for fuzzy matching of titles across a document: width/script/space-insensitive, and
    without punctuation (tables and body punctuate the same title differently).

    Cached: 表4 matching compares every table title with every body title (about 146k calls per
    load for a few thousand distinct strings), and the key was most of the parse time."""
    k = norm_key(_HTML.sub("", text))
    return "".join(c for c in k if not unicodedata.category(c).startswith(("P", "S")))


def similarity(a: str, b: str) -> float:
    """0..100 similarity of two titles after `match_key` (character-level, order-aware)."""
    return float(fuzz.ratio(match_key(a), match_key(b)))


def partial_similarity(a: str, b: str) -> float:
    """Best alignment of the shorter title inside the longer one (0..100)."""
    return float(fuzz.partial_ratio(match_key(a), match_key(b)))
