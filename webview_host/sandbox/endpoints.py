"""The sandbox's Minted endpoints by name: method, path and how each is authorised.

One table, read by the handlers' route list (`api.ROUTES`), by fault
injection (which names a call by its endpoint) and by the call counters.
"""

from __future__ import annotations

import dataclasses
from enum import StrEnum
from typing import Literal, get_args

EndpointName = Literal[
    "create_token",
    "get_active_basket",
    "complete",
    "get_ecom_order",
    "clear_basket",
    "get_incomplete_baskets",
    "get_order",
    "sell",
    "prices",
    "webview",
]
NAMES: tuple[EndpointName, ...] = get_args(EndpointName)


class Auth(StrEnum):
    """How Minted authorises an endpoint."""

    DIGEST = "digest"  # partner endpoints: HTTP Digest with the partner's credentials
    BEARER = "bearer"  # token-scoped endpoints: the customer's webview token
    PAGE = "page"  # the webview page: the token is in its URL (`?token=`)


@dataclasses.dataclass(frozen=True)
class Endpoint:
    """One documented (or assumed, see minted-contract.md) Minted endpoint."""

    name: EndpointName
    method: str
    path: str
    auth: Auth

    @property
    def has_body(self) -> bool:
        return self.method in ("POST", "PUT", "DELETE")


ENDPOINTS: dict[str, Endpoint] = {
    e.name: e
    for e in (
        Endpoint("create_token", "POST", "/partner/ecom/token", Auth.DIGEST),
        Endpoint("get_active_basket", "GET", "/partner/ecom/getActiveBasket", Auth.BEARER),
        Endpoint("complete", "POST", "/partner/ecom/complete", Auth.DIGEST),
        Endpoint("get_ecom_order", "POST", "/partner/ecom/getorder", Auth.DIGEST),
        Endpoint("clear_basket", "DELETE", "/partner/ecom/basket/empty", Auth.DIGEST),
        Endpoint("get_incomplete_baskets", "GET", "/partner/ecom/baskets", Auth.DIGEST),
        Endpoint("get_order", "POST", "/partner/order", Auth.DIGEST),
        Endpoint("sell", "POST", "/partner/order/digital/sell", Auth.DIGEST),
        Endpoint("prices", "GET", "/partner/prices", Auth.DIGEST),
        Endpoint("webview", "GET", "/webview/", Auth.PAGE),
    )
}
_BY_ROUTE = {(e.method, e.path): e for e in ENDPOINTS.values()}


def endpoint_of(method: str, path: str) -> Endpoint | None:
    """The endpoint a request is a call of, or None (static files, control API, ...)."""
    return _BY_ROUTE.get((method, path))
