"""The `result_nonces` table: each `return_url` result token is accepted once.

The order status API records a token's nonce when it accepts the token; the
primary key makes a second use fail on any instance. Rows are kept until the
token would have expired anyway, then purged.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from .backends import Database


class ResultNonces:
    """Nonces of result tokens already used."""

    def __init__(self, database: Database, clock: Callable[[], float] = time.time) -> None:
        self._db = database
        self._clock = clock

    async def use(self, nonce: str, *, completion_id: str, expires_at: float) -> bool:
        """Record `nonce` as used; False when it was used before."""
        await self._db.execute("DELETE FROM result_nonces WHERE expires_at < ?", self._clock())
        rows = await self._db.execute(
            "INSERT INTO result_nonces (nonce, completion_id, expires_at) VALUES (?, ?, ?) "
            "ON CONFLICT (nonce) DO NOTHING RETURNING nonce",
            nonce,
            completion_id,
            expires_at,
        )
        return bool(rows)
