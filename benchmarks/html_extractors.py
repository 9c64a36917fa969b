"""Compare HTML text extractors on a folder of scraped policy pages (e.g. data/raw/market/html).

Usage::

    .venv/bin/pip install trafilatura lxml_html_clean resiliparse   # the candidates (not project deps)
    .venv/bin/python benchmarks/html_extractors.py data/raw/market/html [--old OLD_htmltext.py] [--dump DIR]

For each extractor and page: time, words, and two measures against the page's *full* visible text
(resiliparse without main-content detection, which keeps everything a reader sees):

- *prose kept*: share of the full text's prose lines (15 words or more; on policy pages nearly all
  of them are policy sentences) that the extractor's text contains (pooled over pages);
- *short-line words*: share of the extractor's words that sit in lines of 1-3 words (menus,
  buttons, link lists: chrome that a policy rarely has).

``--old`` loads another ``html_to_text`` (e.g. an earlier version of ``src/analysis/htmltext.py``)
as an extra candidate; ``--dump`` writes every extracted text for reading.
"""
from __future__ import annotations

import argparse
import importlib.util
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from analysis.htmltext import html_to_text

_WS = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _WS.sub(" ", text.replace("•", " ")).strip()


def candidates(old: str | None) -> dict[str, Callable[[str], str]]:
    """Extractor name -> function from HTML to text (the libraries only if installed)."""
    out: dict[str, Callable[[str], str]] = {}
    if old:
        spec = importlib.util.spec_from_file_location("old_htmltext", old)
        module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        spec.loader.exec_module(module)  # type: ignore[union-attr]
        out["hand-written (stdlib html.parser)"] = module.html_to_text
    out["policy-lens (lxml + rules)"] = html_to_text
    try:
        import trafilatura

        out["trafilatura favor_recall"] = lambda h: trafilatura.extract(
            h, favor_recall=True, include_tables=True, include_comments=False) or ""
    except ImportError:
        print("trafilatura not installed: skipped")
    try:
        from resiliparse.extract.html2text import extract_plain_text
        from resiliparse.parse.html import HTMLTree

        out["resiliparse main_content"] = lambda h: extract_plain_text(HTMLTree.parse(h), main_content=True)
        out["resiliparse full page"] = lambda h: extract_plain_text(HTMLTree.parse(h), main_content=False)
    except ImportError:
        print("resiliparse not installed: skipped")
    return out


def main() -> None:
    """Run every candidate on every page and print one summary row per candidate."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--old", help="a module file with html_to_text() to compare as well")
    parser.add_argument("--dump", type=Path, help="write each extracted text to DIR/<extractor>/<page>.txt")
    args = parser.parse_args()
    pages = sorted(args.folder.glob("*.htm*"))
    htmls = {p.name: p.read_bytes().decode("utf-8", errors="replace") for p in pages}
    found = candidates(args.old)
    try:
        from resiliparse.extract.html2text import extract_plain_text
        from resiliparse.parse.html import HTMLTree
    except ImportError:
        raise SystemExit("error: the reference text needs resiliparse: .venv/bin/pip install resiliparse") from None

    reference = {name: [_norm(line) for line in extract_plain_text(HTMLTree.parse(h)).splitlines()
                        if len(line.split()) >= 15] for name, h in htmls.items()}
    print(f"{len(pages)} pages; {sum(map(len, reference.values())):,} prose lines in the full visible text\n")
    print("| extractor | seconds (233 pages, 1 core) | median ms/page | median words | pages < 20 words "
          "| pages < 300 words | prose kept | short-line words | failures |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for label, fn in found.items():
        times, words, kept, total, short, failures = [], [], 0, 0, 0, 0
        all_words = 0
        for name, h in htmls.items():
            start = time.perf_counter()
            try:
                text = fn(h)
            except Exception:  # noqa: BLE001 - a candidate's failure is a result
                text, failures = "", failures + 1
            times.append(time.perf_counter() - start)
            words.append(len(text.split()))
            flat = _norm(text)
            kept += sum(line[:80] in flat for line in reference[name])
            total += len(reference[name])
            lines = [line.split() for line in text.splitlines()]
            short += sum(len(w) for w in lines if 0 < len(w) <= 3 and w != ["•"])
            all_words += sum(len(w) for w in lines)
            if args.dump:
                target = args.dump / re.sub(r"\W+", "_", label)
                target.mkdir(parents=True, exist_ok=True)
                (target / f"{Path(name).stem}.txt").write_text(text, encoding="utf-8")
        print(f"| {label} | {sum(times):.2f} | {statistics.median(times) * 1000:.1f} | "
              f"{statistics.median(words):,.0f} | {sum(w < 20 for w in words)} | {sum(w < 300 for w in words)} | "
              f"{kept / max(total, 1):.1%} | {short / max(all_words, 1):.1%} | {failures} |")


if __name__ == "__main__":
    main()
