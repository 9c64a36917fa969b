"""The figures in the README are generated from the committed outputs (``python -m analysis.readme``)."""
from __future__ import annotations

import pytest

from analysis import readme
from analysis.paths import PROJ_ROOT

README = (PROJ_ROOT / "README.md").read_text(encoding="utf-8")


def test_generated_blocks_are_up_to_date() -> None:
    assert readme.render(README) == README, "README.md is stale: run .venv/bin/python -m analysis.readme"


def test_every_block_is_present_once() -> None:
    for name in readme.BLOCKS:
        assert README.count(f"<!-- generated: {name} -->") == 1, name
        assert README.count(f"<!-- end: {name} -->") == 1, name


def test_a_changed_number_is_caught() -> None:
    start = README.index("<!-- generated: findings -->")
    row = README.index("| Smartmi |", start)
    tampered = README[:row] + "| Smartmi | 99 (99)" + README[README.index(" |", row + 11):]
    assert readme.render(tampered) != tampered


def test_unknown_block_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown generated block"):
        readme.render("<!-- generated: nope -->\nx\n<!-- end: nope -->")
