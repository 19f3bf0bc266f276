"""At scale over two instances: 1,000 Confirms for 100 baskets make 100 orders, each duplicate
sees its basket's one outcome, and launch codes are exchanged once across instances."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import psycopg
import pytest

from tests.helpers import POSTGRES_URL, customer_payload, postgres_schema
from tests.servers import PARTNER_AUTH, Server, shop_with_one_item, stack
from webview_host.sandbox.control import SandboxControl

pytestmark = pytest.mark.postgres

BASKETS = 100
CONFIRMS_PER_BASKET = 10


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[str, tuple[Server, ...]]]:
    # A thousand requests from one address and many Confirms per session are the point here.
    unlimited = {f"WVH_LIMIT_{name}": "off" for name in ("LAUNCH", "CONFIRM", "BASKET")}
    with postgres_schema() as database_url, stack(database_url, hosts=2, **unlimited) as servers:
        yield database_url, servers


def test_launch_codes_are_exchanged_once_across_instances(
    cluster: tuple[str, tuple[Server, ...]],
) -> None:
    _, (_, host_a, host_b) = cluster
    codes = []
    for _ in range(20):
        launch = httpx.post(
            f"{host_a.url}/api/v1/launches",
            json={"customer": customer_payload()},
            headers=PARTNER_AUTH,
        )
        codes.append(launch.json()["launch_url"].rsplit("/", 1)[1])

    def exchange(args: tuple[str, int]) -> int:
        code, attempt = args
        host = host_a if attempt % 2 else host_b
        # The launch page's own POST uses the code.
        return httpx.post(f"{host.url}/launch/{code}", follow_redirects=False).status_code

    with ThreadPoolExecutor(max_workers=40) as pool:
        statuses = list(pool.map(exchange, [(c, i) for c in codes for i in range(4)]))
    per_code = [statuses[i * 4 : i * 4 + 4] for i in range(len(codes))]
    assert all(sorted(s) == [303, 410, 410, 410] for s in per_code), per_code


def prepare(host: Server, sandbox: Server) -> tuple[httpx.Cookies, dict[str, str], str]:
    """A customer with one gold bar reviewed: (cookies, Confirm form, customer id)."""
    with httpx.Client(base_url=host.url, timeout=30) as client:
        form, customer_id = shop_with_one_item(client, sandbox)
        return client.cookies, form, customer_id


def test_a_thousand_confirms_for_a_hundred_baskets(
    cluster: tuple[str, tuple[Server, ...]],
) -> None:
    database_url, (sandbox, host_a, host_b) = cluster
    hosts = (host_a, host_b)
    with ThreadPoolExecutor(max_workers=16) as pool:
        prepared = list(pool.map(lambda i: prepare(hosts[i % 2], sandbox), range(BASKETS)))
    with SandboxControl(sandbox.url) as control:
        before = control.calls().get("complete", 0)
        # Minted takes a moment, so duplicates arrive while the first Complete is in flight.
        control.fault("complete", "delay", seconds=0.2, count=BASKETS)
        jobs = [(b, i) for i in range(CONFIRMS_PER_BASKET) for b in range(BASKETS)]

        def submit(job: tuple[int, int]) -> tuple[int, int, str]:
            basket, attempt = job
            cookies, form, _ = prepared[basket]
            host = hosts[(basket + attempt) % 2]
            with httpx.Client(base_url=host.url, cookies=cookies, timeout=60) as client:
                answer = client.post("/checkout/complete", data=form)
            return basket, answer.status_code, answer.headers.get("location", "")

        with ThreadPoolExecutor(max_workers=50) as pool:
            results = list(pool.map(submit, jobs))
        outcomes: dict[int, set[str]] = defaultdict(set)
        for basket, status, location in results:
            assert status == 303, (basket, status)
            outcomes[basket].add(location)
        assert all(len(locations) == 1 for locations in outcomes.values()), "one outcome each"
        assert all(loc.startswith("/orders/") for (loc,) in outcomes.values())
        assert control.calls()["complete"] - before == BASKETS
        orders = [len(control.customer(c)["orders"]) for _, _, c in prepared]
        assert orders == [1] * BASKETS
    schema = database_url.rsplit("%3D", 1)[1]
    with psycopg.connect(POSTGRES_URL) as conn:
        rows = conn.execute(
            f"SELECT state, COUNT(*) FROM {schema}.completions GROUP BY state"  # noqa: S608
        ).fetchall()
    assert dict(rows) == {"completed": BASKETS}
    for server in (host_a, host_b):
        assert "Traceback" not in server.output()
