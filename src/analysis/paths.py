"""Project paths, anchored to this file rather than the working directory."""
from __future__ import annotations

from pathlib import Path

PROJ_ROOT: Path = Path(__file__).resolve().parents[2]
DATA_DIR: Path = PROJ_ROOT / "data"
RAW_DIR: Path = DATA_DIR / "raw"
RAW_POLICIES_DIR: Path = RAW_DIR / "policies"
MANIFEST_PATH: Path = RAW_DIR / "manifest.csv"
CODEBOOK_PATH: Path = DATA_DIR / "codebook.yaml"
TAXONOMY_PATH: Path = DATA_DIR / "taxonomy.yaml"
ORGANISATIONS_PATH: Path = DATA_DIR / "organisations.yaml"
PROCESSED_DIR: Path = DATA_DIR / "processed"
ANNOTATIONS_DIR: Path = DATA_DIR / "annotations"
FIGURES_DIR: Path = PROJ_ROOT / "figures"
