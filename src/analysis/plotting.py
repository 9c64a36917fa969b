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


def heatmap(ax: Axes, matrix: pd.DataFrame, *, title: str = "", cbar_label: str = "supporting sentences",
            groups: Sequence[tuple[str, int]] | None = None, label_width: int = 38) -> Axes:
    """Annotated heatmap of a count matrix (rows × columns as given), zeros in light grey text.

    ``groups``: optional ``(name, n_rows)`` runs of consecutive rows; separators are drawn
    between runs and each run's name is written to the right of the heatmap.
    """
    values = matrix.to_numpy(dtype=float)
    vmax = max(1.0, float(np.nanmax(values)) if values.size else 1.0)
    cmap = mpl.colormaps[HEATMAP_CMAP]
    norm = mpl.colors.Normalize(vmin=0, vmax=vmax)
    image = ax.imshow(values, cmap=cmap, norm=norm, aspect="auto", interpolation="nearest")
    ax.set_xticks(range(values.shape[1]), [column_label(str(c)) for c in matrix.columns], **PLAIN)
    ax.set_yticks(range(values.shape[0]), [short_label(str(i), label_width) for i in matrix.index], **PLAIN)
    ax.tick_params(axis="x", top=True, labeltop=True, bottom=False, labelbottom=False, length=0)
    ax.tick_params(axis="y", length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    for (i, j), v in np.ndenumerate(values):
        colour = _text_colour(cmap(norm(v))) if v > 0 else "0.55"
        ax.text(j, i, f"{v:.0f}", ha="center", va="center", fontsize=9, color=colour)
    ax.set_xticks(np.arange(-0.5, values.shape[1]), minor=True)
    ax.set_yticks(np.arange(-0.5, values.shape[0]), minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    if groups:
        start = 0
        for name, n in groups:
            if start:
                ax.axhline(start - 0.5, color="black", linewidth=1.2)
            ax.annotate(name, xy=(1.01, 1 - (start + n / 2) / values.shape[0]), xycoords="axes fraction",
                        ha="left", va="center", fontsize=10, fontweight="bold", **PLAIN)
            start += n
    cbar = ax.figure.colorbar(image, ax=ax, fraction=0.03, pad=0.16 if groups else 0.03)
    cbar.locator = mpl.ticker.MaxNLocator(integer=True)
    cbar.update_ticks()
    cbar.set_label(cbar_label, **PLAIN)
    cbar.outline.set_visible(False)
    if title:
        ax.set_title(title, pad=12, **PLAIN)
    return ax


def barh(ax: Axes, values: pd.Series, *, title: str = "", xlabel: str = "", fmt: str = "{:.0f}",
         xlim: tuple[float, float] | None = None, colour: str = OKABE_ITO[0]) -> Axes:
    """Horizontal bar chart of a labelled series (first item on top), values written at bar ends."""
    labels = [short_label(str(i), 30) for i in values.index]
    y = np.arange(len(values))
    ax.barh(y, values.to_numpy(dtype=float), color=colour, height=0.6)
    ax.set_yticks(y, labels, **PLAIN)
    ax.invert_yaxis()
    top = float(values.max()) if len(values) else 1.0
    ax.set_xlim(*(xlim or (0, max(top, 1.0) * 1.15)))
    offset = (ax.get_xlim()[1] - ax.get_xlim()[0]) * 0.01
    for yi, v in zip(y, values.to_numpy(dtype=float)):
        ax.text(v + offset, yi, fmt.format(v), va="center", fontsize=10)
    ax.set_xlabel(xlabel, **PLAIN)
    ax.tick_params(axis="y", length=0)
    if title:
        ax.set_title(title, pad=10, **PLAIN)
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
