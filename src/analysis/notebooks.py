"""Notebook housekeeping: pair notebooks with percent scripts, normalise them, render HTML reports.

Usage::

    python -m analysis.notebooks sync notebooks/01_corpus.ipynb ...
    python -m analysis.notebooks html --out reports notebooks/01_corpus.ipynb ...

``sync`` keeps every ``NN_name.ipynb`` paired with ``NN_name.py`` (jupytext ``py:percent``):
the more recently modified file provides the cell sources, the ``.ipynb`` keeps the outputs.
Both files are normalised (kernelspec ``python3``, jupytext formats ``ipynb,py:percent``,
cell ids derived from the cell position, no timing metadata) and only rewritten when their
content changes, so re-executing and re-syncing a notebook changes nothing.

``html`` renders the already-executed notebooks with nbconvert into ``<out>/<stem>.html``,
writes a privacy label per vendor into ``<out>/vendors/`` (:mod:`analysis.vendorpage`) and
``<out>/index.html`` linking them with each notebook's title and summary. The
template loads nothing from the network (no MathJax, require.js or mermaid), images are
embedded, and the output contains no timestamps or absolute paths. Cells tagged ``interactive``
(JupyterLab-only widgets and the text introducing them) are left out of the reports, so no
report ends in a cell that looks unexecuted.
"""
from __future__ import annotations

import argparse
import html
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import jupytext
import nbformat
from jupytext.combine import combine_inputs_with_outputs

FORMATS = "ipynb,py:percent"
TEXT_FORMAT = "py:percent"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
VOLATILE_CELL_METADATA = ("execution", "collapsed", "scrolled", "ExecuteTime", "jupyter")
INTERACTIVE_TAG = "interactive"

TEMPLATE_NAME = "policy_lens.html.j2"
#: nbconvert template: JupyterLab look, no remote scripts, alt text on images.
TEMPLATE = r"""{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block extra_css -%}
<style>
.pl-table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.9em; }
.pl-table th, .pl-table td { border: 1px solid #ccc; padding: 0.25em 0.5em; vertical-align: top; text-align: left; }
.pl-table thead th { background: #f3f3f3; }
.pl-back { margin: 1em 0; }
</style>
{%- endblock extra_css -%}
{%- block body_header -%}
{{ super() }}
<p class="pl-back"><a href="index.html">&larr; All reports</a></p>
{%- endblock body_header -%}
{% block data_png scoped %}
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}">
<img src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}" alt="{{ ((output | get_metadata('alt', 'image/png')) or 'Figure') | escape_html }}">
</div>
{% endblock data_png %}
"""


# --------------------------------------------------------------------------- normalisation
def normalise(nb: nbformat.NotebookNode, renumber: bool = False) -> nbformat.NotebookNode:
    """Normalise notebook metadata in place and return the notebook.

    Existing unique cell ids are kept; missing or duplicate ids (or all, with ``renumber``,
    used for notebooks created from their script) become ``cell-NN`` from the cell position.
    """
    meta = nb.metadata
    meta["kernelspec"] = dict(KERNELSPEC)
    meta["jupytext"] = {"formats": FORMATS}
    for key in [k for k in meta if k not in ("kernelspec", "jupytext", "language_info", "title")]:
        del meta[key]
    nb.nbformat, nb.nbformat_minor = 4, 5
    seen: set[str] = set()
    for i, cell in enumerate(nb.cells):
        if renumber or not cell.get("id") or cell["id"] in seen:
            cell["id"] = f"cell-{i:02d}"
        seen.add(cell["id"])
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            for out in cell.get("outputs", []):
                out.get("metadata", {}).pop("execution", None)
        elif "attachments" in cell and not cell["attachments"]:
            del cell["attachments"]
    return nb


def _dump(nb: nbformat.NotebookNode) -> str:
    return nbformat.writes(nb, version=4) + "\n"


def _write_if_changed(path: Path, text: str) -> bool:
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def sync_one(path: Path) -> list[Path]:
    """Sync one notebook with its percent script; return the files rewritten."""
    ipynb, script = path.with_suffix(".ipynb"), path.with_suffix(".py")
    if not ipynb.exists() and not script.exists():
        raise FileNotFoundError(f"{ipynb}: neither the notebook nor its paired script exists")
    renumber = not ipynb.exists()
    if renumber:
        nb = jupytext.read(script, fmt=TEXT_FORMAT)
    elif script.exists() and script.stat().st_mtime > ipynb.stat().st_mtime:
        nb = combine_inputs_with_outputs(jupytext.read(script, fmt=TEXT_FORMAT), nbformat.read(ipynb, as_version=4),
                                         fmt=TEXT_FORMAT)
    else:
        nb = nbformat.read(ipynb, as_version=4)
    nb = normalise(nb, renumber=renumber)
    nbformat.validate(nb)
    changed = []
    if _write_if_changed(ipynb, _dump(nb)):
        changed.append(ipynb)
    if _write_if_changed(script, jupytext.writes(nb, fmt=TEXT_FORMAT)):
        changed.append(script)
    return changed


