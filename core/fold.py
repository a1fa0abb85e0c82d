"""The one home of Chinese text folding: every comparison form of the project derives from here.

The rule: NFKC (full -> half width), Traditional -> Simplified (one OpenCC converter, `_T2S`), lower
case. Three whitespace/punctuation policies are built on it, each named for what it serves; they are
kept apart on purpose, because each is part of a published behaviour (the graph's ids and edges, the
search ranking) and merging them would change the export or the search results:

- `fold` / `fold_text` / `fold_name` (mention finding in prose): per character, so every folded
  character maps back to one source offset; also one dash and one middle dot, whitespace and
  markdown markup dropped (a name broken by a line break still matches).
- `norm_key` (agency names, title keys): the whole string at once (OpenCC's phrase table applies),
  whitespace dropped. Table cells and gazetteer names are short and have no markup to skip.
- `fold_words` / `fold_words_with_map` (search): the whole string, with one space kept between
  two ASCII letters/digits, so English words keep their boundaries ("multimodal" does not contain
  the word "moda") while `數發 部` folds to `数发部`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np
import opencc

_T2S = opencc.OpenCC("t2s")
_DASHES = dict.fromkeys("‐‑‒–—―－−~～", "-")
_DOTS = dict.fromkeys("‧・･•∙⋅", "·")
MARKUP = {"*", "#"}


@lru_cache(maxsize=65536)
def fold_char(c: str) -> str:
    """One character's comparison form, always one character (offsets map 1:1)."""
    n = unicodedata.normalize("NFKC", c)
    if len(n) != 1:
        n = c
    s = _T2S.convert(n)
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


# --- whole-string keys (agency names, title keys) -----------------------------------------------
_SPACES = re.compile(r"\s+")


def _script(text: str) -> str:
    """The shared step after NFKC and the whitespace policy: Simplified, lower case."""
    return str(_T2S.convert(text)).lower()


@lru_cache(maxsize=65536)
def norm_key(text: str) -> str:
    """Comparison key: NFKC (full -> half width), Simplified, no whitespace, lower case."""
    return _script(_SPACES.sub("", unicodedata.normalize("NFKC", text)))


# --- search: whole string, ASCII word boundaries kept -------------------------------------------
# A space survives folding only between two ASCII letters/digits.
_DROP_SPACE = re.compile(r"(?<![A-Za-z0-9]) | (?![A-Za-z0-9])")
_WORDCH = re.compile(r"[a-z0-9]")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")


def fold_words(text: str) -> str:
    """Comparison form for search: `norm_key`, except that one space stays between ASCII words."""
    s = _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()
    return _script(_DROP_SPACE.sub("", s))


@lru_cache(maxsize=8192)
def _fold_word_char(c: str) -> str:
    return _script(unicodedata.normalize("NFKC", c))


def fold_words_with_map(text: str) -> tuple[str, list[int]]:
    """`fold_words`, with the index in `text` of every folded character, so a match found in folded
    text can be shown in the original text. Whole-string operations when folding keeps every
    character in place (the usual case); character by character otherwise."""
    nf = unicodedata.normalize("NFKC", text)
    if len(nf) == len(text):
        parts: list[str] = []
        where: list[int] = []
        pos = 0
        for m in _SPACES.finditer(nf):
            parts.append(nf[pos : m.start()])
            where.extend(range(pos, m.start()))
            before = nf[m.start() - 1 : m.start()]
            after = nf[m.end() : m.end() + 1]
            if _ASCII_WORD.fullmatch(before) and _ASCII_WORD.fullmatch(after):
                parts.append(" ")
                where.append(m.start())
            pos = m.end()
        parts.append(nf[pos:])
        where.extend(range(pos, len(nf)))
        joined = "".join(parts)
        out = _script(joined)
        if len(out) == len(joined):
            return out, where
    return _fold_words_by_char(text)


def _fold_words_by_char(text: str) -> tuple[str, list[int]]:
    chars: list[tuple[str, int]] = []
    for i, c in enumerate(text):
        chars.extend((f, i) for f in _fold_word_char(c))
    out: list[str] = []
    where: list[int] = []
    for k, (c, i) in enumerate(chars):
        if c.isspace():
            prev = out[-1] if out else ""
            nxt = next((d for d, _ in chars[k + 1 :] if not d.isspace()), "")
            if not (_WORDCH.fullmatch(prev) and _WORDCH.fullmatch(nxt)) or (out and out[-1] == " "):
                continue
            c = " "
        out.append(c)
        where.append(i)
    return "".join(out), where
