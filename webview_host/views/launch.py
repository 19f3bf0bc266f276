"""The launch exchange: a one-time link becomes the customer's session, and only on purpose.

`GET /launch/{code}` never consumes the code: it shows a small page whose
script (`static/launch.js`) POSTs the page's own form, so link scanners,
`Sec-Purpose: prefetch` requests, prerenders and `HEAD` (which Starlette
answers for GET routes) leave the link usable. An unknown, expired or used
code is said at once.

`POST /launch/{code}` consumes it, only from our own page (Origin check: a
cross-site form cannot log a browser into someone else's shop). When the
browser already holds a live session of *another* customer, nothing is
replaced silently: the page asks, and only a confirmation carrying the open
session's CSRF token (which no other site can read) replaces it. A launch of
the same customer simply renews the session.

A launch inside a cross-site frame (`Sec-Fetch-Dest: iframe`, a partner page
allowed by `WVH_PARTNER_ORIGINS`) gets a framed session: its cookie is
`SameSite=None; Secure; Partitioned`, kept by the browser for that partner
site only (see `sessions.py`).
"""

from __future__ import annotations

import dataclasses

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..ledger import LaunchRefused
from ..security import origin_allowed, tokens_match
from ..throttle import Limit
from .common import count, path_token, render, services


def _refused(request: Request, exc: LaunchRefused) -> Response:
    unknown = exc.reason == "unknown"
    return render(
        request,
        "error.html",
        {"message_key": "error.launch_unknown" if unknown else "error.launch_expired"},
        status_code=404 if unknown else 410,
        locale=exc.locale,
    )


def _is_prefetch(request: Request) -> bool:
    purpose = request.headers.get("sec-purpose", "") + request.headers.get("purpose", "")
    return "prefetch" in purpose.lower() or "prerender" in purpose.lower()


async def launch_page(request: Request) -> Response:
    """The page that opens the shop; looks at the code without using it."""
    await count(request, Limit.LAUNCH)
    code = path_token(request, "code")
    try:
        preview = await services(request).launches.peek(code)
    except LaunchRefused as exc:
        return _refused(request, exc)
    return render(request, "launch.html", {"switch": False}, locale=preview.locale)


async def launch_exchange(request: Request) -> Response:
    """Use the code: create the Minted token and the session, then go to the shop."""
    svc = services(request)
    await count(request, Limit.LAUNCH)
    code = path_token(request, "code")
    if not origin_allowed(request, svc.settings.public_origin) or _is_prefetch(request):
        raise HTTPException(403, "origin")
    try:
        preview = await svc.launches.peek(code)
    except LaunchRefused as exc:
        return _refused(request, exc)
    current = svc.sessions.load(request)
    if current is not None and current.customer_id != preview.customer_id:
        form = await request.form()
        if form.get("replace") != "1":
            context = {"switch": True, "csrf": current.csrf}
            return render(request, "launch.html", context, status_code=409, locale=preview.locale)
        if not tokens_match(current.csrf, form.get("csrf")):
            raise HTTPException(403, "csrf")
    try:
        session = await svc.launches.start_session(code)
    except LaunchRefused as exc:  # used meanwhile, by another tab or instance
        return _refused(request, exc)
    if request.headers.get("sec-fetch-dest") == "iframe":
        session = dataclasses.replace(session, framed=True)
    response = RedirectResponse("/shop", status_code=303)
    svc.sessions.save(response, session)
    return response
