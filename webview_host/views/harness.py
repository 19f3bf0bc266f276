"""The partner-app harness (sandbox mode only): a page that plays a native container.

It creates a launch through the partner API, opens the launch URL in a
phone-sized frame, stands in for one bridge transport (iOS, Android, React
Native, a framing web page, or the URL-scheme channel) and shows every bridge
event live, checked against its JSON Schema. QA and partner developers start
here; `make run` prints its address.

    GET  /dev/partner-app                 the page
    GET  /dev/partner-app/schemas         every bridge message schema (events, commands)
    POST /dev/partner-app/session/lapse   {"seconds": n}: end the caller's session n s from now

The routes exist only in sandbox mode (`app.py` adds them there).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..policy import SANDBOX_PARTNER_KEY
from ..resources import package_dir
from ..security import origin_allowed
from .common import render, require_session, services

# The harness frames our own pages; nothing frames the harness.
HARNESS_CSP = "; ".join(
    (
        "default-src 'self'",
        "frame-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


@functools.cache
def bridge_schemas() -> dict[str, dict[str, Any]]:
    """{"events": {type: schema}, "commands": {type: schema}} from static/bridge/v1."""
    found: dict[str, dict[str, Any]] = {"events": {}, "commands": {}}
    schema_dir = package_dir("static") / "bridge" / "v1"
    for kind, schemas in found.items():
        for path in sorted((schema_dir / kind).glob("*.schema.json")):
            schemas[path.name.removesuffix(".schema.json")] = json.loads(path.read_text())
    return found


async def page(request: Request) -> Response:
    settings = services(request).settings
    dev_key = settings.partner_keys[0].reveal()
    response = render(
        request,
        "harness.html",
        {
            "ios": settings.bridge_ios_handler,
            "android": settings.bridge_android_interface,
            "scheme": settings.bridge_url_scheme or "",
            # Only the published development key is filled in; any other key is a secret.
            "partner_key": dev_key if dev_key == SANDBOX_PARTNER_KEY else "",
            "public_url": settings.public_url,
        },
        locale="en",
    )
    response.headers["Content-Security-Policy"] = HARNESS_CSP
    return response


async def schemas(request: Request) -> Response:
    return JSONResponse(bridge_schemas())


async def lapse_session(request: Request) -> Response:
    """QA: make the caller's session end `seconds` from now (never later than it would)."""
    svc = services(request)
    session = require_session(request)
    if not origin_allowed(request, svc.settings.public_origin):
        return JSONResponse({"error": "forbidden", "message": "Same-origin requests only."}, 403)
    try:
        seconds = int((await request.json())["seconds"])
    except (ValueError, KeyError, TypeError):
        seconds = 0  # refused below, with the same sentence
    if not 1 <= seconds <= 3600:
        return JSONResponse(
            {"error": "invalid_request", "message": 'Send {"seconds": <1..3600>}.'}, 422
        )
    ends = time.time() + seconds
    if session.expires_at is not None:
        ends = min(ends, session.expires_at)
    response = JSONResponse({"expires_at": ends})
    svc.sessions.save(response, dataclasses.replace(session, expires_at=ends))
    return response


ROUTES = [
    Route("/dev/partner-app", page, methods=["GET"]),
    Route("/dev/partner-app/schemas", schemas, methods=["GET"]),
    Route("/dev/partner-app/session/lapse", lapse_session, methods=["POST"]),
]
