"""A completion: one basket's way to an order, as one ledger row.

pending ──> completed           (Minted answered with the order)
   │  ├──> failed               (Minted refused, or the call never left us;
   │  │                          `retryable` rows may be claimed again)
   │  └──> unknown ──> completed | failed   (answer lost; settled only by
   │                                        what Minted's own record shows)
   └─ a stale pending row (its process died): failed if Complete was never
      sent (`sent_at` is empty), unknown if it may have been
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from ..types import Locale
from .backends import Row

ErrorKind = Literal["price_lapsed", "rejected", "upstream_refused", "unavailable"]


class CompletionState(StrEnum):
    """Where a basket is on its way to an order."""

    PENDING = "pending"
    COMPLETED = "completed"
    FAILED = "failed"
    UNKNOWN = "unknown"


COLUMNS = (
    "id, basket_key, customer_id, launch_id, basket_guid, cart_token, locale, state, retryable, "
    "attempts, total, currency, order_guid, increment_id, order_code, error_kind, support_code, "
    "created_at, updated_at, sent_at, review_id"
)


def basket_key(customer_id: str, guid: str, cart_token: str) -> str:
    """The one key per basket that makes Complete exactly-once."""
    return hashlib.sha256(f"{customer_id}\x00{guid}\x00{cart_token}".encode()).hexdigest()


def support_code(completion_id: str) -> str:
    """A short code a person can read out to support; it also appears in the logs."""
    digest = hashlib.sha256(completion_id.encode()).digest()
    return "WVH-" + base64.b32encode(digest)[:8].decode()


def money_text(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


@dataclasses.dataclass(frozen=True)
class Completion:
    """One basket's way to an order."""

    id: str
    basket_key: str
    customer_id: str
    launch_id: str | None
    basket_guid: str
    cart_token: str = dataclasses.field(repr=False)
    locale: Locale
    state: CompletionState
    retryable: bool
    attempts: int
    total: Decimal | None
    currency: str | None
    order_guid: str | None
    increment_id: str | None
    order_code: str | None
    error_kind: ErrorKind | None
    support_code: str
    created_at: float
    updated_at: float
    sent_at: float | None  # when this attempt's Complete left (None: never sent)
    review_id: str | None  # the review this attempt confirmed: its duplicates share it

    @classmethod
    def from_row(cls, row: Row) -> Completion:
        values = {field.name: row[field.name] for field in dataclasses.fields(cls)}
        values["state"] = CompletionState(values["state"])
        values["retryable"] = bool(values["retryable"])
        values["total"] = Decimal(values["total"]) if values["total"] is not None else None
        return cls(**values)

    @property
    def terminal(self) -> bool:
        """Nothing more will happen to it: completed, or failed for good."""
        return self.state is CompletionState.COMPLETED or (
            self.state is CompletionState.FAILED and not self.retryable
        )

    @property
    def in_progress(self) -> bool:
        """Its outcome is not recorded yet: pending, or unknown until Minted's record shows it."""
        return self.state in (CompletionState.PENDING, CompletionState.UNKNOWN)

    @property
    def retry_allowed(self) -> bool:
        """The customer may confirm this basket again."""
        return self.state is CompletionState.FAILED and self.retryable
