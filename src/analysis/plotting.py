"""Plot helpers in the house style (``policy_lens.mplstyle``) and deterministic figure saving.

Every helper draws onto an ``ax`` it is given and returns it; the caller owns the figure.
:func:`save_figure` writes ``figures/<name>.png`` and ``figures/<name>.svg`` so that
re-running a notebook rewrites byte-identical files (no dates, fixed SVG ids).
"""
from __future__ import annotations

import textwrap
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .paths import FIGURES_DIR

STYLE_NAME = "policy_lens.mplstyle"
#: Okabe–Ito colours (colour-blind safe), in the order the style cycles them.
OKABE_ITO: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
HEATMAP_CMAP = "cividis"
SVG_HASHSALT = "policy-lens"
#: Text properties for anything that may hold a vendor label or policy text: a "$" is a
#: dollar sign, never the start of matplotlib math ("Acme $5 or $10", "$\\foo$").
PLAIN = {"parse_math": False}


def style_path() -> Path:
    """Path of the packaged matplotlib style file."""
    return Path(str(resources.files("analysis") / STYLE_NAME))


def use_style() -> None:
    """Apply the house style globally (call once per notebook)."""
    plt.style.use(str(style_path()))


def short_label(label: str, width: int = 38, keep_parenthetical: bool = False) -> str:
    """Shorten a display label for an axis and wrap it to ``width`` characters per line.

    A trailing parenthetical is dropped when the label is longer than ``width`` (unless
    ``keep_parenthetical``), and an unclosed one ("Device identifiers (IMEI") always is.
    """
    head = label
    if " (" in head and (head.count("(") > head.count(")") or (len(head) > width and not keep_parenthetical)):
        head = head.split(" (")[0]
    return textwrap.fill(head, width=width)


def column_label(label: str, width: int = 16) -> str:
    """Column header for a narrow column: a parenthetical goes on its own line, lines wrap at ``width``."""
    lines = label.replace(" (", "\n(", 1).split("\n")
    return "\n".join(textwrap.fill(line, width=width) for line in lines)


def _text_colour(rgba: Sequence[float]) -> str:
    r, g, b = rgba[:3]
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "white"


#: Fill, hatch and text colour of each cell status of a status matrix (keys: ``tables.STATUSES``).
#: Okabe–Ito colours, told apart by lightness as well as hue; uncertain cells are hatched too.
STATUS_STYLE: dict[str, dict[str, str]] = {
    "states": {"fill": "#0072B2", "hatch": "", "text": "white"},
    "states and denies": {"fill": "#CC79A7", "hatch": "", "text": "black"},
    "denies": {"fill": "#E69F00", "hatch": "", "text": "black"},
    "uncertain": {"fill": "#CFE8F7", "hatch": "////", "text": "black"},
    "silent": {"fill": "#F2F2F2", "hatch": "", "text": "0.55"},
}
STATUS_LEGEND: dict[str, str] = {
    "states": "states", "states and denies": "states and denies", "denies": "denies (\"we do not ...\")",
    "uncertain": "uncertain (hand coder: ambiguous)", "silent": "silent",
}


