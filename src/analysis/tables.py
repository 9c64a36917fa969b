"""Display tables for the notebooks, built from the processed frames (``load_processed()``).

Every function takes the tidy frames (``practices``, ``sentences``, ``facts``, ``metrics``)
and returns a new frame; nothing here reads numbers from anywhere else, so the notebooks,
the figures and ``tests/test_figures.py`` all see the same values.

Conventions:

- *support count*: the number of distinct sentences of a vendor's policy that state a code (one
  sentence matching a code twice counts once); ``0`` means the code was not found; denials are
  counted apart (``polarity="denies"``).
- *status* of a (vendor, code) cell (:func:`status_matrix`): whether the policy **states** it,
  **denies** it ("we do not sell your data", a row with ``polarity == "denies"``), does both,
  is **silent**, or is **uncertain**: the hand-coded labels (``data/annotations``) mark the
  cell ambiguous, so it is neither counted as stated nor as silent. A practices table without
  a ``polarity`` column is read as every row ``states`` (:func:`stating`). Counts of codes found
  (:func:`totals`, :func:`dimension_overview`, :func:`rights_coverage`) count *stated* cells.
- vendors are ordered as in ``data/raw/manifest.csv``; codes in taxonomy order, rights in
  GDPR article order (:data:`RIGHTS_ORDER`).
- ``labelled(...)`` swaps slugs for display labels (manifest vendor labels, taxonomy code
  labels); computations always happen on slugs.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np
import pandas as pd

from .codebook import load_codebook
from .corpus import read_manifest, vendor_labels

#: Data-type families in display order; a data type's family is its code prefix.
FAMILIES: tuple[str, ...] = ("contact", "account", "financial", "device", "network", "location", "usage",
                             "tracking", "content", "contacts", "demographic", "inference")
#: Display names of the families.
FAMILY_LABELS: dict[str, str] = {
    "contact": "Contact", "account": "Account", "financial": "Financial", "device": "Device",
    "network": "Network", "location": "Location", "usage": "Usage", "tracking": "Tracking",
    "content": "Content", "contacts": "Other people", "demographic": "Demographic", "inference": "Inferences"}
#: The ten GDPR rights, in article order (Art. 15, 16, 17, 18, 20, 21, 21(2), 22, 7(3), 77).
GDPR_RIGHTS: tuple[str, ...] = tuple(f"right.{r}" for r in (
    "access", "rectification", "erasure", "restriction", "portability", "objection", "marketing_opt_out",
    "automated_decision", "withdraw_consent", "complaint"))
#: Controls reported after the GDPR rights (no GDPR article of their own).
OTHER_RIGHTS: tuple[str, ...] = ("right.account_deletion", "right.permission_control", "right.ccpa")
RIGHTS_ORDER: tuple[str, ...] = GDPR_RIGHTS + OTHER_RIGHTS
#: Sensor data a smart-home camera, speaker or app can capture.
SENSOR_CODES: tuple[str, ...] = ("content.video_image", "content.audio", "location.precise")
#: Recipients that may receive data without the user's consent (legal demands, a sale of the company).
NO_CONSENT_RECIPIENTS: tuple[str, ...] = ("recipient.authorities", "recipient.business_transfer")

#: How a right is exercised, detected in the evidence sentences of ``right.*`` codes. A sentence
#: mentions a channel when it matches the channel's pattern (case-insensitive):
#: e-mail: "e-mail"/"email" or an address with "@"; in-app: "app", "settings", "log in"/"logging into";
#: web: "website", "online form", "web form", "portal" or a URL; post: "by post/mail", "postal", "write to us".
CHANNEL_PATTERNS: dict[str, re.Pattern[str]] = {
    "e-mail": re.compile(r"\be-?mail\b|\S@\S", re.IGNORECASE),
    "in-app / settings": re.compile(r"\bapps?\b|\bsettings?\b|\blog(?:ging)?\s*(?:in|into|on)\b", re.IGNORECASE),
    "website / online form": re.compile(r"\bwebsite\b|\b(?:online|web)\s+form\b|\bportal\b|https?://|\bwww\.",
                                        re.IGNORECASE),
    "post": re.compile(r"\bby\s+(?:post|mail)\b|\bpostal\b|\bwrite\s+to\s+us\b|\bin\s+writing\b", re.IGNORECASE),
}

EVIDENCE_COLUMNS: tuple[str, ...] = ("Vendor", "Code", "Quote", "Section")

#: Cell statuses, in legend order (see the module docstring).
STATES, BOTH, DENIES, UNCERTAIN, SILENT = "states", "states and denies", "denies", "uncertain", "silent"
STATUSES: tuple[str, ...] = (STATES, BOTH, DENIES, UNCERTAIN, SILENT)
#: Polarity values of the practices table.
POLARITIES: tuple[str, ...] = ("states", "denies")


# --------------------------------------------------------------------------- orders and labels
def vendors() -> list[str]:
    """Vendor slugs in manifest order."""
    return [r.vendor for r in read_manifest()]


def code_labels() -> dict[str, str]:
    """Display label of every taxonomy code."""
    return dict(load_codebook().labels)


def codes(dimension: str) -> list[str]:
    """All codes of a dimension in taxonomy order (rights in :data:`RIGHTS_ORDER`)."""
    found = [c for c, d in load_codebook().dimensions.items() if d == dimension]
    if dimension == "right":
        return [c for c in RIGHTS_ORDER if c in found] + [c for c in found if c not in RIGHTS_ORDER]
    return found


def family_of(code: str) -> str:
    """Family of a data-type code: its prefix before the first dot (``demographic`` has none)."""
    return code.split(".", 1)[0]


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy of a vendor-indexed frame with display labels for vendors and codes.

    Index values and column labels that are vendor slugs or codes are renamed; anything
    else is kept (``MultiIndex`` columns are renamed level by level).
    """
    names = {**vendor_labels(), **code_labels(), **FAMILY_LABELS}
    out = frame.rename(index=lambda v: names.get(v, v), columns=lambda c: names.get(c, c))
    out.index.name = "Vendor" if frame.index.name == "vendor" else frame.index.name
    return out


