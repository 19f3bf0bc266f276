"""Real server processes for tests: free loopback ports, readiness polling, clean teardown.

A process's output goes to a log file; `Server.output()` returns it so a
failing test can show what the server said.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path

import httpx

from tests.helpers import confirm_fields, customer_payload, open_launch
from webview_host.run import uvicorn_command

PARTNER_AUTH = {"Authorization": "Bearer dev-partner-key"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """One uvicorn process serving one of our app factories (or `command`, a process that
    serves one on `port`)."""

    def __init__(
        self,
        name: str,
        factory: str,
        port: int,
        env: Mapping[str, str],
        *,
        python: str = sys.executable,
        cwd: Path | None = None,
        command: list[str] | None = None,
    ) -> None:
        self.name = name
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = Path(tempfile.mkstemp(prefix=f"wvh-{name}-", suffix=".log")[1])
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(  # noqa: S603 - our interpreter, our module
            command or uvicorn_command(factory, port, python),
            env={**os.environ, **env},
            cwd=cwd,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def output(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, path: str = "/healthz", timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited early:\n{self.output()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.url + path, timeout=1).status_code == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} not ready after {timeout}s:\n{self.output()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


@contextlib.contextmanager
def running(
    name: str,
    factory: str,
    env: Mapping[str, str],
    port: int | None = None,
    *,
    python: str = sys.executable,
    cwd: Path | None = None,
    command: list[str] | None = None,
) -> Iterator[Server]:
    server = Server(
        name, factory, port or free_port(), env, python=python, cwd=cwd, command=command
    )
    try:
        server.wait_ready()
        yield server
    except BaseException:
        sys.stderr.write(f"\n--- {name} output ---\n{server.output()}\n")
        raise
    finally:
        server.stop()


SANDBOX_FACTORY = "webview_host.sandbox.app:create_app_from_env"
HOST_FACTORY = "webview_host.app:create_app_from_env"


def stack_env(host_port: int, sandbox_port: int, **extra: str) -> dict[str, str]:
    """The environment shared by a host and its sandbox on two loopback ports."""
    env = {
        "WVH_SANDBOX": "1",  # both processes run in sandbox mode; the sandbox refuses otherwise
        "WVH_HOST_PORT": str(host_port),
        "WVH_SANDBOX_PORT": str(sandbox_port),
        "WVH_PUBLIC_URL": f"http://127.0.0.1:{host_port}",
        "WVH_LOG_LEVEL": "INFO",
    }
    env.update(extra)
    return env


@contextlib.contextmanager
def stack(database_url: str, *, hosts: int = 1, **extra: str) -> Iterator[tuple[Server, ...]]:
    """A sandbox and `hosts` host instances sharing one ledger and the cookie keys:
    (sandbox, host, host, ...)."""
    sandbox_port, *host_ports = (free_port() for _ in range(hosts + 1))
    env = stack_env(host_ports[0], sandbox_port, WVH_DATABASE_URL=database_url, **extra)
    with contextlib.ExitStack() as servers:
        started = [servers.enter_context(running("sandbox", SANDBOX_FACTORY, env, sandbox_port))]
        for index, port in enumerate(host_ports):
            host_env = {**env, "WVH_HOST_PORT": str(port)}
            started.append(
                servers.enter_context(running(f"host-{index}", HOST_FACTORY, host_env, port))
            )
        yield tuple(started)


# --- the customer's steps, over TCP ------------------------------------------------------


def shop_with_one_item(client: httpx.Client, sandbox: Server) -> tuple[dict[str, str], str]:
    """Give this browser-like client a session and one gold bar; returns the review form."""
    customer = customer_payload(f"proc-{uuid.uuid4().hex[:8]}")
    launch = client.post("/api/v1/launches", json={"customer": customer}, headers=PARTNER_AUTH)
    assert launch.status_code == 201, launch.text
    assert open_launch(client, launch.json()["launch_url"]).status_code == 303
    shell = client.get("/shop").text
    token = re.search(r"\?token=([A-Za-z0-9]+)&", shell)
    assert token
    put = httpx.put(
        f"{sandbox.url}/webview/api/basket/items/MNT0001",
        json={"quantity": 1},
        headers={"Authorization": f"Bearer {token.group(1)}"},
    )
    assert put.status_code == 200
    return confirm_fields(client.get("/checkout").text), customer["external_id"]