def _matrix_axes(ax: Axes, matrix: pd.DataFrame, label_width: int) -> None:
    """Tick labels on top and left, no spines, white grid lines between cells."""
    n_rows, n_cols = matrix.shape
    ax.set_xticks(range(n_cols), [column_label(str(c)) for c in matrix.columns], **PLAIN)
    ax.set_yticks(range(n_rows), [short_label(str(i), label_width) for i in matrix.index], **PLAIN)
    ax.tick_params(axis="x", top=True, labeltop=True, bottom=False, labelbottom=False, length=0)
    ax.tick_params(axis="y", length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xticks(np.arange(-0.5, n_cols), minor=True)
    ax.set_yticks(np.arange(-0.5, n_rows), minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)


def _row_groups(ax: Axes, groups: Sequence[tuple[str, int]] | None, n_rows: int) -> None:
    """Separators between runs of rows, each run's name to the right of the matrix."""
    start = 0
    for name, n in groups or ():
        if start:
            ax.axhline(start - 0.5, color="black", linewidth=1.2, zorder=4)
        ax.annotate(name, xy=(1.01, 1 - (start + n / 2) / n_rows), xycoords="axes fraction",
                    ha="left", va="center", fontsize=10, fontweight="bold", **PLAIN)
        start += n


def heatmap(ax: Axes, matrix: pd.DataFrame, *, title: str = "", cbar_label: str = "supporting sentences",
            groups: Sequence[tuple[str, int]] | None = None, label_width: int = 38,
            annotations: pd.DataFrame | None = None, vmax: float | None = None, percent: bool = False) -> Axes:
    """Annotated heatmap of a numeric matrix (rows × columns as given), zeros in light grey text.

    ``annotations``: optional strings written in the cells instead of the values (same shape);
    ``vmax``: top of the colour scale (default: the largest value); ``percent``: colour-bar
    ticks as percentages (values are shares in [0, 1]).
    ``groups``: optional ``(name, n_rows)`` runs of consecutive rows; separators are drawn
    between runs and each run's name is written to the right of the heatmap.
    """
    values = matrix.to_numpy(dtype=float)
    top = vmax if vmax is not None else max(1.0, float(np.nanmax(values)) if values.size else 1.0)
    cmap = mpl.colormaps[HEATMAP_CMAP]
    norm = mpl.colors.Normalize(vmin=0, vmax=top)
    image = ax.imshow(values, cmap=cmap, norm=norm, aspect="auto", interpolation="nearest")
    _matrix_axes(ax, matrix, label_width)
    texts = annotations.to_numpy(dtype=str) if annotations is not None else None
    for (i, j), v in np.ndenumerate(values):
        colour = _text_colour(cmap(norm(v))) if v > 0 else "0.55"
        ax.text(j, i, texts[i, j] if texts is not None else f"{v:.0f}", ha="center", va="center", fontsize=9,
                color=colour)
    _row_groups(ax, groups, values.shape[0])
    cbar = ax.figure.colorbar(image, ax=ax, fraction=0.03, pad=0.16 if groups else 0.03)
    if percent:
        cbar.formatter = mpl.ticker.PercentFormatter(xmax=1.0, decimals=0)
    else:
        cbar.locator = mpl.ticker.MaxNLocator(integer=True)
    cbar.update_ticks()
    cbar.set_label(cbar_label, **PLAIN)
    cbar.outline.set_visible(False)
    if title:
        ax.set_title(title, pad=12, **PLAIN)
    return ax


def status_matrix(ax: Axes, status: pd.DataFrame, counts: pd.DataFrame, *, title: str = "",
                  groups: Sequence[tuple[str, int]] | None = None, label_width: int = 38,
                  legend_rows: int = 2, legend: dict[str, str] | None = None,
                  legend_title: str = "Colour: what the policy says.  Number: sentences saying it.") -> Axes:
    """Matrix whose colour says *whether* a policy states something and whose number says in how many sentences.

    ``status``: cell statuses (keys of :data:`STATUS_STYLE`); ``counts``: sentences stating or
    denying the code (same shape and labels). Silent cells stay blank; uncertain cells are hatched and their
    count gets a "?". A legend below the matrix explains the colours and the number
    (``legend``: status -> label, to show a subset or other words; default :data:`STATUS_LEGEND`).
    """
    if status.shape != counts.shape:
        raise ValueError(f"status {status.shape} and counts {counts.shape} differ in shape")
    n_rows, n_cols = status.shape
    for (i, j), st in np.ndenumerate(status.to_numpy(dtype=str)):
        style = STATUS_STYLE[st]
        ax.add_patch(mpl.patches.Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor=style["fill"], hatch=style["hatch"],
                                           edgecolor="white", linewidth=0))
        n = int(counts.iat[i, j])
        text = "" if st == "silent" and n == 0 else f"{n}?" if st == "uncertain" else f"{n}"
        ax.text(j, i, text, ha="center", va="center", fontsize=9, color=style["text"],
                fontweight="bold" if st == "states" else "normal")
    ax.set_xlim(-0.5, n_cols - 0.5)
    ax.set_ylim(n_rows - 0.5, -0.5)
    _matrix_axes(ax, status, label_width)
    ax.grid(which="minor", color="white", linewidth=2)
    ax.set_axisbelow(False)
    _row_groups(ax, groups, n_rows)
    handles = [mpl.patches.Patch(facecolor=STATUS_STYLE[k]["fill"], hatch=STATUS_STYLE[k]["hatch"],
                                 edgecolor="0.6", label=label) for k, label in (legend or STATUS_LEGEND).items()]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.01), frameon=False,
              ncol=-(-len(handles) // legend_rows), fontsize=9, handlelength=1.6,
              title=legend_title, title_fontsize=9)
    if title:
        ax.set_title(title, pad=12, **PLAIN)
    return ax


