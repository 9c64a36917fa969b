"""Pick one short, verbatim supporting sentence for a claim, from the processed tables.

A *quote* is ``(vendor label, section, sentence)``: the full sentence of the policy that
supports a claim (a practices or facts row points to it), so a reader sees the words behind
a finding without opening an evidence table. Choices are deterministic: the best-scoring
candidate (for example, the sentence naming the most of the codes in question), then the
shortest sentence of at least :data:`MIN_WORDS` words, then the earliest in the policy.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from . import tables
from .corpus import vendor_labels

#: A quote: (vendor display label, section path, verbatim sentence).
Quote = tuple[str, str, str]
#: Sentences shorter than this (bare headings, list items) are used only when nothing longer supports a claim.
MIN_WORDS = 6


def _words(text: pd.Series) -> pd.Series:
    return text.str.split().str.len().fillna(0).astype("int64")


def pick(candidates: pd.DataFrame, score: pd.Series | None = None) -> Quote | None:
    """The best row of ``candidates`` (columns vendor, sentence_id, section, text) as a quote, or None.

    Order: highest ``score`` (aligned with ``candidates``; default 0), then sentences of at
    least :data:`MIN_WORDS` words before shorter ones, then fewer words, then vendor and position.
    """
    if candidates.empty:
        return None
    frame = candidates.drop_duplicates(["vendor", "sentence_id"]).copy()
    frame["_score"] = 0 if score is None else score.reindex(frame.index).fillna(0)
    frame["_words"] = _words(frame["text"])
    frame["_short"] = frame["_words"] < MIN_WORDS
    frame = frame.sort_values(["_score", "_short", "_words", "vendor", "sentence_id"],
                              ascending=[False, True, True, True, True], kind="mergesort")
    best = frame.iloc[0]
    return vendor_labels().get(best["vendor"], best["vendor"]), str(best["section"]), str(best["text"])


def code_rows(practices: pd.DataFrame, sentences: pd.DataFrame, code_list: Iterable[str],
              vendors: Sequence[str] | None = None, polarity: str = "states") -> pd.DataFrame:
    """Practices rows of the given codes (and vendors, polarity) joined with their sentence."""
    rows = tables.stating(practices, polarity)
    rows = rows[rows["code"].isin(list(code_list))]
    if vendors is not None:
        rows = rows[rows["vendor"].isin(list(vendors))]
    return tables.quotes(rows, sentences)


def code_quote(practices: pd.DataFrame, sentences: pd.DataFrame, code_list: Iterable[str],
               vendors: Sequence[str] | None = None, most_codes: bool = False, polarity: str = "states",
               ) -> Quote | None:
    """A sentence supporting one of ``code_list``.

    ``most_codes``: prefer the sentence that supports the most codes of ``code_list``, or, for a
    single code, the most codes of that code's dimension (a listing such as "we collect your
    name, e-mail address and phone number" rather than a sentence that mentions an e-mail address
    in passing).
    """
    wanted = list(code_list)
    rows = code_rows(practices, sentences, wanted, vendors, polarity)
    if rows.empty:
        return None
    score = None
    if most_codes:
        if len(wanted) == 1:
            dims = set(rows["dimension"])
            same = tables.stating(practices, polarity)
            same = same[same["dimension"].isin(dims)].groupby(["vendor", "sentence_id"])["code"].nunique()
            score = pd.Series([same.get((v, i), 0) for v, i in zip(rows["vendor"], rows["sentence_id"])],
                              index=rows.index)
        else:
            score = rows.groupby(["vendor", "sentence_id"])["code"].transform("nunique")
    return pick(rows, score)


def fact_quote(facts: pd.DataFrame, sentences: pd.DataFrame, fields: str | Sequence[str],
               vendors: Sequence[str] | None = None, value: str | None = None) -> Quote | None:
    """A sentence stating a fact of ``fields`` (optionally for ``vendors`` and one ``value``)."""
    wanted = [fields] if isinstance(fields, str) else list(fields)
    rows = facts[facts["field"].isin(wanted)]
    if vendors is not None:
        rows = rows[rows["vendor"].isin(list(vendors))]
    if value is not None:
        rows = rows[rows["value"] == value]
    return pick(rows.merge(sentences[["vendor", "sentence_id", "section", "text"]], on=["vendor", "sentence_id"],
                           how="left", validate="many_to_one"))


def longest_sentence(sentences: pd.DataFrame, vendor: str) -> Quote | None:
    """The vendor's longest sentence (in words; body sentences and list items, not headings)."""
    rows = sentences[(sentences["vendor"] == vendor) & (sentences["kind"] != "heading")]
    return pick(rows, _words(rows["text"]))


def hardest_sentence(sentences: pd.DataFrame, vendor: str, min_words: int = 15, max_words: int = 40
                     ) -> Quote | None:
    """The vendor's sentence of ``min_words``–``max_words`` words with the lowest Flesch reading ease."""
    from .readability import flesch

    rows = sentences[(sentences["vendor"] == vendor) & (sentences["kind"] != "heading")]
    rows = rows[_words(rows["text"]).between(min_words, max_words)]
    if rows.empty:
        return longest_sentence(sentences, vendor)
    ease = rows["text"].map(lambda t: flesch(t).reading_ease)
    return pick(rows, -ease.round(6))
