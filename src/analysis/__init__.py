"""policy-lens: privacy policies to tidy dataframes, every finding backed by its sentence.

Typical use::

    from analysis import extract, load_processed
    tables = extract(["data/raw/policies"])        # dict of DataFrames
    tables = load_processed()                       # the committed outputs
    market = load_processed("market")               # the 233-page market corpus
"""
from __future__ import annotations

from .codebook import load_codebook, load_taxonomy
from .errors import CodebookError, InputError, ManifestError, PolicyLensError, SchemaError
from .loader import Document, read_policy
from .pipeline import PolicyResult, analyse, extract, to_frames
from .segment import segment

__all__ = [
    "CodebookError", "Document", "InputError", "ManifestError", "PolicyLensError", "PolicyResult",
    "SchemaError", "analyse", "extract", "load_codebook", "load_processed", "load_taxonomy",
    "read_policy", "segment", "to_frames",
]
__version__ = "0.1.0"


def load_processed(directory: str | None = None) -> dict:
    """Read the committed output tables with their schema dtypes.

    ``load_processed()`` gives the four tables of the five seed policies (``data/processed/*.csv``);
    ``load_processed("market")`` the six tables of the market corpus (``data/processed/market/*.parquet``:
    pages, texts, sentences, practices, facts, metrics); any other value is a directory of CSV outputs.
    """
    from .paths import PROCESSED_DIR
    from .schema import TABLES, read_table

    if directory == "market":
        from .market import read_market

        return read_market()
    base = PROCESSED_DIR if directory is None else directory
    return {name: read_table(f"{base}/{name}.csv", name) for name in TABLES}
