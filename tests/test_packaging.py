"""constraints.txt pins every dependency pyproject.toml names, within its bounds: a
dependency added without `scripts/lock.sh` would otherwise install at whatever version
the day brings."""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import ROOT


def pins() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    text = (ROOT / "constraints.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        match = re.match(r"([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        if match:
            out.setdefault(canonicalize_name(match.group(1)), []).append(match.group(2))
    return out


def requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    listed = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        listed += extra
    return [r for r in map(Requirement, listed) if canonicalize_name(r.name) != "segmenter"]


def test_every_dependency_is_pinned_within_its_bounds() -> None:
    pinned = pins()
    for req in requirements():
        versions = pinned.get(canonicalize_name(req.name))
        assert versions, f"{req.name} has no pin: run scripts/lock.sh"
        for version in versions:
            assert req.specifier.contains(version, prereleases=True), (
                f"{req.name}=={version} is outside {req.specifier}: run scripts/lock.sh"
            )
