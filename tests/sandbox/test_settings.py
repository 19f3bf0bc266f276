"""The sandbox's own settings: explicit opt-in, its knobs only, checked with named sentences."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.servers import SANDBOX_FACTORY
from webview_host.run import uvicorn_command
from webview_host.sandbox.settings import SandboxSettings
from webview_host.settings import SettingsError


def settings(**env: str) -> SandboxSettings:
    return SandboxSettings.from_env({"WVH_SANDBOX": "1", **env})


@pytest.mark.parametrize("value", [None, "", "0", "false", "no"])
def test_refuses_without_explicit_opt_in(value: str | None) -> None:
    env = {} if value is None else {"WVH_SANDBOX": value}
    with pytest.raises(SettingsError, match=r"WVH_SANDBOX=1") as caught:
        SandboxSettings.from_env(env)
    assert str(caught.value).count(". ") == 0, "one sentence"


def test_defaults_match_make_run() -> None:
    s = settings()
    assert (s.port, s.username, s.password.reveal()) == (
        8001,
        "sandbox-partner",
        "sandbox-password",
    )
    assert s.public_origin == "http://127.0.0.1:8000"
    assert (s.pricefix_seconds, s.pricefix_refresh_seconds, s.token_ttl) == (240, 5, 3600)
    assert s.faults is True
    assert s.control_token is None
    assert s.hook_url is None
    assert "sandbox-password" not in repr(s), "secrets never show in repr"


def test_values_are_read_with_the_hosts_names() -> None:
    s = settings(
        WVH_HOST_PORT="9000",
        WVH_SANDBOX_PORT="9001",
        WVH_MINTED_USERNAME="u",
        WVH_MINTED_PASSWORD="p",
        WVH_PARTNER_ORIGINS="https://bank.example/path, https://b.example",
        WVH_SANDBOX_PRICEFIX_SECONDS="30",
        WVH_SANDBOX_FAULTS="false",
        WVH_SANDBOX_CONTROL_TOKEN="t" * 16,
        WVH_SANDBOX_HOOK_URL="http://127.0.0.1:9/hook",
        WVH_SANDBOX_HOOK_TIMEOUT="0.5",
    )
    assert (s.port, s.public_origin, s.username) == (9001, "http://127.0.0.1:9000", "u")
    assert s.partner_origins == ("https://bank.example", "https://b.example")
    assert (s.pricefix_seconds, s.faults, s.hook_timeout) == (30, False, 0.5)
    assert s.control_token is not None
    assert s.control_token.reveal() == "t" * 16
    assert s.hook_url == "http://127.0.0.1:9/hook"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"WVH_SANDBOX_CONTROL_TOKEN": "short"}, "WVH_SANDBOX_CONTROL_TOKEN"),
        ({"WVH_SANDBOX_HOOK_URL": "ftp://x"}, "WVH_SANDBOX_HOOK_URL"),
        ({"WVH_SANDBOX_HOOK_TIMEOUT": "0"}, "WVH_SANDBOX_HOOK_TIMEOUT"),
        ({"WVH_SANDBOX_PORT": "70000"}, "WVH_SANDBOX_PORT"),
        ({"WVH_SANDBOX_FAULTS": "maybe"}, "WVH_SANDBOX_FAULTS"),
        ({"WVH_PARTNER_ORIGINS": "bank.example"}, "WVH_PARTNER_ORIGINS"),
        ({"WVH_SANDBOX": "perhaps"}, "WVH_SANDBOX"),
    ],
)
def test_bad_values_are_named(env: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        SandboxSettings.from_env({"WVH_SANDBOX": "1", **env})


def test_the_process_refuses_to_start_without_opt_in() -> None:
    """As an operator meets it: uvicorn exits, and the output names the variable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WVH_")}
    result = subprocess.run(  # noqa: S603 - our interpreter, our module
        uvicorn_command(SANDBOX_FACTORY, 9),  # the port is never bound: start-up fails first
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "WVH_SANDBOX=1" in result.stdout + result.stderr
