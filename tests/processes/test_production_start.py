"""A production host process refuses development values at start-up, one sentence each."""

from __future__ import annotations

import os
import subprocess

from tests.servers import HOST_FACTORY, free_port
from webview_host.run import uvicorn_command

README_VALUES = {
    "WVH_MINTED_BASE_URL": "http://127.0.0.1:8001",
    "WVH_MINTED_USERNAME": "sandbox-partner",
    "WVH_MINTED_PASSWORD": "sandbox-password",
    "WVH_WEBVIEW_URL_TEMPLATE": "http://127.0.0.1:8001/webview/?token={token}",
    "WVH_COOKIE_KEYS": "dev-cookie-key-not-for-production",
    "WVH_PARTNER_KEYS": "dev-partner-key",
    "WVH_PUBLIC_URL": "http://127.0.0.1:8000",
}


def start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("WVH_")}
    return subprocess.run(  # noqa: S603 - our interpreter, our module
        uvicorn_command(HOST_FACTORY, free_port()),
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_readmes_development_values_do_not_start_a_production_host() -> None:
    ended = start(README_VALUES)
    assert ended.returncode == 2
    refusals = [line for line in ended.stderr.splitlines() if "cannot start:" in line]
    named = sorted(line.split("'")[1] for line in refusals)
    assert named == [
        "WVH_COOKIE_KEYS",
        "WVH_MINTED_BASE_URL",
        "WVH_MINTED_PASSWORD",
        "WVH_PARTNER_KEYS",
        "WVH_PUBLIC_URL",
        "WVH_WEBVIEW_URL_TEMPLATE",
    ]
    assert "Traceback" not in ended.stderr
    assert "dev-cookie-key-not-for-production" not in ended.stderr


def test_no_configuration_at_all_is_not_sandbox_mode() -> None:
    ended = start({})
    assert ended.returncode == 2
    assert "'WVH_MINTED_BASE_URL' is missing" in ended.stderr
