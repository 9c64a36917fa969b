"""HTML extraction: valid but unusual pages, page chrome, offsets, and linear time on hostile markup."""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import policy_text

import analysis
from analysis.errors import InputError
from analysis.htmltext import html_to_text
from analysis.loader import read_policy

BODY = policy_text("We collect your e-mail address when you register an account.").strip()


def _loaded(write_policy: Callable[..., Path], page: str) -> str:
    doc = read_policy(write_policy("page.html", page))
    assert doc.fmt == "html"
    return doc.text


def test_page_without_head_end_tag(write_policy: Callable[..., Path]) -> None:
    """Valid HTML5: <head> and <body> end tags may be left out."""
    text = _loaded(write_policy, f"<!DOCTYPE html><head><title>P</title><body><p>{BODY}")
    assert text.strip() == BODY


def test_text_inside_a_form_is_kept(write_policy: Callable[..., Path]) -> None:
    """ASP.NET pages wrap the whole page in one <form>; its controls are dropped, its text kept."""
    page = (f"<html><body><form action='/x'><p>{BODY}</p><label>Search</label><input name=q>"
            "<button>GOBUTTON</button><select><option>OPTIONTOKEN</option></select></form></body></html>")
    text = _loaded(write_policy, page)
    assert text.strip() == BODY


def test_text_after_an_unclosed_iframe_is_kept(write_policy: Callable[..., Path]) -> None:
    text = _loaded(write_policy, f"<html><body><iframe src='chat.html'><p>{BODY}</p><p>More.</p></body></html>")
    assert text.splitlines()[0] == BODY and "<p>" not in text


def test_xhtml_page_with_xml_declaration(write_policy: Callable[..., Path]) -> None:
    page = f'<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body><p>{BODY}</p></body></html>'
    assert _loaded(write_policy, page).strip() == BODY


def test_cookie_banner_and_navigation_are_dropped(write_policy: Callable[..., Path]) -> None:
    page = ("<html><head><title>TITLETOKEN</title></head><body>"
            "<div id='cookie-banner'>We use cookies to improve your experience. BANNERTOKEN Accept all</div>"
            "<div class='consent-popup'>CONSENTTOKEN</div><div role='dialog' aria-label='x'>DIALOGTOKEN</div>"
            "<header><a href='/'>HEADERTOKEN</a></header><nav><ul><li><a>NAVTOKEN</a></li></ul></nav>"
            "<main><header><h1>Privacy Policy</h1><p>Last updated 1 March 2021</p></header>"
            f"<section id='cookies'><h2>Cookies</h2><p>{BODY}</p></section></main>"
            "<aside>ASIDETOKEN</aside><footer>FOOTERTOKEN © 2021</footer></body></html>")
    text = _loaded(write_policy, page)
    assert text.splitlines()[::2] == ["Privacy Policy", "Last updated 1 March 2021", "Cookies", BODY]
    for token in ("TITLETOKEN", "BANNERTOKEN", "CONSENTTOKEN", "DIALOGTOKEN", "HEADERTOKEN", "NAVTOKEN",
                  "ASIDETOKEN", "FOOTERTOKEN"):
        assert token not in text


def test_html_offsets_index_the_extracted_text(tmp_path: Path) -> None:
    page = tmp_path / "acme.html"
    page.write_text("<html><body><nav>Home</nav><div class='cookie-notice'>We use cookies.</div><main>"
                    "<h2>1. What we collect</h2><p>We collect your e-mail address &amp; phone number when you "
                    "register.</p><ul><li>We share data with our payment processors.</li></ul>"
                    f"<p>{BODY}</p></main></body></html>", encoding="utf-8")
    doc = read_policy(page)
    tables = analysis.extract([page])
    assert len(tables["practices"]) >= 3
    for row in tables["practices"].itertuples():
        assert doc.text[row.start:row.end] == row.evidence
    for row in tables["sentences"].itertuples():
        assert doc.text[row.start:row.end] == row.text


def test_nesting_beyond_the_parser_limit_is_one_line_error(write_policy: Callable[..., Path]) -> None:
    assert _loaded(write_policy, "<div>" * 2000 + BODY).strip() == BODY  # deep, but within the parser's limit
    path = write_policy("deep.html", "<div>" * 2100 + BODY)
    with pytest.raises(InputError, match="nested deeper than") as info:
        read_policy(path)
    assert str(info.value).startswith(f"{path}: ") and "\n" not in str(info.value)


def _seconds(page: str) -> float:
    start = time.perf_counter()
    try:
        html_to_text(page)
    except ValueError:
        pass  # too deep: refused, which is fine here; the time is what is measured
    return time.perf_counter() - start


@pytest.mark.parametrize("make", [lambda n: "<a" * n, lambda n: "<b>" * (n // 4) + "</i>" * (n // 4),
                                  lambda n: "<iframe " * (n // 8), lambda n: "<p>x</b>" * (n // 8)],
                         ids=["open-a", "b-then-stray-i", "iframe-without-end", "stray-end-tags"])
def test_time_is_linear_in_page_size(make: Callable[[int], str]) -> None:
    """Quadrupling hostile markup must not multiply the time by 16 (a quadratic parser would)."""
    small, large = 40_000, 160_000
    t_small = min(_seconds(make(small)) for _ in range(3))
    t_large = min(_seconds(make(large)) for _ in range(3))
    assert t_large < 0.5, f"{t_large:.2f}s for {large:,} characters"
    assert t_large < max(8 * t_small, 0.02), (t_small, t_large)
