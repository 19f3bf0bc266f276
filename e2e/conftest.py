"""Fixtures for the Playwright flows: the stack under test, the browser, the sandbox control.

By default the suite starts the Minted sandbox and the host as two real uvicorn
processes on free loopback ports (two origins, a temporary SQLite ledger).
Against an existing deployment:

    pytest e2e --base-url https://host.example --sandbox-url https://sandbox.example \
        --partner-key KEY

Tests marked `sandbox` need the sandbox's control API (fault injection, price
lapse); deselect them with `-m "not sandbox"` against a real Minted.

The browser is `WVH_E2E_BROWSER`: a path (default /usr/bin/chromium, Debian's),
or `playwright` for Playwright's own downloaded browsers.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.helpers import customer_payload
from tests.servers import HOST_FACTORY, SANDBOX_FACTORY, Server, free_port, running, stack_env
from webview_host.sandbox.control import SandboxControl

ARTIFACTS = Path(os.environ.get("WVH_E2E_ARTIFACTS", "e2e-artifacts"))
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DEV_PARTNER_KEY = "dev-partner-key"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("webview-host e2e")
    group.addoption(
        "--sandbox-url",
        default=None,
        help="URL of a running Minted sandbox (needed with --base-url for tests marked 'sandbox')",
    )
    group.addoption(
        "--partner-key",
        default=os.environ.get("WVH_E2E_PARTNER_KEY"),
        help="partner API key of the deployment under test",
    )


@dataclass(frozen=True)
class Stack:
    """Where the host and the sandbox answer, and how to create launches."""

    host_url: str
    sandbox_url: str | None
    partner_key: str
    servers: tuple[Server, ...] = ()
    # An allowed partner origin no server answers on: tests serve its pages with
    # Playwright's routing (a web partner framing the shell, a return_url).
    partner_origin: str | None = None

    def server_output(self) -> str:
        return "\n".join(f"--- {s.name} ---\n{s.output()}" for s in self.servers)


@pytest.fixture(scope="session")
def stack(pytestconfig: pytest.Config) -> Iterator[Stack]:
    base_url = pytestconfig.getoption("--base-url")
    if base_url:
        key = pytestconfig.getoption("--partner-key")
        if not key:
            raise pytest.UsageError(
                "--partner-key (or WVH_E2E_PARTNER_KEY) is required with --base-url."
            )
        yield Stack(base_url.rstrip("/"), pytestconfig.getoption("--sandbox-url"), key)
        return
    data = Path(tempfile.mkdtemp(prefix="wvh-e2e-"))
    host_port, sandbox_port = free_port(), free_port()
    partner_origin = f"http://127.0.0.1:{free_port()}"
    env = stack_env(
        host_port,
        sandbox_port,
        WVH_DATABASE_URL=f"sqlite:///{data}/ledger.sqlite3",
        WVH_IFRAME_WATCHDOG_SECONDS="4",
        WVH_LAUNCH_TTL="8",  # short, so the expiry scenario waits seconds, not a minute
        WVH_MINTED_TIMEOUT="2",
        WVH_PENDING_STALE_SECONDS="7",
        WVH_PARTNER_ORIGINS=partner_origin,
        WVH_RETURN_URL_SCHEMES="bankapp",
        # The URL-scheme channel's hidden frames ride along in every scenario, as they
        # would for a partner whose container watches navigations.
        WVH_BRIDGE_URL_SCHEME="wvhbridge",
        # Every scenario launches from 127.0.0.1; the launch limit per address is tested apart.
        WVH_LIMIT_LAUNCH="600/minute",
    )
    with (
        running("sandbox", SANDBOX_FACTORY, env, sandbox_port) as sandbox,
        running("host", HOST_FACTORY, env, host_port) as host,
    ):
        yield Stack(host.url, sandbox.url, DEV_PARTNER_KEY, (sandbox, host), partner_origin)
    shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="session")
def base_url(stack: Stack) -> str:
    """pytest-playwright's base URL: the host under test."""
    return stack.host_url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    browser = os.environ.get("WVH_E2E_BROWSER", "/usr/bin/chromium")
    args = dict(browser_type_launch_args)
    if browser != "playwright":
        if not Path(browser).is_file():
            raise pytest.UsageError(
                f"WVH_E2E_BROWSER={browser} does not exist: run scripts/ensure-chromium.sh, "
                "or set WVH_E2E_BROWSER=playwright after `playwright install chromium`."
            )
        args["executable_path"] = browser
    args["args"] = [*args.get("args", []), *CHROMIUM_FLAGS]
    return args


@pytest.fixture
def partner_origin(stack: Stack, request: pytest.FixtureRequest) -> str:
    """The partner origin the stack under test allows (framing, return_url)."""
    if stack.partner_origin is None:
        raise pytest.UsageError(
            f"{request.node.nodeid} needs the local stack (an allowed partner origin it can "
            "serve); deselect it with -m 'not sandbox' against a deployment."
        )
    return stack.partner_origin


@pytest.fixture
def control(stack: Stack, request: pytest.FixtureRequest) -> Iterator[SandboxControl]:
    if stack.sandbox_url is None:
        raise pytest.UsageError(
            f"{request.node.nodeid} needs --sandbox-url (it is marked "
            "'sandbox'); deselect it with -m 'not sandbox'."
        )
    with SandboxControl(stack.sandbox_url) as sandbox:
        sandbox.clear_faults()
        yield sandbox
        sandbox.clear_faults()


def new_customer(**changes: Any) -> dict[str, Any]:
    return customer_payload(f"e2e-{uuid.uuid4().hex[:12]}", **changes)


@pytest.fixture
def launch(stack: Stack) -> Any:
    """Create a launch link: `launch(locale="en", customer=None, **extra) -> (url, customer)`."""

    def create(
        locale: str = "en", customer: dict[str, Any] | None = None, **extra: Any
    ) -> tuple[str, dict[str, Any]]:
        customer = customer or new_customer()
        response = httpx.post(
            f"{stack.host_url}/api/v1/launches",
            json={"customer": customer, "locale": locale, **extra},
            headers={"Authorization": f"Bearer {stack.partner_key}"},
            timeout=10,
        )
        assert response.status_code == 201, response.text
        return response.json()["launch_url"], customer

    return create


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call" and report.failed:
        stack = item.funcargs.get("stack") if hasattr(item, "funcargs") else None
        if isinstance(stack, Stack) and stack.servers:
            output = stack.server_output()
            report.sections.append(("server logs", output[-20000:]))
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            name = item.nodeid.replace("/", "_").replace("::", "__")
            (ARTIFACTS / f"{name}.server.log").write_text(output)
    return report
