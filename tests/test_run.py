"""`make run`'s launcher: readiness polling and shutdown."""

from __future__ import annotations

import contextlib
import http.server
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

from webview_host.run import main, stop, wait_ready


@contextlib.contextmanager
def answering(statuses: list[int]) -> Iterator[str]:
    """A loopback server answering the given statuses in turn, then 200."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(statuses.pop(0) if statuses else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/healthz"
    finally:
        server.shutdown()
        server.server_close()


def _idle_process() -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])


def test_wait_ready_pauses_between_attempts_on_any_answer_but_200() -> None:
    """A server answering 204 (no error: urllib raises nothing) or 503 is polled at the
    readiness pace, not in a busy loop."""
    sleeps: list[float] = []
    process = _idle_process()
    try:
        with answering([204, 503, 204]) as url:
            assert wait_ready(url, process, seconds=30, sleep=sleeps.append)
    finally:
        stop([process], 0)
    assert sleeps == [0.2, 0.2, 0.2], "one pause after each answer that was not 200"


def test_bad_settings_stop_the_launcher_with_the_sentence_naming_them(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WVH_SANDBOX", "1")  # the launcher's own default, undone after the test
    monkeypatch.setenv("WVH_HOST_PORT", "eighty")
    assert main() == 2
    assert "WVH_HOST_PORT" in capsys.readouterr().err


def test_wait_ready_gives_up_when_the_process_dies() -> None:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    assert not wait_ready("http://127.0.0.1:9/healthz", process, seconds=30, sleep=lambda _: None)


def test_stop_terminates_and_returns_the_exit_code() -> None:
    processes = [_idle_process(), _idle_process()]
    assert stop(processes, 3) == 3
    assert all(p.poll() is not None for p in processes)
