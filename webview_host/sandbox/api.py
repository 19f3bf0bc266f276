"""The Minted API endpoints, as the sandbox answers them (`ROUTES`).

Auth, headers, call counts, seed replay and error envelopes are
`minted_endpoint`'s; each handler validates its input, changes the store,
and renders the answer.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import digital, pages, render
from .endpoints import ENDPOINTS
from .hooks import HookPusher
from .responses import Handler, bearer_customer, ecom_order, envelope, minted_endpoint, store_of
from .state import Basket
from .validation import (
    SandboxError,
    check_external_id,
    validate_baskets_query,
    validate_customer,
    validate_order_query,
)

logger = logging.getLogger(__name__)


@minted_endpoint("create_token")
async def create_token(request: Request, body: dict[str, Any]) -> Response:
    """Create Token (assumed shape, minted-contract.md): the customer, then a webview token."""
    store = store_of(request)
    token = store.create_token(validate_customer(body))
    return envelope(render.access_token(token, store.token_ttl))


@minted_endpoint("get_active_basket")
async def get_active_basket(request: Request, body: dict[str, Any]) -> Response:
    """Get Active Basket (seed 002), Bearer: the token's customer's basket, or 404."""
    store = store_of(request)
    basket = store.active_basket(bearer_customer(request))
    if basket is None:
        raise SandboxError(404, "Record Not Found")
    return envelope(ecom_order(store, basket))


@minted_endpoint("complete")
async def complete(request: Request, body: dict[str, Any]) -> Response:
    """Complete (assumed shape): the basket becomes an order, once, within its price fix."""
    store = store_of(request)
    customer_id = check_external_id(body.get("external_customer_id"), "external_customer_id")
    basket = store.complete(customer_id, body.get("cart_token"))
    logger.info(
        "sandbox completed basket %s as order %s",
        basket.guid,
        basket.order_code,
        extra={"basket_guid": basket.guid, "order_code": basket.order_code},
    )
    return envelope(ecom_order(store, basket))


@minted_endpoint("get_ecom_order")
async def get_ecom_order(request: Request, body: dict[str, Any]) -> Response:
    """E-commerce Get Order: a basket or order by customer and cart token (reconciliation)."""
    store = store_of(request)
    customer_id = check_external_id(body.get("customer_external_id"), "customer_external_id")
    return envelope(ecom_order(store, store.basket_for(customer_id, body.get("cart_token"))))


@minted_endpoint("clear_basket")
async def clear_basket(request: Request, body: dict[str, Any]) -> Response:
    """Clear Basket (seed 000): the emptied Ecom Order."""
    store = store_of(request)
    customer_id = check_external_id(body.get("external_customer_id"), "external_customer_id")
    return envelope(ecom_order(store, store.clear(customer_id, body.get("cart_token"))))


@minted_endpoint("get_incomplete_baskets")
async def get_incomplete_baskets(request: Request, body: dict[str, Any]) -> Response:
    """Get Incomplete Baskets (seed 001): a Laravel page of the customer's open baskets."""
    query = validate_baskets_query(request.query_params)
    store = store_of(request)
    baskets = store.incomplete_baskets(query.customer_id)
    if query.start is not None and query.end is not None:
        start, end = query.start.isoformat(), query.end.isoformat()
        baskets = [b for b in baskets if start <= render.iso_z(b.created_at)[:10] <= end]
    if query.card_bin is not None:
        baskets = []  # no sandbox basket has been paid by card yet
    rows = [ecom_order(store, b) for b in baskets]
    return envelope(
        pages.page(
            rows,
            number=query.page,
            per_page=query.per_page,
            path=request.url.path,
            query=request.query_params.multi_items(),
        )
    )


@minted_endpoint("get_order")
async def get_order(request: Request, body: dict[str, Any]) -> Response:
    """Get Order (Alternative) (seed 003): the Order Schema; `push_hook` pushes it too."""
    query = validate_order_query(body)
    store = store_of(request)
    found = store.find_order(query)
    if isinstance(found, Basket):
        order = render.basket_order(found, store.customer_of(found))
    else:
        order = render.sell_order(found)
    if not query.push_hook:
        return envelope(order)
    hooks: HookPusher = request.app.state.hooks
    push = hooks.record(order)
    return envelope(order, background=BackgroundTask(hooks.deliver, push))


@minted_endpoint("sell")
async def sell(request: Request, body: dict[str, Any]) -> Response:
    """Sell (Silver) (seed 004)."""
    return envelope(digital.sell(store_of(request), body))


@minted_endpoint("prices")
async def prices(request: Request, body: dict[str, Any]) -> Response:
    """The price token Sell needs (the docs' Minted Prices; its shape is the sandbox's)."""
    return envelope(digital.issue_price_token(store_of(request)))


_HANDLERS: dict[str, Handler] = {
    "create_token": create_token,
    "get_active_basket": get_active_basket,
    "complete": complete,
    "get_ecom_order": get_ecom_order,
    "clear_basket": clear_basket,
    "get_incomplete_baskets": get_incomplete_baskets,
    "get_order": get_order,
    "sell": sell,
    "prices": prices,
}
ROUTES = [
    Route(ENDPOINTS[name].path, handler, methods=[ENDPOINTS[name].method])
    for name, handler in _HANDLERS.items()
]
