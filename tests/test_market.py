"""The market corpus: raw pages against their manifest, screening with reasons, deterministic Parquet,
one-call loading, and offsets into the extracted text."""
from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, run_cli

import analysis
from analysis import market as M
from analysis.errors import ManifestError
from analysis.schema import columns

RAW = ROOT / "data" / "raw" / "market"
#: A few real pages covering every outcome: policies, a German page, a shop page, a page without
#: text, a too-short page and a page identical to an earlier one.
SUBSET = ("020_www-alarm-com.html", "168_cloud-smarthome-ekz-ch.html", "235_www-logitech-com.html",
          "348_www-logitech-com.html", "450_ozom-com.html", "492_christophwagner-de.html",
          "537_webapi2-sleepace-com.html", "603_www-veluxusa-com.html")
ENGLISH_POLICY = ("We collect personal information such as your name and e-mail address when you create an account. "
                  "We may share personal data with service providers that process it on our behalf, and we retain it "
                  "only as long as necessary. You may withdraw your consent and ask us to delete your data. ") * 4
GERMAN_POLICY = ("Wir erheben personenbezogene Daten wie Ihren Namen und Ihre E-Mail-Adresse, wenn Sie ein Konto "
                 "anlegen. Wir geben diese Daten an Dienstleister weiter, die sie in unserem Auftrag verarbeiten, und "
                 "speichern sie nur so lange wie nötig. Sie können Ihre Einwilligung jederzeit widerrufen. ") * 4
SHOP_PAGE = ("Shop now and add to cart our smart plug with energy monitoring and voice control for every room of your "
             "home, with free delivery on all orders over fifty dollars and a two year warranty. Learn more. ") * 5
LOGIN_PAGE = ("Sign in to your account. E-mail address. Password. Forgot your password? Create an account to manage "
              "your devices, your subscriptions and your orders from one place, wherever you are. ") * 6


