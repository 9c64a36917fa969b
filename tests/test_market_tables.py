"""The numbers behind notebook 07, recomputed independently from the committed market tables."""
from __future__ import annotations

import pandas as pd
import pytest

import analysis
from analysis import market_tables as MT
from analysis import tables


@pytest.fixture(scope="module")
def market() -> dict[str, pd.DataFrame]:
    return analysis.load_processed("market")


@pytest.fixture(scope="module")
def seed() -> dict[str, pd.DataFrame]:
    return analysis.load_processed()


def test_scores_count_distinct_codes_per_policy(market) -> None:
    values = MT.market_scores(market)
    used = MT.used_pages(market)["vendor"]
    assert list(values.index) == list(used)
    practices = MT.stated(market["practices"])
    for vendor in list(used)[:25]:
        rows = practices[practices["vendor"] == vendor]
        assert values.loc[vendor, "data_types"] == rows.loc[rows["dimension"] == "data_type", "code"].nunique()
        assert values.loc[vendor, "gdpr_rights"] == rows["code"].isin(tables.GDPR_RIGHTS).groupby(rows["code"]).any().sum()
    sizes = MT.measure_sizes()
    assert sizes == {"data_types": len(tables.codes("data_type")), "recipients": len(tables.codes("recipient")),
                     "gdpr_rights": 10, "practices": len(tables.codes("practice"))}
    assert all((values[m] <= n).all() and (values[m] >= 0).all() for m, n in sizes.items())


def test_percentile_is_mid_rank() -> None:
    values = pd.Series([1, 2, 2, 3])
    assert MT.percentile(values, 2) == 50.0
    assert MT.percentile(values, 0) == 0.0 and MT.percentile(values, 9) == 100.0
    assert MT.percentile(values, 3) == 87.5


def test_standing_covers_every_seed_vendor_and_measure(market, seed) -> None:
    stand = MT.standing(MT.market_scores(market), MT.seed_scores(seed))
    assert len(stand) == 5 * len(MT.MEASURES)
    assert stand["percentile"].between(0, 100).all()
    imou = stand[(stand["vendor"] == "imou") & (stand["measure"] == "data_types")].iloc[0]
    p = seed["practices"]
    stating = p[(p["vendor"] == "imou") & (p["dimension"] == "data_type") & (p["polarity"] == "states")]
    assert imou["value"] == stating["code"].nunique()


def test_category_groups() -> None:
    assert MT.category_groups("security_camera;smart_plug") == ["cameras and doorbells", "plugs, switches and lights"]
    assert MT.category_groups("door_lock") == ["locks, alarms and sensors"]
    assert MT.category_groups("") == ["category unknown"]
    assert MT.category_groups("endoscope") == ["other devices"]


def test_by_category_counts_members(market) -> None:
    cat = MT.by_category(market)
    used = MT.used_pages(market)
    cams = used["device_categories"].str.contains("camera|doorbell|baby_monitor|video")
    assert cat.loc["cameras and doorbells", "policies"] == cams.sum()
    assert cat["policies"].sum() >= len(used)


def test_state_deny_silent_adds_up(market) -> None:
    sds = MT.state_deny_silent(market)
    n = len(MT.used_pages(market))
    assert (sds.sum(axis=1) == n).all()
    stating = MT.stated(market["practices"])
    no_sale = stating.loc[stating["code"] == "practice.no_sale", "vendor"].nunique()
    assert sds.loc["sale of personal data (says it is not sold)", "states"] == no_sale


def test_polarity_denials_are_counted_apart(market) -> None:
    """Once the practices table has a polarity column, a policy with only denials counts as 'denies'."""
    practices = market["practices"].assign(polarity="states")
    one = practices.loc[practices["code"] == "practice.children", "vendor"].iloc[0]
    practices.loc[(practices["vendor"] == one) & (practices["code"] == "practice.children"), "polarity"] = "denies"
    sds = MT.state_deny_silent({**market, "practices": practices})
    before = MT.state_deny_silent(market)
    assert sds.loc["children", "denies"] == 1
    assert sds.loc["children", "states"] == before.loc["children", "states"] - 1


def test_prevalence_and_quotes(market) -> None:
    prev = MT.prevalence(market)
    assert prev["share"].is_monotonic_decreasing and prev["share"].between(0, 1).all()
    top = prev.iloc[0]
    stating = MT.stated(market["practices"])
    count = stating.loc[stating["code"] == top["code"], "vendor"].nunique()
    assert top["policies"] == count
    quotes = MT.example_quotes(market, top["code"])
    sentences = set(market["sentences"]["text"])
    assert len(quotes) == 2 and set(quotes["Quote"]) <= sentences
    assert set(quotes["Policy"]) <= set(MT.used_pages(market)["label"])


def test_findings_are_sentences(market, seed) -> None:
    values, stand = MT.market_scores(market), MT.standing(MT.market_scores(market), MT.seed_scores(seed))
    texts = [MT.finding_distribution(values, stand), MT.finding_categories(MT.by_category(market)),
             MT.finding_statements(MT.prevalence(market), len(values)),
             MT.finding_texts(market["metrics"], seed["metrics"]),
             MT.finding_topics(MT.state_deny_silent(market), len(values)), MT.finding_exclusions(market["pages"])]
    for text in texts:
        assert text.endswith(".") and text[0].isupper() and "nan" not in text, text
    assert MT.ordinal(93) == "93rd" and MT.ordinal(11) == "11th" and MT.ordinal(21.4) == "21st"
