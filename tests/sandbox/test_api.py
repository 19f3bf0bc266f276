"""The Minted endpoints behave as documented: auth, headers, envelopes, seeds, price fix."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from starlette.testclient import TestClient

from tests.helpers import Clock, customer_payload, put_item
from tests.sandbox.helpers import (
    DIGEST,
    HEADERS,
    assert_error_envelope,
    bearer,
    completed_order,
    shopping_customer,
    token_for,
)
from webview_host.sandbox import seeds


def test_partner_endpoint_challenges_with_digest(sandbox_client: TestClient) -> None:
    response = sandbox_client.post("/partner/ecom/token", json={}, headers=HEADERS)
    assert response.status_code == 401
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith("Digest ")
    assert 'qop="auth"' in challenge
    assert response.json() == {
        "data": None,
        "success": False,
        "code": 401,
        "message": "Unauthenticated.",
    }


def test_x_client_id_is_required_everywhere(sandbox_client: TestClient) -> None:
    token = token_for(sandbox_client)
    response = sandbox_client.get(
        "/partner/ecom/getActiveBasket", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 422
    assert "x-client-id" in response.json()["errors"]


def test_seed_scenarios_answer_the_documented_bodies(sandbox_client: TestClient) -> None:
    active = sandbox_client.get(
        "/partner/ecom/getActiveBasket", headers=bearer(seeds.SEED_WEBVIEW_TOKEN)
    )
    assert active.content == seeds.seed_bytes("active_basket")
    cleared = sandbox_client.request(
        "DELETE",
        "/partner/ecom/basket/empty",
        headers=HEADERS,
        auth=DIGEST,
        json={"external_customer_id": "MTD0018232", "cart_token": seeds.SEED_CART_TOKEN},
    )
    assert cleared.content == seeds.seed_bytes("clear_basket")
    baskets = sandbox_client.get(
        "/partner/ecom/baskets",
        headers=HEADERS,
        auth=DIGEST,
        params={"customer_external_id": seeds.SEED_BASKETS_CUSTOMER},
    )
    assert baskets.content == seeds.seed_bytes("incomplete_baskets")
    order = sandbox_client.post(
        "/partner/order",
        headers=HEADERS,
        auth=DIGEST,
        json={"guid": seeds.SEED_ORDER_GUIDS[0], "push_hook": True},
    )
    assert order.content == seeds.seed_bytes("order_alternative")
    sold = sandbox_client.post(
        "/partner/order/digital/sell",
        headers=HEADERS,
        auth=DIGEST,
        json={
            "price_token": "t",
            "currency_code": "GBP",
            "external_id": "HYAQA01373",
            "items": [{"sku": "GAG", "amount": 1}],
        },
    )
    assert sold.content == seeds.seed_bytes("sell")


def test_a_seed_request_the_endpoint_would_refuse_is_refused(sandbox_client: TestClient) -> None:
    """The seed guid with a string push_hook is not the documented scenario: 422."""
    order = sandbox_client.post(
        "/partner/order",
        headers=HEADERS,
        auth=DIGEST,
        json={"guid": seeds.SEED_ORDER_GUIDS[0], "push_hook": "yes"},
    )
    assert order.status_code == 422
    assert "push_hook" in order.json()["errors"]


def test_generated_basket_has_the_documented_shape(sandbox_client: TestClient) -> None:
    token = token_for(sandbox_client)
    basket = put_item(sandbox_client, token, "MNT0001", 2)
    documented = json.loads(seeds.seed_bytes("active_basket"))["data"]
    assert set(documented) <= set(basket)
    assert set(basket["items"][0]) == set(documented["items"][0])
    assert [p["name"] for p in basket["items"][0]["prices"]] == [
        "Minted Markup",
        "Sigorta",
        "Kargo",
        "Market Komisyon",
    ]
    assert len(basket["token"]) == 32
    assert len(basket["increment_id"]) == 16
    total = Decimal(str(basket["total"]))
    assert total == Decimal(str(basket["items"][0]["price"])) * 2


def test_price_fix_counts_down_lapses_and_refreshes(
    frozen_client: TestClient, frozen_clock: Clock
) -> None:
    token = token_for(frozen_client)
    first = put_item(frozen_client, token, "MNT0001", 1)
    assert first["pricefix"]["remaining"] == 240

    def read() -> dict[str, Any]:
        response = frozen_client.get("/partner/ecom/getActiveBasket", headers=bearer(token))
        data: dict[str, Any] = response.json()["data"]
        return data

    frozen_clock.advance(100)
    assert read()["pricefix"]["remaining"] == 140
    frozen_clock.advance(142)
    lapsed = read()
    assert lapsed["pricefix"]["remaining"] == -2, "negative once lapsed, as documented"
    assert lapsed["pricefix"]["updated"] is False
    assert lapsed["total"] == first["total"]
    frozen_clock.advance(5)
    refreshed = read()
    assert refreshed["pricefix"]["updated"] is True, "the first read after the refresh says so"
    assert refreshed["pricefix"]["remaining"] == 240
    assert refreshed["total"] != lapsed["total"], "a new price window has a new price"
    assert read()["pricefix"]["updated"] is False, "and only the first"


def test_rendering_changes_no_state(frozen_sandbox: Any, frozen_client: TestClient) -> None:
    """render.ecom_order is a pure function: rendering twice gives the same JSON and
    leaves the basket as it was, even past the refresh time."""
    from webview_host.sandbox import render

    store = frozen_sandbox.state.store
    token = token_for(frozen_client)
    put_item(frozen_client, token, "MNT0001", 1)
    basket = store.active_basket(store.customer_for_token(token))
    pricefix = store.settle(basket)
    store.lapse_pricefix()
    before = (dict(basket.prices), basket.fixed_at, basket.epoch, basket.updated)
    first = render.ecom_order(basket, store.customer_of(basket), pricefix)
    again = render.ecom_order(basket, store.customer_of(basket), pricefix)
    assert first == again
    assert (dict(basket.prices), basket.fixed_at, basket.epoch, basket.updated) == before


def test_expired_token_is_unauthorized(sandbox_client: TestClient, clock: Clock) -> None:
    token = token_for(sandbox_client)
    clock.advance(3601)
    response = sandbox_client.get("/partner/ecom/getActiveBasket", headers=bearer(token))
    assert response.status_code == 401


def test_complete_once_then_refused(sandbox_client: TestClient) -> None:
    customer, order = completed_order(sandbox_client)
    assert order["order_creation_status"] == "order"
    again = sandbox_client.post(
        "/partner/ecom/complete",
        json={"external_customer_id": customer["external_id"], "cart_token": order["token"]},
        headers=HEADERS,
        auth=DIGEST,
    )
    assert again.status_code == 422
    assert_error_envelope(422, again.json())


# --- Get Order (Alternative), seed 003 ------------------------------------------


def get_order(client: TestClient, body: Any) -> Any:
    return client.post("/partner/order", json=body, headers=HEADERS, auth=DIGEST)


@pytest.mark.parametrize("push_hook", ["true", 1, 0, None, [], {}, "1"])
def test_push_hook_must_be_a_boolean(sandbox_client: TestClient, push_hook: Any) -> None:
    _, order = completed_order(sandbox_client)
    response = get_order(sandbox_client, {"guid": order["guid"], "push_hook": push_hook})
    assert response.status_code == 422
    assert_error_envelope(422, response.json())
    assert response.json()["errors"]["push_hook"] == ["The push hook field must be true or false."]
    assert sandbox_client.get("/_sandbox/hooks").json()["hooks"] == []


def test_order_found_by_guid_order_code_or_external_id(sandbox_client: TestClient) -> None:
    _, order = completed_order(sandbox_client)
    for key, value in (
        ("guid", order["guid"]),
        ("order_code", order["external_id"]),
        ("external_id", order["external_id"]),
    ):
        found = get_order(sandbox_client, {key: value, "push_hook": False})
        assert found.status_code == 200, found.text
        assert found.json()["data"]["guid"] == order["guid"]
        assert found.json()["data"]["type"] == "Buy"
    assert sandbox_client.get("/_sandbox/hooks").json()["hooks"] == [], "push_hook false"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "guid"),
        ({"guid": ""}, "guid"),
        ({"guid": 5}, "guid"),
        ({"order_code": []}, "order_code"),
    ],
)
def test_order_lookup_needs_a_string_key(sandbox_client: TestClient, body: Any, field: str) -> None:
    response = get_order(sandbox_client, body)
    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_unknown_order_is_404(sandbox_client: TestClient) -> None:
    response = get_order(sandbox_client, {"order_code": "NOPE0000"})
    assert response.status_code == 404
    assert_error_envelope(404, response.json())


# --- Get Incomplete Baskets, seed 001 -------------------------------------------


def test_incomplete_baskets_page_keeps_the_query(sandbox_client: TestClient) -> None:
    """Laravel's page, as seed 001, with every URL keeping the query so it can be followed."""
    customer, _, basket = shopping_customer(sandbox_client)
    params = {"customer_external_id": customer["external_id"], "total": "1", "card_bin": ""}
    response = sandbox_client.get(
        "/partner/ecom/baskets", params=params, headers=HEADERS, auth=DIGEST
    )
    assert response.status_code == 200, response.text
    page = response.json()["data"]
    documented = json.loads(seeds.seed_bytes("incomplete_baskets"))["data"]
    assert list(page) == list(documented), "the same fields in the same order"
    assert [row["guid"] for row in page["data"]] == [basket["guid"]]
    assert (page["current_page"], page["last_page"], page["total"]) == (1, 1, 1)
    assert (page["from"], page["to"], page["per_page"]) == (1, 1, 1)
    assert page["path"] == "/partner/ecom/baskets"
    first = urlsplit(page["first_page_url"])
    assert first.path == "/partner/ecom/baskets"
    assert dict(parse_qsl(first.query, keep_blank_values=True)) == {**params, "page": "1"}
    assert [link["label"] for link in page["links"]] == [
        "pagination.previous",
        "1",
        "pagination.next",
    ]
    assert page["next_page_url"] is None
    beyond = sandbox_client.get(
        "/partner/ecom/baskets", params={**params, "page": "2"}, headers=HEADERS, auth=DIGEST
    ).json()["data"]
    assert beyond["data"] == []
    assert (beyond["from"], beyond["to"]) == (None, None)
    followed = sandbox_client.get(beyond["prev_page_url"], headers=HEADERS, auth=DIGEST)
    assert followed.json()["data"]["data"][0]["guid"] == basket["guid"], "prev_page_url works"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({}, "customer_external_id"),
        ({"customer_external_id": "c" * 111}, "customer_external_id"),
        ({"customer_external_id": "c", "page": "0"}, "page"),
        ({"customer_external_id": "c", "page": "²"}, "page"),
        ({"customer_external_id": "c", "total": "9" * 5000}, "total"),
        ({"customer_external_id": "c", "startDate": "2024-01-01"}, "startDate"),
        (
            {"customer_external_id": "c", "startDate": "2024-02-30", "endDate": "2024-03-01"},
            "startDate",
        ),
        ({"customer_external_id": "c", "card_bin": "12345"}, "card_bin"),
        ({"customer_external_id": "c", "card_bin": "١٢٣٤٥٦"}, "card_bin"),
    ],
)
def test_incomplete_baskets_query_rules(
    sandbox_client: TestClient, query: dict[str, str], field: str
) -> None:
    response = sandbox_client.get(
        "/partner/ecom/baskets", params=query, headers=HEADERS, auth=DIGEST
    )
    assert response.status_code == 422, response.text
    assert field in response.json()["errors"]


def test_customer_fields_are_validated_together(sandbox_client: TestClient) -> None:
    body = customer_payload(email="nope", phone="0533", gender="X", birthdate="31.01.1990")
    body["lastname"] = 7
    response = sandbox_client.post("/partner/ecom/token", json=body, headers=HEADERS, auth=DIGEST)
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"email", "phone", "gender", "birthdate", "lastname"}


def test_push_hook_without_a_hook_url_is_recorded(sandbox_client: TestClient) -> None:
    _, order = completed_order(sandbox_client)
    found = get_order(sandbox_client, {"guid": order["guid"], "push_hook": True})
    assert found.status_code == 200
    [push] = sandbox_client.get("/_sandbox/hooks").json()["hooks"]
    assert (push["guid"], push["outcome"], push["url"]) == (order["guid"], "recorded", None)
    assert push["order"] == found.json()["data"]
    sandbox_client.post("/_sandbox/reset")
    assert sandbox_client.get("/_sandbox/hooks").json()["hooks"] == [], "reset forgets pushes"
