"""Two instances starting at the same instant on an empty PostgreSQL database both come up."""

from __future__ import annotations

import psycopg
import pytest

from tests.helpers import POSTGRES_URL, postgres_schema
from tests.servers import HOST_FACTORY, Server, free_port, stack_env
from webview_host.ledger.schema import LATEST

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize("run", range(5))
def test_two_instances_migrate_an_empty_database_together(run: int) -> None:
    with postgres_schema() as database_url:
        ports = [free_port(), free_port()]
        # Both processes are started before either is waited for: they migrate at once.
        servers = [
            Server(
                f"host-{i}", HOST_FACTORY, port, stack_env(port, 1, WVH_DATABASE_URL=database_url)
            )
            for i, port in enumerate(ports)
        ]
        try:
            for server in servers:
                server.wait_ready("/readyz")
        finally:
            outputs = [server.output() for server in servers]
            for server in servers:
                server.stop()
        assert not any("Traceback" in output for output in outputs), outputs
        schema = database_url.rsplit("%3D", 1)[1]
        with psycopg.connect(POSTGRES_URL) as conn:
            versions = conn.execute(
                f"SELECT version FROM {schema}.schema_migrations ORDER BY version"  # noqa: S608
            ).fetchall()
        assert [v for (v,) in versions] == list(range(1, LATEST + 1))
