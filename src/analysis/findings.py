"""One-sentence findings generated from the data, for captions, alt text and the summary.

The notebooks never type a number into prose: each chart's caption and alt text comes from a
function here, computed from the same frame the chart draws, so the text stays true when the
extraction is re-run. ``00_summary`` reuses these functions rather than copying logic.
"""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from . import tables
from .corpus import vendor_labels

SENSOR_NAMES = {"content.video_image": "video or camera images", "content.audio": "audio recordings",
                "location.precise": "precise (GPS) location"}
NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def number(n: int) -> str:
    """Spell small counts as words ("three"), others as digits."""
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)


def join(names: Sequence[str], empty: str = "none") -> str:
    """``['A', 'B', 'C']`` → ``'A, B and C'``."""
    items = list(names)
    if not items:
        return empty
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def names(slugs: Sequence[str]) -> list[str]:
    """Display labels of vendor slugs."""
    labels = vendor_labels()
    return [labels.get(s, s) for s in slugs]


def top(values: pd.Series, largest: bool = True) -> tuple[list[str], float]:
    """Vendors (display labels, ties included) with the largest (or smallest) value, and that value."""
    best = values.max() if largest else values.min()
    return names([v for v, x in values.items() if x == best]), best


def count_of(flags: pd.Series) -> tuple[int, list[str]]:
    """How many vendors a boolean series marks, and their display labels."""
    chosen = [v for v, x in flags.items() if bool(x)]
    return len(chosen), names(chosen)


def short(label: str) -> str:
    """A code label without its trailing parenthetical, lower-cased: 'Delete data'."""
    return label.split(" (")[0].lower()


def share_sentence(flags: pd.Series, statement: str, singular: str | None = None) -> str:
    """``'Three of five policies <statement>: A, B and C.'`` (``singular`` verb form when one)."""
    n, who = count_of(flags)
    total = len(flags)
    if n == 0:
        return f"None of the {number(total)} policies {statement}."
    if n == total:
        return f"All {number(total)} policies {statement}."
    verb = singular if n == 1 and singular else statement
    return f"{number(n).capitalize()} of {number(total)} policies {verb}: {join(who)}."


# --------------------------------------------------------------------------- 01 corpus
def corpus_length(metrics: pd.DataFrame) -> str:
    """Longest and shortest policy and their reading times."""
    m = tables.text_metrics(metrics)
    longest, words_max = top(m["words"])
    shortest, words_min = top(m["words"], largest=False)
    minutes = m["reading time (min)"]
    return (f"{join(longest)} has the longest policy ({int(words_max):,} words, about "
            f"{minutes.max():.0f} minutes to read); {join(shortest)} the shortest ({int(words_min):,} words, "
            f"about {minutes.min():.0f} minutes).")


def corpus_readability(metrics: pd.DataFrame) -> str:
    """Readability range (Flesch reading ease; below 30 is 'very difficult', college-graduate level)."""
    ease = tables.text_metrics(metrics)["Flesch reading ease"]
    hardest, low = top(ease, largest=False)
    verdict = ("every policy scores below 30, the band for very difficult, graduate-level text"
               if ease.max() < 30 else f"{int((ease < 30).sum())} of {len(ease)} score below 30 (very difficult)")
    return (f"Flesch reading ease ranges from {ease.min():.1f} ({join(hardest)}) to {ease.max():.1f}; {verdict}.")


def corpus_defects(facts: pd.DataFrame) -> str:
    """Which policies announce lists with no items or leave a contact address blank."""
    d = tables.defects(facts)
    parts = [share_sentence(d[col] > 0, f"contain at least one {col}", f"contains at least one {col}")
             for col in d.columns]
    return " ".join(parts)


# --------------------------------------------------------------------------- 02 data collected
def uncertain_note(t: pd.DataFrame, who: Sequence[str]) -> str:
    """``", plus two uncertain"`` when the named vendor (display label) has cells marked uncertain;
    for several vendors, ``"; uncertain besides: A two"`` naming those that have some."""
    labels = dict(zip(names(list(t.index)), t["uncertain"]))
    counts = [(w, int(labels.get(w, 0))) for w in who]
    if len(counts) == 1:
        return f", plus {number(counts[0][1])} uncertain" if counts[0][1] else ""
    apart = [f"{w} {number(n)}" for w, n in counts if n]
    return f"; uncertain besides: {join(apart)}" if apart else ""


