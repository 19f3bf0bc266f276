"""A customer's baskets at Minted: the incomplete ones (seed 001), and clearing one (seed 000).

Thin views over the Minted client: the partner's query or body is validated
as the seeds document it, the call is made, and Minted's Ecom Order comes
back as a `Basket`. Minted's failures are answered as `upstream.py` says.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.requests import Request
from starlette.responses import Response

from ...minted import EcomOrder
from ..common import services
from .auth import invalid, json_body, query
from .fields import NO_CONTROL
from .operation import Operation
from .orders import EXTERNAL_ID
from .paging import PageQuery, page_links
from .responses import Answer, json_response, money

DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
CART_TOKEN = rf"^{NO_CONTROL}{{32}}$"


class BasketLine(Answer):
    """One line of a basket."""

    sku: str
    product_name: str
    amount: str
    price: str
    total: str


class Basket(BaseModel):
    """A Minted e-commerce basket (or the order it became)."""

    guid: str
    cart_token: str = Field(description="what Clear Basket needs (exactly 32 characters)")
    status: str = Field(description="Minted's order_creation_status: basket or order")
    total: str | None = Field(description="decimal amount as a string")
    currency: str | None
    item_count: str
    items: list[BasketLine]
    pricefix_remaining: int | None = Field(
        description="seconds the prices stay fixed (negative once lapsed)"
    )
    order_at: dt.datetime | None

    @classmethod
    def of(cls, order: EcomOrder) -> Basket:
        return cls(
            guid=order.guid,
            cart_token=order.token,
            status=order.order_creation_status,
            total=money(order.total),
            currency=order.currency_code,
            item_count=str(order.item_count),
            items=[BasketLine.model_validate(item) for item in order.items],
            pricefix_remaining=order.pricefix.remaining if order.pricefix else None,
            order_at=order.order_at,
        )


class BasketPage(BaseModel):
    """A page of a customer's incomplete baskets, as Minted paginates them."""

    data: list[Basket]
    page: int
    per_page: int
    total: int
    last_page: int | None
    next: str | None = Field(description="the next page's path and query, or null")


class BasketsQuery(PageQuery):
    """Query of `GET /api/v1/baskets` (Minted's Get Incomplete Baskets)."""

    external_customer_id: Annotated[
        str,
        Field(pattern=EXTERNAL_ID, description="1-110 characters, no control characters"),
    ]
    start_date: Annotated[
        str | None,
        Field(
            pattern=DATE,
            description="YYYY-MM-DD, a real date; only with end_date",
            json_schema_extra={"format": "date"},  # what `_real_date` checks
        ),
    ] = None
    end_date: Annotated[
        str | None,
        Field(
            pattern=DATE,
            description="YYYY-MM-DD, a real date; only with start_date",
            json_schema_extra={"format": "date"},
        ),
    ] = None
    card_bin: Annotated[
        str | None, Field(pattern=r"^[0-9]{6}$", description="the card's first 6 digits")
    ] = None

    @field_validator("start_date", "end_date")
    @classmethod
    def _real_date(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                raise ValueError("must be a real calendar date (YYYY-MM-DD)") from None
        return value


class ClearRequest(BaseModel):
    """Body of `POST /api/v1/baskets/clear` (Minted's Clear Basket)."""

    model_config = ConfigDict(extra="forbid")

    external_customer_id: Annotated[
        str, Field(pattern=EXTERNAL_ID, description="1-110 characters, no control characters")
    ]
    cart_token: Annotated[
        str,
        Field(pattern=CART_TOKEN, description="the basket's cart token: exactly 32 characters"),
    ]


async def incomplete_baskets(request: Request) -> Response:
    params = query(request, BasketsQuery)
    dates = (params.start_date, params.end_date)
    if (dates[0] is None) != (dates[1] is None):
        missing = "end_date" if dates[1] is None else "start_date"
        raise invalid(request, {missing: ["start_date and end_date are sent together"]})
    found = await services(request).minted.get_incomplete_baskets(
        params.external_customer_id,
        page=params.page,
        per_page=params.per_page,
        start_date=dt.date.fromisoformat(dates[0]) if dates[0] else None,
        end_date=dt.date.fromisoformat(dates[1]) if dates[1] else None,
        card_bin=params.card_bin,
    )
    total = found.total if found.total is not None else len(found.data)
    return json_response(
        BasketPage(
            data=[Basket.of(order) for order in found.data],
            page=found.current_page,
            per_page=found.per_page or params.per_page,
            total=total,
            last_page=found.last_page,
            next=page_links(request, params, total) if found.next_page_url else None,
        )
    )


async def clear_basket(request: Request) -> Response:
    body = await json_body(request, ClearRequest)
    emptied = await services(request).minted.clear_basket(
        body.external_customer_id, body.cart_token
    )
    return json_response(Basket.of(emptied))


OPERATIONS = [
    Operation(
        path="/api/v1/baskets",
        method="get",
        endpoint=incomplete_baskets,
        minted="get_incomplete_baskets",
        operation_id="listIncompleteBaskets",
        summary="A customer's incomplete baskets at Minted (Get Incomplete Baskets)",
        description=(
            "`external_customer_id` is required (1-110 characters, no control characters). "
            "`start_date` and `end_date` (YYYY-MM-DD, real dates) go together or not at all; "
            "`card_bin` is exactly 6 digits; `page` 1-10000, `per_page` 1-100 (default 20). "
            "Unknown query parameters are refused (422). Minted's errors: 403, 404, 409 "
            "(`upstream_rejected`, Minted's field errors), 502, 503."
        ),
        query=BasketsQuery,
        responses={
            200: ("One page of baskets", BasketPage),
            404: ("Minted does not know the customer (upstream_not_found)", None),
        },
    ),
    Operation(
        path="/api/v1/baskets/clear",
        method="post",
        endpoint=clear_basket,
        minted="clear_basket",
        operation_id="clearBasket",
        summary="Empty a customer's basket at Minted (Clear Basket)",
        description=(
            "JSON body: `external_customer_id` (1-110 characters, no control characters) and "
            "`cart_token` (exactly 32 characters, no control characters), nothing else. "
            "Answers the emptied basket. Minted's errors: 403, 404, 409, 502, 503."
        ),
        request=ClearRequest,
        responses={
            200: ("The emptied basket", Basket),
            404: ("Minted has no such basket (upstream_not_found)", None),
        },
    ),
]
