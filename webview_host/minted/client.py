"""The Minted Connect API client: one `httpx.AsyncClient`, typed answers, our own errors.

Each method is one documented Minted operation; how a call is made (deadline,
auth, retries, errors) is `calls.py`. Partner endpoints use `httpx.DigestAuth`,
token-scoped endpoints `BearerAuth`. Under the client sits `MintedTransport`
(aiohttp's pool, see `transport.py`) unless a test injects its own. Reads are
retried a bounded number of times on `MintedUnavailable`; writes (Create Token,
Complete, Clear Basket, Sell) are never retried: their callers decide, because a
lost answer does not mean Minted did nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from ..settings import Settings
from .auth import BearerAuth
from .calls import Caller, CallObserver
from .envelope import parse
from .errors import MintedProtocolError
from .models import EcomOrder, Order, OrderResponse, Page, SellItem, TokenGrant
from .sell import Currency, PriceToken, check_sell
from .transport import MintedTransport


class MintedClient:
    """Typed access to the Minted endpoints the Embedded Webview product uses."""

    def __init__(
        self,
        *,
        base_url: str,
        username: str,
        password: str,
        client_id: str = "web",
        api_version: str = "3",
        timeout: float = 10.0,
        read_retries: int = 2,
        retry_backoff: float = 0.2,
        create_token_path: str = "/partner/ecom/token",  # noqa: S107 - a URL path
        complete_path: str = "/partner/ecom/complete",
        prices_path: str = "/partner/prices",
        max_connections: int = 100,
        keepalive_expiry: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
        observer: CallObserver | None = None,
    ) -> None:
        """`max_connections` and `keepalive_expiry` size the pool of the default transport;
        `transport` replaces it (tests: `httpx.MockTransport`, `httpx.ASGITransport`)."""
        if transport is None:
            transport = MintedTransport(
                max_connections=max_connections, keepalive_expiry=keepalive_expiry
            )
        headers = {"x-client-id": client_id, "Accept": "application/json"}
        if api_version:
            headers["api-version"] = api_version
        self._calls = Caller(
            base_url=base_url,
            headers=headers,
            credentials=(username, password),
            deadline=timeout,
            retry_backoff=retry_backoff,
            transport=transport,
            observer=observer,
        )
        self._read_retries = read_retries
        self._create_token_path = create_token_path
        self._complete_path = complete_path
        self._prices_path = prices_path

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        transport: httpx.AsyncBaseTransport | None = None,
        observer: CallObserver | None = None,
    ) -> MintedClient:
        return cls(
            base_url=settings.minted_base_url,
            username=settings.minted_username,
            password=settings.minted_password.reveal(),
            client_id=settings.minted_client_id,
            api_version=settings.minted_api_version,
            timeout=settings.minted_timeout,
            read_retries=settings.minted_read_retries,
            create_token_path=settings.create_token_path,
            complete_path=settings.complete_path,
            max_connections=settings.minted_max_connections,
            keepalive_expiry=settings.minted_keepalive_seconds,
            prices_path=settings.minted_prices_path,
            transport=transport,
            observer=observer,
        )

    async def aclose(self) -> None:
        await self._calls.aclose()

    async def __aenter__(self) -> MintedClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # --- Embedded Webview -------------------------------------------------

    async def create_token(self, customer: Mapping[str, Any], *, locale: str = "tr") -> TokenGrant:
        """Create Token: a bearer token for this customer's webview session."""
        data = await self._calls.call(
            "POST", self._create_token_path, json=dict(customer), locale=locale
        )
        return parse(TokenGrant, data)

    async def get_active_basket(self, token: str, *, locale: str = "tr") -> EcomOrder:
        """Get Active Basket (Bearer). Raises `MintedNotFound` when there is none."""
        data = await self._calls.call(
            "GET",
            "/partner/ecom/getActiveBasket",
            auth=BearerAuth(token),
            locale=locale,
            retries=self._read_retries,
        )
        return parse(EcomOrder, data)

    async def complete(self, customer_id: str, cart_token: str, *, locale: str = "tr") -> EcomOrder:
        """Complete the basket into an order. Never retried: see the module docstring."""
        body = {"external_customer_id": customer_id, "cart_token": cart_token}
        data = await self._calls.call("POST", self._complete_path, json=body, locale=locale)
        return parse(EcomOrder, data)

    # --- E-commerce -------------------------------------------------------

    async def get_ecom_order(
        self, customer_id: str, cart_token: str, *, locale: str = "tr"
    ) -> EcomOrder:
        """E-commerce Get Order: the basket or order behind a cart token (to reconcile)."""
        body = {"customer_external_id": customer_id, "cart_token": cart_token}
        data = await self._calls.call(
            "POST", "/partner/ecom/getorder", json=body, locale=locale, retries=self._read_retries
        )
        return parse(EcomOrder, data)

    async def clear_basket(
        self, customer_id: str, cart_token: str, *, locale: str = "tr"
    ) -> EcomOrder:
        """Clear Basket (Delete Items): the emptied basket."""
        body = {"external_customer_id": customer_id, "cart_token": cart_token}
        data = await self._calls.call(
            "DELETE", "/partner/ecom/basket/empty", json=body, locale=locale
        )
        return parse(EcomOrder, data)

    async def get_incomplete_baskets(
        self,
        customer_id: str,
        *,
        page: int | None = None,
        per_page: int | None = None,
        start_date: dt.date | None = None,
        end_date: dt.date | None = None,
        card_bin: str | None = None,
        locale: str = "tr",
    ) -> Page[EcomOrder]:
        """Get Incomplete Baskets, one page (`per_page` is Minted's `total` parameter)."""
        if (start_date is None) != (end_date is None):
            raise ValueError("start_date and end_date are used together: pass both or neither.")
        params: dict[str, str] = {"customer_external_id": customer_id}
        if page is not None:
            params["page"] = str(page)
        if per_page is not None:
            params["total"] = str(per_page)
        if start_date is not None and end_date is not None:
            params["startDate"] = start_date.isoformat()
            params["endDate"] = end_date.isoformat()
        if card_bin is not None:
            params["card_bin"] = card_bin
        data = await self._calls.call(
            "GET", "/partner/ecom/baskets", params=params, locale=locale, retries=self._read_retries
        )
        return parse(Page[EcomOrder], data)

    # --- Partner ----------------------------------------------------------

    async def get_order_alternative(
        self,
        *,
        guid: str | None = None,
        order_code: str | None = None,
        external_id: str | None = None,
        push_hook: bool | None = None,
        locale: str = "tr",
    ) -> Order:
        """Get Order (Alternative) by any of guid / order_code / external_id."""
        body: dict[str, Any] = {
            k: v
            for k, v in {"guid": guid, "order_code": order_code, "external_id": external_id}.items()
            if v is not None
        }
        if not body:
            raise ValueError("Pass at least one of guid, order_code or external_id.")
        if push_hook is not None:
            body["push_hook"] = push_hook
        data = await self._calls.call(
            "POST", "/partner/order", json=body, locale=locale, retries=self._read_retries
        )
        return parse(Order, data)

    async def sell(
        self,
        *,
        price_token: str,
        external_id: str,
        items: Sequence[SellItem],
        currency: Currency | None = None,
        locale: str = "tr",
    ) -> OrderResponse:
        """Sell (digital metal) at the prices locked by `price_token`; raises ValueError
        for a currency or items seed 004 does not allow (see `check_sell`)."""
        check_sell(items, currency)
        body: dict[str, Any] = {
            "price_token": price_token,
            "external_id": external_id,
            "items": [item.model_dump() for item in items],
        }
        if currency is not None:
            body["currency_code"] = currency
        data = await self._calls.call(
            "POST", "/partner/order/digital/sell", json=body, locale=locale
        )
        sold = parse(OrderResponse, data)
        asked = currency or "TRY"  # seed 004: TRY when no currency is given
        for order in sold.orders:
            if order.currency_code is not None and order.currency_code != asked:
                # The sale happened, in a currency nobody asked for: not a result to pass on.
                raise MintedProtocolError(
                    f"Minted answered a {asked} sale with an order in {order.currency_code}"
                )
        return sold

    async def price_token(self, *, locale: str = "tr") -> PriceToken:
        """A price token for Sell and the prices it fixes (`WVH_MINTED_PRICES_PATH`)."""
        data = await self._calls.call(
            "GET", self._prices_path, locale=locale, retries=self._read_retries
        )
        return parse(PriceToken, data)
