"""Fixtures: the sandbox in-process, the host over it, a clock, both ledgers.

Importable helpers are in `tests/helpers.py`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.helpers import Clock, host_client, make_sandbox_settings, make_settings, postgres_schema
from webview_host.services import Services, open_services


@pytest.fixture
def anyio_backend() -> str:
    """Async tests run on asyncio, as uvicorn does."""
    return "asyncio"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sandbox(clock: Clock) -> Starlette:
    from webview_host.sandbox.app import create_app as create_sandbox

    return create_sandbox(make_sandbox_settings(), clock=clock)


@pytest.fixture
def sandbox_client(sandbox: Starlette) -> Iterator[TestClient]:
    with TestClient(sandbox, base_url="http://127.0.0.1:8001") as client:
        yield client


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each ledger backend in turn: a SQLite file, a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/ledger.sqlite3"
    else:
        with postgres_schema() as url:
            yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/ledger.sqlite3"


@pytest.fixture
def host(sandbox: Starlette, sqlite_url: str, clock: Clock) -> Iterator[TestClient]:
    with host_client(sandbox, sqlite_url, clock) as client:
        yield client


@pytest.fixture
def any_host(sandbox: Starlette, database_url: str, clock: Clock) -> Iterator[TestClient]:
    """The host over each ledger backend in turn."""
    with host_client(sandbox, database_url, clock) as client:
        yield client


@pytest.fixture
async def services(sandbox: Starlette, sqlite_url: str, clock: Clock) -> AsyncIterator[Services]:
    """The host's services over the in-process sandbox, driven without HTTP."""
    settings = make_settings(database_url=sqlite_url)
    transport = httpx.ASGITransport(app=sandbox)
    async with open_services(settings, minted_transport=transport, clock=clock) as opened:
        yield opened
