"""Several workers on one PostgreSQL outbox: each attempt is made by one worker, once; a
worker that dies mid-delivery leaves the event to be taken again after its lease."""

from __future__ import annotations

import collections

import anyio
import httpx
import psycopg
import pytest

from tests.helpers import Clock, postgres_schema
from webview_host.environment import Secret
from webview_host.ledger import EventState, Executor, Ledger, Outbox
from webview_host.webhooks import Backoff, Dispatcher

pytestmark = [pytest.mark.anyio]


class CountingReceiver(httpx.AsyncBaseTransport):
    """Accepts every event after yielding to the other worker; counts deliveries per id."""

    def __init__(self) -> None:
        self.by_event: collections.Counter[str] = collections.Counter()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await anyio.sleep(0.001)  # let the other worker run while this one "waits on the net"
        body = await request.aread()
        self.by_event[httpx.Response(200, content=body).json()["id"]] += 1
        return httpx.Response(204)


async def add_events(ledger: Ledger, count: int, now: float) -> list[str]:
    ids = [f"evt_test{n:04d}" for n in range(count)]

    def work(db: Executor) -> None:
        for event_id in ids:
            Outbox.add(
                db,
                event_id=event_id,
                type="order.completed",
                completion_id="c",
                body=f'{{"id":"{event_id}"}}',
                now=now,
            )

    await ledger.database.transaction(work)
    return ids


def dispatcher(ledger: Ledger, receiver: httpx.AsyncBaseTransport, clock: Clock) -> Dispatcher:
    return Dispatcher(
        ledger.outbox,
        url="https://partner.example/hook",
        secrets=[Secret("partner-webhook-secret-1")],
        timeout=5,
        backoff=Backoff(),
        clock=clock,
        transport=receiver,
    )


@pytest.mark.postgres
@pytest.mark.parametrize("run", range(3))
async def test_two_workers_never_deliver_the_same_attempt_twice(run: int) -> None:
    clock = Clock()
    receiver = CountingReceiver()
    with postgres_schema() as url:
        ledgers = [Ledger.open(url, clock=clock) for _ in range(2)]
        try:
            await ledgers[0].migrate()
            ids = await add_events(ledgers[0], 90, clock())
            workers = [dispatcher(ledger, receiver, clock) for ledger in ledgers]
            delivered_by: list[int] = [0, 0]

            async def drain(index: int) -> None:
                while results := await workers[index].run_once():
                    delivered_by[index] += sum(o == "delivered" for _, o in results)

            async with anyio.create_task_group() as group:
                group.start_soon(drain, 0)
                group.start_soon(drain, 1)
            for worker in workers:
                await worker.aclose()
            assert receiver.by_event == dict.fromkeys(ids, 1), "each event once, none missed"
            assert sum(delivered_by) == len(ids)
            assert all(delivered_by), "both workers took a share"
            page, _ = await ledgers[0].outbox.page(limit=100, offset=0)
            assert {(e.state, e.attempts) for e in page} == {(EventState.DELIVERED, 1)}
        finally:
            for ledger in ledgers:
                await ledger.close()


@pytest.mark.postgres
async def test_a_claim_skips_events_another_worker_has_locked() -> None:
    """FOR UPDATE SKIP LOCKED: a row locked by another transaction is passed over at once,
    not waited for. The worker's connections give up waiting for a lock after 5 s
    (`lock_timeout`), so a claim that waits fails the test instead of hanging it: the
    claim runs in a worker thread that no cancel scope can interrupt."""
    clock = Clock()
    with postgres_schema() as url:
        ledger = Ledger.open(f"{url}%20-clock_timeout%3D5s", clock=clock)
        try:
            await ledger.migrate()
            first, second = await add_events(ledger, 2, clock())
            with psycopg.connect(url) as other, other.transaction():
                other.execute("SELECT id FROM outbox WHERE id = %s FOR UPDATE", (first,))
                claimed = await ledger.outbox.claim(limit=10, lease=60)
            assert [e.id for e in claimed] == [second]
        finally:
            await ledger.close()


async def test_a_worker_that_dies_mid_delivery_leaves_the_event_to_the_next_attempt(
    database_url: str,
) -> None:
    clock = Clock()
    ledger = Ledger.open(database_url, clock=clock)
    receiver = CountingReceiver()
    try:
        await ledger.migrate()
        [event_id] = await add_events(ledger, 1, clock())
        [taken] = await ledger.outbox.claim(limit=10, lease=40)  # ...and the worker dies
        assert taken.attempts == 1
        worker = dispatcher(ledger, receiver, clock)
        assert await worker.run_once() == [], "leased: nobody else takes it meanwhile"
        clock.advance(41)
        [(event, outcome)] = await worker.run_once()
        assert (event.id, event.attempts, outcome) == (event_id, 2, "delivered")
        assert not await ledger.outbox.failed(taken, status=None, error="late", retry_at=1.0), (
            "the dead worker's attempt can no longer overwrite the outcome"
        )
        await worker.aclose()
        assert receiver.by_event == {event_id: 1}
    finally:
        await ledger.close()


class Silent(httpx.AsyncBaseTransport):
    """A receiver that accepts the connection and never answers."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await anyio.sleep_forever()
        raise AssertionError("unreachable")


async def test_an_attempt_that_gets_no_answer_ends_at_its_deadline(sqlite_url: str) -> None:
    """One deadline per attempt covers the whole exchange, however the receiver stalls."""
    clock = Clock()
    ledger = Ledger.open(sqlite_url, clock=clock)
    try:
        await ledger.migrate()
        await add_events(ledger, 1, clock())
        worker = Dispatcher(
            ledger.outbox,
            url="https://partner.example/hook",
            secrets=[Secret("partner-webhook-secret-1")],
            timeout=0.05,
            backoff=Backoff(),
            clock=clock,
            transport=Silent(),
        )
        with anyio.fail_after(10):
            [(event, outcome)] = await worker.run_once()
        await worker.aclose()
        assert outcome == "failed"
        failed = await ledger.outbox.get(event.id)
        assert failed is not None
        assert failed.last_error == "no answer within 0.05 s"
    finally:
        await ledger.close()
