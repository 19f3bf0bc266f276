"""Speed of the host's main requests, as ratios against GET /healthz in the same run.

In-process (TestClient, the sandbox behind httpx.ASGITransport, a temporary
SQLite ledger; PostgreSQL too when reachable), so the figures measure our
code, not a network. Each figure is the median of several rounds; ratios are
what to compare between commits, since absolute times depend on the machine.

    make bench            # or: .venv/bin/python bench/run.py [--rounds 5] [--n 200]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
from starlette.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.helpers import POSTGRES_URL, customer_payload, make_sandbox_settings, make_settings
from webview_host.app import create_app
from webview_host.sandbox.app import create_app as create_sandbox

AUTH = {"Authorization": "Bearer dev-partner-key"}


def per_call(fn: Callable[[], object], n: int, rounds: int) -> float:
    """Median over `rounds` of the mean seconds per call of `fn`."""
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(n):
            fn()
        samples.append((time.perf_counter() - started) / n)
    return statistics.median(samples)


def enter(client: TestClient) -> str:
    launch = client.post("/api/v1/launches", json={"customer": customer_payload()}, headers=AUTH)
    client.post(launch.json()["launch_url"].removeprefix("http://127.0.0.1:8000"))
    match = re.search(r"\?token=([A-Za-z0-9]+)", client.get("/shop").text)
    assert match
    return match.group(1)


def bench_backend(database_url: str, n: int, rounds: int) -> dict[str, float]:
    sandbox = create_sandbox(make_sandbox_settings())
    settings = make_settings(database_url=database_url)
    app = create_app(settings, minted_transport=httpx.ASGITransport(app=sandbox))
    results: dict[str, float] = {}
    with TestClient(app, base_url="http://127.0.0.1:8000", follow_redirects=False) as client:
        token = enter(client)
        store = sandbox.state.store
        store.set_quantity(store.customer_for_token(token), "MNT0001", 1)
        results["GET /healthz (baseline)"] = per_call(lambda: client.get("/healthz"), n, rounds)
        results["GET /api/basket"] = per_call(lambda: client.get("/api/basket"), n, rounds)
        results["GET /checkout"] = per_call(lambda: client.get("/checkout"), n, rounds)

        def launch_and_enter() -> None:
            fresh = client.post("/api/v1/launches", json={"customer": customer_payload()},
                                headers=AUTH)  # fmt: skip
            client.post(fresh.json()["launch_url"].removeprefix("http://127.0.0.1:8000"))

        results["launch + exchange"] = per_call(launch_and_enter, max(10, n // 4), rounds)

        def buy() -> None:
            token = enter(client)
            store.set_quantity(store.customer_for_token(token), "MNT0001", 1)
            page = client.get("/checkout").text
            form = {k: re.search(rf'name="{k}" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
                    for k in ("csrf", "basket")}  # fmt: skip
            done = client.post("/checkout/complete", data=form,
                               headers={"Origin": "http://127.0.0.1:8000"})  # fmt: skip
            assert done.status_code == 303

        results["whole purchase (launch to order)"] = per_call(buy, max(5, n // 10), rounds)
    return results


def postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(POSTGRES_URL, connect_timeout=2):
            return True
    except Exception:
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="calls per round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    backends = {"sqlite": f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"}
    if postgres_available():
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        import psycopg

        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        backends["postgresql"] = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    else:
        schema = ""
    try:
        for name, url in backends.items():
            results = bench_backend(url, args.n, args.rounds)
            baseline = results["GET /healthz (baseline)"]
            print(f"\nledger: {name}  (median of {args.rounds} rounds)")
            print(f"  {'request':36} {'ratio':>8} {'ms/call':>9}")
            for label, seconds in results.items():
                print(f"  {label:36} {seconds / baseline:8.1f} {seconds * 1000:9.2f}")
    finally:
        if schema:
            import psycopg

            with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
