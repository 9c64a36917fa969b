"""Charts of notebook 07: the market's distributions with the five seed policies highlighted.

Each helper draws onto axes it is given (house style, :mod:`analysis.plotting` colours); the
seed vendors always get the same Okabe–Ito colour, in manifest order, so the charts read together.
Tick and legend labels are drawn with mathtext off (``plotting.PLAIN``), so that a ``$`` in a vendor or
host name is shown as typed.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullFormatter

from .corpus import vendor_labels
from .market_tables import MEASURES, measure_sizes
from .plotting import OKABE_ITO, PLAIN

MARKET_GREY = "0.75"
STACK_COLOURS = (OKABE_ITO[2], OKABE_ITO[5], "0.8")  # states, denies, says nothing


def _plain_legend(legend) -> None:  # noqa: ANN001 - a matplotlib Legend
    """Show the legend's labels as typed (a ``$`` in a label is no mathtext), as ``plotting`` does."""
    for text in legend.get_texts():
        text.set_parse_math(False)


def seed_colours(vendors: Sequence[str]) -> dict[str, str]:
    """A fixed colour per seed vendor (manifest order)."""
    return {v: OKABE_ITO[i % len(OKABE_ITO)] for i, v in enumerate(vendors)}


def distributions(fig: Figure, market_values: pd.DataFrame, seed_values: pd.DataFrame) -> list[Axes]:
    """One histogram per measure (market policies, grey) with a line per seed vendor (colour, legend)."""
    sizes = measure_sizes()
    colours = seed_colours(list(seed_values.index))
    labels = vendor_labels()
    axes = fig.subplots(2, 2).ravel()
    for ax, m in zip(axes, MEASURES):
        n = sizes[m]
        counts = market_values[m].value_counts().reindex(range(n + 1), fill_value=0)
        ax.bar(counts.index, counts.to_numpy(), width=0.85, color=MARKET_GREY, label="market policies")
        top = counts.max()
        for k, (vendor, value) in enumerate(seed_values[m].items()):
            offset = (k - (len(seed_values) - 1) / 2) * 0.12  # side by side when two seeds share a value
            ax.axvline(value + offset, color=colours[vendor], linewidth=2.2, label=labels.get(vendor, vendor))
        ax.set_xlim(-0.8, n + 0.8)
        ax.set_ylim(0, top * 1.15)
        ax.set_title(f"{MEASURES[m]} (of {n})")
        ax.set_xlabel("codes stated")
        ax.set_ylabel("policies")
    handles, names = axes[0].get_legend_handles_labels()
    _plain_legend(fig.legend(handles, names, loc="lower center", ncol=3, bbox_to_anchor=(0.5, 0.0), frameon=False))
    fig.subplots_adjust(bottom=0.15, hspace=0.45, wspace=0.25)
    return list(axes)


def texts_scatter(ax: Axes, market: pd.DataFrame, seed: pd.DataFrame) -> Axes:
    """Words (log scale) against Flesch reading ease: market policies grey, seed policies coloured."""
    ax.scatter(market["words"], market["flesch_reading_ease"], s=14, color=MARKET_GREY, label="market policies")
    colours = seed_colours(list(seed.index))
    labels = vendor_labels()
    for vendor, row in seed.iterrows():
        ax.scatter([row["words"]], [row["flesch_reading_ease"]], s=60, color=colours[vendor], edgecolor="black",
                   linewidth=0.6, zorder=3, label=labels.get(vendor, vendor))
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:,.0f}"))  # plain numbers, not mathtext powers
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.axhline(30, color="0.4", linestyle="--", linewidth=1)
    ax.text(ax.get_xlim()[0] * 1.05, 29, "below 30: very difficult", va="top", fontsize=9, color="0.3")
    ax.set_xlabel("words (log scale)")
    ax.set_ylabel("Flesch reading ease (higher is easier)")
    _plain_legend(ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=3, frameon=False))
    return ax


def stacked_topics(ax: Axes, counts: pd.DataFrame, title: str = "") -> Axes:
    """Horizontal stacked bars: one bar per topic, segments states / denies / says nothing, counts written in."""
    y = np.arange(len(counts))
    left = np.zeros(len(counts))
    for col, colour in zip(counts.columns, STACK_COLOURS):
        values = counts[col].to_numpy(dtype=float)
        ax.barh(y, values, left=left, color=colour, height=0.6, label=col)
        for yi, (x0, v) in enumerate(zip(left, values)):
            if v >= 8:
                ax.text(x0 + v / 2, yi, f"{v:.0f}", ha="center", va="center", fontsize=10)
        left += values
    ax.set_yticks(y, [str(t) for t in counts.index], **PLAIN)
    ax.invert_yaxis()
    ax.set_xlabel("policies")
    ax.tick_params(axis="y", length=0)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=3, frameon=False)
    if title:
        ax.set_title(title, pad=10)
    return ax


DIMENSION_NOUNS = {"data_type": "data type", "permission": "permission", "recipient": "recipient",
                   "right": "right", "practice": "practice"}


def prevalence_bars(ax: Axes, rows: pd.DataFrame, split: int | None = None, title: str = "") -> Axes:
    """Horizontal bars of ``rows.share`` (0-1) labelled '<label> (<dimension>)', one line each;
    a rule after the first ``split`` rows separates the most from the least common."""
    labels = [f"{lab.split(' (')[0][:48]} ({DIMENSION_NOUNS.get(d, d)})"
              for lab, d in zip(rows["label"], rows["dimension"])]
    values = rows["share"].to_numpy(dtype=float) * 100
    y = np.arange(len(rows))
    ax.barh(y, values, color=OKABE_ITO[0], height=0.65)
    for yi, v in zip(y, values):
        ax.text(v + 1, yi, f"{v:.0f}%", va="center", fontsize=9)
    ax.set_yticks(y, labels, fontsize=9, **PLAIN)
    ax.invert_yaxis()
    ax.set_xlim(0, 112)
    ax.set_xlabel("% of market policies stating it")
    ax.tick_params(axis="y", length=0)
    if split:
        ax.axhline(split - 0.5, color="0.3", linewidth=1)
    if title:
        ax.set_title(title, pad=10)
    return ax
