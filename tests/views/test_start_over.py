"""The shell's "Start over": a confirmation page, then Minted's Clear Basket, then the shop."""

from __future__ import annotations

import re

from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.helpers import HOST, arm, enter_shop, put_item


def confirm_form(client: TestClient) -> dict[str, str]:
    page = client.get("/start-over")
    assert page.status_code == 200
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf, "the page asks for confirmation with a form"
    return {"csrf": csrf.group(1)}


def test_the_shell_offers_start_over(host: TestClient) -> None:
    enter_shop(host)
    shell = host.get("/shop").text
    assert 'href="/start-over" data-testid="start-over-link"' in shell


def test_start_over_asks_then_empties_the_basket(
    host: TestClient, sandbox_client: TestClient, sandbox: Starlette
) -> None:
    token = enter_shop(host)
    basket = put_item(sandbox_client, token, "MNT0001", 2)
    page = host.get("/start-over")
    assert 'data-testid="start-over-confirm"' in page.text
    assert 'data-testid="start-over-total"' in page.text
    assert sandbox.state.store.baskets[basket["token"]].items, "asking changes nothing"
    done = host.post("/start-over", data=confirm_form(host), headers={"Origin": HOST})
    assert done.status_code == 303
    assert done.headers["location"] == "/shop"
    assert sandbox.state.store.baskets[basket["token"]].items == {}
    assert host.get("/api/basket").json()["item_count"] == 0


def test_start_over_with_an_empty_basket_says_so(host: TestClient) -> None:
    enter_shop(host)
    page = host.get("/start-over")
    assert 'data-testid="start-over-empty"' in page.text
    assert 'data-testid="start-over-confirm"' not in page.text


def test_start_over_needs_csrf_and_our_origin(
    host: TestClient, sandbox_client: TestClient, sandbox: Starlette
) -> None:
    token = enter_shop(host)
    basket = put_item(sandbox_client, token, "MNT0001", 1)
    form = confirm_form(host)
    assert (
        host.post("/start-over", data={"csrf": "forged"}, headers={"Origin": HOST}).status_code
        == 403
    )
    evil = host.post("/start-over", data=form, headers={"Origin": "https://evil.example"})
    assert evil.status_code == 403
    assert sandbox.state.store.baskets[basket["token"]].items, "nothing was cleared"


def test_start_over_without_a_session_is_the_relaunch_page(host: TestClient) -> None:
    assert host.get("/start-over").status_code == 401
    assert host.post("/start-over", data={"csrf": "x"}, headers={"Origin": HOST}).status_code == 401


def test_start_over_when_minted_fails_shows_the_error_page_with_retry(
    host: TestClient, sandbox_client: TestClient, sandbox: Starlette
) -> None:
    token = enter_shop(host)
    put_item(sandbox_client, token, "MNT0001", 1)
    form = confirm_form(host)
    arm(sandbox, endpoint="clear_basket", kind="status", status=502)
    response = host.post("/start-over", data=form, headers={"Origin": HOST})
    assert response.status_code == 503
    assert "WVH-" in response.text
