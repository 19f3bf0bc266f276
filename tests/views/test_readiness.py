"""/readyz: each dependency's state; only a ledger that cannot record makes it 503."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.helpers import Clock, arm, buy, host_client, portal


def test_ready_with_every_check_detailed(host: TestClient) -> None:
    response = host.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"ledger", "minted", "outbox"}
    assert body["checks"]["ledger"]["ok"] is True
    assert "sqlite" in body["checks"]["ledger"]["detail"]
    assert body["checks"]["minted"]["detail"].startswith("reachable, Digest accepted")
    assert "off" in body["checks"]["outbox"]["detail"]


def test_minted_refusing_our_credentials_is_degraded_not_down(
    sandbox: Starlette, sqlite_url: str
) -> None:
    with host_client(sandbox, sqlite_url, minted_password="wrong-password") as client:
        response = client.get("/readyz")
    assert response.status_code == 200, "every instance shares Minted: do not drain them all"
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["minted"] == {
        "ok": False,
        "detail": "Minted refused our Digest credentials (401)",
    }


def test_minted_unreachable_is_degraded(host: TestClient, sandbox: Starlette) -> None:
    arm(sandbox, endpoint="get_incomplete_baskets", kind="status", status=503, count=3)
    body = host.get("/readyz").json()
    assert body["status"] == "degraded"
    assert "not reachable" in body["checks"]["minted"]["detail"]


def test_an_outbox_no_worker_drains_is_stuck(
    sandbox: Starlette, sqlite_url: str, clock: Clock, sandbox_client: TestClient
) -> None:
    with host_client(
        sandbox,
        sqlite_url,
        clock,
        webhook_url="https://partner.example/hook",
        webhook_secrets="partner-webhook-secret-1",
        webhook_poll_interval="0",
        outbox_stuck_seconds="60",
    ) as client:
        buy(client, sandbox_client)
        fresh = client.get("/readyz").json()["checks"]["outbox"]
        assert fresh["ok"] is True
        assert fresh["pending"] == 1
        clock.advance(61)
        stuck = client.get("/readyz").json()
        assert stuck["status"] == "degraded"
        assert stuck["checks"]["outbox"]["ok"] is False
        assert stuck["checks"]["outbox"]["overdue"] == 1
        assert stuck["checks"]["outbox"]["oldest_pending_age_seconds"] >= 61


def test_a_ledger_that_does_not_answer_is_not_ready(host: TestClient) -> None:
    ledger = host.app_state["services"].ledger
    portal(host).call(ledger.close)
    response = host.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["ledger"]["ok"] is False
