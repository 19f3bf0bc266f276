"""The ledger on both backends: single-use launch codes, one row per basket, CAS transitions."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from tests.conftest import Clock
from webview_host.ledger import (
    COMPLETED,
    FAILED,
    PENDING,
    UNKNOWN,
    LaunchRefused,
    Ledger,
    basket_key,
    hash_code,
)

pytestmark = pytest.mark.anyio


@pytest.fixture
def ledger_clock() -> Clock:
    return Clock(frozen=True)


@pytest.fixture
async def ledger(database_url: str, ledger_clock: Clock) -> AsyncIterator[Ledger]:
    opened = Ledger.open(database_url, clock=ledger_clock)
    await opened.create_schema()
    await opened.create_schema()  # idempotent
    try:
        yield opened
    finally:
        await opened.close()


CUSTOMER = {"external_id": "c-1", "firstname": "A", "identity_number": "10000000146"}


async def _launch(ledger: Ledger, code: str = "code-1", ttl: int = 60) -> None:
    await ledger.add_launch(
        code, customer=CUSTOMER, locale="tr", return_url=None, ttl=ttl, keep_profile_for=3600
    )


async def test_launch_code_is_used_once(ledger: Ledger) -> None:
    await _launch(ledger)
    launch = await ledger.consume_launch("code-1")
    assert launch.customer == CUSTOMER
    with pytest.raises(LaunchRefused) as again:
        await ledger.consume_launch("code-1")
    assert again.value.reason == "used"
    with pytest.raises(LaunchRefused) as unknown:
        await ledger.consume_launch("never-issued")
    assert unknown.value.reason == "unknown"


async def test_launch_code_expires(ledger: Ledger, ledger_clock: Clock) -> None:
    await _launch(ledger, ttl=60)
    ledger_clock.advance(61)
    with pytest.raises(LaunchRefused) as caught:
        await ledger.consume_launch("code-1")
    assert caught.value.reason == "expired"


async def test_launch_code_is_stored_hashed(ledger: Ledger) -> None:
    await _launch(ledger, code="plain-secret-code")
    rows, _ = await ledger._run("SELECT code_hash FROM launches")
    assert rows == [(hash_code("plain-secret-code"),)]


async def test_released_code_can_be_used_again(ledger: Ledger) -> None:
    await _launch(ledger)
    await ledger.consume_launch("code-1")
    await ledger.release_launch("code-1")
    assert (await ledger.consume_launch("code-1")).customer_id == "c-1"


async def test_profiles_are_purged_after_the_session_lifetime(
    ledger: Ledger, ledger_clock: Clock
) -> None:
    await _launch(ledger, code="old")
    launch = await ledger.consume_launch("old")
    ledger_clock.advance(3600 + 61)
    await _launch(ledger, code="new")
    assert await ledger.launch_customer(launch.id) is None


async def test_concurrent_consumers_get_the_code_once(ledger: Ledger) -> None:
    await _launch(ledger)
    results = await asyncio.gather(
        *(ledger.consume_launch("code-1") for _ in range(20)), return_exceptions=True
    )
    assert sum(not isinstance(r, Exception) for r in results) == 1


async def _claim(ledger: Ledger, key: str = "k1") -> tuple[object, bool]:
    return await ledger.claim(
        key=key,
        customer_id="c-1",
        launch_id=None,
        basket_guid="G",
        cart_token="t" * 32,
        locale="tr",
        total=Decimal("2960.30"),
        currency="TRY",
    )


async def test_a_basket_is_claimed_once(ledger: Ledger) -> None:
    first, won = await _claim(ledger)
    second, won_again = await _claim(ledger)
    assert won
    assert not won_again
    assert second == first
    assert await ledger.count_completions() == 1


async def test_concurrent_claims_have_one_winner(ledger: Ledger) -> None:
    results = await asyncio.gather(*(_claim(ledger) for _ in range(50)))
    assert sum(won for _, won in results) == 1
    assert len({c.id for c, _ in results}) == 1  # type: ignore[attr-defined]
    assert await ledger.count_completions() == 1


async def test_claims_from_two_ledger_instances_have_one_winner(
    database_url: str, ledger_clock: Clock
) -> None:
    """Two processes' worth of ledgers on one database: uniqueness is the database's."""
    a = Ledger.open(database_url, clock=ledger_clock)
    b = Ledger.open(database_url, clock=ledger_clock)
    await a.create_schema()
    results: list[bool] = []
    lock = threading.Lock()

    async def claim(ledger: Ledger) -> None:
        _, won = await _claim(ledger, key="shared")
        with lock:
            results.append(won)

    await asyncio.gather(*(claim(a if i % 2 else b) for i in range(40)))
    assert results.count(True) == 1
    await a.close()
    await b.close()


async def test_transitions_are_compare_and_set(ledger: Ledger) -> None:
    pending, _ = await _claim(ledger)
    done = await ledger.transition(
        pending,
        from_states=(PENDING,),
        state=COMPLETED,  # type: ignore[arg-type]
        order_guid="O-1",
        order_code="ABC",
        total=Decimal("1.10"),
    )
    assert done is not None
    assert done.state == COMPLETED
    assert done.total == Decimal("1.10")
    assert done.terminal
    late = await ledger.transition(pending, from_states=(PENDING,), state=FAILED)  # type: ignore[arg-type]
    assert late is None, "a finished completion cannot be overwritten"


async def test_failed_retryable_is_reclaimed_once(ledger: Ledger) -> None:
    pending, _ = await _claim(ledger)
    failed = await ledger.transition(
        pending,
        from_states=(PENDING,),
        state=FAILED,  # type: ignore[arg-type]
        retryable=True,
        error_kind="price_lapsed",
    )
    assert failed is not None
    assert not failed.terminal
    wins = await asyncio.gather(
        *(ledger.reclaim(failed, total=Decimal(2), currency="TRY") for _ in range(10))
    )
    winners = [w for w in wins if w is not None]
    assert len(winners) == 1
    assert winners[0].attempts == 2
    assert winners[0].state == PENDING
    assert winners[0].error_kind is None


async def test_stale_guard(ledger: Ledger, ledger_clock: Clock) -> None:
    pending, _ = await _claim(ledger)
    fresh = await ledger.transition(
        pending,
        from_states=(PENDING,),
        state=UNKNOWN,  # type: ignore[arg-type]
        stale_before=ledger_clock() - 30,
    )
    assert fresh is None, "a pending row updated recently is not stale"
    ledger_clock.advance(31)
    stale = await ledger.transition(
        pending,
        from_states=(PENDING,),
        state=UNKNOWN,  # type: ignore[arg-type]
        stale_before=ledger_clock() - 30,
    )
    assert stale is not None


def test_basket_key_binds_customer_guid_and_cart_token() -> None:
    key = basket_key("c", "g", "t")
    assert key != basket_key("c2", "g", "t")
    assert key != basket_key("c", "g2", "t")
    assert key != basket_key("c", "g", "t2")


async def test_unknown_database_url_is_refused() -> None:
    with pytest.raises(ValueError, match="WVH_DATABASE_URL"):
        Ledger.open("mysql://nope")
