"""What every sandbox handler shares: Minted's envelopes, request bodies, and the
`minted_endpoint` wrapper (auth, `x-client-id`, call counting, seed replay, errors)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import render, seeds
from .digest import DigestVerifier
from .endpoints import ENDPOINTS, Auth, EndpointName
from .state import Basket, Customer
from .store import SandboxStore
from .validation import INVALID, SandboxError

Handler = Callable[[Request], Awaitable[Response]]
MintedHandler = Callable[[Request, dict[str, Any]], Awaitable[Response]]

MAX_BODY = 1024 * 1024  # far above any Minted request; a bigger one is refused, not parsed


class MintedJSONResponse(JSONResponse):
    """JSON with `Decimal` written as a JSON number, as Minted writes money."""

    def render(self, content: Any) -> bytes:
        return render.minted_json(content)


def envelope(data: Any, status: int = 200, background: BackgroundTask | None = None) -> Response:
    """Minted's success envelope around `data`."""
    body = {"data": data, "success": True, "code": 0, "message": ""}
    return MintedJSONResponse(body, status, background=background)


def error_response(exc: SandboxError) -> Response:
    """Minted's error envelope (assumed, see minted-contract.md) for a refusal."""
    body: dict[str, Any] = {
        "data": None,
        "success": False,
        "code": exc.status,
        "message": exc.message,
    }
    if exc.errors:
        body["errors"] = exc.errors
    return MintedJSONResponse(body, exc.status, headers=exc.headers)


def sandbox_error(request: Request, exc: Exception) -> Response:
    """The app's handler for a `SandboxError` raised outside `minted_endpoint`."""
    assert isinstance(exc, SandboxError)
    return error_response(exc)


def store_of(request: Request) -> SandboxStore:
    store: SandboxStore = request.app.state.store
    return store


def ecom_order(store: SandboxStore, basket: Basket) -> dict[str, Any]:
    """Settle the basket (the store's explicit read step), then render it."""
    pricefix = store.settle(basket)
    return render.ecom_order(basket, store.customer_of(basket), pricefix)


async def json_body(request: Request) -> dict[str, Any]:
    """The body as a JSON object (empty = `{}`), or a 4xx: too big, not JSON, not an object,
    or holding text that is not Unicode (a lone surrogate escape, which PHP refuses too)."""
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise SandboxError(413, "The request body is too large.", {"body": ["Too large."]})
    try:
        body = json.loads(raw or b"{}")
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except (ValueError, RecursionError):  # UnicodeError is a ValueError
        raise SandboxError(422, INVALID, {"body": ["Invalid JSON."]}) from None
    if not isinstance(body, dict):
        raise SandboxError(422, INVALID, {"body": ["Expected an object."]})
    return body


def bearer_token(request: Request) -> str:
    return request.headers.get("authorization", "").removeprefix("Bearer ").strip()


def bearer_customer(request: Request) -> Customer:
    """The customer of the request's `Authorization: Bearer` token; 401 otherwise."""
    if not request.headers.get("authorization", "").startswith("Bearer "):
        raise SandboxError(401, "Unauthenticated.")
    return store_of(request).customer_for_token(bearer_token(request))


def _check_digest(request: Request) -> None:
    verifier: DigestVerifier = request.app.state.digest
    uri = request.scope["raw_path"].decode("latin-1")
    if request.scope["query_string"]:
        uri += "?" + request.scope["query_string"].decode("latin-1")
    verdict = verifier.verify(request.method, uri, request.headers.get("authorization"))
    if verdict is not True:
        challenge = verifier.challenge(stale=verdict is None)
        raise SandboxError(401, "Unauthenticated.", headers={"WWW-Authenticate": challenge})


def minted_endpoint(name: EndpointName) -> Callable[[MintedHandler], Handler]:
    """Wrap a handler with the endpoint's Minted rules: its auth, the required
    `x-client-id` header, the call count, the documented seed answers (`seeds.py`),
    and every `SandboxError` as Minted's error envelope. The handler gets the
    parsed JSON body (`{}` for a GET)."""
    endpoint = ENDPOINTS[name]

    def decorate(handler: MintedHandler) -> Handler:
        async def respond(request: Request) -> Response:
            try:
                if endpoint.auth == Auth.DIGEST:
                    _check_digest(request)
                elif not request.headers.get("authorization", "").startswith("Bearer "):
                    raise SandboxError(401, "Unauthenticated.")
                if not request.headers.get("x-client-id"):
                    message = "The x-client-id header is required."
                    raise SandboxError(422, message, {"x-client-id": [message]})
                request.app.state.faults.count_call(name)
                body = await json_body(request) if endpoint.has_body else {}
                seed = seeds.replay(
                    name, token=bearer_token(request), body=body, query=request.query_params
                )
                if seed is not None:
                    return Response(seed, media_type="application/json")
                return await handler(request, body)
            except SandboxError as exc:
                return error_response(exc)

        respond.__doc__ = handler.__doc__
        return respond

    return decorate
