"""The headline findings of ``00_summary``, each with one verbatim sentence that supports it.

:func:`headlines` returns, per topic, the finding sentences of :mod:`analysis.findings` and
a quote chosen by :mod:`analysis.evidence` from the same tables: for "X names the most data
types", the sentence of X's policy that names the most data types; for "three policies may
disclose data to authorities", the shortest sentence saying so. Nothing is typed by hand.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import evidence as E
from . import findings as F
from . import tables as T


@dataclass(frozen=True)
class Headline:
    """One finding: its topic, the generated sentence and a supporting quote (None when nothing supports it)."""

    topic: str
    text: str
    quote: E.Quote | None


def _first(values: pd.Series, largest: bool = True) -> str:
    """Slug of the first vendor (manifest order) with the largest (smallest) value."""
    return str(values.idxmax() if largest else values.idxmin())


def _texts(data: dict[str, pd.DataFrame]) -> list[E.Quote | None]:
    sentences, facts, metrics = data["sentences"], data["facts"], data["metrics"]
    m = T.text_metrics(metrics)
    return [E.longest_sentence(sentences, _first(m["words"])),
            E.hardest_sentence(sentences, _first(m["Flesch reading ease"], largest=False)),
            E.fact_quote(facts, sentences, ["defect.list_without_items", "defect.blank_contact"])]


def _collected(data: dict[str, pd.DataFrame]) -> list[E.Quote | None]:
    p, s = data["practices"], data["sentences"]
    most = _first(T.totals(p, "data_type")["codes stated"])
    return [E.code_quote(p, s, T.codes("data_type"), [most], most_codes=True),
            E.code_quote(p, s, T.SENSOR_CODES[:1]) or E.code_quote(p, s, T.SENSOR_CODES)]


def _sharing(data: dict[str, pd.DataFrame]) -> list[E.Quote | None]:
    p, s, f = data["practices"], data["sentences"], data["facts"]
    most = _first(T.totals(p, "recipient")["codes stated"])
    orgs = T.organisations(f).groupby("vendor")["organisation"].nunique()
    return [E.code_quote(p, s, T.codes("recipient"), [most], most_codes=True),
            E.fact_quote(f, s, "organisation", [_first(orgs)] if len(orgs) else None),
            E.code_quote(p, s, ["practice.no_sale"]),
            E.code_quote(p, s, T.NO_CONSENT_RECIPIENTS)]


def _rights(data: dict[str, pd.DataFrame]) -> list[E.Quote | None]:
    p, s, f = data["practices"], data["sentences"], data["facts"]
    said = T.stated(p, "right", list(T.GDPR_RIGHTS))
    per = said.sum(axis=0)
    rare = [c for c, n in per.items() if n == per.min()]
    return [E.code_quote(p, s, T.GDPR_RIGHTS, [_first(T.rights_coverage(p))], most_codes=True),
            E.code_quote(p, s, rare, [v for v in said.index if said.loc[v, rare].any()]),
            E.fact_quote(f, s, "response_time")]


def _practices(data: dict[str, pd.DataFrame]) -> list[E.Quote | None]:
    p, s, f = data["practices"], data["sentences"], data["facts"]
    return [E.fact_quote(f, s, "retention_period") or E.code_quote(p, s, ["practice.retention_stated"]),
            E.fact_quote(f, s, "child_age") or E.code_quote(p, s, ["practice.children"]),
            E.fact_quote(f, s, "storage_country")]


#: Quote pickers per topic of :func:`analysis.findings.headlines`, one quote per finding, in the same order.
QUOTES = {"The texts": _texts, "Data collected": _collected, "Sharing": _sharing, "Rights": _rights,
          "Practices": _practices}


def headlines(data: dict[str, pd.DataFrame]) -> list[Headline]:
    """Every headline finding of :func:`analysis.findings.headlines`, in topic order, with its supporting quote."""
    out = []
    for topic, texts in F.headlines(data).items():
        quotes = QUOTES[topic](data)
        if len(quotes) != len(texts):
            raise ValueError(f"headlines: topic {topic!r} has {len(texts)} findings but {len(quotes)} quotes")
        out += [Headline(topic, text, quote) for text, quote in zip(texts, quotes)]
    return out
