"""Where the host's time goes under load: py-spy samples the host process while wrk (or the
Confirm driver) loads one endpoint, and the samples are summed into named costs.

    .venv/bin/python -m bench.profile [--seconds 6] [--ledger sqlite|postgresql]

Each sample is charged to the innermost named cost on its stack (Jinja2 inside a view
counts as Jinja2), so the shares add up to 100%; worker threads parked on their queue
are left out. Raw stacks stay in bench/results/profile-*.txt (git-ignored) for flame
graphs.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from . import load, wrk
from .flows import Driver, bounded, client_session
from .ledgers import ledger_url
from .report import RESULTS, machine, write_result
from .stack import Stack, python_path_env, started

# Each sample goes to the first cost, walking its stack from the innermost frame out,
# whose substrings match a frame "function (file:line)"; the shares add up to 100.
COSTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("template rendering (Jinja2)", ("jinja2/", "markupsafe/", ".html:", "Jinja2Templates")),
    ("money/locale formatting (babel)", ("babel/",)),
    ("Minted answer parsing (pydantic)", ("pydantic/", "pydantic_core")),
    ("JSON encode/decode", ("json/",)),
    ("signing: sessions, forms (itsdangerous)", ("itsdangerous/", "hmac.py", "base64.py")),
    ("logging (access log + app logs)", ("logging/",)),
    ("form parsing (python-multipart)", ("multipart/", "formparsers.py")),
    ("Minted client: aiohttp transport", ("aiohttp/", "httpx_aiohttp/", "yarl/", "multidict/")),
    ("Minted client: httpx layer", ("httpx/",)),
    ("ledger: PostgreSQL driver (psycopg)", ("psycopg/", "psycopg_pool/")),
    ("ledger: statement (worker thread)", ("backends.py",)),
    ("ledger: to_thread hop (anyio)", ("anyio/to_thread.py", "threading.py", "queue.py")),
    ("our code (views, services, sessions, middleware)", ("webview_host/",)),
    ("starlette (routing, responses, middleware)", ("starlette/",)),
    ("uvicorn (HTTP protocol)", ("uvicorn/",)),
    ("asyncio event loop / other", ("",)),
)


# A worker thread parked on its queue is idle, though py-spy's non-blocking mode samples it.
IDLE = ("Condition.wait (threading.py", "Event.wait (threading.py")


def classify(raw: Path) -> dict[str, Any]:
    total = idle = 0
    counts: collections.Counter[str] = collections.Counter()
    for line in raw.read_text().splitlines():
        stack, _, number = line.rpartition(" ")
        if not number.isdigit():
            continue
        samples = int(number)
        frames = stack.split(";")
        if frames[-1].startswith(IDLE):
            idle += samples
            continue
        total += samples
        counts[_bucket(frames)] += samples
    shares = {label: round(100 * counts[label] / total, 1) for label, _ in COSTS} if total else {}
    ranked = dict(sorted(shares.items(), key=lambda kv: -kv[1]))
    return {"samples": total, "idle_thread_samples": idle, "percent": ranked}


def _bucket(frames: list[str]) -> str:
    for frame in reversed(frames):
        for label, needles in COSTS[:-1]:
            if any(needle in frame for needle in needles):
                return label
    return COSTS[-1][0]


def record(stack: Stack, name: str, seconds: float, load_it: Any) -> dict[str, Any]:
    spy: str = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    raw = RESULTS / f"profile-{name}.txt"
    RESULTS.mkdir(exist_ok=True)
    command = [spy, "record", "--nonblocking", "--rate", "250", "--format", "raw",
               "--duration", str(round(seconds)), "--subprocesses",
               "--output", str(raw), "--pid", str(stack.host.process.pid)]  # fmt: skip
    sampler = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    figures = load_it()
    _, errors = sampler.communicate(timeout=seconds + 30)
    if sampler.returncode != 0:
        raise RuntimeError(f"py-spy failed: {errors.decode(errors='replace')}")
    return {"load": figures, **classify(raw)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6)
    parser.add_argument("--ledger", default="sqlite")
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args(argv)
    out: dict[str, Any] = {"machine": machine(), "ledger": args.ledger, "endpoints": {}}
    c = args.connections
    with ledger_url(args.ledger) as url, started(url, server_env=python_path_env()) as stack:
        shopper = load.shopper_with_item(stack)
        for path in ("/shop", "/api/basket", "/checkout"):
            name = f"{args.ledger}-{path.strip('/').replace('/', '_')}"

            def hit(path: str = path) -> dict[str, Any]:
                return wrk.run(f"{stack.host.url}{path}", connections=c, seconds=args.seconds,
                               headers=shopper.headers, warmup=0).as_dict()  # fmt: skip

            out["endpoints"][f"GET {path}"] = record(stack, name, args.seconds, hit)

        async def prepare(driver: Driver) -> Any:
            shoppers, _ = await bounded(range(1500), 32, lambda _: driver.ready_to_confirm())
            return shoppers

        async def confirm_all(driver: Driver) -> dict[str, Any]:
            _, spent = await bounded(ready, c, driver.confirm)
            return {"confirms": len(ready), "seconds": round(spent, 2)}

        async def with_driver(work: Any) -> Any:
            async with client_session(max(c, 32)) as http:
                return await work(Driver(http, stack.host.url, stack.sandbox.url))

        ready = asyncio.run(with_driver(prepare))
        out["endpoints"]["POST /checkout/complete"] = record(
            stack, f"{args.ledger}-checkout_complete", args.seconds,
            lambda: asyncio.run(with_driver(confirm_all)),
        )  # fmt: skip
    for endpoint, figures in out["endpoints"].items():
        print(f"\n{endpoint}  ({figures['samples']} samples; load {figures['load']})")
        for label, share in figures["percent"].items():
            print(f"  {share:5.1f}%  {label}")
    written = write_result(f"profile-{args.ledger}", out)
    print(f"\nwrote {written}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
