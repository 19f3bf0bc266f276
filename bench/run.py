"""`make bench`: the host, the Minted sandbox and a bare Starlette page as real servers under
load, on the SQLite and the PostgreSQL ledger; figures as ratios to baselines measured in
the same run, the issue-9 targets as pass/miss, and the same figures as JSON under
bench/results/. A second, in-process section times our code with no network.

    .venv/bin/python -m bench.run [--seconds 4] [--ledgers sqlite,postgresql] [--quick]
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from . import inprocess, load
from .ledgers import ledger_url
from .report import machine, write_result
from .stack import bare_app, python_path_env, started
from .targets import evaluate, print_ledger, print_targets


def measure_ledger(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    server_env = python_path_env()
    with ledger_url(kind) as url, started(url, server_env=server_env) as stack:
        shopper = load.shopper_with_item(stack)
        figures: dict[str, Any] = {"shell": load.shell_weight(stack, shopper)}
        step("sessions and RSS")
        figures["sessions"] = load.sessions_and_rss(stack, args.sessions, connections=64)
        page_bytes = figures["shell"]["html_bytes"]
        with (
            bare_app(page_bytes, server_env) as bare,
            bare_app(page_bytes, server_env, host_env=stack.env) as guarded,
        ):
            step("/shop against the bare page")
            figures["shop_vs_bare"] = load.compare(
                f"{stack.host.url}/shop", f"{bare.url}/page",
                headers=shopper.headers, seconds=args.seconds,
            )  # fmt: skip
            step("the bare page behind the host's middleware")
            figures["middleware_vs_bare"] = load.compare(
                f"{guarded.url}/page", f"{bare.url}/page", headers={}, seconds=args.seconds
            )
        step("/api/basket against Get Active Basket on the sandbox")
        figures["basket_vs_sandbox"] = load.compare(
            f"{stack.host.url}/api/basket",
            f"{stack.sandbox.url}/partner/ecom/getActiveBasket",
            headers=shopper.headers,
            baseline_headers=load.sandbox_basket_headers(shopper),
            seconds=args.seconds,
        )
        step("Confirm to order")
        figures["confirm"] = {
            f"c{c}": load.confirm_throughput(stack, baskets, c)
            for c, baskets in ((1, args.baskets // 5), (64, args.baskets))
        }
        figures["host_rss_after_run"] = stack.host_rss()
    return figures


def step(what: str) -> None:
    print(f"  .. {what}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2, help="per wrk run (3 rounds each)")
    parser.add_argument("--ledgers", default="sqlite,postgresql")
    parser.add_argument("--baskets", type=int, default=600, help="Confirms at 64 connections")
    parser.add_argument("--quick", action="store_true", help="fewer sessions and baskets")
    parser.add_argument("--no-inprocess", action="store_true")
    args = parser.parse_args(argv)
    args.sessions = (100, 1000) if args.quick else (1000, 10000)
    if args.quick:
        args.baskets = min(args.baskets, 200)
        args.seconds = min(args.seconds, 1)
    before = machine()
    print(f"machine: {before['cpus']} x {before['cpu']}, Python {before['python']}")
    print(f"load before: {before['uptime']}")
    result: dict[str, Any] = {"machine": before, "ledgers": {}}
    for kind in args.ledgers.split(","):
        print(f"ledger {kind}: measuring", file=sys.stderr, flush=True)
        result["ledgers"][kind] = measure_ledger(kind, args)
    result["machine_after"] = machine()
    for kind, figures in result["ledgers"].items():
        print_ledger(kind, figures)
    result["targets"] = evaluate(result["ledgers"])
    print_targets(result["targets"])
    print(f"\nload after: {result['machine_after']['uptime']}")
    if not args.no_inprocess:
        print("\nin-process (TestClient, sandbox behind httpx.ASGITransport; our code, no network)")
        result["inprocess"] = inprocess.run(args.ledgers.split(","))
    path = write_result("bench", result)
    print(f"\nwrote {path.relative_to(path.parent.parent.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
