"""Imported by the forkserver of ``python -m analysis market -j N`` before it forks the workers.

Loading the codebook (~0.6 s) and py3langid's model (~0.9 s) here, once, lets every worker
inherit them instead of each paying for them again; analysing the five seed policies fills the
per-word caches (the prefilter's word sets, syllable counts) with the common vocabulary of
privacy policies, which the workers would otherwise each build again.
"""
from __future__ import annotations

from .codebook import load_codebook
from .errors import PolicyLensError
from .loader import read_policy
from .market import identify_languages
from .paths import RAW_POLICIES_DIR
from .pipeline import analyse_many

try:
    load_codebook()
    identify_languages("This sentence only loads the language model.")
    analyse_many([read_policy(p) for p in sorted(RAW_POLICIES_DIR.glob("*.txt"))])
except (OSError, PolicyLensError):
    pass  # only a warm-up: each worker then loads what it needs itself, and reports any problem per page
