"""The verification snippets partners copy from docs/webhooks.md accept our signatures, and
only ours: run as written (Python in-process, JavaScript under Node) against our signer."""

from __future__ import annotations

import base64
import json
import re
import runpy
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from webview_host.environment import Secret
from webview_host.webhooks import signature_header

DOC = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"
BODY = b'{"id":"evt_1","type":"order.completed","created":1,"data":{"total":"2862.90"}}'
OLD, NEW = "old-secret-0000000001", "new-secret-0000000002"


def snippet(language: str) -> str:
    blocks = re.findall(rf"```{language}\n(.*?)```", DOC.read_text(), re.S)
    assert len(blocks) == 1, f"docs/webhooks.md has one {language} snippet"
    return str(blocks[0])


def cases() -> list[tuple[str, bytes, str, str, bool]]:
    """(name, body, header, secret, verifies?)."""
    now = int(time.time())
    one = signature_header(BODY, [Secret(NEW)], now)
    rotating = signature_header(BODY, [Secret(OLD), Secret(NEW)], now)
    stale = signature_header(BODY, [Secret(NEW)], now - 600)
    return [
        ("signed", BODY, one, NEW, True),
        ("rotation: old secret", BODY, rotating, OLD, True),
        ("rotation: new secret", BODY, rotating, NEW, True),
        ("wrong secret", BODY, one, "another-secret-000003", False),
        ("tampered body", BODY.replace(b"2862.90", b"1.00"), one, NEW, False),
        ("stale timestamp", BODY, stale, NEW, False),
        ("no signature", BODY, f"t={now}", NEW, False),
        ("empty header", BODY, "", NEW, False),
        ("garbage", BODY, "t=abc,v1=zz", NEW, False),
    ]


CASES = [name for name, *_ in cases()]


@pytest.fixture(params=CASES)
def case(request: pytest.FixtureRequest) -> tuple[str, bytes, str, str, bool]:
    """One case, signed when the test runs: signed at collection, the 5-minute tolerance
    could pass before a long suite reaches the test."""
    return next(c for c in cases() if c[0] == request.param)


def python_verify() -> Callable[..., bool]:
    namespace: dict[str, Any] = {}
    exec(compile(snippet("python"), str(DOC), "exec"), namespace)  # noqa: S102 - our own doc
    verify: Callable[..., bool] = namespace["verify"]
    return verify


def test_python_snippet(case: tuple[str, bytes, str, str, bool]) -> None:
    _, body, header, secret, expected = case
    assert python_verify()(body, header, secret) is expected


def test_node_snippet(tmp_path: Path) -> None:
    node = shutil.which("node")
    assert node is not None, "Node.js is part of this machine (and CI's): the snippet must run"
    harness = (
        snippet("js")
        + "\nconst cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n"
        + "process.stdout.write(JSON.stringify(cases.map(([b, h, s]) =>"
        + " verify(Buffer.from(b, 'base64'), h, s))));\n"
    )
    script = tmp_path / "verify.js"
    script.write_text(harness)
    all_cases = cases()
    given = [
        [base64.b64encode(body).decode(), header, secret]
        for _, body, header, secret, _ in all_cases
    ]
    result = subprocess.run(  # noqa: S603 - node on our own script
        [node, str(script)], input=json.dumps(given), capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == [expected for *_, expected in all_cases]


def test_the_local_receiver_verifies_as_the_doc_says(
    case: tuple[str, bytes, str, str, bool],
) -> None:
    """scripts/webhook_receiver.py decides as the doc's snippet does."""
    script = DOC.parents[1] / "scripts" / "webhook_receiver.py"
    receiver = runpy.run_path(str(script), run_name="receiver")
    _, body, header, secret, expected = case
    assert receiver["verify"](body, header, secret) is expected
