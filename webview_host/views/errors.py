"""Every exception becomes a response in this one place: JSON under /api, HTML elsewhere.

Customers see a sentence they understand and a way on; Minted's own messages
and tracebacks go to the log only, tagged with a support code that the page
shows too.
"""

from __future__ import annotations

import logging
import secrets

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..minted import MintedError
from ..shop import SessionEnded
from .common import NoSession, render, services

logger = logging.getLogger(__name__)

_HTML_KEYS = {403: "error.forbidden", 404: "error.not_found", 405: "error.not_found"}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _support_code() -> str:
    return "WVH-" + secrets.token_hex(4).upper()


async def no_session(request: Request, exc: Exception) -> Response:
    if _wants_json(request):
        return JSONResponse(
            {"error": "no_session", "message": "Open the shop from the app again."}, status_code=401
        )
    response = render(
        request, "error.html", {"message_key": "error.no_session", "retry": False}, status_code=401
    )
    services(request).sessions.clear(response)
    return response


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if _wants_json(request):
        return JSONResponse(
            {"error": "http_error", "message": exc.detail},
            status_code=exc.status_code,
            headers=exc.headers,
        )
    key = _HTML_KEYS.get(exc.status_code, "error.server")
    return render(
        request,
        "error.html",
        {"message_key": key, "retry": exc.status_code == 403},
        status_code=exc.status_code,
    )


async def upstream_error(request: Request, exc: Exception) -> Response:
    code = _support_code()
    logger.warning(
        "Minted failed on %s: %s (%s)",
        request.url.path.split("/")[1] or "/",
        exc,
        code,
        extra={"support_code": code},
    )
    if _wants_json(request):
        return JSONResponse(
            {
                "error": "upstream_unavailable",
                "message": "Minted cannot be reached right now; try again.",
                "support_code": code,
            },
            status_code=503,
        )
    return render(
        request,
        "error.html",
        {"message_key": "error.upstream", "retry": True, "support_code": code},
        status_code=503,
    )


async def server_error(request: Request, exc: Exception) -> Response:
    code = _support_code()
    logger.exception("unhandled error (%s)", code, exc_info=exc, extra={"support_code": code})
    if _wants_json(request):
        return JSONResponse(
            {
                "error": "server_error",
                "message": "Unexpected error; try again.",
                "support_code": code,
            },
            status_code=500,
        )
    return render(
        request,
        "error.html",
        {"message_key": "error.server", "retry": True, "support_code": code},
        status_code=500,
    )


HANDLERS = {
    NoSession: no_session,
    SessionEnded: no_session,
    HTTPException: http_error,
    MintedError: upstream_error,
    Exception: server_error,
}
