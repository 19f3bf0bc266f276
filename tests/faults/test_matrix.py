"""The fault matrix: each Minted call the customer's path makes, against each way Minted or the
network can fail. For every cell: what the customer gets, what the ledger records, the log line
that explains it, and never an unhandled error. docs/fault-matrix.md is this table; a test keeps
them equal."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.helpers import (
    HOST,
    PARTNER_KEY,
    Clock,
    arm,
    basket_reviewed,
    confirm,
    create_launch,
    enter_shop,
    host_client,
    open_launch,
    portal,
)
from tests.transports import LosingTransport
from webview_host.sandbox.endpoints import ENDPOINTS

Logged = Callable[[str], bool]
DOC = Path(__file__).resolve().parents[2] / "docs" / "fault-matrix.md"

# name -> the sandbox fault, or what the network does instead: a refused connection (Minted
# never sees the call) or a connection reset after Minted acted.
REFUSED = (httpx.ConnectError("connection refused"), False)
RESET = (httpx.ReadError("connection reset by peer"), True)
FAULTS: dict[str, dict[str, Any] | tuple[httpx.TransportError, bool]] = {
    "beyond the deadline": {"kind": "hang", "seconds": 30},
    "dripping past the deadline": {"kind": "drip", "seconds": 0.2},
    "connection refused": REFUSED,
    "reset mid-answer": RESET,
    **{str(s): {"kind": "status", "status": s, "body": "html"} for s in (500, 502, 503)},
    **{
        f"{s} {body.upper() if body != 'empty' else 'empty'}": {
            "kind": "status",
            "status": s,
            "body": body,
        }
        for s in (401, 403, 404, 422)
        for body in ("json", "html", "empty")
    },
    "wrong envelope": {"kind": "envelope"},
    "huge body": {"kind": "huge"},
    "Digest auth-int only": {"kind": "auth_int"},
}

# Outcomes, as the docs table reads them.
RELAUNCH = "503 'cannot be reached', Retry works"
REFUSED_LAUNCH = "502 'Minted refused', Retry works"
BASKET_503 = "503 upstream_unavailable"
BASKET_502 = "502 upstream_refused"
UNKNOWN = "unknown: 'checking', until Minted's record shows an order"
UNKNOWN_ORDER = "answer lost, completed from Minted's record"
RETRY_REFUSED = "failed, retryable: upstream_refused"
RETRY_REJECTED = "failed, retryable: rejected"
RETRY_UNAVAILABLE = "failed, retryable: unavailable"
STAYS_UNKNOWN = "unknown until Minted can be read"
NA = "n/a (Bearer endpoint)"
RENEWED = "200, token renewed once"
RENEWED_LOG = "minted token renewed"

# The partner API's answers (views/partner/upstream.py).
P_UNAVAILABLE = "503 upstream_unavailable"
P_UNKNOWN = "502 upstream_outcome_unknown"
P_REFUSED = "502 upstream_refused"
P_BAD = "502 upstream_bad_answer"

CALLS = ("Create Token (launch)", "Get Active Basket (shell)", "Complete (Confirm)",
         "E-commerce Get Order (reconcile)", "Get Incomplete Baskets (partner API)",
         "Clear Basket (partner API)", "Get Order (partner API lookup)",
         "Get Prices (partner API)", "Sell (partner API)")  # fmt: skip
# The sandbox endpoint each call is (its path is where a network fault strikes).
ENDPOINT: dict[str, str] = dict(
    zip(
        CALLS,
        ("create_token", "get_active_basket", "complete", "get_ecom_order",
         "get_incomplete_baskets", "clear_basket", "get_order", "prices", "sell"),
        strict=True,
    )
)  # fmt: skip
LOGS = {
    CALLS[0]: "Minted failed on launch",
    CALLS[1]: "Minted failed on api",
    CALLS[2]: "Minted Complete",
    CALLS[3]: "could not read Minted to reconcile",
    CALLS[4]: "Minted failed get_incomplete_baskets",
    CALLS[5]: "Minted failed clear_basket",
    CALLS[6]: "Minted failed get_order",
    CALLS[7]: "Minted failed prices",
    CALLS[8]: "Minted failed sell",
}


def _row(
    launch: str, basket: str, complete: str, partner: str, sell: str, reconcile: str = STAYS_UNKNOWN
) -> list[str]:
    return [launch, basket, complete, reconcile, partner, partner, partner, partner, sell]


def _each_body(status: int, *row: str) -> dict[str, list[str]]:
    return {f"{status} {body}": _row(*row) for body in ("JSON", "HTML", "empty")}


EXPECTED: dict[str, list[str]] = {
    "beyond the deadline": _row(RELAUNCH, BASKET_503, UNKNOWN, P_UNAVAILABLE, P_UNKNOWN),
    "dripping past the deadline": _row(
        RELAUNCH, BASKET_503, UNKNOWN_ORDER, P_UNAVAILABLE, P_UNKNOWN
    ),
    "connection refused": _row(
        RELAUNCH, BASKET_503, RETRY_UNAVAILABLE, P_UNAVAILABLE, P_UNAVAILABLE
    ),
    "reset mid-answer": _row(RELAUNCH, BASKET_503, UNKNOWN_ORDER, P_UNAVAILABLE, P_UNKNOWN),
    **{
        s: _row(RELAUNCH, BASKET_503, UNKNOWN, P_UNAVAILABLE, P_UNKNOWN)
        for s in ("500", "502", "503")
    },
    **_each_body(401, REFUSED_LAUNCH, RENEWED, RETRY_REFUSED, P_REFUSED, P_REFUSED),
    **_each_body(403, REFUSED_LAUNCH, BASKET_502, RETRY_REFUSED, *["403 upstream_forbidden"] * 2),
    **_each_body(
        404, REFUSED_LAUNCH, "200, no basket", RETRY_REJECTED, *["404 upstream_not_found"] * 2
    ),
    **_each_body(422, REFUSED_LAUNCH, BASKET_502, RETRY_REJECTED, *["409 upstream_rejected"] * 2),
    "wrong envelope": _row(RELAUNCH, BASKET_503, UNKNOWN, P_BAD, P_UNKNOWN),
    "huge body": _row(RELAUNCH, BASKET_503, UNKNOWN, P_BAD, P_UNKNOWN),
    "Digest auth-int only": _row(REFUSED_LAUNCH, NA, RETRY_REFUSED, P_REFUSED, P_REFUSED),
}


@pytest.fixture
def stack(
    sandbox: Starlette, sqlite_url: str, clock: Clock, caplog: pytest.LogCaptureFixture
) -> Iterator[tuple[TestClient, LosingTransport]]:
    caplog.set_level(logging.INFO)
    transport = LosingTransport(httpx.ASGITransport(app=sandbox))
    with host_client(
        sandbox,
        sqlite_url,
        clock,
        transport,
        minted_timeout="0.5",
        minted_read_retries="0",
        reconcile_interval="0",
    ) as client:
        yield client, transport


def inject(sandbox: Starlette, transport: LosingTransport, call: str, fault: str) -> None:
    """Arm `fault` for the next Minted call `call` makes."""
    spec, endpoint = FAULTS[fault], ENDPOINT[call]
    if isinstance(spec, tuple):
        error, delivered = spec
        transport.lose_next(ENDPOINTS[endpoint].path, error, delivered=delivered)
    else:
        arm(sandbox, endpoint=endpoint, **spec)


def state_of(client: TestClient, location: str) -> str:
    body = client.get("/api" + location).json()
    if body["state"] == "failed":
        page = client.get(location).text
        retry = "retryable" if body["retryable"] else "final"
        kind = completion_of(client, location).error_kind
        assert 'data-testid="order-reason"' in page
        return f"failed, {retry}: {kind}"
    return str(body["state"])


def completion_of(client: TestClient, location: str) -> Any:
    ledger = client.app_state["services"].ledger
    return portal(client).call(ledger.completions.get, location.rsplit("/", 1)[1])


def launch_outcome(
    client: TestClient, sandbox: Starlette, transport: LosingTransport, fault: str, logged: Logged
) -> str:
    path = create_launch(client).json()["launch_url"].removeprefix(HOST)
    inject(sandbox, transport, CALLS[0], fault)
    first = open_launch(client, path)
    assert first.status_code in (502, 503), first.status_code
    words = "cannot be reached" if first.status_code == 503 else "Minted refused"
    assert re.search(r'data-testid="support-code">WVH-', first.text)
    retried = client.post(path)  # Try again: the launch page posts the code again
    retry = "Retry works" if retried.status_code == 303 else f"Retry {retried.status_code}"
    return f"{first.status_code} '{words}', {retry}"


def basket_outcome(
    client: TestClient, sandbox: Starlette, transport: LosingTransport, fault: str, logged: Logged
) -> str:
    if FAULTS[fault] == {"kind": "auth_int"}:
        return NA
    enter_shop(client)
    renewals = sandbox.state.faults.calls.get("create_token", 0)
    inject(sandbox, transport, CALLS[1], fault)
    answer = client.get("/api/basket")
    if answer.status_code == 200:
        renewed = sandbox.state.faults.calls.get("create_token", 0) - renewals
        return RENEWED if renewed == 1 else "200, no basket"
    return f"{answer.status_code} {answer.json()['error']}"


def complete_outcome(
    client: TestClient, sandbox: Starlette, transport: LosingTransport, fault: str, logged: Logged
) -> str:
    _token, form = basket_reviewed(client, sandbox_client_of(sandbox), "MNT0001")
    inject(sandbox, transport, CALLS[2], fault)
    location = confirm(client, form).headers["location"]
    state = state_of(client, location)
    sent = sandbox.state.faults.calls.get("complete", 0)
    assert confirm(client, form).headers["location"] == location, "a resubmit: same outcome"
    assert sandbox.state.faults.calls.get("complete", 0) == sent, "and no second Complete"
    if state == "completed":
        return UNKNOWN_ORDER if logged("outcome unknown") else state
    return UNKNOWN if state == "unknown" else state


def reconcile_outcome(
    client: TestClient, sandbox: Starlette, transport: LosingTransport, fault: str, logged: Logged
) -> str:
    _token, form = basket_reviewed(client, sandbox_client_of(sandbox), "MNT0001")
    # Minted completes the order but its answer is lost: the host must read Minted.
    transport.lose_next(ENDPOINTS["complete"].path, httpx.ReadTimeout("lost"))
    inject(sandbox, transport, CALLS[3], fault)
    location = confirm(client, form).headers["location"]
    first = completion_of(client, location).state
    assert state_of(client, location) == "completed", "read again once Minted answers"
    return STAYS_UNKNOWN if first == "unknown" else f"{first} at once"


PARTNER_AUTH = {"Authorization": f"Bearer {PARTNER_KEY}"}


def partner_call(
    name: str, call: Callable[[TestClient], Any]
) -> Callable[[TestClient, Starlette, LosingTransport, str, Logged], str]:
    """A partner API operation whose one Minted call meets the fault: its answer."""

    def outcome(
        client: TestClient,
        sandbox: Starlette,
        transport: LosingTransport,
        fault: str,
        logged: Logged,
    ) -> str:
        inject(sandbox, transport, name, fault)
        answer = call(client)
        body = answer.json()
        assert body["support_code"].startswith("WVH-")
        return f"{answer.status_code} {body['error']}"

    return outcome


SELL = {"price_token": "t", "external_id": "c-1", "items": [{"sku": "GAG", "amount": 1}]}
CLEAR = {"external_customer_id": "c-1", "cart_token": "c" * 32}


def sandbox_client_of(sandbox: Starlette) -> TestClient:
    return TestClient(sandbox, base_url="http://127.0.0.1:8001")


SCENARIOS: dict[str, Callable[[TestClient, Starlette, LosingTransport, str, Logged], str]] = {
    CALLS[0]: launch_outcome,
    CALLS[1]: basket_outcome,
    CALLS[2]: complete_outcome,
    CALLS[3]: reconcile_outcome,
    CALLS[4]: partner_call(
        CALLS[4],
        lambda c: c.get(
            "/api/v1/baskets", params={"external_customer_id": "c-1"}, headers=PARTNER_AUTH
        ),
    ),
    CALLS[5]: partner_call(
        CALLS[5],
        lambda c: c.post("/api/v1/baskets/clear", json=CLEAR, headers=PARTNER_AUTH),
    ),
    CALLS[6]: partner_call(
        CALLS[6],
        lambda c: c.post("/api/v1/orders/lookup", json={"guid": "G-1"}, headers=PARTNER_AUTH),
    ),
    CALLS[7]: partner_call(CALLS[7], lambda c: c.get("/api/v1/prices", headers=PARTNER_AUTH)),
    CALLS[8]: partner_call(
        CALLS[8],
        lambda c: c.post("/api/v1/sales/digital", json=SELL, headers=PARTNER_AUTH),
    ),
}


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("fault", list(FAULTS))
def test_cell(
    call: str,
    fault: str,
    stack: tuple[TestClient, LosingTransport],
    sandbox: Starlette,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client, transport = stack

    def logged(fragment: str) -> bool:
        return any(fragment in record.getMessage() for record in caplog.records)

    outcome = SCENARIOS[call](client, sandbox, transport, fault, logged)
    assert outcome == EXPECTED[fault][CALLS.index(call)]
    messages = [r.getMessage() for r in caplog.records]
    assert not any("unhandled error" in m for m in messages), "nothing unhandled"
    expected_log = RENEWED_LOG if outcome == RENEWED else LOGS[call]
    if outcome not in (NA, "200, no basket"):
        assert any(expected_log in m for m in messages), f"the log explains it: {expected_log!r}"


def render_table() -> str:
    lines = ["| fault | " + " | ".join(CALLS) + " |", "|---" * (len(CALLS) + 1) + "|"]
    lines += [f"| {fault} | " + " | ".join(EXPECTED[fault]) + " |" for fault in FAULTS]
    return "\n".join(lines)


def test_the_docs_show_this_matrix() -> None:
    text = DOC.read_text()
    start = text.index("| fault |")
    table = text[start : text.index("\n\n", start)]
    assert table == render_table(), "docs/fault-matrix.md must hold:\n" + render_table()
    for call, log in LOGS.items():
        assert f"| {call} | `{log}" in text


def test_every_minted_endpoint_the_host_calls_has_a_column() -> None:
    """The matrix covers every Minted call, not a chosen few (the webview page is loaded by
    the customer's browser, never by the host)."""
    assert sorted(ENDPOINT.values()) == sorted(set(ENDPOINTS) - {"webview"})
