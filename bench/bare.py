"""The framework's ceiling: a bare Starlette app answering one constant HTML page.

The page has the size of the host's real shell (`WVH_BENCH_PAGE_BYTES`, measured from
`/shop` at the start of the run) and carries no middleware, session or template work.
With `WVH_BENCH_MIDDLEWARE=1` the same page sits behind the host's own middleware and
log output (access log, metrics, security headers, body deadline): what every request
of ours pays before a view runs.
"""

from __future__ import annotations

import os

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from webview_host.app import middleware
from webview_host.settings import Settings
from webview_host.telemetry import Metrics, logs


def create_app(page_bytes: int, *, host_middleware: bool = False) -> Starlette:
    head = b"<!doctype html><html><head><title>bare</title></head><body><p>"
    tail = b"</p></body></html>"
    page = head + b"x" * max(0, page_bytes - len(head) - len(tail)) + tail

    async def bare_page(request: Request) -> Response:
        return HTMLResponse(page)

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    routes = [Route("/page", bare_page), Route("/healthz", healthz)]
    if not host_middleware:
        return Starlette(routes=routes)
    settings = Settings.from_env(os.environ)
    logs.configure(settings.log_level, settings.log_format)
    return Starlette(routes=routes, middleware=middleware(settings, Metrics()))


def create_app_from_env() -> Starlette:
    return create_app(
        int(os.environ.get("WVH_BENCH_PAGE_BYTES", "4096")),
        host_middleware=os.environ.get("WVH_BENCH_MIDDLEWARE") == "1",
    )
