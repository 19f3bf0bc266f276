"""The customer's "Start over": empty the basket (Minted's Clear Basket) after confirming.

A page, not a script: the shell links to `GET /start-over`, which asks for
confirmation and shows what would be removed; its form posts (Origin and
CSRF checked, as Confirm is) to `POST /start-over`, which clears the basket
the session's token names and goes back to the shell, whose webview then
shows the empty basket. Minted's failures become the usual error page.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..security import origin_allowed, tokens_match
from .common import render, require_session, save_if_changed, services


async def ask(request: Request) -> Response:
    session = require_session(request)
    view = await services(request).baskets.read(session)
    basket = view.basket if view.basket is not None and view.basket.items else None
    response = render(
        request,
        "start_over.html",
        {"basket": basket, "csrf": view.session.csrf},
        locale=view.session.locale,
    )
    return save_if_changed(request, response, session, view.session)


async def clear(request: Request) -> Response:
    svc = services(request)
    session = require_session(request)
    if not origin_allowed(request, svc.settings.public_origin):
        raise HTTPException(403, "origin")
    form = await request.form()
    if not tokens_match(session.csrf, form.get("csrf")):
        raise HTTPException(403, "csrf")
    view = await svc.baskets.read(session)
    if view.basket is not None and view.basket.items:
        await svc.minted.clear_basket(
            view.session.customer_id, view.basket.token, locale=view.session.locale
        )
    response = RedirectResponse("/shop", status_code=303)
    return save_if_changed(request, response, session, view.session)
