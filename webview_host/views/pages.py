"""The customer's pages: shell, review, complete, result (the launch exchange is launch.py)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..checkout import NOTICES, BasketChanged, OrderInProgress
from ..results import result_link
from ..throttle import Limit
from .common import count, render, require_session, save_if_changed, services, settled_completion
from .forms import session_form


async def index(request: Request) -> Response:
    return render(request, "index.html")


async def shop(request: Request) -> Response:
    svc = services(request)
    session = require_session(request)
    fresh, _ = await svc.baskets.fresh_session(session)
    response = render(
        request,
        "shop.html",
        {
            "webview_url": svc.settings.webview_url(fresh.token, fresh.locale),
            "webview_origin": svc.settings.webview_origin,
            "watchdog_seconds": svc.settings.iframe_watchdog_seconds,
        },
        locale=fresh.locale,
    )
    return save_if_changed(request, response, session, fresh)


async def checkout(request: Request) -> Response:
    session = require_session(request)
    await count(request, Limit.BASKET, session)
    review = await services(request).checkout.review(session)
    if isinstance(review, OrderInProgress):
        return RedirectResponse(f"/orders/{review.completion.id}", status_code=303)
    notice = request.query_params.get("notice")
    response = render(
        request,
        "checkout.html",
        {
            "review": review,
            "basket": review.basket,
            "notice": notice if notice in NOTICES else None,
            "csrf": review.session.csrf,
        },
        locale=review.session.locale,
    )
    return save_if_changed(request, response, session, review.session)


async def complete(request: Request) -> Response:
    svc = services(request)
    session, form = await session_form(request)
    await count(request, Limit.CONFIRM, session)
    try:
        completion, after = await svc.checkout.complete(session, str(form.get("basket", "")))
    except BasketChanged as exc:
        return RedirectResponse(f"/checkout?notice={exc.reason}", status_code=303)
    response = RedirectResponse(f"/orders/{completion.id}", status_code=303)
    return save_if_changed(request, response, session, after)


async def order(request: Request) -> Response:
    svc = services(request)
    session = require_session(request)
    completion = await settled_completion(request, session)
    back_url = None
    if session.return_url:
        keys = svc.settings.cookie_keys
        back_url = result_link(session.return_url, completion.id, completion.state, keys)
    return render(
        request,
        "order.html",
        {
            "completion": completion,
            "back_url": back_url,
            "auto_return": completion.terminal,
            "polling": not completion.terminal and not completion.retry_allowed,
        },
        locale=session.locale,
    )
