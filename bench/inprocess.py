"""Our code alone: each request in-process (Starlette's TestClient, the sandbox behind
`httpx.ASGITransport`), as milliseconds per call and as a ratio to GET /healthz.

No sockets, no server, no load generator: what a profiler sees when it looks at the
views, sessions, templates and ledger. Medians of a few rounds.
"""

from __future__ import annotations

import logging
import re
import statistics
import time
from collections.abc import Callable
from typing import Any

import httpx
from starlette.testclient import TestClient

from tests.helpers import confirm_fields
from webview_host.app import create_app
from webview_host.sandbox.app import create_app as create_sandbox
from webview_host.sandbox.settings import SandboxSettings
from webview_host.settings import Settings

from .flows import PARTNER_KEY, SKU, customer
from .ledgers import ledger_url

HOST = "http://127.0.0.1:8000"


def settings(**extra: str) -> Settings:
    limits = {f"WVH_LIMIT_{name}": "off" for name in ("LAUNCH", "BASKET", "CONFIRM", "PARTNER")}
    return Settings.from_env({"WVH_SANDBOX": "1", "WVH_PUBLIC_URL": HOST, **limits, **extra})


def per_call(fn: Callable[[], object], n: int, rounds: int) -> float:
    """Median over `rounds` of the mean seconds per call of `fn`."""
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(n):
            fn()
        samples.append((time.perf_counter() - started) / n)
    return statistics.median(samples)


def measure(database_url: str, n: int, rounds: int) -> dict[str, float]:
    sandbox = create_sandbox(SandboxSettings.from_env({"WVH_SANDBOX": "1", "WVH_PUBLIC_URL": HOST}))
    store = sandbox.state.store
    app = create_app(
        settings(WVH_DATABASE_URL=database_url), minted_transport=httpx.ASGITransport(sandbox)
    )
    results: dict[str, float] = {}
    with TestClient(app, base_url=HOST, follow_redirects=False) as client:

        def enter() -> str:
            launch = client.post("/api/v1/launches", json={"customer": customer()},
                                 headers={"Authorization": f"Bearer {PARTNER_KEY}"})  # fmt: skip
            client.post(launch.json()["launch_url"].removeprefix(HOST))  # the page's POST
            match = re.search(r"\?token=([A-Za-z0-9]+)", client.get("/shop").text)
            assert match
            store.set_quantity(store.customer_for_token(match.group(1)), SKU, 1)
            return match.group(1)

        def buy() -> None:
            enter()
            form = confirm_fields(client.get("/checkout").text)
            done = client.post("/checkout/complete", data=form, headers={"Origin": HOST})
            assert done.status_code == 303

        enter()
        results["GET /healthz (baseline)"] = per_call(lambda: client.get("/healthz"), n, rounds)
        results["GET /shop"] = per_call(lambda: client.get("/shop"), n, rounds)
        results["GET /api/basket"] = per_call(lambda: client.get("/api/basket"), n, rounds)
        results["GET /checkout"] = per_call(lambda: client.get("/checkout"), n, rounds)
        results["launch + exchange + shell"] = per_call(enter, max(10, n // 4), rounds)
        results["whole purchase (launch to order)"] = per_call(buy, max(5, n // 10), rounds)
    return results


def run(ledgers: list[str], n: int = 100, rounds: int = 3) -> dict[str, Any]:
    # The apps' own log lines (sandbox mode, every request) would drown the table.
    logging.getLogger("webview_host").setLevel(logging.ERROR)
    out: dict[str, Any] = {}
    for kind in ledgers:
        with ledger_url(kind) as url:
            results = measure(url, n, rounds)
        baseline = results["GET /healthz (baseline)"]
        print(f"\nledger: {kind}  (median of {rounds} rounds)")
        print(f"  {'request':36} {'ratio':>8} {'ms/call':>9}")
        for label, seconds in results.items():
            print(f"  {label:36} {seconds / baseline:8.1f} {seconds * 1000:9.2f}")
        out[kind] = {label: round(seconds * 1000, 3) for label, seconds in results.items()}
    return out
