"""The durable record: launch codes and completions.

Launch codes are stored hashed, used once, short-lived. A completion is one
row per basket (`basket_key` is UNIQUE): claiming a basket is an
`INSERT ... ON CONFLICT DO NOTHING`, and every later state change is a
compare-and-set on the current state, so only one request, on any instance,
ever owns the right to call Minted Complete for a basket.

    pending ──> completed           (Minted answered with the order)
       │  ├──> failed               (Minted refused or could not be reached;
       │  │                          `retryable` rows may be claimed again)
       │  └──> unknown ──> completed | failed   (answer lost; reconciled by reading Minted)
       └─ stale pending is treated as unknown (a crash between claim and answer)
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import secrets
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from anyio import to_thread

from .backends import Backend, Row, open_backend

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS launches (
        id TEXT PRIMARY KEY,
        code_hash TEXT NOT NULL UNIQUE,
        customer_id TEXT NOT NULL,
        customer_json TEXT NOT NULL,
        locale TEXT NOT NULL,
        return_url TEXT,
        created_at DOUBLE PRECISION NOT NULL,
        expires_at DOUBLE PRECISION NOT NULL,
        consumed_at DOUBLE PRECISION
    )""",
    "CREATE INDEX IF NOT EXISTS launches_created ON launches (created_at)",
    """CREATE TABLE IF NOT EXISTS completions (
        id TEXT PRIMARY KEY,
        basket_key TEXT NOT NULL UNIQUE,
        customer_id TEXT NOT NULL,
        launch_id TEXT,
        basket_guid TEXT NOT NULL,
        cart_token TEXT NOT NULL,
        locale TEXT NOT NULL,
        state TEXT NOT NULL,
        retryable INTEGER NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL,
        total TEXT,
        currency TEXT,
        order_guid TEXT,
        increment_id TEXT,
        order_code TEXT,
        error_kind TEXT,
        support_code TEXT NOT NULL,
        created_at DOUBLE PRECISION NOT NULL,
        updated_at DOUBLE PRECISION NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS completions_customer ON completions (customer_id)",
)

PENDING, COMPLETED, FAILED, UNKNOWN = "pending", "completed", "failed", "unknown"

_COMPLETION_COLUMNS = (
    "id, basket_key, customer_id, launch_id, basket_guid, cart_token, locale, state, retryable, "
    "attempts, total, currency, order_guid, increment_id, order_code, error_kind, support_code, "
    "created_at, updated_at"
)


def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def basket_key(customer_id: str, guid: str, cart_token: str) -> str:
    """The one key per basket that makes Complete exactly-once."""
    return hashlib.sha256(f"{customer_id}\x00{guid}\x00{cart_token}".encode()).hexdigest()


@dataclasses.dataclass(frozen=True)
class Launch:
    """A consumed launch: who, in which language, where to return."""

    id: str
    customer_id: str
    customer: dict[str, Any] = dataclasses.field(repr=False)
    locale: str
    return_url: str | None


@dataclasses.dataclass(frozen=True)
class Completion:
    """One basket's way to an order."""

    id: str
    basket_key: str
    customer_id: str
    launch_id: str | None
    basket_guid: str
    cart_token: str = dataclasses.field(repr=False)
    locale: str
    state: str
    retryable: bool
    attempts: int
    total: Decimal | None
    currency: str | None
    order_guid: str | None
    increment_id: str | None
    order_code: str | None
    error_kind: str | None
    support_code: str
    created_at: float
    updated_at: float

    @classmethod
    def from_row(cls, row: Row) -> Completion:
        values = list(row)
        values[8] = bool(values[8])
        values[10] = Decimal(values[10]) if values[10] is not None else None
        return cls(*values)

    @property
    def terminal(self) -> bool:
        return self.state == COMPLETED or (self.state == FAILED and not self.retryable)


class LaunchRefused(Exception):
    """A launch code cannot be used: `reason` is "unknown", "expired" or "used"; `locale`
    is the launch's language when the code is known."""

    def __init__(self, reason: str, locale: str | None = None) -> None:
        self.reason = reason
        self.locale = locale
        super().__init__(reason)


