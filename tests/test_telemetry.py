"""Operations: Prometheus metrics move with a purchase; JSON log lines parse, carry the
request id (also sent to Minted and behind the support code), and never hold a secret."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.helpers import (
    Clock,
    arm,
    buy,
    create_launch,
    customer_payload,
    host_client,
    open_launch,
    session_of,
)
from webview_host.telemetry import logs, request_id


def scrape(
    client: TestClient, **headers: str
) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: dict[Any, float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_the_counters_move_after_a_purchase(
    any_host: TestClient, sandbox_client: TestClient
) -> None:
    before = scrape(any_host)
    completion_id = buy(any_host, sandbox_client)
    any_host.get(f"/orders/{completion_id}")
    after = scrape(any_host)
    assert value(after, "wvh_completions", state="completed") == 1 + value(
        before, "wvh_completions", state="completed"
    )
    complete = {"endpoint": "/partner/ecom/complete", "outcome": "ok"}
    assert value(after, "wvh_minted_call_duration_seconds_count", **complete) == 1
    confirm = {"route": "/checkout/complete", "method": "POST", "status": "303"}
    assert value(after, "wvh_http_request_duration_seconds_count", **confirm) == 1
    order = {"route": "/orders/{completion_id}", "method": "GET", "status": "200"}
    assert value(after, "wvh_http_request_duration_seconds_count", **order) == 1
    routes = {dict(labels).get("route") for (_, labels) in after if dict(labels).get("route")}
    assert completion_id not in str(routes), "labelled by route template, never the raw path"
    assert value(after, "wvh_outbox_pending_events") == 0


def test_webhook_metrics(
    sandbox: Starlette, sqlite_url: str, clock: Clock, sandbox_client: TestClient
) -> None:
    from tests.webhooks.receiver import Receiver
    from tests.webhooks.test_delivery import run_worker

    receiver = Receiver()
    receiver.answer = lambda: 500
    with host_client(
        sandbox,
        sqlite_url,
        clock,
        webhook_transport=receiver,
        webhook_url="https://partner.example/hook",
        webhook_secrets="partner-webhook-secret-1",
        webhook_poll_interval="0",
    ) as client:
        buy(client, sandbox_client)
        clock.advance(90)
        pending = scrape(client)
        assert value(pending, "wvh_outbox_pending_events") == 1
        assert value(pending, "wvh_outbox_oldest_pending_age_seconds") >= 90
        run_worker(client)
        failed = scrape(client)
        assert value(failed, "wvh_webhook_deliveries_total", outcome="failed") == 1
        receiver.answer = lambda: 204
        clock.advance(3600)
        run_worker(client)
        done = scrape(client)
        assert value(done, "wvh_webhook_deliveries_total", outcome="delivered") == 1
        assert value(done, "wvh_outbox_pending_events") == 0


def test_metrics_access_is_configurable(sandbox: Starlette, sqlite_url: str) -> None:
    with host_client(sandbox, sqlite_url, metrics="off") as off:
        assert off.get("/metrics").status_code == 404
    token = "metrics-token-0123456789"
    with host_client(sandbox, sqlite_url, metrics="token", metrics_token=token) as guarded:
        assert guarded.get("/metrics").status_code == 401
        assert guarded.get("/metrics", headers={"Authorization": "Bearer nope"}).status_code == 401
        scrape(guarded, Authorization=f"Bearer {token}")


# --- logs -------------------------------------------------------------------------------


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    """Every log record as a JSON line in a buffer, as WVH_LOG_FORMAT=json writes them."""
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    logs.configure("DEBUG", "json", stream)
    try:
        yield stream
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved[0]:
            root.addHandler(handler)
        root.setLevel(saved[1])


class SeenByMinted(httpx.AsyncBaseTransport):
    """Passes every call to the sandbox and keeps the request ids it carried."""

    def __init__(self, sandbox: Starlette) -> None:
        self.inner = httpx.ASGITransport(app=sandbox)
        self.request_ids: list[str | None] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.request_ids.append(request.headers.get("x-request-id"))
        return await self.inner.handle_async_request(request)


def test_json_logs_parse_carry_the_request_id_and_hold_no_secret(
    sandbox: Starlette, sqlite_url: str, sandbox_client: TestClient, json_logs: io.StringIO
) -> None:
    minted = SeenByMinted(sandbox)
    customer = customer_payload(identity_number="12345678901")
    with host_client(sandbox, sqlite_url, transport=minted) as client:
        launch = create_launch(client, customer).json()
        code = launch["launch_url"].rsplit("/", 1)[1]
        open_launch(client, f"/launch/{code}")
        token = session_of(client).token
        cookie = next(iter(client.cookies.values()))
        from tests.helpers import confirm, put_item, review_form

        put_item(sandbox_client, token, "MNT0001", 1)
        done = confirm(client, review_form(client))
        client.get(done.headers["location"])
        arm(sandbox, endpoint="get_active_basket", kind="status", status=502, count=3)
        failed = client.get("/api/basket", headers={"X-Request-ID": "req-from-proxy-1"})
    parsed = [json.loads(line) for line in json_logs.getvalue().splitlines()]
    # httpx2 is the test's own client (the "browser"), not the host.
    lines = [r for r in parsed if r["logger"] != "httpx2"]
    assert lines, "the purchase was logged"
    assert all({"time", "level", "logger", "message", "request_id"} <= set(r) for r in lines)
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in lines)
    for secret in (token, cookie, code, "12345678901", "dev-partner-key"):
        assert secret not in text
    access = [r for r in lines if r["logger"] == "webview_host.access"]
    assert {r["route"] for r in access} >= {"/launch/{code}", "/checkout/complete"}
    assert all(r["request_id"] for r in access)
    assert any(minted.request_ids), "Minted calls carry the request id"
    assert set(minted.request_ids) <= {r["request_id"] for r in lines} | {None}
    assert failed.headers["x-request-id"] == "req-from-proxy-1", "a proxy's id is kept"
    assert failed.json()["support_code"] == request_id.support_code("req-from-proxy-1")
    assert "req-from-proxy-1" in minted.request_ids
    logged = [r for r in lines if r.get("support_code") == failed.json()["support_code"]]
    assert logged, "support can find the error by its code"
    assert logged[0]["request_id"] == "req-from-proxy-1"


def host_lines(stream: io.StringIO) -> str:
    """The log lines the host wrote (httpx2 is the test's own client, the "browser")."""
    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in records if r["logger"] != "httpx2")


