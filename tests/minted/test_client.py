"""The Minted client against the sandbox (ASGI) and against faulty transports."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from tests.helpers import calls as sandbox_calls
from tests.helpers import customer_payload, make_settings
from webview_host.minted import (
    MintedAPIError,
    MintedClient,
    MintedForbidden,
    MintedNotFound,
    MintedParameterError,
    MintedProtocolError,
    MintedUnauthorized,
    MintedUnavailable,
    SellItem,
)
from webview_host.sandbox import digital, seeds

pytestmark = pytest.mark.anyio


@pytest.fixture
async def minted(sandbox: Starlette) -> AsyncIterator[MintedClient]:
    client = MintedClient.from_settings(make_settings(), transport=httpx.ASGITransport(sandbox))
    async with client:
        yield client


def mock_client(handler: Any, **kwargs: Any) -> MintedClient:
    return MintedClient(
        base_url="https://minted.test",
        username="u",
        password="p",
        transport=httpx.MockTransport(handler),
        retry_backoff=0,
        **kwargs,
    )


async def _basket_for(minted: MintedClient, sandbox: Starlette) -> tuple[str, str, str]:
    """A customer with a token and a one-item basket: (customer id, token, cart token)."""
    customer = customer_payload()
    grant = await minted.create_token(customer)
    store = sandbox.state.store
    basket = store.set_quantity(store.customer_for_token(grant.token), "MNT0001", 2)
    return customer["external_id"], grant.token, basket.token


# --- each method against the sandbox --------------------------------------------


async def test_create_token_returns_a_32_char_token_with_expiry(minted: MintedClient) -> None:
    grant = await minted.create_token(customer_payload(), locale="en")
    assert len(grant.token) == 32
    assert grant.expire_ttl == 3600
    assert grant.expires_at is not None
    assert grant.expires_at > dt.datetime.now(dt.UTC)


async def test_active_basket_is_typed_and_exact(minted: MintedClient, sandbox: Starlette) -> None:
    _, token, cart_token = await _basket_for(minted, sandbox)
    basket = await minted.get_active_basket(token)
    assert basket.token == cart_token
    assert basket.order_creation_status == "basket"
    assert basket.items[0].amount == 2
    assert basket.total == basket.items[0].price * 2
    assert basket.pricefix is not None
    assert 0 < basket.pricefix.remaining <= 240
    assert len(basket.increment_id or "") == 16


async def test_no_active_basket_is_not_found(minted: MintedClient) -> None:
    grant = await minted.create_token(customer_payload())
    with pytest.raises(MintedNotFound) as caught:
        await minted.get_active_basket(grant.token)
    assert caught.value.status == 404


async def test_bad_bearer_token_is_unauthorized(minted: MintedClient) -> None:
    with pytest.raises(MintedUnauthorized):
        await minted.get_active_basket("x" * 32)


async def test_seed_active_basket_is_the_documented_example(minted: MintedClient) -> None:
    basket = await minted.get_active_basket(seeds.SEED_WEBVIEW_TOKEN)
    assert basket.guid == "8C624BD0-3BE4-45A2-9B63-D570477007FA"
    assert basket.total == Decimal("2960.3")


async def test_complete_turns_the_basket_into_an_order(
    minted: MintedClient, sandbox: Starlette
) -> None:
    customer_id, token, cart_token = await _basket_for(minted, sandbox)
    order = await minted.complete(customer_id, cart_token)
    assert order.is_order
    assert order.status_name == "Pending"
    again = await minted.get_ecom_order(customer_id, cart_token)
    assert again.is_order
    assert again.guid == order.guid
    with pytest.raises(MintedNotFound):
        await minted.get_active_basket(token)
    by_guid = await minted.get_order_alternative(guid=order.guid)
    assert by_guid.total == order.total


async def test_complete_twice_is_refused_by_minted(
    minted: MintedClient, sandbox: Starlette
) -> None:
    customer_id, _, cart_token = await _basket_for(minted, sandbox)
    await minted.complete(customer_id, cart_token)
    with pytest.raises(MintedParameterError, match="already an order"):
        await minted.complete(customer_id, cart_token)


async def test_complete_after_price_fix_lapse_is_a_parameter_error(
    minted: MintedClient, sandbox: Starlette
) -> None:
    customer_id, _, cart_token = await _basket_for(minted, sandbox)
    sandbox.state.store.lapse_pricefix(customer_id)
    with pytest.raises(MintedParameterError) as caught:
        await minted.complete(customer_id, cart_token)
    assert "pricefix" in caught.value.field_errors


async def test_clear_basket_empties_it(minted: MintedClient, sandbox: Starlette) -> None:
    customer_id, _, cart_token = await _basket_for(minted, sandbox)
    emptied = await minted.clear_basket(customer_id, cart_token)
    assert emptied.items == []
    assert emptied.total == Decimal(0)


async def test_seed_clear_basket(minted: MintedClient) -> None:
    emptied = await minted.clear_basket(seeds.SEED_CLEAR_CUSTOMER, seeds.SEED_CART_TOKEN)
    assert emptied.id == 207
    assert emptied.delivery_price is None


async def test_incomplete_baskets_are_paginated(minted: MintedClient, sandbox: Starlette) -> None:
    customer_id, _, _ = await _basket_for(minted, sandbox)
    page = await minted.get_incomplete_baskets(customer_id, page=1, per_page=10)
    assert page.total == 1
    assert page.current_page == 1
    assert page.data[0].items[0].sku == "MNT0001"
    empty = await minted.get_incomplete_baskets(customer_id, page=2, per_page=10)
    assert empty.data == []
    today = dt.date.today()
    dated = await minted.get_incomplete_baskets(
        customer_id, start_date=today - dt.timedelta(days=1), end_date=today + dt.timedelta(days=1)
    )
    assert dated.total == 1


async def test_seed_incomplete_baskets(minted: MintedClient) -> None:
    page = await minted.get_incomplete_baskets(seeds.SEED_BASKETS_CUSTOMER)
    assert page.from_ == 1
    assert page.data[0].total == Decimal("2914.73")


async def test_dates_must_come_together() -> None:
    client = mock_client(lambda r: httpx.Response(500))
    with pytest.raises(ValueError, match="used together"):
        await client.get_incomplete_baskets("c", start_date=dt.date.today())


async def test_get_order_alternative_seed_and_missing(minted: MintedClient) -> None:
    order = await minted.get_order_alternative(guid=seeds.SEED_ORDER_GUIDS[0], push_hook=True)
    assert order.order_code == "ALS8HEVP"
    with pytest.raises(MintedNotFound):
        await minted.get_order_alternative(order_code="NOPE0000")
    with pytest.raises(ValueError, match="at least one"):
        await minted.get_order_alternative()


async def test_sell_with_a_price_token(minted: MintedClient, sandbox: Starlette) -> None:
    customer = customer_payload()
    await minted.create_token(customer)
    price_token = digital.issue_price_token(sandbox.state.store)["price_token"]
    result = await minted.sell(
        price_token=price_token,
        external_id=customer["external_id"],
        items=[SellItem(sku="GAG", amount=3)],
        currency="TRY",
    )
    assert result.orders[0].items[0].amount == 3
    assert result.total == result.orders[0].total


async def test_sell_seed_and_errors(minted: MintedClient, sandbox: Starlette) -> None:
    seed = await minted.sell(
        price_token="any",
        external_id=seeds.SEED_SELL_EXTERNAL_ID,
        items=[SellItem(sku="GAG", amount=1)],
        currency="GBP",  # the documented request (seed 004) and its answer
    )
    assert seed.order_code == ["9YMEK5RB"]
    price_token = digital.issue_price_token(sandbox.state.store)["price_token"]
    with pytest.raises(MintedParameterError) as new_customer:
        await minted.sell(
            price_token=price_token, external_id="never-seen", items=[SellItem(sku="GAG", amount=1)]
        )
    assert "external_id" in new_customer.value.field_errors
    customer = customer_payload()
    await minted.create_token(customer)
    with pytest.raises(MintedForbidden):
        await minted.sell(
            price_token=price_token,
            external_id=customer["external_id"],
            items=[SellItem(sku="GAU", amount=101)],
        )


@pytest.mark.parametrize(("asked", "answered"), [("USD", "TRY"), (None, "GBP")])
async def test_a_sale_answered_in_another_currency_is_not_passed_on(
    asked: str | None, answered: str
) -> None:
    """The client checks Sell's answer too: an order in a currency nobody asked for (TRY
    when none is given) is a protocol error, not a result."""
    order = {"guid": "G", "order_code": "C", "currency_code": answered, "total": "10.00"}

    def handler(request: httpx.Request) -> httpx.Response:
        data = {"order_code": ["C"], "guid": ["G"], "total": "10.00", "orders": [order]}
        return httpx.Response(200, json={"success": True, "code": 0, "message": "", "data": data})

    with pytest.raises(MintedProtocolError, match=f"sale with an order in {answered}"):
        await mock_client(handler).sell(
            price_token="p", external_id="c-1", items=[SellItem(sku="GAG", amount=1)],
            currency=asked,  # type: ignore[arg-type]
        )  # fmt: skip


# --- auth and headers -------------------------------------------------------------


async def test_digest_challenge_once_then_nonce_reused(
    minted: MintedClient, sandbox: Starlette
) -> None:
    stats = sandbox.state.digest.stats
    for _ in range(3):
        await minted.create_token(customer_payload())
    assert stats.challenges == 1, "only the first request is challenged"
    assert stats.accepted == 3
    assert list(stats.nonce_uses.values()) == [3], "later requests reuse the nonce"


async def test_wrong_digest_password_is_unauthorized(sandbox: Starlette) -> None:
    client = MintedClient(
        base_url="http://sandbox",
        username="sandbox-partner",
        password="wrong",
        transport=httpx.ASGITransport(sandbox),
    )
    with pytest.raises(MintedUnauthorized):
        await client.create_token(customer_payload())


async def test_missing_client_id_is_refused(sandbox: Starlette) -> None:
    class WithoutClientId(httpx.AsyncBaseTransport):
        """A proxy that strips the header on the way to Minted."""

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            request.headers.pop("x-client-id", None)
            return await httpx.ASGITransport(sandbox).handle_async_request(request)

    client = MintedClient(
        base_url="http://sandbox",
        username="sandbox-partner",
        password="sandbox-password",
        transport=WithoutClientId(),
    )
    with pytest.raises(MintedParameterError) as caught:
        await client.create_token(customer_payload())
    assert "x-client-id" in caught.value.field_errors


async def test_common_headers_are_sent() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(404, json={"success": False, "code": 404, "message": "none"})

    client = mock_client(handler, client_id="partner-app", api_version="3")
    with pytest.raises(MintedNotFound):
        await client.get_active_basket("tok", locale="en")
    request = seen[0]
    assert request.headers["x-client-id"] == "partner-app"
    assert request.headers["api-version"] == "3"
    assert request.headers["accept-language"] == "en"
    assert request.headers["authorization"] == "Bearer tok"


async def test_a_cookie_minted_sets_never_rides_along_on_another_call() -> None:
    """One client serves every customer: a gateway's session cookie on one answer must not
    be sent with the next customer's call."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            404,
            json={"success": False, "code": 404, "message": "none"},
            headers={"Set-Cookie": "gw_session=customer-a; Path=/"},
        )

    client = mock_client(handler)
    for token in ("token-of-a", "token-of-b"):
        with pytest.raises(MintedNotFound):
            await client.get_active_basket(token)
    assert [r.headers.get("cookie") for r in seen] == [None, None]


