"""The literal prefilter only skips sentences a pattern cannot match, and it does skip.

The reference is the same matcher with the prefilter switched off (a ``TriggerIndex``
without lower-cased text treats every row as a candidate).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from analysis.codebook import load_codebook, lower_variant, required_trigger_sets
from analysis.facts import extract_facts
from analysis.match import lowered, match_rules
from analysis.prefilter import ANCHOR, FINAL, TriggerIndex, TriggerTable, rows_of
from analysis.segment import segment

from conftest import RAW_POLICIES

POLICIES = sorted(RAW_POLICIES.glob("*.txt"))
SENTENCES = [item["text"] for item in yaml.safe_load(
    (Path(__file__).with_name("generalisation_sentences.yaml")).read_text(encoding="utf-8"))]
# Case, punctuation and word-boundary traps for literals: prefixes, inner substrings,
# Android permission constants, hyphenated and upper-case spellings.
TRAPS = [
    "We collect your E-MAIL address, Wi-Fi SSID and IMEI when you sign-in.",
    "The app requests ACCESS_FINE_LOCATION, READ_CONTACTS and CAMERA permissions.",
    "Metadata and geolocation data are stored on servers in the United States.",
    "You may request a copy of your personal data, or ask us to delete it.",
    "Nous collectons vos données. ÇA VA? İstanbul servers hold the logs.",
    "Last updated: 2021-05-01. Effective as of June 5, 2019; revised 3rd of March 2020.",
    "Data is stored on servers in the U.S., the US, the E.U. and Hong Kong SAR, China.",
    "We keep logs for thirty (30) days and reply within 15 business days; children under 13 years old.",
    "Please contact us via e-mail. Write to us at privacy@example.com or dpo@example.co.uk.",
    "WE DO NOT SELL YOUR PERSONAL DATA. WE MAY SHARE YOUR LOCATION WITH ADVERTISING PARTNERS.",
    "You Have The Right To Request Deletion Of Your Account; We Will Respond Within 30 Days.",
]


def _all_rows_matches(text: str) -> set:
    rows = segment(text)
    return set(match_rules(text, rows, load_codebook(), index=TriggerIndex(None, rows)))


def _filtered_matches(text: str) -> set:
    rows = segment(text)
    return set(match_rules(text, rows, load_codebook(), index=TriggerIndex(lowered(text), rows)))


@pytest.mark.parametrize("path", POLICIES, ids=[p.stem for p in POLICIES])
def test_prefilter_keeps_every_finding_of_a_policy(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert _filtered_matches(text) == _all_rows_matches(text)


def test_prefilter_keeps_every_finding_of_written_sentences() -> None:
    for text in SENTENCES + TRAPS:
        assert _filtered_matches(text) == _all_rows_matches(text), text


@pytest.mark.parametrize("path", POLICIES, ids=[p.stem for p in POLICIES])
def test_every_regex_hit_is_a_candidate(path: Path) -> None:
    """Stronger than equal findings: no pattern matches a row the prefilter dropped."""
    _assert_hits_are_candidates(path.read_text(encoding="utf-8"))


def test_every_regex_hit_in_written_sentences_is_a_candidate() -> None:
    _assert_hits_are_candidates("\n\n".join(SENTENCES + TRAPS) + "\n")


def _assert_hits_are_candidates(text: str) -> None:
    rows = segment(text)
    book = load_codebook()
    candidates = TriggerIndex(lowered(text), rows).candidates(book.triggers)
    patterns = ([part for rule in book.rules for part, _ in rule.parts] + [rule.exclude for rule in book.rules]
                + [book.contexts[name].pattern for name in sorted(book.contexts)])
    assert len(candidates) == len(patterns)
    for pattern, cand in zip(patterns, candidates):
        if pattern is None:  # a rule without exclude patterns
            assert cand == list(range(len(rows)))
            continue
        hit_rows = {i for i, r in enumerate(rows) if pattern.search(text, r.start, r.end)}
        assert hit_rows <= set(cand), pattern.pattern[:80]


def _shown(sets) -> list[list[str]]:
    return [sorted(lit.replace(ANCHOR, "^").replace(FINAL, "$") for lit in s) for s in sets]


@pytest.mark.parametrize(("pattern", "expected"), [
    (r"\bcollect(?:ed|ing)?\b", [["^collect"]]),
    (r"\bcollect", [["^collect"]]),  # nothing says the word ends there
    (r"(\b(?:obtain|gather))s", [["^gather", "^obtain"]]),  # a group that ends inside a word
    (r"\b(?:collect)ed\b", [["^collected$"]]),  # the parser inlines the group
    (r"\b(?:obtain|gather)ed\b", [["^gather", "^obtain"], ["ed$"]]),
    (r"\b(?:obtain|gather)\b", [["^gather$", "^obtain$"]]),
    (r"\bip\s+address(?:es)?\b", [["^address"], ["^ip$"]]),  # cheapest (most selective) set first
    (r"\bu\.s\.", [["^u$"], ["^s$"]]),
    (r"\bwi-?fi\b", [["fi$"], ["^wi"]]),
    (r"[,;]\s*contacts\b", [["^contacts$"]]),
    (r"(?:[,;]|\band)\s*contacts\b", [["contacts$"]]),  # "andcontacts" matches too
    (r"\b(?:lan|wlan)(?![\w-])", [["^lan$", "^wlan$"]]),
    (r"metadata", [["metadata"]]),
    (r"\bcookies?\b", [["^cookie$", "^cookies$"]]),  # singular or plural, nothing longer
    (r"\bcookies?", [["^cookie"]]),
    (r"\b(?:portraits?|personas?)\b", [["ersona$", "ersonas$", "ortrait$", "ortraits$"]]),  # "p" factored out
])
def test_required_literals_mark_word_starts_and_ends(pattern: str, expected: list[list[str]]) -> None:
    assert _shown(required_trigger_sets(re.compile(pattern, re.IGNORECASE))) == expected


def test_prefilter_skips_most_searches() -> None:
    text = POLICIES[0].read_text(encoding="utf-8")
    rows = segment(text)
    book = load_codebook()
    candidates, _, _ = book.split_candidates(TriggerIndex(lowered(text), rows).candidates(book.triggers))
    n_parts = len(candidates)
    searched = sum(map(len, candidates))
    assert searched < 0.05 * len(rows) * n_parts


def test_word_triggers_distinguish_anchored_inner_and_punctuated_literals() -> None:
    table = TriggerTable([((frozenset({ANCHOR + "collect"}),),), ((frozenset({"data"}),),),
                          ((frozenset({"e-mail"}),),), None])
    ids = {lit: i for i, lit in enumerate(table.literals)}
    assert table.word_triggers("collected") == (ids[ANCHOR + "collect"],)
    assert table.word_triggers("recollect") == ()
    assert table.word_triggers("metadata") == (ids["data"],)
    text = "We recollect.\n\nWe collected metadata.\n\nSend an E-mail.\n"
    rows = segment(text)
    cand = TriggerIndex(lowered(text), rows).candidates(table)
    assert [[text[rows[i].start:rows[i].end] for i in c] for c in cand[:3]] == [
        ["We collected metadata."], ["We collected metadata."], ["Send an E-mail."]]
    assert cand[3] == list(range(len(rows)))


def test_text_whose_case_folding_shifts_offsets_searches_every_row() -> None:
    text = "İ. We collect your e-mail address."
    assert lowered(text) is None
    rows = segment(text)
    cand = TriggerIndex(None, rows).candidates(load_codebook().triggers)
    assert all(c == list(range(len(rows))) for c in cand)


def _facts(text: str, filtered: bool) -> list:
    rows = segment(text)
    return extract_facts(text, rows, index=TriggerIndex(lowered(text) if filtered else None, rows))


@pytest.mark.parametrize("path", POLICIES, ids=[p.stem for p in POLICIES])
def test_fact_prefilter_keeps_every_fact_of_a_policy(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert _facts(text, True) == _facts(text, False)


def test_fact_prefilter_keeps_every_fact_of_written_sentences() -> None:
    found = 0
    for text in SENTENCES + TRAPS:
        facts = _facts(text, True)
        assert facts == _facts(text, False), text
        found += len(facts)
    assert found >= 10  # the traps do contain dates, countries, periods, ages and e-mails


def test_negator_and_clause_words_cover_their_patterns() -> None:
    """Rows without a listed word skip the negation and clause regexes, so the lists must be complete."""
    from analysis import match

    extra = ["We do NOT sell it.", "We can't; we won’t: ever.", "Never, neither, nor.",
             "No-one sees it, however; whereas you may, while BUT they cannot."]
    for text in [p.read_text(encoding="utf-8") for p in POLICIES] + SENTENCES + TRAPS + extra:
        rows, low = segment(text), lowered(text)
        if low is None:  # such texts take the regexes on every row
            assert match._rows_with(TriggerIndex(low, rows), match.NEGATOR_WORDS) is None
            continue
        index = TriggerIndex(low, rows)
        negators = match._rows_with(index, match.NEGATOR_WORDS, ("n't", "n’t"))
        clauses = match._rows_with(index, match.CLAUSE_WORDS, (";", ":"))
        for i, r in enumerate(rows):
            if lower_variant(match._NEGATOR).search(low, r.start, r.end):
                assert negators >> i & 1, text[r.start:r.end]
            if lower_variant(match._CLAUSE).search(low, r.start, r.end):
                assert clauses >> i & 1, text[r.start:r.end]


def test_lower_case_variant_only_for_fully_case_insensitive_patterns() -> None:
    text = "We Collect your E-Mail Address and READ_CONTACTS."
    low = text.lower()
    pattern = re.compile(r"\b(?:e-?mail)\s+address(?:es)?\b", re.IGNORECASE)
    variant = lower_variant(pattern)
    assert variant is not None and not variant.flags & re.IGNORECASE
    assert [m.span() for m in variant.finditer(low)] == [m.span() for m in pattern.finditer(text)] == [(16, 30)]
    assert lower_variant(re.compile(r"(?-i:READ_CONTACTS)", re.IGNORECASE)) is None
    assert lower_variant(re.compile(r"\b[A-Z]{2,}\b", re.IGNORECASE)) is None
    assert lower_variant(re.compile(r"address")) is None  # already case-sensitive
    assert lower_variant(re.compile(r"\Saddress\W", re.IGNORECASE)) is not None  # escapes are not letters
    assert lower_variant(re.compile(r"\x41ddress", re.IGNORECASE)) is None  # \x41 is "A"
    assert lower_variant(re.compile(r"user[\x27’]s\.", re.IGNORECASE)) is not None  # an apostrophe


def test_rows_of_lists_the_bits_of_a_row_mask_in_order() -> None:
    assert rows_of(0) == []
    assert rows_of(0b1011) == [0, 1, 3]
    assert rows_of(1 << 700 | 1 << 64 | 1) == [0, 64, 700]
    assert rows_of((1 << 300) - 1) == list(range(300))