def _subset(tmp_path: Path, files: tuple[str, ...] = SUBSET) -> Path:
    """A raw folder holding a few of the market pages and their manifest rows."""
    raw = tmp_path / "raw"
    (raw / "html").mkdir(parents=True)
    with (RAW / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.reader(fh)]
    keep = [rows[0]] + [r for r in rows[1:] if r[0] in files]
    assert len(keep) == len(files) + 1
    for name in files:
        shutil.copyfile(RAW / "html" / name, raw / "html" / name)
    with (raw / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(keep)
    return raw


# --------------------------------------------------------------------------- raw data and manifest
def test_manifest_lists_every_page_with_its_sha256_and_citation() -> None:
    pages = M.read_market_manifest(RAW)
    on_disk = sorted(p.name for p in (RAW / "html").iterdir())
    assert [p.file for p in pages] == on_disk and len(pages) == 233
    for page in pages:
        raw = (RAW / "html" / page.file).read_bytes()
        assert (len(raw), hashlib.sha256(raw).hexdigest()) == (page.bytes, page.sha256), page.file
        assert page.host and page.url.startswith("http"), page.file
    with (RAW / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        citations = {r["citation"] for r in csv.DictReader(fh)}
    assert citations == {M.CITATION}
    assert "Manandhar" in M.CITATION and "USENIX Security 2022" in M.CITATION
    assert "Secure-Platforms-Lab-W-M/smart-home-privacy-policies" in M.CITATION


def test_a_changed_page_is_refused(tmp_path: Path) -> None:
    raw = _subset(tmp_path, ("020_www-alarm-com.html", "603_www-veluxusa-com.html"))
    page = raw / "html" / "603_www-veluxusa-com.html"
    page.write_bytes(page.read_bytes().replace(b"Privacy", b"Privacz", 1))
    for jobs in (1, 2):
        with pytest.raises(ManifestError, match="sha256 or size does not match") as info:
            M.build_market(raw, tmp_path / "out", jobs=jobs)
        assert str(info.value).startswith(str(page)) and "\n" not in str(info.value)
        assert not (tmp_path / "out").exists()
    proc = run_cli("market", "--raw", str(raw), "--out", str(tmp_path / "out"), "-j", "2", timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.strip() == f"error: {info.value}"


def test_a_page_the_analysis_fails_on_is_excluded_as_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis import batch, pipeline

    real = pipeline.analyse_many

    def failing(docs, book=None):  # noqa: ANN001, ANN202
        if any("velux" in d.vendor for d in docs):
            raise RuntimeError("boom")
        return real(docs, book)

    monkeypatch.setattr(pipeline, "analyse_many", failing)
    monkeypatch.setattr(batch, "analyse_many", failing)  # the market analyses pages as the batch engine does
    raw = _subset(tmp_path, ("020_www-alarm-com.html", "603_www-veluxusa-com.html"))
    pages = M.build_market(raw, tmp_path / "out")["pages"].set_index("vendor")
    assert pages.loc["603_www-veluxusa-com", "reason"] == "error"
    assert "RuntimeError: boom" in pages.loc["603_www-veluxusa-com", "detail"]
    assert pages.loc["020_www-alarm-com", "status"] == "used"


def test_errors_cross_process_boundaries_intact() -> None:
    import pickle

    err = ManifestError("data/raw/market/html/x.html", "sha256 or size does not match")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is ManifestError and str(back) == str(err) and back.problem == err.problem


# --------------------------------------------------------------------------- screening
@pytest.mark.parametrize(("text", "reason", "detail"), [
    (ENGLISH_POLICY, "", ""),
    (GERMAN_POLICY, "not_english", "de"),
    (SHOP_PAGE, "not_a_policy", "looks like a shop or product page"),
    (LOGIN_PAGE, "not_a_policy", "looks like a login page"),
    ("We collect your name. " * 10, "too_short", "40 words"),
])
def test_screening_gives_one_reason(text: str, reason: str, detail: str) -> None:
    got_reason, got_detail, language, _ = M.screen(text)
    assert got_reason == reason
    assert detail in got_detail
    if reason == "not_english":
        assert language == "de"


def test_subset_build_reports_every_page_and_offsets_hold(tmp_path: Path) -> None:
    raw = _subset(tmp_path)
    frames = M.build_market(raw, tmp_path / "out")
    pages = frames["pages"].set_index("file")
    assert list(pages.index) == sorted(SUBSET)
    expected = {"020_www-alarm-com.html": "", "168_cloud-smarthome-ekz-ch.html": "not_a_policy",
                "235_www-logitech-com.html": "", "348_www-logitech-com.html": "duplicate",
                "450_ozom-com.html": "too_short", "492_christophwagner-de.html": "not_english",
                "537_webapi2-sleepace-com.html": "no_text", "603_www-veluxusa-com.html": ""}
    assert pages["reason"].to_dict() == expected
    assert (pages["status"] == "used").to_dict() == {f: r == "" for f, r in expected.items()}
    assert pages.loc["348_www-logitech-com.html", "detail"] == "same extracted text as 235_www-logitech-com"
    texts = frames["texts"].set_index("vendor")["text"]
    assert set(texts.index) == {"020_www-alarm-com", "235_www-logitech-com", "603_www-veluxusa-com"}
    assert len(frames["practices"]) > 100
    for row in frames["practices"].itertuples():
        assert texts[row.vendor][row.start:row.end] == row.evidence
    for row in frames["sentences"].itertuples():
        assert texts[row.vendor][row.start:row.end] == row.text
    # the committed outputs hold the same rows for these pages (they are up to date with the code)
    committed = analysis.load_processed("market")
    for name in ("pages", "metrics", "practices"):
        mine = frames[name].reset_index(drop=True)
        theirs = committed[name][committed[name]["vendor"].isin(mine["vendor"])].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, theirs, check_exact=True)


def test_parquet_outputs_are_byte_identical_across_runs(tmp_path: Path) -> None:
    raw = _subset(tmp_path, ("020_www-alarm-com.html", "492_christophwagner-de.html", "603_www-veluxusa-com.html"))
    M.build_market(raw, tmp_path / "a")
    M.build_market(raw, tmp_path / "b", jobs=2)
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == sorted(f"{t}.parquet" for t in M.MARKET_TABLES)
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
        assert b"pandas" not in (tmp_path / "a" / name).read_bytes(), "no pandas metadata (version, index) stored"
    assert not list(tmp_path.glob(".a.*")), "no temporary folder left behind"


def test_stale_or_missing_tables_are_one_line_errors(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    with pytest.raises(analysis.InputError, match="run 'make market'"):
        M.read_market(tmp_path)
    for name in M.MARKET_TABLES:
        pq.write_table(pa.table({"vendor": ["x"]}), tmp_path / f"{name}.parquet")
    with pytest.raises(analysis.SchemaError, match="differ from the schema") as info:
        M.read_market(tmp_path)
    assert "\n" not in str(info.value)


# --------------------------------------------------------------------------- the committed outputs
def test_load_processed_market_is_one_call_with_schema_dtypes() -> None:
    market = analysis.load_processed("market")
    assert set(market) == set(M.MARKET_TABLES)
    for name, df in market.items():
        assert {c: str(t) for c, t in df.dtypes.items()} == columns(name), name
    pages = market["pages"]
    assert list(pages["file"]) == [p.file for p in M.read_market_manifest(RAW)], "every page, once, in order"
    excluded = pages[pages["status"] == "excluded"]
    assert (excluded["reason"].isin(list(M.REASONS))).all() and (excluded["detail"] != "").all()
    assert (pages.loc[pages["status"] == "used", "reason"] == "").all()
    used = set(pages.loc[pages["status"] == "used", "vendor"])
    assert set(market["metrics"]["vendor"]) == used == set(market["texts"]["vendor"])
    assert set(market["practices"]["vendor"]) <= used


def test_committed_offsets_index_the_committed_texts() -> None:
    market = analysis.load_processed("market")
    texts = market["texts"].set_index("vendor")["text"]
    rows = market["practices"]
    got = [texts[v][s:e] for v, s, e in zip(rows["vendor"], rows["start"], rows["end"])]
    assert got == list(rows["evidence"])


def test_named_pages_that_the_old_parser_refused_are_analysed() -> None:
    """alarm.com, Crestron, Denon HEOS and Velux hold 1,000-3,000 words of policy text each."""
    market = analysis.load_processed("market")
    pages = market["pages"].set_index("file")
    for name in ("020_www-alarm-com.html", "660_www-crestron-com_privacy-policy.html",
                 "661_auth-usa-denon-com_heos-privacy-policy.html", "603_www-veluxusa-com.html"):
        assert pages.loc[name, "status"] == "used", name
        assert pages.loc[name, "words"] > 1000, name
