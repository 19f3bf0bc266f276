"""The seeded Minted operations through the partner API: incomplete baskets, clear basket,
order lookup three ways with push_hook, digital sell, each with its validation and every
Minted failure answered as a clear JSON error."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.helpers import PARTNER_KEY, arm, buy, customer_payload, enter_shop, portal, put_item

AUTH = {"Authorization": f"Bearer {PARTNER_KEY}"}

# (fault armed at the sandbox, status we answer, our error code). Reads are retried, so
# a failure that makes Minted "unavailable" is armed for every attempt.
UPSTREAM = [
    ({"kind": "parameter_error"}, 409, "upstream_rejected"),
    ({"kind": "status", "status": 404, "body": "json"}, 404, "upstream_not_found"),
    ({"kind": "status", "status": 403, "body": "json"}, 403, "upstream_forbidden"),
    ({"kind": "unauthorized"}, 502, "upstream_refused"),
    ({"kind": "status", "status": 400, "body": "html"}, 502, "upstream_refused"),
    ({"kind": "malformed"}, 502, "upstream_bad_answer"),
    ({"kind": "status", "status": 500, "count": 3}, 503, "upstream_unavailable"),
]


def shopper(host: TestClient, sandbox_client: TestClient) -> tuple[str, dict[str, Any]]:
    """A customer Minted knows, with one gold bar in the basket: (external id, basket)."""
    customer = customer_payload()
    token = enter_shop(host, customer)
    basket = put_item(sandbox_client, token, "MNT0001", 1)
    return customer["external_id"], basket


def assert_upstream_error(response: Any, status: int, error: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == error
    assert body["support_code"].startswith("WVH-")
    assert response.headers["x-request-id"]
    if status == 503:
        assert response.headers["retry-after"]
    if error == "upstream_rejected":
        assert body["fields"], "Minted's field errors are passed on"


# --- Get Incomplete Baskets -------------------------------------------------------------


def test_incomplete_baskets(host: TestClient, sandbox_client: TestClient) -> None:
    customer_id, basket = shopper(host, sandbox_client)
    response = host.get(
        "/api/v1/baskets", params={"external_customer_id": customer_id}, headers=AUTH
    )
    assert response.status_code == 200, response.text
    page = response.json()
    assert (page["page"], page["total"], page["next"]) == (1, 1, None)
    [found] = page["data"]
    assert found["guid"] == basket["guid"]
    assert found["status"] == "basket"
    assert len(found["cart_token"]) == 32
    assert found["items"][0]["sku"] == "MNT0001"
    assert found["pricefix_remaining"] > 0


def test_incomplete_baskets_page_on(
    host: TestClient, sandbox_client: TestClient, sandbox: Starlette
) -> None:
    """Minted's pagination is surfaced: per_page is Minted's `total`, `next` our own link."""
    customer_id, _ = shopper(host, sandbox_client)
    # A second and third incomplete basket: Clear Basket leaves the emptied one behind.
    store = sandbox.state.store
    for _ in range(2):
        store.active.pop(customer_id, None)
        token = enter_shop(host, customer_payload(customer_id))
        put_item(sandbox_client, token, "MNT0001", 1)
    query = {"external_customer_id": customer_id, "per_page": "2"}
    first = host.get("/api/v1/baskets", params=query, headers=AUTH).json()
    assert (first["page"], first["per_page"], first["total"], first["last_page"]) == (1, 2, 3, 2)
    assert len(first["data"]) == 2
    assert first["next"].startswith("/api/v1/baskets?")
    second = host.get(first["next"], headers=AUTH).json()
    assert (second["page"], len(second["data"]), second["next"]) == (2, 1, None)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({}, "external_customer_id"),
        ({"external_customer_id": ""}, "external_customer_id"),
        ({"external_customer_id": "c\x1f"}, "external_customer_id"),
        ({"external_customer_id": "x" * 111}, "external_customer_id"),
        ({"external_customer_id": "c", "start_date": "2024-01-01"}, "end_date"),
        ({"external_customer_id": "c", "end_date": "2024-01-01"}, "start_date"),
        (
            {"external_customer_id": "c", "start_date": "2024-02-30", "end_date": "2024-03-01"},
            "start_date",
        ),
        (
            {"external_customer_id": "c", "start_date": "01-01-2024", "end_date": "2024-03-01"},
            "start_date",
        ),
        ({"external_customer_id": "c", "card_bin": "12345"}, "card_bin"),
        ({"external_customer_id": "c", "card_bin": "12345a"}, "card_bin"),
        ({"external_customer_id": "c", "per_page": "500"}, "per_page"),
        ({"external_customer_id": "c", "per_page": "0"}, "per_page"),
        ({"external_customer_id": "c", "page": "-1"}, "page"),
        ({"external_customer_id": "c", "cursor": "x"}, "cursor"),
    ],
)
def test_incomplete_baskets_validation(
    host: TestClient, sandbox: Starlette, query: dict[str, str], field: str
) -> None:
    response = host.get("/api/v1/baskets", params=query, headers=AUTH)
    assert response.status_code == 422
    assert field in response.json()["fields"]
    assert sandbox.state.faults.calls.get("get_incomplete_baskets", 0) == 0, "Minted not called"


@pytest.mark.parametrize(("fault", "status", "error"), UPSTREAM)
def test_incomplete_baskets_upstream_errors(
    host: TestClient, sandbox: Starlette, fault: dict[str, Any], status: int, error: str
) -> None:
    arm(sandbox, endpoint="get_incomplete_baskets", **fault)
    response = host.get("/api/v1/baskets", params={"external_customer_id": "c"}, headers=AUTH)
    assert_upstream_error(response, status, error)


# --- Clear Basket -----------------------------------------------------------------------


def test_clear_basket(host: TestClient, sandbox_client: TestClient, sandbox: Starlette) -> None:
    customer_id, basket = shopper(host, sandbox_client)
    body = {"external_customer_id": customer_id, "cart_token": basket["token"]}
    response = host.post("/api/v1/baskets/clear", json=body, headers=AUTH)
    assert response.status_code == 200, response.text
    emptied = response.json()
    assert emptied["guid"] == basket["guid"]
    assert emptied["items"] == []
    assert sandbox.state.store.baskets[basket["token"]].items == {}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"cart_token": "t" * 32}, "external_customer_id"),
        ({"external_customer_id": "c"}, "cart_token"),
        ({"external_customer_id": "c", "cart_token": "t" * 31}, "cart_token"),
        ({"external_customer_id": "c", "cart_token": "t" * 33}, "cart_token"),
        ({"external_customer_id": "", "cart_token": "t" * 32}, "external_customer_id"),
        ({"external_customer_id": 7, "cart_token": "t" * 32}, "external_customer_id"),
        ({"external_customer_id": "c\x00", "cart_token": "t" * 32}, "external_customer_id"),
        ({"external_customer_id": "c", "cart_token": "t" * 31 + "\x01"}, "cart_token"),
        ({"external_customer_id": "c", "cart_token": "t" * 32, "extra": 1}, "extra"),
    ],
)
def test_clear_basket_validation(host: TestClient, body: dict[str, Any], field: str) -> None:
    response = host.post("/api/v1/baskets/clear", json=body, headers=AUTH)
    assert response.status_code == 422
    assert field in response.json()["fields"]
    assert "t" * 31 not in response.text, "tokens are never echoed"


def test_clear_basket_body_must_be_json(host: TestClient) -> None:
    assert host.post("/api/v1/baskets/clear", data={"a": "b"}, headers=AUTH).status_code == 415
    broken = host.post(
        "/api/v1/baskets/clear", content=b"{", headers={**AUTH, "Content-Type": "application/json"}
    )
    assert broken.status_code == 422
    assert "body" in broken.json()["fields"]


@pytest.mark.parametrize(("fault", "status", "error"), UPSTREAM)
def test_clear_basket_upstream_errors(
    host: TestClient, sandbox: Starlette, fault: dict[str, Any], status: int, error: str
) -> None:
    fault = {**fault, "count": 1}
    arm(sandbox, endpoint="clear_basket", **fault)
    body = {"external_customer_id": "c", "cart_token": "t" * 32}
    assert_upstream_error(
        host.post("/api/v1/baskets/clear", json=body, headers=AUTH), status, error
    )


# --- Get Order (Alternative) ------------------------------------------------------------


def test_an_order_is_found_three_ways_and_push_hook_asks_minted_to_push(
    host: TestClient, sandbox_client: TestClient, sandbox: Starlette
) -> None:
    completion_id = buy(host, sandbox_client)
    services = host.app_state["services"]
    completion = portal(host).call(services.ledger.completions.get, completion_id)
    keys = [
        {"guid": completion.order_guid},
        {"order_code": completion.order_code},
        {"external_id": completion.order_code},
    ]
    for key in keys:
        response = host.post("/api/v1/orders/lookup", json=key, headers=AUTH)
        assert response.status_code == 200, (key, response.text)
        order = response.json()
        assert order["guid"] == completion.order_guid
        assert order["items"][0]["sku"] == "MNT0001"
        assert "identity_number" not in response.text, "no personal data passes through"
    assert sandbox.state.hooks.pushes == []
    pushed = host.post(
        "/api/v1/orders/lookup",
        json={"guid": completion.order_guid, "push_hook": True},
        headers=AUTH,
    )
    assert pushed.status_code == 200
    [push] = sandbox.state.hooks.pushes
    assert push.guid == completion.order_guid


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "body"),
        ({"push_hook": True}, "body"),
        ({"guid": ""}, "guid"),
        ({"guid": "g", "push_hook": "yes"}, "push_hook"),
        ({"guid": "g", "push_hook": 1}, "push_hook"),
        ({"order_code": "x" * 111}, "order_code"),
        ({"external_id": "a\nb"}, "external_id"),
        ({"guid": "g", "other": 1}, "other"),
    ],
)
def test_lookup_validation(host: TestClient, body: dict[str, Any], field: str) -> None:
    response = host.post("/api/v1/orders/lookup", json=body, headers=AUTH)
    assert response.status_code == 422
    assert field in response.json()["fields"]


@pytest.mark.parametrize(("fault", "status", "error"), UPSTREAM)
def test_lookup_upstream_errors(
    host: TestClient, sandbox: Starlette, fault: dict[str, Any], status: int, error: str
) -> None:
    arm(sandbox, endpoint="get_order", **fault)
    response = host.post("/api/v1/orders/lookup", json={"guid": "g"}, headers=AUTH)
    assert_upstream_error(response, status, error)


def test_an_unknown_order_is_minteds_404(host: TestClient) -> None:
    response = host.post("/api/v1/orders/lookup", json={"guid": "nope"}, headers=AUTH)
    assert_upstream_error(response, 404, "upstream_not_found")


# --- Sell (Silver) ----------------------------------------------------------------------


def price_token(host: TestClient) -> str:
    response = host.get("/api/v1/prices", headers=AUTH)
    assert response.status_code == 200, response.text
    prices = response.json()
    assert {p["sku"] for p in prices["prices"]} == {"GAU", "GAG"}
    token: str = prices["price_token"]
    return token


@pytest.mark.parametrize("currency", [None, "GBP", "TRY", "USD", "EUR"])
def test_sell_silver(host: TestClient, sandbox_client: TestClient, currency: str | None) -> None:
    customer_id, _ = shopper(host, sandbox_client)
    body: dict[str, Any] = {
        "price_token": price_token(host),
        "external_id": customer_id,
        "items": [{"sku": "GAG", "amount": 1}],
    }
    if currency is not None:
        body["currency_code"] = currency
    response = host.post("/api/v1/sales/digital", json=body, headers=AUTH)
    assert response.status_code == 201, response.text
    sale = response.json()
    assert len(sale["order_codes"]) == 1
    [order] = sale["orders"]
    assert order["currency_code"] == (currency or "TRY")
    assert order["items"][0]["sku"] == "GAG"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"currency_code": "JPY"}, "currency_code"),
        ({"currency_code": "try"}, "currency_code"),
        ({"items": []}, "items"),
        ({"items": [{"sku": "GAG"}]}, "items.0.amount"),
        ({"items": [{"sku": "GAG", "amount": 0}]}, "items.0.amount"),
        ({"items": [{"sku": "GAG", "amount": 1.5}]}, "items.0.amount"),
        ({"items": [{"sku": "GAG", "amount": "1"}]}, "items.0.amount"),
        ({"items": [{"sku": "GAG", "amount": True}]}, "items.0.amount"),
        ({"items": [{"amount": 1}]}, "items.0.sku"),
        ({"items": [{"sku": "G G", "amount": 1}]}, "items.0.sku"),
        ({"items": "GAG"}, "items"),
        ({"items": [{"sku": "GAG", "amount": 1}] * 21}, "items"),
        ({"items": [{"sku": "GAG", "amount": 1_000_001}]}, "items.0.amount"),
        ({"items": [{"sku": "G" * 65, "amount": 1}]}, "items.0.sku"),
        ({"items": [{"sku": "GAG", "amount": 1, "price": "1"}]}, "items.0.price"),
        ({"price_token": ""}, "price_token"),
        ({"price_token": "t\x01"}, "price_token"),
        ({"price_token": None}, "price_token"),
        ({"external_id": "x" * 111}, "external_id"),
        ({"external_id": "c\n"}, "external_id"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_sell_validation(
    host: TestClient, sandbox: Starlette, change: dict[str, Any], field: str
) -> None:
    body = {"price_token": "t", "external_id": "c", "items": [{"sku": "GAG", "amount": 1}]}
    response = host.post("/api/v1/sales/digital", json={**body, **change}, headers=AUTH)
    assert response.status_code == 422
    assert field in response.json()["fields"]
    assert sandbox.state.faults.calls.get("sell", 0) == 0, "Minted is not called"


@pytest.mark.parametrize("missing", ["price_token", "external_id", "items"])
def test_sell_names_each_missing_field(host: TestClient, sandbox: Starlette, missing: str) -> None:
    body = {"price_token": "t", "external_id": "c", "items": [{"sku": "GAG", "amount": 1}]}
    del body[missing]
    response = host.post("/api/v1/sales/digital", json=body, headers=AUTH)
    assert response.status_code == 422
    assert missing in response.json()["fields"]
    assert sandbox.state.faults.calls.get("sell", 0) == 0, "Minted is not called"


def test_sell_refusals_only_minted_can_make(host: TestClient, sandbox_client: TestClient) -> None:
    """An unknown SKU or customer is Minted's refusal (409); holdings that do not cover it,
    its 403."""
    customer_id, _ = shopper(host, sandbox_client)
    body = {"price_token": price_token(host), "external_id": customer_id}
    unknown_sku = host.post(
        "/api/v1/sales/digital",
        json={**body, "items": [{"sku": "NOPE", "amount": 1}]},
        headers=AUTH,
    )
    assert_upstream_error(unknown_sku, 409, "upstream_rejected")
    assert "items.0.sku" in unknown_sku.json()["fields"]
    stranger = host.post(
        "/api/v1/sales/digital",
        json={**body, "external_id": "never-seen", "items": [{"sku": "GAG", "amount": 1}]},
        headers=AUTH,
    )
    assert_upstream_error(stranger, 409, "upstream_rejected")
    too_much = host.post(
        "/api/v1/sales/digital",
        json={**body, "items": [{"sku": "GAG", "amount": 1_000_000}]},
        headers=AUTH,
    )
    assert_upstream_error(too_much, 403, "upstream_forbidden")


# A sale must not be repeated blindly: a call whose answer was lost after it left is
# "outcome unknown", never "unavailable, retry".
SELL_UPSTREAM = [
    *UPSTREAM[:5],
    ({"kind": "malformed"}, 502, "upstream_outcome_unknown"),
    ({"kind": "status", "status": 500}, 502, "upstream_outcome_unknown"),
    ({"kind": "drop"}, 502, "upstream_outcome_unknown"),
]


@pytest.mark.parametrize(("fault", "status", "error"), SELL_UPSTREAM)
def test_sell_upstream_errors(
    host: TestClient, sandbox: Starlette, fault: dict[str, Any], status: int, error: str
) -> None:
    arm(sandbox, endpoint="sell", **{**fault, "count": 1})
    body = {"price_token": "t", "external_id": "c", "items": [{"sku": "GAG", "amount": 1}]}
    response = host.post("/api/v1/sales/digital", json=body, headers=AUTH)
    assert_upstream_error(response, status, error)


def test_a_sale_whose_answer_is_lost_says_so_and_is_found_by_lookup(
    host: TestClient, sandbox_client: TestClient, sandbox: Starlette
) -> None:
    customer_id, _ = shopper(host, sandbox_client)
    body = {
        "price_token": price_token(host),
        "external_id": customer_id,
        "items": [{"sku": "GAG", "amount": 1}],
    }
    arm(sandbox, endpoint="sell", kind="drop")  # Minted sells; its answer is cut off
    lost = host.post("/api/v1/sales/digital", json=body, headers=AUTH)
    assert_upstream_error(lost, 502, "upstream_outcome_unknown")
    assert "lookup" in lost.json()["message"]
    assert "retry-after" not in lost.headers, "not an invitation to try again"
    found = host.post("/api/v1/orders/lookup", json={"external_id": customer_id}, headers=AUTH)
    assert found.status_code == 200, found.text
    assert found.json()["type"] == "Sell"


@pytest.mark.parametrize(("fault", "status", "error"), UPSTREAM)
def test_price_token_upstream_errors(
    host: TestClient, sandbox: Starlette, fault: dict[str, Any], status: int, error: str
) -> None:
    arm(sandbox, endpoint="prices", **fault)
    assert_upstream_error(host.get("/api/v1/prices", headers=AUTH), status, error)
