"""Flesch Reading Ease and Flesch-Kincaid Grade, exactly as textstat 0.7.8 computes them.

textstat counts syllables word by word (the CMU pronouncing dictionary, else pyphen's
hyphenation points) and re-counts them for every new text, which made readability the
slowest step of the pipeline (~14 ms of ~45 ms per 20 KB policy). This module applies
textstat's own definitions (same dictionaries, same word and sentence splitting, same
formulas) but remembers the syllable count of each word across documents, since policies
share most of their vocabulary. ``tests/test_metrics.py`` checks that both give the same
numbers on the raw policies, on synthetic policies and on edge cases.

Definitions (textstat 0.7.8, ``lang="en_US"``):

- words: the text with non-contraction apostrophes and every other punctuation character
  removed, split on whitespace;
- sentences: runs matched by ``\\b[^.!?]+[.!?]*``, not counting runs of at most two words
  (at least one sentence for a non-empty text);
- syllables of a word (lower case): the number of stressed-vowel phones of its first CMU
  pronunciation, else pyphen's hyphenation positions plus one;
- reading ease ``206.835 - 1.015 * words/sentences - 84.6 * syllables/words``; grade
  ``0.39 * words/sentences + 11.8 * syllables/words - 15.59``; both 0.0 when a ratio is 0.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from textstat.backend.utils import get_cmudict, get_pyphen

LANG = "en_US"
_NONCONTRACTION_APOSTROPHE = re.compile(r"\'(?!(?:[tsd]|ve|ll|re))")
_PUNCTUATION = re.compile(r"[^\w\s\']")
_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*")
_CACHE_LIMIT = 200_000  # distinct words remembered before the syllable cache is reset
_syllable_cache: dict[str, int] = {}


class Readability(NamedTuple):
    """Flesch scores of one text (unrounded, like textstat's)."""

    reading_ease: float
    grade: float


def plain_words(text: str) -> list[str]:
    """textstat's word list: punctuation (not contraction apostrophes) removed, split on space."""
    return _PUNCTUATION.sub("", _NONCONTRACTION_APOSTROPHE.sub("", text)).split()


def sentence_count(text: str) -> int:
    """textstat's sentence count: sentence-like runs of three or more words, at least 1."""
    if not text:
        return 0
    runs = _SENTENCE.findall(text)
    short = sum(1 for run in runs if _is_short(run))
    return max(1, len(runs) - short)


_WORD_CHAR = re.compile(r"\w")


def _is_short(run: str) -> bool:
    """``len(plain_words(run)) <= 2``, cheaply: removing punctuation never splits or joins
    whitespace-separated tokens, and a token survives it exactly when it holds a word
    character (a kept apostrophe is always followed by letters of its own token)."""
    tokens = run.split()
    if len(tokens) <= 2:
        return True
    with_word = 0
    for token in tokens:
        if _WORD_CHAR.search(token):
            with_word += 1
            if with_word > 2:
                return False
    return True


def syllables(word: str) -> int:
    """Syllables of one lower-case word (CMU dictionary, else pyphen), cached."""
    n = _syllable_cache.get(word)
    if n is None:
        try:
            phones = get_cmudict(LANG)[word][0]  # type: ignore[index]
            n = sum(1 for p in phones if p[-1].isdigit())
        except (TypeError, IndexError, KeyError):
            n = len(get_pyphen(LANG).positions(word)) + 1
        if len(_syllable_cache) >= _CACHE_LIMIT:
            _syllable_cache.clear()
        _syllable_cache[word] = n
    return n


def flesch(text: str) -> Readability:
    """Flesch Reading Ease and Flesch-Kincaid Grade of ``text``."""
    words = plain_words(text)
    n_words, n_sentences = len(words), sentence_count(text)
    if not text or not n_words:
        return Readability(0.0, 0.0)
    sentence_length = n_words / n_sentences
    cache = _syllable_cache
    total = 0
    for w in " ".join(words).lower().split():
        n = cache.get(w)
        total += syllables(w) if n is None else n
    per_word = total / n_words
    if sentence_length == 0 or per_word == 0:
        return Readability(0.0, 0.0)
    return Readability(206.835 - 1.015 * sentence_length - 84.6 * per_word,
                       0.39 * sentence_length + 11.8 * per_word - 15.59)
