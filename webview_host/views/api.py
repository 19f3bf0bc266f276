"""JSON for the shell's scripts: the live basket, the session, a completion's status."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..i18n import format_money
from ..throttle import Limit
from .common import count, require_session, save_if_changed, services, settled_completion


async def basket(request: Request) -> Response:
    svc = services(request)
    session = require_session(request)
    await count(request, Limit.BASKET, session)
    view = await svc.baskets.read(session)
    current = view.basket
    locale = view.session.locale
    body: dict[str, object] = {
        "has_basket": False,
        "item_count": 0,
        "total": None,
        "total_display": "–",
        "currency": None,
        "pricefix": None,
    }
    if current is not None:
        body.update(
            has_basket=bool(current.items),
            item_count=int(current.item_count),
            total=str(current.total) if current.total is not None else None,
            total_display=format_money(current.total, current.currency_code, locale),
            currency=current.currency_code,
            pricefix=None
            if current.pricefix is None
            else {
                "remaining": current.pricefix.remaining,
                "next_update": current.pricefix.next_update.isoformat()
                if current.pricefix.next_update
                else None,
            },
        )
    if view.renewed:
        body["webview_url"] = svc.settings.webview_url(view.session.token, locale)
    return save_if_changed(request, JSONResponse(body), session, view.session)


async def session_info(request: Request) -> Response:
    session = require_session(request)
    return JSONResponse(
        {
            "active": True,
            "locale": session.locale,
            "token_expires_at": session.token_expires_at,
            "has_return_url": session.return_url is not None,
        }
    )


async def order_status(request: Request) -> Response:
    session = require_session(request)
    # The result page polls this, and each poll of an unknown order reads Minted.
    await count(request, Limit.BASKET, session)
    completion = await settled_completion(request, session)
    return JSONResponse(
        {
            "id": completion.id,
            "state": completion.state,
            "terminal": completion.terminal,
            "retryable": completion.retryable,
            "order_code": completion.order_code,
            "total": str(completion.total) if completion.total is not None else None,
            "currency": completion.currency,
            "support_code": completion.support_code,
        }
    )
