"""Abuse limits: exactly N requests, then 429 with Retry-After, per partner key, client address
and session; JSON under /api, a page for people; a limiter that is down lets customers in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.helpers import (
    HOST,
    basket_reviewed,
    confirm,
    create_launch,
    customer_payload,
    enter_shop,
    host_client,
    make_settings,
    open_launch,
)
from webview_host.settings import SettingsError

WRONG = {"Authorization": "Bearer wrong-key-0000000000"}


@pytest.fixture
def limited(sandbox: Starlette, sqlite_url: str) -> Iterator[TestClient]:
    """A host whose every limit is 3 an hour (so no window can pass during a test)."""
    with host_client(
        sandbox,
        sqlite_url,
        limit_partner="3/hour",
        limit_partner_failures="3/hour",
        limit_launch="3/hour",
        limit_basket="3/hour",
        limit_confirm="3/hour",
    ) as client:
        yield client


def assert_429(response, *, json: bool) -> None:
    assert response.status_code == 429, response.text
    retry = int(response.headers["retry-after"])
    assert 1 <= retry <= 3600
    if json:
        assert response.json()["error"] == "too_many_requests"
    else:
        assert 'data-testid="error-panel"' in response.text


def test_partner_key_calls(limited: TestClient) -> None:
    for _ in range(3):
        assert create_launch(limited).status_code == 201
    assert_429(create_launch(limited), json=True)


def test_wrong_partner_keys_per_address_and_a_valid_key_still_works(limited: TestClient) -> None:
    body = {"customer": customer_payload()}
    for _ in range(3):
        assert limited.post("/api/v1/launches", json=body, headers=WRONG).status_code == 401
    assert_429(limited.post("/api/v1/launches", json=body, headers=WRONG), json=True)
    assert_429(limited.post("/api/v1/launches", json=body), json=True)
    assert create_launch(limited).status_code == 201, "the partner's own key is not locked out"


def test_launch_codes_per_address(limited: TestClient) -> None:
    for guess in ("a", "b", "c"):
        assert limited.get(f"/launch/guess-{guess}").status_code == 404
    assert_429(limited.get("/launch/guess-d"), json=False)
    link = create_launch(limited).json()["launch_url"].removeprefix(HOST)
    assert_429(limited.post(link), json=False)


def test_basket_reads_per_session(sandbox: Starlette, sqlite_url: str) -> None:
    with host_client(sandbox, sqlite_url, limit_basket="3/hour") as client:
        basket_reads_per_session(client)


def basket_reads_per_session(limited: TestClient) -> None:
    enter_shop(limited)
    for _ in range(3):
        assert limited.get("/api/basket").status_code == 200
    assert_429(limited.get("/api/basket"), json=True)
    assert_429(limited.get("/checkout"), json=False)
    # The result page's status poll reads Minted while an order is unknown: counted alike.
    assert_429(limited.get("/api/orders/any-completion"), json=True)
    limited.cookies.clear()
    assert open_launch(limited, create_launch(limited).json()["launch_url"]).status_code == 303
    assert limited.get("/api/basket").status_code == 200, "another session has its own count"


def test_confirm_per_session(
    sandbox: Starlette, sqlite_url: str, sandbox_client: TestClient
) -> None:
    with host_client(sandbox, sqlite_url, limit_confirm="2/hour") as client:
        _, form = basket_reviewed(client, sandbox_client)
        assert confirm(client, form).status_code == 303
        assert confirm(client, form).status_code == 303
        assert_429(confirm(client, form), json=False)


def test_a_limiter_that_cannot_be_reached_lets_customers_in(
    sandbox: Starlette, sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with host_client(
        sandbox, sqlite_url, redis_url="redis://127.0.0.1:9/0", limit_partner="1/hour"
    ) as client:
        assert create_launch(client).status_code == 201
        assert create_launch(client).status_code == 201
    assert "rate limit store unavailable" in caplog.text


@pytest.mark.parametrize("value", ["lots", "10/fortnight", "-1/minute"])
def test_a_malformed_rule_is_named(value: str) -> None:
    with pytest.raises(SettingsError, match="'WVH_LIMIT_LAUNCH' has value"):
        make_settings(limit_launch=value)


def test_redis_url_is_a_secret() -> None:
    settings = make_settings(redis_url="redis://:hunter2@127.0.0.1:6379/0")
    assert "hunter2" not in repr(settings)
    with pytest.raises(SettingsError, match="'WVH_REDIS_URL' has an unknown scheme"):
        make_settings(redis_url="http://127.0.0.1:6379")
