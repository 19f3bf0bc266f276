"""Minted refusing, timing out or dropping Complete: the outcome is never lost nor doubled."""

from __future__ import annotations

import contextlib
import time
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
    portal,
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


def test_a_refusal_stays_failed_when_the_check_for_an_earlier_order_is_slow(
    sandbox: Starlette, sandbox_client: TestClient, sqlite_url: str
) -> None:
    """Minted refused Complete (a definitive answer), then the read that looks for an order
    an earlier attempt may have made kept timing out, with retries, for longer than the
    stale window: the background sweep took the live pending row for a dead process's
    ("may have been sent, unknown") and the refusal was lost: unknown for good, the
    customer sent to "we are checking" with no order anywhere. The read must give up
    while the row is still its owner's."""
    with host_client(
        sandbox,
        sqlite_url,
        minted_timeout="1",
        pending_stale_seconds="6",
        minted_read_retries="5",  # six reads of 1 s and their backoff: past the stale window
        reconcile_interval="1",
    ) as client:
        _token, form = basket_reviewed(client, sandbox_client, "MNT0001")
        arm(sandbox, endpoint="complete", kind="parameter_error")
        arm(sandbox, endpoint="get_ecom_order", kind="hang", seconds=30, count=12)
        location = confirm(client, form).headers["location"]
        status = client.get("/api" + location).json()
        assert (status["state"], status["retryable"]) == ("failed", True)
        assert client.get("/checkout").status_code == 200, "a new review may try again"
    assert calls(sandbox, "complete") == 1


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


def test_crash_after_sending_complete_is_reconciled(
    host: TestClient, sandbox_client: TestClient, sandbox: Starlette, clock: Clock
) -> None:
    """A pending row whose process died after sending Complete is read from Minted."""
    _token, form = basket_reviewed(host, sandbox_client, "MNT0001")
    claimed, basket = claim_current_basket(host, form)
    ledger = host.app_state["services"].ledger
    assert portal(host).call(ledger.completions.mark_sent, claimed) is not None
    # The "dead" process had sent Complete: Minted made the order.
    sandbox.state.store.complete(claimed.customer_id, basket.token)
    pending = confirm(host, form)
    assert order_page(host, pending.headers["location"])["state"] == "pending"
    clock.advance(host.app_state["services"].settings.pending_stale_seconds + 1)
    assert order_page(host, pending.headers["location"])["state"] == "completed"
    assert calls(sandbox, "complete") == 0


def test_crash_before_sending_complete_can_be_retried(
    host: TestClient, sandbox_client: TestClient, sandbox: Starlette, clock: Clock
) -> None:
    """A pending row whose process died before Complete left failed for certain: the
    customer may confirm again, and Minted sees one Complete."""
    _token, form = basket_reviewed(host, sandbox_client, "MNT0001")
    claim_current_basket(host, form)
    pending = confirm(host, form)
    location = pending.headers["location"]
    assert order_page(host, location)["state"] == "pending"
    clock.advance(host.app_state["services"].settings.pending_stale_seconds + 1)
    failed = order_page(host, location)
    assert failed["state"] == "failed"
    assert "cannot be reached" in failed["order-reason"]
    assert confirm(host, form).headers["location"] == location, "the same page, same outcome"
    assert calls(sandbox, "complete") == 0
    done = confirm(host, review_form(host))
    assert done.headers["location"] == location
    assert order_page(host, location)["state"] == "completed"
    assert calls(sandbox, "complete") == 1


def test_a_lost_complete_stays_unknown_while_minted_shows_a_basket(
    sandbox: Starlette, sandbox_client: TestClient, sqlite_url: str, clock: Clock
) -> None:
    """However long it takes, a Complete that may still land is never declared failed,
    so it is never sent again."""
    with _complete_never_delivered(sandbox, sandbox_client, sqlite_url, clock) as (
        client,
        form,
        location,
        _,
    ):
        for hours in (1, 24, 72):
            clock.advance(hours * 3600)
            assert order_page(client, location)["state"] == "unknown"
        assert confirm(client, form).headers["location"] == location
        review = client.get("/checkout")
        assert review.status_code == 303, "review leads to the order being checked"
        assert review.headers["location"] == location
        assert calls(sandbox, "complete") == 0, "the one Complete was lost; none was resent"


