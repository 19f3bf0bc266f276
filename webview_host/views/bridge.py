"""What every page tells `static/bridge.js`, and how templates declare bridge events.

A Jinja context processor: each page gets `bridge_config` (the transport names,
the origins a framing partner may have, the session's opaque id and its end),
`bridge_close_href` (where Close goes when no app is listening: the partner's
`return_url`), the Minted iframe's `sandbox`/`allow` values, and
`bridge_emit(type, once=..., **data)`, which renders a hidden element that
bridge.js turns into an event once the page is ready. Templates stay
declarative; money becomes a decimal string, never a float.
"""

from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import Any

from markupsafe import Markup
from starlette.requests import Request

from ..settings import Settings
from .common import services


def parent_origins(settings: Settings) -> list[str]:
    """Origins a framing page may have: the partner origins, and in sandbox mode our own
    (the partner-app harness frames the shell from it)."""
    origins = list(settings.partner_origins)
    if settings.sandbox_mode and settings.public_origin not in origins:
        origins.append(settings.public_origin)
    return origins


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    return value


def bridge_emit(type_: str, once: str | None = None, **data: Any) -> Markup:
    """A hidden element bridge.js reads on DOMContentLoaded: the event `type_` with `data`,
    raised once per session under the key `once` (when given)."""
    payload = json.dumps({k: _json_value(v) for k, v in data.items()}, separators=(",", ":"))
    if once is None:
        return Markup('<div hidden data-bridge-emit="{}" data-bridge-data="{}"></div>').format(
            type_, payload
        )
    return Markup(
        '<div hidden data-bridge-emit="{}" data-bridge-once="{}" data-bridge-data="{}"></div>'
    ).format(type_, once, payload)


def bridge_context(request: Request) -> dict[str, Any]:
    """The context processor (see the module docstring)."""
    svc = services(request)
    settings = svc.settings
    session = svc.sessions.load(request)
    expires_at = session.expires_at if session is not None else None
    config: dict[str, Any] = {
        "v": 1,
        "session": session.sid if session is not None else None,
        "expires_at": None,
        "expires_in": None,
        "expiry_warning": settings.session_expiry_warning,
        "ios": settings.bridge_ios_handler,
        "android": settings.bridge_android_interface,
        "scheme": settings.bridge_url_scheme,
        "parent_origins": parent_origins(settings),
    }
    if expires_at is not None:
        config["expires_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(expires_at))
        # Relative, so a phone whose clock is off still warns at the right moment.
        config["expires_in"] = max(0, round(expires_at - time.time()))
    return {
        "bridge_config": config,
        "bridge_close_href": session.return_url if session is not None else None,
        "bridge_emit": bridge_emit,
        "webview_sandbox": settings.iframe_sandbox,
        "webview_allow": settings.iframe_allow,
    }
