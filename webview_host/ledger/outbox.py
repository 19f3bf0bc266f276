"""The `outbox` table: webhook events, written with the ledger change they report.

An event row is inserted by `add` inside the transaction of a completion's
state change (see `completions.on_change`), so a crash can lose neither the
change nor its event. Delivery is at least once:

    pending ──claim──> (attempt n in flight, leased) ──> delivered
       ^                      │
       │                      ├──> pending, next_attempt_at = backoff   (failed, retry)
       └── redeliver ─────────┴──> dead                                 (given up)

`claim` takes due events and, in the same statement, counts the attempt and
leases the row (`next_attempt_at` moves past the delivery's deadline), so no
other worker takes it meanwhile: on PostgreSQL the due rows are picked with
`FOR UPDATE SKIP LOCKED`, on SQLite the one writer does it. Recording the
outcome is a compare-and-set on the attempt number: a worker that lost its
lease (it crashed, or a redelivery was asked) cannot overwrite a newer attempt.
A worker that dies mid-delivery leaves the lease to run out; the event is then
claimed again as the next attempt.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from enum import StrEnum

from .backends import Database, Executor, Row


class EventState(StrEnum):
    """Where a webhook event is on its way to the partner."""

    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"


_COLUMNS = (
    "id, type, completion_id, body, state, attempts, created_at, next_attempt_at, "
    "last_attempt_at, last_status, last_error, delivered_at"
)


@dataclasses.dataclass(frozen=True)
class Event:
    """One webhook event and its delivery so far; `body` is the exact JSON sent."""

    id: str
    type: str
    completion_id: str
    body: str
    state: EventState
    attempts: int
    created_at: float
    next_attempt_at: float
    last_attempt_at: float | None
    last_status: int | None
    last_error: str | None
    delivered_at: float | None

    @classmethod
    def from_row(cls, row: Row) -> Event:
        return cls(**{**row, "state": EventState(row["state"])})


@dataclasses.dataclass(frozen=True)
class Backlog:
    """Events not yet delivered: how many, the oldest one's creation, how many are overdue."""

    pending: int
    oldest_created_at: float | None
    overdue: int
    dead: int


class Outbox:
    """The `outbox` table."""

    def __init__(self, database: Database, clock: Callable[[], float] = time.time) -> None:
        self._db = database
        self._clock = clock

    @staticmethod
    def add(
        db: Executor, *, event_id: str, type: str, completion_id: str, body: str, now: float
    ) -> None:
        """Insert a pending event, inside the caller's transaction."""
        db.execute(
            "INSERT INTO outbox (id, type, completion_id, body, state, attempts, created_at, "
            "next_attempt_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
            (event_id, type, completion_id, body, EventState.PENDING, now, now),
        )

    async def claim(self, *, limit: int, lease: float) -> list[Event]:
        """Take up to `limit` due events for one attempt each, leased for `lease` seconds."""
        now = self._clock()
        lock = " FOR UPDATE SKIP LOCKED" if self._db.name == "postgresql" else ""
        rows = await self._db.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ?, next_attempt_at = ? "
            "WHERE id IN (SELECT id FROM outbox WHERE state = ? AND next_attempt_at <= ? "
            f"ORDER BY next_attempt_at LIMIT ?{lock}) RETURNING {_COLUMNS}",
            now,
            now + lease,
            EventState.PENDING,
            now,
            limit,
        )
        return sorted((Event.from_row(row) for row in rows), key=lambda e: e.created_at)

    async def delivered(self, event: Event, *, status: int) -> bool:
        """Record that this attempt was accepted; False when the attempt was not ours."""
        return await self._settle(
            event,
            "state = ?, last_status = ?, last_error = NULL, delivered_at = ?",
            [EventState.DELIVERED, status, self._clock()],
        )

    async def failed(
        self, event: Event, *, status: int | None, error: str, retry_at: float | None
    ) -> bool:
        """Record a failed attempt: retried at `retry_at`, or dead when it is None."""
        if retry_at is None:
            return await self._settle(
                event,
                "state = ?, last_status = ?, last_error = ?",
                [EventState.DEAD, status, error[:500]],
            )
        return await self._settle(
            event,
            "last_status = ?, last_error = ?, next_attempt_at = ?",
            [status, error[:500], retry_at],
        )

    async def _settle(self, event: Event, assignments: str, params: list[object]) -> bool:
        rows = await self._db.execute(
            f"UPDATE outbox SET {assignments} WHERE id = ? AND attempts = ? AND state = ? "
            "RETURNING id",
            *params,
            event.id,
            event.attempts,
            EventState.PENDING,
        )
        return bool(rows)

    async def redeliver(self, event_id: str) -> Event | None:
        """Make an event due now (a dead or delivered one too); None if there is no such event."""
        rows = await self._db.execute(
            "UPDATE outbox SET state = ?, next_attempt_at = ?, delivered_at = NULL "
            f"WHERE id = ? RETURNING {_COLUMNS}",
            EventState.PENDING,
            self._clock(),
            event_id,
        )
        return Event.from_row(rows[0]) if rows else None

    async def get(self, event_id: str) -> Event | None:
        rows = await self._db.execute(f"SELECT {_COLUMNS} FROM outbox WHERE id = ?", event_id)
        return Event.from_row(rows[0]) if rows else None

    async def page(
        self,
        *,
        state: EventState | None = None,
        completion_id: str | None = None,
        limit: int,
        offset: int,
    ) -> tuple[list[Event], int]:
        """Events newest first, filtered; and how many match in all."""
        where, params = "1 = 1", []
        if state is not None:
            where += " AND state = ?"
            params.append(str(state))
        if completion_id is not None:
            where += " AND completion_id = ?"
            params.append(completion_id)
        total = await self._db.execute(f"SELECT COUNT(*) AS n FROM outbox WHERE {where}", *params)
        rows = await self._db.execute(
            f"SELECT {_COLUMNS} FROM outbox WHERE {where} "
            "ORDER BY created_at DESC, id LIMIT ? OFFSET ?",
            *params,
            limit,
            offset,
        )
        return [Event.from_row(row) for row in rows], int(total[0]["n"])

    async def backlog(self, *, overdue_after: float) -> Backlog:
        """The undelivered events; `overdue` counts pending ones due for over `overdue_after`
        seconds (no worker is taking them: the outbox is stuck)."""
        now = self._clock()
        rows = await self._db.execute(
            "SELECT COUNT(*) AS pending, MIN(created_at) AS oldest, "
            "SUM(CASE WHEN next_attempt_at < ? THEN 1 ELSE 0 END) AS overdue "
            "FROM outbox WHERE state = ?",
            now - overdue_after,
            EventState.PENDING,
        )
        dead = await self._db.execute(
            "SELECT COUNT(*) AS n FROM outbox WHERE state = ?", EventState.DEAD
        )
        row = rows[0]
        return Backlog(
            pending=int(row["pending"]),
            oldest_created_at=row["oldest"],
            overdue=int(row["overdue"] or 0),
            dead=int(dead[0]["n"]),
        )
