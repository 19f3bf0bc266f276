"""The processes a benchmark drives: the sandbox and the host exactly as `make run` starts
them (`webview_host.run.uvicorn_command`, through `tests.servers`), plus a bare Starlette
app under the same server settings.

Server settings that `make run` leaves to uvicorn's defaults (event loop, HTTP parser,
workers) are varied through uvicorn's own `UVICORN_*` variables, so the command line
stays the one users run.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import psutil  # type: ignore[import-untyped]

from tests.servers import HOST_FACTORY, SANDBOX_FACTORY, Server, free_port, running, stack_env

BARE_FACTORY = "bench.bare:create_app_from_env"
# Load from one address is what the abuse limits refuse; the bench measures the work.
NO_LIMITS = {
    f"WVH_LIMIT_{limit}": "off"
    for limit in ("PARTNER", "PARTNER_FAILURES", "LAUNCH", "BASKET", "CONFIRM")
}


@dataclass(frozen=True)
class Stack:
    """A running sandbox and host."""

    sandbox: Server
    host: Server
    database_url: str
    env: Mapping[str, str]

    def host_rss(self) -> int:
        """Resident bytes of the host: the uvicorn process and any worker children."""
        return process_tree_rss(self.host.process.pid)


def process_tree_rss(pid: int) -> int:
    root = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [root, *root.children(recursive=True)])


@contextlib.contextmanager
def started(
    database_url: str,
    *,
    server_env: Mapping[str, str] | None = None,
    host_factory: str = HOST_FACTORY,
    host_env: Mapping[str, str] | None = None,
) -> Iterator[Stack]:
    """Sandbox and host on free loopback ports, with `make run`'s environment.

    `server_env` applies to both (e.g. `UVICORN_LOOP`); `host_env` to the host only.
    """
    host_port, sandbox_port = free_port(), free_port()
    env = stack_env(host_port, sandbox_port, WVH_DATABASE_URL=database_url)
    # The sandbox's price fix must outlive a run, or Confirm would meet lapsed baskets.
    env["WVH_SANDBOX_PRICEFIX_SECONDS"] = "3600"
    env.update(NO_LIMITS)
    env.update(server_env or {})
    with contextlib.ExitStack() as stack:
        sandbox = stack.enter_context(running("sandbox", SANDBOX_FACTORY, env, sandbox_port))
        host = stack.enter_context(
            running("host", host_factory, {**env, **(host_env or {})}, host_port)
        )
        yield Stack(sandbox, host, database_url, {**env, **(host_env or {})})


@contextlib.contextmanager
def bare_app(
    page_bytes: int,
    server_env: Mapping[str, str] | None = None,
    *,
    host_env: Mapping[str, str] | None = None,
) -> Iterator[Server]:
    """The bare Starlette page under the same server settings as the host; with `host_env`
    (the host's environment) behind the host's middleware too."""
    env = {**(server_env or {}), "WVH_BENCH_PAGE_BYTES": str(page_bytes), "WVH_LOG_LEVEL": "INFO"}
    if host_env is not None:
        env = {**host_env, **env, "WVH_BENCH_MIDDLEWARE": "1"}
    with running("bare+mw" if host_env else "bare", BARE_FACTORY, env) as server:
        yield server


def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


def python_path_env() -> dict[str, str]:
    """Lets the uvicorn processes import `bench.*` factories from the checkout."""
    current = os.environ.get("PYTHONPATH", "")
    root = str(repo_root())
    return {"PYTHONPATH": f"{root}{os.pathsep}{current}" if current else root}
