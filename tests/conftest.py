"""Fixtures: settings from dicts, the sandbox in-process, the host over it, both ledgers."""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from webview_host.app import create_app
from webview_host.sandbox.settings import SandboxSettings
from webview_host.settings import Settings

HOST = "http://127.0.0.1:8000"
PARTNER_KEY = "dev-partner-key"
POSTGRES_URL = os.environ.get(
    "WVH_TEST_POSTGRES_URL", "postgresql://postgres:postgres@127.0.0.1:5432/test"
)


class Clock:
    """Real time plus an offset the test can advance (tokens, price fix, nonces)."""

    def __init__(self, *, frozen: bool = False) -> None:
        self.offset = 0.0
        self.frozen_at = time.time() if frozen else None

    def __call__(self) -> float:
        return (self.frozen_at or time.time()) + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


def make_settings(**overrides: str) -> Settings:
    env = {"WVH_PUBLIC_URL": HOST}
    env.update({f"WVH_{k.upper()}": v for k, v in overrides.items()})
    return Settings.from_env(env)


def make_sandbox_settings(**overrides: str) -> SandboxSettings:
    """The sandbox's settings as `make run` gives them, plus `WVH_<NAME>` overrides."""
    env = {"WVH_SANDBOX": "1", "WVH_PUBLIC_URL": HOST}
    env.update({f"WVH_{k.upper()}": v for k, v in overrides.items()})
    return SandboxSettings.from_env(env)


def customer_payload(external_id: str | None = None, **changes: Any) -> dict[str, Any]:
    customer = {
        "external_id": f"cust-{uuid.uuid4().hex[:10]}" if external_id is None else external_id,
        "firstname": "Ayşe",
        "lastname": "Yılmaz",
        "email": "ayse@example.com",
        "phone": "+905330000000",
        "gender": "F",
        "identity_number": "10000000146",
        "birthdate": "1990-01-31",
    }
    customer.update(changes)
    return customer


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


def _postgres_schema_url() -> Iterator[str]:
    """A fresh schema per test, so tests never see each other's rows."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/ledger.sqlite3"
    else:
        yield from _postgres_schema_url()


@pytest.fixture
def sqlite_url(tmp_path: Any) -> str:
    return f"sqlite:///{tmp_path}/ledger.sqlite3"


def host_client(
    sandbox: Starlette,
    database_url: str,
    clock: Clock | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    **overrides: str,
) -> TestClient:
    settings = make_settings(database_url=database_url, **overrides)
    app = create_app(
        settings,
        minted_transport=transport or httpx.ASGITransport(app=sandbox),
        clock=clock or time.time,
    )
    return TestClient(app, base_url=HOST, follow_redirects=False)


@pytest.fixture
def host(sandbox: Starlette, sqlite_url: str, clock: Clock) -> Iterator[TestClient]:
    with host_client(sandbox, sqlite_url, clock) as client:
        yield client


@pytest.fixture
def any_host(sandbox: Starlette, database_url: str, clock: Clock) -> Iterator[TestClient]:
    """The host over each ledger backend in turn."""
    with host_client(sandbox, database_url, clock) as client:
        yield client


# --- flow helpers ---------------------------------------------------------------


def create_launch(
    client: TestClient, customer: dict[str, Any] | None = None, **body: Any
) -> httpx.Response:
    payload = {"customer": customer or customer_payload(), "locale": "en", **body}
    return client.post(
        "/api/v1/launches", json=payload, headers={"Authorization": f"Bearer {PARTNER_KEY}"}
    )


def enter_shop(client: TestClient, customer: dict[str, Any] | None = None) -> str:
    """Launch and exchange the code; returns the Minted token the session holds."""
    response = create_launch(client, customer)
    assert response.status_code == 201, response.text
    path = response.json()["launch_url"].removeprefix(HOST)
    exchanged = client.get(path)
    assert exchanged.status_code == 303, exchanged.text
    return webview_token(client)


def webview_token(client: TestClient) -> str:
    shell = client.get("/shop")
    assert shell.status_code == 200, shell.text
    match = re.search(r'<iframe[^>]*src="[^"]*\?token=([A-Za-z0-9]+)&amp;lang=(tr|en)"', shell.text)
    assert match, "the shell embeds the webview with the session's token"
    return match.group(1)


def put_item(sandbox_client: TestClient, token: str, sku: str, quantity: int) -> dict[str, Any]:
    response = sandbox_client.put(
        f"/webview/api/basket/items/{sku}",
        json={"quantity": quantity},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    basket: dict[str, Any] = response.json()["basket"]
    return basket


def review_form(client: TestClient) -> dict[str, str]:
    page = client.get("/checkout")
    assert page.status_code == 200, page.text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    basket = re.search(r'name="basket" value="([^"]+)"', page.text)
    assert csrf, "the review page has a Confirm form"
    assert basket, "the Confirm form carries the signed basket reference"
    return {"csrf": csrf.group(1), "basket": basket.group(1)}


def confirm(client: TestClient, form: dict[str, str]) -> httpx.Response:
    return client.post("/checkout/complete", data=form, headers={"Origin": HOST})
