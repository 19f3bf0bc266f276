"""The order status API: a purchase's state as the ledger has it, pages of a customer's,
and the one-time check of a return_url result token."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.helpers import (
    PARTNER_KEY,
    Clock,
    arm,
    basket_reviewed,
    buy,
    confirm,
    customer_payload,
    enter_shop,
    host_client,
    put_item,
    review_form,
)
from webview_host.result_tokens import ResultTokenCheck

AUTH = {"Authorization": f"Bearer {PARTNER_KEY}"}


@dataclasses.dataclass(frozen=True)
class Claims:
    completion_id: str
    state: str
    nonce: str
    iat: int


class FakeTokens:
    """Stands in for the bridge's `results.verify`: tokens it issued verify, others not."""

    def __init__(self, clock: Clock) -> None:
        self.issued: dict[str, Claims] = {}
        self.clock = clock

    def issue(self, completion_id: str, state: str) -> str:
        token = f"tok{len(self.issued)}"
        self.issued[token] = Claims(completion_id, state, f"nonce-{token}", int(self.clock()))
        return token

    def verify(self, token: str) -> Claims | None:
        return self.issued.get(token)


@pytest.fixture
def tokens(clock: Clock) -> FakeTokens:
    return FakeTokens(clock)


@pytest.fixture
def status_host(
    sandbox: Starlette, database_url: str, clock: Clock, tokens: FakeTokens
) -> Iterator[TestClient]:
    check = ResultTokenCheck(verify=tokens.verify, max_age=900)
    with host_client(sandbox, database_url, clock, result_tokens=check) as client:
        yield client


def test_a_purchase_as_the_status_api_shows_it(
    status_host: TestClient, sandbox_client: TestClient
) -> None:
    completion_id = buy(status_host, sandbox_client)
    response = status_host.get(f"/api/v1/orders/{completion_id}", headers=AUTH)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["completion_id"] == completion_id
    assert body["state"] == "completed"
    assert body["terminal"] is True
    assert body["order_code"]
    assert body["order_guid"]
    assert body["currency"] == "TRY"
    assert body["total"].replace(".", "").isdigit()
    assert body["external_customer_id"].startswith("cust-")
    assert body["support_code"].startswith("WVH-")
    assert body["created_at"].endswith("Z")
    assert body["reconciliation"] is None


def test_an_unknown_purchase_shows_its_reconciliation_then_settles_on_read(
    status_host: TestClient, sandbox_client: TestClient, sandbox: Starlette
) -> None:
    _, form = basket_reviewed(status_host, sandbox_client)
    arm(sandbox, endpoint="complete", kind="drop")
    arm(sandbox, endpoint="get_ecom_order", kind="status", status=503, count=6)
    completion_id = confirm(status_host, form).headers["location"].removeprefix("/orders/")
    unknown = status_host.get(f"/api/v1/orders/{completion_id}", headers=AUTH).json()
    assert unknown["state"] == "unknown"
    assert unknown["reconciliation"]["status"] == "awaiting_minted"
    settled = status_host.get(f"/api/v1/orders/{completion_id}", headers=AUTH).json()
    assert settled["state"] == "completed", "read again once Minted answers"
    assert settled["reconciliation"] is None


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "unauthorized"},
        {"kind": "status", "status": 404, "body": "json"},
        {"kind": "parameter_error"},
        {"kind": "malformed"},
        {"kind": "envelope"},
        {"kind": "drop"},
    ],
    ids=lambda fault: str(fault.get("status", fault["kind"])),
)
def test_minted_failing_the_settling_read_leaves_the_answer_unknown_never_an_error(
    status_host: TestClient, sandbox_client: TestClient, sandbox: Starlette, fault: dict[str, str]
) -> None:
    """The status API reads Minted to settle an unknown completion; whatever that read
    meets, the partner gets the ledger's state (unknown, with its reconciliation), and the
    settled outcome once Minted can be read."""
    _, form = basket_reviewed(status_host, sandbox_client)
    arm(sandbox, endpoint="complete", kind="drop")
    arm(sandbox, endpoint="get_ecom_order", count=20, **fault)
    completion_id = confirm(status_host, form).headers["location"].removeprefix("/orders/")
    response = status_host.get(f"/api/v1/orders/{completion_id}", headers=AUTH)
    assert response.status_code == 200, response.text
    assert response.json()["state"] == "unknown"
    assert response.json()["reconciliation"]["status"] == "awaiting_minted"
    sandbox.state.faults.clear()
    settled = status_host.get(f"/api/v1/orders/{completion_id}", headers=AUTH).json()
    assert (settled["state"], settled["reconciliation"]) == ("completed", None)


