"""Sell (Silver), seed 004: price token, currency, items and balances exactly as documented."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.helpers import Clock
from tests.sandbox.helpers import DIGEST, HEADERS, assert_error_envelope, token_for
from webview_host.sandbox import catalog


def price_token(client: TestClient) -> str:
    response = client.get("/partner/prices", headers=HEADERS, auth=DIGEST)
    assert response.status_code == 200, response.text
    token: str = response.json()["data"]["price_token"]
    return token


def sell(client: TestClient, **body: Any) -> Any:
    return client.post("/partner/order/digital/sell", json=body, headers=HEADERS, auth=DIGEST)


@pytest.fixture
def seller(sandbox_client: TestClient) -> dict[str, Any]:
    """A known customer and a fresh price token."""
    from tests.helpers import customer_payload

    customer = customer_payload()
    token_for(sandbox_client, customer)
    return {"external_id": customer["external_id"], "price_token": price_token(sandbox_client)}


@pytest.mark.parametrize("currency", ["TRY", "GBP", "USD", "EUR", None])
def test_sell_answers_in_the_currency_asked(
    sandbox_client: TestClient, seller: dict[str, Any], currency: str | None
) -> None:
    body = {**seller, "items": [{"sku": "GAG", "amount": 3}]}
    if currency is not None:
        body["currency_code"] = currency
    response = sell(sandbox_client, **body)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert list(data) == ["order_code", "guid", "price", "tax", "total", "order_at", "orders"]
    order = data["orders"][0]
    code = currency or "TRY"
    assert order["currency_code"] == code
    rate, total = Decimal(str(order["currency_rate"])), Decimal(str(order["total"]))
    assert rate == catalog.RATES[code]
    assert Decimal(str(order["currency_total"])) == (total / rate).quantize(Decimal("0.01"))
    assert total == Decimal(str(order["items"][0]["price"])) * 3
    assert data["order_code"] == [order["order_code"]]
    assert data["guid"] == [order["guid"]]


def test_sell_debits_the_holdings_and_refuses_an_overdraft(
    sandbox_client: TestClient, seller: dict[str, Any]
) -> None:
    """403 when the holdings do not cover the sale; two lines of one sku count together."""
    whole = catalog.DIGITAL["GAU"]
    lines = [{"sku": whole.sku, "amount": 60}, {"sku": whole.sku, "amount": 41}]
    refused = sell(sandbox_client, **seller, items=lines)
    assert refused.status_code == 403
    assert_error_envelope(403, refused.json())
    assert sell(sandbox_client, **seller, items=lines[:1]).status_code == 200
    assert sell(sandbox_client, **seller, items=[{"sku": "GAU", "amount": 41}]).status_code == 403


def test_a_new_customer_is_a_422(sandbox_client: TestClient) -> None:
    response = sell(
        sandbox_client,
        price_token=price_token(sandbox_client),
        external_id="never-seen",
        items=[{"sku": "GAG", "amount": 1}],
    )
    assert response.status_code == 422
    assert "external_id" in response.json()["errors"]


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"price_token": None}, {"price_token"}),
        ({"price_token": ""}, {"price_token"}),
        ({"price_token": 7}, {"price_token"}),
        ({"price_token": "x" * 32}, {"price_token"}),
        ({"external_id": None}, {"external_id"}),
        ({"external_id": ["a"]}, {"external_id"}),
        ({"external_id": "x" * 111}, {"external_id"}),
        ({"currency_code": "JPY"}, {"currency_code"}),
        ({"currency_code": "gbp"}, {"currency_code"}),
        ({"currency_code": 826}, {"currency_code"}),
        ({"items": None}, {"items"}),
        ({"items": []}, {"items"}),
        ({"items": {"sku": "GAG"}}, {"items"}),
        ({"items": ["GAG"]}, {"items.0"}),
        ({"items": [{"amount": 1}]}, {"items.0.sku"}),
        ({"items": [{"sku": ["GAG"], "amount": 1}]}, {"items.0.sku"}),
        ({"items": [{"sku": "XAU", "amount": 1}]}, {"items.0.sku"}),
        ({"items": [{"sku": "GAG"}]}, {"items.0.amount"}),
        ({"items": [{"sku": "GAG", "amount": 0}]}, {"items.0.amount"}),
        ({"items": [{"sku": "GAG", "amount": 1.5}]}, {"items.0.amount"}),
        ({"items": [{"sku": "GAG", "amount": "1"}]}, {"items.0.amount"}),
        ({"items": [{"sku": "GAG", "amount": True}]}, {"items.0.amount"}),
        (
            {"items": [{"sku": "GAG", "amount": 1}, {"sku": "GAU", "amount": -1}]},
            {"items.1.amount"},
        ),
    ],
)
def test_sell_validation_is_exactly_as_documented(
    sandbox_client: TestClient, seller: dict[str, Any], changes: dict[str, Any], fields: set[str]
) -> None:
    body = {**seller, "currency_code": "GBP", "items": [{"sku": "GAG", "amount": 1}], **changes}
    response = sell(sandbox_client, **body)
    assert response.status_code == 422, response.text
    assert_error_envelope(422, response.json())
    assert set(response.json()["errors"]) == fields


def test_an_expired_price_token_is_refused(frozen_client: TestClient, frozen_clock: Clock) -> None:
    from tests.helpers import customer_payload

    customer = customer_payload()
    token_for(frozen_client, customer)
    token = price_token(frozen_client)
    frozen_clock.advance(240)
    response = sell(
        frozen_client,
        price_token=token,
        external_id=customer["external_id"],
        items=[{"sku": "GAG", "amount": 1}],
    )
    assert response.status_code == 422
    assert "price_token" in response.json()["errors"]


def test_a_sale_is_found_by_get_order(sandbox_client: TestClient, seller: dict[str, Any]) -> None:
    sold = sell(sandbox_client, **seller, currency_code="EUR", items=[{"sku": "GAU", "amount": 2}])
    order = sold.json()["data"]["orders"][0]
    found = sandbox_client.post(
        "/partner/order", json={"guid": order["guid"]}, headers=HEADERS, auth=DIGEST
    )
    assert found.status_code == 200
    assert found.json()["data"] == order
    assert (order["type"], order["currency_code"]) == ("Sell", "EUR")