def test_a_late_complete_settles_the_unknown_as_completed(
    sandbox: Starlette, sandbox_client: TestClient, sqlite_url: str, clock: Clock
) -> None:
    """Minted completes long after our call gave up: the order is found, not redone."""
    with _complete_never_delivered(sandbox, sandbox_client, sqlite_url, clock) as (
        client,
        form,
        location,
        token,
    ):
        clock.advance(client.app_state["services"].settings.pending_stale_seconds + 1)
        assert order_page(client, location)["state"] == "unknown"
        store = sandbox.state.store
        basket = store.active_basket(store.customer_for_token(token))
        store.complete(basket.customer_id, basket.token)  # the "lost" call lands late
        again = confirm(client, form)
        assert again.headers["location"] == location
        assert order_page(client, location)["state"] == "completed"
        assert calls(sandbox, "complete") == 0, "ours was lost on the way; no second one"


def test_a_404_while_reconciling_keeps_the_completion_unknown(
    sandbox: Starlette, sandbox_client: TestClient, sqlite_url: str, clock: Clock
) -> None:
    with _complete_never_delivered(sandbox, sandbox_client, sqlite_url, clock) as (
        client,
        _form,
        location,
        token,
    ):
        assert order_page(client, location)["state"] == "unknown"
        store = sandbox.state.store
        basket = store.active_basket(store.customer_for_token(token))
        del store.baskets[basket.token]
        assert order_page(client, location)["state"] == "unknown", "a 404 proves nothing"


def test_the_sweep_settles_unknowns_nobody_looks_at(
    sandbox: Starlette, sandbox_client: TestClient, sqlite_url: str, clock: Clock
) -> None:
    """The customer closed the app: the background sweep still records the order."""
    transport = LosingTransport(httpx.ASGITransport(app=sandbox))
    with host_client(sandbox, sqlite_url, clock, transport, reconcile_interval="1") as client:
        _token, form = basket_reviewed(client, sandbox_client, "MNT0001")
        # Minted cannot be read while the customer is there (a read is tried 3 times).
        arm(sandbox, endpoint="get_ecom_order", kind="status", status=503, count=3)
        transport.lose_next("/partner/ecom/complete", httpx.ReadTimeout("slow"))
        location = confirm(client, form).headers["location"]
        completions = client.app_state["services"].ledger.completions
        completion_id = location.rsplit("/", 1)[1]
        states = []
        for _ in range(100):  # poll the ledger (no request of ours settles it)
            current = portal(client).call(completions.get, completion_id)
            states.append(current.state)
            if current.state == "completed":
                break
            time.sleep(0.05)
        assert states[0] == "unknown"
        assert states[-1] == "completed"
        assert calls(sandbox, "complete") == 1


@contextlib.contextmanager
def _complete_never_delivered(
    sandbox: Starlette, sandbox_client: TestClient, sqlite_url: str, clock: Clock
) -> Iterator[tuple[TestClient, dict[str, str], str, str]]:
    """A confirmed basket whose Complete was lost on the way to Minted (sent, for all
    we know): (client, review form, order location, webview token)."""
    transport = LosingTransport(httpx.ASGITransport(app=sandbox))
    with host_client(sandbox, sqlite_url, clock, transport) as client:
        token, form = basket_reviewed(client, sandbox_client, "MNT0001")
        transport.lose_next("/partner/ecom/complete", httpx.ReadTimeout("t"), delivered=False)
        yield client, form, confirm(client, form).headers["location"], token
