"""The market comparison behind notebook 07: where the five seed policies stand among the market's.

Every function takes the tidy frames of :func:`analysis.load_processed` (``"market"`` and the seed
outputs) and returns a new frame or a sentence, so the notebook, its figures and the tests see the
same numbers. Conventions:

- a *policy* is a market page that passed screening (``pages.status == "used"``); the market
  tables key it by page id in their ``vendor`` column and ``pages.label`` names it;
- a code is *stated* by a policy when it has at least one supporting sentence whose ``polarity``
  is ``states``; denials ("we do not sell", "we do not collect audio") are counted apart, as
  *denies*. Outputs written before the practices table had a ``polarity`` column count every
  finding as ``states`` (:func:`stated`);
- a seed vendor's *percentile* on a measure is the share of market policies with a lower value
  plus half the share with the same value (the mid-rank percentile, 0-100).
"""
from __future__ import annotations

import re

import pandas as pd

from . import tables
from .corpus import vendor_labels

#: The four per-policy measures compared, with the number of codes each is out of.
MEASURES: dict[str, str] = {"data_types": "data types named", "recipients": "kinds of recipients",
                            "gdpr_rights": "GDPR rights granted", "practices": "practices stated"}
#: Device-category groups: a policy belongs to every group one of its dataset categories matches
#: (categories are the dataset's labels, e.g. ``security_camera``, ``smart_plug``); tried in order.
CATEGORY_GROUPS: dict[str, re.Pattern[str]] = {
    "cameras and doorbells": re.compile(r"camera|doorbell|baby_monitor|video"),
    "locks, alarms and sensors": re.compile(r"lock|alarm|security_(?:system|panel)|sensor|panic|detector|key_fob|door_panel"),
    "plugs, switches and lights": re.compile(r"plug|socket|switch|light|dimmer|lightbox|bulb"),
    "hubs, remotes and speakers": re.compile(r"hub|service|bridge|remote|ir_cube|speaker|voice|assistant|stick|tv"),
    "climate and energy": re.compile(r"thermostat|air_|heat|humid|fan|radiator|vent|energy|power|solar|"
                                     r"purifier|weather|valve|temperature|meter"),
    "appliances": re.compile(r"washer|dryer|dishwasher|refrigerator|oven|microwave|vacuum|coffee|toaster|"
                             r"cooker|range|grill|mixer|blender|kitchen|pool|sprinkler|water_|feeder|scale|bed"),
}
#: Topics of the state / deny / say-nothing count and the codes that speak to each.
TOPICS: dict[str, tuple[str, ...]] = {
    "sale of personal data (says it is not sold)": ("practice.no_sale",),
    "children": ("practice.children",),
    "retention": ("practice.retention_stated", "practice.retention_period"),
    "international transfers": ("practice.intl_transfer",),
}
DIMENSION_OF_MEASURE = {"data_types": "data_type", "recipients": "recipient", "gdpr_rights": "right",
                        "practices": "practice"}


stated = tables.stating  # rows that state their code (all rows of outputs without a polarity column)


