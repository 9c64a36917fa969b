"""The per-vendor privacy labels: content from the tables, escaping of policy text, byte-identical re-runs."""
from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest

import analysis
from analysis import tables, vendorpage
from analysis.notebooks import index_html

SECTIONS = ("Data collected", "Shared with", "What the policy denies", "Your rights", "Retention", "Children",
            "Transfers and storage")
PAYLOADS = ('<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '<a href="javascript:alert(1)">x</a>')


@pytest.fixture(scope="module")
def data() -> dict[str, pd.DataFrame]:
    return analysis.load_processed()


@pytest.fixture(scope="module")
def pages(data, tmp_path_factory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("vendors")
    written = vendorpage.write_vendor_pages(out, data)
    return {name.removesuffix(".html"): (out / name).read_text(encoding="utf-8") for name, _ in written}


def _quotes(page: str) -> list[str]:
    return [html.unescape(q) for q in re.findall(r"<blockquote>“(.*?)”</blockquote>", page)]


def test_one_page_per_vendor_with_every_section(pages):
    assert list(pages) == tables.vendors()
    for page in pages.values():
        assert [html.unescape(h) for h in re.findall(r"<h2>(.*?)</h2>", page)] == list(SECTIONS)
        assert 'href="../06_validation.html"' in page and "How far to trust this label" in page


def test_every_quote_is_a_sentence_of_that_policy(data, pages):
    for vendor, page in pages.items():
        texts = set(data["sentences"].loc[data["sentences"]["vendor"] == vendor, "text"])
        quotes = _quotes(page)
        assert quotes and set(quotes) <= texts, vendor


def test_lines_follow_the_tables(data, pages):
    labels = tables.code_labels()
    status = tables.status_matrix(data["practices"], "data_type")
    found = tables.support_matrix(data["practices"], "data_type") > 0
    for vendor, page in pages.items():
        collected = page.split("<h2>Data collected</h2>")[1].split("<h2>")[0]
        for code in status.columns:
            shown = f'<span class="what">{html.escape(labels[code])}</span>' in collected
            # a line per stated code; an uncertain cell gets a flagged line when the rules found a sentence
            assert shown == bool(found.loc[vendor, code]), (vendor, code)
            assert status.loc[vendor, code] != "silent" or not shown, (vendor, code)
            if status.loc[vendor, code] == "uncertain" and shown:
                line = collected.split(f'<span class="what">{html.escape(labels[code])}</span>')[1][:80]
                assert 'class="badge uncertain"' in line, (vendor, code)


def test_denials_are_listed(data, pages):
    denied = tables.stating(data["practices"], "denies")
    assert len(denied), "the committed tables have denials"
    for vendor, rows in denied.groupby("vendor"):
        part = pages[vendor].split("<h2>What the policy denies</h2>")[1].split("<h2>")[0]
        assert part.count('class="badge denies"') == rows["code"].nunique(), vendor


def test_rewrite_is_byte_identical(data, pages, tmp_path):
    vendorpage.write_vendor_pages(tmp_path, data)
    for vendor, page in pages.items():
        assert (tmp_path / f"{vendor}.html").read_text(encoding="utf-8") == page
    assert not re.search(r"20\d\d-\d\d-\d\dT|/work/|/tmp/", "".join(pages.values()))


def test_malicious_policy_is_escaped(tmp_path):
    policy = tmp_path / "evil_vendor.txt"
    policy.write_text(
        "Evil Vendor Privacy Policy\n\n"
        f"We collect your email address and phone number {PAYLOADS[0]} when you register.\n\n"
        f"We may share your personal information with advertising partners {PAYLOADS[1]}.\n\n"
        f"You have the right to request deletion of your personal data {PAYLOADS[2]}.\n", encoding="utf-8")
    data = analysis.extract([str(policy)])
    page = vendorpage.vendor_page(str(data["sentences"]["vendor"].iloc[0]), data)
    lowered = page.lower()
    assert "<script" not in lowered and "<img" not in lowered and "javascript:alert(1)\">" not in lowered
    assert re.findall(r"<a [^>]*>", page) == ['<a href="../index.html">', '<a href="../06_validation.html">']
    for payload in PAYLOADS:
        assert html.escape(payload, quote=True) in page


def test_index_links_vendor_pages():
    page = index_html([("a.html", "A", "s")], vendors=[("vendors/imou.html", "Imou <b>")])
    assert '<a href="vendors/imou.html">Imou &lt;b&gt;</a>' in page


def test_committed_reports_have_the_vendor_pages():
    reports = Path(__file__).resolve().parents[1] / "reports"
    index = (reports / "index.html").read_text(encoding="utf-8")
    for vendor in tables.vendors():
        assert f'href="vendors/{vendor}.html"' in index
        assert (reports / "vendors" / f"{vendor}.html").is_file()
