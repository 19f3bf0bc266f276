"""The README's promises that can be checked as text: every setting is in its table, every
module in the "How it works" tree, in flow order, and the names partners' scripts rely on
(webhook settings, header, event body, /metrics) are the code's."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tests.test_structure import modules, runtime_imports
from webview_host.ledger import Completion
from webview_host.ledger.completion import COLUMNS
from webview_host.webhooks import HEADER
from webview_host.webhooks.events import event_body, event_data

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


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
    readme = README.read_text()
    rows = set(re.findall(r"^\| `(WVH_[A-Z0-9_]+)` \|", readme, flags=re.MULTILINE))
    read = settings_read()
    assert len(read) > 20, "the pattern still finds the settings"
    assert read - rows == set(), "settings missing from the README's configuration table"
    assert rows - read == set(), "README rows for settings nothing reads"


def readme_modules() -> list[str]:
    """The modules the README's "How it works" tree names, in its order (`ledger.schema`)."""
    section = (ROOT / "README.md").read_text().split("## How it works", 1)[1]
    tree = section.split("```\nwebview_host/\n", 1)[1].split("```", 1)[0]
    listed: list[str] = []
    folders: list[str] = []
    for line in filter(str.strip, tree.splitlines()):
        depth = (len(line) - len(line.lstrip())) // 2 - 1
        name = line.split()[0]
        folders = folders[:depth]
        if name.endswith("/"):
            folders.append(name.rstrip("/"))
        else:
            listed.append(".".join([*folders, name.removesuffix(".py")]))
    return listed


def test_how_it_works_names_every_module_each_below_what_it_imports() -> None:
    """The README's tree is the package's (every module once, no other), in an order where
    each module imports only modules above it (a package import stands for all it
    re-exports)."""
    known = modules()
    imports = {
        name.removeprefix("webview_host."): {
            target.removeprefix("webview_host.")
            for target in runtime_imports(path, name, set(known))
        }
        for name, path in known.items()
    }
    packages = {name for name, path in known.items() if path.name == "__init__.py"}
    inits = {name.removeprefix("webview_host.") for name in packages}
    listed = readme_modules()
    assert sorted(listed) == sorted(set(imports) - inits - {"webview_host"}), "the tree"

    def needs(name: str) -> set[str]:
        """The listed modules `name` stands on (through packages to what they re-export)."""
        found: set[str] = set()
        for target in imports[name]:
            found |= needs(target) if target in inits else {target}
        return found

    above: set[str] = set()
    for name in listed:
        assert needs(name) <= above, f"{name} imports {sorted(needs(name) - above)} from below"
        above.add(name)


def a_completed_event() -> dict[str, Any]:
    """The body webview-host sends for a completed purchase."""
    row: dict[str, Any] = dict.fromkeys(c.strip() for c in COLUMNS.split(","))
    row.update(
        id="c1", state="completed", retryable=0, attempts=1, total="2862.90", locale="tr",
        support_code="WVH-X", created_at=1.0, updated_at=1.0, customer_id="c-1",
    )  # fmt: skip
    body = event_body("evt_1", "order.completed", 1, event_data(Completion.from_row(row)))
    parsed: dict[str, Any] = json.loads(body)
    return parsed


def test_the_names_webhook_scripts_rely_on_are_the_codes() -> None:
    readme = README.read_text()
    rows = dict(re.findall(r"^\| `(WVH_WEBHOOK_[A-Z]+)` \| [^|]* \| ([^\n]*)$", readme, re.M))
    assert "POSTed" in rows["WVH_WEBHOOK_URL"]
    assert "comma-separated" in rows["WVH_WEBHOOK_SECRETS"]
    assert "newest last" in rows["WVH_WEBHOOK_SECRETS"]
    signature = f'`{HEADER}: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`'
    assert signature in readme
    [shown] = re.findall(r'the body is\s+`(\{"id".*?\})`', readme, re.S)
    top = re.findall(r'"(\w+)"(?!: \{)', shown.split('"data"')[0])
    data = re.findall(r'"(\w+)"', shown.split('"data"')[1])
    event = a_completed_event()
    assert [*top, "data"] == list(event), "id, type, created, data, as sent"
    required = ["completion_id", "state", "order_code", "total", "currency",
                "external_customer_id"]  # fmt: skip
    assert data == required, "the README names the fields scripts may rely on"
    assert set(required) <= set(event["data"])
    assert "`GET /metrics`" in readme
    assert "Open in sandbox mode" in readme, "as WVH_METRICS defaults (tests/test_settings.py)"


def test_the_webhooks_doc_shows_the_event_body_as_sent() -> None:
    doc = (ROOT / "docs" / "webhooks.md").read_text()
    [example] = re.findall(r"```json\n(\{\"id\".*?)\n```", doc, re.S)
    shown = json.loads(example.replace("...", ""))
    event = a_completed_event()
    assert list(shown) == list(event)
    assert list(shown["data"]) == list(event["data"]), "every data field, in order"
