"""Agency mentions in prose: a blank Chinese spaCy pipeline (one token per character) with an
EntityRuler over every global name of the gazetteer (data/agencies.yaml).

The ruler runs on a normalised copy of the text: each character NFKC-folded (full -> half width),
converted to Simplified and lower-cased, whitespace dropped (names wrap across lines and PDF
conversion puts spaces inside them: `數發 部`). An offset map takes every match back to the
original text. Overlaps go to the longest name, so `衛福部健保署` is one mention and the venue
`集思交通部國際會議中心` (listed in the gazetteer as not an agency) hides the 交通部 inside it.
Bare unit names that need their ministry as context (資訊處) are not patterns: in prose they only
count with the ministry printed before them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import spacy
from spacy.language import Language

from core.agencies import AgencyBook, default_book
from core.fold import fold

LABEL = "AGENCY"
# Paragraphs are batched into chunks of about this many characters (spaCy's max_length is 1e6).
CHUNK = 200_000
# A name ending in 部 followed by one of these is a word that merely contains it (部門, 部分).
_NOT_AFTER_BU = {"门", "分"}
_ASCII_NAME = re.compile(r"[A-Za-z0-9 .&,'-]+")


@dataclass(frozen=True)
class Mention:
    start: int  # offsets into the text given to find_mentions
    end: int
    surface: str
    agency_id: str


@dataclass
class _Matcher:
    nlp: Language
    book: AgencyBook
    # Case-sensitive forms of ASCII names (MODA, NCC): lower-case `moe` inside a word is no mention.
    ascii_forms: dict[str, set[str]]


_MATCHERS: dict[int, _Matcher] = {}


def _matcher(book: AgencyBook | None = None) -> _Matcher:
    """The pipeline for a gazetteer, built once (keyed by identity: the book is not hashable)."""
    book = book or default_book()
    m = _MATCHERS.get(id(book))
    if m is None or m.book is not book:
        m = _MATCHERS[id(book)] = _build_matcher(book)
    return m


def _build_matcher(book: AgencyBook) -> _Matcher:
    nlp = spacy.blank("zh")
    nlp.max_length = 2 * CHUNK
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "TEXT", "overwrite_ents": True})
    patterns: list[dict[str, str]] = []
    ascii_forms: dict[str, set[str]] = {}
    seen: set[str] = set()
    for rec in book.records.values():
        for name in book.names_of(rec):
            key, _ = fold(name)
            if not key or key in seen:
                continue
            seen.add(key)
            patterns.append({"label": LABEL, "pattern": key, "id": rec.id})
            if _ASCII_NAME.fullmatch(name):
                ascii_forms.setdefault(key, set()).add(re.sub(r"\s+", "", unicodedata.normalize("NFKC", name)))
    ruler.add_patterns(patterns)  # type: ignore[attr-defined]
    return _Matcher(nlp, book, ascii_forms)


def _chunks(text: str) -> list[tuple[int, int]]:
    """Spans of whole paragraphs (cut at blank lines) of about CHUNK characters."""
    spans: list[tuple[int, int]] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + CHUNK)
        if end < len(text):
            cut = text.rfind("\n\n", start, end)
            end = cut + 2 if cut > start else end
        spans.append((start, end))
        start = end
    return spans


def find_mentions(text: str, book: AgencyBook | None = None) -> list[Mention]:
    """Every agency name in `text`, in order, longest match first where names overlap. Tolerates
    full/half width, Simplified script and names broken by spaces or line breaks."""
    m = _matcher(book)
    out: list[Mention] = []
    for lo, hi in _chunks(text):
        folded, offsets = fold(text[lo:hi])
        if not folded:
            continue
        doc = m.nlp(folded)
        for ent in doc.ents:
            rec = m.book.records.get(ent.ent_id_)
            if rec is None or not rec.is_agency:
                continue
            if ent.text.endswith("部") and folded[ent.end_char : ent.end_char + 1] in _NOT_AFTER_BU:
                continue  # 部門 (sector), 部分 (part): 000:291 高等教育部門 is not 教育部
            start = lo + offsets[ent.start_char]
            end = lo + offsets[ent.end_char - 1] + 1
            surface = text[start:end]
            forms = m.ascii_forms.get(ent.text)
            if forms is not None and not _ascii_ok(text, start, end, surface, forms):
                continue
            out.append(Mention(start, end, surface, rec.id))
    return out


def _ascii_ok(text: str, start: int, end: int, surface: str, forms: set[str]) -> bool:
    """An ASCII name counts only as a whole word and in its own case (NCC, not `ncc` in a word)."""
    before = unicodedata.normalize("NFKC", text[start - 1]) if start > 0 else " "
    after = unicodedata.normalize("NFKC", text[end]) if end < len(text) else " "
    if (before.isascii() and before.isalnum()) or (after.isascii() and after.isalnum()):
        return False
    printed = re.sub(r"\s+", "", unicodedata.normalize("NFKC", surface))
    return printed in forms or any(f.lower() == printed.lower() and not f.isupper() for f in forms)