# --- bad input: the sandbox's field errors reach the caller -------------------------


@pytest.mark.parametrize(
    ("customer_changes", "field"),
    [
        ({"external_id": ""}, "external_id"),
        ({"external_id": "x" * 111}, "external_id"),
        ({"phone": "05330000000"}, "phone"),
        ({"email": "not-an-email"}, "email"),
        ({"gender": "X"}, "gender"),
        ({"identity_number": "123"}, "identity_number"),
        ({"birthdate": "31-01-1990"}, "birthdate"),
    ],
)
async def test_create_token_field_errors(
    minted: MintedClient, customer_changes: dict[str, str], field: str
) -> None:
    with pytest.raises(MintedParameterError) as caught:
        await minted.create_token(customer_payload(**customer_changes))
    assert field in caught.value.field_errors


async def test_cart_token_must_be_exactly_32(minted: MintedClient) -> None:
    for bad in ("short", "x" * 33):
        with pytest.raises(MintedParameterError) as caught:
            await minted.complete("cust", bad)
        assert "cart_token" in caught.value.field_errors
    with pytest.raises(MintedParameterError) as caught:
        await minted.clear_basket("x" * 111, "x" * 32)
    assert "external_customer_id" in caught.value.field_errors


async def test_incomplete_baskets_query_rules(minted: MintedClient) -> None:
    with pytest.raises(MintedParameterError) as caught:
        await minted.get_incomplete_baskets("c" * 111)
    assert "customer_external_id" in caught.value.field_errors
    with pytest.raises(MintedParameterError) as caught:
        await minted.get_incomplete_baskets("cust", card_bin="12345")
    assert "card_bin" in caught.value.field_errors


