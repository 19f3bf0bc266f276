"""The two places the ledger can live: a SQLite file or a PostgreSQL database.

Both speak plain DB-API through one tiny interface, `Backend.execute`, which
runs one statement atomically and returns its rows and row count. Statements
are written once with `?` placeholders (PostgreSQL's `%s` is substituted).
Every ledger operation is a single statement (`INSERT ... ON CONFLICT DO
NOTHING RETURNING`, `UPDATE ... WHERE state = ? RETURNING`), so atomicity and
uniqueness come from the database itself, across processes and instances.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

Row = tuple[Any, ...]


class Backend(Protocol):
    """One database connection source."""

    name: str

    def execute(self, sql: str, params: Sequence[Any] = ()) -> tuple[list[Row], int]: ...

    def close(self) -> None: ...


class SQLiteBackend:
    """A SQLite file in WAL mode; one connection, statements serialized by a lock."""

    name = "sqlite"

    def __init__(self, path: str) -> None:
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            self._conn.execute("PRAGMA busy_timeout = 5000")
            if path != ":memory:":
                self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = NORMAL")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> tuple[list[Row], int]:
        with self._lock:
            cursor = self._conn.execute(sql, tuple(params))
            rows = cursor.fetchall()
            return rows, cursor.rowcount

    def close(self) -> None:
        with self._lock:
            self._conn.close()


class PostgresBackend:
    """PostgreSQL through a psycopg connection pool, autocommit statements."""

    name = "postgresql"

    def __init__(self, url: str, *, max_size: int = 10) -> None:
        from psycopg_pool import ConnectionPool

        self._pool = ConnectionPool(
            url, min_size=1, max_size=max_size, kwargs={"autocommit": True}, open=True
        )
        self._pool.wait(timeout=10)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> tuple[list[Row], int]:
        with self._pool.connection() as conn:
            cursor = conn.execute(sql.replace("?", "%s"), tuple(params))
            rows = cursor.fetchall() if cursor.description else []
            return rows, cursor.rowcount

    def close(self) -> None:
        self._pool.close()


def open_backend(url: str) -> Backend:
    """`sqlite:///relative/path`, `sqlite:////absolute/path`, `sqlite://:memory:` or
    `postgresql://user@host:port/db`."""
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        rest = url[len("sqlite://") :]
        path = rest[1:] if rest.startswith("/") else rest
        return SQLiteBackend(unquote(path) or ":memory:")
    if scheme in ("postgresql", "postgres"):
        return PostgresBackend(url)
    raise ValueError(
        f"Config 'WVH_DATABASE_URL' has value {url!r}. Use sqlite:///path/file.sqlite3 "
        "or postgresql://user@host:5432/dbname."
    )
