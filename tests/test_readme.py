"""The README's promises that can be checked as text: every setting is in its table."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def settings_read() -> set[str]:
    """Every `WVH_*` variable the host's and the sandbox's settings read."""
    names: set[str] = set()
    # throttle.py reads the limits' settings for `Settings` (settings.py stays under 300 lines).
    for module in (
        "webview_host/settings.py",
        "webview_host/throttle.py",
        "webview_host/sandbox/settings.py",
    ):
        text = (ROOT / module).read_text()
        names |= set(re.findall(r'env\.\w+\(\s*"([A-Z0-9_]+)"', text))
    return {f"WVH_{name}" for name in names}


def test_every_setting_has_a_row_in_the_readme_table() -> None:
    readme = (ROOT / "README.md").read_text()
    rows = set(re.findall(r"^\| `(WVH_[A-Z0-9_]+)` \|", readme, flags=re.MULTILINE))
    read = settings_read()
    assert len(read) > 20, "the pattern still finds the settings"
    assert read - rows == set(), "settings missing from the README's configuration table"
    assert rows - read == set(), "README rows for settings nothing reads"