@pytest.mark.parametrize(
    ("currency", "items", "named"),
    [
        ("JPY", [SellItem(sku="GAG", amount=1)], "currency_code"),
        ("try", [SellItem(sku="GAG", amount=1)], "currency_code"),
        (None, [], "items"),
        ("TRY", [SellItem(sku="", amount=1)], "items.0.sku"),
        ("TRY", [SellItem(sku="GAG", amount=1), SellItem(sku="GAG", amount=0)], "items.1.amount"),
        ("EUR", [SellItem(sku="GAG", amount=-3)], "items.0.amount"),
    ],
)
async def test_sell_outside_seed_004_never_leaves(
    minted: MintedClient, sandbox: Starlette, currency: Any, items: list[SellItem], named: str
) -> None:
    """A currency other than GBP/TRY/USD/EUR, no items or an amount under 1 is refused
    by the client, naming the field, and Minted is not called."""
    with pytest.raises(ValueError, match=named):
        await minted.sell(price_token="t", external_id="c", currency=currency, items=items)
    assert sandbox_calls(sandbox, "sell") == 0


async def test_sell_rules_only_minted_knows_come_back_as_its_field_errors(
    minted: MintedClient, sandbox: Starlette
) -> None:
    """The client cannot know the SKUs or whether a price token is live: Minted's 422
    names them."""
    price_token = digital.issue_price_token(sandbox.state.store)["price_token"]
    with pytest.raises(MintedParameterError) as caught:
        await minted.sell(
            price_token=price_token, external_id="c", items=[SellItem(sku="NOPE", amount=1)]
        )
    assert "items.0.sku" in caught.value.field_errors
    with pytest.raises(MintedParameterError) as caught:
        await minted.sell(price_token="", external_id="c", items=[SellItem(sku="GAG", amount=1)])
    assert "price_token" in caught.value.field_errors


