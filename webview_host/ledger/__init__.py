"""The durable record: launch codes and completions, on SQLite or PostgreSQL.

`database` (the `Ledger`) -> `launches`, `completions` (one table each; a row is a
`completion`) ->
`schema` (versioned migrations) -> `backends` (SQLite / PostgreSQL).
"""

from .backends import Database, Executor, Row
from .completion import Completion, CompletionState, ErrorKind, basket_key, support_code
from .completions import Completions
from .database import Ledger
from .launches import Launch, Launches, LaunchRefused, RefusalReason, hash_code

__all__ = [
    "Completion",
    "CompletionState",
    "Completions",
    "Database",
    "ErrorKind",
    "Executor",
    "Launch",
    "LaunchRefused",
    "Launches",
    "Ledger",
    "RefusalReason",
    "Row",
    "basket_key",
    "hash_code",
    "support_code",
]
