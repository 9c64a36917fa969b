"""A one-page privacy label per vendor, in the manner of the app-store data-safety labels.

Usage::

    python -m analysis.vendorpage --out reports/vendors [--processed data/processed]

For each vendor of the processed tables, ``<out>/<vendor>.html`` says what the policy says is
collected, shared with whom, what it denies, the rights it grants and how to exercise them,
retention, children, cross-border transfers and storage countries. Every line carries one
verbatim sentence of the policy (chosen by :mod:`analysis.evidence`) and its section, and the
page ends with the accuracy caveat (scores against the hand-coded labels, link to
``06_validation``). Lines the hand coder marked ambiguous are flagged *uncertain*.

Policy text is untrusted: every value goes through :func:`analysis.display.esc`. Pages have
no scripts, load nothing from the network, contain no dates or absolute paths, and are only
rewritten when their content changes, so re-running gives byte-identical files.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import evidence as E
from . import tables as T
from .codebook import load_codebook
from .corpus import read_manifest, vendor_labels
from .display import esc

#: Practice codes shown under each heading of the label (taxonomy codes; order kept).
RETENTION_CODES = ("practice.retention_stated", "practice.retention_period")
CHILDREN_CODES = ("practice.children",)
TRANSFER_CODES = ("practice.intl_transfer", "practice.storage_locations", "practice.transfer_safeguards")
#: Stated codes whose meaning is itself a denial ("we do not sell your data").
DENIAL_CODES = ("practice.no_sale",)
VALIDATION_REPORT = "../06_validation.html"
#: Dimensions whose lines quote the sentence naming the most codes of the dimension (a listing sentence).
LISTED_DIMENSIONS = frozenset({"data_type", "permission", "recipient"})

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:52em;margin:1.5em auto;
line-height:1.45;color:#1a1a1a;padding:0 1em}
.label{border:3px solid #1a1a1a;border-radius:6px;padding:0.5em 1.2em 1em}
h1{margin:0.2em 0 0;font-size:1.7em}
.sub{color:#444;margin:0.2em 0 0.8em}
h2{border-top:6px solid #1a1a1a;margin:1.1em 0 0.4em;padding-top:0.3em;font-size:1.2em}
h3{margin:0.7em 0 0.2em;font-size:1em}
ul.lines{list-style:none;margin:0;padding:0}
ul.lines li{border-top:1px solid #ccc;padding:0.35em 0}
.what{font-weight:600}
.badge{font-size:0.8em;border-radius:3px;padding:0 0.35em;margin-left:0.4em;border:1px solid}
.uncertain{color:#0b5c8c;border-color:#0b5c8c;background:#e8f3fa}
.denies{color:#7a4a00;border-color:#b36b00;background:#fdf1dc}
blockquote{margin:0.15em 0 0 1.2em;color:#333;font-style:italic}
.where{display:block;margin-left:1.2em;color:#666;font-size:0.85em}
.none{color:#666}
.caveat{background:#f5f5f5;border-left:4px solid #888;padding:0.5em 0.9em;margin-top:1.2em}
nav{margin-bottom:1em}
"""


@dataclass(frozen=True)
class Line:
    """One line of a label: what the policy says, a supporting quote, and flags (``denies``, ``uncertain``)."""

    what: str
    quote: E.Quote | None
    more: int = 0
    flags: tuple[str, ...] = ()


def _line_html(line: Line) -> str:
    badge = "".join(f'<span class="badge {esc(flag)}">{esc(flag)}</span>' for flag in line.flags)
    more = f' <span class="where">and {line.more} more sentence{"s" if line.more != 1 else ""}</span>' \
        if line.more else ""
    if line.quote is None:
        return f'<li><span class="what">{esc(line.what)}</span>{badge}</li>'
    _, section, sentence = line.quote
    where = f"Section: {section}" if section else "Before the first heading"
    return (f'<li><span class="what">{esc(line.what)}</span>{badge}<blockquote>“{esc(sentence)}”</blockquote>'
            f'<span class="where">{esc(where)}</span>{more}</li>')


def _lines_html(lines: Sequence[Line], empty: str) -> str:
    if not lines:
        return f'<p class="none">{esc(empty)}</p>'
    return '<ul class="lines">' + "".join(_line_html(line) for line in lines) + "</ul>"


