"""Folding text for name matching with offsets: each character to its comparison form (NFKC
full -> half width, Simplified, lower case, one dash and one middle dot), whitespace and markdown
markup dropped, and for every folded character the offset of the original one, so a match in the
folded text maps back to the exact source span. Shared by agency and plan mention finding."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import numpy as np
import opencc

_t2s = opencc.OpenCC("t2s")
_DASHES = dict.fromkeys("‐‑‒–—―－−~～", "-")
_DOTS = dict.fromkeys("‧・･•∙⋅", "·")
MARKUP = {"*", "#"}


@lru_cache(maxsize=65536)
def fold_char(c: str) -> str:
    """One character's comparison form, always one character (offsets map 1:1)."""
    n = unicodedata.normalize("NFKC", c)
    if len(n) != 1:
        n = c
    s = _t2s.convert(n)
    if len(s) != 1:
        s = n
    s = s.lower()
    return _DASHES.get(s) or _DOTS.get(s) or s


# Translation table from each character seen so far to its folded form ("" for whitespace and
# markup): str.translate folds a whole document in C instead of one Python call per character.
_TABLE: dict[int, str] = {}
_KNOWN: set[str] = set()


def _table_for(text: str) -> dict[int, str]:
    new = set(text) - _KNOWN
    for c in new:
        _TABLE[ord(c)] = "" if c.isspace() or c in MARKUP else fold_char(c)
    _KNOWN.update(new)
    return _TABLE


def fold_text(text: str) -> str:
    """The folded text without whitespace and markdown markup (no offsets)."""
    return text.translate(_table_for(text))


def fold(text: str, lo: int = 0, hi: int | None = None) -> tuple[str, list[int]]:
    """text[lo:hi] folded, without whitespace and markdown markup, and for each folded character
    the offset of the original one."""
    sub = text[lo:] if hi is None else text[lo:hi]
    folded = fold_text(sub)
    if len(folded) == len(sub):
        return folded, list(range(lo, lo + len(sub)))
    codes = np.frombuffer(sub.encode("utf-32-le"), dtype=np.uint32)
    dropped = np.fromiter((k for k, v in _TABLE.items() if v == ""), dtype=np.uint32)
    keep = np.nonzero(~np.isin(codes, dropped))[0] + lo
    return folded, keep.tolist()


def fold_name(name: str) -> str:
    return fold(name)[0]
