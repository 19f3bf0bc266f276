"""Launch links, the session cookie and the Minted token behind the shell."""

from __future__ import annotations

import re

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.helpers import (
    HOST,
    Clock,
    arm,
    calls,
    create_launch,
    customer_payload,
    enter_shop,
    put_item,
    webview_token,
)


def test_launch_code_cannot_be_replayed(host: TestClient) -> None:
    launch = create_launch(host).json()["launch_url"].removeprefix(HOST)
    assert host.get(launch).status_code == 303
    host.cookies.clear()
    replay = host.get(launch)
    assert replay.status_code == 410
    assert "expired or was already used" in replay.text
    assert launch.rsplit("/", 1)[1] not in replay.text, "the code is not echoed"
    unknown = host.get("/launch/not-a-real-code")
    assert unknown.status_code == 404
    assert 'data-testid="error-panel"' in unknown.text


def test_expired_launch_code(host: TestClient, clock: Clock) -> None:
    launch = create_launch(host).json()["launch_url"].removeprefix(HOST)
    clock.advance(61)
    assert host.get(launch).status_code == 410


def test_create_token_failure_offers_a_retry_that_works(
    host: TestClient, sandbox: Starlette
) -> None:
    launch = create_launch(host).json()["launch_url"].removeprefix(HOST)
    arm(sandbox, endpoint="create_token", kind="status", status=503)
    failed = host.get(launch)
    assert failed.status_code == 503
    assert 'data-testid="retry-button"' in failed.text
    assert re.search(r'data-testid="support-code">WVH-[A-Z0-9]+<', failed.text)
    retried = host.get(launch)
    assert retried.status_code == 303, "the code was given back, so Try again works"


@pytest.mark.parametrize("cookie", ["garbage", "e30.AAAA.BBBB", ""])
def test_tampered_cookie_is_a_clear_page_not_an_error(host: TestClient, cookie: str) -> None:
    host.cookies.set("wvh_session", cookie)
    page = host.get("/shop")
    assert page.status_code == 401
    assert "Your session has ended" in page.text or "Oturumunuz sona erdi" in page.text
    api = host.get("/api/basket")
    assert api.status_code == 401
    assert api.json()["error"] == "no_session"


def test_forged_session_signed_with_another_key_is_refused(host: TestClient) -> None:
    enter_shop(host)
    value = host.cookies["wvh_session"]
    head, _, _ = value.rpartition(".")
    host.cookies.clear()
    host.cookies.set("wvh_session", head + ".forgedsignature")
    assert host.get("/shop").status_code == 401


def test_expired_token_is_renewed_once(
    host: TestClient, sandbox_client: TestClient, sandbox: Starlette
) -> None:
    token = enter_shop(host)
    put_item(sandbox_client, token, "MNT0001", 1)
    before = calls(sandbox, "create_token")
    sandbox.state.store.expire_tokens()
    body = host.get("/api/basket").json()
    assert body["item_count"] == 1
    assert calls(sandbox, "create_token") == before + 1
    assert body["webview_url"].startswith("http://127.0.0.1:8001/webview/?token=")
    new_token = webview_token(host)
    assert new_token != token, "the new token is in the cookie and the shell"
    assert host.get("/api/basket").json()["item_count"] == 1
    assert calls(sandbox, "create_token") == before + 1


def test_basket_read_failure_is_a_json_503(host: TestClient, sandbox: Starlette) -> None:
    enter_shop(host)
    arm(sandbox, endpoint="get_active_basket", kind="status", status=502, count=3)
    response = host.get("/api/basket")
    assert response.status_code == 503
    assert response.json()["error"] == "upstream_unavailable"
    assert host.get("/api/basket").status_code == 200, "and it recovers"


def test_turkish_is_the_default_language(host: TestClient, sandbox_client: TestClient) -> None:
    response = host.post(
        "/api/v1/launches",
        json={"customer": customer_payload()},
        headers={"Authorization": "Bearer dev-partner-key"},
    )
    host.get(response.json()["launch_url"].removeprefix(HOST))
    token = webview_token(host)
    put_item(sandbox_client, token, "MNT0001", 1)
    review = host.get("/checkout").text
    assert '<html lang="tr">' in review
    assert "Onayla ve satın al" in review
    assert "₺" in review
