"""Run a command N times in a row and report how many runs failed (the flake budget).

python scripts/repeat.py 20 .venv/bin/python -m pytest e2e -q
"""

from __future__ import annotations

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
        code = subprocess.call(command)  # noqa: S603 - the caller's own command
        failures += code != 0
        print(
            f"run {run}/{runs}: {'ok' if code == 0 else f'FAILED ({code})'} "
            f"in {time.monotonic() - started:.0f}s",
            flush=True,
        )
    print(f"{runs - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
