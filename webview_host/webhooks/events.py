"""Which completion changes become webhook events, and the events' JSON.

An event is written by the ledger observer `EventWriter`, inside the
transaction of the change it reports (see `ledger/outbox.py`):

    pending -> completed             order.completed
    pending -> failed                order.failed (retryable: if the customer tries
                                     again, an order.completed of it may follow)
    unknown -> completed | failed    order.reconciled (Minted's answer was lost;
                                     `data.state` says how Minted's record settled it)

Moves into `pending` or `unknown` are not outcomes and produce nothing. The
body is written once and sent byte for byte on every attempt, so the event id
(`evt_...`) is what a receiver deduplicates on.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from typing import Any, Literal

from ..ledger import Completion, CompletionState, Executor, Outbox

EventType = Literal["order.completed", "order.failed", "order.reconciled"]


def event_type(before: CompletionState, after: CompletionState) -> EventType | None:
    """The event a change from `before` to `after` produces, if any."""
    if after not in (CompletionState.COMPLETED, CompletionState.FAILED) or before is after:
        return None
    if before is CompletionState.UNKNOWN:
        return "order.reconciled"
    return "order.completed" if after is CompletionState.COMPLETED else "order.failed"


def event_data(completion: Completion) -> dict[str, Any]:
    """The `data` of an event: the completion as the order status API shows it, in brief."""
    return {
        "completion_id": completion.id,
        "state": str(completion.state),
        "order_code": completion.order_code,
        "order_guid": completion.order_guid,
        "total": str(completion.total) if completion.total is not None else None,
        "currency": completion.currency,
        "external_customer_id": completion.customer_id,
        "support_code": completion.support_code,
        "retryable": completion.retryable,
        "error_kind": completion.error_kind,
    }


def event_body(event_id: str, type: EventType, created: int, data: dict[str, Any]) -> str:
    return json.dumps(
        {"id": event_id, "type": type, "created": created, "data": data},
        separators=(",", ":"),
        ensure_ascii=False,
    )


class EventWriter:
    """The ledger observer that writes an outbox event for every outcome."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock

    def __call__(self, db: Executor, completion: Completion, before: CompletionState) -> None:
        type = event_type(before, completion.state)
        if type is None:
            return
        now = self._clock()
        event_id = "evt_" + secrets.token_urlsafe(16)
        body = event_body(event_id, type, int(now), event_data(completion))
        Outbox.add(
            db, event_id=event_id, type=type, completion_id=completion.id, body=body, now=now
        )