def data_types(practices: pd.DataFrame) -> str:
    """Who names the most and the fewest data types (cells the hand coder found ambiguous counted apart)."""
    t = tables.totals(practices, "data_type")
    most, hi = top(t["codes stated"])
    fewest, lo = top(t["codes stated"], largest=False)
    n = int(t["of codes"].iloc[0])
    return (f"{join(most)} names the most kinds of data collected ({int(hi)} of {n} data types"
            f"{uncertain_note(t, most)}); {join(fewest)} the fewest ({int(lo)}{uncertain_note(t, fewest)}).")


def sensors(practices: pd.DataFrame) -> str:
    """How many policies say they collect each kind of sensor data."""
    m = tables.stated(practices, "data_type", list(tables.SENSOR_CODES))
    parts = []
    for code in m.columns:
        n, who = count_of(m[code])
        parts.append(f"{SENSOR_NAMES[code]}: {number(n)} of {number(len(m))}" + (f" ({join(who)})" if n else ""))
    return "Policies that say they collect " + "; ".join(parts) + "."


def permissions(practices: pd.DataFrame) -> str:
    """Which device permissions the policies mention most."""
    m = tables.stated(practices, "permission")
    per_code = m.sum(axis=0)
    labels = tables.code_labels()
    best = per_code.max()
    common = [short(labels[c]) for c, x in per_code.items() if x == best]
    none = names([v for v, x in (~m.any(axis=1)).items() if x])
    tail = f"; {join(none)} mention no device permission" if none else ""
    return (f"The permission mentioned by the most policies ({number(int(best))} of {number(len(m))}) is "
            f"{join(common)}{tail}.")


# --------------------------------------------------------------------------- 03 sharing
def recipients(practices: pd.DataFrame) -> str:
    """Who names the most and fewest kinds of recipients (uncertain cells counted apart)."""
    t = tables.totals(practices, "recipient")
    most, hi = top(t["codes stated"])
    fewest, lo = top(t["codes stated"], largest=False)
    return (f"{join(most)} names the most kinds of recipients ({int(hi)} of {int(t['of codes'].iloc[0])}"
            f"{uncertain_note(t, most)}); {join(fewest)} the fewest ({int(lo)}{uncertain_note(t, fewest)}).")


def named_organisations(facts: pd.DataFrame) -> str:
    """How many organisations each vendor names."""
    orgs = tables.organisations(facts)
    per = orgs.groupby("vendor")["organisation"].nunique().reindex(tables.vendors()).fillna(0).astype(int)
    n, who = count_of(per > 0)
    most, hi = top(per)
    if n == 0:
        return "No policy names a recipient organisation."
    verb = "names" if n == 1 else "name"
    return (f"{number(n).capitalize()} of {number(len(per))} policies {verb} at least one organisation that "
            f"receives data; {join(most)} names the most ({int(hi)}).")


def no_sale(practices: pd.DataFrame) -> str:
    """Which policies say personal data is not sold."""
    m = tables.stated(practices, "practice", ["practice.no_sale"])
    return share_sentence(m["practice.no_sale"], "state that personal data is not sold",
                          "states that personal data is not sold")


def without_consent(practices: pd.DataFrame) -> str:
    """Which policies allow disclosure to authorities and to acquirers."""
    m = tables.stated(practices, "recipient", list(tables.NO_CONSENT_RECIPIENTS))
    a = share_sentence(m["recipient.authorities"], "may disclose data to authorities or courts")
    b = share_sentence(m["recipient.business_transfer"], "may pass data to a buyer in a merger or sale")
    return f"{a} {b}"


# --------------------------------------------------------------------------- 04 rights
def coverage(practices: pd.DataFrame) -> str:
    """Best and worst rights coverage score."""
    score = tables.rights_coverage(practices)
    n = len(tables.GDPR_RIGHTS)
    best, hi = top(score)
    worst, lo = top(score, largest=False)
    status = tables.status_matrix(practices, "right", list(tables.GDPR_RIGHTS))
    t = (status == tables.UNCERTAIN).sum(axis=1).to_frame("uncertain")
    return (f"{join(best)} grants the most GDPR rights ({round(hi * n)} of {n}, score {hi:.1f}"
            f"{uncertain_note(t, best)}); {join(worst)} the fewest ({round(lo * n)} of {n}, score {lo:.1f}"
            f"{uncertain_note(t, worst)}).")


def rights_gaps(practices: pd.DataFrame) -> str:
    """The GDPR rights fewest policies grant."""
    m = tables.stated(practices, "right", list(tables.GDPR_RIGHTS))
    per = m.sum(axis=0)
    labels = tables.code_labels()
    lo = per.min()
    rare = [short(labels[c]) for c, x in per.items() if x == lo]
    return f"The least granted GDPR right{'s' if len(rare) > 1 else ''} ({number(int(lo))} of {number(len(m))} policies): {join(rare)}."


