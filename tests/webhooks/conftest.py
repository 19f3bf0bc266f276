"""Fixtures: a host whose webhooks go to an in-process receiver, on an injected clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.helpers import Clock, host_client
from tests.webhooks.receiver import SECRET, WEBHOOK_URL, Receiver


@pytest.fixture
def receiver() -> Receiver:
    return Receiver()


@pytest.fixture
def webhook_host(
    sandbox: Starlette, database_url: str, clock: Clock, receiver: Receiver
) -> Iterator[TestClient]:
    """The host over each ledger, webhooks on, no background worker: tests run it."""
    with host_client(
        sandbox,
        database_url,
        clock,
        webhook_transport=receiver,
        webhook_url=WEBHOOK_URL,
        webhook_secrets=SECRET,
        webhook_poll_interval="0",
    ) as client:
        yield client
