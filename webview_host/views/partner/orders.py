"""The order status API: the ledger's record of a purchase, the truth a partner can trust.

`GET /api/v1/orders/{completion_id}` settles the completion first when it is
`unknown` or stale (reading Minted's record, as the result page does), so the
answer is as fresh as it can be. With `?result_token=` (the token the
`return_url` carried) the token is verified, must name this completion and is
accepted once; the answer then also says what state the customer was shown.
`GET /api/v1/orders?external_customer_id=` lists a customer's completions,
newest first, as recorded (no Minted calls).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import Response

from ...ledger import Completion, CompletionState, ErrorKind
from ..common import services
from ..errors import error_response
from .auth import Refused, query
from .fields import NO_CONTROL
from .operation import Operation, path_parameter
from .paging import PageQuery, page_links
from .responses import json_response, money

COMPLETION_ID = r"^[A-Za-z0-9_-]{1,64}$"
_COMPLETION_ID = re.compile(COMPLETION_ID)
# A customer's external id as Minted allows it (1-110 characters), without control characters.
EXTERNAL_ID = rf"^{NO_CONTROL}{{1,110}}$"


class Reconciliation(BaseModel):
    """Why an `unknown` completion is still unknown, and what happens next."""

    status: Literal["awaiting_minted"]
    message: str


class ResultTokenCheck(BaseModel):
    """The verdict on the `result_token` sent: it was genuine, and what it said."""

    accepted: bool
    state_shown: str = Field(description="the state the result page showed the customer")


class OrderStatus(BaseModel):
    """One completion: a basket's way to a Minted order."""

    completion_id: str
    state: CompletionState
    terminal: bool = Field(description="nothing more will happen to it")
    retryable: bool = Field(description="the customer may confirm the basket again")
    order_code: str | None
    order_guid: str | None
    total: str | None = Field(description="decimal amount as a string, e.g. '2862.90'")
    currency: str | None
    external_customer_id: str
    support_code: str
    error_kind: ErrorKind | None
    created_at: dt.datetime
    updated_at: dt.datetime
    reconciliation: Reconciliation | None = Field(
        description="only for `unknown`: the answer of Minted was lost and is being reconciled"
    )
    result_token: ResultTokenCheck | None = None


class OrderList(BaseModel):
    """A page of a customer's completions, newest first."""

    data: list[OrderStatus]
    page: int
    per_page: int
    total: int
    next: str | None = Field(description="the next page's path and query, or null")


class OrderQuery(BaseModel):
    """Query of `GET /api/v1/orders/{completion_id}`."""

    model_config = ConfigDict(extra="forbid")

    result_token: Annotated[
        str | None,
        Field(
            min_length=1,
            max_length=2048,
            description="the `result_token` the return_url carried; accepted once",
        ),
    ] = None


class OrdersQuery(PageQuery):
    """Query of `GET /api/v1/orders`."""

    external_customer_id: Annotated[
        str,
        Field(
            pattern=EXTERNAL_ID,
            description="the customer's external id: 1-110 characters, no control characters",
        ),
    ]


def order_status(completion: Completion, reconcile_interval: int) -> OrderStatus:
    reconciliation = None
    if completion.state is CompletionState.UNKNOWN:
        reconciliation = Reconciliation(
            status="awaiting_minted",
            message="Minted's answer was lost; its record of the basket is read again "
            f"every {reconcile_interval} s until it shows the outcome.",
        )
    return OrderStatus(
        completion_id=completion.id,
        state=completion.state,
        terminal=completion.terminal,
        retryable=completion.retryable,
        order_code=completion.order_code,
        order_guid=completion.order_guid,
        total=money(completion.total),
        currency=completion.currency,
        external_customer_id=completion.customer_id,
        support_code=completion.support_code,
        error_kind=completion.error_kind,
        created_at=dt.datetime.fromtimestamp(completion.created_at, dt.UTC),
        updated_at=dt.datetime.fromtimestamp(completion.updated_at, dt.UTC),
        reconciliation=reconciliation,
    )


