"""The customer's pages: launch exchange, shell, review, complete, result."""

from __future__ import annotations

import logging
import time

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..checkout import BasketChanged, BasketRef
from ..ledger import COMPLETED, FAILED, PENDING, UNKNOWN, LaunchRefused
from ..minted import FEE_FIELDS
from ..security import origin_allowed, tokens_match
from ..sessions import CustomerSession
from .common import render, require_session, services, settled_completion

logger = logging.getLogger(__name__)

NOTICES = ("price_lapsed", "changed", "empty", "retry")
# An order placed this recently is pointed out on the review page (reload, back button).
RECENT_ORDER_SECONDS = 15 * 60


async def index(request: Request) -> Response:
    return render(request, "index.html")


async def launch(request: Request) -> Response:
    svc = services(request)
    code = request.path_params["code"]
    try:
        session = await svc.shop.start_session(code)
    except LaunchRefused as exc:
        key = "error.launch_unknown" if exc.reason == "unknown" else "error.launch_expired"
        status = 404 if exc.reason == "unknown" else 410
        return render(
            request,
            "error.html",
            {"message_key": key, "retry": False},
            status_code=status,
            locale=exc.locale,
        )
    response = RedirectResponse("/shop", status_code=303)
    svc.sessions.save(response, session)
    return response


def _save_if_changed(
    request: Request, response: Response, before: CustomerSession, after: CustomerSession
) -> Response:
    if after is not before:
        services(request).sessions.save(response, after)
    return response


async def shop(request: Request) -> Response:
    svc = services(request)
    session = require_session(request)
    fresh, _ = await svc.shop.fresh_session(session)
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
    return _save_if_changed(request, response, session, fresh)


async def checkout(request: Request) -> Response:
    svc = services(request)
    session = require_session(request)
    recent = await svc.ledger.latest_completion(
        session.customer_id, since=time.time() - RECENT_ORDER_SECONDS
    )
    if recent is not None and recent.state in (PENDING, UNKNOWN):
        recent = await svc.checkout.settle(recent)
        if recent.state in (PENDING, UNKNOWN):
            # An order is being placed (e.g. the page was reloaded mid-confirm): show it.
            return RedirectResponse(f"/orders/{recent.id}", status_code=303)
    view = await svc.shop.read_basket(session)
    basket = view.basket
    notice = request.query_params.get("notice")
    context = {
        "basket": basket if basket is not None and basket.items else None,
        "fees": [
            (name, getattr(basket, name))
            for name in FEE_FIELDS
            if basket is not None and getattr(basket, name)
        ],
        "notice": notice if notice in NOTICES else None,
        "csrf": view.session.csrf,
        "basket_ref": "",
        "lapsed": bool(basket and basket.pricefix and basket.pricefix.lapsed),
        "recent_order": recent if recent is not None and recent.state == COMPLETED else None,
    }
    if context["basket"] is not None:
        assert basket is not None
        ref = BasketRef.of(view.session, basket)
        context["basket_ref"] = svc.checkout_signer.dumps(ref.__dict__)
    response = render(request, "checkout.html", context, locale=view.session.locale)
    return _save_if_changed(request, response, session, view.session)


async def complete(request: Request) -> Response:
    svc = services(request)
    session = require_session(request)
    if not origin_allowed(request, svc.settings.public_origin):
        raise HTTPException(403, "origin")
    form = await request.form()
    if not tokens_match(session.csrf, form.get("csrf")):
        raise HTTPException(403, "csrf")
    ref = BasketRef.from_dict(svc.checkout_signer.loads(str(form.get("basket", ""))))
    if ref is None:
        return RedirectResponse("/checkout?notice=changed", status_code=303)
    try:
        completion, after = await svc.checkout.complete(session, ref)
    except BasketChanged as exc:
        return RedirectResponse(f"/checkout?notice={exc.reason}", status_code=303)
    response = RedirectResponse(f"/orders/{completion.id}", status_code=303)
    return _save_if_changed(request, response, session, after)


async def order(request: Request) -> Response:
    session = require_session(request)
    completion = await settled_completion(request, session)
    status_key = {
        COMPLETED: "order.completed",
        FAILED: "order.failed",
    }.get(completion.state, f"order.{completion.state}")
    return render(
        request,
        "order.html",
        {
            "completion": completion,
            "status_key": status_key,
            "return_url": session.return_url,
            "polling": not completion.terminal and completion.state != FAILED,
        },
        locale=session.locale,
    )