class Ledger:
    """Async facade over a backend; each call runs one statement in a worker thread."""

    def __init__(self, backend: Backend, *, clock: Callable[[], float] = time.time) -> None:
        self._backend = backend
        self._clock = clock

    @classmethod
    def open(cls, url: str, *, clock: Callable[[], float] = time.time) -> Ledger:
        return cls(open_backend(url), clock=clock)

    @property
    def backend_name(self) -> str:
        return self._backend.name

    async def _run(self, sql: str, *params: Any) -> tuple[list[Row], int]:
        return await to_thread.run_sync(self._backend.execute, sql, params)

    async def create_schema(self) -> None:
        for statement in SCHEMA:
            await self._run(statement)

    async def ping(self) -> None:
        await self._run("SELECT 1")

    async def close(self) -> None:
        await to_thread.run_sync(self._backend.close)

    # --- launches ----------------------------------------------------------------

    async def add_launch(
        self,
        code: str,
        *,
        customer: dict[str, Any],
        locale: str,
        return_url: str | None,
        ttl: int,
        keep_profile_for: int,
    ) -> float:
        """Store a launch code (hashed); returns its expiry. Purges old profiles."""
        now = self._clock()
        await self._run(
            "UPDATE launches SET customer_json = '{}' "
            "WHERE created_at < ? AND customer_json <> '{}'",
            now - keep_profile_for - ttl,
        )
        await self._run(
            "INSERT INTO launches (id, code_hash, customer_id, customer_json, locale, return_url, "
            "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            secrets.token_urlsafe(12),
            hash_code(code),
            customer["external_id"],
            json.dumps(customer),
            locale,
            return_url,
            now,
            now + ttl,
        )
        return now + ttl

    async def consume_launch(self, code: str) -> Launch:
        """Use a launch code exactly once; raises `LaunchRefused` saying why not."""
        now = self._clock()
        rows, _ = await self._run(
            "UPDATE launches SET consumed_at = ? WHERE code_hash = ? AND consumed_at IS NULL "
            "AND expires_at > ? RETURNING id, customer_id, customer_json, locale, return_url",
            now,
            hash_code(code),
            now,
        )
        if rows:
            id_, customer_id, customer_json, locale, return_url = rows[0]
            return Launch(id_, customer_id, json.loads(customer_json), locale, return_url)
        rows, _ = await self._run(
            "SELECT consumed_at, locale FROM launches WHERE code_hash = ?", hash_code(code)
        )
        if not rows:
            raise LaunchRefused("unknown")
        consumed_at, locale = rows[0]
        raise LaunchRefused("used" if consumed_at is not None else "expired", locale)

    async def release_launch(self, code: str) -> None:
        """Make a consumed, unexpired code usable again (its exchange failed upstream)."""
        await self._run(
            "UPDATE launches SET consumed_at = NULL WHERE code_hash = ? AND expires_at > ?",
            hash_code(code),
            self._clock(),
        )

    async def launch_customer(self, launch_id: str) -> dict[str, Any] | None:
        rows, _ = await self._run("SELECT customer_json FROM launches WHERE id = ?", launch_id)
        if not rows:
            return None
        customer: dict[str, Any] = json.loads(rows[0][0])
        return customer or None

    # --- completions -------------------------------------------------------------

    async def find_completion(self, key: str) -> Completion | None:
        rows, _ = await self._run(
            f"SELECT {_COMPLETION_COLUMNS} FROM completions WHERE basket_key = ?", key
        )
        return Completion.from_row(rows[0]) if rows else None

    async def get_completion(self, completion_id: str) -> Completion | None:
        rows, _ = await self._run(
            f"SELECT {_COMPLETION_COLUMNS} FROM completions WHERE id = ?", completion_id
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
        locale: str,
        total: Decimal | None,
        currency: str | None,
    ) -> tuple[Completion, bool]:
        """Insert the pending row for this basket; `(row, True)` only for the one winner."""
        now = self._clock()
        completion_id = secrets.token_urlsafe(12)
        rows, _ = await self._run(
            "INSERT INTO completions (id, basket_key, customer_id, launch_id, basket_guid, "
            "cart_token, locale, state, retryable, attempts, total, currency, support_code, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 1, ?, ?, ?, ?, ?) "
            f"ON CONFLICT (basket_key) DO NOTHING RETURNING {_COMPLETION_COLUMNS}",
            completion_id,
            key,
            customer_id,
            launch_id,
            basket_guid,
            cart_token,
            locale,
            PENDING,
            str(total) if total is not None else None,
            currency,
            support_code(completion_id),
            now,
            now,
        )
        if rows:
            return Completion.from_row(rows[0]), True
        existing = await self.find_completion(key)
        assert existing is not None, "a conflicting row exists by definition"
        return existing, False

    async def reclaim(
        self, completion: Completion, *, total: Decimal | None, currency: str | None
    ) -> Completion | None:
        """Take a retryable failed row back to pending; None if another request did first."""
        rows, _ = await self._run(
            "UPDATE completions SET state = ?, retryable = 0, attempts = attempts + 1, "
            "error_kind = NULL, total = ?, currency = ?, updated_at = ? "
            f"WHERE id = ? AND state = ? AND retryable = 1 RETURNING {_COMPLETION_COLUMNS}",
            PENDING,
            str(total) if total is not None else None,
            currency,
            self._clock(),
            completion.id,
            FAILED,
        )
        return Completion.from_row(rows[0]) if rows else None

    async def transition(
        self,
        completion: Completion,
        *,
        from_states: tuple[str, ...],
        state: str,
        retryable: bool = False,
        error_kind: str | None = None,
        order_guid: str | None = None,
        increment_id: str | None = None,
        order_code: str | None = None,
        total: Decimal | None = None,
        currency: str | None = None,
        stale_before: float | None = None,
    ) -> Completion | None:
        """Compare-and-set the state; None when the row was no longer in `from_states`
        (or, with `stale_before`, was updated since then)."""
        marks = ", ".join("?" for _ in from_states)
        stale_clause = " AND updated_at < ?" if stale_before is not None else ""
        params: list[Any] = [
            state,
            int(retryable),
            error_kind,
            order_guid,
            increment_id,
            order_code,
            str(total) if total is not None else None,
            currency,
            self._clock(),
            completion.id,
            *from_states,
        ]
        if stale_before is not None:
            params.append(stale_before)
        rows, _ = await self._run(
            "UPDATE completions SET state = ?, retryable = ?, error_kind = ?, "
            "order_guid = COALESCE(?, order_guid), increment_id = COALESCE(?, increment_id), "
            "order_code = COALESCE(?, order_code), total = COALESCE(?, total), "
            "currency = COALESCE(?, currency), updated_at = ? "
            f"WHERE id = ? AND state IN ({marks}){stale_clause} RETURNING {_COMPLETION_COLUMNS}",
            *params,
        )
        return Completion.from_row(rows[0]) if rows else None

    async def latest_completion(self, customer_id: str, *, since: float) -> Completion | None:
        """The customer's most recently started completion since `since`, if any."""
        rows, _ = await self._run(
            f"SELECT {_COMPLETION_COLUMNS} FROM completions WHERE customer_id = ? "
            "AND updated_at >= ? ORDER BY created_at DESC LIMIT 1",
            customer_id,
            since,
        )
        return Completion.from_row(rows[0]) if rows else None

    async def count_completions(self, customer_id: str | None = None) -> int:
        if customer_id is None:
            rows, _ = await self._run("SELECT COUNT(*) FROM completions")
        else:
            rows, _ = await self._run(
                "SELECT COUNT(*) FROM completions WHERE customer_id = ?", customer_id
            )
        return int(rows[0][0])


def support_code(completion_id: str) -> str:
    """A short code a person can read out to support; it also appears in the logs."""
    digest = hashlib.sha256(completion_id.encode()).digest()
    return "WVH-" + base64.b32encode(digest)[:8].decode()


__all__ = [
    "COMPLETED",
    "FAILED",
    "PENDING",
    "UNKNOWN",
    "Completion",
    "Launch",
    "LaunchRefused",
    "Ledger",
    "basket_key",
    "hash_code",
    "support_code",
]