def barh(ax: Axes, values: pd.Series, *, title: str = "", xlabel: str = "", fmt: str = "{:.0f}",
         xlim: tuple[float, float] | None = None, colour: str = OKABE_ITO[0],
         reference: tuple[float, str] | None = None) -> Axes:
    """Horizontal bar chart of a labelled series (first item on top), values written at bar ends.

    ``reference``: ``(x, label)`` draws a labelled dashed line at ``x``; the values are then
    written in a column right of the plot, so the line never runs through them.
    """
    labels = [short_label(str(i), 30) for i in values.index]
    y = np.arange(len(values))
    ax.barh(y, values.to_numpy(dtype=float), color=colour, height=0.6)
    ax.set_yticks(y, labels, **PLAIN)
    ax.invert_yaxis()
    top = float(values.max()) if len(values) else 1.0
    ax.set_xlim(*(xlim or (0, max(top, 1.0) * 1.15)))
    offset = (ax.get_xlim()[1] - ax.get_xlim()[0]) * 0.01
    for yi, v in zip(y, values.to_numpy(dtype=float)):
        if reference is None:
            ax.text(v + offset, yi, fmt.format(v), va="center", fontsize=10)
        else:
            ax.text(1.01, yi, fmt.format(v), va="center", fontsize=10, transform=ax.get_yaxis_transform())
    if reference is not None:
        x, text = reference
        ax.axvline(x, color="0.3", linestyle="--", linewidth=1)
        ax.text(x, 1.0, f" {text}", transform=ax.get_xaxis_transform(), ha="left", va="bottom", fontsize=9,
                color="0.3", **PLAIN)
    ax.set_xlabel(xlabel, **PLAIN)
    ax.tick_params(axis="y", length=0)
    if title:
        ax.set_title(title, pad=22 if reference is not None else 10, **PLAIN)
    return ax


def grouped_barh(ax: Axes, frame: pd.DataFrame, *, title: str = "", xlabel: str = "") -> Axes:
    """Grouped horizontal bars: one group per row of ``frame``, one bar per column (legend below)."""
    n_rows, n_cols = frame.shape
    height = 0.8 / max(n_cols, 1)
    y = np.arange(n_rows)
    for k, col in enumerate(frame.columns):
        ax.barh(y + (k - (n_cols - 1) / 2) * height, frame[col].to_numpy(dtype=float), height=height,
                color=OKABE_ITO[k % len(OKABE_ITO)], label=str(col))
    ax.set_yticks(y, [short_label(str(i), 30) for i in frame.index], **PLAIN)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel, **PLAIN)
    ax.tick_params(axis="y", length=0)
    legend = ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=min(n_cols, 4))
    for text in legend.get_texts():
        text.set_parse_math(False)
    if title:
        ax.set_title(title, pad=10, **PLAIN)
    return ax


def save_figure(fig: Figure, name: str, out_dir: Path | str | None = None) -> dict[str, Path]:
    """Write ``<name>.png`` and ``<name>.svg`` deterministically; return their paths.

    PNGs carry no 'Software' chunk and SVGs no date, and SVG ids use a fixed hash salt,
    so saving the same figure twice gives byte-identical files.
    """
    out = Path(out_dir) if out_dir is not None else FIGURES_DIR
    out.mkdir(parents=True, exist_ok=True)
    paths = {"png": out / f"{name}.png", "svg": out / f"{name}.svg"}
    with mpl.rc_context({"svg.hashsalt": SVG_HASHSALT}):
        fig.savefig(paths["png"], format="png", metadata={"Software": None})
        fig.savefig(paths["svg"], format="svg", metadata={"Date": None, "Creator": None})
    return paths
