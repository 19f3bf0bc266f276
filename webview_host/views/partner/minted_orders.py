"""Looking an order up at Minted by guid, order code or external id (seed 003), with push_hook.

`push_hook: true` asks Minted to push the order to the partner's hook as well
(Minted's own delivery, not our webhooks). The answer is Minted's Order Schema,
less the customer's personal data (the partner knows its customer; the answer
names only the customer's external id).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator
from starlette.requests import Request
from starlette.responses import Response

from ...minted import Order
from ..common import services
from .auth import json_body
from .fields import NO_CONTROL
from .operation import Operation
from .responses import Answer, json_response, money

KEY = rf"^{NO_CONTROL}{{1,110}}$"


class OrderLine(Answer):
    """A line of a Minted order."""

    sku: str | None
    product_name: str | None
    amount: str
    price: str | None
    total: str | None


class MintedOrder(BaseModel):
    """Minted's Order Schema, money as decimal strings."""

    guid: str
    order_code: str
    external_id: str | None
    type: str | None = Field(description="Buy, Sell or Delivery")
    status_name: str | None
    total: str | None
    price: str | None
    tax: str | None
    currency_code: str | None
    currency_rate: str | None
    currency_total: str | None
    payment_type: str | None
    order_at: dt.datetime | None
    items: list[OrderLine]
    customer_external_id: str | None

    @classmethod
    def of(cls, order: Order) -> MintedOrder:
        return cls(
            guid=order.guid,
            order_code=order.order_code,
            external_id=order.external_id,
            type=order.type,
            status_name=order.status_name,
            total=money(order.total),
            price=money(order.price),
            tax=money(order.tax),
            currency_code=order.currency_code,
            currency_rate=money(order.currency_rate),
            currency_total=money(order.currency_total),
            payment_type=order.payment_type,
            order_at=order.order_at,
            items=[OrderLine.model_validate(item) for item in order.items],
            customer_external_id=order.customer.external_id if order.customer else None,
        )


class LookupRequest(BaseModel):
    """Body of `POST /api/v1/orders/lookup`: at least one key, and `push_hook`."""

    # The schema states the at-least-one rule `_one_key` enforces: one key present, not null.
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "anyOf": [
                {"required": [key], "properties": {key: {"type": "string"}}}
                for key in ("guid", "order_code", "external_id")
            ]
        },
    )

    guid: Annotated[str | None, Field(pattern=KEY, description="Minted's order guid")] = None
    order_code: Annotated[str | None, Field(pattern=KEY, description="the order code")] = None
    external_id: Annotated[
        str | None, Field(pattern=KEY, description="the order's external id")
    ] = None
    push_hook: StrictBool = Field(
        default=False, description="true: Minted also pushes the order to the partner's hook"
    )

    @model_validator(mode="after")
    def _one_key(self) -> Self:
        if self.guid is None and self.order_code is None and self.external_id is None:
            raise ValueError("send at least one of guid, order_code or external_id")
        return self


async def lookup_order(request: Request) -> Response:
    body = await json_body(request, LookupRequest)
    order = await services(request).minted.get_order_alternative(
        guid=body.guid,
        order_code=body.order_code,
        external_id=body.external_id,
        push_hook=body.push_hook,
    )
    return json_response(MintedOrder.of(order))


OPERATIONS = [
    Operation(
        path="/api/v1/orders/lookup",
        method="post",
        endpoint=lookup_order,
        minted="get_order",
        operation_id="lookupMintedOrder",
        summary="Find an order at Minted by guid, order code or external id (Get Order)",
        description=(
            "JSON body with at least one of `guid`, `order_code`, `external_id` (each 1-110 "
            "characters, no control characters) and optionally `push_hook` (a JSON boolean, "
            "default false: true asks Minted to push the order to the partner's hook too). "
            "Nothing else. Minted's errors: 403, 404, 409, 502, 503."
        ),
        request=LookupRequest,
        responses={
            200: ("Minted's order", MintedOrder),
            404: ("Minted has no such order (upstream_not_found)", None),
        },
    )
]
