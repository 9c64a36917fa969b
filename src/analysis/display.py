"""Safe, deterministic notebook output: HTML tables, captions, figures and evidence browsers.

Policy text is untrusted input: every value, header, index label and caption that goes into
HTML passes through :func:`html.escape` here (``quote=True``), so a policy containing
``<script>`` shows the characters and never runs them. The tables are plain ``<table>``
markup without random ids or inline scripts, so the stored notebook reads well on a code
host and re-executing it gives identical output.

:func:`browse` adds a filterable table (itables) for JupyterLab. Its output needs JavaScript
and a network connection, contains a table id, and is not reproduced in the HTML reports
(cells tagged ``interactive`` are left out of them); mark such cells
``# NBVAL_IGNORE_OUTPUT``.
"""
from __future__ import annotations

import base64
import html
import numbers
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .plotting import save_figure

TABLE_CLASS = "pl-table"
#: Evidence tables longer than this show their first :data:`OPEN_ROWS` rows and fold the rest.
FOLD_ROWS = 12
OPEN_ROWS = 5


def esc(value: object) -> str:
    """HTML-escape any value (``None`` → empty string); quotes are escaped too."""
    return html.escape("" if value is None else str(value), quote=True)


LEFT = ' style="text-align:left"'


def _td(value: object) -> str:
    """A body cell: text left-aligned (JupyterLab right-aligns by default), numbers right."""
    numeric = isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))
    return f"<td>{_cell(value)}</td>" if numeric else f"<td{LEFT}>{_cell(value)}</td>"


def _cell(value: object) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "✓" if value else ""
    if isinstance(value, numbers.Integral):
        return esc(f"{int(value):,}")
    if isinstance(value, numbers.Real):
        return esc(f"{float(value):,.2f}")
    return esc(value)


def html_table(frame: pd.DataFrame, *, caption: str | None = None, index: bool = True) -> str:
    """Render a frame as a plain, escaped HTML table (MultiIndex columns become extra header rows)."""
    cols = frame.columns
    levels = cols.nlevels
    head_rows = []
    for level in range(levels):
        labels = [c[level] if levels > 1 else c for c in cols]
        cells, k = [], 0
        while k < len(labels):  # merge runs of equal labels on upper levels
            span = 1
            while level < levels - 1 and k + span < len(labels) and labels[k + span] == labels[k]:
                span += 1
            attr = f' colspan="{span}"' if span > 1 else ""
            cells.append(f"<th{attr}{LEFT}>{esc(labels[k])}</th>")
            k += span
        names = [n or "" for n in frame.index.names]
        corner = "".join(f"<th{LEFT}>{esc(n) if level == levels - 1 else ''}</th>" for n in names) if index else ""
        head_rows.append(f"<tr>{corner}{''.join(cells)}</tr>")
    body_rows = []
    previous: tuple = ()
    for idx, row in zip(frame.index, frame.itertuples(index=False, name=None)):
        th = _row_header(idx if isinstance(idx, tuple) else (idx,), previous) if index else ""
        previous = idx if isinstance(idx, tuple) else (idx,)
        body_rows.append(f"<tr>{th}{''.join(_td(v) for v in row)}</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return (f'<table class="{TABLE_CLASS}">{cap}<thead>{"".join(head_rows)}</thead>'
            f'<tbody>{"".join(body_rows)}</tbody></table>')


def _row_header(idx: tuple, previous: tuple) -> str:
    """One ``<th>`` per index level; an outer level equal to the row above is left blank."""
    cells = []
    same = True
    for level, value in enumerate(idx):
        same = same and level < len(idx) - 1 and level < len(previous) and previous[level] == value
        cells.append(f"<th{LEFT}>{'' if same else esc(value)}</th>")
    return "".join(cells)