def value_labels() -> dict[str, dict[str, str]]:
    """Display label of each vendor slug, dimension and code, keyed by the column that holds them."""
    return {"vendor": {**vendor_labels(), "all": "All vendors"}, "code": {**code_labels(), "all": "All codes"},
            "dimension": {**DIMENSION_LABELS, "all": "All dimensions"}}


def labelled_values(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy of a long frame with display labels in its ``vendor``, ``dimension`` and ``code`` columns and index.

    Those columns (and an index of that name) are renamed ``Vendor``, ``Dimension``, ``Code``;
    values without a label are kept.
    """
    maps = value_labels()
    out = frame.copy()
    for col, names in maps.items():
        if col in out.columns:
            out[col] = out[col].map(lambda v, n=names: n.get(v, v))
    if out.index.name in maps:
        names = maps[out.index.name]
        out.index = out.index.map(lambda v: names.get(v, v))
        out.index.name = out.index.name.capitalize()
    return out.rename(columns={c: c.capitalize() for c in maps})


# --------------------------------------------------------------------------- support matrices
def stating(practices: pd.DataFrame, polarity: str = "states") -> pd.DataFrame:
    """The rows of one polarity: ``states`` (the sentence says the practice happens) or
    ``denies`` ("we do not sell ..."). Frames without the column count as stating."""
    if "polarity" not in practices.columns:
        return practices if polarity == "states" else practices.iloc[0:0]
    return practices[practices["polarity"] == polarity]


def support_matrix(practices: pd.DataFrame, dimension: str, code_list: Sequence[str] | None = None,
                   polarity: str = "states") -> pd.DataFrame:
    """Vendor × code matrix of support counts (distinct sentences of ``polarity``; 0 where absent).

    Rows are all manifest vendors, columns all codes of ``dimension`` (or ``code_list``).
    Denials are counted apart (``polarity="denies"``), never as support.
    """
    cols = list(code_list) if code_list is not None else codes(dimension)
    practices = stating(practices, polarity)
    rows = practices[practices["code"].isin(cols)]
    counts = rows.groupby(["vendor", "code"])["sentence_id"].nunique()
    matrix = counts.unstack("code").reindex(index=vendors(), columns=cols).fillna(0).astype("int64")
    matrix.index.name, matrix.columns.name = "vendor", "code"
    return matrix


@lru_cache(maxsize=1)
def _ambiguous_labels() -> frozenset[tuple[str, str]]:
    from .evaluate import load_labels

    labels = load_labels()
    rows = labels[labels["label"] == "ambiguous"]
    return frozenset(zip(rows["vendor"], rows["code"]))


def uncertain_cells() -> frozenset[tuple[str, str]]:
    """(vendor, code) cells the project's hand-coded labels (``data/annotations``) mark ``ambiguous``."""
    return _ambiguous_labels()


def status_matrix(practices: pd.DataFrame, dimension: str, code_list: Sequence[str] | None = None,
                  uncertain: Iterable[tuple[str, str]] | None = None) -> pd.DataFrame:
    """Vendor × code matrix of cell statuses (:data:`STATUSES`), shaped like :func:`support_matrix`.

    ``uncertain``: (vendor, code) cells drawn as uncertain whatever the extractor found;
    by default those the hand-coded labels mark ambiguous (:func:`uncertain_cells`).
    """
    said = support_matrix(practices, dimension, code_list) > 0
    denied = support_matrix(practices, dimension, code_list, polarity="denies") > 0
    values = np.select([said & denied, said, denied], [BOTH, STATES, DENIES], SILENT)
    out = pd.DataFrame(values, index=said.index, columns=said.columns, dtype="str")
    doubt = set(uncertain_cells() if uncertain is None else uncertain)
    for vendor, code in doubt:
        if vendor in out.index and code in out.columns:
            out.loc[vendor, code] = UNCERTAIN
    return out


def stated(practices: pd.DataFrame, dimension: str, code_list: Sequence[str] | None = None) -> pd.DataFrame:
    """Boolean vendor × code frame: the policy states the code (uncertain and denied-only cells are False)."""
    return status_matrix(practices, dimension, code_list).isin([STATES, BOTH])


def status_and_counts(practices: pd.DataFrame, dimension: str, code_list: Sequence[str] | None = None
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Code × vendor frames of cell statuses and sentence counts, with display labels (what a matrix figure draws).

    The count of a cell is its stating plus its denying sentences (a denied-only cell shows its denials).
    """
    status = status_matrix(practices, dimension, code_list)
    counts = support_matrix(practices, dimension, code_list) + support_matrix(practices, dimension, code_list,
                                                                               "denies")
    return labelled(status).T, labelled(counts).T


def data_type_order() -> list[str]:
    """Data-type codes grouped by family (:data:`FAMILIES` order), taxonomy order within a family."""
    return sorted(codes("data_type"), key=lambda c: FAMILIES.index(family_of(c)))


def grouped_data_types(practices: pd.DataFrame) -> pd.DataFrame:
    """Data-type support matrix with ``(family, code)`` MultiIndex columns in :data:`FAMILIES` order."""
    cols = data_type_order()
    matrix = support_matrix(practices, "data_type", cols)
    matrix.columns = pd.MultiIndex.from_tuples([(family_of(c), c) for c in cols], names=["family", "code"])
    return matrix


def family_counts(practices: pd.DataFrame) -> pd.DataFrame:
    """Vendor × family: how many data types of each family the policy states it collects."""
    said = stated(practices, "data_type", data_type_order())
    out = said.T.groupby(said.columns.map(family_of), sort=False).sum().T.astype("int64")
    out.columns.name = "family"
    return out.reindex(columns=list(FAMILIES))


def totals(practices: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """Per-vendor totals of a dimension: codes stated, uncertain and denied, and supporting sentences."""
    status = status_matrix(practices, dimension)
    return pd.DataFrame({"codes stated": status.isin([STATES, BOTH]).sum(axis=1).astype("int64"),
                         "uncertain": (status == UNCERTAIN).sum(axis=1).astype("int64"),
                         "denied": status.isin([DENIES, BOTH]).sum(axis=1).astype("int64"),
                         "of codes": len(status.columns),
                         "supporting sentences": support_matrix(practices, dimension).sum(axis=1).astype("int64")})


# --------------------------------------------------------------------------- rights
def rights_matrix(practices: pd.DataFrame) -> pd.DataFrame:
    """Vendor × right support counts in :data:`RIGHTS_ORDER`."""
    return support_matrix(practices, "right", list(RIGHTS_ORDER))


def rights_coverage(practices: pd.DataFrame) -> pd.Series:
    """Rights coverage score per vendor.

    Definition: the share of the ten GDPR rights (:data:`GDPR_RIGHTS`) that the policy grants,
    i.e. ``(number of GDPR rights stated, see :func:`stated`) / 10``; a value in [0, 1]; a right
    the hand-coded labels mark ambiguous is not counted. Account deletion, permission control and CCPA are not part of the score.
    """
    granted = stated(practices, "right", list(GDPR_RIGHTS))
    return (granted.sum(axis=1) / len(GDPR_RIGHTS)).rename("coverage")


def exercise_channels(practices: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Vendor × channel: number of ``right.*`` evidence sentences that mention the channel.

    Channels and their patterns are :data:`CHANNEL_PATTERNS`; a sentence can mention several.
    """
    rights = quotes(practices[practices["dimension"] == "right"], sentences)
    rights = rights.drop_duplicates(["vendor", "sentence_id"])
    out = pd.DataFrame({name: rights["text"].str.contains(rx).groupby(rights["vendor"]).sum()
                        for name, rx in CHANNEL_PATTERNS.items()})
    out = out.reindex(vendors()).fillna(0).astype("int64")
    out.index.name, out.columns.name = "vendor", "channel"
    return out


# --------------------------------------------------------------------------- facts
def fact_values(facts: pd.DataFrame, field: str) -> pd.DataFrame:
    """Distinct values of one fact field per vendor, with how many sentences state each."""
    rows = facts[facts["field"] == field]
    out = (rows.groupby(["vendor", "value"])["sentence_id"].nunique().rename("sentences").reset_index())
    order = {v: i for i, v in enumerate(vendors())}
    return out.sort_values(["vendor", "value"], key=lambda s: s.map(order) if s.name == "vendor" else s,
                           kind="mergesort").reset_index(drop=True)


def fact_summary(facts: pd.DataFrame, field: str, empty: str = "—") -> pd.Series:
    """One cell per vendor: the distinct values of a fact field joined by ``; `` (``empty`` if none)."""
    values = fact_values(facts, field)
    joined = values.groupby("vendor", sort=False)["value"].agg("; ".join)
    return joined.reindex(vendors()).fillna(empty).rename(field)


def organisations(facts: pd.DataFrame) -> pd.DataFrame:
    """Named organisations per vendor: columns vendor, organisation, role code, role, sentences."""
    values = fact_values(facts, "organisation")
    split = values["value"].str.split("|", n=1, expand=True).reindex(columns=[0, 1]).fillna("")
    labels = code_labels()
    out = pd.DataFrame({"vendor": values["vendor"], "organisation": split[0], "role_code": split[1],
                        "role": split[1].map(lambda c: labels.get(c, c)), "sentences": values["sentences"]})
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------- evidence
def quotes(practices: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Practices joined with their sentence (``text``, ``section``) on (vendor, sentence_id)."""
    cols = ["vendor", "sentence_id", "section", "text"]
    return practices.merge(sentences[cols], on=["vendor", "sentence_id"], how="left", validate="many_to_one")


def evidence_table(practices: pd.DataFrame, sentences: pd.DataFrame, code_list: Iterable[str] | None = None,
                   dimension: str | None = None, polarity: str = "states") -> pd.DataFrame:
    """Evidence rows (Vendor, Code, Quote, Section) with display labels, one per (vendor, code, sentence).

    Filter by ``code_list`` and/or ``dimension``; rows are ordered by vendor (manifest order),
    code (the given or taxonomy order) and position in the policy. The quote is the full sentence.
    ``polarity="denies"`` gives the sentences that deny a code instead.
    """
    rows = stating(practices, polarity)
    if dimension is not None:
        rows = rows[rows["dimension"] == dimension]
    if code_list is not None:
        wanted = list(code_list)
        rows = rows[rows["code"].isin(wanted)]
    else:
        wanted = [c for d in ("data_type", "permission", "recipient", "right", "practice") for c in codes(d)]
    joined = quotes(rows.drop_duplicates(["vendor", "code", "sentence_id"]), sentences)
    v_order = {v: i for i, v in enumerate(vendors())}
    c_order = {c: i for i, c in enumerate(wanted)}
    joined = joined.assign(_v=joined["vendor"].map(v_order).fillna(len(v_order)),
                           _c=joined["code"].map(c_order).fillna(len(c_order)))
    joined = joined.sort_values(["_v", "vendor", "_c", "code", "start"], kind="mergesort")
    v_labels, c_labels = vendor_labels(), code_labels()
    return pd.DataFrame({"Vendor": joined["vendor"].map(lambda v: v_labels.get(v, v)),
                         "Code": joined["code"].map(lambda c: c_labels.get(c, c)),
                         "Quote": joined["text"].fillna(joined["evidence"]),
                         "Section": joined["section"].fillna("")}).reset_index(drop=True)


def fact_evidence(facts: pd.DataFrame, sentences: pd.DataFrame, field: str | Sequence[str]) -> pd.DataFrame:
    """Evidence rows for fact fields: Vendor, Value, Quote, Section (one row per value and sentence)."""
    fields = [field] if isinstance(field, str) else list(field)
    rows = facts[facts["field"].isin(fields)].drop_duplicates(["vendor", "field", "value", "sentence_id"])
    joined = rows.merge(sentences[["vendor", "sentence_id", "section", "text"]], on=["vendor", "sentence_id"],
                        how="left", validate="many_to_one")
    v_order = {v: i for i, v in enumerate(vendors())}
    joined = joined.assign(_v=joined["vendor"].map(v_order).fillna(len(v_order)),
                           _f=joined["field"].map(fields.index))
    joined = joined.sort_values(["_v", "vendor", "_f", "start", "value"], kind="mergesort")
    labels = vendor_labels()
    return pd.DataFrame({"Vendor": joined["vendor"].map(lambda v: labels.get(v, v)),
                         "Value": joined["value"],
                         "Quote": joined["text"].fillna(joined["evidence"]),
                         "Section": joined["section"].fillna("")}).reset_index(drop=True)


# --------------------------------------------------------------------------- corpus
def provenance(metrics: pd.DataFrame) -> pd.DataFrame:
    """One row per manifest vendor: label, source file, short sha256, bytes, stated date, words."""
    words = metrics.set_index("vendor")["words"]
    rows = [{"vendor": r.vendor, "Vendor": r.label, "source file": r.source_file, "sha256": r.sha256[:12],
             "bytes": r.bytes, "stated date": r.stated_date or "—",
             "words": int(words.get(r.vendor, 0))} for r in read_manifest()]
    return pd.DataFrame(rows).set_index("vendor")


def text_metrics(metrics: pd.DataFrame) -> pd.DataFrame:
    """Length, reading time, readability, hedging and structure per vendor (manifest order)."""
    cols = {"words": "words", "sentences": "sentences", "reading_minutes": "reading time (min)",
            "flesch_reading_ease": "Flesch reading ease", "flesch_kincaid_grade": "Flesch–Kincaid grade",
            "hedges_per_1000_words": "hedges per 1,000 words", "headings": "headings", "list_items": "list items"}
    out = metrics.set_index("vendor").reindex(vendors())[list(cols)].rename(columns=cols)
    out.index.name = "vendor"
    return out


def defects(facts: pd.DataFrame) -> pd.DataFrame:
    """Vendor × data-quality defect: sentences flagged by ``defect.*`` fact fields."""
    fields = {"defect.list_without_items": "announced list without items",
              "defect.blank_contact": "contact address left blank"}
    rows = facts[facts["field"].isin(list(fields))]
    counts = rows.groupby(["vendor", "field"])["sentence_id"].nunique().unstack("field")
    out = counts.reindex(index=vendors(), columns=list(fields)).fillna(0).astype("int64").rename(columns=fields)
    out.index.name, out.columns.name = "vendor", "defect"
    return out


# --------------------------------------------------------------------------- overview and checks
DIMENSION_LABELS: dict[str, str] = {"data_type": "Data types collected", "permission": "Device permissions",
                                    "recipient": "Kinds of recipients", "right": "Rights and controls",
                                    "practice": "Practices stated"}


def dimension_overview(practices: pd.DataFrame) -> pd.DataFrame:
    """Vendor × dimension: number of the dimension's codes the policy states (uncertain cells not counted)."""
    out = pd.DataFrame({dim: stated(practices, dim).sum(axis=1) for dim in DIMENSION_LABELS})
    out.columns.name = "dimension"
    return out.astype("int64")


def dimension_sizes() -> pd.Series:
    """Number of taxonomy codes per dimension."""
    return pd.Series({dim: len(codes(dim)) for dim in DIMENSION_LABELS}, name="codes")


def check_processed(data: dict[str, pd.DataFrame]) -> None:
    """Assert the invariants the notebooks rely on; raise AssertionError naming the first broken one."""
    names = set(vendors())
    for name in ("sentences", "practices", "facts", "metrics"):
        assert name in data, f"table {name} missing"
        assert set(data[name]["vendor"]) <= names, f"{name}: vendor not in the manifest"
    assert set(data["metrics"]["vendor"]) == names, "metrics must have one row per manifest vendor"
    assert set(data["sentences"]["vendor"]) == names, "every manifest vendor needs sentences"
    known = set(load_codebook().dimensions)
    assert set(data["practices"]["code"]) <= known, "practices: code not in the taxonomy"
    keys = data["sentences"].set_index(["vendor", "sentence_id"]).index
    assert keys.is_unique, "sentences: (vendor, sentence_id) not unique"
    for name in ("practices", "facts"):
        idx = pd.MultiIndex.from_frame(data[name][["vendor", "sentence_id"]])
        assert idx.isin(keys).all(), f"{name}: a row points to a sentence that does not exist"


def gdpr_articles() -> dict[str, str]:
    """GDPR article of each right code per the taxonomy ('' for rights without one)."""
    from .codebook import load_taxonomy

    rights = load_taxonomy()["right"]
    return {code: str(spec.get("gdpr") or "") for code, spec in rights.items()}


def rights_table(practices: pd.DataFrame) -> pd.DataFrame:
    """Right × vendor support counts (rights in :data:`RIGHTS_ORDER`) with a GDPR article column, labelled."""
    matrix = labelled(rights_matrix(practices)).T
    articles = gdpr_articles()
    matrix.insert(0, "GDPR article", [articles.get(c, "") or "—" for c in RIGHTS_ORDER])
    matrix.index.name = "Right"
    return matrix
