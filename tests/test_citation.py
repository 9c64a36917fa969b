"""The package is citable and reusable: LICENSE matches pyproject, CITATION.cff is valid CFF 1.2, data/README covers every input."""
from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


@pytest.fixture(scope="module")
def citation() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def test_license_file_matches_pyproject() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert PROJECT["license"] == "MIT"
    assert text.startswith("MIT License\n") and "Permission is hereby granted, free of charge" in text


def test_citation_is_valid_cff_1_2(citation: dict) -> None:
    schema = json.loads((ROOT / "tests" / "fixtures" / "cff" / "schema-1.2.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(json.loads(json.dumps(citation, default=str)))
    assert citation["cff-version"] == "1.2.0"


def test_citation_agrees_with_pyproject(citation: dict) -> None:
    assert citation["license"] == PROJECT["license"]
    assert str(citation["version"]) == PROJECT["version"]


def test_invalid_citation_is_rejected(citation: dict) -> None:
    schema = json.loads((ROOT / "tests" / "fixtures" / "cff" / "schema-1.2.0.json").read_text(encoding="utf-8"))
    broken = {k: v for k, v in citation.items() if k != "authors"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(schema).validate(json.loads(json.dumps(broken, default=str)))


def test_data_readme_covers_every_input() -> None:
    text = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    inputs = ["raw/policies/", "raw/manifest.csv", "raw/market/", "taxonomy.yaml", "codebook.yaml",
              "organisations.yaml", "annotations/", "heldout/sentences_v2.yaml", "processed/"]
    for name in inputs:
        assert f"`{name}" in text or name in text, name
    for path in sorted((ROOT / "data").iterdir()):
        if path.name not in {"README.md", "raw"}:
            assert re.search(rf"`{re.escape(path.name)}", text), f"data/{path.name} is not described"
    for corpus, terms in [("OPP-115", "research, teaching and scholarship"), ("GDPR-Transparency-200", "GPL"),
                          ("Manandhar", "USENIX Security 2022")]:
        assert corpus in text and terms in text, corpus
