"""The Minted sandbox: a stateful stand-in for the Minted API and webview.

A separate Starlette app, served by its own process on its own port (so on its
own origin). Partner endpoints demand real HTTP Digest, the webview endpoint a
bearer token, every endpoint the `x-client-id` header; answers use Minted's
envelope. `create_app(settings)` is the only way to build it; serve it with
`uvicorn --factory webview_host.sandbox.app:create_app_from_env`.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from ..settings import Settings
from . import catalog, seeds
from .digest import DigestVerifier
from .faults import ENDPOINTS, Fault, FaultError, FaultMiddleware, FaultPlan
from .store import Customer, SandboxError, SandboxStore, check_external_id

logger = logging.getLogger(__name__)
HERE = Path(__file__).parent

Handler = Callable[[Request], Awaitable[Response]]


class MintedJSONResponse(JSONResponse):
    """JSON with `Decimal` written as a JSON number, as Minted writes money."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, default=_number).encode("utf-8")


def _number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def envelope(data: Any, status: int = 200) -> Response:
    return MintedJSONResponse({"data": data, "success": True, "code": 0, "message": ""}, status)


def error_response(exc: SandboxError, headers: dict[str, str] | None = None) -> Response:
    body: dict[str, Any] = {
        "data": None,
        "success": False,
        "code": exc.status,
        "message": exc.message,
    }
    if exc.errors:
        body["errors"] = exc.errors
    return MintedJSONResponse(body, exc.status, headers=headers)


def replayed(body: bytes) -> Response:
    return Response(body, media_type="application/json")


def _store(request: Request) -> SandboxStore:
    store: SandboxStore = request.app.state.store
    return store


async def _json_body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        raise SandboxError(
            422, "The given data was invalid.", {"body": ["Invalid JSON."]}
        ) from None
    if not isinstance(body, dict):
        raise SandboxError(422, "The given data was invalid.", {"body": ["Expected an object."]})
    return body


def minted_endpoint(name: str, auth: str) -> Callable[[Handler], Handler]:
    """Wrap a handler with Minted's auth ("digest" or "bearer"), header and error rules."""

    def decorate(handler: Handler) -> Handler:
        async def endpoint(request: Request) -> Response:
            verifier: DigestVerifier = request.app.state.digest
            if auth == "digest":
                uri = request.scope["raw_path"].decode("latin-1")
                if request.scope["query_string"]:
                    uri += "?" + request.scope["query_string"].decode("latin-1")
                verdict = verifier.verify(request.method, uri, request.headers.get("authorization"))
                if verdict is not True:
                    challenge = verifier.challenge(stale=verdict is None)
                    return error_response(
                        SandboxError(401, "Unauthenticated."), {"WWW-Authenticate": challenge}
                    )
            elif not request.headers.get("authorization", "").startswith("Bearer "):
                return error_response(SandboxError(401, "Unauthenticated."))
            if not request.headers.get("x-client-id"):
                return error_response(
                    SandboxError(
                        422,
                        "The x-client-id header is required.",
                        {"x-client-id": ["The x-client-id header is required."]},
                    )
                )
            request.app.state.faults.count_call(name)
            try:
                return await handler(request)
            except SandboxError as exc:
                return error_response(exc)

        return endpoint

    return decorate


def _bearer_customer(request: Request) -> Customer:
    token = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    return _store(request).customer_for_token(token)


# --- Minted API -------------------------------------------------------------


@minted_endpoint("create_token", "digest")
async def create_token(request: Request) -> Response:
    return envelope(_store(request).create_token(await _json_body(request)))


@minted_endpoint("get_active_basket", "bearer")
async def get_active_basket(request: Request) -> Response:
    token = request.headers["authorization"].removeprefix("Bearer ").strip()
    seed = seeds.replay("get_active_basket", token=token)
    if seed is not None:
        return replayed(seed)
    store = _store(request)
    basket = store.active_basket(_bearer_customer(request))
    if basket is None:
        raise SandboxError(404, "Record Not Found")
    return envelope(store.render_basket(basket))


@minted_endpoint("complete", "digest")
async def complete(request: Request) -> Response:
    body = await _json_body(request)
    store = _store(request)
    customer_id = check_external_id(body.get("external_customer_id"), "external_customer_id")
    basket = store.complete(customer_id, body.get("cart_token"))
    logger.info("sandbox completed basket %s as order %s", basket.guid, basket.order_code)
    return envelope(store.render_basket(basket))


@minted_endpoint("get_ecom_order", "digest")
async def get_ecom_order(request: Request) -> Response:
    body = await _json_body(request)
    store = _store(request)
    customer_id = check_external_id(body.get("customer_external_id"), "customer_external_id")
    return envelope(store.render_basket(store.basket_for(customer_id, body.get("cart_token"))))


@minted_endpoint("clear_basket", "digest")
async def clear_basket(request: Request) -> Response:
    body = await _json_body(request)
    seed = seeds.replay("clear_basket", body=body)
    if seed is not None:
        return replayed(seed)
    store = _store(request)
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
    store = _store(request)
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
    body = await _json_body(request)
    seed = seeds.replay("get_order", body=body)
    if seed is not None:
        return replayed(seed)
    if not any(isinstance(body.get(k), str) for k in ("guid", "order_code", "external_id")):
        raise SandboxError(
            422, "The given data was invalid.", {"guid": ["One of guid, order_code, external_id."]}
        )
    return envelope(_store(request).find_order(body))


@minted_endpoint("sell", "digest")
async def sell(request: Request) -> Response:
    body = await _json_body(request)
    seed = seeds.replay("sell", body=body)
    if seed is not None:
        return replayed(seed)
    return envelope(_store(request).sell(body))


