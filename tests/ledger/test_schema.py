"""Schema migrations: versioned, idempotent, and safe when several instances start at once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from webview_host.ledger import Ledger
from webview_host.ledger.backends import SQLiteBackend
from webview_host.ledger.schema import LATEST, MIGRATIONS, version

pytestmark = pytest.mark.anyio


def test_a_sqlite_commit_is_on_disk_before_it_returns(tmp_path: Path) -> None:
    """A recorded order must survive a power loss: WAL with synchronous FULL (2), not the
    NORMAL (1) that may roll the last commits back."""
    backend = SQLiteBackend(str(tmp_path / "ledger.sqlite3"))
    try:
        assert backend.execute("PRAGMA journal_mode") == [{"journal_mode": "wal"}]
        assert backend.execute("PRAGMA synchronous") == [{"synchronous": 2}]
    finally:
        backend.close()


async def test_migrations_are_numbered_in_order() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    assert len(MIGRATIONS) == LATEST


async def test_migrate_applies_each_version_once(database_url: str) -> None:
    ledger = Ledger.open(database_url)
    try:
        assert await ledger.migrate() == [m.version for m in MIGRATIONS]
        assert await ledger.migrate() == [], "a second start applies nothing"
        assert await version(ledger.database) == LATEST
        rows = await ledger.database.execute("SELECT version FROM schema_migrations")
        assert sorted(r["version"] for r in rows) == [m.version for m in MIGRATIONS]
    finally:
        await ledger.close()


async def test_a_ledger_from_before_versioning_is_adopted(database_url: str) -> None:
    """Tables created by the unversioned schema (no schema_migrations) keep their rows."""
    ledger = Ledger.open(database_url)
    try:
        for statement in MIGRATIONS[0].statements:
            await ledger.database.execute(statement)
        await ledger.database.execute(
            "INSERT INTO launches (id, code_hash, customer_id, customer_json, locale, "
            "created_at, expires_at) VALUES ('l1', 'h', 'c', '{}', 'tr', 0, 1)"
        )
        assert await ledger.migrate() == [m.version for m in MIGRATIONS]
        rows = await ledger.database.execute("SELECT id FROM launches")
        assert rows == [{"id": "l1"}]
    finally:
        await ledger.close()


@pytest.mark.parametrize("run", range(5))
async def test_instances_migrating_at_once_all_succeed(database_url: str, run: int) -> None:
    """Four ledgers (separate connections) migrate an empty database at the same instant:
    none fails, and the migrations are recorded once."""
    ledgers = [Ledger.open(database_url) for _ in range(4)]
    try:
        applied = await asyncio.gather(*(ledger.migrate() for ledger in ledgers))
        assert sorted(len(a) for a in applied) == [0, 0, 0, len(MIGRATIONS)]
        rows = await ledgers[0].database.execute("SELECT COUNT(*) AS n FROM schema_migrations")
        assert rows[0]["n"] == len(MIGRATIONS)
    finally:
        for ledger in ledgers:
            await ledger.close()
