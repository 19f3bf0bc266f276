"""Buying in-process: launch to order, exactly once whatever the duplicates."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.helpers import (
    Clock,
    arm,
    basket_reviewed,
    calls,
    confirm,
    customer_payload,
    enter_shop,
    host_client,
    order_page,
    portal,
    put_item,
    review_form,
)


def test_happy_path_from_launch_to_order(
    any_host: TestClient, sandbox_client: TestClient, sandbox: Starlette
) -> None:
    client = any_host
    customer = customer_payload()
    token = enter_shop(client, customer)

    empty = client.get("/api/basket").json()
    assert empty["has_basket"] is False
    assert empty["item_count"] == 0

    put_item(sandbox_client, token, "MNT0001", 1)
    put_item(sandbox_client, token, "MNS0100", 2)
    live = client.get("/api/basket").json()
    assert live["item_count"] == 3
    assert live["pricefix"]["remaining"] > 200

    review = client.get("/checkout")
    assert review.text.count('data-testid="checkout-line"') == 2
    assert 'data-testid="checkout-total"' in review.text
    assert 'data-testid="fee-silver_craftsmanship"' in review.text

    done = confirm(client, review_form(client))
    assert done.status_code == 303
    location = done.headers["location"]
    assert location.startswith("/orders/")
    result = order_page(client, location)
    assert result["state"] == "completed"
    assert result["order-status"] == "Your order is placed"
    assert re.fullmatch(r"[A-Z0-9]{8}", result["order-code"])
    assert result["support-code"].startswith("WVH-")
    assert calls(sandbox, "complete") == 1
    orders = sandbox.state.store.baskets.values()
    assert sum(b.status == "order" for b in orders) == 1

    status = client.get(f"/api/orders/{location.rsplit('/', 1)[1]}").json()
    assert status["state"] == "completed"
    assert status["terminal"] is True

    after = client.get("/checkout")
    assert 'data-testid="checkout-empty"' in after.text, "no way back into a completed checkout"
    assert 'data-testid="confirm-button"' not in after.text
    assert f'href="{location}" data-testid="recent-order"' in after.text


def test_complete_twice_sequentially_is_one_order(
    host: TestClient, sandbox_client: TestClient, sandbox: Starlette
) -> None:
    _token, form = basket_reviewed(host, sandbox_client, "MNT0001")
    first = confirm(host, form)
    second = confirm(host, form)
    assert first.headers["location"] == second.headers["location"]
    assert calls(sandbox, "complete") == 1


def test_fifty_concurrent_completes_make_one_upstream_call(
    any_host: TestClient, sandbox_client: TestClient, sandbox: Starlette
) -> None:
    _token, form = basket_reviewed(any_host, sandbox_client, "MNT0001")
    # Minted is slow to complete, so the other 49 arrive while the first is in flight.
    arm(sandbox, endpoint="complete", kind="delay", seconds=0.5)
    with ThreadPoolExecutor(max_workers=50) as pool:
        responses = list(pool.map(lambda _: confirm(any_host, form), range(50)))
    assert {r.status_code for r in responses} == {303}
    locations = {r.headers["location"] for r in responses}
    assert len(locations) == 1, "every response shows the same order"
    assert calls(sandbox, "complete") == 1
    assert order_page(any_host, locations.pop())["state"] == "completed"
    rows = portal(any_host).call(
        any_host.app_state["services"].ledger.database.execute, "SELECT id FROM completions"
    )
    assert len(rows) == 1


def test_two_instances_on_one_database_complete_once(
    sandbox: Starlette, sandbox_client: TestClient, database_url: str, clock: Clock
) -> None:
    """Two host instances (own pools, own event loops) share the ledger and the cookie keys."""
    with (
        host_client(sandbox, database_url, clock) as a,
        host_client(sandbox, database_url, clock) as b,
    ):
        _token, form = basket_reviewed(a, sandbox_client, "MNT0005")
        b.cookies = a.cookies
        arm(sandbox, endpoint="complete", kind="delay", seconds=0.5)
        with ThreadPoolExecutor(max_workers=20) as pool:
            responses = list(pool.map(lambda i: confirm(a if i % 2 else b, form), range(20)))
        assert len({r.headers["location"] for r in responses}) == 1
        assert calls(sandbox, "complete") == 1


def test_orders_of_other_customers_are_not_found(
    host: TestClient, sandbox_client: TestClient, sandbox: Starlette
) -> None:
    token = enter_shop(host)
    put_item(sandbox_client, token, "MNT0001", 1)
    location = confirm(host, review_form(host)).headers["location"]
    host.cookies.clear()
    enter_shop(host)
    assert host.get(location).status_code == 404
    assert host.get("/api" + location).status_code == 404