@minted_endpoint("prices", "digest")
async def prices(request: Request) -> Response:
    return envelope(_store(request).issue_price_token())


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


# --- the webview UI -----------------------------------------------------------


async def webview_page(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    templates: Jinja2Templates = request.app.state.templates
    token = request.query_params.get("token", "")
    store = _store(request)
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
            customer = _bearer_customer(request)
            return MintedJSONResponse(await handler(request, customer))
        except SandboxError as exc:
            return error_response(exc)

    return endpoint


@webview_api
async def webview_catalog(request: Request, customer: Customer) -> Any:
    store = _store(request)
    epoch = int(store.clock() // store.pricefix_seconds)
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
    store = _store(request)
    basket = store.active_basket(customer)
    return {"basket": store.render_basket(basket) if basket else None}


@webview_api
async def webview_set_item(request: Request, customer: Customer) -> Any:
    body = await _json_body(request)
    store = _store(request)
    basket = store.set_quantity(customer, request.path_params["sku"], body.get("quantity"))
    return {"basket": store.render_basket(basket)}


@webview_api
async def webview_refresh(request: Request, customer: Customer) -> Any:
    store = _store(request)
    basket = store.refresh_prices(customer)
    return {"basket": store.render_basket(basket) if basket else None}


# --- QA control API -------------------------------------------------------------


async def control_faults(request: Request) -> Response:
    plan: FaultPlan = request.app.state.faults
    if request.method == "POST":
        try:
            fault = Fault.from_json(await _json_body(request))
        except (FaultError, SandboxError) as exc:
            return JSONResponse({"error": str(exc)}, 422)
        plan.arm(fault)
        return JSONResponse({"armed": plan.snapshot()}, 201)
    if request.method == "DELETE":
        plan.faults.clear()
    return JSONResponse({"armed": plan.snapshot(), "endpoints": list(ENDPOINTS)})


async def control_calls(request: Request) -> Response:
    plan: FaultPlan = request.app.state.faults
    return JSONResponse({"calls": plan.calls, "requests": plan.requests})


async def control_reset(request: Request) -> Response:
    _store(request).reset()
    request.app.state.faults.clear()
    return JSONResponse({"reset": True})


async def control_expire_tokens(request: Request) -> Response:
    body = await _json_body(request)
    return JSONResponse({"expired": _store(request).expire_tokens(body.get("customer_id"))})


async def control_lapse(request: Request) -> Response:
    body = await _json_body(request)
    return JSONResponse({"lapsed": _store(request).lapse_pricefix(body.get("customer_id"))})


async def control_customer(request: Request) -> Response:
    """What the sandbox holds for one customer: QA asserts "exactly one order" with it."""
    store = _store(request)
    customer_id = request.path_params["customer_id"]
    baskets = [b for b in store.baskets.values() if b.customer_id == customer_id]
    return MintedJSONResponse(
        {
            "orders": [store.render_basket(b) for b in baskets if b.status == "order"],
            "active_basket": store.render_basket(a)
            if (a := store.baskets.get(store.active.get(customer_id, "")))
            else None,
        }
    )


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok", "service": "minted-sandbox"})


def _control_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SandboxError)
    return error_response(exc)


def create_app(settings: Settings, *, clock: Callable[[], float] = time.time) -> Starlette:
    """The sandbox app for these settings (credentials, ports, price-fix window)."""
    store = SandboxStore(
        pricefix_seconds=settings.sandbox_pricefix_seconds,
        pricefix_refresh_seconds=settings.sandbox_pricefix_refresh_seconds,
        token_ttl=settings.sandbox_token_ttl,
        clock=clock,
    )
    digest = DigestVerifier(
        settings.minted_username, settings.minted_password.reveal(), clock=clock
    )
    plan = FaultPlan()
    routes: list[BaseRoute] = [
        Route(ENDPOINTS[name][1], handler, methods=[ENDPOINTS[name][0]])
        for name, handler in API_HANDLERS.items()
    ]
    routes += [
        Route("/webview/", webview_page, methods=["GET"]),
        Route("/webview/api/catalog", webview_catalog, methods=["GET"]),
        Route("/webview/api/basket", webview_basket, methods=["GET"]),
        Route("/webview/api/basket/items/{sku}", webview_set_item, methods=["PUT"]),
        Route("/webview/api/basket/refresh", webview_refresh, methods=["POST"]),
        Mount("/webview/static", StaticFiles(directory=HERE / "static"), name="static"),
        Route("/healthz", healthz, methods=["GET"]),
    ]
    if settings.sandbox_faults:
        routes += [
            Route("/_sandbox/faults", control_faults, methods=["GET", "POST", "DELETE"]),
            Route("/_sandbox/calls", control_calls, methods=["GET"]),
            Route("/_sandbox/reset", control_reset, methods=["POST"]),
            Route("/_sandbox/tokens/expire", control_expire_tokens, methods=["POST"]),
            Route("/_sandbox/pricefix/lapse", control_lapse, methods=["POST"]),
            Route("/_sandbox/customers/{customer_id}", control_customer, methods=["GET"]),
        ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(FaultMiddleware, plan=plan)],
        exception_handlers={SandboxError: _control_error},
    )
    app.state.settings = settings
    app.state.store = store
    app.state.digest = digest
    app.state.faults = plan
    app.state.templates = Jinja2Templates(directory=HERE / "templates")
    return app


def create_app_from_env() -> Starlette:
    """Entry point for `uvicorn --factory`: settings from the `WVH_*` environment."""
    settings = Settings.from_env(os.environ)
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    logger.info(
        "Minted sandbox on port %d (Digest user %r)",
        settings.sandbox_port,
        settings.minted_username,
    )
    return create_app(settings)
