"""Wiring: routes, middleware, exception handlers, lifespan. No business logic here.

`create_app(settings)` is the only way to build the app; nothing is created at
import time. Serve with `uvicorn --factory webview_host.app:create_app_from_env`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import AsyncIterator, Callable

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from . import results
from .deadlines import BodyDeadlineMiddleware
from .resources import package_dir
from .result_tokens import ResultTokenCheck
from .security import AccessLogMiddleware, SecurityHeadersMiddleware
from .services import Services, open_services
from .settings import Settings, SettingsError
from .telemetry import Metrics, logs
from .views import api, bridge, harness, health, launch, pages, partner, start_over
from .views.errors import HANDLERS

logger = logging.getLogger(__name__)


def create_app(
    settings: Settings,
    *,
    minted_transport: httpx.AsyncBaseTransport | None = None,
    webhook_transport: httpx.AsyncBaseTransport | None = None,
    clock: Callable[[], float] = time.time,
    result_tokens: ResultTokenCheck | None = None,
) -> Starlette:
    """The host app. `minted_transport` lets tests put the sandbox (ASGI) or a mock
    behind the Minted client, `webhook_transport` a receiver behind the webhooks;
    `clock` lets them move the ledger's time."""
    metrics = Metrics()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Services]]:
        async with open_services(
            settings,
            minted_transport=minted_transport,
            webhook_transport=webhook_transport,
            clock=clock,
            metrics=metrics,
            # The status API checks the return_url's result tokens the bridge pages sign.
            result_tokens=result_tokens or results.result_token_check(settings),
        ) as services:
            # Every page tells bridge.js the partner-app settings and its session.
            services.templates.context_processors.append(bridge.bridge_context)
            if settings.sandbox_mode:
                logger.warning(
                    "SANDBOX MODE (WVH_SANDBOX=1): Minted calls go to %s with development "
                    "credentials and keys. Unset WVH_SANDBOX and set WVH_MINTED_BASE_URL and "
                    "production keys for real customers.",
                    settings.minted_base_url,
                )
            logger.info("ledger: %s", services.ledger.backend_name)
            logger.info(
                "webhooks: %s",
                "on" if services.webhooks is not None else "off (WVH_WEBHOOK_URL is unset)",
            )
            yield {"services": services}

    # Starlette tries routes in order: the shell's polled JSON and its pages come first.
    routes = [
        Route("/api/basket", api.basket, methods=["GET"]),
        Route("/api/session", api.session_info, methods=["GET"]),
        Route("/api/orders/{completion_id}", api.order_status, methods=["GET"]),
        Route("/", pages.index, methods=["GET"]),
        Route("/launch/{code}", launch.launch_page, methods=["GET"]),
        Route("/launch/{code}", launch.launch_exchange, methods=["POST"]),
        Route("/shop", pages.shop, methods=["GET"]),
        Route("/checkout", pages.checkout, methods=["GET"]),
        Route("/checkout/complete", pages.complete, methods=["POST"]),
        Route("/orders/{completion_id}", pages.order, methods=["GET"]),
        Route("/start-over", start_over.ask, methods=["GET"]),
        Route("/start-over", start_over.clear, methods=["POST"]),
        *partner.routes(),
        Route("/healthz", health.healthz, methods=["GET"]),
        Route("/readyz", health.readyz, methods=["GET"]),
        Route("/metrics", health.metrics, methods=["GET"]),
        Mount("/static", StaticFiles(directory=package_dir("static")), name="static"),
    ]
    if settings.sandbox_mode:
        routes += harness.ROUTES
    return Starlette(
        routes=routes,
        middleware=middleware(settings, metrics),
        exception_handlers={partner.Refused: partner.refused, **HANDLERS},
        lifespan=lifespan,
    )


def middleware(settings: Settings, metrics: Metrics) -> list[Middleware]:
    """What every request passes through: the access log and its metrics, the security
    headers, the body deadline (also the benchmark's second baseline)."""
    return [
        Middleware(AccessLogMiddleware, observe=metrics.observe_request),
        Middleware(SecurityHeadersMiddleware, settings=settings),
        Middleware(BodyDeadlineMiddleware, seconds=settings.body_timeout),
    ]


def create_app_from_env() -> Starlette:
    """Entry point for `uvicorn --factory`: settings from the `WVH_*` environment.

    A configuration that must not serve customers stops the process (exit status 2)
    with one log line per refusal, not a traceback."""
    try:
        settings = Settings.from_env(os.environ)
    except SettingsError as exc:
        logs.configure("INFO", "text")
        for sentence in str(exc).splitlines():
            logger.critical("cannot start: %s", sentence)
        raise SystemExit(2) from None
    logs.configure(settings.log_level, settings.log_format)
    return create_app(settings)
