"""Drive one URL with wrk (Debian's package, installed by scripts/ensure-wrk.sh)."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).with_name("wrk_report.lua")


@dataclass(frozen=True)
class Load:
    """What one wrk run measured: throughput and latency in milliseconds."""

    connections: int
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    errors: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def wrk_binary() -> str:
    found = shutil.which(os.environ.get("WVH_BENCH_WRK", "wrk"))
    if found is None:
        raise SystemExit("wrk is missing: run scripts/ensure-wrk.sh (make bench does).")
    return found


def run(
    url: str,
    *,
    connections: int,
    seconds: float,
    headers: Mapping[str, str] | None = None,
    warmup: float = 1.0,
) -> Load:
    """`connections` keep-alive connections for `seconds` (after a short warm-up run)."""
    threads = min(connections, 2)
    env = {**os.environ, "WRK_HEADERS": "\n".join(f"{k}: {v}" for k, v in (headers or {}).items())}

    def once(duration: float) -> dict[str, Any]:
        command = [wrk_binary(), "-t", str(threads), "-c", str(connections),
                   "-d", f"{max(1, round(duration))}s", "--timeout", "10s",
                   "-s", str(SCRIPT), url]  # fmt: skip
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        for line in done.stdout.splitlines():
            if line.startswith("WRK_JSON "):
                parsed: dict[str, Any] = json.loads(line.removeprefix("WRK_JSON "))
                return parsed
        raise RuntimeError(f"wrk printed no report:\n{done.stdout}\n{done.stderr}")

    if warmup > 0:
        once(warmup)
    report = once(seconds)
    if any(report["errors"].values()):
        # A 429 or a 5xx answers fast: a run with any is no measure of the work.
        raise RuntimeError(f"wrk on {url} saw errors (non-2xx/3xx, sockets): {report['errors']}")
    elapsed = report["duration_us"] / 1e6
    latency = report["latency_us"]
    return Load(
        connections=connections,
        requests=report["requests"],
        seconds=round(elapsed, 2),
        rps=round(report["requests"] / elapsed, 1),
        p50_ms=latency["p50"] / 1000,
        p90_ms=latency["p90"] / 1000,
        p99_ms=latency["p99"] / 1000,
        errors=sum(report["errors"].values()),
    )


def median(runs: list[Load]) -> Load:
    """Each figure's median over several runs of the same load."""

    def mid(values: list[float]) -> float:
        return round(statistics.median(values), 3)

    return Load(
        connections=runs[0].connections,
        requests=sum(r.requests for r in runs),
        seconds=round(sum(r.seconds for r in runs), 2),
        rps=mid([r.rps for r in runs]),
        p50_ms=mid([r.p50_ms for r in runs]),
        p90_ms=mid([r.p90_ms for r in runs]),
        p99_ms=mid([r.p99_ms for r in runs]),
        errors=sum(r.errors for r in runs),
    )
