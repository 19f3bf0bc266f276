"""The sandbox app: routes, middleware, state. `create_app(settings)` builds it;
`uvicorn --factory webview_host.sandbox.app:create_app_from_env` serves it."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable

import httpx
import jinja2
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.templating import Jinja2Templates

from . import api, control_api, webview
from .digest import DigestVerifier
from .faults import FaultPlan
from .hooks import HookPusher
from .injection import FaultMiddleware
from .responses import sandbox_error
from .settings import SandboxSettings
from .store import SandboxStore
from .validation import SandboxError

logger = logging.getLogger(__name__)


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok", "service": "minted-sandbox"})


def create_app(
    settings: SandboxSettings,
    *,
    clock: Callable[[], float] = time.time,
    hook_transport: httpx.AsyncBaseTransport | None = None,
) -> Starlette:
    """The sandbox for these settings; `clock` and `hook_transport` are for tests."""
    store = SandboxStore(
        pricefix_seconds=settings.pricefix_seconds,
        pricefix_refresh_seconds=settings.pricefix_refresh_seconds,
        token_ttl=settings.token_ttl,
        clock=clock,
    )
    digest = DigestVerifier(settings.username, settings.password.reveal(), clock=clock)
    plan = FaultPlan()
    routes: list[BaseRoute] = [*api.ROUTES, *webview.ROUTES, Route("/healthz", healthz)]
    if settings.faults:
        routes += control_api.routes(settings.control_token)
    app = Starlette(
        routes=routes,
        middleware=[Middleware(FaultMiddleware, plan=plan, digest=digest)],
        exception_handlers={SandboxError: sandbox_error},
    )
    app.state.settings = settings
    app.state.store = store
    app.state.digest = digest
    app.state.faults = plan
    app.state.hooks = HookPusher(
        settings.hook_url, timeout=settings.hook_timeout, clock=clock, transport=hook_transport
    )
    app.state.templates = Jinja2Templates(
        env=jinja2.Environment(
            loader=jinja2.PackageLoader("webview_host.sandbox", "templates"), autoescape=True
        )
    )
    return app


def create_app_from_env() -> Starlette:
    """Entry point for `uvicorn --factory`: settings from the `WVH_*` environment.

    Refuses to start (SettingsError, one sentence) without `WVH_SANDBOX=1`.
    """
    settings = SandboxSettings.from_env(os.environ)
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    logger.info(
        "Minted sandbox on port %d (Digest user %r, control API %s)",
        settings.port,
        settings.username,
        "off" if not settings.faults else "on" if settings.control_token is None else "on, token",
    )
    return create_app(settings)
