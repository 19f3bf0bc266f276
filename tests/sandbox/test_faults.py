"""Every fault kind does what faults.py's table says, and arming one is strictly checked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.helpers import customer_payload, make_sandbox_settings
from tests.sandbox.helpers import DIGEST, HEADERS, body_of, call_asgi, status_of, token_for
from webview_host.sandbox.app import create_app
from webview_host.sandbox.faults import KINDS, Fault, FaultError
from webview_host.sandbox.injection import HUGE_BYTES


def arm(client: TestClient, **fault: Any) -> None:
    response = client.post("/_sandbox/faults", json=fault)
    assert response.status_code == 201, response.text


def create_token(client: TestClient) -> Any:
    return client.post("/partner/ecom/token", json=customer_payload(), headers=HEADERS, auth=DIGEST)


def customers(sandbox: Starlette) -> int:
    return len(sandbox.state.store.customers)


# --- arming --------------------------------------------------------------------


def test_control_api_validates_faults(sandbox_client: TestClient) -> None:
    bad = sandbox_client.post("/_sandbox/faults", json={"endpoint": "nope", "kind": "status"})
    assert bad.status_code == 422
    assert "endpoint" in bad.json()["error"]
    bad = sandbox_client.post("/_sandbox/faults", json={"endpoint": "complete", "kind": "boom"})
    assert "kind" in bad.json()["error"]
    ok = sandbox_client.post(
        "/_sandbox/faults",
        json={"endpoint": "complete", "kind": "status", "status": 500, "count": 2},
    )
    assert ok.status_code == 201
    assert ok.json()["armed"][0]["count"] == 2
    assert sandbox_client.delete("/_sandbox/faults").json()["armed"] == []


@pytest.mark.parametrize(
    ("fault", "named"),
    [
        ([], "object"),
        ({"endpoint": ["complete"], "kind": "drop"}, "endpoint"),
        ({"endpoint": "complete", "kind": {"x": 1}}, "kind"),
        ({"endpoint": "complete", "kind": "drop", "cuont": 2}, "cuont"),
        ({"endpoint": "complete", "kind": "drop", "count": 0}, "count"),
        ({"endpoint": "complete", "kind": "drop", "count": True}, "count"),
        ({"endpoint": "complete", "kind": "hang", "seconds": 601}, "seconds"),
        ({"endpoint": "complete", "kind": "hang", "seconds": float("nan")}, "seconds"),
        ({"endpoint": "complete", "kind": "hang", "seconds": 10**400}, "seconds"),
        ({"endpoint": "complete", "kind": "hang", "seconds": False}, "seconds"),
        ({"endpoint": "complete", "kind": "status", "status": 200}, "status"),
        ({"endpoint": "complete", "kind": "status", "body": "xml"}, "body"),
        ({"endpoint": "complete", "kind": "drop", "seconds": 1}, "seconds"),
        ({"endpoint": "complete", "kind": "unauthorized", "status": 401}, "status"),
        ({"endpoint": "complete", "kind": "huge", "body": "json"}, "body"),
        ({"endpoint": "complete", "kind": "delay", "process": False}, "process"),
        ({"endpoint": "complete", "kind": "drop", "process": "yes"}, "process"),
        ({"endpoint": "get_active_basket", "kind": "auth_int"}, "Digest"),
        ({"endpoint": "webview", "kind": "auth_int"}, "Digest"),
    ],
)
def test_fault_json_is_strict(fault: Any, named: str) -> None:
    with pytest.raises(FaultError, match=named):
        Fault.from_json(fault)


def test_fault_defaults() -> None:
    assert Fault.from_json({"endpoint": "complete", "kind": "drip"}).seconds == 1
    assert Fault.from_json({"endpoint": "complete", "kind": "drip"}).process is True
    status = Fault.from_json({"endpoint": "complete", "kind": "status"})
    assert (status.status, status.body, status.process) == (502, "html", False)


def test_faults_are_absent_when_disabled() -> None:
    app = create_app(make_sandbox_settings(sandbox_faults="false"))
    with TestClient(app) as client:
        assert client.post("/_sandbox/reset").status_code == 404
        assert client.get("/_sandbox/hooks").status_code == 404


# --- each kind -----------------------------------------------------------------


@pytest.mark.parametrize("kind", ["unauthorized", "parameter_error", "malformed", "status"])
def test_faults_apply_to_the_next_call_only(sandbox_client: TestClient, kind: str) -> None:
    arm(sandbox_client, endpoint="create_token", kind=kind)
    faulty = create_token(sandbox_client)
    assert faulty.status_code != 200 or not faulty.text.startswith("{")
    token_for(sandbox_client)


@pytest.mark.parametrize("status", [401, 403, 404, 422, 500, 502, 503])
@pytest.mark.parametrize("body", ["json", "html", "empty"])
def test_status_fault_bodies(
    sandbox_client: TestClient, sandbox: Starlette, status: int, body: str
) -> None:
    arm(sandbox_client, endpoint="create_token", kind="status", status=status, body=body)
    response = create_token(sandbox_client)
    assert response.status_code == status
    assert "www-authenticate" not in response.headers, "a gateway's answer, not a challenge"
    if body == "json":
        assert response.headers["content-type"] == "application/json"
        assert response.json() == {
            "data": None,
            "success": False,
            "code": status,
            "message": response.json()["message"],
        }
    elif body == "html":
        assert response.headers["content-type"] == "text/html"
        assert response.text.startswith("<html>")
        assert str(status) in response.text
    else:
        assert response.content == b""
        assert "content-type" not in response.headers
    assert customers(sandbox) == 0, "the sandbox did not act"


def test_wrong_envelope_fault(sandbox_client: TestClient) -> None:
    arm(sandbox_client, endpoint="create_token", kind="envelope")
    response = create_token(sandbox_client)
    assert response.status_code == 200
    assert not {"success", "data"} & set(response.json())


def test_huge_fault(sandbox_client: TestClient) -> None:
    arm(sandbox_client, endpoint="create_token", kind="huge")
    response = create_token(sandbox_client)
    assert response.status_code == 200
    assert len(response.content) == HUGE_BYTES == int(response.headers["content-length"])
    assert len(response.content) > 5 * 1024 * 1024
    assert response.json()["success"] is True


def test_hang_answers_504_without_acting(sandbox_client: TestClient, sandbox: Starlette) -> None:
    arm(sandbox_client, endpoint="create_token", kind="hang", seconds=0)
    response = create_token(sandbox_client)
    assert response.status_code == 504
    assert customers(sandbox) == 0


def test_timeout_acts_then_answers_late(sandbox_client: TestClient, sandbox: Starlette) -> None:
    arm(sandbox_client, endpoint="create_token", kind="timeout", seconds=0)
    response = create_token(sandbox_client)
    assert response.status_code == 200
    assert customers(sandbox) == 1, "the sandbox acted; only the answer was held"


def test_delay_answers_normally(sandbox_client: TestClient, sandbox: Starlette) -> None:
    arm(sandbox_client, endpoint="create_token", kind="delay", seconds=0)
    assert create_token(sandbox_client).status_code == 200


def bearer_headers(token: str) -> list[tuple[bytes, bytes]]:
    return [(b"authorization", f"Bearer {token}".encode()), (b"x-client-id", b"web")]


@pytest.mark.anyio
async def test_drip_sends_headers_then_one_byte_at_a_time(sandbox: Starlette) -> None:
    with TestClient(sandbox) as client:
        token = token_for(client)
        arm(client, endpoint="get_active_basket", kind="drip", seconds=0)
    messages = await call_asgi(
        sandbox, "GET", "/partner/ecom/getActiveBasket", headers=bearer_headers(token)
    )
    assert status_of(messages) == 404, "the normal answer: no basket yet"
    chunks = [m["body"] for m in messages[1:]]
    assert len(chunks) > 20
    assert all(len(chunk) == 1 for chunk in chunks)
    assert [m["more_body"] for m in messages[1:]] == [True] * (len(chunks) - 1) + [False]
    assert json.loads(body_of(messages))["code"] == 404
    assert int(dict(messages[0]["headers"])[b"content-length"]) == len(chunks)


@pytest.mark.anyio
async def test_unprocessed_drip_drips_a_504(sandbox: Starlette) -> None:
    with TestClient(sandbox) as client:
        arm(client, endpoint="get_active_basket", kind="drip", seconds=0, process=False)
    messages = await call_asgi(sandbox, "GET", "/partner/ecom/getActiveBasket")
    assert status_of(messages) == 504
    assert all(len(m["body"]) == 1 for m in messages[1:])
    assert body_of(messages).startswith(b"<html>")


@pytest.mark.anyio
async def test_drop_promises_more_than_it_sends(sandbox: Starlette) -> None:
    with TestClient(sandbox) as client:
        arm(client, endpoint="get_active_basket", kind="drop")
    messages = await call_asgi(sandbox, "GET", "/partner/ecom/getActiveBasket")
    promised = int(dict(messages[0]["headers"])[b"content-length"])
    assert len(body_of(messages)) < promised
    assert messages[-1]["more_body"] is False


@pytest.mark.anyio
async def test_auth_int_challenge_defeats_a_client_that_cannot_do_it(sandbox: Starlette) -> None:
    """The first request, challenge-fetching as it is, gets a challenge offering only
    qop="auth-int", which httpx's DigestAuth cannot answer."""
    with TestClient(sandbox) as client:
        arm(client, endpoint="create_token", kind="auth_int")
    messages = await call_asgi(sandbox, "POST", "/partner/ecom/token")
    assert status_of(messages) == 401
    challenge = dict(messages[0]["headers"])[b"www-authenticate"].decode()
    assert 'qop="auth-int"' in challenge
    assert 'qop="auth"' not in challenge
    with TestClient(sandbox) as client:
        arm(client, endpoint="create_token", kind="auth_int")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(sandbox),
        base_url="http://sandbox",
        auth=httpx.DigestAuth("sandbox-partner", "sandbox-password"),
    ) as minted:
        with pytest.raises(NotImplementedError):
            await minted.post("/partner/ecom/token", json=customer_payload(), headers=HEADERS)
        # httpx keeps the last challenge, so a fresh auth object asks for a new one.
        fresh = httpx.DigestAuth("sandbox-partner", "sandbox-password")
        ok = await minted.post(
            "/partner/ecom/token", json=customer_payload(), headers=HEADERS, auth=fresh
        )
    assert ok.status_code == 200, "one request only: the next gets the normal challenge"


def test_every_kind_is_tested() -> None:
    """A kind added to faults.py without a test here fails this test."""
    source = Path(__file__).read_text(encoding="utf-8")
    untested = [k.value for k in KINDS if f'"{k.value}"' not in source.split("def test_every")[0]]
    assert untested == []