# --- faults and the retry policy ---------------------------------------------------------


def counting(responder: Any) -> tuple[list[httpx.Request], Any]:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        result = responder(request)
        if isinstance(result, Exception):
            raise result
        return result

    return calls, handler


@pytest.mark.parametrize(
    ("fault", "sent"),
    [
        (httpx.ConnectError("refused"), False),
        (httpx.ConnectTimeout("slow connect"), False),
        (httpx.ReadTimeout("slow answer"), True),
        (httpx.ReadError("connection reset by peer"), True),
        (httpx.RemoteProtocolError("peer closed connection"), True),
    ],
)
async def test_transport_faults_become_unavailable(fault: Exception, sent: bool) -> None:
    calls, handler = counting(lambda r: fault)
    client = mock_client(handler, read_retries=2)
    with pytest.raises(MintedUnavailable) as caught:
        await client.get_active_basket("tok")
    assert caught.value.request_sent is sent
    assert len(calls) == 3, "a read is retried a bounded number of times"


async def test_502_is_unavailable_and_read_is_retried_then_succeeds() -> None:
    body = json.loads(seeds.seed_bytes("active_basket"))
    answers = [httpx.Response(502, text="<html>bad gateway</html>"), httpx.Response(200, json=body)]
    calls, handler = counting(lambda r: answers.pop(0))
    basket = await mock_client(handler, read_retries=2).get_active_basket("tok")
    assert basket.id == 207
    assert len(calls) == 2


