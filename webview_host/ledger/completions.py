"""The `completions` table: one row per basket, claimed once, changed by compare-and-set.

`basket_key` is UNIQUE: claiming a basket is an `INSERT ... ON CONFLICT DO
NOTHING`, and every later state change is a compare-and-set on the current
state, so only one request, on any instance, ever owns the right to call
Minted Complete for a basket (the states are drawn in `completion.py`).

Every change runs in one transaction with the observers registered through
`on_change` (the webhook outbox writes its event there), so a state and what
it causes are recorded together or not at all. An observer is told the state
the row had before the change, so it can tell a settled `unknown` apart.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ..types import Locale
from .backends import Database, Executor
from .completion import (
    COLUMNS,
    Completion,
    CompletionState,
    ErrorKind,
    money_text,
    support_code,
)

# observer(db, changed row, state before the change), inside the change's transaction.
Observer = Callable[[Executor, Completion, CompletionState], None]


class Completions:
    """The `completions` table and its compare-and-set transitions."""

    def __init__(self, database: Database, clock: Callable[[], float] = time.time) -> None:
        self._db = database
        self._clock = clock
        self._observers: list[Observer] = []

    def on_change(self, observer: Observer) -> None:
        """Call `observer(db, completion, before)` inside the transaction of every state
        change (not the claim)."""
        self._observers.append(observer)

    async def find(self, key: str) -> Completion | None:
        rows = await self._db.execute(
            f"SELECT {COLUMNS} FROM completions WHERE basket_key = ?", key
        )
        return Completion.from_row(rows[0]) if rows else None

    async def get(self, completion_id: str) -> Completion | None:
        rows = await self._db.execute(
            f"SELECT {COLUMNS} FROM completions WHERE id = ?", completion_id
        )
        return Completion.from_row(rows[0]) if rows else None

    async def current(self, completion: Completion) -> Completion:
        """The row as it is now (completions are never deleted)."""
        latest = await self.get(completion.id)
        assert latest is not None, "completions are never deleted"
        return latest

    async def of_customer(
        self, customer_id: str, *, limit: int, offset: int
    ) -> tuple[list[Completion], int]:
        """The customer's completions, newest first; and how many there are in all."""
        total = await self._db.execute(
            "SELECT COUNT(*) AS n FROM completions WHERE customer_id = ?", customer_id
        )
        rows = await self._db.execute(
            f"SELECT {COLUMNS} FROM completions WHERE customer_id = ? "
            "ORDER BY created_at DESC, id LIMIT ? OFFSET ?",
            customer_id,
            limit,
            offset,
        )
        return [Completion.from_row(row) for row in rows], int(total[0]["n"])

    async def count_by_state(self) -> dict[str, int]:
        """How many completions are in each state (for the metrics)."""
        rows = await self._db.execute("SELECT state, COUNT(*) AS n FROM completions GROUP BY state")
        counts = {str(state): 0 for state in CompletionState}
        counts.update({row["state"]: int(row["n"]) for row in rows})
        return counts

    async def latest(self, customer_id: str, *, since: float) -> Completion | None:
        """The customer's most recently started completion updated since `since`, if any."""
        rows = await self._db.execute(
            f"SELECT {COLUMNS} FROM completions WHERE customer_id = ? "
            "AND updated_at >= ? ORDER BY created_at DESC LIMIT 1",
            customer_id,
            since,
        )
        return Completion.from_row(rows[0]) if rows else None

    async def claim(
        self,
        *,
        key: str,
        customer_id: str,
        launch_id: str | None,
        basket_guid: str,
        cart_token: str,
        locale: Locale,
        total: Decimal | None,
        currency: str | None,
        review_id: str | None = None,
    ) -> tuple[Completion, bool]:
        """Insert the pending row for this basket; `(row, True)` only for the one winner."""
        now = self._clock()
        completion_id = secrets.token_urlsafe(12)
        rows = await self._db.execute(
            "INSERT INTO completions (id, basket_key, customer_id, launch_id, basket_guid, "
            "cart_token, locale, state, retryable, attempts, total, currency, support_code, "
            "created_at, updated_at, review_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 1, ?, ?, ?, ?, ?, ?) "
            f"ON CONFLICT (basket_key) DO NOTHING RETURNING {COLUMNS}",
            completion_id,
            key,
            customer_id,
            launch_id,
            basket_guid,
            cart_token,
            locale,
            CompletionState.PENDING,
            money_text(total),
            currency,
            support_code(completion_id),
            now,
            now,
            review_id,
        )
        if rows:
            return Completion.from_row(rows[0]), True
        existing = await self.find(key)
        assert existing is not None, "a conflicting row exists by definition"
        return existing, False

    async def reclaim(
        self,
        completion: Completion,
        *,
        total: Decimal | None,
        currency: str | None,
        review_id: str | None = None,
    ) -> Completion | None:
        """Take a retryable failed row back to pending; None if another request did first."""
        return await self._change(
            "state = ?, retryable = 0, attempts = attempts + 1, error_kind = NULL, "
            "total = ?, currency = ?, updated_at = ?, sent_at = NULL, review_id = ?",
            [CompletionState.PENDING, money_text(total), currency, self._clock(), review_id],
            "id = ? AND state = ? AND retryable = 1",
            [completion.id, CompletionState.FAILED],
            before=CompletionState.FAILED,
        )

    async def mark_sent(self, completion: Completion) -> Completion | None:
        """Record that Complete is about to leave; None when the row is no longer this
        attempt's to send (a stale takeover settled it meanwhile)."""
        now = self._clock()
        return await self._change(
            "sent_at = ?, updated_at = ?",
            [now, now],
            "id = ? AND state = ? AND sent_at IS NULL AND attempts = ?",
            [completion.id, CompletionState.PENDING, completion.attempts],
            before=CompletionState.PENDING,
        )

    async def open_ones(self, *, stale_before: float, limit: int) -> list[Completion]:
        """Unknown completions and stale pending ones, oldest first: what a sweep settles."""
        rows = await self._db.execute(
            f"SELECT {COLUMNS} FROM completions WHERE state = ? "
            "OR (state = ? AND updated_at < ?) ORDER BY updated_at LIMIT ?",
            CompletionState.UNKNOWN,
            CompletionState.PENDING,
            stale_before,
            limit,
        )
        return [Completion.from_row(row) for row in rows]

    async def transition(
        self,
        completion: Completion,
        *,
        from_states: tuple[CompletionState, ...],
        state: CompletionState,
        retryable: bool = False,
        error_kind: ErrorKind | None = None,
        order_guid: str | None = None,
        increment_id: str | None = None,
        order_code: str | None = None,
        total: Decimal | None = None,
        currency: str | None = None,
        stale_before: float | None = None,
        sent: bool | None = None,
    ) -> Completion | None:
        """Compare-and-set the state; None when the row was no longer in `from_states`
        (or, with `stale_before`, was updated since then; or, with `sent`, its Complete
        had or had not been sent)."""
        where = f"id = ? AND state IN ({', '.join('?' for _ in from_states)})"
        where_params: list[Any] = [completion.id, *from_states]
        if stale_before is not None:
            where += " AND updated_at < ?"
            where_params.append(stale_before)
        if sent is not None:
            where += " AND sent_at IS NOT NULL" if sent else " AND sent_at IS NULL"
        return await self._change(
            "state = ?, retryable = ?, error_kind = ?, "
            "order_guid = COALESCE(?, order_guid), increment_id = COALESCE(?, increment_id), "
            "order_code = COALESCE(?, order_code), total = COALESCE(?, total), "
            "currency = COALESCE(?, currency), updated_at = ?",
            [
                state,
                int(retryable),
                error_kind,
                order_guid,
                increment_id,
                order_code,
                money_text(total),
                currency,
                self._clock(),
            ],
            where,
            where_params,
            before=from_states[0] if len(from_states) == 1 else None,
        )

    async def _change(
        self,
        assignments: str,
        params: list[Any],
        where: str,
        where_params: list[Any],
        *,
        before: CompletionState | None,
    ) -> Completion | None:
        """Apply one compare-and-set; `before` is the state the WHERE clause requires, or
        None when it allows several (the row is then read, locked, first)."""
        sql = f"UPDATE completions SET {assignments} WHERE {where} RETURNING {COLUMNS}"
        lock = " FOR UPDATE" if self._db.name == "postgresql" else ""

        def work(db: Executor) -> Completion | None:
            previous = before
            if previous is None:
                found = db.execute(f"SELECT state FROM completions WHERE id = ?{lock}", [params_id])
                if not found:
                    return None
                previous = CompletionState(found[0]["state"])
            rows = db.execute(sql, [*params, *where_params])
            if not rows:
                return None
            changed = Completion.from_row(rows[0])
            for observer in self._observers:
                observer(db, changed, previous)
            return changed

        params_id = where_params[0]  # every WHERE starts with `id = ?`

        if not self._observers:  # one statement is atomic on its own: skip BEGIN/COMMIT
            rows = await self._db.execute(sql, *params, *where_params)
            return Completion.from_row(rows[0]) if rows else None
        return await self._db.transaction(work)
