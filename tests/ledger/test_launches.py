"""Launch codes on both backends: stored hashed, used once, short-lived, profiles purged."""

from __future__ import annotations

import asyncio

import pytest

from tests.helpers import Clock
from webview_host.ledger import Launches, LaunchRefused, Ledger, hash_code

pytestmark = pytest.mark.anyio

CUSTOMER = {"external_id": "c-1", "firstname": "A", "identity_number": "10000000146"}


async def _launch(launches: Launches, code: str = "code-1", ttl: int = 60) -> None:
    await launches.add(
        code, customer=CUSTOMER, locale="tr", return_url=None, ttl=ttl, keep_profile_for=3600
    )


async def test_launch_code_is_used_once(ledger: Ledger) -> None:
    await _launch(ledger.launches)
    launch = await ledger.launches.consume("code-1")
    assert launch.customer == CUSTOMER
    assert launch.locale == "tr"
    with pytest.raises(LaunchRefused) as again:
        await ledger.launches.consume("code-1")
    assert again.value.reason == "used"
    assert again.value.locale == "tr"
    with pytest.raises(LaunchRefused) as unknown:
        await ledger.launches.consume("never-issued")
    assert unknown.value.reason == "unknown"
    assert unknown.value.locale is None


async def test_launch_code_expires(ledger: Ledger, ledger_clock: Clock) -> None:
    await _launch(ledger.launches, ttl=60)
    ledger_clock.advance(61)
    with pytest.raises(LaunchRefused) as caught:
        await ledger.launches.consume("code-1")
    assert caught.value.reason == "expired"


async def test_launch_code_is_stored_hashed(ledger: Ledger) -> None:
    await _launch(ledger.launches, code="plain-secret-code")
    rows = await ledger.database.execute("SELECT * FROM launches")
    assert [row["code_hash"] for row in rows] == [hash_code("plain-secret-code")]
    assert "plain-secret-code" not in repr(rows)


async def test_released_code_can_be_used_again(ledger: Ledger) -> None:
    await _launch(ledger.launches)
    await ledger.launches.consume("code-1")
    await ledger.launches.release("code-1")
    assert (await ledger.launches.consume("code-1")).customer_id == "c-1"


async def test_an_expired_code_is_not_released(ledger: Ledger, ledger_clock: Clock) -> None:
    await _launch(ledger.launches, ttl=60)
    await ledger.launches.consume("code-1")
    ledger_clock.advance(61)
    await ledger.launches.release("code-1")
    with pytest.raises(LaunchRefused) as caught:
        await ledger.launches.consume("code-1")
    assert caught.value.reason == "used"


async def test_profiles_are_purged_after_the_session_lifetime(
    ledger: Ledger, ledger_clock: Clock
) -> None:
    await _launch(ledger.launches, code="old")
    launch = await ledger.launches.consume("old")
    assert await ledger.launches.customer(launch.id) == CUSTOMER
    ledger_clock.advance(3600 + 61)
    await _launch(ledger.launches, code="new")
    assert await ledger.launches.customer(launch.id) is None


async def test_concurrent_consumers_get_the_code_once(ledger: Ledger) -> None:
    await _launch(ledger.launches)
    results = await asyncio.gather(
        *(ledger.launches.consume("code-1") for _ in range(20)), return_exceptions=True
    )
    assert sum(not isinstance(r, BaseException) for r in results) == 1
    assert all(isinstance(r, LaunchRefused) for r in results if isinstance(r, BaseException))
