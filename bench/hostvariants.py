"""The host with another HTTP transport under its Minted client, to compare upstream paths.

`WVH_BENCH_TRANSPORT` picks it: `default` (what `MintedClient` builds itself),
`httpx-pool` (httpx's own transport with explicit pool limits), `httpx-aiohttp`
(aiohttp's connection pool behind the same `httpx.AsyncClient`), or `httpx2` (the whole
process on the httpx2 fork, through its import alias). Served with
`uvicorn --factory bench.hostvariants:create_app_from_env`.
"""

from __future__ import annotations

import os

VARIANT = os.environ.get("WVH_BENCH_TRANSPORT", "default")
if VARIANT == "httpx2":
    import httpx2

    httpx2.alias_httpx()  # before anything imports httpx

import httpx  # noqa: E402 - after the optional alias
from starlette.applications import Starlette  # noqa: E402

from webview_host import app as host_app  # noqa: E402
from webview_host.settings import Settings  # noqa: E402

POOL = int(os.environ.get("WVH_BENCH_POOL", "100"))
KEEPALIVE = float(os.environ.get("WVH_BENCH_KEEPALIVE", "30"))


def transport() -> httpx.AsyncBaseTransport | None:
    limits = httpx.Limits(
        max_connections=POOL, max_keepalive_connections=POOL, keepalive_expiry=KEEPALIVE
    )
    if VARIANT in ("default", "httpx2"):
        return None
    if VARIANT == "httpx-pool":
        return httpx.AsyncHTTPTransport(limits=limits)
    if VARIANT == "httpx-aiohttp":
        from httpx_aiohttp import AiohttpTransport

        return AiohttpTransport(limits=limits)
    raise SystemExit(f"WVH_BENCH_TRANSPORT={VARIANT!r} is not a known variant.")


def create_app_from_env() -> Starlette:
    settings = Settings.from_env(os.environ)
    import logging

    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    return host_app.create_app(settings, minted_transport=transport())
