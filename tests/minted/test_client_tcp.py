"""The client against the sandbox as a real uvicorn process over TCP, and `curl --digest`."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator

import httpx
import pytest

from tests.helpers import customer_payload, make_settings
from tests.servers import SANDBOX_FACTORY, Server, free_port, running, stack_env
from webview_host.minted import (
    MintedClient,
    MintedNotFound,
    MintedParameterError,
    MintedProtocolError,
    MintedUnauthorized,
    MintedUnavailable,
)
from webview_host.sandbox.control import SandboxControl

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def sandbox_server() -> Iterator[Server]:
    port = free_port()
    with running("sandbox", SANDBOX_FACTORY, stack_env(free_port(), port), port) as server:
        yield server


@pytest.fixture
def control(sandbox_server: Server) -> Iterator[SandboxControl]:
    with SandboxControl(sandbox_server.url) as control:
        control.reset()
        yield control


def tcp_client(server: Server, *, read_retries: int = 2) -> MintedClient:
    """A client of the sandbox over TCP, with its real (aiohttp-pooled) transport."""
    settings = make_settings(sandbox_port=str(server.port))
    return MintedClient(
        base_url=settings.minted_base_url,
        username=settings.minted_username,
        password=settings.minted_password.reveal(),
        read_retries=read_retries,
        retry_backoff=0,
    )


async def test_every_kind_of_call_over_tcp(sandbox_server: Server, control: SandboxControl) -> None:
    async with tcp_client(sandbox_server) as minted:
        customer = customer_payload()
        grant = await minted.create_token(customer, locale="en")
        with pytest.raises(MintedNotFound):
            await minted.get_active_basket(grant.token)
        async with httpx.AsyncClient() as http:
            put = await http.put(
                f"{sandbox_server.url}/webview/api/basket/items/MNS0100",
                json={"quantity": 1},
                headers={"Authorization": f"Bearer {grant.token}"},
            )
        assert put.status_code == 200
        basket = await minted.get_active_basket(grant.token)
        assert basket.items[0].sku == "MNS0100"
        assert basket.silver_craftsmanship is not None
        assert basket.silver_craftsmanship > 0
        page = await minted.get_incomplete_baskets(customer["external_id"])
        assert page.total == 1
        order = await minted.complete(customer["external_id"], basket.token)
        assert order.is_order
        with pytest.raises(MintedParameterError):
            await minted.complete(customer["external_id"], basket.token)
        with pytest.raises(MintedUnauthorized):
            await minted.get_active_basket("nope")
    assert control.calls()["complete"] == 2
    assert control.customer(customer["external_id"])["orders"][0]["guid"] == order.guid


async def test_digest_nonce_is_reused_over_tcp(
    sandbox_server: Server, control: SandboxControl
) -> None:
    async with tcp_client(sandbox_server) as minted:
        for _ in range(3):
            await minted.create_token(customer_payload())
    counts = control.calls()
    requests = control.requests()
    assert counts["create_token"] == 3
    assert requests["create_token"] == 4, "one challenge, then three authenticated requests"


async def test_injected_faults_over_tcp(sandbox_server: Server, control: SandboxControl) -> None:
    before = control.calls().get("get_active_basket", 0)
    async with tcp_client(sandbox_server, read_retries=1) as minted:
        grant = await minted.create_token(customer_payload())
        control.fault("get_active_basket", "status", status=503, count=2)
        with pytest.raises(MintedUnavailable) as caught:
            await minted.get_active_basket(grant.token)
        assert caught.value.status == 503
        control.fault("get_active_basket", "drop", count=2)
        with pytest.raises(MintedUnavailable) as dropped:
            await minted.get_active_basket(grant.token)
        assert dropped.value.request_sent
        control.fault("complete", "malformed")
        with pytest.raises(MintedProtocolError, match="not JSON"):
            await minted.complete("c", "x" * 32)
    after = control.calls().get("get_active_basket", 0)
    assert after - before == 4, "each read was tried twice (one retry), the write once"


def test_curl_digest_creates_a_token(sandbox_server: Server) -> None:
    assert shutil.which("curl"), "curl is needed for this test (apt-get install curl)"
    result = subprocess.run(  # noqa: S603
        [
            "curl",
            "-s",
            "--digest",
            "-u",
            "sandbox-partner:sandbox-password",
            "-H",
            "x-client-id: web",
            "-H",
            "Content-Type: application/json",
            "-X",
            "POST",
            f"{sandbox_server.url}/partner/ecom/token",
            "-d",
            json.dumps({"external_id": "curl-1", "firstname": "A", "lastname": "B"}),
        ],
        capture_output=True,
        check=True,
        text=True,
        timeout=20,
    )
    body = json.loads(result.stdout)
    assert body["success"] is True
    assert len(body["data"]["token"]) == 32


@pytest.mark.parametrize("customer_id", ["?u»", "a/b?c=d&e", "ayşe@örnek", "%41"])
async def test_digest_signs_the_request_target_the_pool_sends(
    sandbox_server: Server, control: SandboxControl, customer_id: str
) -> None:
    """Query characters aiohttp's URL library would re-quote (found by schemathesis through
    GET /api/v1/baskets): the request-target must be the one DigestAuth signed, or Minted
    answers 401."""
    async with tcp_client(sandbox_server) as minted:
        page = await minted.get_incomplete_baskets(customer_id)
    assert page.data == []
