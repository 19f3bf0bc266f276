"""The Minted sandbox: a stateful stand-in for the Minted API and webview.

A separate Starlette app, served by its own process on its own port (so on its
own origin). Partner endpoints demand real HTTP Digest, the webview endpoint a
bearer token, every endpoint the `x-client-id` header; answers use Minted's
envelope. `create_app(settings)` is the only way to build it; serve it with
`uvicorn --factory webview_host.sandbox.app:create_app_from_env`.

Modules: `api` (Minted endpoints), `webview` (the UI), `control_api` (QA),
`store` (state), `faults`, `digest`, `seeds`, `catalog`.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from ..settings import Settings
from . import control_api, webview
from .api import API_HANDLERS
from .digest import DigestVerifier
from .faults import ENDPOINTS, FaultMiddleware, FaultPlan
from .store import SandboxStore
from .validation import SandboxError

logger = logging.getLogger(__name__)
HERE = Path(__file__).parent


def create_app(settings: Settings, *, clock: Callable[[], float] = time.time) -> Starlette:
    """The sandbox app for these settings (credentials, ports, price-fix window)."""
    store = SandboxStore(
        pricefix_seconds=settings.sandbox_pricefix_seconds,
        pricefix_refresh_seconds=settings.sandbox_pricefix_refresh_seconds,
        token_ttl=settings.sandbox_token_ttl,
        clock=clock,
    )
    digest = DigestVerifier(
        settings.minted_username, settings.minted_password.reveal(), clock=clock
    )
    plan = FaultPlan()
    routes: list[BaseRoute] = [
        Route(ENDPOINTS[name][1], handler, methods=[ENDPOINTS[name][0]])
        for name, handler in API_HANDLERS.items()
    ]
    routes += [
        Route("/webview/", webview.webview_page, methods=["GET"]),
        Route("/webview/api/catalog", webview.webview_catalog, methods=["GET"]),
        Route("/webview/api/basket", webview.webview_basket, methods=["GET"]),
        Route("/webview/api/basket/items/{sku}", webview.webview_set_item, methods=["PUT"]),
        Route("/webview/api/basket/refresh", webview.webview_refresh, methods=["POST"]),
        Mount("/webview/static", StaticFiles(directory=HERE / "static"), name="static"),
        Route("/healthz", control_api.healthz, methods=["GET"]),
    ]
    if settings.sandbox_faults:
        routes += [
            Route(
                "/_sandbox/faults", control_api.control_faults, methods=["GET", "POST", "DELETE"]
            ),
            Route("/_sandbox/calls", control_api.control_calls, methods=["GET"]),
            Route("/_sandbox/reset", control_api.control_reset, methods=["POST"]),
            Route("/_sandbox/tokens/expire", control_api.control_expire_tokens, methods=["POST"]),
            Route("/_sandbox/pricefix/lapse", control_api.control_lapse, methods=["POST"]),
            Route(
                "/_sandbox/customers/{customer_id}", control_api.control_customer, methods=["GET"]
            ),
        ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(FaultMiddleware, plan=plan)],
        exception_handlers={SandboxError: control_api.sandbox_error},
    )
    app.state.settings = settings
    app.state.store = store
    app.state.digest = digest
    app.state.faults = plan
    app.state.templates = Jinja2Templates(directory=HERE / "templates")
    return app


def create_app_from_env() -> Starlette:
    """Entry point for `uvicorn --factory`: settings from the `WVH_*` environment."""
    settings = Settings.from_env(os.environ)
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    logger.info(
        "Minted sandbox on port %d (Digest user %r)",
        settings.sandbox_port,
        settings.minted_username,
    )
    return create_app(settings)
