"""Installed versions come from the lock file: `make install` installs with `-c constraints.txt`,
which pins only what it lists, so a dependency added to pyproject.toml without `make lock`
would be installed at whatever version is newest that day. This test finds it first."""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path

CONSTRAINTS = Path(__file__).resolve().parents[1] / "constraints.txt"
NOT_PINNED = {"webview-host", "pip", "setuptools", "wheel"}  # the project, the installer's own


def _name(raw: str) -> str:
    return re.sub(r"[-_.]+", "-", raw).lower()  # PEP 503 normalisation


def pins() -> dict[str, str]:
    found = {}
    for line in CONSTRAINTS.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, separator, version = line.strip().partition("==")
            assert separator, f"constraints.txt pins exact versions only: {line!r}"
            found[_name(name)] = version
    return found


def test_every_installed_distribution_is_the_pinned_version() -> None:
    pinned = pins()
    installed = {
        _name(dist.metadata["Name"]): dist.version for dist in importlib.metadata.distributions()
    }
    unpinned = sorted(name for name in installed if name not in pinned and name not in NOT_PINNED)
    assert unpinned == [], "run `make lock` and commit constraints.txt"
    other = {n: (v, pinned[n]) for n, v in installed.items() if n in pinned and pinned[n] != v}
    assert other == {}, "installed (left) differs from constraints.txt (right): `make install`"
