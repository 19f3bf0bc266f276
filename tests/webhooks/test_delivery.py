"""Webhook delivery: every outcome becomes a signed event, retried with backoff until it lands."""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.helpers import Clock, arm, basket_reviewed, buy, confirm, portal
from tests.webhooks.receiver import SECRET, Receiver
from webview_host.ledger import EventState
from webview_host.services import Services


def services_of(client: TestClient) -> Services:
    found: Services = client.app_state["services"]
    return found


def run_worker(client: TestClient) -> list[Any]:
    """One run of the webhook worker, as the background job does it."""
    dispatcher = services_of(client).webhooks
    assert dispatcher is not None
    return portal(client).call(dispatcher.run_once)


def events(client: TestClient) -> list[Any]:
    found, _ = portal(client).call(
        lambda: services_of(client).ledger.outbox.page(limit=100, offset=0)
    )
    return found


def signed_by(secret: str, received: Any) -> bool:
    parts = dict(p.split("=", 1) for p in received.signature.split(",") if p.startswith("t="))
    expected = hmac.new(
        secret.encode(), f"{parts['t']}.".encode() + received.body, hashlib.sha256
    ).hexdigest()
    return f"v1={expected}" in received.signature.split(",")


def test_a_purchase_produces_a_signed_order_completed(
    webhook_host: TestClient, sandbox_client: TestClient, receiver: Receiver
) -> None:
    completion_id = buy(webhook_host, sandbox_client)
    [event] = events(webhook_host)
    assert event.state is EventState.PENDING, "written with the outcome, before any delivery"
    assert receiver.received == []
    [(_, outcome)] = run_worker(webhook_host)
    assert outcome == "delivered"
    [received] = receiver.received
    body = received.event
    assert body["id"] == event.id
    assert body["id"].startswith("evt_")
    assert body["type"] == "order.completed"
    assert isinstance(body["created"], int)
    data = body["data"]
    assert data["completion_id"] == completion_id
    assert data["state"] == "completed"
    assert data["order_code"]
    assert data["currency"] == "TRY"
    assert re.fullmatch(r"[0-9]+\.[0-9]+", data["total"]), "a decimal string, never a float"
    assert data["external_customer_id"].startswith("cust-")
    assert signed_by(SECRET, received)
    assert events(webhook_host)[0].state is EventState.DELIVERED
    assert run_worker(webhook_host) == [], "a delivered event is not sent again"


def test_a_refused_complete_produces_order_failed(
    webhook_host: TestClient, sandbox_client: TestClient, sandbox: Starlette, receiver: Receiver
) -> None:
    _, form = basket_reviewed(webhook_host, sandbox_client)
    arm(sandbox, endpoint="complete", kind="parameter_error")
    assert confirm(webhook_host, form).status_code == 303
    run_worker(webhook_host)
    [received] = receiver.received
    assert received.event["type"] == "order.failed"
    assert received.event["data"]["state"] == "failed"
    assert received.event["data"]["retryable"] is True


def test_an_unknown_outcome_settled_later_produces_order_reconciled(
    webhook_host: TestClient, sandbox_client: TestClient, sandbox: Starlette, receiver: Receiver
) -> None:
    """Minted's answer is lost: nothing is sent for `unknown`; once Minted's record
    settles it, `order.reconciled` says how."""
    _, form = basket_reviewed(webhook_host, sandbox_client)
    arm(sandbox, endpoint="complete", kind="drop")
    arm(sandbox, endpoint="get_ecom_order", kind="status", status=503, count=3)
    location = confirm(webhook_host, form).headers["location"]
    assert events(webhook_host) == [], "unknown is not an outcome"
    assert webhook_host.get(location).status_code == 200  # the result page settles it
    run_worker(webhook_host)
    [received] = receiver.received
    assert received.event["type"] == "order.reconciled"
    assert received.event["data"]["state"] == "completed"


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param(lambda: httpx.ConnectError("refused"), id="down"),
        pytest.param(lambda: httpx.ReadTimeout("slow"), id="slow"),
        pytest.param(lambda: 500, id="500"),
        pytest.param(lambda: 301, id="redirect"),
    ],
)
def test_a_failing_receiver_is_retried_with_backoff_until_it_accepts(
    webhook_host: TestClient,
    sandbox_client: TestClient,
    receiver: Receiver,
    clock: Clock,
    failure: Any,
) -> None:
    buy(webhook_host, sandbox_client)
    receiver.answer = failure
    [(_event, outcome)] = run_worker(webhook_host)
    assert outcome == "failed"
    [pending] = events(webhook_host)
    assert pending.state is EventState.PENDING
    assert pending.attempts == 1
    assert pending.last_error
    wait = pending.next_attempt_at - clock()
    assert 48 <= wait <= 60, "about a minute after the first failure (jitter shortens it)"
    assert run_worker(webhook_host) == [], "not before it is due"
    clock.advance(60)
    [(_, again)] = run_worker(webhook_host)
    assert again == "failed"
    second = events(webhook_host)[0]
    assert 96 <= second.next_attempt_at - clock() <= 120, "the delay doubles"
    receiver.answer = lambda: 200
    clock.advance(120)
    [(_, last)] = run_worker(webhook_host)
    assert last == "delivered"
    delivered = events(webhook_host)[0]
    assert delivered.state is EventState.DELIVERED
    assert delivered.attempts == 3
    bodies = {r.body for r in receiver.received}
    assert len(bodies) == 1, "every attempt sends the same bytes (dedupe on the id)"


def test_an_event_still_undelivered_after_three_days_is_dead_and_can_be_redelivered(
    webhook_host: TestClient, sandbox_client: TestClient, receiver: Receiver, clock: Clock
) -> None:
    buy(webhook_host, sandbox_client)
    receiver.answer = lambda: 503
    outcomes = []
    for _ in range(40):
        outcomes += [outcome for _, outcome in run_worker(webhook_host)]
        if outcomes[-1:] == ["dead"]:
            break
        clock.advance(12 * 3600)
    assert outcomes[-1] == "dead"
    [dead] = events(webhook_host)
    assert dead.state is EventState.DEAD
    assert 3 * 86400 <= dead.last_attempt_at - dead.created_at < 3 * 86400 + 12 * 3600
    assert run_worker(webhook_host) == [], "a dead event is not retried by itself"
    receiver.answer = lambda: 204
    auth = {"Authorization": "Bearer dev-partner-key"}
    redelivered = webhook_host.post(f"/api/v1/webhooks/events/{dead.id}/redeliver", headers=auth)
    assert redelivered.status_code == 202
    assert redelivered.json()["state"] == "pending"
    [(_, outcome)] = run_worker(webhook_host)
    assert outcome == "delivered"


def test_rotation_sends_one_signature_per_secret(
    sandbox: Starlette, sqlite_url: str, clock: Clock, sandbox_client: TestClient
) -> None:
    from tests.helpers import host_client

    receiver = Receiver()
    old, new = "old-webhook-secret-0001", "new-webhook-secret-0002"
    with host_client(
        sandbox,
        sqlite_url,
        clock,
        webhook_transport=receiver,
        webhook_url="https://partner.example/hook",
        webhook_secrets=f"{old},{new}",
        webhook_poll_interval="0",
    ) as client:
        buy(client, sandbox_client)
        run_worker(client)
    [received] = receiver.received
    assert received.signature.count("v1=") == 2
    assert signed_by(old, received)
    assert signed_by(new, received)
    assert not signed_by("another-secret-00003", received)
