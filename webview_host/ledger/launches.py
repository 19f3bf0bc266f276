"""Launch codes: stored hashed, used once, short-lived.

The customer profile the partner sent stays here (not in the cookie) so the
Minted token can be renewed; it is purged once the session lifetime is over.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import secrets
import time
from collections.abc import Callable
from typing import Any, Literal

from ..types import Locale
from .backends import Database

RefusalReason = Literal["unknown", "expired", "used"]


def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


@dataclasses.dataclass(frozen=True)
class Launch:
    """A consumed launch: who, in which language, where to return."""

    id: str
    customer_id: str
    customer: dict[str, Any] = dataclasses.field(repr=False)
    locale: Locale
    return_url: str | None


class LaunchRefused(Exception):
    """A launch code cannot be used; `locale` is the launch's language when the code is known."""

    def __init__(self, reason: RefusalReason, locale: Locale | None = None) -> None:
        self.reason: RefusalReason = reason
        self.locale = locale
        super().__init__(reason)


class Launches:
    """The `launches` table."""

    def __init__(self, database: Database, clock: Callable[[], float] = time.time) -> None:
        self._db = database
        self._clock = clock

    async def add(
        self,
        code: str,
        *,
        customer: dict[str, Any],
        locale: Locale,
        return_url: str | None,
        ttl: int,
        keep_profile_for: int,
    ) -> float:
        """Store a launch code (hashed); returns its expiry. Purges old profiles."""
        now = self._clock()
        await self._db.execute(
            "UPDATE launches SET customer_json = '{}' "
            "WHERE created_at < ? AND customer_json <> '{}'",
            now - keep_profile_for - ttl,
        )
        await self._db.execute(
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

    async def consume(self, code: str) -> Launch:
        """Use a launch code exactly once; raises `LaunchRefused` saying why not."""
        now = self._clock()
        rows = await self._db.execute(
            "UPDATE launches SET consumed_at = ? WHERE code_hash = ? AND consumed_at IS NULL "
            "AND expires_at > ? RETURNING id, customer_id, customer_json, locale, return_url",
            now,
            hash_code(code),
            now,
        )
        if rows:
            row = rows[0]
            return Launch(
                id=row["id"],
                customer_id=row["customer_id"],
                customer=json.loads(row["customer_json"]),
                locale=row["locale"],
                return_url=row["return_url"],
            )
        rows = await self._db.execute(
            "SELECT consumed_at, locale FROM launches WHERE code_hash = ?", hash_code(code)
        )
        if not rows:
            raise LaunchRefused("unknown")
        used = rows[0]["consumed_at"] is not None
        raise LaunchRefused("used" if used else "expired", rows[0]["locale"])

    async def release(self, code: str) -> None:
        """Make a consumed, unexpired code usable again (its exchange failed upstream)."""
        await self._db.execute(
            "UPDATE launches SET consumed_at = NULL WHERE code_hash = ? AND expires_at > ?",
            hash_code(code),
            self._clock(),
        )

    async def customer(self, launch_id: str) -> dict[str, Any] | None:
        """The profile sent with this launch, or None once purged."""
        rows = await self._db.execute("SELECT customer_json FROM launches WHERE id = ?", launch_id)
        if not rows:
            return None
        customer: dict[str, Any] = json.loads(rows[0]["customer_json"])
        return customer or None
