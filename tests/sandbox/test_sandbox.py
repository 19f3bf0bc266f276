"""The sandbox behaves like the documented Minted API: auth, envelopes, seeds, price fix."""

from __future__ import annotations

import json
from decimal import Decimal

import httpx
import httpx2
import pytest
from starlette.testclient import TestClient

from tests.conftest import Clock, customer_payload, put_item
from webview_host.sandbox import seeds
from webview_host.sandbox.digest import DigestVerifier
from webview_host.sandbox.responses import ecom_order

# TestClient runs on httpx2, so its requests take httpx2 auth objects.
DIGEST = httpx2.DigestAuth("sandbox-partner", "sandbox-password")
HEADERS = {"x-client-id": "web"}


def token_for(client: TestClient, customer: dict[str, str] | None = None) -> str:
    response = client.post(
        "/partner/ecom/token", json=customer or customer_payload(), headers=HEADERS, auth=DIGEST
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["data"]["token"]
    return token


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


def test_sha256_digest_is_verified() -> None:
    verifier = DigestVerifier("u", "p", algorithm="SHA-256")
    challenge = verifier.challenge()
    request = httpx.Request("GET", "http://sandbox/partner/ecom/baskets?x=1")
    response = httpx.Response(401, headers={"www-authenticate": challenge}, request=request)
    flow = httpx.DigestAuth("u", "p").auth_flow(request)
    next(flow)
    signed = flow.send(response)
    assert verifier.verify("GET", "/partner/ecom/baskets?x=1", signed.headers["authorization"])
    assert not verifier.verify("GET", "/other", signed.headers["authorization"])


def test_expired_nonce_is_reported_stale() -> None:
    clock = Clock()
    verifier = DigestVerifier("u", "p", nonce_ttl=10, clock=clock)
    request = httpx.Request("GET", "http://sandbox/a")
    response = httpx.Response(
        401, headers={"www-authenticate": verifier.challenge()}, request=request
    )
    flow = httpx.DigestAuth("u", "p").auth_flow(request)
    next(flow)
    header = flow.send(response).headers["authorization"]
    clock.advance(11)
    assert verifier.verify("GET", "/a", header) is None
    assert "stale=true" in verifier.challenge(stale=True)


def test_x_client_id_is_required_everywhere(sandbox_client: TestClient) -> None:
    token = token_for(sandbox_client)
    response = sandbox_client.get(
        "/partner/ecom/getActiveBasket", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 422
    assert "x-client-id" in response.json()["errors"]


def test_seed_scenarios_answer_the_documented_bodies(sandbox_client: TestClient) -> None:
    active = sandbox_client.get(
        "/partner/ecom/getActiveBasket",
        headers={**HEADERS, "Authorization": f"Bearer {seeds.SEED_WEBVIEW_TOKEN}"},
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


def test_price_fix_counts_down_lapses_and_refreshes() -> None:
    from tests.conftest import make_sandbox_settings as make_settings
    from webview_host.sandbox.app import create_app

    clock = Clock(frozen=True)
    sandbox = create_app(make_settings(), clock=clock)
    store = sandbox.state.store
    with TestClient(sandbox) as client:
        token = token_for(client)
        first = put_item(client, token, "MNT0001", 1)
        assert first["pricefix"]["remaining"] == 240
        clock.advance(100)
        read = client.get(
            "/partner/ecom/getActiveBasket", headers={**HEADERS, "Authorization": f"Bearer {token}"}
        ).json()["data"]
        assert read["pricefix"]["remaining"] == 140
        clock.advance(142)
        lapsed = ecom_order(store, store.active_basket(store.customer_for_token(token)))
        assert lapsed["pricefix"]["remaining"] == -2, "negative once lapsed, as documented"
        assert lapsed["total"] == Decimal(str(first["total"]))
        clock.advance(5)
        refreshed = ecom_order(store, store.active_basket(store.customer_for_token(token)))
        assert refreshed["pricefix"]["updated"] is True
        assert refreshed["pricefix"]["remaining"] == 240
        assert refreshed["total"] != lapsed["total"], "a new price window has a new price"


def test_expired_token_is_unauthorized(sandbox_client: TestClient, clock: Clock) -> None:
    token = token_for(sandbox_client)
    clock.advance(3601)
    response = sandbox_client.get(
        "/partner/ecom/getActiveBasket", headers={**HEADERS, "Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 401


def test_webview_page_is_framable_only_by_the_host(sandbox_client: TestClient) -> None:
    token = token_for(sandbox_client)
    page = sandbox_client.get(f"/webview/?token={token}")
    assert page.status_code == 200
    assert "frame-ancestors http://127.0.0.1:8000" in page.headers["content-security-policy"]
    assert 'data-testid="product-MNT0001"' in page.text
    assert 'data-parent-origin="http://127.0.0.1:8000"' in page.text
    assert "<script>" not in page.text, "no inline script"
    expired = sandbox_client.get("/webview/?token=nope")
    assert expired.status_code == 401
    assert 'data-testid="webview-expired"' in expired.text


def test_webview_quantity_rules(sandbox_client: TestClient) -> None:
    token = token_for(sandbox_client)
    auth = {"Authorization": f"Bearer {token}"}
    for body, status in (
        ({"quantity": -1}, 422),
        ({"quantity": "2"}, 422),
        ({"quantity": 100}, 422),
    ):
        assert (
            sandbox_client.put(
                "/webview/api/basket/items/MNT0001", json=body, headers=auth
            ).status_code
            == status
        )
    assert (
        sandbox_client.put(
            "/webview/api/basket/items/NOPE", json={"quantity": 1}, headers=auth
        ).status_code
        == 422
    )
    put_item(sandbox_client, token, "MNT0005", 3)
    emptied = put_item(sandbox_client, token, "MNT0005", 0)
    assert emptied["items"] == []


def test_control_api_validates_faults(sandbox_client: TestClient) -> None:
    bad = sandbox_client.post("/_sandbox/faults", json={"endpoint": "nope", "kind": "status"})
    assert bad.status_code == 422
    assert "endpoint" in bad.json()["error"]
    bad = sandbox_client.post("/_sandbox/faults", json={"endpoint": "complete", "kind": "boom"})
    assert "kind" in bad.json()["error"]
    ok = sandbox_client.post(
        "/_sandbox/faults",
        json={"endpoint": "complete", "kind": "status", "status": 500, "count": 2},
    )
    assert ok.status_code == 201
    assert ok.json()["armed"][0]["count"] == 2
    assert sandbox_client.delete("/_sandbox/faults").json()["armed"] == []


@pytest.mark.parametrize("kind", ["unauthorized", "parameter_error", "malformed", "status"])
def test_faults_apply_to_the_next_call_only(sandbox_client: TestClient, kind: str) -> None:
    sandbox_client.post("/_sandbox/faults", json={"endpoint": "create_token", "kind": kind})
    faulty = sandbox_client.post(
        "/partner/ecom/token", json=customer_payload(), headers=HEADERS, auth=DIGEST
    )
    assert faulty.status_code != 200 or not faulty.text.startswith("{")
    token_for(sandbox_client)


def test_faults_are_absent_when_disabled(clock: Clock) -> None:
    from tests.conftest import make_sandbox_settings as make_settings
    from webview_host.sandbox.app import create_app

    app = create_app(make_settings(sandbox_faults="false"), clock=clock)
    with TestClient(app) as client:
        assert client.post("/_sandbox/reset").status_code == 404
