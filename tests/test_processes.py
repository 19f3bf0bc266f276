"""Against real processes over TCP: two host instances on one PostgreSQL ledger, real timeouts."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.helpers import customer_payload, postgres_schema
from tests.servers import HOST_FACTORY, SANDBOX_FACTORY, Server, free_port, running, stack_env
from webview_host.sandbox.control import SandboxControl

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[Server, Server, Server]]:
    """A sandbox and two hosts sharing one PostgreSQL schema (and the cookie keys)."""
    with postgres_schema() as database_url:
        yield from _cluster(database_url)


def _cluster(database_url: str) -> Iterator[tuple[Server, Server, Server]]:
    sandbox_port, port_a, port_b = free_port(), free_port(), free_port()
    env = stack_env(
        port_a,
        sandbox_port,
        WVH_DATABASE_URL=database_url,
        WVH_MINTED_TIMEOUT="1",
        WVH_MINTED_READ_RETRIES="1",
    )
    with (
        running("sandbox", SANDBOX_FACTORY, env, sandbox_port) as sandbox,
        running("host-a", HOST_FACTORY, env, port_a) as host_a,
        running("host-b", HOST_FACTORY, {**env, "WVH_HOST_PORT": str(port_b)}, port_b) as host_b,
    ):
        yield sandbox, host_a, host_b


def shop_with_one_item(client: httpx.Client, sandbox: Server) -> tuple[dict[str, str], str]:
    """Give this browser-like client a session and one gold bar; returns the review form."""
    customer = customer_payload(f"proc-{uuid.uuid4().hex[:8]}")
    launch = client.post(
        "/api/v1/launches",
        json={"customer": customer},
        headers={"Authorization": "Bearer dev-partner-key"},
    )
    assert launch.status_code == 201, launch.text
    assert client.get(launch.json()["launch_url"]).status_code == 303
    shell = client.get("/shop").text
    token = re.search(r"\?token=([A-Za-z0-9]+)&", shell)
    assert token
    put = httpx.put(
        f"{sandbox.url}/webview/api/basket/items/MNT0001",
        json={"quantity": 1},
        headers={"Authorization": f"Bearer {token.group(1)}"},
    )
    assert put.status_code == 200
    review = client.get("/checkout").text
    form = {
        name: re.search(rf'name="{name}" value="([^"]+)"', review).group(1)  # type: ignore[union-attr]
        for name in ("csrf", "basket")
    }
    return form, customer["external_id"]


def test_fifty_concurrent_completes_across_two_instances(
    cluster: tuple[Server, Server, Server],
) -> None:
    sandbox, host_a, host_b = cluster
    with (
        httpx.Client(base_url=host_a.url, timeout=15) as client,
        httpx.Client(base_url=host_b.url, timeout=15) as other,
        SandboxControl(sandbox.url) as control,
    ):
        form, customer_id = shop_with_one_item(client, sandbox)
        other.cookies = client.cookies
        before = control.calls().get("complete", 0)
        control.fault("complete", "delay", seconds=0.5)

        def post(i: int) -> httpx.Response:
            return (client if i % 2 else other).post("/checkout/complete", data=form)

        with ThreadPoolExecutor(max_workers=50) as pool:
            responses = list(pool.map(post, range(50)))
        assert {r.status_code for r in responses} == {303}
        assert len({r.headers["location"] for r in responses}) == 1
        assert control.calls()["complete"] == before + 1
        assert len(control.customer(customer_id)["orders"]) == 1
        page = client.get(responses[0].headers["location"]).text
        assert 'data-state="completed"' in page


def test_real_timeout_is_reconciled_without_a_second_complete(
    cluster: tuple[Server, Server, Server],
) -> None:
    sandbox, host_a, _ = cluster
    with (
        httpx.Client(base_url=host_a.url, timeout=15) as client,
        SandboxControl(sandbox.url) as control,
    ):
        form, customer_id = shop_with_one_item(client, sandbox)
        before = control.calls().get("complete", 0)
        # Minted makes the order, but answers after the host's 1 s timeout.
        control.fault("complete", "timeout", seconds=3)
        response = client.post("/checkout/complete", data=form)
        assert response.status_code == 303
        page = client.get(response.headers["location"]).text
        assert 'data-state="completed"' in page
        assert control.calls()["complete"] == before + 1
        assert len(control.customer(customer_id)["orders"]) == 1
    assert "outcome unknown" in host_a.output(), "the lost answer is logged with its support code"
