"""Completions on both backends: one row per basket, compare-and-set transitions, observers."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from tests.helpers import Clock
from webview_host.ledger import (
    Completion,
    CompletionState,
    Executor,
    Ledger,
    basket_key,
    support_code,
)

pytestmark = pytest.mark.anyio

PENDING, COMPLETED, FAILED, UNKNOWN = (
    CompletionState.PENDING,
    CompletionState.COMPLETED,
    CompletionState.FAILED,
    CompletionState.UNKNOWN,
)


async def _claim(ledger: Ledger, key: str = "k1") -> tuple[Completion, bool]:
    return await ledger.completions.claim(
        key=key,
        customer_id="c-1",
        launch_id=None,
        basket_guid="G",
        cart_token="t" * 32,
        locale="tr",
        total=Decimal("2960.30"),
        currency="TRY",
    )


async def _rows(ledger: Ledger) -> int:
    rows = await ledger.database.execute("SELECT COUNT(*) AS n FROM completions")
    return int(rows[0]["n"])


async def test_a_basket_is_claimed_once(ledger: Ledger) -> None:
    first, won = await _claim(ledger)
    second, won_again = await _claim(ledger)
    assert won
    assert not won_again
    assert second == first
    assert first.state is PENDING
    assert first.total == Decimal("2960.30")
    assert first.support_code == support_code(first.id)
    assert await _rows(ledger) == 1


async def test_concurrent_claims_have_one_winner(ledger: Ledger) -> None:
    results = await asyncio.gather(*(_claim(ledger) for _ in range(50)))
    assert sum(won for _, won in results) == 1
    assert len({c.id for c, _ in results}) == 1
    assert await _rows(ledger) == 1


async def test_claims_from_two_ledger_instances_have_one_winner(
    database_url: str, ledger_clock: Clock
) -> None:
    """Two processes' worth of ledgers on one database: uniqueness is the database's."""
    a = Ledger.open(database_url, clock=ledger_clock)
    b = Ledger.open(database_url, clock=ledger_clock)
    try:
        await a.migrate()
        results = await asyncio.gather(
            *(_claim(a if i % 2 else b, key="shared") for i in range(40))
        )
        assert [won for _, won in results].count(True) == 1
        assert len({c.id for c, _ in results}) == 1
    finally:
        await a.close()
        await b.close()


async def test_transitions_are_compare_and_set(ledger: Ledger) -> None:
    pending, _ = await _claim(ledger)
    assert pending.in_progress
    done = await ledger.completions.transition(
        pending,
        from_states=(PENDING,),
        state=COMPLETED,
        order_guid="O-1",
        order_code="ABC",
        total=Decimal("1.10"),
    )
    assert done is not None
    assert done.state is COMPLETED
    assert done.total == Decimal("1.10")
    assert done.currency == "TRY", "unset fields keep their value"
    assert done.terminal
    assert not done.in_progress
    late = await ledger.completions.transition(pending, from_states=(PENDING,), state=FAILED)
    assert late is None, "a finished completion cannot be overwritten"
    assert (await ledger.completions.current(pending)).state is COMPLETED


async def test_failed_retryable_is_reclaimed_once(ledger: Ledger) -> None:
    pending, _ = await _claim(ledger)
    failed = await ledger.completions.transition(
        pending, from_states=(PENDING,), state=FAILED, retryable=True, error_kind="price_lapsed"
    )
    assert failed is not None
    assert not failed.terminal
    assert not failed.in_progress
    assert failed.retry_allowed
    wins = await asyncio.gather(
        *(ledger.completions.reclaim(failed, total=Decimal(2), currency="TRY") for _ in range(10))
    )
    winners = [w for w in wins if w is not None]
    assert len(winners) == 1
    assert winners[0].attempts == 2
    assert winners[0].state is PENDING
    assert winners[0].error_kind is None


async def test_stale_guard(ledger: Ledger, ledger_clock: Clock) -> None:
    pending, _ = await _claim(ledger)
    fresh = await ledger.completions.transition(
        pending, from_states=(PENDING,), state=UNKNOWN, stale_before=ledger_clock() - 30
    )
    assert fresh is None, "a pending row updated recently is not stale"
    ledger_clock.advance(31)
    stale = await ledger.completions.transition(
        pending, from_states=(PENDING,), state=UNKNOWN, stale_before=ledger_clock() - 30
    )
    assert stale is not None


async def test_latest_completion_of_a_customer(ledger: Ledger, ledger_clock: Clock) -> None:
    await _claim(ledger, key="a")
    ledger_clock.advance(5)
    second, _ = await _claim(ledger, key="b")
    assert await ledger.completions.latest("c-1", since=ledger_clock() - 60) == second
    assert await ledger.completions.latest("c-1", since=ledger_clock() + 1) is None
    assert await ledger.completions.latest("someone-else", since=0) is None


async def test_observers_run_in_the_transaction_of_the_change(ledger: Ledger) -> None:
    """What an observer writes commits with the state change, and a failing observer
    undoes the change."""
    await ledger.database.execute("CREATE TABLE seen (id TEXT, state TEXT, before TEXT)")

    def record(db: Executor, completion: Completion, before: CompletionState) -> None:
        db.execute(
            "INSERT INTO seen (id, state, before) VALUES (?, ?, ?)",
            (completion.id, completion.state, before),
        )
        if completion.state is FAILED:
            raise RuntimeError("the observer fails")

    ledger.completions.on_change(record)
    pending, _ = await _claim(ledger)
    unknown = await ledger.completions.transition(pending, from_states=(PENDING,), state=UNKNOWN)
    assert unknown is not None
    assert unknown.in_progress, "an unknown outcome is still to be settled"
    with pytest.raises(RuntimeError):
        await ledger.completions.transition(unknown, from_states=(UNKNOWN,), state=FAILED)
    assert (await ledger.completions.current(pending)).state is UNKNOWN, "rolled back"
    seen = await ledger.database.execute("SELECT id, state, before FROM seen")
    assert seen == [{"id": pending.id, "state": "unknown", "before": "pending"}]


async def test_observers_are_told_the_state_before_a_change_from_several(ledger: Ledger) -> None:
    """A transition allowed from several states reads (and locks) the row first, so the
    observer still learns which state it left."""
    befores: list[CompletionState] = []
    ledger.completions.on_change(lambda db, completion, before: befores.append(before))
    pending, _ = await _claim(ledger)
    unknown = await ledger.completions.transition(pending, from_states=(PENDING,), state=UNKNOWN)
    assert unknown is not None
    settled = await ledger.completions.transition(
        unknown, from_states=(PENDING, UNKNOWN), state=COMPLETED
    )
    assert settled is not None
    assert befores == [PENDING, UNKNOWN]
    refused = await ledger.completions.transition(
        settled, from_states=(PENDING, UNKNOWN), state=FAILED
    )
    assert refused is None, "a completed row is in neither state"
    assert befores == [PENDING, UNKNOWN], "no observer call for a change that did not happen"


def test_basket_key_binds_customer_guid_and_cart_token() -> None:
    key = basket_key("c", "g", "t")
    assert key != basket_key("c2", "g", "t")
    assert key != basket_key("c", "g2", "t")
    assert key != basket_key("c", "g", "t2")


async def test_unknown_database_url_is_refused() -> None:
    with pytest.raises(ValueError, match="WVH_DATABASE_URL"):
        Ledger.open("mysql://nope")
