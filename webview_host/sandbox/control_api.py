"""The QA control API (`/_sandbox/...`): faults, time-like events, state, calls, hook pushes.

It exists only when `WVH_SANDBOX_FAULTS` is true. With
`WVH_SANDBOX_CONTROL_TOKEN` set, every call must carry it as
`Authorization: Bearer <token>` (compared in constant time). Errors are
`{"error": "<sentence>"}`. `SandboxControl` (control.py) is its Python client.
"""

from __future__ import annotations

import functools
import hmac

from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from ..environment import Secret
from . import render
from .endpoints import ENDPOINTS
from .faults import Fault, FaultError, FaultPlan
from .hooks import HookPusher
from .responses import Handler, MintedJSONResponse, ecom_order, json_body, store_of
from .state import BasketStatus
from .validation import SandboxError


def _control(handler: Handler) -> Handler:
    """Refusals as `{"error": ...}` with their status."""

    @functools.wraps(handler)
    async def respond(request: Request) -> Response:
        try:
            return await handler(request)
        except SandboxError as exc:
            return JSONResponse({"error": exc.message, "errors": exc.errors}, exc.status)
        except FaultError as exc:
            return JSONResponse({"error": str(exc)}, 422)

    return respond


async def _customer_id(request: Request) -> str | None:
    """The optional `customer_id` of a body: one customer, or everyone when absent."""
    customer_id = (await json_body(request)).get("customer_id")
    if customer_id is not None and not isinstance(customer_id, str):
        raise SandboxError(422, "'customer_id' must be a string when given.")
    return customer_id


@_control
async def faults(request: Request) -> Response:
    plan: FaultPlan = request.app.state.faults
    if request.method == "POST":
        plan.arm(Fault.from_json(await json_body(request)))
        return JSONResponse({"armed": plan.snapshot()}, 201)
    if request.method == "DELETE":
        plan.faults.clear()
    return JSONResponse({"armed": plan.snapshot(), "endpoints": list(ENDPOINTS)})


@_control
async def calls(request: Request) -> Response:
    plan: FaultPlan = request.app.state.faults
    return JSONResponse({"calls": plan.calls, "requests": plan.requests})


@_control
async def reset(request: Request) -> Response:
    store_of(request).reset()
    request.app.state.faults.clear()
    request.app.state.hooks.clear()
    return JSONResponse({"reset": True})


@_control
async def expire_tokens(request: Request) -> Response:
    customer_id = await _customer_id(request)
    return JSONResponse({"expired": store_of(request).expire_tokens(customer_id)})


@_control
async def lapse_pricefix(request: Request) -> Response:
    customer_id = await _customer_id(request)
    return JSONResponse({"lapsed": store_of(request).lapse_pricefix(customer_id)})


@_control
async def customer(request: Request) -> Response:
    """What the sandbox holds for one customer: QA asserts "exactly one order" with it."""
    store = store_of(request)
    customer_id = request.path_params["customer_id"]
    active = store.baskets.get(store.active.get(customer_id, ""))
    return MintedJSONResponse(
        {
            "orders": [
                ecom_order(store, b)
                for b in store.baskets.values()
                if b.customer_id == customer_id and b.status == BasketStatus.ORDER
            ],
            "active_basket": ecom_order(store, active) if active else None,
        }
    )


@_control
async def hooks(request: Request) -> Response:
    """Every `push_hook` of Get Order (Alternative) since the last reset, oldest first."""
    pusher: HookPusher = request.app.state.hooks
    return MintedJSONResponse({"hooks": [render.hook_push(p) for p in pusher.pushes]})


class _RequireToken:
    """Every control call must carry `Authorization: Bearer <token>`."""

    def __init__(self, app: ASGIApp, token: Secret) -> None:
        self.app = app
        self._expected = b"Bearer " + token.reveal().encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        given = dict(scope.get("headers", [])).get(b"authorization", b"")
        if scope["type"] != "http" or hmac.compare_digest(given, self._expected):
            await self.app(scope, receive, send)
            return
        response = JSONResponse(
            {"error": "The control API needs 'Authorization: Bearer <WVH_SANDBOX_CONTROL_TOKEN>'."},
            401,
            headers={"WWW-Authenticate": 'Bearer realm="minted-sandbox-control"'},
        )
        await response(scope, receive, send)


def routes(token: Secret | None) -> list[BaseRoute]:
    """The control API, behind the token when one is configured."""
    control: list[BaseRoute] = [
        Route("/faults", faults, methods=["GET", "POST", "DELETE"]),
        Route("/calls", calls, methods=["GET"]),
        Route("/reset", reset, methods=["POST"]),
        Route("/tokens/expire", expire_tokens, methods=["POST"]),
        Route("/pricefix/lapse", lapse_pricefix, methods=["POST"]),
        Route("/customers/{customer_id}", customer, methods=["GET"]),
        Route("/hooks", hooks, methods=["GET"]),
    ]
    middleware = [Middleware(_RequireToken, token=token)] if token is not None else None
    return [Mount("/_sandbox", routes=control, middleware=middleware)]
