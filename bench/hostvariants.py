"""The host with another HTTP transport under its Minted client, to compare upstream paths.

`WVH_BENCH_TRANSPORT` picks it: `default` (what `MintedClient` builds itself:
`MintedTransport`, aiohttp's pool), `httpx` (httpx's own httpcore transport with its
default limits, as before), `httpx-pool` (the same with explicit limits sized like ours),
`httpx-aiohttp` (that package's transport as it comes), or `httpx2` (the whole process on
the httpx2 fork, through its import alias, with its default transport). Served with
`uvicorn --factory bench.hostvariants:create_app_from_env`.
"""

from __future__ import annotations

import os

VARIANT = os.environ.get("WVH_BENCH_TRANSPORT", "default")
if VARIANT == "httpx2":
    import httpx2

    httpx2.alias_httpx()  # before anything imports httpx

import logging  # noqa: E402 - after the optional alias

import httpx  # noqa: E402
from starlette.applications import Starlette  # noqa: E402

from webview_host import app as host_app  # noqa: E402
from webview_host.settings import Settings  # noqa: E402

POOL = int(os.environ.get("WVH_BENCH_POOL", "100"))
KEEPALIVE = float(os.environ.get("WVH_BENCH_KEEPALIVE", "5"))


def transport() -> httpx.AsyncBaseTransport | None:
    limits = httpx.Limits(
        max_connections=POOL, max_keepalive_connections=POOL, keepalive_expiry=KEEPALIVE
    )
    if VARIANT in ("default", "httpx2"):
        return None
    if VARIANT == "httpx":
        return httpx.AsyncHTTPTransport()
    if VARIANT == "httpx-pool":
        return httpx.AsyncHTTPTransport(limits=limits)
    if VARIANT == "httpx-aiohttp":
        from httpx_aiohttp import AiohttpTransport

        return AiohttpTransport(limits=limits)
    raise SystemExit(f"WVH_BENCH_TRANSPORT={VARIANT!r} is not a known variant.")


def create_app_from_env() -> Starlette:
    settings = Settings.from_env(os.environ)
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    return host_app.create_app(settings, minted_transport=transport())
