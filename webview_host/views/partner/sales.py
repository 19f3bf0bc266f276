"""Selling a customer's digital metal back to Minted (seed 004), and the price token it needs.

`GET /api/v1/prices` fetches a price token (it fixes the prices for the
price-fix window); `POST /api/v1/sales/digital` sells at those prices. The
body is validated exactly as seed 004 documents it (`currency_code` one of
GBP, TRY, USD, EUR; `items` a non-empty list of `{sku, amount}` with an
integer amount of at least 1); what only Minted knows (the SKUs, whether the
token is live, the customer's holdings) comes back as Minted's refusal: 409
(upstream_rejected) or 403.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictInt
from starlette.requests import Request
from starlette.responses import Response

from ...minted import Currency, SellItem
from ..common import services
from .auth import json_body
from .fields import NO_CONTROL
from .minted_orders import KEY, MintedOrder
from .operation import Operation
from .responses import Answer, json_response, money

PRICE_TOKEN = rf"^{NO_CONTROL}{{1,256}}$"
SKU = r"^[A-Za-z0-9_.-]{1,64}$"


class Price(Answer):
    """One metal's fixed price."""

    sku: str
    price: str = Field(description="decimal amount as a string")
    currency_code: str | None


class PriceTokenAnswer(BaseModel):
    """A price token and the prices it fixes until `expires_at`."""

    price_token: str
    expires_at: dt.datetime | None
    prices: list[Price]


def _whole_number(value: object) -> object:
    """JSON Schema's `integer` includes `2.0`: take a whole float as that integer (the
    strict check still refuses `"2"`, `true` and `2.5`)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class SellLine(BaseModel):
    """One metal to sell."""

    model_config = ConfigDict(extra="forbid")

    sku: Annotated[str, Field(pattern=SKU, description="the digital metal's SKU, e.g. GAG")]
    amount: Annotated[
        StrictInt,
        Field(ge=1, le=1_000_000, description="a whole number >= 1"),
        # After Field in this list, or the schema loses its minimum and maximum.
        BeforeValidator(_whole_number),
    ]


class SellRequest(BaseModel):
    """Body of `POST /api/v1/sales/digital` (seed 004)."""

    model_config = ConfigDict(extra="forbid")

    price_token: Annotated[
        str, Field(pattern=PRICE_TOKEN, description="from GET /api/v1/prices, still live")
    ]
    currency_code: Currency | None = Field(
        default=None, description="GBP, TRY, USD or EUR; Minted's default (TRY) when absent"
    )
    external_id: Annotated[
        str, Field(pattern=KEY, description="the customer's external id (1-110 characters)")
    ]
    items: Annotated[list[SellLine], Field(min_length=1, max_length=20)]


class SaleAnswer(BaseModel):
    """The orders Minted made for the sale."""

    order_codes: list[str]
    guids: list[str]
    total: str | None
    order_at: dt.datetime | None
    orders: list[MintedOrder]


async def price_token(request: Request) -> Response:
    found = await services(request).minted.price_token()
    return json_response(
        PriceTokenAnswer(
            price_token=found.price_token,
            expires_at=found.expires_at,
            prices=[Price.model_validate(price) for price in found.prices],
        )
    )


async def sell(request: Request) -> Response:
    body = await json_body(request, SellRequest)
    sold = await services(request).minted.sell(
        price_token=body.price_token,
        external_id=body.external_id,
        currency=body.currency_code,
        items=[SellItem(sku=line.sku, amount=line.amount) for line in body.items],
    )
    return json_response(
        SaleAnswer(
            order_codes=sold.order_code,
            guids=sold.guid,
            total=money(sold.total),
            order_at=sold.order_at,
            orders=[MintedOrder.of(order) for order in sold.orders],
        ),
        status_code=201,
    )


OPERATIONS = [
    Operation(
        path="/api/v1/prices",
        method="get",
        endpoint=price_token,
        minted="prices",
        operation_id="getPriceToken",
        summary="A price token for selling digital metal, and the prices it fixes",
        responses={
            200: ("The price token", PriceTokenAnswer),
            404: ("Minted has no prices endpoint here (upstream_not_found)", None),
        },
    ),
    Operation(
        path="/api/v1/sales/digital",
        method="post",
        endpoint=sell,
        minted="sell",
        repeatable=False,
        operation_id="sellDigitalMetal",
        summary="Sell a customer's digital gold or silver to Minted (Sell)",
        description=(
            "JSON body, nothing else: `price_token` (1-256 characters, no control characters; "
            "from GET /api/v1/prices), `external_id` (the customer, 1-110 characters, no "
            "control characters), optional `currency_code` (GBP, TRY, USD or EUR) and `items`: "
            "1-20 objects `{sku, amount}` where `sku` is 1-64 letters, digits, `_`, `.` or `-` "
            "and `amount` a JSON integer from 1 to 1000000. Minted then checks the SKUs, the "
            "token and the customer: 409 `upstream_rejected` (fields named; a customer Minted "
            "does not know too), 403 `upstream_forbidden` (holdings do not cover the sale)."
        ),
        request=SellRequest,
        responses={
            201: ("The sale's orders", SaleAnswer),
            403: ("The holdings do not cover the sale (upstream_forbidden)", None),
            404: ("Minted has no such record (upstream_not_found)", None),
        },
    ),
]
