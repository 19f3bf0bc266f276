"""The partner's key, and the request bodies of the partner API.

Authentication is `Authorization: Bearer <partner API key>`, compared in
constant time with every configured key. Bodies are JSON, size-limited while
read, and validated by a pydantic model whose errors name each field but
never echo a value (identity numbers are personal).
"""

from __future__ import annotations

import functools
import hmac
from collections.abc import Awaitable, Callable
from typing import TypeVar
from urllib.parse import unquote_to_bytes

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import Response

from ...throttle import Limit, client_address, hashed
from ..common import services
from ..errors import error_response

M = TypeVar("M", bound=BaseModel)


class Refused(Exception):
    """A partner request refused before its operation runs; `response` says why."""

    def __init__(self, response: Response) -> None:
        self.response = response
        super().__init__(response.status_code)


def partner_key(request: Request) -> str | None:
    """The configured partner key the request carries, or None (compared in constant time
    with every key)."""
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    matched = None
    if scheme.lower() == "bearer" and given:
        presented = given.strip().encode("utf-8", "surrogateescape")
        for key in services(request).settings.partner_keys:
            if hmac.compare_digest(key.reveal().encode(), presented):
                matched = key.reveal()
    return matched


def throttled(
    endpoint: Callable[[Request], Awaitable[Response]],
) -> Callable[[Request], Awaitable[Response]]:
    """`endpoint` behind the partner limits: calls per partner key, and calls without a
    valid key per client address (guessing keys); over either, 429 before any work."""

    @functools.wraps(endpoint)
    async def guarded(request: Request) -> Response:
        throttle = services(request).throttle
        key = partner_key(request)
        if key is None:
            await throttle.hit(Limit.PARTNER_FAILURES, client_address(request))
        else:
            await throttle.hit(Limit.PARTNER, hashed(key))
        return await endpoint(request)

    return guarded


def require_partner(request: Request) -> None:
    """Raise `Refused` (401) unless the request carries a configured partner key."""
    if partner_key(request) is None:
        raise Refused(
            error_response(
                request,
                401,
                "unauthorized",
                "Send a valid partner API key as 'Authorization: Bearer <key>'.",
                headers={"WWW-Authenticate": 'Bearer realm="webview-host"'},
            )
        )


def invalid(request: Request, fields: dict[str, list[str]]) -> Refused:
    """A 422 naming each bad field."""
    return Refused(
        error_response(
            request, 422, "invalid_request", "Some fields are missing or invalid.", fields=fields
        )
    )


def _fields_of(exc: ValidationError) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for item in exc.errors(include_input=False, include_url=False):
        name = ".".join(str(p) for p in item["loc"]) or "body"
        fields.setdefault(name, []).append(item["msg"])
    return fields


def query(request: Request, model: type[M]) -> M:
    """The query string as `model` (the last value of a repeated name wins); raises
    `Refused` (422) naming each bad or unknown parameter, and each one that is not UTF-8
    (Starlette would read it with U+FFFD in place of the bad bytes: another value)."""
    not_text = _not_utf8(request.scope.get("query_string", b""))
    if not_text:
        raise invalid(request, {name: ["is not UTF-8 text"] for name in not_text})
    try:
        return model.model_validate(dict(request.query_params))
    except ValidationError as exc:
        raise invalid(request, _fields_of(exc)) from None


def _not_utf8(query_string: bytes) -> list[str]:
    """The names of the query parameters whose name or value is not UTF-8 once decoded."""
    bad = []
    for pair in query_string.split(b"&"):
        name, _, value = pair.partition(b"=")
        try:
            for part in (name, value):
                unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            bad.append(unquote_to_bytes(name).decode("utf-8", "replace") or "query")
    return bad


async def json_body(request: Request, model: type[M]) -> M:
    """The body as `model`; raises `Refused` with 415, 413 or 422 (fields named)."""
    if not request.headers.get("content-type", "").startswith("application/json"):
        raise Refused(
            error_response(
                request, 415, "unsupported_media_type", "Send the body as application/json."
            )
        )
    limit = services(request).settings.launch_max_body
    body = await _read_limited(request, limit)
    if body is None:
        raise Refused(
            error_response(
                request, 413, "body_too_large", f"The body is larger than {limit} bytes."
            )
        )
    try:
        return model.model_validate_json(body)
    except ValidationError as exc:
        raise invalid(request, _fields_of(exc)) from None


async def _read_limited(request: Request, limit: int) -> bytes | None:
    """The body, or None when it is larger than `limit` bytes (checked while reading)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return body
