"""The sandbox in-process with a frozen clock, for tests that move time."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.helpers import Clock, make_sandbox_settings
from webview_host.sandbox.app import create_app


@pytest.fixture
def frozen_clock() -> Clock:
    return Clock(frozen=True)


@pytest.fixture
def frozen_sandbox(frozen_clock: Clock) -> Starlette:
    return create_app(make_sandbox_settings(), clock=frozen_clock)


@pytest.fixture
def frozen_client(frozen_sandbox: Starlette) -> Iterator[TestClient]:
    with TestClient(frozen_sandbox, base_url="http://127.0.0.1:8001") as client:
        yield client