async def test_complete_is_never_retried() -> None:
    for fault in (httpx.ReadTimeout("t"), httpx.ConnectError("c")):
        calls, handler = counting(lambda r, f=fault: f)
        with pytest.raises(MintedUnavailable):
            await mock_client(handler, read_retries=5).complete("cust", "x" * 32)
        assert len(calls) == 1
    calls, handler = counting(lambda r: httpx.Response(503, text="down"))
    with pytest.raises(MintedUnavailable) as caught:
        await mock_client(handler, read_retries=5).complete("cust", "x" * 32)
    assert caught.value.status == 503
    assert len(calls) == 1


async def test_html_instead_of_json_is_a_protocol_error() -> None:
    _, handler = counting(lambda r: httpx.Response(200, text="<html>login</html>"))
    with pytest.raises(MintedProtocolError, match="not JSON"):
        await mock_client(handler, read_retries=0).get_active_basket("tok")


async def test_wrong_envelope_is_a_protocol_error() -> None:
    _, handler = counting(lambda r: httpx.Response(200, json={"token": "abc"}))
    with pytest.raises(MintedProtocolError, match="envelope"):
        await mock_client(handler).create_token({"external_id": "c"})
    _, handler = counting(
        lambda r: httpx.Response(200, json={"data": {"guid": 1}, "success": True})
    )
    with pytest.raises(MintedProtocolError, match="EcomOrder"):
        await mock_client(handler).get_active_basket("tok")


async def test_unexpected_error_bodies_never_crash() -> None:
    for response in (
        httpx.Response(422, text="Unprocessable"),
        httpx.Response(422, json=["not", "an", "object"]),
        httpx.Response(422, json={"errors": "flat string", "message": 5}),
    ):
        _, handler = counting(lambda r, resp=response: resp)
        with pytest.raises(MintedParameterError):
            await mock_client(handler).complete("c", "x" * 32)
    _, handler = counting(lambda r: httpx.Response(418, json={"message": "teapot"}))
    with pytest.raises(MintedAPIError) as caught:
        await mock_client(handler).complete("c", "x" * 32)
    assert caught.value.status == 418


async def test_success_false_with_200_is_an_api_error() -> None:
    _, handler = counting(
        lambda r: httpx.Response(
            200, json={"data": None, "success": False, "code": 7, "message": "nope"}
        )
    )
    with pytest.raises(MintedAPIError) as caught:
        await mock_client(handler).complete("c", "x" * 32)
    assert caught.value.code == 7


async def test_laravel_field_errors_are_carried() -> None:
    body = {
        "success": False,
        "code": 422,
        "message": "The given data was invalid.",
        "errors": {"cart_token": ["Must be 32."], "x": "single"},
    }
    _, handler = counting(lambda r: httpx.Response(422, json=body))
    with pytest.raises(MintedParameterError) as caught:
        await mock_client(handler).complete("c", "x" * 32)
    assert caught.value.field_errors == {"cart_token": ["Must be 32."], "x": ["single"]}