def _not_found(request: Request) -> Refused:
    return Refused(error_response(request, 404, "not_found", "There is no such completion."))


async def get_order(request: Request) -> Response:
    params = query(request, OrderQuery)
    svc = services(request)
    completion_id = request.path_params["completion_id"]
    completion = None
    if _COMPLETION_ID.match(completion_id):
        completion = await svc.ledger.completions.get(completion_id)
    if completion is None:
        raise _not_found(request)
    checked = None
    if params.result_token is not None:
        checked = await _check_result_token(request, params.result_token, completion.id)
    completion = await svc.reconciler.settle(completion)
    status = order_status(completion, svc.settings.reconcile_interval)
    status.result_token = checked
    return json_response(status)


async def _check_result_token(request: Request, token: str, completion_id: str) -> ResultTokenCheck:
    svc = services(request)
    check = svc.result_tokens
    if check is None:
        raise Refused(
            error_response(
                request,
                422,
                "result_token_invalid",
                "Result tokens are not enabled on this host; ask without result_token.",
            )
        )
    claims = check.verify(token)
    if claims is None or claims.completion_id != completion_id:
        raise Refused(
            error_response(
                request,
                422,
                "result_token_invalid",
                "The result_token is not a genuine, unexpired token for this completion.",
            )
        )
    fresh = await svc.ledger.result_nonces.use(
        claims.nonce, completion_id=completion_id, expires_at=claims.iat + check.max_age
    )
    if not fresh:
        raise Refused(
            error_response(
                request,
                409,
                "result_token_used",
                "This result_token was already used; ask without it for the current state.",
            )
        )
    return ResultTokenCheck(accepted=True, state_shown=claims.state)


async def list_orders(request: Request) -> Response:
    params = query(request, OrdersQuery)
    svc = services(request)
    found, total = await svc.ledger.completions.of_customer(
        params.external_customer_id, limit=params.per_page, offset=params.offset
    )
    interval = svc.settings.reconcile_interval
    return json_response(
        OrderList(
            data=[order_status(completion, interval) for completion in found],
            page=params.page,
            per_page=params.per_page,
            total=total,
            next=page_links(request, params, total),
        )
    )


OPERATIONS = [
    Operation(
        path="/api/v1/orders/{completion_id}",
        method="get",
        endpoint=get_order,
        operation_id="getOrderStatus",
        summary="A purchase's current state (the order status API)",
        description=(
            "The ledger's record of one completion, settled first from Minted's record when "
            "its outcome is unknown. `completion_id` is the id in `order.*` webhook events "
            "and on the return_url (letters, digits, `_` and `-`, 1-64 characters). "
            "With `result_token`, the token must be genuine, unexpired and for this "
            "completion (else 422 `result_token_invalid`) and unused (else 409 "
            "`result_token_used`). Unknown query parameters are refused (422)."
        ),
        parameters=(path_parameter("completion_id", "the completion's id", COMPLETION_ID),),
        query=OrderQuery,
        responses={
            200: ("The completion as recorded now", OrderStatus),
            404: ("No such completion", None),
            409: ("The result_token was already used", None),
            422: ("A bad query parameter, or a result_token that is not valid here", None),
        },
    ),
    Operation(
        path="/api/v1/orders",
        method="get",
        endpoint=list_orders,
        operation_id="listOrders",
        summary="A customer's purchases, newest first",
        description=(
            "The customer's completions as recorded (no Minted calls). `page` is 1-10000, "
            "`per_page` 1-100 (default 20); `next` is the next page's path, or null. "
            "Unknown query parameters are refused (422)."
        ),
        query=OrdersQuery,
        responses={
            200: ("One page of the customer's completions", OrderList),
            422: ("A missing or bad query parameter, named under fields", None),
        },
    ),
]
