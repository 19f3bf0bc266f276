"""push_hook delivery in process, through an injected transport: whatever the hook does,
Get Order answers 200 and the push records the outcome."""

from __future__ import annotations

import json

import httpx
import pytest
from starlette.testclient import TestClient

from tests.helpers import make_sandbox_settings
from tests.sandbox.helpers import DIGEST, HEADERS, completed_order
from webview_host.sandbox.app import create_app


def handler_raising(error: Exception) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        raise error

    return httpx.MockTransport(handle)


@pytest.mark.parametrize(
    ("transport", "outcome", "error"),
    [
        (httpx.MockTransport(lambda r: httpx.Response(204)), "delivered", None),
        (httpx.MockTransport(lambda r: httpx.Response(404)), "failed", None),
        (handler_raising(httpx.ConnectError("refused")), "failed", "ConnectError"),
        (handler_raising(httpx.ReadTimeout("slow")), "failed", "ReadTimeout"),
        (handler_raising(RuntimeError("anything")), "failed", "RuntimeError"),
    ],
)
def test_every_hook_outcome_leaves_get_order_standing(
    transport: httpx.MockTransport, outcome: str, error: str | None
) -> None:
    settings = make_sandbox_settings(sandbox_hook_url="https://partner.example/hook")
    app = create_app(settings, hook_transport=transport)
    with TestClient(app) as client:
        _, order = completed_order(client)
        found = client.post(
            "/partner/order",
            json={"guid": order["guid"], "push_hook": True},
            headers=HEADERS,
            auth=DIGEST,
        )
        assert found.status_code == 200
        [push] = client.get("/_sandbox/hooks").json()["hooks"]
    assert (push["outcome"], push["error"]) == (outcome, error)


def test_the_push_is_the_order_schema_as_json() -> None:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    settings = make_sandbox_settings(sandbox_hook_url="https://partner.example/hook")
    app = create_app(settings, hook_transport=httpx.MockTransport(handle))
    with TestClient(app) as client:
        _, order = completed_order(client)
        found = client.post(
            "/partner/order",
            json={"order_code": order["external_id"], "push_hook": True},
            headers=HEADERS,
            auth=DIGEST,
        )
    [request] = seen
    assert (request.method, str(request.url)) == ("POST", "https://partner.example/hook")
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == found.json()["data"]
