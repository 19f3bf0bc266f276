"""The ledger's database hop: today's `anyio.to_thread` + synchronous psycopg pool (and
SQLite) against psycopg 3's native `AsyncConnectionPool`, on the statement shape of a
Confirm (look up by key, claim with INSERT ... ON CONFLICT DO NOTHING RETURNING, then a
compare-and-set UPDATE ... RETURNING). A prototype to measure, not the ledger's code.

    .venv/bin/python -m bench.ledger_async [--operations 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from anyio import to_thread
from psycopg_pool import AsyncConnectionPool

from webview_host.ledger.backends import open_backend

from .flows import bounded
from .ledgers import ledger_url
from .report import machine, write_result

TABLE = """CREATE TABLE IF NOT EXISTS hop (
    key TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at DOUBLE PRECISION NOT NULL)"""
STEPS = (
    "SELECT key, state FROM hop WHERE key = ?",
    "INSERT INTO hop (key, state, updated_at) VALUES (?, 'pending', ?) "
    "ON CONFLICT (key) DO NOTHING RETURNING key",
    "UPDATE hop SET state = 'completed', updated_at = ? WHERE key = ? AND state = 'pending' "
    "RETURNING key",
)
Execute = Callable[[str, Sequence[Any]], Awaitable[Any]]


async def confirm_shape(execute: Execute) -> None:
    key = uuid.uuid4().hex
    await execute(STEPS[0], (key,))
    await execute(STEPS[1], (key, time.time()))
    await execute(STEPS[2], (time.time(), key))


async def measure(execute: Execute, operations: int, concurrency: int) -> float:
    _, seconds = await bounded(range(operations), concurrency, lambda _: confirm_shape(execute))
    return round(operations / seconds, 1)


async def through_thread(url: str, operations: int, levels: Sequence[int]) -> dict[str, float]:
    backend = open_backend(url)
    backend.execute(TABLE)

    async def execute(sql: str, params: Sequence[Any]) -> Any:
        return await to_thread.run_sync(backend.execute, sql, params)

    try:
        return {f"c{c}": await measure(execute, operations, c) for c in levels}
    finally:
        backend.close()


async def native_async(url: str, operations: int, levels: Sequence[int]) -> dict[str, float]:
    async with AsyncConnectionPool(
        url, min_size=1, max_size=10, kwargs={"autocommit": True}, open=False
    ) as pool:
        await pool.wait(timeout=10)

        async def execute(sql: str, params: Sequence[Any]) -> Any:
            async with pool.connection() as conn:
                cursor = await conn.execute(sql.replace("?", "%s"), params)
                return await cursor.fetchall() if cursor.description else []

        await execute(TABLE, ())
        return {f"c{c}": await measure(execute, operations, c) for c in levels}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--operations", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    levels = (1, 64)
    runs: dict[str, list[dict[str, float]]] = {}
    variants = (
        ("sqlite via to_thread", "sqlite", through_thread),
        ("postgresql via to_thread (sync pool, today)", "postgresql", through_thread),
        ("postgresql native async pool", "postgresql", native_async),
    )
    for _ in range(args.rounds):  # interleaved, so machine load hits every variant alike
        for name, kind, how in variants:
            with ledger_url(kind) as url:
                runs.setdefault(name, []).append(asyncio.run(how(url, args.operations, levels)))
    figures = {
        name: {level: statistics.median(r[level] for r in rows) for level in rows[0]}
        for name, rows in runs.items()
    }
    print(f"{'Confirm-shaped ledger operations (3 statements) per second':60} {'c1':>8} {'c64':>8}")
    for name, row in figures.items():
        print(f"{name:60} {row['c1']:8.0f} {row['c64']:8.0f}")
    path = write_result("ledger-hop", {"machine": machine(), "figures": figures, "runs": runs})
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
