"""The upstream path: `/api/basket` through each HTTP transport variant, against the sandbox
answering Get Active Basket directly, at 1, 8 and 64 connections.

One sandbox, one host per variant (`bench/hostvariants.py`), all running at once; the
rounds interleave variants so that a change in machine load hits them all alike.

    .venv/bin/python -m bench.upstream [--rounds 3] [--seconds 3] [--variants a,b]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import tempfile
from typing import Any

from tests.servers import SANDBOX_FACTORY, free_port, running, stack_env

from . import load, wrk
from .report import machine, write_result
from .stack import NO_LIMITS, Stack, python_path_env

VARIANTS = ("httpx", "httpx-pool", "httpx2", "httpx-aiohttp", "default")
LEVELS = (1, 8, 64)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument(
        "--server-env", default="", help="e.g. UVICORN_LOOP=asyncio,UVICORN_HTTP=h11"
    )
    args = parser.parse_args(argv)
    variants = args.variants.split(",")
    server_env = python_path_env()
    server_env.update(kv.split("=", 1) for kv in args.server_env.split(",") if kv)
    samples: dict[str, dict[int, list[wrk.Load]]] = {
        name: {c: [] for c in LEVELS} for name in ["sandbox-direct", *variants]
    }
    sandbox_port = free_port()
    with contextlib.ExitStack() as stack:
        hosts = {}
        sandbox_env = {**stack_env(free_port(), sandbox_port), **server_env}
        sandbox = stack.enter_context(
            running("sandbox", SANDBOX_FACTORY, sandbox_env, sandbox_port)
        )
        for name in variants:
            port = free_port()
            env = {**stack_env(port, sandbox_port, **server_env), **NO_LIMITS}
            env["WVH_DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/ledger.sqlite3"
            env["WVH_BENCH_TRANSPORT"] = name
            hosts[name] = stack.enter_context(
                running(f"host-{name}", "bench.hostvariants:create_app_from_env", env, port)
            )
        first = next(iter(hosts.values()))
        # Every host signs with the same development key, so one session works on all.
        shopper = load.shopper_with_item(Stack(sandbox, first, "", env))
        direct = f"{sandbox.url}/partner/ecom/getActiveBasket"
        for round_ in range(args.rounds):
            for connections in LEVELS:
                targets = [("sandbox-direct", direct, load.sandbox_basket_headers(shopper))]
                targets += [(n, f"{h.url}/api/basket", shopper.headers) for n, h in hosts.items()]
                for name, url, headers in targets:
                    result = wrk.run(url, connections=connections, seconds=args.seconds,
                                     headers=headers)  # fmt: skip
                    samples[name][connections].append(result)
            print(f"round {round_ + 1}/{args.rounds} done", file=sys.stderr)
    figures = summarise(samples)
    print_table(figures)
    path = write_result("upstream", {"machine": machine(), "server_env": server_env,
                                     "rounds": args.rounds, "figures": figures})  # fmt: skip
    print(f"\nwrote {path}")
    return 0


def summarise(samples: dict[str, dict[int, list[wrk.Load]]]) -> dict[str, Any]:
    """Medians over rounds, and each variant's ratio to the sandbox-direct median."""
    out: dict[str, Any] = {}
    for name, levels in samples.items():
        out[name] = {}
        for connections, runs in levels.items():
            out[name][f"c{connections}"] = {
                "rps": round(statistics.median(r.rps for r in runs), 1),
                "p50_ms": round(statistics.median(r.p50_ms for r in runs), 3),
                "p99_ms": round(statistics.median(r.p99_ms for r in runs), 3),
                "errors": sum(r.errors for r in runs),
            }
    direct = out["sandbox-direct"]
    for levels in out.values():
        for level, figures in levels.items():
            figures["ratio"] = round(figures["rps"] / direct[level]["rps"], 3)
            figures["added_p50_ms"] = round(figures["p50_ms"] - direct[level]["p50_ms"], 3)
    return out


def print_table(figures: dict[str, Any]) -> None:
    print(
        f"\n{'upstream path':16}"
        + "".join(f"{f'c{c}: req/s  ratio  p50  p99':>34}" for c in LEVELS)
    )
    for name, levels in figures.items():
        cells = "".join(
            f"{levels[f'c{c}']['rps']:>14.0f} {levels[f'c{c}']['ratio']:>6.3f} "
            f"{levels[f'c{c}']['p50_ms']:>5.2f} {levels[f'c{c}']['p99_ms']:>6.1f}"
            for c in LEVELS
        )
        print(f"{name:16}{cells}")
    print(json.dumps({"note": "ms; ratio = req/s over sandbox-direct req/s at the same level"}))


if __name__ == "__main__":
    raise SystemExit(main())
