"""The partner's view of its webhook events: list them (failed deliveries included), redeliver.

Events exist only while `WVH_WEBHOOK_URL` is set (see `webhooks/events.py` for
which changes produce them). Redelivering makes an event due at once, whatever
its state (a dead or an already delivered one too); the next worker run sends
it as a new attempt with the same id and body.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Annotated, Any

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import Response

from ...ledger import Event, EventState
from ..common import services
from ..errors import error_response
from .auth import Refused, query
from .operation import Operation, path_parameter
from .orders import COMPLETION_ID
from .paging import PageQuery, page_links
from .responses import json_response

EVENT_ID = r"^evt_[A-Za-z0-9_-]{1,60}$"
_EVENT_ID = re.compile(EVENT_ID)


def _time(value: float | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromtimestamp(value, dt.UTC)


class WebhookEvent(BaseModel):
    """One event and how its delivery went."""

    id: str
    type: str
    completion_id: str
    state: EventState = Field(description="pending (not yet delivered), delivered or dead")
    attempts: int
    created_at: dt.datetime
    next_attempt_at: dt.datetime | None = Field(description="when pending: the next attempt")
    last_attempt_at: dt.datetime | None
    last_status: int | None = Field(description="the receiver's last HTTP status, if any")
    last_error: str | None = Field(description="why the last attempt failed, if it did")
    delivered_at: dt.datetime | None
    payload: dict[str, Any] = Field(description="the event body exactly as it is sent")

    @classmethod
    def of(cls, event: Event) -> WebhookEvent:
        pending = event.state is EventState.PENDING
        return cls(
            id=event.id,
            type=event.type,
            completion_id=event.completion_id,
            state=event.state,
            attempts=event.attempts,
            created_at=dt.datetime.fromtimestamp(event.created_at, dt.UTC),
            next_attempt_at=_time(event.next_attempt_at) if pending else None,
            last_attempt_at=_time(event.last_attempt_at),
            last_status=event.last_status,
            last_error=event.last_error,
            delivered_at=_time(event.delivered_at),
            payload=json.loads(event.body),
        )


class EventList(BaseModel):
    """A page of events, newest first."""

    data: list[WebhookEvent]
    page: int
    per_page: int
    total: int
    next: str | None = Field(description="the next page's path and query, or null")


class EventsQuery(PageQuery):
    """Query of `GET /api/v1/webhooks/events`."""

    state: EventState | None = Field(default=None, description="pending, delivered or dead")
    completion_id: Annotated[
        str | None, Field(pattern=COMPLETION_ID, description="only this completion's events")
    ] = None


async def list_events(request: Request) -> Response:
    params = query(request, EventsQuery)
    found, total = await services(request).ledger.outbox.page(
        state=params.state,
        completion_id=params.completion_id,
        limit=params.per_page,
        offset=params.offset,
    )
    return json_response(
        EventList(
            data=[WebhookEvent.of(event) for event in found],
            page=params.page,
            per_page=params.per_page,
            total=total,
            next=page_links(request, params, total),
        )
    )


def _event_id(request: Request) -> str:
    event_id: str = request.path_params["event_id"]
    if not _EVENT_ID.match(event_id):
        raise _no_event(request)
    return event_id


def _no_event(request: Request) -> Refused:
    return Refused(error_response(request, 404, "not_found", "There is no such event."))


async def get_event(request: Request) -> Response:
    event = await services(request).ledger.outbox.get(_event_id(request))
    if event is None:
        raise _no_event(request)
    return json_response(WebhookEvent.of(event))


async def redeliver_event(request: Request) -> Response:
    event_id = _event_id(request)
    svc = services(request)
    if svc.webhooks is None:
        raise Refused(
            error_response(
                request,
                409,
                "webhooks_disabled",
                "Webhooks are off on this host (WVH_WEBHOOK_URL is unset); nothing is sent.",
            )
        )
    event = await svc.ledger.outbox.redeliver(event_id)
    if event is None:
        raise _no_event(request)
    return json_response(WebhookEvent.of(event), status_code=202)


_EVENT_PARAMETER = path_parameter(
    "event_id", "the event's id: `evt_` and 1-60 letters, digits, `_` or `-`", EVENT_ID
)

OPERATIONS = [
    Operation(
        path="/api/v1/webhooks/events",
        method="get",
        endpoint=list_events,
        operation_id="listWebhookEvents",
        summary="Webhook events, newest first, with how their delivery went",
        description=(
            "Every `order.*` event written since webhooks were configured, failed deliveries "
            "included (`last_status`, `last_error`, `attempts`). Filter by `state` (pending, "
            "delivered, dead) and `completion_id` (1-64 letters, digits, `_`, `-`). `page` is "
            "1-10000, `per_page` 1-100 (default 20). Unknown query parameters are refused (422)."
        ),
        query=EventsQuery,
        responses={
            200: ("One page of events", EventList),
        },
    ),
    Operation(
        path="/api/v1/webhooks/events/{event_id}",
        method="get",
        endpoint=get_event,
        operation_id="getWebhookEvent",
        summary="One webhook event and its delivery",
        parameters=(_EVENT_PARAMETER,),
        responses={
            200: ("The event", WebhookEvent),
            404: ("No such event", None),
        },
    ),
    Operation(
        path="/api/v1/webhooks/events/{event_id}/redeliver",
        method="post",
        endpoint=redeliver_event,
        operation_id="redeliverWebhookEvent",
        summary="Send an event again, now",
        description=(
            "Makes the event due at once, whatever its state (dead and delivered ones too); "
            "it is sent as a new attempt with the same id and body. Takes no body. "
            "409 `webhooks_disabled` when WVH_WEBHOOK_URL is unset."
        ),
        parameters=(_EVENT_PARAMETER,),
        responses={
            202: ("The event, due now", WebhookEvent),
            404: ("No such event", None),
            409: ("Webhooks are off on this host", None),
        },
    ),
]
