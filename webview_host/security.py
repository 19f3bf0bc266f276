"""Headers on every response, the access log, and the checks on state-changing requests.

The access log names the *route* (`/launch/{code}`), never the raw path, so a
launch code never reaches a log line; uvicorn's own access log is turned off.
The same middleware gives each request its id (`telemetry.request_id`, echoed
as `X-Request-ID`) and times it for the metrics, by route template too.

Origin check: with `Referrer-Policy: no-referrer` browsers send `Origin: null`
on same-origin form posts (Fetch standard, "serializing a request origin"), so
a `null` or missing Origin is accepted only when `Sec-Fetch-Site` says
same-origin (or the client sends no fetch metadata at all, as non-browser
clients do). The CSRF token is checked in every case.
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Callable

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .settings import Settings
from .telemetry import request_id

logger = logging.getLogger("webview_host.access")


def content_security_policy(settings: Settings) -> str:
    ancestors = " ".join(settings.partner_origins) or "'none'"
    if settings.sandbox_mode:
        # The partner-app harness (/dev/partner-app) frames our pages from our own origin.
        ancestors = " ".join(("'self'", *settings.partner_origins))
    frames = settings.webview_origin
    if settings.bridge_url_scheme:
        # bridge.js's URL-scheme channel navigates hidden frames to <scheme>://event?...
        frames += f" {settings.bridge_url_scheme}:"
    return "; ".join(
        (
            "default-src 'self'",
            f"frame-src {frames}",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            f"frame-ancestors {ancestors}",
        )
    )


def security_headers(settings: Settings) -> dict[str, str]:
    """The headers every response carries (static files may be cached; nothing else)."""
    headers = {
        "Content-Security-Policy": content_security_policy(settings),
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if settings.secure_cookies:
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    return headers


class SecurityHeadersMiddleware:
    """CSP, no-referrer, nosniff, HSTS (https only) and no-store on dynamic responses.

    Starlette answers an unhandled exception outside every user middleware, so the 500
    handler (`views/errors.py`) adds `security_headers` itself."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        # Encoded once: they go on every response, and a response that sets one keeps its own.
        common = [(k.lower().encode(), v.encode()) for k, v in security_headers(settings).items()]
        self._static = common
        self._dynamic = [*common, (b"cache-control", b"no-store")]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self._static if scope["path"].startswith("/static/") else self._dynamic

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers += [item for item in extra if item[0] not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


# observe(route template, method, status, seconds), once per request.
RequestObserver = Callable[[str, str, int, float], None]


class AccessLogMiddleware:
    """One log line per request, naming the route template rather than the raw path; the
    request's id; its timing for `observe` (the metrics)."""

    def __init__(self, app: ASGIApp, observe: RequestObserver | None = None) -> None:
        self.app = app
        self.observe = observe

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        rid = request_id.accept(_header(scope, b"x-request-id"))
        bound = request_id.bind(rid)

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            seconds = time.perf_counter() - started
            route = scope.get("route")
            path = getattr(route, "path", None) or (
                "/static/..." if scope["path"].startswith("/static/") else "(unmatched)"
            )
            if self.observe is not None:
                self.observe(path, scope["method"], status, seconds)
            logger.info(
                "%s %s %d %.1fms",
                scope["method"],
                path,
                status,
                seconds * 1000,
                extra={"route": path, "status": status},
            )
            request_id.reset(bound)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


def origin_allowed(request: Request, public_origin: str) -> bool:
    """Whether a state-changing request comes from our own pages (module docstring)."""
    origin = request.headers.get("origin")
    if origin is not None and origin != "null":
        return origin == public_origin
    fetch_site = request.headers.get("sec-fetch-site")
    return fetch_site is None or fetch_site == "same-origin"


def tokens_match(expected: str, given: object) -> bool:
    """A constant-time comparison of a CSRF token with what the form sent (any type)."""
    return isinstance(given, str) and hmac.compare_digest(expected.encode(), given.encode())
