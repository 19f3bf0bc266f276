"""Measure the abuse limits from one client against a real host process (default limits):
how many guesses get an answer, how fast 429s come back, and the Retry-After given.

    .venv/bin/python scripts/measure_limits.py [requests] [redis]

With `redis`, the limits live in Redis at 127.0.0.1:6379 (a fresh key prefix).
"""

from __future__ import annotations

import collections
import secrets
import sys
import tempfile
import time

import httpx

from tests.helpers import customer_payload
from tests.servers import stack


def burst(
    client: httpx.Client, send, count: int
) -> tuple[collections.Counter[int], float, set[str]]:
    statuses: collections.Counter[int] = collections.Counter()
    retry_after: set[str] = set()
    started = time.perf_counter()
    for _ in range(count):
        response = send(client)
        statuses[response.status_code] += 1
        if response.status_code == 429:
            retry_after.add(response.headers["retry-after"])
    return statuses, time.perf_counter() - started, retry_after


def main(count: int, redis: bool) -> None:
    extra: dict[str, str] = {}
    if redis:
        extra = {
            "WVH_REDIS_URL": "redis://127.0.0.1:6379/0",
            "WVH_REDIS_KEY_PREFIX": f"wvh-measure-{secrets.token_hex(4)}",
        }
    with (
        tempfile.TemporaryDirectory() as data,
        stack(f"sqlite:///{data}/l.sqlite3", **extra) as (_, host),
        httpx.Client(base_url=host.url) as client,
    ):
        cases = {
            "launch code guesses (GET /launch/{code})": lambda c: c.get(
                f"/launch/{secrets.token_urlsafe(16)}"
            ),
            "wrong partner keys (POST /api/v1/launches)": lambda c: c.post(
                "/api/v1/launches",
                json={"customer": customer_payload()},
                headers={"Authorization": f"Bearer {secrets.token_urlsafe(32)}"},
            ),
        }
        for name, send in cases.items():
            statuses, seconds, retry = burst(client, send, count)
            waits = sorted(retry, key=int)
            print(
                f"{name}: {count} requests in {seconds:.1f}s ({count / seconds:.0f}/s); "
                f"statuses {dict(sorted(statuses.items()))}; Retry-After "
                f"{waits[0] if waits else '-'}..{waits[-1] if waits else '-'} s"
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000, sys.argv[2:] == ["redis"])
