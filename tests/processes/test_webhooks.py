"""Real processes: a host killed right after a purchase loses no webhook; the next instance
delivers it, signed, to the local receiver partners are told to try (scripts/)."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

from tests.servers import HOST_FACTORY, free_port, running, shop_with_one_item, stack

RECEIVER = Path(__file__).resolve().parents[2] / "scripts" / "webhook_receiver.py"
SECRET = "process-webhook-secret"


@contextlib.contextmanager
def receiver(port: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """scripts/webhook_receiver.py as a partner would start it (the README's one line)."""
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own script
            [sys.executable, str(RECEIVER), "--port", str(port), "--secret", SECRET],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(lambda: "listening on" in log.read_text(), log)
            yield process
        finally:
            process.terminate()
            process.wait(timeout=10)


def wait_for(condition: Callable[[], bool], log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"not seen in {timeout}s; receiver said:\n{log.read_text()}")


def test_a_host_killed_after_a_purchase_loses_no_webhook(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "receiver.log"
    database_url = f"sqlite:///{tmp_path}/ledger.sqlite3"
    hook = {"WVH_WEBHOOK_URL": f"http://127.0.0.1:{port}/", "WVH_WEBHOOK_SECRETS": SECRET}
    with (
        receiver(port, log),
        stack(
            database_url,
            WVH_WEBHOOK_POLL_INTERVAL="3600",
            WVH_WEBHOOK_URL=hook["WVH_WEBHOOK_URL"],
            WVH_WEBHOOK_SECRETS=SECRET,
        ) as (sandbox, host),
    ):
        with httpx.Client(base_url=host.url, timeout=15) as client:
            form, _ = shop_with_one_item(client, sandbox)
            done = client.post("/checkout/complete", data=form)
            assert done.status_code == 303
            completion_id = done.headers["location"].removeprefix("/orders/")
        host.process.kill()  # SIGKILL: its worker (first run in an hour) never ran
        host.process.wait()
        assert "order.completed" not in log.read_text()
        env = {
            "WVH_SANDBOX": "1",
            "WVH_SANDBOX_PORT": str(sandbox.port),
            "WVH_DATABASE_URL": database_url,
            "WVH_WEBHOOK_POLL_INTERVAL": "1",
            **hook,
        }
        with running("host-after-crash", HOST_FACTORY, env):
            wait_for(lambda: "order.completed" in log.read_text(), log)
    line = next(x for x in log.read_text().splitlines() if "order.completed" in x)
    assert line.startswith("verified order.completed evt_")
    assert f"completion={completion_id}" in line
    assert "state=completed" in line