# --------------------------------------------------------------------------- HTML reports
def title_and_summary(nb: nbformat.NotebookNode, fallback: str) -> tuple[str, str]:
    """Title (first '# ' heading) and summary (first sentence of the next paragraph) of a notebook."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        lines = cell.source.strip().splitlines()
        if not lines or not lines[0].startswith("# "):
            continue
        title = lines[0][2:].strip()
        body = " ".join(line.strip() for line in lines[1:] if line.strip() and not line.startswith("#"))
        body = re.sub(r"[*_`]", "", body)
        match = re.match(r"(.+?[.?!])(?:\s|$)", body)
        return title, (match.group(1) if match else body)
    return fallback, ""


def _exporter():  # noqa: ANN202 - nbconvert type
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {INTERACTIVE_TAG}
    config.TagRemovePreprocessor.remove_input_tags = {"hide-input"}
    config.HTMLExporter.embed_images = True
    config.HTMLExporter.exclude_anchor_links = True
    return HTMLExporter(config=config, template_name="lab", template_file=TEMPLATE_NAME,
                        extra_loaders=[DictLoader({TEMPLATE_NAME: TEMPLATE})])


def render_notebook(nb: nbformat.NotebookNode, name: str) -> str:
    """HTML of one (already executed) notebook, offline and deterministic."""
    body, _ = _exporter().from_notebook_node(nb, resources={"metadata": {"name": name, "path": ""}})
    return body


def index_html(entries: Sequence[tuple[str, str, str]], title: str = "policy-lens reports",
               vendors: Sequence[tuple[str, str]] = ()) -> str:
    """The reports index: one link per (file name, title, summary), then one per vendor page (href, label); escaped."""
    items = "\n".join(f'<li><a href="{html.escape(href, quote=True)}">{html.escape(t)}</a>'
                      f'<br><span>{html.escape(s)}</span></li>' for href, t, s in entries)
    labels = "\n".join(f'<li><a href="{html.escape(href, quote=True)}">{html.escape(label)}</a></li>'
                       for href, label in vendors)
    vendor_part = ("<h2>A privacy label per vendor</h2>\n<p>What each policy says it collects, shares, denies and "
                   "grants, on one page, each line with the sentence that says it.</p>\n"
                   f"<ul>\n{labels}\n</ul>\n") if vendors else ""
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{html.escape(title)}</title>\n'
            "<style>body{font-family:sans-serif;max-width:48em;margin:2em auto;line-height:1.5}"
            "li{margin-bottom:1em}span{color:#444}</style>\n</head>\n<body>\n"
            f"<h1>{html.escape(title)}</h1>\n<p>Privacy policies of five smart-home vendors, compared. "
            "Each report is an executed notebook; every finding links back to the sentences that support it.</p>\n"
            f"<ol>\n{items}\n</ol>\n{vendor_part}</body>\n</html>\n")


def render_reports(paths: Sequence[Path], out: Path, vendor_pages: bool = True) -> list[Path]:
    """Render notebooks to ``out/<stem>.html``, the vendor labels to ``out/vendors/`` and ``out/index.html``.

    Returns the files written (``vendor_pages=False`` skips the labels).
    """
    from .vendorpage import write_vendor_pages

    out.mkdir(parents=True, exist_ok=True)
    vendors = [(f"vendors/{name}", label) for name, label in write_vendor_pages(out / "vendors")] \
        if vendor_pages else []
    written, entries = [], []
    for path in paths:
        nb = nbformat.read(path.with_suffix(".ipynb"), as_version=4)
        target = out / f"{path.stem}.html"
        _write_if_changed(target, render_notebook(nb, path.stem))
        written.append(target)
        entries.append((target.name, *title_and_summary(nb, path.stem)))
    index = out / "index.html"
    _write_if_changed(index, index_html(entries, vendors=vendors))
    return [*written, *(out / href for href, _ in vendors), index]


# --------------------------------------------------------------------------- CLI
def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m analysis.notebooks``."""
    parser = argparse.ArgumentParser(prog="python -m analysis.notebooks", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_sync = sub.add_parser("sync", help="pair notebooks with py:percent scripts and normalise metadata")
    p_sync.add_argument("notebooks", nargs="+", type=Path)
    p_html = sub.add_parser("html", help="render executed notebooks to HTML with an index")
    p_html.add_argument("--out", type=Path, required=True)
    p_html.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    if args.command == "sync":
        for nb in args.notebooks:
            for changed in sync_one(nb):
                print(f"wrote {changed}")
    else:
        for written in render_reports(args.notebooks, args.out):
            print(f"wrote {written}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