def used_pages(market: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The analysed pages (id, label, categories...), in page order."""
    pages = market["pages"]
    return pages[pages["status"] == "used"].reset_index(drop=True)


def _codes_of(measure: str) -> list[str]:
    return list(tables.GDPR_RIGHTS) if measure == "gdpr_rights" else tables.codes(DIMENSION_OF_MEASURE[measure])


def presence(practices: pd.DataFrame, ids: list[str], code_list: list[str]) -> pd.DataFrame:
    """Policy × code booleans: the policy states the code (see :func:`stated`)."""
    rows = stated(practices)
    rows = rows[rows["code"].isin(code_list)]
    hit = rows.groupby(["vendor", "code"]).size().unstack("code")
    out = hit.reindex(index=ids, columns=code_list).notna()
    out.index.name, out.columns.name = "vendor", "code"
    return out


def scores(practices: pd.DataFrame, ids: list[str]) -> pd.DataFrame:
    """Policy × measure: how many codes of each measure (:data:`MEASURES`) the policy states."""
    out = pd.DataFrame({m: presence(practices, ids, _codes_of(m)).sum(axis=1) for m in MEASURES})
    return out.astype("int64")


def market_scores(market: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """:func:`scores` of every analysed market policy (index: page id)."""
    return scores(market["practices"], list(used_pages(market)["vendor"]))


def seed_scores(seed: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """:func:`scores` of the five seed policies (index: seed vendor slug, manifest order)."""
    return scores(seed["practices"], tables.vendors())


def measure_sizes() -> dict[str, int]:
    """How many codes each measure is out of."""
    return {m: len(_codes_of(m)) for m in MEASURES}


def percentile(values: pd.Series, value: float) -> float:
    """Mid-rank percentile of ``value`` among ``values`` (0-100)."""
    below = float((values < value).sum())
    equal = float((values == value).sum())
    return 100.0 * (below + equal / 2) / len(values)


def standing(market_values: pd.DataFrame, seed_values: pd.DataFrame) -> pd.DataFrame:
    """Seed vendor × measure: the seed's value, the market median and the seed's percentile (long form)."""
    rows = []
    for vendor, row in seed_values.iterrows():
        for m in seed_values.columns:
            rows.append((vendor, m, row[m], float(market_values[m].median()), percentile(market_values[m], row[m])))
    return pd.DataFrame(rows, columns=["vendor", "measure", "value", "market_median", "percentile"])


def standing_table(stand: pd.DataFrame, value_label: str = "value") -> pd.DataFrame:
    """Display table: one row per seed vendor, '<value> (P<percentile>)' per measure."""
    labels = vendor_labels()
    cells = stand.assign(cell=[f"{v:g} (P{p:.0f})" for v, p in zip(stand["value"], stand["percentile"])])
    out = cells.pivot(index="vendor", columns="measure", values="cell")
    out = out.reindex(index=list(dict.fromkeys(stand["vendor"])), columns=list(dict.fromkeys(stand["measure"])))
    out.index = [labels.get(v, v) for v in out.index]
    out.index.name = "Vendor"
    out.columns.name = value_label
    return out


# --------------------------------------------------------------------------- device categories
def category_groups(categories: str) -> list[str]:
    """Groups (:data:`CATEGORY_GROUPS`) of a page's ``;``-separated categories; ``["unknown"]`` if none."""
    found = [g for g, rx in CATEGORY_GROUPS.items() if any(rx.search(c) for c in categories.split(";") if c)]
    if found:
        return found
    return ["other devices"] if categories.strip() else ["category unknown"]


def by_category(market: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Category group × measure: median of the market policies in the group (the lower of the two middle
    values when their number is even, so always a count a policy has), and their number."""
    pages = used_pages(market)
    values = market_scores(market)
    rows = [(g, vendor) for vendor, cats in zip(pages["vendor"], pages["device_categories"])
            for g in category_groups(cats)]
    member = pd.DataFrame(rows, columns=["group", "vendor"])
    joined = member.join(values, on="vendor")
    out = joined.groupby("group")[list(MEASURES)].quantile(0.5, interpolation="lower").astype("int64")
    out.insert(0, "policies", joined.groupby("group").size())
    order = [*CATEGORY_GROUPS, "other devices", "category unknown"]
    return out.reindex([g for g in order if g in out.index])


# --------------------------------------------------------------------------- statements
def prevalence(market: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every taxonomy code: dimension, label, policies stating it and their share, most common first."""
    ids = list(used_pages(market)["vendor"])
    all_codes = [c for d in tables.DIMENSION_LABELS for c in tables.codes(d)]
    flags = presence(market["practices"], ids, all_codes)
    dims = {c: d for d in tables.DIMENSION_LABELS for c in tables.codes(d)}
    labels = tables.code_labels()
    out = pd.DataFrame({"code": all_codes, "dimension": [dims[c] for c in all_codes],
                        "label": [labels[c] for c in all_codes], "policies": flags.sum().to_numpy(),
                        "share": flags.mean().to_numpy()})
    return out.sort_values(["policies", "code"], ascending=[False, True], kind="mergesort").reset_index(drop=True)


def example_quotes(market: dict[str, pd.DataFrame], code: str, n: int = 2, max_chars: int = 260) -> pd.DataFrame:
    """Up to ``n`` supporting sentences of ``code`` from different named policies.

    Deterministic choice: each policy's first supporting sentence that is not a heading, the
    shortest of those that are at least 60 characters long (and at most ``max_chars``), ties
    broken by page id.
    """
    rows = stated(market["practices"])
    rows = rows[rows["code"] == code].drop_duplicates(["vendor", "sentence_id"])
    kinds = market["sentences"].set_index(["vendor", "sentence_id"])["kind"]
    rows = rows[kinds.reindex(pd.MultiIndex.from_frame(rows[["vendor", "sentence_id"]])).to_numpy() != "heading"]
    quoted = tables.quotes(rows, market["sentences"]).sort_values(["vendor", "start"], kind="mergesort")
    first = quoted.drop_duplicates("vendor")
    length = first["text"].str.len()
    pick = first[(length >= 60) & (length <= max_chars)]
    pick = pick.assign(_n=pick["text"].str.len()).sort_values(["_n", "vendor"], kind="mergesort").head(n)
    names = used_pages(market).set_index("vendor")["label"]
    return pd.DataFrame({"Policy": pick["vendor"].map(names), "Quote": pick["text"]}).reset_index(drop=True)


def common_and_rare(market: dict[str, pd.DataFrame], k: int = 5) -> pd.DataFrame:
    """The ``k`` most and ``k`` least common statements (codes), each with two example quotes."""
    prev = prevalence(market)
    picked = pd.concat([prev.head(k).assign(rank="most common"), prev.tail(k).assign(rank="least common")])
    rows = []
    for r in picked.itertuples():
        quotes = example_quotes(market, r.code)
        examples = " | ".join(f"{p}: “{q}”" for p, q in zip(quotes["Policy"], quotes["Quote"]))
        rows.append((r.rank, r.label, r.dimension, int(r.policies), r.share, examples or "—"))
    return pd.DataFrame(rows, columns=["", "statement", "dimension", "policies", "share", "examples"])


def state_deny_silent(market: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Topic × (states, denies, says nothing): number of policies.

    A policy *states* a topic when a supporting sentence of one of its codes has polarity
    ``states``, *denies* it when it has only sentences with polarity ``denies``, and *says
    nothing* otherwise. Without a ``polarity`` column every finding counts as ``states``.
    """
    ids = list(used_pages(market)["vendor"])
    practices = market["practices"]
    rows = []
    for topic, code_list in TOPICS.items():
        rel = practices[practices["code"].isin(code_list)]
        says = set(stated(rel)["vendor"])
        any_row = set(rel["vendor"])
        rows.append((topic, len(says), len(any_row - says), len(set(ids) - any_row)))
    out = pd.DataFrame(rows, columns=["topic", "states", "denies", "says nothing"]).set_index("topic")
    return out


def topic_quotes(market: dict[str, pd.DataFrame], n: int = 2) -> pd.DataFrame:
    """Example statements per topic of :data:`TOPICS` (chosen as in :func:`example_quotes`)."""
    frames = []
    for topic, code_list in TOPICS.items():
        for code in code_list[:1]:  # the topic's main code
            quotes = example_quotes(market, code, n)
            frames.append(quotes.assign(Topic=topic)[["Topic", "Policy", "Quote"]])
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------- texts
def text_measures(metrics: pd.DataFrame) -> pd.DataFrame:
    """Words, reading minutes and Flesch reading ease per policy (index: vendor/page id)."""
    return metrics.set_index("vendor")[["words", "reading_minutes", "flesch_reading_ease"]]


def excluded_pages(market: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every excluded page with its reason and what was found, in page order."""
    pages = market["pages"]
    out = pages[pages["status"] == "excluded"]
    return out[["file", "host", "reason", "detail"]].reset_index(drop=True)


# --------------------------------------------------------------------------- findings (captions)
def ordinal(value: float) -> str:
    """``93`` → ``'93rd'`` (rounded to a whole number)."""
    n = int(round(value))
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def finding_distribution(market_values: pd.DataFrame, stand: pd.DataFrame) -> str:
    """The market medians and the seed policy furthest above and below them on GDPR rights."""
    sizes = measure_sizes()
    med = {m: market_values[m].median() for m in MEASURES}
    rights = stand[stand["measure"] == "gdpr_rights"].sort_values(["percentile", "vendor"], kind="mergesort")
    labels = vendor_labels()
    hi, lo = rights.iloc[-1], rights.iloc[0]
    return (f"The median market policy names {med['data_types']:g} of {sizes['data_types']} data types, "
            f"{med['recipients']:g} of {sizes['recipients']} kinds of recipients and grants "
            f"{med['gdpr_rights']:g} of {sizes['gdpr_rights']} GDPR rights; {labels[hi['vendor']]}'s "
            f"{hi['value']:g} rights put it at the {ordinal(hi['percentile'])} percentile of {len(market_values)} "
            f"policies, {labels[lo['vendor']]}'s {lo['value']:g} at the {ordinal(lo['percentile'])}.")


def finding_categories(cat: pd.DataFrame) -> str:
    """Which device group's policies name the most and the fewest data types (median)."""
    groups = cat[cat.index.isin(list(CATEGORY_GROUPS)) & (cat["policies"] >= 10)]
    top, bottom = groups["data_types"].idxmax(), groups["data_types"].idxmin()
    return (f"Policies of vendors selling {top} name the most data types (median "
            f"{groups.loc[top, 'data_types']:g}, {int(groups.loc[top, 'policies'])} policies), those of "
            f"{bottom} the fewest (median {groups.loc[bottom, 'data_types']:g}, "
            f"{int(groups.loc[bottom, 'policies'])} policies); groups overlap, as a vendor sells several kinds.")


def finding_statements(prev: pd.DataFrame, n: int) -> str:
    """The most and least common statements in the market."""
    top, low = prev.iloc[0], prev.iloc[-1]
    return (f"The most common statement is '{top['label']}' ({int(top['policies'])} of {n} policies, "
            f"{top['share']:.0%}); the least common '{low['label']}' ({int(low['policies'])}, {low['share']:.0%}).")


def finding_texts(metrics: pd.DataFrame, seed_metrics: pd.DataFrame) -> str:
    """Market length and readability, and how the seed policies compare."""
    words, ease = metrics["words"], metrics["flesch_reading_ease"]
    below30 = float((ease < 30).mean())
    seed_ease = [percentile(ease, v) for v in seed_metrics["flesch_reading_ease"]]
    return (f"Market policies run from {int(words.min()):,} to {int(words.max()):,} words (median "
            f"{words.median():,.0f}); {below30:.0%} score below 30 on Flesch reading ease (very difficult); the five "
            f"seed policies sit between the {ordinal(min(seed_ease))} and {ordinal(max(seed_ease))} percentile of "
            f"readability.")


def finding_topics(sds: pd.DataFrame, n: int) -> str:
    """How many policies say nothing on each topic."""
    parts = [f"{int(r['says nothing'])} say nothing on {t.split(' (')[0]}" for t, r in sds.iterrows()]
    return f"Of {n} market policies, " + ", ".join(parts[:-1]) + " and " + parts[-1] + "."


def finding_exclusions(pages: pd.DataFrame) -> str:
    """How many pages were analysed and why the others were not."""
    from .market import REASONS

    used = int((pages["status"] == "used").sum())
    counts = pages["reason"].value_counts()
    why = ", ".join(f"{int(counts[r])} {d}" for r, d in REASONS.items() if counts.get(r, 0))
    return f"Of {len(pages)} pages, {used} were analysed; excluded: {why}."
