"""The Minted Connect API: typed client, models and exception tree."""

from .auth import BearerAuth
from .client import MintedClient
from .errors import (
    MintedAPIError,
    MintedError,
    MintedForbidden,
    MintedNotFound,
    MintedParameterError,
    MintedProtocolError,
    MintedUnauthorized,
    MintedUnavailable,
)
from .models import (
    EcomOrder,
    EcomOrderItem,
    Order,
    OrderResponse,
    Page,
    SellItem,
    TokenGrant,
)
from .sell import Currency, PriceQuote, PriceToken

__all__ = [
    "BearerAuth",
    "Currency",
    "EcomOrder",
    "EcomOrderItem",
    "MintedAPIError",
    "MintedClient",
    "MintedError",
    "MintedForbidden",
    "MintedNotFound",
    "MintedParameterError",
    "MintedProtocolError",
    "MintedUnauthorized",
    "MintedUnavailable",
    "Order",
    "OrderResponse",
    "Page",
    "PriceQuote",
    "PriceToken",
    "SellItem",
    "TokenGrant",
]
