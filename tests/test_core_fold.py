"""core.fold is the one home of Chinese text folding: its three whitespace policies share one rule.

The rule (NFKC, Simplified, lower case) is checked against every line of the bundled corpus and
against generated text: the search form is the name key with the spaces between ASCII words kept,
the offsets of both offset-keeping folds point at the characters they fold, and mention folding
differs from the name key only where its documented extras apply (dashes, middle dots, markup).
"""

from __future__ import annotations

import unicodedata
from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from core.fold import fold, fold_char, fold_words, fold_words_with_map, norm_key
from loaders.corpus import DEFAULT_CORPUS


@cache
def corpus_lines() -> list[str]:
    return [ln for p in sorted(DEFAULT_CORPUS.glob("0*.txt")) for ln in p.read_text(encoding="utf-8").splitlines()]


def test_search_form_is_the_name_key_with_word_spaces() -> None:
    for line in corpus_lines():
        assert fold_words(line).replace(" ", "") == norm_key(line), line


def test_examples() -> None:
    assert norm_key("數發 部") == "数发部" == fold_words("數發 部")
    assert fold_words("Multimodal  AI　模型") == "multimodal ai模型"  # full-width space folds too
    assert norm_key("（ＡＩ）") == "(ai)"
    assert fold("**國科會**—前瞻處")[0] == "国科会-前瞻处"


def test_offsets_point_at_the_folded_characters() -> None:
    for line in corpus_lines()[::7]:
        folded, where = fold(line)
        assert len(folded) == len(where)
        assert all(fold_char(line[i]) == c for c, i in zip(folded, where, strict=True))
        words, at = fold_words_with_map(line)
        assert words == fold_words(line) and len(at) == len(words)
        assert all(at[k] < at[k + 1] for k in range(len(at) - 1))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("數發部國科會前瞻处AIai 　\t（）()ＡＢ12１２・‧-－—"), max_size=30))
def test_policies_agree_on_generated_text(text: str) -> None:
    assert fold_words(text).replace(" ", "") == norm_key(text)
    words, at = fold_words_with_map(text)
    assert words == fold_words(text) and len(at) == len(words)
    # Mention folding is per character; on text without dashes, dots, markup or phrases it is the key.
    plain = "".join(c for c in text if unicodedata.category(c)[0] in "LN" or c.isspace())
    assert fold(plain)[0] == norm_key(plain)
