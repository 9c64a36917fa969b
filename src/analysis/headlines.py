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


def _texts(data: dict[str, pd.DataFrame]) -> list[Headline]:
    sentences, facts, metrics = data["sentences"], data["facts"], data["metrics"]
    m = T.text_metrics(metrics)
    return [
        Headline("The texts", F.corpus_length(metrics), E.longest_sentence(sentences, _first(m["words"]))),
        Headline("The texts", F.corpus_readability(metrics),
                 E.hardest_sentence(sentences, _first(m["Flesch reading ease"], largest=False))),
        Headline("The texts", F.corpus_defects(facts),
                 E.fact_quote(facts, sentences, ["defect.list_without_items", "defect.blank_contact"])),
    ]


def _collected(data: dict[str, pd.DataFrame]) -> list[Headline]:
    p, s = data["practices"], data["sentences"]
    most = _first(T.totals(p, "data_type")["codes stated"])
    return [
        Headline("Data collected", F.data_types(p), E.code_quote(p, s, T.codes("data_type"), [most], most_codes=True)),
        Headline("Data collected", F.sensors(p), E.code_quote(p, s, T.SENSOR_CODES[:1])
                 or E.code_quote(p, s, T.SENSOR_CODES)),
    ]


def _sharing(data: dict[str, pd.DataFrame]) -> list[Headline]:
    p, s, f = data["practices"], data["sentences"], data["facts"]
    most = _first(T.totals(p, "recipient")["codes stated"])
    orgs = T.organisations(f).groupby("vendor")["organisation"].nunique()
    return [
        Headline("Sharing", F.recipients(p), E.code_quote(p, s, T.codes("recipient"), [most], most_codes=True)),
        Headline("Sharing", F.named_organisations(f),
                 E.fact_quote(f, s, "organisation", [_first(orgs)] if len(orgs) else None)),
        Headline("Sharing", F.no_sale(p), E.code_quote(p, s, ["practice.no_sale"])),
        Headline("Sharing", F.without_consent(p), E.code_quote(p, s, T.NO_CONSENT_RECIPIENTS)),
    ]


def _rights(data: dict[str, pd.DataFrame]) -> list[Headline]:
    p, s, f = data["practices"], data["sentences"], data["facts"]
    said = T.stated(p, "right", list(T.GDPR_RIGHTS))
    per = said.sum(axis=0)
    rare = [c for c, n in per.items() if n == per.min()]
    return [
        Headline("Rights", F.coverage(p), E.code_quote(p, s, T.GDPR_RIGHTS, [_first(T.rights_coverage(p))],
                                                        most_codes=True)),
        Headline("Rights", F.rights_gaps(p), E.code_quote(p, s, rare, [v for v in said.index
                                                                        if said.loc[v, rare].any()])),
        Headline("Rights", F.response_time(f), E.fact_quote(f, s, "response_time")),
    ]


def _practices(data: dict[str, pd.DataFrame]) -> list[Headline]:
    p, s, f = data["practices"], data["sentences"], data["facts"]
    return [
        Headline("Practices", F.retention(p, f), E.fact_quote(f, s, "retention_period")
                 or E.code_quote(p, s, ["practice.retention_stated"])),
        Headline("Practices", F.children(f), E.fact_quote(f, s, "child_age")
                 or E.code_quote(p, s, ["practice.children"])),
        Headline("Practices", F.storage(f), E.fact_quote(f, s, "storage_country")),
    ]


def headlines(data: dict[str, pd.DataFrame]) -> list[Headline]:
    """Every headline finding of the summary, in topic order, with its supporting quote."""
    return [*_texts(data), *_collected(data), *_sharing(data), *_rights(data), *_practices(data)]
