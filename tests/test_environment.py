"""environment.yml (conda), requirements.lock and pyproject.toml agree on versions."""
from __future__ import annotations

import re
import tomllib
from typing import Any

import pytest
import yaml
from conftest import ROOT

_REQ = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(.*)$")


def canonical(name: str) -> str:
    """PEP 503 normalised project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def split_requirement(line: str) -> tuple[str, str]:
    """(canonical name, version specifier) of a requirement line such as ``dask[distributed]>=2025.1``."""
    m = _REQ.match(line.split(";")[0])
    assert m, f"cannot parse requirement {line!r}"
    return canonical(m.group(1)), m.group(2).strip()


@pytest.fixture(scope="module")
def lock() -> dict[str, str]:
    pins = {}
    for raw in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        name, spec = split_requirement(line)
        assert spec.startswith("==") and spec.count("==") == 1, f"lock line is not an exact pin: {raw!r}"
        assert name not in pins, f"{name} pinned twice in requirements.lock"
        pins[name] = spec[2:]
    return pins


@pytest.fixture(scope="module")
def pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def env() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))


def _pip_section(env: dict[str, Any]) -> list[str]:
    sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(sections) == 1, "environment.yml needs exactly one pip section"
    return [str(x) for x in sections[0]]


def test_environment_header(env: dict[str, Any]) -> None:
    assert env["name"] == "policy-lens"
    assert env["channels"] == ["conda-forge"]
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    assert conda == ["python=3.11", "pip"]


def test_python_version_agrees_with_pyproject(pyproject: dict[str, Any]) -> None:
    assert pyproject["project"]["requires-python"] == ">=3.11,<3.12"


def test_every_environment_pin_equals_the_lock(env: dict[str, Any], lock: dict[str, str]) -> None:
    pip = _pip_section(env)
    assert pip[-1] == "-e .", "the project itself is installed last, editable"
    seen = set()
    for line in pip[:-1]:
        name, spec = split_requirement(line)
        assert spec.startswith("==") and spec.count("==") == 1, f"{line!r} is not an exact pin"
        assert name in lock, f"{name} is not in requirements.lock"
        assert spec[2:] == lock[name], f"{name}: environment.yml has {spec[2:]}, the lock has {lock[name]}"
        assert name not in seen, f"{name} listed twice"
        seen.add(name)


def test_every_pyproject_dependency_is_pinned_in_the_lock_and_environment(
        pyproject: dict[str, Any], lock: dict[str, str], env: dict[str, Any]) -> None:
    in_env = {split_requirement(line)[0] for line in _pip_section(env)[:-1]}
    project = pyproject["project"]
    groups = {"dependencies": project["dependencies"], **project.get("optional-dependencies", {})}
    for group, requirements in groups.items():
        for requirement in requirements:
            name, _ = split_requirement(requirement)
            assert name in lock, f"{name} ({group}) is not pinned in requirements.lock"
            assert name in in_env, f"{name} ({group}) is missing from environment.yml"
            extras = re.search(r"\[([^\]]*)\]", requirement)
            for extra in (extras.group(1).split(",") if extras else []):
                # an extra that names a package (dask[distributed]) must be pinned too
                if canonical(extra) in lock:
                    assert canonical(extra) in in_env, f"{extra} (extra of {name}) missing from environment.yml"


def test_lock_pins_satisfy_pyproject_ranges(pyproject: dict[str, Any], lock: dict[str, str]) -> None:
    """The exact versions in the lock fall inside the ranges pyproject.toml declares."""
    from packaging.requirements import Requirement

    for requirement in pyproject["project"]["dependencies"]:
        req = Requirement(requirement)
        pinned = lock[canonical(req.name)]
        assert req.specifier.contains(pinned, prereleases=True), (requirement, pinned)
