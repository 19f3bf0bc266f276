"""The framework's ceiling: a bare Starlette app answering one constant HTML page.

The page has the size of the host's real shell (`WVH_BENCH_PAGE_BYTES`, measured from
`/shop` at the start of the run) and carries no middleware, session or template work.
"""

from __future__ import annotations

import os

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route


def create_app(page_bytes: int) -> Starlette:
    head = b"<!doctype html><html><head><title>bare</title></head><body><p>"
    tail = b"</p></body></html>"
    page = head + b"x" * max(0, page_bytes - len(head) - len(tail)) + tail

    async def bare_page(request: Request) -> Response:
        return HTMLResponse(page)

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(routes=[Route("/page", bare_page), Route("/healthz", healthz)])


def create_app_from_env() -> Starlette:
    return create_app(int(os.environ.get("WVH_BENCH_PAGE_BYTES", "4096")))
