"""A customer's form POST (Confirm, Start over): from our own pages, with the session's CSRF token.

The Origin check refuses a cross-site form outright; the CSRF token, which only
our pages of this session carry, refuses a same-site forgery. Either refusal
is a 403, answered by the error page.
"""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request

from ..security import origin_allowed, tokens_match
from ..sessions import CustomerSession
from .common import require_session, services


async def session_form(request: Request) -> tuple[CustomerSession, FormData]:
    """The session and the posted form; 403 unless both checks pass (no session: 401)."""
    session = require_session(request)
    if not origin_allowed(request, services(request).settings.public_origin):
        raise HTTPException(403, "origin")
    form = await request.form()
    if not tokens_match(session.csrf, form.get("csrf")):
        raise HTTPException(403, "csrf")
    return session, form
