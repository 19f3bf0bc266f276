"""Against real processes over TCP: two host instances on one PostgreSQL ledger, real timeouts."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.helpers import postgres_schema
from tests.servers import Server, shop_with_one_item, stack
from webview_host.sandbox.control import SandboxControl

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[Server, Server, Server]]:
    """A sandbox and two hosts sharing one PostgreSQL schema (and the cookie keys)."""
    with (
        postgres_schema() as database_url,
        stack(database_url, hosts=2, WVH_MINTED_TIMEOUT="1", WVH_MINTED_READ_RETRIES="1") as (
            sandbox,
            host_a,
            host_b,
        ),
    ):
        yield sandbox, host_a, host_b


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
