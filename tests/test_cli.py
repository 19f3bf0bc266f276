"""`webview-host`, the operators' command, run as operators run it: a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from tests.servers import SANDBOX_FACTORY, free_port, running, shop_with_one_item, stack
from webview_host.sandbox.control import SandboxControl

COMMAND = str(Path(sys.executable).with_name("webview-host"))


def webview_host(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own console script
        [COMMAND, *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_help_lists_the_commands() -> None:
    result = webview_host("--help")
    assert result.returncode == 0
    for command in ("serve", "sandbox", "check-config", "reconcile", "webhooks"):
        assert command in result.stdout


def test_sandbox_and_serve_start_the_two_servers(tmp_path: Path) -> None:
    """`webview-host sandbox` needs no WVH_SANDBOX (typing it is the consent); `serve`
    serves the host over it, with our access log (routes, not paths) instead of uvicorn's."""
    sandbox_port, host_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("WVH_")}
    env["WVH_SANDBOX_PORT"] = str(sandbox_port)
    sandbox_command = [COMMAND, "sandbox", "--port", str(sandbox_port)]
    host_env = {
        **env,
        "WVH_SANDBOX": "1",
        "WVH_HOST_PORT": str(host_port),
        "WVH_DATABASE_URL": f"sqlite:///{tmp_path}/ledger.sqlite3",
    }
    with (
        running("cli-sandbox", "", env, sandbox_port, command=sandbox_command) as sandbox,
        running("cli-serve", "", host_env, host_port, command=[COMMAND, "serve"]) as host,
    ):
        assert httpx.get(f"{sandbox.url}/partner/prices").status_code == 401, "Digest, as Minted"
        ready = httpx.get(f"{host.url}/readyz").json()
        assert ready["checks"]["minted"]["ok"], ready
        httpx.get(f"{host.url}/launch/not-a-code-0123456789")
        output = host.output()
    assert "/launch/{code}" in output, "our access log names the route"
    assert "not-a-code-0123456789" not in output, "uvicorn's access log (raw paths) is off"


def test_check_config_reports_bad_settings_by_name() -> None:
    result = webview_host("check-config", WVH_MINTED_BASE_URL="https://minted.example")
    assert result.returncode == 2
    assert "WVH_MINTED_USERNAME" in result.stderr


def test_check_config_reaches_the_ledger_and_minted_with_digest(tmp_path: Path) -> None:
    port = free_port()
    env = {
        "WVH_SANDBOX": "1",
        "WVH_SANDBOX_PORT": str(port),
        "WVH_DATABASE_URL": f"sqlite:///{tmp_path}/ledger.sqlite3",
    }
    with running("sandbox", SANDBOX_FACTORY, env, port):
        good = webview_host("check-config", **env)
        bad = webview_host("check-config", **env, WVH_MINTED_PASSWORD="wrong-password")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "ledger: ok (sqlite, schema 0; starting the host migrates it" in good.stdout
    assert "minted: ok (reachable, Digest accepted" in good.stdout
    assert "sandbox-password" not in good.stdout + good.stderr
    assert bad.returncode == 1
    assert "minted: FAILED (Minted refused our Digest credentials (401))" in bad.stdout
    assert "wrong-password" not in bad.stdout + bad.stderr


def test_reconcile_settles_unknown_completions_and_redeliver_resends_their_event(
    tmp_path: Path,
) -> None:
    database_url = f"sqlite:///{tmp_path}/ledger.sqlite3"
    hook = {
        "WVH_WEBHOOK_URL": "http://127.0.0.1:9/",  # nothing listens: delivery is not the point
        "WVH_WEBHOOK_POLL_INTERVAL": "3600",
        "WVH_RECONCILE_INTERVAL": "0",
        "WVH_MINTED_READ_RETRIES": "0",
    }
    with stack(
        database_url,
        WVH_WEBHOOK_URL=hook["WVH_WEBHOOK_URL"],
        WVH_WEBHOOK_POLL_INTERVAL=hook["WVH_WEBHOOK_POLL_INTERVAL"],
        WVH_RECONCILE_INTERVAL=hook["WVH_RECONCILE_INTERVAL"],
        WVH_MINTED_READ_RETRIES=hook["WVH_MINTED_READ_RETRIES"],
    ) as (sandbox, host):
        with (
            httpx.Client(base_url=host.url, timeout=15) as client,
            SandboxControl(sandbox.url) as control,
        ):
            form, _ = shop_with_one_item(client, sandbox)
            control.fault("complete", "drop")
            control.fault("get_ecom_order", "status", status=503, count=2)
            done = client.post("/checkout/complete", data=form)
            assert done.status_code == 303
        env = {
            "WVH_SANDBOX": "1",
            "WVH_SANDBOX_PORT": str(sandbox.port),
            "WVH_DATABASE_URL": database_url,
            **hook,
        }
        settled = webview_host("reconcile", **env)
        assert settled.returncode == 0, settled.stdout + settled.stderr
        assert "reconciled 1 completion(s); now completed: 1" in settled.stdout
        again = webview_host("reconcile", **env)
        assert "reconciled 0 completion(s); now none open" in again.stdout
        events = httpx.get(
            f"{host.url}/api/v1/webhooks/events",
            headers={"Authorization": "Bearer dev-partner-key"},
        ).json()["data"]
        [event] = events
        assert event["type"] == "order.reconciled"
        resent = webview_host("webhooks", "redeliver", event["id"], **env)
        assert resent.returncode == 0, resent.stdout + resent.stderr
        assert f"{event['id']} (order.reconciled" in resent.stdout
        missing = webview_host("webhooks", "redeliver", "evt_nope", **env)
        assert missing.returncode == 1
        assert "no event 'evt_nope'" in missing.stdout