def evidence_html(evidence: pd.DataFrame, *, title: str = "Evidence", fold_rows: int = FOLD_ROWS,
                  open_rows: int = OPEN_ROWS) -> str:
    """Escaped HTML for an evidence table (Vendor, Code, Quote, Section).

    A table longer than ``fold_rows`` shows its first ``open_rows`` rows and folds the rest
    into a ``<details>`` element, so a reader sees sentences without clicking.
    """
    n = len(evidence)
    if n == 0:
        return f"<p><em>{esc(title)}: no supporting sentences.</em></p>"
    summary = f"{esc(title)}: {n:,} sentence{'s' if n != 1 else ''}"
    if n <= fold_rows:
        return f"<p><strong>{summary}</strong></p>{html_table(evidence, index=False)}"
    head, rest = evidence.iloc[:open_rows], evidence.iloc[open_rows:]
    return (f"<p><strong>{summary}</strong> (first {open_rows} shown)</p>{html_table(head, index=False)}"
            f"<details><summary>Show the other {len(rest):,}</summary>{html_table(rest, index=False)}</details>")


def _plain(frame: pd.DataFrame, index: bool = True) -> str:
    with pd.option_context("display.max_rows", 500, "display.max_columns", 50, "display.width", 200,
                           "display.max_colwidth", 60):
        return frame.to_string(index=index)


def show_table(frame: pd.DataFrame, *, caption: str | None = None, index: bool = True) -> None:
    """Display a frame as an escaped HTML table (with a plain-text fallback)."""
    from IPython.display import display

    bundle = {"text/html": html_table(frame, caption=caption, index=index), "text/plain": _plain(frame, index)}
    display(bundle, raw=True)


def show_evidence(evidence: pd.DataFrame, *, title: str = "Evidence") -> None:
    """Display an evidence table (escaped, folded when long)."""
    from IPython.display import display

    display({"text/html": evidence_html(evidence, title=title),
             "text/plain": f"{title}: {len(evidence)} sentences"}, raw=True)


def show_text(text: str, *, label: str | None = None) -> None:
    """Display a generated sentence as an escaped HTML paragraph (``label`` in bold before it)."""
    from IPython.display import display

    lead = f"<strong>{esc(label)}</strong> " if label else ""
    display({"text/html": f"<p>{lead}{esc(text)}</p>", "text/plain": f"{label + ' ' if label else ''}{text}"},
            raw=True)


def quote_html(vendor: str, section: str, quote: str) -> str:
    """An escaped ``<blockquote>`` of one evidence sentence with its vendor and section."""
    where = f"{esc(vendor)}, section “{esc(section)}”" if section else esc(vendor)
    return (f'<blockquote class="pl-quote" style="margin:0.2em 0 0.8em 1.5em;color:#333">'
            f"“{esc(quote)}”<br><small>— {where}</small></blockquote>")


def show_finding(text: str, *, label: str | None = None, quote: tuple[str, str, str] | None = None) -> None:
    """Display a finding (like :func:`show_text`) followed by one supporting quote ``(vendor, section, sentence)``."""
    from IPython.display import display

    lead = f"<strong>{esc(label)}</strong> " if label else ""
    markup, plain = f"<p>{lead}{esc(text)}</p>", f"{label + ' ' if label else ''}{text}"
    if quote is not None:
        vendor, section, sentence = quote
        markup += quote_html(vendor, section, sentence)
        plain += f'\n    "{sentence}" ({vendor}, {section})'
    display({"text/html": markup, "text/plain": plain}, raw=True)


def show_figure(fig: Figure, name: str, alt: str, out_dir: Path | str | None = None) -> None:
    """Save the figure (PNG + SVG), close it, and display the saved PNG with ``alt`` as its text.

    The alt sentence is the output's ``text/plain`` (compared by nbval) and its ``alt``
    metadata (used by the HTML report template).
    """
    import matplotlib.pyplot as plt
    from IPython.display import display

    paths = save_figure(fig, name, out_dir)
    plt.close(fig)
    data = base64.b64encode(paths["png"].read_bytes()).decode("ascii")
    display({"image/png": data, "text/plain": f"[Figure {name}] {alt}"},
            metadata={"image/png": {"alt": alt}}, raw=True)


def browse(frame: pd.DataFrame, table_id: str) -> None:
    """Filterable, sortable table for JupyterLab (itables, HTML in cells escaped).

    Needs JavaScript and loads DataTables from the internet; give a fixed ``table_id`` so
    the stored output is reproducible. Static output stays with :func:`show_evidence`.
    """
    from itables import show

    show(frame, table_id=table_id, connected=True, allow_html=False, showIndex=False,
         classes="display compact", lengthMenu=[10, 25, 100], pageLength=10, maxBytes=0)
