"""Column schemas of the tidy outputs, and a validator that checks frames against them.

Kept as plain data (column -> dtype) so the CSV reader and the validator share one
definition; pandas' default string dtype is ``str``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import SchemaError

if TYPE_CHECKING:  # pandas is imported when a frame is made: writing CSV rows needs only the schemas
    import pandas as pd

SCHEMAS: dict[str, dict[str, str]] = {
    "sentences": {"vendor": "str", "sentence_id": "int64", "section": "str", "kind": "str",
                  "start": "int64", "end": "int64", "text": "str"},
    "practices": {"vendor": "str", "dimension": "str", "code": "str", "polarity": "str", "sentence_id": "int64",
                  "start": "int64", "end": "int64", "evidence": "str"},
    "facts": {"vendor": "str", "field": "str", "value": "str", "sentence_id": "int64",
              "start": "int64", "end": "int64", "evidence": "str"},
    "metrics": {"vendor": "str", "words": "int64", "sentences": "int64", "headings": "int64",
                "list_items": "int64", "reading_minutes": "float64",
                "flesch_reading_ease": "float64", "flesch_kincaid_grade": "float64",
                "hedges": "int64", "hedges_per_1000_words": "float64",
                "lists_without_items": "int64", "blank_contacts": "int64"},
}
SORT_KEYS: dict[str, list[str]] = {
    "sentences": ["vendor", "sentence_id"],
    "practices": ["vendor", "dimension", "code", "start"],
    "facts": ["vendor", "field", "start", "value"],
    "metrics": ["vendor"],
}
TABLES: tuple[str, ...] = tuple(SCHEMAS)
KINDS = frozenset({"heading", "list_item", "sentence"})
POLARITIES = frozenset({"states", "denies"})


def empty_frame(name: str) -> pd.DataFrame:
    """An empty frame with the table's columns and dtypes."""
    import pandas as pd

    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in SCHEMAS[name].items()})


def frame(name: str, rows: list[tuple]) -> pd.DataFrame:
    """Build a validated, sorted frame from row tuples in schema column order."""
    import pandas as pd

    cols = SCHEMAS[name]
    df = pd.DataFrame.from_records(rows, columns=list(cols)) if rows else empty_frame(name)
    df = df.astype(cols).sort_values(SORT_KEYS[name], kind="mergesort").reset_index(drop=True)
    return validate(df, name)


def validate(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Check columns, dtypes, nulls and offset sanity; raise SchemaError naming the table."""
    cols = SCHEMAS[name]
    if list(df.columns) != list(cols):
        raise SchemaError(name, f"columns {list(df.columns)} != expected {list(cols)}")
    for c, t in cols.items():
        if str(df[c].dtype) != t:
            raise SchemaError(name, f"column '{c}' has dtype {df[c].dtype}, expected {t}")
        if df[c].isna().any():
            raise SchemaError(name, f"column '{c}' has missing values")
    if "start" in cols and len(df) and not (df["start"] < df["end"]).all():
        raise SchemaError(name, "a row has start >= end")
    if name == "sentences" and not set(df["kind"]).issubset(KINDS):
        raise SchemaError(name, f"unknown kind in {sorted(set(df['kind']) - KINDS)}")
    if name == "practices" and not set(df["polarity"]).issubset(POLARITIES):
        raise SchemaError(name, f"unknown polarity in {sorted(set(df['polarity']) - POLARITIES)}")
    return df


def read_table(path: str, name: str) -> pd.DataFrame:
    """Read an output CSV back with the schema's dtypes (empty strings stay empty)."""
    import pandas as pd

    df = pd.read_csv(path, dtype=SCHEMAS[name], keep_default_na=False, encoding="utf-8")
    return validate(df, name)
