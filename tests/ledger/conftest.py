"""A migrated ledger on each backend, with a frozen clock the test can advance."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.helpers import Clock
from webview_host.ledger import Ledger


@pytest.fixture
def ledger_clock() -> Clock:
    return Clock(frozen=True)


@pytest.fixture
async def ledger(database_url: str, ledger_clock: Clock) -> AsyncIterator[Ledger]:
    opened = Ledger.open(database_url, clock=ledger_clock)
    await opened.migrate()
    try:
        yield opened
    finally:
        await opened.close()
