"""The webview UI: catalogue, basket and price fix, framed by the host.

Its own JSON calls are authorised by the token the page was opened with.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from . import catalog
from .responses import (
    Handler,
    MintedJSONResponse,
    bearer_customer,
    ecom_order,
    error_response,
    json_body,
    store_of,
)
from .settings import SandboxSettings
from .state import Customer
from .validation import SandboxError


async def webview_page(request: Request) -> Response:
    settings: SandboxSettings = request.app.state.settings
    templates: Jinja2Templates = request.app.state.templates
    token = request.query_params.get("token", "")
    store = store_of(request)
    try:
        customer = store.customer_for_token(token)
    except SandboxError:
        customer = None
    locale = request.query_params.get("lang") or request.headers.get("accept-language", "tr")[:2]
    response = templates.TemplateResponse(
        request,
        "webview.html",
        {
            "customer": customer,
            "token": token if customer else "",
            "parent_origin": settings.public_origin,
            "lang": "en" if locale == "en" else "tr",
            "products": catalog.PRODUCTS,
        },
        status_code=200 if customer else 401,
    )
    ancestors = " ".join((settings.public_origin, *settings.partner_origins))
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; frame-ancestors " + ancestors
    )
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


def webview_api(handler: Callable[[Request, Customer], Awaitable[Any]]) -> Handler:
    """The webview's own JSON calls, authorised by the token the page was opened with."""

    async def endpoint(request: Request) -> Response:
        try:
            customer = bearer_customer(request)
            return MintedJSONResponse(await handler(request, customer))
        except SandboxError as exc:
            return error_response(exc)

    return endpoint


@webview_api
async def webview_catalog(request: Request, customer: Customer) -> Any:
    epoch = store_of(request).epoch()
    return [
        {
            "sku": p.sku,
            "name": p.name,
            "name_en": p.name_en,
            "metal": p.metal,
            "weight": p.weight,
            "price": catalog.unit_price(p, epoch),
            "image": p.image,
        }
        for p in catalog.PRODUCTS
    ]


@webview_api
async def webview_basket(request: Request, customer: Customer) -> Any:
    store = store_of(request)
    basket = store.active_basket(customer)
    return {"basket": ecom_order(store, basket) if basket else None}


@webview_api
async def webview_set_item(request: Request, customer: Customer) -> Any:
    body = await json_body(request)
    store = store_of(request)
    basket = store.set_quantity(customer, request.path_params["sku"], body.get("quantity"))
    return {"basket": ecom_order(store, basket)}


@webview_api
async def webview_refresh(request: Request, customer: Customer) -> Any:
    store = store_of(request)
    basket = store.refresh_prices(customer)
    return {"basket": ecom_order(store, basket) if basket else None}


ROUTES = [
    Route("/webview/", webview_page, methods=["GET"]),
    Route("/webview/api/catalog", webview_catalog, methods=["GET"]),
    Route("/webview/api/basket", webview_basket, methods=["GET"]),
    Route("/webview/api/basket/items/{sku}", webview_set_item, methods=["PUT"]),
    Route("/webview/api/basket/refresh", webview_refresh, methods=["POST"]),
    Mount(
        "/webview/static",
        StaticFiles(packages=[("webview_host.sandbox", "static")]),
        name="static",
    ),
]
