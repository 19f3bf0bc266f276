"""Every partner operation in one list: the routes and the OpenAPI document are built from it,
and `refused` answers a request refused before its operation ran."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import baskets, launches, minted_orders, orders, sales, webhooks
from .auth import Refused
from .openapi import openapi_endpoint
from .operation import Operation

# `/api/v1/orders/lookup` (POST) and `/api/v1/orders/{completion_id}` (GET) share a
# shape. Starlette matches the method too, but a method neither allows (OPTIONS, PUT) is
# answered 405 with the `Allow` of the first route whose path matches: the literal path
# comes first, so `/api/v1/orders/lookup` says `Allow: POST`.
OPERATIONS: list[Operation] = [
    *launches.OPERATIONS,
    *minted_orders.OPERATIONS,
    *orders.OPERATIONS,
    *webhooks.OPERATIONS,
    *baskets.OPERATIONS,
    *sales.OPERATIONS,
]


def routes() -> list[Route]:
    """Every partner operation, and `GET /api/openapi.json` describing them."""
    return [
        *(op.route() for op in OPERATIONS),
        Route("/api/openapi.json", openapi_endpoint(OPERATIONS), methods=["GET"]),
    ]


async def refused(request: Request, exc: Exception) -> Response:
    """The exception handler answering a `Refused` partner request."""
    assert isinstance(exc, Refused)
    return exc.response
