"""The Minted Connect API client: one `httpx.AsyncClient`, typed answers, our own errors.

Partner endpoints use `httpx.DigestAuth` (it follows whatever realm, algorithm
and qop the challenge names, and reuses the nonce afterwards); token-scoped
endpoints use `BearerAuth`. Under the client sits `MintedTransport` (aiohttp's pool,
see `transport.py`) unless a test injects its own. Reads are retried a bounded number of times on
`MintedUnavailable`; writes (Create Token, Complete, Clear Basket, Sell) are
never retried here: their callers decide, because a lost answer does not mean
Minted did nothing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import Generator, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from ..settings import Settings
from .errors import (
    STATUS_ERRORS,
    MintedAPIError,
    MintedProtocolError,
    MintedUnavailable,
)
from .models import EcomOrder, Order, OrderResponse, Page, SellItem, TokenGrant
from .transport import MintedTransport

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)

CURRENCIES = ("GBP", "TRY", "USD", "EUR")


class BearerAuth(httpx.Auth):
    """`Authorization: Bearer <token>` for the token-scoped webview endpoints."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __repr__(self) -> str:
        return "BearerAuth(token='****')"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request


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
        max_connections: int = 100,
        keepalive_expiry: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
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
        self._http = httpx.AsyncClient(
            base_url=base_url,
            headers=headers,
            timeout=timeout,
            transport=transport,
            follow_redirects=False,
        )
        self._digest = httpx.DigestAuth(username, password)
        self._read_retries = read_retries
        self._retry_backoff = retry_backoff
        self._create_token_path = create_token_path
        self._complete_path = complete_path

    @classmethod
    def from_settings(
        cls, settings: Settings, transport: httpx.AsyncBaseTransport | None = None
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
            transport=transport,
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> MintedClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # --- Embedded Webview -------------------------------------------------

    async def create_token(self, customer: Mapping[str, Any], *, locale: str = "tr") -> TokenGrant:
        """Create Token: a bearer token for this customer's webview session."""
        data = await self._call("POST", self._create_token_path, json=dict(customer), locale=locale)
        return _parse(TokenGrant, data)

    async def get_active_basket(self, token: str, *, locale: str = "tr") -> EcomOrder:
        """Get Active Basket (Bearer). Raises `MintedNotFound` when there is none."""
        data = await self._call(
            "GET",
            "/partner/ecom/getActiveBasket",
            auth=BearerAuth(token),
            locale=locale,
            retries=self._read_retries,
        )
        return _parse(EcomOrder, data)

    async def complete(self, customer_id: str, cart_token: str, *, locale: str = "tr") -> EcomOrder:
        """Complete the basket into an order. Never retried: see the module docstring."""
        body = {"external_customer_id": customer_id, "cart_token": cart_token}
        data = await self._call("POST", self._complete_path, json=body, locale=locale)
        return _parse(EcomOrder, data)

    # --- E-commerce -------------------------------------------------------

    async def get_ecom_order(
        self, customer_id: str, cart_token: str, *, locale: str = "tr"
    ) -> EcomOrder:
        """E-commerce Get Order: the basket or order behind a cart token (to reconcile)."""
        body = {"customer_external_id": customer_id, "cart_token": cart_token}
        data = await self._call(
            "POST", "/partner/ecom/getorder", json=body, locale=locale, retries=self._read_retries
        )
        return _parse(EcomOrder, data)

    async def clear_basket(
        self, customer_id: str, cart_token: str, *, locale: str = "tr"
    ) -> EcomOrder:
        """Clear Basket (Delete Items): the emptied basket."""
        body = {"external_customer_id": customer_id, "cart_token": cart_token}
        data = await self._call("DELETE", "/partner/ecom/basket/empty", json=body, locale=locale)
        return _parse(EcomOrder, data)

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
        data = await self._call(
            "GET", "/partner/ecom/baskets", params=params, locale=locale, retries=self._read_retries
        )
        return _parse(Page[EcomOrder], data)

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
        data = await self._call(
            "POST", "/partner/order", json=body, locale=locale, retries=self._read_retries
        )
        return _parse(Order, data)

    async def sell(
        self,
        *,
        price_token: str,
        external_id: str,
        items: Sequence[SellItem],
        currency: str | None = None,
        locale: str = "tr",
    ) -> OrderResponse:
        """Sell (digital metal) at the prices locked by `price_token`."""
        body: dict[str, Any] = {
            "price_token": price_token,
            "external_id": external_id,
            "items": [item.model_dump() for item in items],
        }
        if currency is not None:
            body["currency_code"] = currency
        data = await self._call("POST", "/partner/order/digital/sell", json=body, locale=locale)
        return _parse(OrderResponse, data)

    # --- transport --------------------------------------------------------

    async def _call(
        self,
        method: str,
        path: str,
        *,
        locale: str,
        auth: httpx.Auth | None = None,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        retries: int = 0,
    ) -> Any:
        attempt = 0
        while True:
            try:
                return await self._send(method, path, locale, auth or self._digest, json, params)
            except MintedUnavailable as exc:
                if attempt >= retries:
                    raise
                attempt += 1
                logger.warning(
                    "Minted %s %s unavailable, retry %d of %d",
                    method,
                    path,
                    attempt,
                    retries,
                    extra={"minted_path": path, "error": str(exc)},
                )
                await asyncio.sleep(self._retry_backoff * 2 ** (attempt - 1))

    async def _send(
        self,
        method: str,
        path: str,
        locale: str,
        auth: httpx.Auth,
        body: Any,
        params: Mapping[str, str] | None,
    ) -> Any:
        try:
            response = await self._http.request(
                method,
                path,
                auth=auth,
                json=body,
                params=params,
                headers={"Accept-Language": locale},
            )
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise MintedUnavailable(
                f"Could not connect to Minted: {type(exc).__name__}", request_sent=False
            ) from exc
        except httpx.TimeoutException as exc:
            raise MintedUnavailable(
                f"Minted did not answer in time: {type(exc).__name__}", request_sent=True
            ) from exc
        except httpx.TransportError as exc:
            raise MintedUnavailable(
                f"The connection to Minted failed: {type(exc).__name__}", request_sent=True
            ) from exc
        return _unwrap(response)


def _unwrap(response: httpx.Response) -> Any:
    """The `data` of a success envelope, or the matching exception."""
    status = response.status_code
    if status >= 500:
        raise MintedUnavailable(f"Minted answered {status}", request_sent=True, status=status)
    try:
        payload = json.loads(response.content, parse_float=Decimal)
    except ValueError:
        raise MintedProtocolError(
            f"Minted answered {status} with a body that is not JSON "
            f"({response.headers.get('content-type', 'no content-type')})",
            status=status,
        ) from None
    envelope = payload if isinstance(payload, dict) else {}
    if status >= 400 or envelope.get("success") is False:
        error_type = STATUS_ERRORS.get(status, MintedAPIError)
        message = envelope.get("message")
        code = envelope.get("code")
        raise error_type(
            status,
            message if isinstance(message, str) else "",
            code if isinstance(code, int) else None,
            _field_errors(envelope.get("errors")),
        )
    if "data" not in envelope or envelope.get("success") is not True:
        raise MintedProtocolError(
            f"Minted answered {status} without the documented envelope", status=status
        )
    return envelope["data"]


def _field_errors(raw: Any) -> dict[str, list[str]]:
    """Laravel-style `{field: [messages]}`, tolerating a bare string per field."""
    if not isinstance(raw, dict):
        return {}
    errors: dict[str, list[str]] = {}
    for field, messages in raw.items():
        if isinstance(messages, str):
            errors[str(field)] = [messages]
        elif isinstance(messages, list):
            errors[str(field)] = [str(m) for m in messages]
    return errors


def _parse(model: type[M], data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors()[:5])
        raise MintedProtocolError(
            f"Minted's {model.__name__} did not match the documented shape (fields: {fields})"
        ) from None
