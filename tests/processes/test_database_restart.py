"""PostgreSQL drops every connection (a restart, a failover): the next requests are served."""

from __future__ import annotations

import uuid

import httpx
import psycopg
import pytest

from tests.helpers import POSTGRES_URL, postgres_schema
from tests.servers import shop_with_one_item, stack

pytestmark = pytest.mark.postgres


def kill_connections(application_name: str) -> int:
    """Terminate every server connection of one application, as a restart does."""
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            (application_name,),
        ).fetchall()
    return len(rows)


def test_dead_pooled_connections_are_replaced_not_served() -> None:
    name = f"wvh-{uuid.uuid4().hex[:8]}"
    with (
        postgres_schema() as database_url,
        stack(f"{database_url}&application_name={name}", hosts=1) as (sandbox, host),
    ):
        with httpx.Client(base_url=host.url, timeout=15) as client:
            # Warm the pool: several connections in use at once.
            for _ in range(3):
                shop_with_one_item(client, sandbox)
            assert kill_connections(name) >= 1
            answers = [client.get("/readyz").status_code for _ in range(10)]
            answers += [client.get("/api/basket").status_code for _ in range(10)]
            form, _ = shop_with_one_item(client, sandbox)
            confirmed = client.post("/checkout/complete", data=form)
        assert answers == [200] * 20, "no 500, no 503 after the connections died"
        assert confirmed.status_code == 303
        assert "Traceback" not in host.output()
