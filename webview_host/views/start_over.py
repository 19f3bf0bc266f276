"""The customer's "Start over": empty the basket (Minted's Clear Basket) after confirming.

A page, not a script: the shell links to `GET /start-over`, which asks for
confirmation and shows what would be removed; its form posts (Origin and
CSRF checked, as Confirm is) to `POST /start-over`, which clears the basket
the session's token names and goes back to the shell, whose webview then
shows the empty basket. Minted's failures become the usual error page.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from .common import render, require_session, save_if_changed, services
from .forms import session_form


async def ask(request: Request) -> Response:
    session = require_session(request)
    view = await services(request).baskets.read(session)
    response = render(
        request,
        "start_over.html",
        {"basket": view.nonempty_basket, "csrf": view.session.csrf},
        locale=view.session.locale,
    )
    return save_if_changed(request, response, session, view.session)


async def clear(request: Request) -> Response:
    svc = services(request)
    session, _ = await session_form(request)
    view = await svc.baskets.read(session)
    if (basket := view.nonempty_basket) is not None:
        await svc.minted.clear_basket(
            view.session.customer_id, basket.token, locale=view.session.locale
        )
    response = RedirectResponse("/shop", status_code=303)
    return save_if_changed(request, response, session, view.session)
