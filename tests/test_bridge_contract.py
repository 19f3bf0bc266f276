"""The bridge contract as data: one JSON Schema per message, and the code keeps to it.

The browser side is checked in real Chromium (`e2e/test_bridge.py` validates every
event a transport receives); these tests check the files themselves and that no
event or command exists in the code without its schema, or the other way round.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, get_args

import pytest
from jsonschema import Draft202012Validator

from webview_host.ledger.completion import ErrorKind

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "static" / "bridge" / "v1"
STATIC = ROOT / "static"
TEMPLATES = ROOT / "templates"

# How our code raises events: page scripts through WebviewHost.page, bridge.js itself,
# and templates through bridge_emit(...).
_RAISED = (
    re.compile(r"\bemit(?:OnChange)?\(\s*\"([a-z_.]+)\""),
    re.compile(r"\bemitOnce\(\s*\"[^\"]*\",\s*\"([a-z_.]+)\""),
    re.compile(r"\bbridge_emit\(\s*\"([a-z_.]+)\""),
)


def schemas(kind: str) -> dict[str, dict[str, Any]]:
    return {
        path.name.removesuffix(".schema.json"): json.loads(path.read_text())
        for path in sorted((SCHEMAS / kind).glob("*.schema.json"))
    }


def raised_in_code() -> set[str]:
    sources = [*STATIC.glob("*.js"), *TEMPLATES.glob("*.html")]
    found: set[str] = set()
    for source in sources:
        text = source.read_text()
        for pattern in _RAISED:
            found.update(pattern.findall(text))
    # sessionExpired(reason) raises session.expired by name inside bridge.js.
    if "sessionExpired(" in (STATIC / "shell.js").read_text():
        found.add("session.expired")
    return found


@pytest.mark.parametrize("kind", ["events", "commands"])
def test_every_schema_is_a_valid_draft_2020_12_schema_named_after_its_message(kind: str) -> None:
    found = schemas(kind)
    assert found, f"no {kind} schemas"
    for name, schema in found.items():
        Draft202012Validator.check_schema(schema)
        assert schema["properties"]["type"] == {"const": name}
        assert schema["additionalProperties"] is False, f"{name}: every field is documented"


def test_events_in_the_code_and_event_schemas_are_the_same_set() -> None:
    assert raised_in_code() == set(schemas("events"))


def test_commands_in_bridge_js_and_command_schemas_are_the_same_set() -> None:
    text = (STATIC / "bridge.js").read_text()
    match = re.search(r"var COMMANDS = \{([^}]*)\}", text)
    assert match, "bridge.js lists its commands in COMMANDS"
    commands = set(re.findall(r"(\w+):", match.group(1)))
    assert commands == set(schemas("commands"))


def test_every_event_schema_has_the_same_envelope() -> None:
    """One envelope for every event: only `type` and `data` differ between the files."""
    envelopes = []
    for schema in schemas("events").values():
        envelope = {k: v for k, v in schema.items() if k not in ("$id", "title", "description")}
        envelope["properties"] = {
            k: v for k, v in schema["properties"].items() if k not in ("type", "data")
        }
        envelopes.append(json.dumps(envelope, sort_keys=True))
    assert len(set(envelopes)) == 1


def test_an_example_of_each_event_validates_and_a_wrong_one_does_not() -> None:
    """The schemas accept what the docs show and refuse what they must (floats for money,
    unknown fields, a missing session)."""
    docs = (ROOT / "docs" / "partner-apps.md").read_text()
    examples = [
        json.loads(block)
        for block in re.findall(r"```json\n(\{\"v\": 1.*?)\n```", docs, flags=re.S)
    ]
    by_type = {e["type"]: e for e in examples}
    assert set(by_type) == set(schemas("events")), "the docs show one example per event"
    for event_type, schema in schemas("events").items():
        validator = Draft202012Validator(schema)
        example = by_type[event_type]
        assert not list(validator.iter_errors(example)), event_type
        assert list(validator.iter_errors({**example, "extra": 1})), "unknown field"
        assert list(validator.iter_errors({k: v for k, v in example.items() if k != "session"}))
    completed = Draft202012Validator(schemas("events")["order.completed"])
    money_as_float = {**by_type["order.completed"]}
    money_as_float["data"] = {**money_as_float["data"], "total": 2841.5}
    assert list(completed.iter_errors(money_as_float)), "money is a decimal string"


# Keywords that only annotate a schema: no validator has to act on them.
_ANNOTATIONS = {"$schema", "$id", "title", "description"}


def keywords(schema: dict[str, Any]) -> set[str]:
    """Every keyword used in `schema` and its subschemas (property names excluded)."""
    found = set(schema)
    for name, value in schema.items():
        subschemas = value.values() if name == "properties" else [value]
        for sub in subschemas:
            if isinstance(sub, dict):
                found |= keywords(sub)
    return found


def test_the_harness_validator_knows_every_keyword_the_schemas_use() -> None:
    """The partner-app harness checks events with its own small validator (harness.js); a
    keyword it does not implement would pass every event unchecked there."""
    implemented = set(re.findall(r"\bs\.(\w+)", (STATIC / "harness.js").read_text()))
    assert {"type", "const", "enum", "required", "properties"} <= implemented, implemented
    used = set().union(*(keywords(schema) for schema in schemas("events").values()))
    assert used - _ANNOTATIONS <= implemented, used - _ANNOTATIONS - implemented


def test_order_failed_reasons_are_the_ledgers_error_kinds() -> None:
    reasons = schemas("events")["order.failed"]["properties"]["data"]["properties"]["reason"]
    assert set(reasons["enum"]) == set(get_args(ErrorKind))


def test_close_requested_names_every_page_a_template_declares() -> None:
    data = schemas("events")["close.requested"]["properties"]["data"]["properties"]
    declared = set()
    for template in TEMPLATES.glob("*.html"):
        declared |= set(
            re.findall(r"{% block bridge_page %}(\w+){% endblock %}", template.read_text())
        )
    assert declared == set(data["page"]["enum"])


def test_bridge_js_never_posts_to_any_origin() -> None:
    """The framing page gets events only at a configured partner origin, never `*`."""
    code = re.sub(r"^\s*//.*$", "", (STATIC / "bridge.js").read_text(), flags=re.M)
    calls = re.findall(r"postMessage\(([^)]*)\)", code)
    assert [args for args in calls if "," in args] == ["msg, origin"], calls
    assert "'*'" not in code
    assert '"*"' not in code
