"""The market corpus: 233 scraped privacy-policy pages of smart-home vendors, screened and extracted.

The pages (``data/raw/market/html``) are those collected for Manandhar et al., "Smart Home
Privacy Policies Demystified: A Study of Availability, Content, and Coverage" (USENIX
Security 2022), copied byte for byte; ``data/raw/market/manifest.csv`` gives each page's
vendor key, host, URL, device categories and sha256. :func:`build_market` checks every
page against the manifest, extracts its text (:mod:`analysis.htmltext`), screens it, runs
the same analysis as for the five seed policies on the pages that pass, and writes
typed Parquet tables to ``data/processed/market``. :func:`read_market` (or
``analysis.load_processed("market")``) reads them back.

Screening, in this order; the first that applies is a page's one exclusion reason:

1. ``no_text``: the loader refuses the page (no text outside page chrome, under 20 words,
   markup it cannot read);
2. ``too_short``: fewer than :data:`MIN_WORDS` words of text;
3. ``not_english``: English is not the language identified (py3langid) in most of
   :data:`LANGUAGE_SAMPLES` samples of :data:`LANGUAGE_SAMPLE` characters taken at the middle
   of each third of the text (a page holding its policy in several languages, one after the
   other, is reported with the languages found);
4. ``not_a_policy``: fewer than :data:`MIN_POLICY_TERMS` mentions of privacy-policy
   vocabulary (:data:`POLICY_TERMS`: personal data/information, privacy, data protection,
   third parties, consent, retention, disclosure, collection, processing), or fewer than
   :data:`MIN_TERMS_PER_1000` per 1,000 words; the detail says what the page looks like
   instead (a login page, a page-not-found page, a shop or product page);
5. ``duplicate``: the same extracted text as a page earlier in file order;

and ``error`` if the analysis itself fails on a page (a bug: the page is named, the others go on).

Every page gets one row in the ``pages`` table, used or excluded with its reason: nothing is
dropped silently. In the market tables the ``vendor`` column holds the page id (the file
stem, e.g. ``020_www-alarm-com``): several pages can come from one vendor, and 25 pages
have no vendor key in the dataset; ``label`` is a readable name derived from the host.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import multiprocessing as mp
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError, ManifestError, SchemaError
from .loader import Document, read_policy
from .outputs import publish_dir
from .paths import PROCESSED_DIR, RAW_DIR

if TYPE_CHECKING:
    import pandas as pd

    from .pipeline import PolicyResult

MARKET_RAW_DIR: Path = RAW_DIR / "market"
MARKET_OUT_DIR: Path = PROCESSED_DIR / "market"
CITATION = ("Manandhar, S., Kafle, K., Andow, B., Singh, K., and Nadkarni, A. \"Smart Home Privacy Policies "
            "Demystified: A Study of Availability, Content, and Coverage\". 31st USENIX Security Symposium "
            "(USENIX Security 2022). Data: github.com/Secure-Platforms-Lab-W-M/smart-home-privacy-policies")
MANIFEST_COLUMNS = ("file", "vendor_key", "host", "url", "device_categories", "bytes", "sha256", "citation")
ANALYSED_TABLES = ("sentences", "practices", "facts", "metrics")
MARKET_TABLES = ("pages", "texts", *ANALYSED_TABLES)

MIN_WORDS = 100
LANGUAGE_SAMPLE = 1_000
LANGUAGE_SAMPLES = 3
MIN_POLICY_TERMS = 5
MIN_TERMS_PER_1000 = 5.0
POLICY_TERMS = re.compile(
    r"\b(?:personal(?:ly identifiable)? (?:data|information)|privacy|data protection|third[- ]part(?:y|ies)|"
    r"consent|retain|retention|disclos(?:e|ure)|collect(?:s|ed|ion)?|process(?:ing)?)\b", re.IGNORECASE)
#: What a page that is not a policy looks like, tried in this order (the first that matches is reported).
PAGE_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a page-not-found page", re.compile(r"\b404\b|page (?:you requested )?(?:does not exist|not found|cannot be "
                                          r"found)", re.IGNORECASE)),
    ("a login page", re.compile(r"\bpassword\b", re.IGNORECASE)),
    ("a shop or product page", re.compile(r"\b(?:cart|shop now|buy now|add to cart|learn more)\b", re.IGNORECASE)),
)
REASONS: dict[str, str] = {"no_text": "no readable text", "too_short": f"fewer than {MIN_WORDS} words",
                           "not_english": "not in English", "not_a_policy": "not a privacy policy",
                           "duplicate": "same text as another page",
                           "error": "could not be analysed (internal error)"}


@dataclass(frozen=True)
class MarketPage:
    """One manifest row: a raw page and what the dataset says about it."""

    file: str
    vendor_key: str
    host: str
    url: str
    device_categories: str
    bytes: int
    sha256: str

    @property
    def page_id(self) -> str:
        """The page's id in the output tables: its file stem."""
        return Path(self.file).stem


