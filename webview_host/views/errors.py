"""Every error becomes a response here: JSON under /api, an HTML page elsewhere.

`error_response` is the one way to answer with an error (the exception
handlers below and the partner API use it). Customers see a sentence they
understand and a way on; Minted's own messages and tracebacks go to the log
only, tagged with a support code that the page shows too.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Literal

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..basket import SessionEnded
from ..deadlines import BodyTimeout
from ..minted import MintedAPIError, MintedError
from ..security import security_headers
from ..telemetry import request_id
from ..throttle import TooManyRequests
from .common import NoSession, render, services

logger = logging.getLogger(__name__)

ErrorCode = Literal[
    "no_session",
    "not_found",
    "method_not_allowed",
    "forbidden",
    "http_error",
    "unauthorized",
    "unsupported_media_type",
    "body_too_large",
    "invalid_request",
    "upstream_unavailable",
    "upstream_refused",
    "upstream_rejected",
    "upstream_forbidden",
    "upstream_not_found",
    "upstream_bad_answer",
    "upstream_outcome_unknown",
    "result_token_invalid",
    "result_token_used",
    "webhooks_disabled",
    "server_error",
    "too_many_requests",
    "request_timeout",
]

# HTML pages for plain HTTP errors: (error code, message key, offer a retry).
_HTTP_PAGES: dict[int, tuple[ErrorCode, str, bool]] = {
    403: ("forbidden", "error.forbidden", True),
    404: ("not_found", "error.not_found", False),
    405: ("method_not_allowed", "error.not_found", False),
}


# Where "Try again" leads after a failed form POST: the page that showed the form. Reloading
# the POST's own URL would be a GET of a POST-only route (405).
_RETRY_PAGES: dict[str, str] = {"/checkout/complete": "/checkout"}


def retry_url(request: Request) -> str:
    """ "Try again": the same URL for a page, the form's page for a POST (a launch POST's
    page is its own URL, which shows the launch page again)."""
    if request.method in ("GET", "HEAD"):
        return str(request.url.path) + (f"?{request.url.query}" if request.url.query else "")
    return _RETRY_PAGES.get(request.url.path, request.url.path)


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def new_support_code() -> str:
    """The support code of an error: derived from the request's id, which every log line
    of the request carries."""
    return request_id.support_code()


def error_response(
    request: Request,
    status: int,
    error: ErrorCode,
    message: str,
    *,
    message_key: str = "error.server",
    retry: bool = False,
    support_code: str | None = None,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> Response:
    """`{"error", "message", ...}` for the API; the error page (`message_key`) for people."""
    if wants_json(request):
        body: dict[str, Any] = {"error": error, "message": message, **extra}
        if support_code is not None:
            body["support_code"] = support_code
        return JSONResponse(body, status_code=status, headers=headers)
    response = render(
        request,
        "error.html",
        {
            "message_key": message_key,
            "retry": retry,
            "retry_url": retry_url(request),
            "support_code": support_code,
        },
        status_code=status,
    )
    if headers:
        response.headers.update(headers)
    return response


async def no_session(request: Request, exc: Exception) -> Response:
    response = error_response(
        request,
        401,
        "no_session",
        "Open the shop from the app again.",
        message_key="error.no_session",
    )
    sessions = services(request).sessions
    # Only a cookie that was sent is cleared: a cross-site request carries none, and clearing
    # anyway would let any site log the customer out.
    if sessions.cookie_name in request.cookies:
        sessions.clear(response, framed=request.headers.get("sec-fetch-dest") == "iframe")
    return response


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    error, key, retry = _HTTP_PAGES.get(exc.status_code, ("http_error", "error.server", False))
    return error_response(
        request,
        exc.status_code,
        error,
        exc.detail,
        message_key=key,
        retry=retry,
        headers=exc.headers,
    )


async def too_many(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, TooManyRequests)
    return error_response(
        request,
        429,
        "too_many_requests",
        f"Too many requests; wait {exc.retry_after} seconds and try again.",
        message_key="error.too_many",
        retry=True,
        headers={"Retry-After": str(exc.retry_after)},
    )


async def body_timeout(request: Request, exc: Exception) -> Response:
    """The body came too slowly (`deadlines.py`): 408, and the connection is closed."""
    return error_response(
        request,
        408,
        "request_timeout",
        "The request body took too long to arrive; send it again.",
        message_key="error.server",
        retry=True,
        headers={"Connection": "close"},
    )


async def upstream_error(request: Request, exc: Exception) -> Response:
    """Minted refused (an API error: 502) or could not be reached (503)."""
    code = new_support_code()
    logger.warning(
        "Minted failed on %s: %s (%s)",
        request.url.path.split("/")[1] or "/",
        exc,
        code,
        extra={"support_code": code},
    )
    if isinstance(exc, MintedAPIError):
        return error_response(
            request,
            502,
            "upstream_refused",
            "Minted refused the request; try again later or contact support.",
            message_key="error.upstream_refused",
            retry=True,
            support_code=code,
        )
    return error_response(
        request,
        503,
        "upstream_unavailable",
        "Minted cannot be reached right now; try again.",
        message_key="error.upstream",
        retry=True,
        support_code=code,
    )


async def server_error(request: Request, exc: Exception) -> Response:
    code = new_support_code()
    logger.exception("unhandled error (%s)", code, exc_info=exc, extra={"support_code": code})
    # Starlette sends this answer from outside the middleware stack: add what it would.
    headers = {**security_headers(services(request).settings), "Cache-Control": "no-store"}
    return error_response(
        request,
        500,
        "server_error",
        "Unexpected error; try again.",
        message_key="error.server",
        retry=True,
        support_code=code,
        headers=headers,
    )


HANDLERS = {
    NoSession: no_session,
    SessionEnded: no_session,
    HTTPException: http_error,
    TooManyRequests: too_many,
    BodyTimeout: body_timeout,
    MintedError: upstream_error,
    Exception: server_error,
}
