"""`make run`: the host and, in sandbox mode, the Minted sandbox, as two uvicorn processes.

Both bind 127.0.0.1 (ports `WVH_HOST_PORT`, `WVH_SANDBOX_PORT`), so they are two
origins, as in production. Prints the URLs and a ready-to-paste launch `curl`.
Ctrl-C stops both; if either dies, the other is stopped too.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from typing import NoReturn

from .cli import settings_from_env
from .settings import Settings

SAMPLE_CUSTOMER = (
    '{"customer": {"external_id": "demo-customer-1", "firstname": "Ayşe", '
    '"lastname": "Yılmaz", "email": "ayse@example.com", "phone": "+905330000000", '
    '"gender": "F", "identity_number": "10000000146", "birthdate": "1990-01-31"}, '
    '"locale": "en"}'
)


def uvicorn_command(factory: str, port: int, python: str = sys.executable) -> list[str]:
    """Serve one of our app factories on a loopback port, without uvicorn's access log
    (ours names routes, not paths)."""
    return [python, "-m", "uvicorn", "--factory", factory, "--host", "127.0.0.1",
            "--port", str(port), "--no-access-log"]  # fmt: skip


def _uvicorn(factory: str, port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(uvicorn_command(factory, port))  # noqa: S603 - our own module


def wait_ready(
    url: str,
    process: subprocess.Popen[bytes],
    seconds: float = 20,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> bool:
    """Poll `url` until it answers 200, the process exits, or `seconds` pass."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return True
        except OSError:  # not listening yet, or an HTTP error status
            pass
        sleep(0.2)
    return False


def main() -> int:
    # `make run` is the development launcher: sandbox mode unless told otherwise. The
    # production entry point (`uvicorn --factory ...create_app_from_env`) has no such default.
    settings = settings_from_env(sandbox=True)
    if settings is None:
        return 2
    processes: list[subprocess.Popen[bytes]] = []
    if settings.sandbox_mode:
        sandbox = _uvicorn("webview_host.sandbox.app:create_app_from_env", settings.sandbox_port)
        processes.append(sandbox)
        if not wait_ready(f"http://127.0.0.1:{settings.sandbox_port}/healthz", sandbox):
            print("The Minted sandbox did not start; see its output above.", file=sys.stderr)
            return stop(processes, 1)
    host = _uvicorn("webview_host.app:create_app_from_env", settings.host_port)
    processes.append(host)
    if not wait_ready(f"http://127.0.0.1:{settings.host_port}/healthz", host):
        print("webview-host did not start; see its output above.", file=sys.stderr)
        return stop(processes, 1)
    _banner(settings)
    signal.signal(signal.SIGTERM, lambda *_: _exit(stop(processes, 0)))
    try:
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        return stop(processes, 0)
    return stop(processes, 1)


def _banner(settings: Settings) -> None:
    lines = [
        "",
        f"  webview-host   {settings.public_url}",
    ]
    if settings.sandbox_mode:
        key = settings.partner_keys[0].reveal()
        lines += [
            f"  Minted sandbox http://127.0.0.1:{settings.sandbox_port}  (sandbox mode)",
            f"  Partner app    {settings.public_url}/dev/partner-app  (harness: launch, buy, "
            "watch the bridge events)",
            "",
            "  Create a launch link, then open launch_url in a browser:",
            "",
            f"  curl -s -X POST {settings.public_url}/api/v1/launches \\",
            f"    -H 'Authorization: Bearer {key}' -H 'Content-Type: application/json' \\",
            f"    -d '{SAMPLE_CUSTOMER}'",
        ]
    else:
        lines.append(f"  Minted         {settings.minted_base_url}")
    lines += [
        "",
        f"  Webhooks       {settings.webhook_url or 'off (set WVH_WEBHOOK_URL)'}",
        f"  Metrics        {settings.public_url}/metrics ({settings.metrics})",
    ]
    print("\n".join(lines) + "\n", flush=True)


def stop(processes: list[subprocess.Popen[bytes]], code: int) -> int:
    """Terminate, wait, then kill what is left; returns `code` for the caller to exit with."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return code


def _exit(code: int) -> NoReturn:
    raise SystemExit(code)


if __name__ == "__main__":
    raise SystemExit(main())
