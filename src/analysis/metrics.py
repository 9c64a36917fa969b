"""Policy-level text metrics: length, reading time, readability, hedging, structure.

Hedging terms (counted case-insensitively as whole words or phrases) are the vague
qualifiers that privacy-policy studies flag as lowering a policy's precision
(Reidenberg et al. 2016, "Ambiguity in privacy policies"):
"""
from __future__ import annotations

import re
from collections import Counter
from typing import NamedTuple

from .readability import flesch, token_counts, token_sums
from .segment import KIND_HEADING, KIND_LIST_ITEM, Segment

WORDS_PER_MINUTE = 240
HEDGING_TERMS: tuple[str, ...] = (
    "may", "might", "could", "can", "possibly", "perhaps", "generally", "usually", "typically",
    "normally", "often", "sometimes", "certain", "some", "such as", "including but not limited to",
    "including without limitation", "may or may not", "from time to time", "as appropriate",
    "where appropriate", "as necessary", "as needed", "if necessary", "where necessary",
    "reasonable", "reasonably", "to the extent", "at our discretion", "at our sole discretion",
    "as required", "etc", "among other things", "other information", "and so on",
)
__doc__ = (__doc__ or "") + "\n" + ", ".join(f'"{t}"' for t in HEDGING_TERMS) + ".\n"


def _trie_pattern(terms: tuple[str, ...]) -> str:
    """One regex for a set of lower-case terms, factored as a prefix tree ("as
    (?:appropriate|ne(?:cessary|eded)|required)"), spaces matching any whitespace. At each
    branch the next character decides the path, and a longer term is tried before a term
    that is its prefix ("may or may not" before "may"), so with a closing ``\\b`` it finds
    the same matches as the alternation of the terms sorted longest first."""
    tree: dict[str, dict] = {}
    for term in terms:
        node = tree
        for ch in term:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        branches = [(r"\s+" if ch == " " else re.escape(ch)) + emit(node[ch]) for ch in sorted(node) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:  # a term ends here: the longer ones are optional
            return ("(?:" + body + ")" if len(branches) == 1 else body) + "?"
        return body

    return emit(tree)


# Matched on lower-cased text without IGNORECASE (four times faster, same matches), as a
# prefix tree rather than 35 alternatives (a fifth faster).
_HEDGE = re.compile(r"(?<!\w)(?:" + _trie_pattern(HEDGING_TERMS) + r")\b")
_WORD = re.compile(r"[A-Za-z0-9]+(?:[’'\-][A-Za-z0-9]+)*")
_words_in_token: dict[str, tuple[int, ...]] = {}  # token -> (its words,)


class Metrics(NamedTuple):
    """One row of the metrics table (see ``schema.SCHEMAS['metrics']``)."""

    words: int
    sentences: int
    headings: int
    list_items: int
    reading_minutes: float
    flesch_reading_ease: float
    flesch_kincaid_grade: float
    hedges: int
    hedges_per_1000_words: float
    lists_without_items: int
    blank_contacts: int


def count_hedges(text: str) -> int:
    """Number of hedging terms in ``text`` (longest phrase wins where terms overlap)."""
    return len(_HEDGE.findall(text.lower()))


def count_words(tokens: Counter[str]) -> int:
    """Number of words (``_WORD`` runs: letters and digits, joined by an apostrophe or a
    hyphen) in a text, from its :func:`~analysis.readability.token_counts`. No run crosses
    whitespace, so the count is a sum over the distinct tokens, each counted once (cached)."""
    return token_sums(tokens, _words_of, _words_in_token, 1)[0]


def _words_of(token: str) -> tuple[int]:
    return (len(_WORD.findall(token)),)


def compute_metrics(text: str, rows: list[Segment], lists_without_items: int, blank_contacts: int) -> Metrics:
    """Compute the metrics of one policy from its text and segmentation."""
    tokens = token_counts(text)
    words = count_words(tokens)
    hedges = count_hedges(text)
    readability = flesch(text, tokens)
    return Metrics(
        words=words,
        sentences=sum(r.kind != KIND_HEADING for r in rows),
        headings=sum(r.kind == KIND_HEADING for r in rows),
        list_items=sum(r.kind == KIND_LIST_ITEM for r in rows),
        reading_minutes=round(words / WORDS_PER_MINUTE, 2),
        flesch_reading_ease=round(readability.reading_ease, 2),
        flesch_kincaid_grade=round(readability.grade, 2),
        hedges=hedges,
        hedges_per_1000_words=round(1000 * hedges / words, 2) if words else 0.0,
        lists_without_items=lists_without_items,
        blank_contacts=blank_contacts,
    )
