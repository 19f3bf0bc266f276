"""What the host's pages give a partner app, in-process: the bridge configuration, the
events they declare (valid against their schemas), Close and the return link with its
result token, the Minted iframe's policy, and the harness (sandbox mode only)."""

from __future__ import annotations

import json
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from jsonschema import Draft202012Validator
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.helpers import (
    HOST,
    PARTNER_KEY,
    Clock,
    confirm,
    create_launch,
    customer_payload,
    enter_shop,
    host_client,
    inline_code,
    open_launch,
    put_item,
    review_form,
)
from webview_host.app import create_app
from webview_host.policy import SANDBOX_COOKIE_KEY
from webview_host.results import verify
from webview_host.settings import Secret, Settings

EVENTS = Path(__file__).resolve().parent.parent.parent / "static" / "bridge" / "v1" / "events"
PARTNER = "https://app.partner.example"


class _Page(HTMLParser):
    """The bridge-related parts of a page: its config, declared events, Close, iframe."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.config: dict[str, Any] = {}
        self.events: list[tuple[str, str | None, dict[str, Any]]] = []
        self.close_control: dict[str, str | None] | None = None
        self.iframe: dict[str, str | None] = {}
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script" and "data-config" in found:
            self.config = json.loads(found["data-config"] or "{}")
        if "data-bridge-emit" in found:
            data = json.loads(found["data-bridge-data"] or "{}")
            self.events.append(
                (found["data-bridge-emit"] or "", found.get("data-bridge-once"), data)
            )
        if "data-bridge-close" in found:
            self.close_control = found
        if tag == "iframe" and found.get("id") == "webview-frame":
            self.iframe = found


def page_of(client: TestClient, path: str) -> _Page:
    response = client.get(path)
    assert response.status_code in (200, 401), response.text
    return _Page(response.text)


def assert_event_valid(event_type: str, data: dict[str, Any], session: str | None) -> None:
    """What the page declares, wrapped as bridge.js wraps it, validates."""
    schema = json.loads((EVENTS / f"{event_type}.schema.json").read_text())
    envelope = {
        "v": 1,
        "type": event_type,
        "seq": 1,
        "ts": "2026-01-31T10:00:00.000Z",
        "session": session,
        "data": data,
    }
    errors = [e.message for e in Draft202012Validator(schema).iter_errors(envelope)]
    assert not errors, f"{event_type}: {errors}"


@pytest.fixture
def partner_host(sandbox: Starlette, sqlite_url: str, clock: Clock) -> Any:
    with host_client(
        sandbox,
        sqlite_url,
        clock,
        partner_origins=PARTNER,
        return_url_schemes="bankapp",
        bridge_ios_handler="bankBridge",
        bridge_url_scheme="bankapp-events",
        iframe_allow="clipboard-write 'src'",
    ) as client:
        yield client


def test_pages_carry_the_bridge_configuration(partner_host: TestClient) -> None:
    enter_shop(partner_host)
    page = page_of(partner_host, "/shop")
    config = page.config
    assert config["v"] == 1
    assert config["ios"] == "bankBridge"
    assert config["android"] == "WebviewHostAndroid"
    assert config["scheme"] == "bankapp-events"
    assert config["parent_origins"] == [PARTNER, HOST], "sandbox mode adds the harness's"
    assert len(config["session"]) >= 12, "an opaque id"
    assert 3500 < config["expires_in"] <= 3600
    assert config["expiry_warning"] == 120
    assert page.iframe["sandbox"] == "allow-scripts allow-same-origin allow-forms"
    assert page.iframe["allow"] == "clipboard-write 'src'"
    assert page.close_control is not None, "the shell has a Close control"
    csp = partner_host.get("/shop").headers["content-security-policy"]
    assert "frame-src http://127.0.0.1:8001 bankapp-events:" in csp
    assert f"frame-ancestors 'self' {PARTNER}" in csp


def test_the_session_id_is_not_a_credential(partner_host: TestClient) -> None:
    enter_shop(partner_host)
    sid = page_of(partner_host, "/shop").config["session"]
    partner_host.cookies.clear()
    partner_host.cookies.set("wvh_session", sid)
    assert partner_host.get("/api/session").status_code == 401, "the id alone opens nothing"


def test_review_and_result_pages_declare_valid_events(
    partner_host: TestClient, sandbox_client: TestClient
) -> None:
    token = enter_shop(partner_host)
    put_item(sandbox_client, token, "MNT0001", 2)
    review = page_of(partner_host, "/checkout")
    session = review.config["session"]
    [(event_type, once, data)] = review.events
    assert event_type == "checkout.started"
    assert (once or "").startswith("checkout:")
    assert data["item_count"] == 2
    assert_event_valid(event_type, data, session)

    location = confirm(partner_host, review_form(partner_host)).headers["location"]
    result = page_of(partner_host, location)
    [(event_type, once, data)] = result.events
    assert event_type == "order.completed"
    assert once == f"order:{data['completion_id']}:completed"
    assert isinstance(data["total"], str), "money is a decimal string"
    assert_event_valid(event_type, data, session)


def test_a_failed_order_declares_order_failed(
    partner_host: TestClient, sandbox_client: TestClient, sandbox: Starlette
) -> None:
    from webview_host.sandbox.faults import Fault

    token = enter_shop(partner_host)
    put_item(sandbox_client, token, "MNT0001", 1)
    form = review_form(partner_host)
    sandbox.state.faults.arm(Fault.from_json({"endpoint": "complete", "kind": "parameter_error"}))
    location = confirm(partner_host, form).headers["location"]
    page = page_of(partner_host, location)
    [(event_type, _, data)] = page.events
    assert event_type == "order.failed"
    assert data["retryable"] is True
    assert data["reason"] == "rejected"
    assert_event_valid(event_type, data, page.config["session"])


def test_no_session_page_declares_session_expired_and_offers_close(
    partner_host: TestClient,
) -> None:
    page = page_of(partner_host, "/shop")
    assert page.events == [("session.expired", "session.expired", {"reason": "no_session"})]
    assert_event_valid("session.expired", {"reason": "no_session"}, None)
    assert page.close_control is not None


def test_result_links_back_to_the_app_with_a_verifiable_one_time_token(
    partner_host: TestClient, sandbox_client: TestClient
) -> None:
    customer = customer_payload()
    launch = create_launch(partner_host, customer, return_url="bankapp://shop/done?x=1")
    assert launch.status_code == 201, launch.text
    open_launch(partner_host, launch.json()["launch_url"].removeprefix(HOST))
    shell = page_of(partner_host, "/shop")
    assert shell.close_control is not None
    assert shell.close_control["href"] == "bankapp://shop/done?x=1", "Close leads back to the app"
    webview = shell.iframe["src"] or ""
    put_item(sandbox_client, parse_qs(urlsplit(webview).query)["token"][0], "MNT0001", 1)
    location = confirm(partner_host, review_form(partner_host)).headers["location"]
    result = page_of(partner_host, location)
    assert result.close_control is not None
    link = result.close_control["href"] or ""
    assert link.startswith("bankapp://shop/done?x=1&completion_id=")
    query = parse_qs(urlsplit(link).query)
    assert query["state"] == ["completed"]
    keys = [Secret(SANDBOX_COOKIE_KEY)]
    claims = verify(query["result_token"][0], keys, max_age=900)
    assert claims is not None
    assert claims.completion_id == query["completion_id"][0] == location.rsplit("/", 1)[1]
    again = page_of(partner_host, location).close_control
    assert again is not None
    second = verify(
        parse_qs(urlsplit(again["href"] or "").query)["result_token"][0], keys, max_age=900
    )
    assert second is not None
    assert second.nonce != claims.nonce, "each page view hands out its own one-time token"


def test_the_status_api_accepts_the_result_token_once(
    partner_host: TestClient, sandbox_client: TestClient
) -> None:
    """The partner backend checks the return it got: genuine once, then refused."""
    launch = create_launch(partner_host, return_url="bankapp://shop/done")
    open_launch(partner_host, launch.json()["launch_url"].removeprefix(HOST))
    webview = page_of(partner_host, "/shop").iframe["src"] or ""
    put_item(sandbox_client, parse_qs(urlsplit(webview).query)["token"][0], "MNT0001", 1)
    location = confirm(partner_host, review_form(partner_host)).headers["location"]
    result = page_of(partner_host, location).close_control
    assert result is not None
    query = parse_qs(urlsplit(result["href"] or "").query)
    completion_id, token = query["completion_id"][0], query["result_token"][0]
    key = {"Authorization": f"Bearer {PARTNER_KEY}"}
    status = f"/api/v1/orders/{completion_id}"
    first = partner_host.get(status, params={"result_token": token}, headers=key)
    assert first.status_code == 200, first.text
    assert first.json()["result_token"] == {"accepted": True, "state_shown": "completed"}
    assert first.json()["state"] == "completed"
    again = partner_host.get(status, params={"result_token": token}, headers=key)
    assert again.status_code == 409
    assert again.json()["error"] == "result_token_used"
    forged = partner_host.get(status, params={"result_token": token[:-3] + "AAA"}, headers=key)
    assert forged.status_code == 422
    other = partner_host.get(
        "/api/v1/orders/not-this-one", params={"result_token": token}, headers=key
    )
    assert other.status_code in (404, 422), "a token speaks for its own completion only"


def test_harness_is_served_in_sandbox_mode_with_its_own_policy(partner_host: TestClient) -> None:
    page = partner_host.get("/dev/partner-app")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "frame-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert inline_code(page.text) == []
    assert 'value="dev-partner-key"' in page.text, "the published development key is filled in"
    schemas = partner_host.get("/dev/partner-app/schemas").json()
    assert set(schemas) == {"events", "commands"}
    assert "order.completed" in schemas["events"]


def test_harness_never_fills_in_a_real_partner_key(sandbox: Starlette, sqlite_url: str) -> None:
    with host_client(sandbox, sqlite_url, partner_keys="a-real-partner-key-123") as client:
        page = client.get("/dev/partner-app")
        assert page.status_code == 200
        assert "a-real-partner-key-123" not in page.text


def test_harness_does_not_exist_outside_sandbox_mode(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "WVH_MINTED_BASE_URL": "https://api.staging.mintedconnect.com",
            "WVH_MINTED_USERNAME": "partner",
            "WVH_MINTED_PASSWORD": "s3cret-password",
            "WVH_WEBVIEW_URL_TEMPLATE": "https://webview.example.com/?token={token}",
            "WVH_COOKIE_KEYS": "Vx0rK3qf9Lr7yBz2N4cT8wPa6mJ1sHd5uGe0kQiWoYn",
            "WVH_PARTNER_KEYS": "pk_Jt7Hw2Lm9Qx4Rb6Nc1Vz8Kd3Fs5Gy0Ua2Ee7Oi4P",
            "WVH_PUBLIC_URL": "https://shop.partner.example",
            "WVH_DATABASE_URL": f"sqlite:///{tmp_path}/ledger.sqlite3",
        }
    )
    app = create_app(settings, minted_transport=httpx.MockTransport(lambda r: httpx.Response(500)))
    with TestClient(app, base_url="https://shop.partner.example") as client:
        for path in ("/dev/partner-app", "/dev/partner-app/schemas"):
            assert client.get(path).status_code == 404
        assert client.post("/dev/partner-app/session/lapse", json={"seconds": 1}).status_code in (
            404,
            405,
        )
        csp = client.get("/").headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp, "outside sandbox mode nothing frames us"


def test_lapse_shortens_the_session_and_never_lengthens_it(partner_host: TestClient) -> None:
    enter_shop(partner_host)
    headers = {"Origin": HOST}
    for bad in ({}, {"seconds": "soon"}, {"seconds": 0}, {"seconds": 99999}):
        answer = partner_host.post("/dev/partner-app/session/lapse", json=bad, headers=headers)
        assert answer.status_code == 422, bad
    foreign = partner_host.post(
        "/dev/partner-app/session/lapse", json={"seconds": 5}, headers={"Origin": PARTNER}
    )
    assert foreign.status_code == 403
    answer = partner_host.post(
        "/dev/partner-app/session/lapse", json={"seconds": 5}, headers=headers
    )
    assert answer.status_code == 200
    assert answer.json()["expires_at"] <= time.time() + 5
    assert page_of(partner_host, "/shop").config["expires_in"] <= 5
    longer = partner_host.post(
        "/dev/partner-app/session/lapse", json={"seconds": 3600}, headers=headers
    )
    assert longer.json()["expires_at"] <= time.time() + 5, "QA can end a session, not extend it"
