"""What every sandbox handler shares: Minted's JSON and envelopes, bodies, auth."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .digest import DigestVerifier
from .store import Customer, SandboxStore
from .validation import SandboxError

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


def store_of(request: Request) -> SandboxStore:
    store: SandboxStore = request.app.state.store
    return store


async def json_body(request: Request) -> dict[str, Any]:
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


def bearer_customer(request: Request) -> Customer:
    token = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    return store_of(request).customer_for_token(token)
