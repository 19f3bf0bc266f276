"""The server stack: uvicorn on asyncio + h11 against uvloop + httptools (what uvicorn picks
when both are installed), and the production command with several workers.

Each configuration runs its own sandbox, host and bare page at once; rounds interleave
the configurations so that a change in machine load hits them all alike.

    .venv/bin/python -m bench.serverstack [--rounds 3] [--seconds 3] [--workers 2]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile

from . import load, wrk
from .report import machine, write_result
from .stack import bare_app, python_path_env, started

CONNECTIONS = (1, 64)


def configurations(workers: int) -> dict[str, dict[str, str]]:
    return {
        "asyncio+h11": {"UVICORN_LOOP": "asyncio", "UVICORN_HTTP": "h11"},
        "uvloop+httptools": {"UVICORN_LOOP": "uvloop", "UVICORN_HTTP": "httptools"},
        f"uvloop+httptools, {workers} workers": {
            "UVICORN_LOOP": "uvloop",
            "UVICORN_HTTP": "httptools",
            "UVICORN_WORKERS": str(workers),
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default="", help="default: a fresh SQLite file each")
    args = parser.parse_args(argv)
    samples: dict[str, list[wrk.Load]] = {}
    with contextlib.ExitStack() as stack:
        targets = []
        for name, env in configurations(args.workers).items():
            # Workers apply to the host only: the sandbox keeps its state in one process.
            host_env = {k: v for k, v in env.items() if k == "UVICORN_WORKERS"}
            server_env = {
                **python_path_env(),
                **{k: v for k, v in env.items() if k not in host_env},
            }
            url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/ledger.sqlite3"
            running = stack.enter_context(started(url, server_env=server_env, host_env=host_env))
            shopper = load.shopper_with_item(running)
            page = load.shell_weight(running, shopper)["html_bytes"]
            # The bare page runs one process: it is the one-process ceiling.
            bare = stack.enter_context(bare_app(page, server_env))
            targets += [
                (name, "bare page", f"{bare.url}/page", {}),
                (name, "/shop", f"{running.host.url}/shop", shopper.headers),
                (name, "/api/basket", f"{running.host.url}/api/basket", shopper.headers),
            ]
        for round_ in range(args.rounds):
            for connections in CONNECTIONS:
                for name, what, url, headers in targets:
                    result = wrk.run(url, connections=connections, seconds=args.seconds,
                                     headers=headers)  # fmt: skip
                    samples.setdefault(f"{name} | {what} | c{connections}", []).append(result)
            print(f"round {round_ + 1}/{args.rounds} done", file=sys.stderr)
    figures = {
        key: {
            "rps": round(statistics.median(r.rps for r in runs), 1),
            "p50_ms": round(statistics.median(r.p50_ms for r in runs), 3),
            "p99_ms": round(statistics.median(r.p99_ms for r in runs), 3),
            "errors": sum(r.errors for r in runs),
        }
        for key, runs in samples.items()
    }
    print(
        f"\n{'configuration | request | connections':58} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7}"
    )
    for key, row in figures.items():
        print(f"{key:58} {row['rps']:8.0f} {row['p50_ms']:7.2f} {row['p99_ms']:7.1f}")
    path = write_result("serverstack", {"machine": machine(), "rounds": args.rounds,
                                        "figures": figures})  # fmt: skip
    print(f"\nwrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
