"""The documented Minted endpoints, as the sandbox answers them."""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from . import digital, seeds
from .responses import (
    Handler,
    bearer_customer,
    envelope,
    json_body,
    minted_endpoint,
    replayed,
    store_of,
)
from .validation import SandboxError, check_external_id

logger = logging.getLogger(__name__)

# --- Minted API -------------------------------------------------------------


@minted_endpoint("create_token", "digest")
async def create_token(request: Request) -> Response:
    return envelope(store_of(request).create_token(await json_body(request)))


@minted_endpoint("get_active_basket", "bearer")
async def get_active_basket(request: Request) -> Response:
    token = request.headers["authorization"].removeprefix("Bearer ").strip()
    seed = seeds.replay("get_active_basket", token=token)
    if seed is not None:
        return replayed(seed)
    store = store_of(request)
    basket = store.active_basket(bearer_customer(request))
    if basket is None:
        raise SandboxError(404, "Record Not Found")
    return envelope(store.render_basket(basket))


@minted_endpoint("complete", "digest")
async def complete(request: Request) -> Response:
    body = await json_body(request)
    store = store_of(request)
    customer_id = check_external_id(body.get("external_customer_id"), "external_customer_id")
    basket = store.complete(customer_id, body.get("cart_token"))
    logger.info("sandbox completed basket %s as order %s", basket.guid, basket.order_code)
    return envelope(store.render_basket(basket))


@minted_endpoint("get_ecom_order", "digest")
async def get_ecom_order(request: Request) -> Response:
    body = await json_body(request)
    store = store_of(request)
    customer_id = check_external_id(body.get("customer_external_id"), "customer_external_id")
    return envelope(store.render_basket(store.basket_for(customer_id, body.get("cart_token"))))


@minted_endpoint("clear_basket", "digest")
async def clear_basket(request: Request) -> Response:
    body = await json_body(request)
    seed = seeds.replay("clear_basket", body=body)
    if seed is not None:
        return replayed(seed)
    store = store_of(request)
    customer_id = check_external_id(body.get("external_customer_id"), "external_customer_id")
    return envelope(store.render_basket(store.clear(customer_id, body.get("cart_token"))))


@minted_endpoint("get_incomplete_baskets", "digest")
async def get_incomplete_baskets(request: Request) -> Response:
    query = request.query_params
    seed = seeds.replay("get_incomplete_baskets", query=query)
    if seed is not None:
        return replayed(seed)
    errors: dict[str, list[str]] = {}
    customer_id = query.get("customer_external_id", "")
    if not 1 <= len(customer_id) <= 110:
        errors["customer_external_id"] = ["Must be 1 to 110 characters."]
    page, per_page = _positive(query, "page", 1, errors), _positive(query, "total", 10, errors)
    start, end = query.get("startDate") or None, query.get("endDate") or None
    if (start is None) != (end is None):
        errors["startDate"] = ["startDate and endDate are used together."]
    for name, value in (("startDate", start), ("endDate", end)):
        if value is not None and not _is_date(value):
            errors[name] = ["Must be a date (YYYY-MM-DD)."]
    card_bin = query.get("card_bin") or None
    if card_bin is not None and not (len(card_bin) == 6 and card_bin.isdigit()):
        errors["card_bin"] = ["Must be exactly 6 digits."]
    if errors:
        raise SandboxError(422, "The given data was invalid.", errors)
    store = store_of(request)
    baskets = store.incomplete_baskets(customer_id)
    if start and end:
        baskets = [b for b in baskets if start <= _day(b.created_at) <= end]
    if card_bin is not None:
        baskets = []  # no sandbox basket has been paid by card yet
    return envelope(
        _page([store.render_basket(b) for b in baskets], page, per_page, request.url.path)
    )


@minted_endpoint("get_order", "digest")
async def get_order(request: Request) -> Response:
    body = await json_body(request)
    seed = seeds.replay("get_order", body=body)
    if seed is not None:
        return replayed(seed)
    if not any(isinstance(body.get(k), str) for k in ("guid", "order_code", "external_id")):
        raise SandboxError(
            422, "The given data was invalid.", {"guid": ["One of guid, order_code, external_id."]}
        )
    return envelope(store_of(request).find_order(body))


@minted_endpoint("sell", "digest")
async def sell(request: Request) -> Response:
    body = await json_body(request)
    seed = seeds.replay("sell", body=body)
    if seed is not None:
        return replayed(seed)
    return envelope(digital.sell(store_of(request), body))


@minted_endpoint("prices", "digest")
async def prices(request: Request) -> Response:
    return envelope(digital.issue_price_token(store_of(request)))


API_HANDLERS: dict[str, Handler] = {
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


def _positive(query: Any, name: str, default: int, errors: dict[str, list[str]]) -> int:
    raw = query.get(name) or ""
    if raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1:
        errors[name] = ["Must be a positive integer."]
        return default
    return int(raw)


def _is_date(value: str) -> bool:
    try:
        time.strptime(value, "%Y-%m-%d")
    except ValueError:
        return False
    return True


def _day(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(timestamp))


def _page(rows: list[Any], page: int, per_page: int, path: str) -> dict[str, Any]:
    """A Laravel length-aware page."""
    total = len(rows)
    last = max(1, -(-total // per_page))
    chunk = rows[(page - 1) * per_page : page * per_page]

    def url(n: int) -> str:
        return f"{path}?page={n}"

    links = [
        {
            "url": url(page - 1) if page > 1 else None,
            "label": "pagination.previous",
            "active": False,
        }
    ]
    links += [{"url": url(n), "label": str(n), "active": n == page} for n in range(1, last + 1)]
    links.append(
        {"url": url(page + 1) if page < last else None, "label": "pagination.next", "active": False}
    )
    first = (page - 1) * per_page + 1 if chunk else None
    return {
        "current_page": page,
        "data": chunk,
        "first_page_url": url(1),
        "from": first,
        "last_page": last,
        "last_page_url": url(last),
        "links": links,
        "next_page_url": url(page + 1) if page < last else None,
        "path": path,
        "per_page": per_page,
        "prev_page_url": url(page - 1) if page > 1 else None,
        "to": first + len(chunk) - 1 if first else None,
        "total": total,
    }
