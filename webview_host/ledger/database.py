"""`Ledger`: the durable record, opened once per process in the app's lifespan."""

from __future__ import annotations

import time
from collections.abc import Callable

from . import schema
from .backends import Database, open_backend
from .completions import Completions
from .launches import Launches
from .nonces import ResultNonces
from .outbox import Outbox


class Ledger:
    """The database and its tables: `launches`, `completions`, `outbox`, `result_nonces`."""

    def __init__(self, database: Database, *, clock: Callable[[], float] = time.time) -> None:
        self.database = database
        self.launches = Launches(database, clock)
        self.completions = Completions(database, clock)
        self.outbox = Outbox(database, clock)
        self.result_nonces = ResultNonces(database, clock)

    @classmethod
    def open(cls, url: str, *, clock: Callable[[], float] = time.time) -> Ledger:
        """Connect to `WVH_DATABASE_URL` (SQLite file or PostgreSQL)."""
        return cls(Database(open_backend(url)), clock=clock)

    @property
    def backend_name(self) -> str:
        return self.database.name

    async def migrate(self) -> list[int]:
        """Apply the schema migrations this database lacks (safe from several instances)."""
        return await schema.migrate(self.database)

    async def ping(self) -> None:
        await self.database.execute("SELECT 1")

    async def close(self) -> None:
        await self.database.close()