class VendorData:
    """The processed rows of one vendor and the helpers that turn them into label lines."""

    def __init__(self, vendor: str, data: dict[str, pd.DataFrame]) -> None:
        self.vendor = vendor
        self.practices = data["practices"][data["practices"]["vendor"] == vendor]
        self.sentences = data["sentences"][data["sentences"]["vendor"] == vendor]
        self.facts = data["facts"][data["facts"]["vendor"] == vendor]
        self.labels = T.code_labels()
        self.uncertain = {c for v, c in T.uncertain_cells() if v == vendor}
        self.dimensions = load_codebook().dimensions

    def code_lines(self, code_list: Sequence[str], polarity: str = "states") -> list[Line]:
        """One line per code of ``code_list`` with at least one sentence of ``polarity`` (uncertain ones flagged)."""
        rows = T.stating(self.practices, polarity)
        out = []
        for code in code_list:
            mine = rows[rows["code"] == code]
            if mine.empty:
                continue
            quote = E.code_quote(self.practices, self.sentences, [code], polarity=polarity,
                                 most_codes=self.dimensions.get(code) in LISTED_DIMENSIONS)
            flags = (("denies",) if polarity == "denies" else ()) + (("uncertain",) if code in self.uncertain else ())
            out.append(Line(self.labels.get(code, code), quote, mine["sentence_id"].nunique() - 1, flags))
        return out

    def fact_lines(self, field: str, what: str) -> list[Line]:
        """One line per distinct value of a fact field: ``what`` formatted with the value."""
        values = T.fact_values(self.facts, field) if not self.facts.empty else pd.DataFrame(columns=["value"])
        out = []
        for value, n in zip(values.get("value", []), values.get("sentences", [])):
            quote = E.fact_quote(self.facts, self.sentences, field, value=value)
            out.append(Line(what.format(value=value), quote, int(n) - 1))
        return out

    def organisation_lines(self) -> list[Line]:
        """Named organisations with the role they are named in."""
        out = []
        for value in sorted(self.facts.loc[self.facts["field"] == "organisation", "value"].unique()):
            name, _, role = value.partition("|")
            quote = E.fact_quote(self.facts, self.sentences, "organisation", value=value)
            out.append(Line(f"{name} ({self.labels.get(role, role)})" if role else name, quote))
        return out

    def channel_lines(self) -> list[Line]:
        """How rights are exercised: each channel mentioned by a rights sentence, with one such sentence."""
        rights = T.quotes(T.stating(self.practices)[lambda f: f["dimension"] == "right"], self.sentences)
        out = []
        for name, pattern in T.CHANNEL_PATTERNS.items():
            hits = rights[rights["text"].str.contains(pattern)]
            if not hits.empty:
                out.append(Line(f"By {name}", E.pick(hits), hits["sentence_id"].nunique() - 1))
        return out


def _section(title: str, body: str) -> str:
    return f"<section><h2>{esc(title)}</h2>{body}</section>"


def _collected(v: VendorData) -> str:
    parts = []
    for family in T.FAMILIES:
        lines = v.code_lines([c for c in T.data_type_order() if T.family_of(c) == family])
        if lines:
            parts.append(f"<h3>{esc(T.FAMILY_LABELS[family])}</h3>{_lines_html(lines, '')}")
    permissions = v.code_lines(T.codes("permission"))
    if permissions:
        parts.append(f"<h3>Device permissions</h3>{_lines_html(permissions, '')}")
    return "".join(parts) or '<p class="none">The policy names no kind of data collected.</p>'


def _shared(v: VendorData) -> str:
    kinds = _lines_html(v.code_lines(T.codes("recipient")), "The policy names no kind of recipient.")
    orgs = v.organisation_lines()
    return kinds + (f"<h3>Organisations named</h3>{_lines_html(orgs, '')}" if orgs else "")


def _denied(v: VendorData) -> str:
    every = [c for d in ("data_type", "permission", "recipient", "right", "practice") for c in T.codes(d)]
    lines = v.code_lines(DENIAL_CODES) + v.code_lines(every, polarity="denies")
    return _lines_html(lines, "The policy denies no practice of the taxonomy.")


def _rights(v: VendorData) -> str:
    granted = _lines_html(v.code_lines(T.RIGHTS_ORDER), "The policy grants none of the rights of the taxonomy.")
    how = v.channel_lines() + v.fact_lines("response_time", "Answer promised within {value}") + \
        v.fact_lines("contact_email", "Contact: {value}")
    return granted + f"<h3>How to exercise them</h3>{_lines_html(how, 'The policy gives no channel or contact.')}"


