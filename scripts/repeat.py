"""Run the e2e suite N times in a row and report how many runs failed (the flake budget).

python scripts/repeat.py 20 .venv/bin/python -m pytest e2e -q

Each run keeps its own artifacts (traces, screenshots, server logs) in
e2e-artifacts/run-N, so a failure in run 3 is still there after run 20.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time


def main() -> int:
    if len(sys.argv) < 3 or not sys.argv[1].isdigit():
        print(__doc__, file=sys.stderr)
        return 2
    runs, command = int(sys.argv[1]), sys.argv[2:]
    failures = 0
    for run in range(1, runs + 1):
        started = time.monotonic()
        folder = f"e2e-artifacts/run-{run}"
        code = subprocess.call(  # noqa: S603 - the caller's own command
            [*command, f"--output={folder}"], env={**os.environ, "WVH_E2E_ARTIFACTS": folder}
        )
        failures += code != 0
        outcome = "ok" if code == 0 else f"FAILED ({code}), artifacts in {folder}"
        print(f"run {run}/{runs}: {outcome} in {time.monotonic() - started:.0f}s", flush=True)
    print(f"{runs - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
