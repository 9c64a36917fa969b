"""Every row's offsets point at its verbatim text: ``text[start:end] == evidence``.

``text`` is what :func:`analysis.read_policy` returns for the file, so anyone can
re-locate a finding in the policy from the CSV alone.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import RAW_POLICIES

import analysis
from analysis.corpus import read_manifest, resolve_inputs

TEXT_COLUMN = {"sentences": "text", "practices": "evidence", "facts": "evidence"}
POLICY_FILES = sorted(RAW_POLICIES.glob("*.txt"))


def offset_mismatches(df: pd.DataFrame, column: str, texts: dict[str, str]) -> list[str]:
    """Rows whose ``text[start:end]`` differs from the row's text column (described)."""
    bad = []
    for row in df.itertuples(index=False):
        got = texts[row.vendor][row.start:row.end]
        if got != getattr(row, column):
            bad.append(f"{row.vendor} {row.start}:{row.end} {getattr(row, column)[:60]!r} != {got[:60]!r}")
    return bad


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    """Loaded text of each raw policy, by vendor id as the CLI assigns it."""
    return {vendor: analysis.read_policy(path).text for vendor, path in resolve_inputs(POLICY_FILES)}


@pytest.fixture(scope="module")
def extracted() -> dict[str, pd.DataFrame]:
    """The four tables extracted in-process from the five raw policies."""
    return analysis.extract(POLICY_FILES)


def test_five_raw_policies_are_registered() -> None:
    assert len(POLICY_FILES) == 5
    assert {p.stem for p in POLICY_FILES} == {r.vendor for r in read_manifest()}


@pytest.mark.parametrize("table", sorted(TEXT_COLUMN))
def test_extracted_offsets_are_verbatim(extracted: dict[str, pd.DataFrame], texts: dict[str, str],
                                        table: str) -> None:
    df = extracted[table]
    assert len(df) > 0
    assert set(df["vendor"]) <= set(texts)
    assert offset_mismatches(df, TEXT_COLUMN[table], texts) == []


def test_every_policy_has_rows_in_every_table(extracted: dict[str, pd.DataFrame], texts: dict[str, str]) -> None:
    for table in ("sentences", "practices", "metrics"):
        assert set(extracted[table]["vendor"]) == set(texts), table


def test_sentence_rows_are_ordered_and_disjoint(extracted: dict[str, pd.DataFrame]) -> None:
    for vendor, rows in extracted["sentences"].groupby("vendor"):
        assert list(rows["sentence_id"]) == list(range(len(rows))), vendor
        starts, ends = rows["start"].to_numpy(), rows["end"].to_numpy()
        assert (starts[1:] >= ends[:-1]).all(), f"{vendor}: overlapping sentence spans"


def test_evidence_is_a_whole_sentence_row(extracted: dict[str, pd.DataFrame]) -> None:
    spans = {(r.vendor, r.sentence_id): (r.start, r.end) for r in extracted["sentences"].itertuples()}
    for table in ("practices", "facts"):
        for r in extracted[table].itertuples():
            s, e = spans[(r.vendor, r.sentence_id)]
            assert s <= r.start < r.end <= e, (table, r)


@pytest.mark.parametrize("table", sorted(TEXT_COLUMN))
def test_committed_outputs_offsets_are_verbatim(texts: dict[str, str], table: str) -> None:
    """data/processed must match the raw texts; stale outputs fail here (regenerate them)."""
    df = analysis.load_processed()[table]
    assert len(df) > 0
    assert set(df["vendor"]) <= set(texts)
    assert offset_mismatches(df, TEXT_COLUMN[table], texts) == []


def test_html_offsets_are_verbatim(tmp_path: Path) -> None:
    """For HTML, offsets refer to the extracted main text that read_policy returns."""
    page = tmp_path / "webshop.html"
    page.write_text(
        "<html><head><style>p{color:red}</style></head><body><nav>Home | Shop</nav>"
        "<h2>1. What We Collect</h2><p>We collect your e-mail address &amp; your phone number when you "
        "register.</p><p>We collect the following:</p><ul><li>your name;</li><li>your postal address.</li></ul>"
        "<p>We do not sell your personal information. We share data with service providers, e.g. "
        "Hosting Ltd. in the U.S. Department of Commerce list.</p></body></html>", encoding="utf-8")
    tables = analysis.extract([page])
    text = analysis.read_policy(page).text
    assert "&amp;" not in text and "Home | Shop" not in text
    for table, column in TEXT_COLUMN.items():
        assert offset_mismatches(tables[table], column, {"webshop": text}) == []
    assert len(tables["practices"]) > 0
