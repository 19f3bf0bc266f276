"""The partner's view of webhook events: listed with their deliveries, filtered, redelivered."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.helpers import PARTNER_KEY, buy
from tests.webhooks.receiver import Receiver
from tests.webhooks.test_delivery import run_worker

AUTH = {"Authorization": f"Bearer {PARTNER_KEY}"}


def test_events_are_listed_with_failed_deliveries_and_filtered(
    webhook_host: TestClient, sandbox_client: TestClient, receiver: Receiver
) -> None:
    first = buy(webhook_host, sandbox_client)
    second = buy(webhook_host, sandbox_client)
    receiver.answer = lambda: 500
    run_worker(webhook_host)
    listed = webhook_host.get("/api/v1/webhooks/events", headers=AUTH).json()
    assert listed["total"] == 2
    assert [e["completion_id"] for e in listed["data"]] == [second, first], "newest first"
    event = listed["data"][0]
    assert event["state"] == "pending"
    assert event["attempts"] == 1
    assert event["last_status"] == 500
    assert "500" in event["last_error"]
    assert event["next_attempt_at"] is not None
    assert event["payload"]["type"] == "order.completed"
    assert event["payload"]["id"] == event["id"]
    only = webhook_host.get(
        "/api/v1/webhooks/events", params={"completion_id": first}, headers=AUTH
    ).json()
    assert [e["completion_id"] for e in only["data"]] == [first]
    delivered = webhook_host.get(
        "/api/v1/webhooks/events", params={"state": "delivered"}, headers=AUTH
    ).json()
    assert delivered["data"] == []
    one = webhook_host.get(f"/api/v1/webhooks/events/{event['id']}", headers=AUTH)
    assert one.status_code == 200
    assert one.json()["id"] == event["id"]
    page = webhook_host.get("/api/v1/webhooks/events", params={"per_page": "1"}, headers=AUTH)
    assert page.json()["next"] is not None


def test_redeliver_makes_an_event_due_now(
    webhook_host: TestClient, sandbox_client: TestClient, receiver: Receiver
) -> None:
    buy(webhook_host, sandbox_client)
    run_worker(webhook_host)
    [event] = webhook_host.get("/api/v1/webhooks/events", headers=AUTH).json()["data"]
    assert event["state"] == "delivered"
    again = webhook_host.post(f"/api/v1/webhooks/events/{event['id']}/redeliver", headers=AUTH)
    assert again.status_code == 202
    run_worker(webhook_host)
    assert len(receiver.received) == 2
    assert receiver.received[0].body == receiver.received[1].body, "same id, same bytes"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"state": "lost"}, "state"),
        ({"completion_id": "bad id"}, "completion_id"),
        ({"page": "0"}, "page"),
        ({"per_page": "1000"}, "per_page"),
        ({"type": "order.completed"}, "type"),
    ],
)
def test_event_list_validation(webhook_host: TestClient, query: dict[str, str], field: str) -> None:
    response = webhook_host.get("/api/v1/webhooks/events", params=query, headers=AUTH)
    assert response.status_code == 422
    assert field in response.json()["fields"]


@pytest.mark.parametrize("event_id", ["evt_missing", "not-an-event", "evt_%00"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_no_such_event_is_404(webhook_host: TestClient, event_id: str, method: str) -> None:
    suffix = "/redeliver" if method == "POST" else ""
    response = webhook_host.request(
        method, f"/api/v1/webhooks/events/{event_id}{suffix}", headers=AUTH
    )
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_redeliver_without_webhooks_says_they_are_off(host: TestClient) -> None:
    response = host.post("/api/v1/webhooks/events/evt_x/redeliver", headers=AUTH)
    assert response.status_code == 409
    assert response.json()["error"] == "webhooks_disabled"


def test_without_webhooks_no_event_is_written(
    host: TestClient, sandbox_client: TestClient, sandbox: Starlette
) -> None:
    buy(host, sandbox_client)
    listed: dict[str, Any] = host.get("/api/v1/webhooks/events", headers=AUTH).json()
    assert listed["total"] == 0
