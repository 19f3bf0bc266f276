"""What every view shares: the typed services on `request.state`, rendering, the session."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from ..i18n import format_money, format_weight, translator
from ..ledger import Completion
from ..services import Services
from ..sessions import CustomerSession
from ..types import Locale, is_locale


class NoSession(Exception):
    """The request has no valid session cookie."""


def services(request: Request) -> Services:
    found: Services = request.state.services
    return found


def require_session(request: Request) -> CustomerSession:
    session = services(request).sessions.load(request)
    if session is None:
        raise NoSession()
    return session


def save_if_changed(
    request: Request, response: Response, before: CustomerSession, after: CustomerSession
) -> Response:
    """Write the session cookie when a view renewed the session's token."""
    if after is not before:
        services(request).sessions.save(response, after)
    return response


async def settled_completion(request: Request, session: CustomerSession) -> Completion:
    """The completion named in the path, if it is this customer's (else 404), settled."""
    svc = services(request)
    completion = await svc.ledger.completions.get(request.path_params["completion_id"])
    if completion is None or completion.customer_id != session.customer_id:
        raise HTTPException(404)
    return await svc.reconciler.settle(completion)


def request_locale(request: Request) -> Locale:
    session = services(request).sessions.load(request)
    if session is not None:
        return session.locale
    lang = request.query_params.get("lang", "")
    if is_locale(lang):
        return lang
    header = request.headers.get("accept-language", "")
    default = services(request).settings.default_locale
    return "en" if header.lower().startswith("en") else default


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    locale: Locale | None = None,
) -> Response:
    locale = locale or request_locale(request)
    base: dict[str, Any] = {
        "lang": locale,
        "t": translator(locale),
        "money": lambda amount, currency: format_money(amount, currency, locale),
        "grams": lambda weight: format_weight(weight, locale),
    }
    base.update(context or {})
    return services(request).templates.TemplateResponse(
        request, template, base, status_code=status_code
    )