def _practice(v: VendorData, code_list: Sequence[str], field: str, what: str, empty: str) -> str:
    return _lines_html(v.code_lines(code_list) + v.fact_lines(field, what), empty)


def _caveat(vendor: str, accuracy: pd.DataFrame | None) -> str:
    score = ""
    if accuracy is not None and vendor in accuracy.index:
        row = accuracy.loc[vendor]
        score = (f" On this policy, against a person's hand-coded labels, the rules reach precision "
                 f"{row['precision']:.2f}, recall {row['recall']:.2f} and F1 {row['f1']:.2f}; the rules were "
                 "developed on these five policies, so on a new policy expect fewer codes found.")
    return (f'<div class="caveat"><strong>How far to trust this label.</strong> It is extracted by general rules '
            f"from the policy text, not written by a person, and it says what the policy <em>says</em>, not what "
            f"the vendor does. A practice missing here may be one the rules missed; lines marked "
            f"<em>uncertain</em> are ones a hand coder found ambiguous.{esc(score)} Scores per dimension and on "
            f'blind sentences: <a href="{VALIDATION_REPORT}">06 validation (figures 1 and 2)</a>.</div>')


def _provenance(vendor: str) -> str:
    for r in read_manifest():
        if r.vendor == vendor:
            date = f", dated {r.stated_date}" if r.stated_date else ", undated"
            return f"Policy file {r.source_file} (sha256 {r.sha256[:12]}){date}."
    return "Policy not registered in the manifest."


def vendor_page(vendor: str, data: dict[str, pd.DataFrame], accuracy: pd.DataFrame | None = None) -> str:
    """The HTML privacy label of one vendor (escaped, deterministic)."""
    v = VendorData(vendor, data)
    label = vendor_labels().get(vendor, vendor)
    body = "".join([
        _section("Data collected", _collected(v)),
        _section("Shared with", _shared(v)),
        _section("What the policy denies", _denied(v)),
        _section("Your rights", _rights(v)),
        _section("Retention", _practice(v, RETENTION_CODES, "retention_period", "Kept for {value}",
                                        "The policy says nothing about how long data is kept.")),
        _section("Children", _practice(v, CHILDREN_CODES, "child_age", "Age threshold: {value} years",
                                       "The policy says nothing about children.")),
        _section("Transfers and storage", _practice(v, TRANSFER_CODES, "storage_country",
                                                    "Stored or processed in {value}",
                                                    "The policy says nothing about transfers or storage places.")),
    ])
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{esc(label)}: privacy label</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            f'<nav><a href="../index.html">&larr; All reports</a></nav>\n<div class="label">\n'
            f"<h1>{esc(label)}</h1>\n<p class=\"sub\">Privacy label: what the privacy policy says, each line with "
            f"the sentence that says it. {esc(_provenance(vendor))}</p>\n{body}\n"
            f"{_caveat(vendor, accuracy)}\n</div>\n</body>\n</html>\n")


def _accuracy(processed: str | Path | None) -> pd.DataFrame | None:
    from .evaluate import evaluate
    from .paths import PROCESSED_DIR

    return evaluate(processed or PROCESSED_DIR)["by_vendor"].set_index("vendor")


def _write_if_changed(path: Path, text: str) -> None:
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def write_vendor_pages(out: Path, data: dict[str, pd.DataFrame] | None = None,
                       accuracy: pd.DataFrame | None = None) -> list[tuple[str, str]]:
    """Write ``out/<vendor>.html`` for every vendor (manifest order); return (file name, vendor label) pairs."""
    import analysis

    data = data if data is not None else analysis.load_processed()
    accuracy = accuracy if accuracy is not None else _accuracy(None)
    out.mkdir(parents=True, exist_ok=True)
    present = set(data["sentences"]["vendor"])
    order = [v for v in T.vendors() if v in present] + sorted(present - set(T.vendors()))
    labels = vendor_labels()
    written = []
    for vendor in order:
        _write_if_changed(out / f"{vendor}.html", vendor_page(vendor, data, accuracy))
        written.append((f"{vendor}.html", labels.get(vendor, vendor)))
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m analysis.vendorpage``."""
    import analysis

    parser = argparse.ArgumentParser(prog="python -m analysis.vendorpage", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--processed", default=None, help="directory of the processed tables")
    args = parser.parse_args(argv)
    data = analysis.load_processed(args.processed)
    for name, _ in write_vendor_pages(args.out, data, _accuracy(args.processed)):
        print(f"wrote {args.out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