def test_partner_calls_and_the_return_leave_no_token_in_the_logs(
    sandbox: Starlette, sqlite_url: str, sandbox_client: TestClient, json_logs: io.StringIO
) -> None:
    """The result token on the return_url and the status API, a cart token and a price
    token sent to the partner API, through Minted refusing and losing answers."""
    from tests.helpers import HOST, PARTNER_KEY, confirm, put_item, review_form

    auth = {"Authorization": f"Bearer {PARTNER_KEY}"}
    with host_client(sandbox, sqlite_url, return_url_schemes="bankapp") as client:
        launch = create_launch(client, return_url="bankapp://done").json()
        open_launch(client, launch["launch_url"].removeprefix(HOST))
        basket = put_item(sandbox_client, session_of(client).token, "MNT0001", 1)
        location = confirm(client, review_form(client)).headers["location"]
        page = client.get(location).text
        found = re.search(r'result_token=([^"&]+)', page)
        assert found is not None
        result_token = found.group(1)
        status = f"/api/v1/orders/{location.rsplit('/', 1)[1]}"
        checked = client.get(status, params={"result_token": result_token}, headers=auth)
        assert checked.status_code == 200, checked.text
        arm(sandbox, endpoint="clear_basket", kind="parameter_error")
        body = {"external_customer_id": "c", "cart_token": basket["token"]}
        assert client.post("/api/v1/baskets/clear", json=body, headers=auth).status_code == 409
        price_token = client.get("/api/v1/prices", headers=auth).json()["price_token"]
        sale = {
            "price_token": price_token,
            "external_id": "c",
            "items": [{"sku": "GAG", "amount": 1}],
        }
        arm(sandbox, endpoint="sell", kind="drop")
        assert client.post("/api/v1/sales/digital", json=sale, headers=auth).status_code == 502
    text = host_lines(json_logs)
    assert "Minted failed sell" in text, "the failures were logged"
    for secret in (result_token, basket["token"], price_token, "10000000146"):
        assert secret not in text


@pytest.mark.parametrize("header", ["a b c d e", "x" * 65, "short", "evil<script>"])
def test_a_request_id_that_is_not_a_plain_token_is_replaced(host: TestClient, header: str) -> None:
    given = host.get("/healthz", headers={"X-Request-ID": header})
    assert re.fullmatch(r"[0-9a-f]{16}", given.headers["x-request-id"])


def test_json_lines_carry_no_terminal_colours(json_logs: io.StringIO) -> None:
    """uvicorn logs some lines with a `color_message` extra; a JSON line keeps the plain one."""
    logging.getLogger("uvicorn.error").info(
        "Started server process [%d]", 1, extra={"color_message": "Started \x1b[36m%d\x1b[0m"}
    )
    line = json.loads(json_logs.getvalue().splitlines()[-1])
    assert line["message"] == "Started server process [1]"
    assert "color_message" not in line
