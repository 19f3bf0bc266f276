"""Minted refusing, timing out or dropping Complete: the outcome is never lost nor doubled."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.helpers import (
    Clock,
    arm,
    basket_reviewed,
    calls,
    claim_current_basket,
    confirm,
    host_client,
    order_page,
    review_form,
)
from tests.transports import LosingTransport


def test_complete_refused_by_minted_can_be_retried(
    host: TestClient, sandbox_client: TestClient, sandbox: Starlette
) -> None:
    _token, form = basket_reviewed(host, sandbox_client, "MNT0001")
    arm(sandbox, endpoint="complete", kind="parameter_error")
    first = confirm(host, form)
    failed = order_page(host, first.headers["location"])
    assert failed["state"] == "failed"
    assert failed["order-reason"] == "Minted did not accept the order."
    again = confirm(host, review_form(host))
    assert again.headers["location"] == first.headers["location"], "same basket, same record"
    assert order_page(host, again.headers["location"])["state"] == "completed"
    assert calls(sandbox, "complete") == 2


@pytest.mark.parametrize("lost", [httpx.ReadTimeout("slow"), httpx.ReadError("reset")])
def test_complete_timeout_is_unknown_then_reconciled(
    sandbox: Starlette, sandbox_client: TestClient, sqlite_url: str, clock: Clock, lost: Exception
) -> None:
    transport = LosingTransport(httpx.ASGITransport(app=sandbox))
    with host_client(sandbox, sqlite_url, clock, transport) as client:
        _token, form = basket_reviewed(client, sandbox_client, "MNT0001")
        # Minted completes the order but its answer never arrives.
        transport.lose_next("/partner/ecom/complete", lost)
        response = confirm(client, form)
        result = order_page(client, response.headers["location"])
        assert result["state"] == "completed", "reconciled by reading Minted's order"
        assert calls(sandbox, "complete") == 1
        assert calls(sandbox, "get_ecom_order") == 1


def test_unknown_stays_unknown_until_minted_can_be_read(
    sandbox: Starlette, sandbox_client: TestClient, sqlite_url: str, clock: Clock
) -> None:
    with host_client(
        sandbox, sqlite_url, clock, minted_timeout="0.3", minted_read_retries="0"
    ) as client:
        _token, form = basket_reviewed(client, sandbox_client, "MNT0001")
        arm(sandbox, endpoint="complete", kind="drop")
        # Reading Minted fails at Complete time, on the result page and on a resubmit.
        arm(sandbox, endpoint="get_ecom_order", kind="status", status=503, count=3)
        response = confirm(client, form)
        location = response.headers["location"]
        checking = order_page(client, location)
        assert checking["state"] == "unknown"
        assert "checking" in checking["order-status"]
        again = confirm(client, form)
        assert again.headers["location"] == location
        assert calls(sandbox, "complete") == 1, "an unknown outcome is never completed again"
        assert order_page(client, location)["state"] == "completed", "reconciled once readable"
        assert calls(sandbox, "get_ecom_order") == 4


def test_crash_between_claim_and_answer_is_reconciled(
    host: TestClient, sandbox_client: TestClient, sandbox: Starlette, clock: Clock
) -> None:
    """A pending row whose process died is stale after a while and is read from Minted."""
    _token, form = basket_reviewed(host, sandbox_client, "MNT0001")
    claimed, basket = claim_current_basket(host)
    # The "dead" process had sent Complete: Minted made the order.
    sandbox.state.store.complete(claimed.customer_id, basket.token)
    pending = confirm(host, form)
    assert order_page(host, pending.headers["location"])["state"] == "pending"
    clock.advance(host.app_state["services"].settings.pending_stale_seconds + 1)
    assert order_page(host, pending.headers["location"])["state"] == "completed"
    assert calls(sandbox, "complete") == 0


def test_lost_complete_that_minted_never_received_becomes_retryable(
    sandbox: Starlette, sandbox_client: TestClient, sqlite_url: str, clock: Clock
) -> None:
    """A basket still a basket is only declared failed after the grace period."""
    with _complete_never_delivered(sandbox, sandbox_client, sqlite_url, clock) as (
        client,
        _form,
        location,
        _,
    ):
        assert order_page(client, location)["state"] == "unknown", "too early to conclude"
        clock.advance(client.app_state["services"].settings.pending_stale_seconds + 1)
        failed = order_page(client, location)
        assert failed["state"] == "failed"
        assert "cannot be reached" in failed["order-reason"]
        done = confirm(client, review_form(client))
        assert done.headers["location"] == location
        assert order_page(client, location)["state"] == "completed"
        assert calls(sandbox, "complete") == 1, "the lost call never reached Minted"


def test_late_complete_is_found_when_the_customer_retries(
    sandbox: Starlette, sandbox_client: TestClient, sqlite_url: str, clock: Clock
) -> None:
    """Minted completed after we had given up: a retry finds the order, not an empty basket."""
    with _complete_never_delivered(sandbox, sandbox_client, sqlite_url, clock) as (
        client,
        form,
        location,
        token,
    ):
        clock.advance(client.app_state["services"].settings.pending_stale_seconds + 1)
        assert order_page(client, location)["state"] == "failed"
        store = sandbox.state.store
        basket = store.active_basket(store.customer_for_token(token))
        store.complete(basket.customer_id, basket.token)  # the "lost" call lands late
        again = confirm(client, form)
        assert again.headers["location"] == location
        assert order_page(client, location)["state"] == "completed"


@contextlib.contextmanager
def _complete_never_delivered(
    sandbox: Starlette, sandbox_client: TestClient, sqlite_url: str, clock: Clock
) -> Iterator[tuple[TestClient, dict[str, str], str, str]]:
    """A confirmed basket whose Complete timed out before reaching Minted:
    (client, review form, order location, webview token)."""
    transport = LosingTransport(httpx.ASGITransport(app=sandbox))
    with host_client(sandbox, sqlite_url, clock, transport) as client:
        token, form = basket_reviewed(client, sandbox_client, "MNT0001")
        transport.lose_next("/partner/ecom/complete", httpx.ReadTimeout("t"), delivered=False)
        yield client, form, confirm(client, form).headers["location"], token
