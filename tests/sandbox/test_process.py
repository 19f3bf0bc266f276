"""The sandbox as a real process: control token, hook pushes to a receiver, drip over TCP."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from tests.helpers import customer_payload
from tests.servers import SANDBOX_FACTORY, Server, free_port, running, stack_env
from webview_host.sandbox.control import SandboxControl

TOKEN = "control-token-for-tests-0123456789"
DIGEST = httpx.DigestAuth("sandbox-partner", "sandbox-password")
HEADERS = {"x-client-id": "web"}


class Receiver(ThreadingHTTPServer):
    """A partner's hook endpoint: records each POST; answers `status`, or holds the
    answer while `hold` is clear."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ReceiverHandler)
        self.received: list[dict[str, Any]] = []
        self.status = 200
        self.hold = threading.Event()
        self.hold.set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/minted-hook"


class _ReceiverHandler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        self.server.hold.wait(30)
        self.server.received.append(
            {"path": self.path, "type": self.headers["content-type"], "body": json.loads(body)}
        )
        self.send_response(self.server.status)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.hold.set()
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def sandbox_server(receiver: Receiver) -> Iterator[Server]:
    port = free_port()
    env = stack_env(
        free_port(),
        port,
        WVH_SANDBOX_CONTROL_TOKEN=TOKEN,
        WVH_SANDBOX_HOOK_URL=receiver.url,
        WVH_SANDBOX_HOOK_TIMEOUT="0.5",
    )
    with running("sandbox", SANDBOX_FACTORY, env, port) as server:
        yield server


@pytest.fixture
def control(sandbox_server: Server, receiver: Receiver) -> Iterator[SandboxControl]:
    with SandboxControl(sandbox_server.url, token=TOKEN) as control:
        control.reset()
        receiver.received.clear()
        receiver.status = 200
        yield control


def eventually(check: Callable[[], Any], timeout: float = 10) -> Any:
    """Poll `check` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError("the state never came")


def completed_order(url: str) -> dict[str, Any]:
    customer = customer_payload()
    with httpx.Client(base_url=url, auth=DIGEST, headers=HEADERS) as minted:
        token = minted.post("/partner/ecom/token", json=customer).json()["data"]["token"]
        basket = httpx.put(
            f"{url}/webview/api/basket/items/MNT0001",
            json={"quantity": 1},
            headers={"Authorization": f"Bearer {token}"},
        ).json()["basket"]
        done = minted.post(
            "/partner/ecom/complete",
            json={"external_customer_id": customer["external_id"], "cart_token": basket["token"]},
        )
    assert done.status_code == 200, done.text
    order: dict[str, Any] = done.json()["data"]
    return order


def get_order(url: str, **body: Any) -> httpx.Response:
    with httpx.Client(base_url=url, auth=DIGEST, headers=HEADERS) as minted:
        return minted.post("/partner/order", json=body)


# --- the control API's token -----------------------------------------------------


@pytest.mark.parametrize(
    "given", [None, "Bearer wrong", f"bearer {TOKEN}", TOKEN, f"Bearer {TOKEN}x"]
)
def test_control_api_needs_the_token(sandbox_server: Server, given: str | None) -> None:
    headers = {"Authorization": given} if given else {}
    for method, path in (("GET", "/_sandbox/calls"), ("POST", "/_sandbox/reset"),
                         ("GET", "/_sandbox/hooks"), ("GET", "/_sandbox/nothing")):  # fmt: skip
        response = httpx.request(method, sandbox_server.url + path, headers=headers)
        assert response.status_code == 401, (method, path)
        assert "WVH_SANDBOX_CONTROL_TOKEN" in response.json()["error"]
        assert response.headers["www-authenticate"].startswith("Bearer ")
    assert httpx.get(sandbox_server.url + "/healthz").status_code == 200, "health stays open"


def test_sandbox_control_sends_the_token(control: SandboxControl) -> None:
    control.fault("create_token", "status", status=503, body="empty")
    assert control.calls() == {}
    assert control.hooks() == []


# --- push_hook ------------------------------------------------------------------


def test_push_hook_posts_the_order_to_the_partner(
    sandbox_server: Server, control: SandboxControl, receiver: Receiver
) -> None:
    order = completed_order(sandbox_server.url)
    found = get_order(sandbox_server.url, guid=order["guid"], push_hook=True)
    assert found.status_code == 200
    [push] = eventually(lambda: [h for h in control.hooks() if h["outcome"] != "pending"])
    assert (push["outcome"], push["status_code"], push["url"]) == ("delivered", 200, receiver.url)
    assert push["guid"] == order["guid"]
    assert push["order"] == found.json()["data"], "the Order Schema, as Get Order answered it"
    [received] = receiver.received
    assert received == {"path": "/minted-hook", "type": "application/json", "body": push["order"]}


def test_a_failing_hook_never_fails_get_order(
    sandbox_server: Server, control: SandboxControl, receiver: Receiver
) -> None:
    order = completed_order(sandbox_server.url)
    receiver.status = 500
    assert get_order(sandbox_server.url, guid=order["guid"], push_hook=True).status_code == 200
    [push] = eventually(lambda: [h for h in control.hooks() if h["outcome"] != "pending"])
    assert (push["outcome"], push["status_code"]) == ("failed", 500)
    assert "push_hook of order" in sandbox_server.output()


def test_a_slow_hook_times_out_and_get_order_stands(
    sandbox_server: Server, control: SandboxControl, receiver: Receiver
) -> None:
    order = completed_order(sandbox_server.url)
    receiver.hold.clear()
    try:
        found = get_order(sandbox_server.url, order_code=order["external_id"], push_hook=True)
        assert found.status_code == 200, "answered before the push ends"
        [push] = eventually(lambda: [h for h in control.hooks() if h["outcome"] != "pending"])
        assert (push["outcome"], push["error"]) == ("failed", "ReadTimeout")
    finally:
        receiver.hold.set()


# --- faults over TCP -------------------------------------------------------------


def test_drip_beats_a_per_read_timeout(sandbox_server: Server, control: SandboxControl) -> None:
    """Headers at once, then one byte per interval: each read succeeds within a
    timeout longer than the interval, so only an overall deadline can end it."""
    control.fault("get_active_basket", "drip", seconds=0.2)
    timeout = httpx.Timeout(5, read=1)
    headers = {**HEADERS, "Authorization": "Bearer nobody"}
    url = sandbox_server.url + "/partner/ecom/getActiveBasket"
    with httpx.stream("GET", url, headers=headers, timeout=timeout) as response:
        assert response.status_code == 401, "the normal answer's status, at once"
        chunks = response.iter_raw()
        first = [next(chunks) for _ in range(5)]
    assert first == [b"{", b'"', b"d", b"a", b"t"]
    assert control.calls() == {"get_active_basket": 1}
