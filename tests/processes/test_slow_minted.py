"""A Minted slower than our deadline: the Complete is sent once, and its order is found."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from tests.helpers import postgres_schema
from tests.servers import Server, shop_with_one_item, stack
from webview_host.sandbox.control import SandboxControl

pytestmark = pytest.mark.postgres

DEADLINE = 1  # WVH_MINTED_TIMEOUT
STALE = 6  # WVH_PENDING_STALE_SECONDS: the smallest allowed, deadline + 5
MINTED_TAKES = STALE + 2  # Minted completes after the stale window has passed


@pytest.fixture(scope="module")
def slow_stack() -> Iterator[tuple[Server, ...]]:
    with (
        postgres_schema() as database_url,
        stack(
            database_url,
            hosts=2,
            WVH_MINTED_TIMEOUT=str(DEADLINE),
            WVH_PENDING_STALE_SECONDS=str(STALE),
            WVH_MINTED_READ_RETRIES="0",
            WVH_RECONCILE_INTERVAL="1",
        ) as servers,
    ):
        yield servers


def state_of(client: httpx.Client, location: str) -> str:
    status = client.get("/api" + location)
    assert status.status_code == 200, status.text
    state: str = status.json()["state"]
    return state


def test_a_complete_slower_than_the_stale_window_is_sent_once(
    slow_stack: tuple[Server, ...],
) -> None:
    sandbox, host_a, host_b = slow_stack
    with (
        httpx.Client(base_url=host_a.url, timeout=30) as client,
        httpx.Client(base_url=host_b.url, timeout=30) as other,
        SandboxControl(sandbox.url) as control,
    ):
        form, customer_id = shop_with_one_item(client, sandbox)
        other.cookies = client.cookies
        before = control.calls().get("complete", 0)
        control.fault("complete", "delay", seconds=MINTED_TAKES)
        started = time.monotonic()
        first = client.post("/checkout/complete", data=form)
        location = first.headers["location"]
        assert state_of(client, location) == "unknown", "our deadline passed: outcome unknown"
        seen = set()
        # Until Minted finally completes: duplicates on both instances, a new review, the
        # result page, long past the stale window. None of them may send Complete again.
        while time.monotonic() - started < MINTED_TAKES - 0.5:
            for browser in (client, other):
                again = browser.post("/checkout/complete", data=form)
                assert again.headers["location"] == location
                review = browser.get("/checkout")
                assert review.status_code == 303, "no Confirm form while the order is unknown"
                seen.add(state_of(browser, location))
            time.sleep(0.5)  # the poll interval
        assert seen == {"unknown"}, "never failed, never retried"
        for _ in range(100):
            if state_of(client, location) == "completed":
                break
            time.sleep(0.2)  # the poll interval: Minted's late order is found
        assert state_of(other, location) == "completed", (
            sandbox.output()[-3000:] + host_a.output()[-3000:]
        )
        assert control.calls()["complete"] == before + 1
        assert len(control.customer(customer_id)["orders"]) == 1