# --------------------------------------------------------------------------- the raw corpus
def import_corpus(source: Path, dest: Path = MARKET_RAW_DIR) -> int:
    """Copy the scraped pages (``source/html`` and ``source/vendors.csv``) byte for byte into
    ``dest/html`` and write ``dest/manifest.csv``; return the number of pages. Run once, by hand."""
    with (source / "vendors.csv").open(encoding="utf-8", newline="") as fh:
        rows = sorted(csv.DictReader(fh), key=lambda r: r["file"])
    (dest / "html").mkdir(parents=True, exist_ok=True)
    out = []
    for r in rows:
        raw = (source / "html" / r["file"]).read_bytes()
        target = dest / "html" / r["file"]
        if not target.exists() or target.read_bytes() != raw:
            target.write_bytes(raw)
        out.append((r["file"], r["vendor"], r["host"], r["policy_url"], r["device_categories"], len(raw),
                    hashlib.sha256(raw).hexdigest(), CITATION))
    with (dest / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(MANIFEST_COLUMNS)
        writer.writerows(out)
    return len(out)


def read_market_manifest(raw_dir: Path = MARKET_RAW_DIR) -> list[MarketPage]:
    """Manifest rows in file order; a missing or malformed manifest is one ManifestError line."""
    path = raw_dir / "manifest.csv"
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            if tuple(reader.fieldnames or ()) != MANIFEST_COLUMNS:
                raise ManifestError(path, f"columns must be {','.join(MANIFEST_COLUMNS)}")
            pages = [MarketPage(r["file"], r["vendor_key"], r["host"], r["url"], r["device_categories"],
                                int(r["bytes"]), r["sha256"]) for r in reader]
    except OSError as err:
        raise ManifestError(path, f"cannot be read ({err.strerror or err})") from None
    except (ValueError, KeyError) as err:
        raise ManifestError(path, f"malformed row ({err})") from None
    return sorted(pages, key=lambda p: p.file)


def verify_page(page: MarketPage, raw_dir: Path = MARKET_RAW_DIR) -> Path:
    """The page's path, after checking its size and sha256 against the manifest."""
    path = raw_dir / "html" / page.file
    try:
        raw = path.read_bytes()
    except OSError:
        raise ManifestError(path, "is listed in the market manifest but cannot be read") from None
    if len(raw) != page.bytes or hashlib.sha256(raw).hexdigest() != page.sha256:
        raise ManifestError(path, "sha256 or size does not match data/raw/market/manifest.csv; "
                                  "raw data must not change")
    return path


# --------------------------------------------------------------------------- screening
def identify_languages(text: str) -> list[str]:
    """ISO 639-1 codes of the language of each sample of the text (py3langid: deterministic, its
    model ships inside the wheel; see :func:`screen` for the samples)."""
    import py3langid

    n = len(text)
    found = []
    for k in range(LANGUAGE_SAMPLES):
        centre = n * (2 * k + 1) // (2 * LANGUAGE_SAMPLES)
        start = max(0, centre - LANGUAGE_SAMPLE // 2)
        found.append(str(py3langid.classify(text[start:start + LANGUAGE_SAMPLE])[0]))
    return found


def main_language(found: list[str]) -> str:
    """The language of most samples, or ``mixed`` when none has a majority."""
    from collections import Counter

    lang, n = Counter(found).most_common(1)[0]
    return lang if n * 2 > len(found) else "mixed"


def screen(text: str) -> tuple[str, str, str, int]:
    """``(reason, detail, language, policy terms)`` of an extracted text; reason ``""`` when it passes."""
    words = len(text.split())
    terms = len(POLICY_TERMS.findall(text))
    if words < MIN_WORDS:
        return "too_short", f"{words} words of text", "", terms
    found = identify_languages(text)
    language = main_language(found)
    if language != "en":
        return "not_english", f"language of the {len(found)} samples: {', '.join(found)}", language, terms
    density = terms * 1000 / words
    if terms < MIN_POLICY_TERMS or density < MIN_TERMS_PER_1000:
        kind = next((k for k, rx in PAGE_KINDS if rx.search(text)), "")
        looks = f"; looks like {kind}" if kind else ""
        return ("not_a_policy", f"{terms} privacy-policy terms in {words:,} words ({density:.1f} per 1,000)"
                f"{looks}", language, terms)
    return "", "", language, terms


@dataclass(frozen=True)
class PageOutcome:
    """What happened to one page: its screening and, when used, its text and analysis rows."""

    page: MarketPage
    words: int
    language: str
    terms: int
    reason: str
    detail: str
    text: str
    result: PolicyResult | None


def process_pages(pages: list[MarketPage], raw_dir: Path = MARKET_RAW_DIR) -> list[PageOutcome]:
    """Extract, screen and analyse pages (one worker's share; :func:`build_market` has verified
    them against the manifest), in the given order."""
    screened: list[tuple[MarketPage, Document | None, str, str, str, int]] = []
    for page in pages:
        path = raw_dir / "html" / page.file
        try:
            doc = read_policy(path, page.page_id)
        except InputError as err:
            screened.append((page, None, "no_text", err.problem, "", 0))
            continue
        except Exception as err:  # noqa: BLE001 - one page the extractor cannot handle must not stop the rest
            screened.append((page, None, "no_text", f"cannot be extracted ({type(err).__name__}: {err})", "", 0))
            continue
        reason, detail, language, terms = screen(doc.text)
        screened.append((page, doc, reason, detail, language, terms))
    results = _analyse([doc for _, doc, reason, *_ in screened if not reason])
    out = []
    for page, doc, reason, detail, language, terms in screened:
        text = doc.text if doc else ""
        result = None if reason else results[page.page_id]
        if isinstance(result, str):
            reason, detail, result = "error", result, None
        out.append(PageOutcome(page, len(text.split()), language, terms, reason, detail, text, result))
    return out


def _analyse(docs: list[Document]) -> dict[str, PolicyResult | str]:
    """Analyse the documents together, as the batch engine does (:func:`analysis.batch.analyse_group`:
    under the time budget; should that fail, one by one); a failure becomes its one-line message."""
    from .batch import analyse_group
    from .codebook import load_codebook

    jobs = [(doc.vendor, doc.path) for doc in docs]
    outcomes: list = [None] * len(docs)
    analyse_group(jobs, list(enumerate(docs)), load_codebook(), outcomes)
    return {job[0]: (result if result is not None else error) for job, result, error in outcomes}


def _process_chunk(args: tuple[list[MarketPage], str]) -> list[PageOutcome]:
    return process_pages(args[0], Path(args[1]))


def run_pages(pages: list[MarketPage], raw_dir: Path = MARKET_RAW_DIR, jobs: int = 1) -> list[PageOutcome]:
    """:func:`process_pages` over all pages, in ``jobs`` worker processes when more than one."""
    if jobs <= 1:
        return process_pages(pages, raw_dir)
    from .batch import _ignore_sigint, chunks

    parts = [(part, str(raw_dir)) for part in chunks(pages, jobs, largest=8)]
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["analysis.market_worker"])  # workers inherit the codebook and language model
    else:
        ctx = mp.get_context("spawn")
    with ctx.Pool(jobs, initializer=_ignore_sigint) as pool:
        results = pool.imap(_process_chunk, parts)
        import pyarrow.parquet  # noqa: F401 - imported while the workers run: the tables are built next
        import pandas  # noqa: F401
        return [o for chunk in results for o in chunk]


def labels(pages: list[MarketPage]) -> dict[str, str]:
    """Readable label of each page: its host without ``www.``, plus the page's own name when a host
    has several pages (``crestron.com (privacy-policy)``)."""
    hosts = [p.host.removeprefix("www.") for p in pages]
    out = {}
    for page, host in zip(pages, hosts):
        if hosts.count(host) > 1:
            rest = page.page_id.split("_", 1)[-1].removeprefix(page.host.replace(".", "-")).strip("_-")
            out[page.page_id] = f"{host} ({rest or page.page_id.split('_', 1)[0]})"
        else:
            out[page.page_id] = host
    return out


# --------------------------------------------------------------------------- outputs
def to_market_frames(outcomes: list[PageOutcome]) -> dict[str, pd.DataFrame]:
    """The six market tables from the page outcomes (duplicates of an earlier page excluded here)."""
    from .pipeline import to_frames
    from .schema import frame

    names = labels([o.page for o in outcomes])
    first_with: dict[str, str] = {}
    page_rows, texts, results = [], [], []
    for o in outcomes:
        reason, detail = o.reason, o.detail
        if not reason:
            key = hashlib.sha256(o.text.encode("utf-8")).hexdigest()
            if key in first_with:
                reason, detail = "duplicate", f"same extracted text as {first_with[key]}"
            else:
                first_with[key] = o.page.page_id
        p = o.page
        page_rows.append((p.page_id, names[p.page_id], p.file, p.vendor_key, p.host, p.url, p.device_categories,
                          p.sha256, p.bytes, o.words, o.language, o.terms, "excluded" if reason else "used",
                          reason, detail))
        if not reason and o.result is not None:
            texts.append((p.page_id, o.text))
            results.append(o.result)
    return {"pages": frame("pages", page_rows), "texts": frame("texts", texts), **to_frames(results)}


def write_parquet(frames: dict[str, pd.DataFrame], out_dir: Path) -> None:
    """Write every table as ``<name>.parquet`` (zstd, no pandas metadata, no timestamps) into a fresh
    directory that then replaces ``out_dir`` as a whole, so readers never see a mixed set."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        for name, df in frames.items():
            table = pa.Table.from_pandas(df, preserve_index=False).replace_schema_metadata(None)
            pq.write_table(table, tmp / f"{name}.parquet", compression="zstd", row_group_size=1_000_000)
        publish_dir(tmp, out_dir, {f"{name}.parquet" for name in frames})
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # the previous tables, or what a failure left


def read_market(directory: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Read the market tables with their schema dtypes (validated, rows in stored order)."""
    import pyarrow.parquet as pq

    from .schema import columns, validate

    base = Path(directory) if directory is not None else MARKET_OUT_DIR
    out = {}
    for name in MARKET_TABLES:
        path = base / f"{name}.parquet"
        try:
            df = pq.read_table(path).to_pandas()
        except (OSError, ValueError) as err:
            raise InputError(path, f"cannot be read as a market table ({err}); run 'make market'") from None
        if list(df.columns) != list(columns(name)):
            raise SchemaError(path, f"columns {list(df.columns)} differ from the schema's {list(columns(name))}; "
                                    "run 'make market' to rebuild the market tables")
        out[name] = validate(df.astype(columns(name)), name)
    return out


def build_market(raw_dir: Path = MARKET_RAW_DIR, out_dir: Path = MARKET_OUT_DIR, jobs: int = 1) -> dict[str, pd.DataFrame]:
    """Verify, extract, screen and analyse every market page; write and return the tables."""
    pages = read_market_manifest(raw_dir)
    if not pages:
        raise ManifestError(raw_dir / "manifest.csv", "lists no pages")
    for page in pages:
        verify_page(page, raw_dir)  # every page first: a changed one stops the run before any work
    frames = to_market_frames(run_pages(pages, raw_dir, jobs))
    write_parquet(frames, out_dir)
    return frames


def exclusion_counts(pages: pd.DataFrame) -> pd.DataFrame:
    """Pages per status and reason (reasons in screening order), with the reason's description."""
    import pandas as pd

    used = int((pages["status"] == "used").sum())
    rows = [("used", "", "analysed", used)]
    rows += [("excluded", r, d, int((pages["reason"] == r).sum())) for r, d in REASONS.items()]
    return pd.DataFrame(rows, columns=["status", "reason", "meaning", "pages"])


def cli(args: argparse.Namespace) -> int:
    """``python -m analysis market``: build the market tables and print one summary line on stderr."""
    start = time.perf_counter()
    if args.import_from:
        n = import_corpus(Path(args.import_from), Path(args.raw))
        print(f"copied {n} pages into {args.raw}/html and wrote its manifest.csv", file=sys.stderr)
    pages = build_market(Path(args.raw), Path(args.out), args.jobs)["pages"]
    counts = pages.loc[pages["status"] == "excluded", "reason"].value_counts()
    why = ", ".join(f"{counts.get(r, 0)} {r}" for r in REASONS)
    print(f"market: {int((pages['status'] == 'used').sum())} of {len(pages)} pages analysed, excluded: {why}; "
          f"{time.perf_counter() - start:.1f} s; tables in {args.out}", file=sys.stderr)
    return 0
