"""Imported by the forkserver of ``python -m analysis market -j N`` before it forks the workers.

Loading the codebook (~0.6 s) and py3langid's model (~0.9 s) here, once, lets every worker
inherit them instead of each paying for them again.
"""
from __future__ import annotations

from .codebook import load_codebook
from .market import identify_languages

load_codebook()
identify_languages("This sentence only loads the language model.")
