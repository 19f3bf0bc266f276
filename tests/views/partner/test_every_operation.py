"""What every partner operation shares, checked over the one list the routes are built from
(`views.partner.OPERATIONS`), so an operation added later is covered without being named:
the partner key, and for a JSON body its media type, its size and its syntax."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.helpers import PARTNER_KEY
from webview_host.views.partner import OPERATIONS, Operation

AUTH = {"Authorization": f"Bearer {PARTNER_KEY}"}
# A well-formed value for each path parameter; the key is checked before any of them.
PATH_VALUES = {"{completion_id}": "abc", "{event_id}": "evt_x"}
WITH_BODY = [op for op in OPERATIONS if op.request is not None]


def path_of(operation: Operation) -> str:
    path = operation.path
    for placeholder, value in PATH_VALUES.items():
        path = path.replace(placeholder, value)
    assert "{" not in path, f"give {operation.path}'s parameter a value in PATH_VALUES"
    return path


def minted_calls(sandbox: Starlette) -> int:
    return sum(sandbox.state.faults.calls.values())


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.operation_id)
@pytest.mark.parametrize(
    "header", [None, "Bearer wrong-key-000000", "Bearer ", f"Basic {PARTNER_KEY}"]
)
def test_every_operation_needs_the_partner_key(
    host: TestClient, sandbox: Starlette, operation: Operation, header: str | None
) -> None:
    headers = {"Authorization": header} if header else {}
    response = host.request(operation.method, path_of(operation), json={}, headers=headers)
    assert response.status_code == 401, response.text
    assert response.json()["error"] == "unauthorized"
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert minted_calls(sandbox) == 0, "refused before any Minted call"


@pytest.mark.parametrize("operation", WITH_BODY, ids=lambda op: op.operation_id)
def test_every_body_must_be_json(
    host: TestClient, sandbox: Starlette, operation: Operation
) -> None:
    form = host.request(operation.method, path_of(operation), data={"a": "b"}, headers=AUTH)
    assert form.status_code == 415, form.text
    assert form.json()["error"] == "unsupported_media_type"
    broken = host.request(
        operation.method,
        path_of(operation),
        content=b'{"a": ',
        headers={**AUTH, "Content-Type": "application/json"},
    )
    assert broken.status_code == 422, broken.text
    assert "body" in broken.json()["fields"], "a body that is not JSON is named as such"
    assert minted_calls(sandbox) == 0


@pytest.mark.parametrize("operation", WITH_BODY, ids=lambda op: op.operation_id)
def test_every_body_is_size_limited(
    host: TestClient, sandbox: Starlette, operation: Operation
) -> None:
    """WVH_LAUNCH_MAX_BODY (16 KiB) bounds every partner body, not only the launch's."""
    padding = "x" * 20_000
    response = host.request(
        operation.method,
        path_of(operation),
        content=f'{{"padding": "{padding}"}}'.encode(),
        headers={**AUTH, "Content-Type": "application/json"},
    )
    assert response.status_code == 413, response.text
    assert response.json()["error"] == "body_too_large"
    assert padding not in response.text
    assert minted_calls(sandbox) == 0
