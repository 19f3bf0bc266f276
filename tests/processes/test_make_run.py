"""`make run` (`python -m webview_host.run`) is the one place sandbox mode is the default; its
banner points to the partner-app harness."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile

import httpx

from tests.servers import free_port


def test_make_run_starts_in_sandbox_mode_without_being_told() -> None:
    host_port, sandbox_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("WVH_")}
    env.update(WVH_HOST_PORT=str(host_port), WVH_SANDBOX_PORT=str(sandbox_port))
    with tempfile.TemporaryDirectory() as cwd:
        env["WVH_DATABASE_URL"] = f"sqlite:///{cwd}/ledger.sqlite3"
        process = subprocess.Popen(
            [sys.executable, "-m", "webview_host.run"],
            env=env,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            assert process.stdout is not None
            lines = []
            for line in process.stdout:  # the banner comes once both servers answer
                lines.append(line)
                if "curl -s -X POST" in line or len(lines) > 400:
                    break
            output = "".join(lines)
            assert "(sandbox mode)" in output, output
            harness = f"http://127.0.0.1:{host_port}/dev/partner-app"
            assert harness in output, "the banner points to the partner-app harness (README)"
            assert httpx.get(harness).status_code == 200
            ready = httpx.get(f"http://127.0.0.1:{host_port}/readyz").json()
            assert ready["checks"]["minted"]["ok"], "the host reaches the bundled sandbox"
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
            if process.stdout is not None:
                process.stdout.close()