def test_a_customers_purchases_page_by_page(
    status_host: TestClient, sandbox_client: TestClient
) -> None:
    customer = customer_payload()
    ids = []
    for _ in range(3):
        status_host.cookies.clear()
        token = enter_shop(status_host, customer)
        put_item(sandbox_client, token, "MNT0001", 1)
        done = confirm(status_host, review_form(status_host))
        ids.append(done.headers["location"].removeprefix("/orders/"))
    query = {"external_customer_id": customer["external_id"], "per_page": "2"}
    first = status_host.get("/api/v1/orders", params=query, headers=AUTH).json()
    assert [o["completion_id"] for o in first["data"]] == [ids[2], ids[1]], "newest first"
    assert (first["page"], first["per_page"], first["total"]) == (1, 2, 3)
    second = status_host.get(first["next"], headers=AUTH).json()
    assert [o["completion_id"] for o in second["data"]] == [ids[0]]
    assert second["next"] is None
    nobody = status_host.get(
        "/api/v1/orders", params={"external_customer_id": "nobody"}, headers=AUTH
    ).json()
    assert (nobody["data"], nobody["total"]) == ([], 0)


def test_a_result_token_is_checked_and_accepted_once(
    status_host: TestClient, sandbox_client: TestClient, tokens: FakeTokens
) -> None:
    completion_id = buy(status_host, sandbox_client)
    token = tokens.issue(completion_id, "completed")
    path = f"/api/v1/orders/{completion_id}"
    first = status_host.get(path, params={"result_token": token}, headers=AUTH)
    assert first.status_code == 200
    assert first.json()["result_token"] == {"accepted": True, "state_shown": "completed"}
    again = status_host.get(path, params={"result_token": token}, headers=AUTH)
    assert again.status_code == 409
    assert again.json()["error"] == "result_token_used"
    forged = status_host.get(path, params={"result_token": "forged"}, headers=AUTH)
    assert forged.status_code == 422
    assert forged.json()["error"] == "result_token_invalid"
    other = tokens.issue("another-completion", "completed")
    misplaced = status_host.get(path, params={"result_token": other}, headers=AUTH)
    assert misplaced.status_code == 422, "a token for another completion proves nothing here"


def test_the_host_checks_result_tokens_with_the_bridges_own_signer(
    any_host: TestClient, sandbox_client: TestClient
) -> None:
    """With no check injected the host uses results.verify: a made-up token is not genuine
    (the real round trip is tests/views/test_partner_apps.py)."""
    completion_id = buy(any_host, sandbox_client)
    response = any_host.get(
        f"/api/v1/orders/{completion_id}", params={"result_token": "x"}, headers=AUTH
    )
    assert response.status_code == 422
    assert response.json()["error"] == "result_token_invalid"
    assert "not enabled" not in response.json()["message"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/orders/nosuchcompletion",
        "/api/v1/orders/bad%20id",
        "/api/v1/orders/" + "x" * 65,
        "/api/v1/orders/%00",
    ],
)
def test_no_such_completion_is_404(status_host: TestClient, path: str) -> None:
    response = status_host.get(path, headers=AUTH)
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({}, "external_customer_id"),
        ({"external_customer_id": ""}, "external_customer_id"),
        ({"external_customer_id": "x" * 111}, "external_customer_id"),
        ({"external_customer_id": "a\x00b"}, "external_customer_id"),
        ({"external_customer_id": "c", "page": "0"}, "page"),
        ({"external_customer_id": "c", "page": "10001"}, "page"),
        ({"external_customer_id": "c", "page": "one"}, "page"),
        ({"external_customer_id": "c", "per_page": "101"}, "per_page"),
        ({"external_customer_id": "c", "per_page": "0"}, "per_page"),
        ({"external_customer_id": "c", "surprise": "1"}, "surprise"),
    ],
)
def test_each_bad_list_parameter_is_named(
    status_host: TestClient, query: dict[str, str], field: str
) -> None:
    response = status_host.get("/api/v1/orders", params=query, headers=AUTH)
    assert response.status_code == 422
    assert field in response.json()["fields"]


def test_bad_order_query_parameters_are_named(status_host: TestClient) -> None:
    for query, field in [({"result_token": ""}, "result_token"), ({"x": "1"}, "x")]:
        response = status_host.get("/api/v1/orders/abc", params=query, headers=AUTH)
        assert response.status_code == 422
        assert field in response.json()["fields"]


@pytest.mark.parametrize("header", [None, "Bearer wrong-key-000000", "Basic abc"])
@pytest.mark.parametrize("path", ["/api/v1/orders/abc", "/api/v1/orders?external_customer_id=c"])
def test_the_partner_key_is_required(
    status_host: TestClient, header: str | None, path: str
) -> None:
    response = status_host.get(path, headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