def channels(practices: pd.DataFrame, sentences: pd.DataFrame) -> str:
    """How many policies mention each way of exercising rights."""
    ch = tables.exercise_channels(practices, sentences)
    used = (ch > 0).sum(axis=0)
    parts = [f"{name}: {number(int(k)) if k else 'none'}" for name, k in used.items()]
    return f"Policies whose rights sentences mention each channel (of {number(len(ch))}): " + ", ".join(parts) + "."


def response_time(facts: pd.DataFrame) -> str:
    """Which policies promise a response time for rights requests."""
    s = tables.fact_summary(facts, "response_time", empty="")
    n, who = count_of(s != "")
    if n == 0:
        return "No policy promises a time within which rights requests are answered."
    promised = "; ".join(f"{name}: {s[v]}" for v, name in zip(s.index, names(list(s.index))) if s[v])
    verb = "promises" if n == 1 else "promise"
    return (f"{number(n).capitalize()} of {number(len(s))} policies {verb} a time to answer a rights request "
            f"({promised}).")


# --------------------------------------------------------------------------- 05 practices
def practices_overview(practices: pd.DataFrame) -> str:
    """The practice stated by the most and by the fewest policies."""
    m = tables.stated(practices, "practice")
    per = m.sum(axis=0)
    labels = tables.code_labels()
    hi, lo = per.max(), per.min()
    common = [short(labels[c]) for c, x in per.items() if x == hi]
    rare = [short(labels[c]) for c, x in per.items() if x == lo]
    return (f"Stated by the most policies ({number(int(hi))} of {number(len(m))}): {join(common)}. "
            f"Stated by the fewest ({number(int(lo))}): {join(rare)}.")


def retention(practices: pd.DataFrame, facts: pd.DataFrame) -> str:
    """Retention statements and concrete periods."""
    m = tables.stated(practices, "practice", ["practice.retention_stated", "practice.retention_period"])
    a = share_sentence(m["practice.retention_stated"], "describe how long data is kept",
                       "describes how long data is kept")
    n, listed = _listed(tables.fact_summary(facts, "retention_period", empty=""))
    b = f"Concrete periods found: {listed}." if n else "No concrete retention period was found."
    return f"{a} {b}"


def _listed(values: pd.Series) -> tuple[int, str]:
    """How many vendors have a value, and "Vendor: value; ..." for those that do."""
    n, _ = count_of(values != "")
    listed = "; ".join(f"{nm}: {values[v]}" for v, nm in zip(values.index, names(list(values.index))) if values[v])
    return n, listed


def children(facts: pd.DataFrame) -> str:
    """Stated age thresholds for children."""
    return _policies_stating(tables.fact_summary(facts, "child_age", empty=""), ("states", "state"),
                             "an age threshold for children", "No policy states an age threshold for children.")


def storage(facts: pd.DataFrame) -> str:
    """Countries where data is said to be stored."""
    return _policies_stating(tables.fact_summary(facts, "storage_country", empty=""), ("names", "name"),
                             "storage or processing countries", "No policy names a country where data is stored.")


def _policies_stating(values: pd.Series, verbs: tuple[str, str], what: str, none: str) -> str:
    """"Two of five policies state <what> (Vendor: value; ...)." or ``none`` if no vendor has a value."""
    n, listed = _listed(values)
    if n == 0:
        return none
    return f"{number(n).capitalize()} of {number(len(values))} policies {verbs[n != 1]} {what} ({listed})."


# --------------------------------------------------------------------------- headlines
def overview_finding(practices: pd.DataFrame) -> str:
    """Who covers the largest and smallest share of the taxonomy on average (Figure 1 of 00)."""
    shares = tables.dimension_overview(practices) / tables.dimension_sizes()
    best = shares.mean(axis=1)
    (most, most_v), (least, least_v) = top(best), top(best, largest=False)
    return (f"{join(most)} covers the largest share of the taxonomy on average ({most_v:.0%}); "
            f"{join(least)} the smallest ({least_v:.0%}).")


def headlines(data: dict[str, pd.DataFrame]) -> dict[str, list[str]]:
    """The headline findings of ``00_summary`` and the README, topic by topic."""
    practices, facts, metrics = data["practices"], data["facts"], data["metrics"]
    return {
        "The texts": [corpus_length(metrics), corpus_readability(metrics), corpus_defects(facts)],
        "Data collected": [data_types(practices), sensors(practices)],
        "Sharing": [recipients(practices), named_organisations(facts), no_sale(practices),
                    without_consent(practices)],
        "Rights": [coverage(practices), rights_gaps(practices), response_time(facts)],
        "Practices": [retention(practices, facts), children(facts), storage(facts)],
    }
