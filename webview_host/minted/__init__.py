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
from .sell import CURRENCIES, Currency, PriceQuote, PriceToken, check_sell

__all__ = [
    "CURRENCIES",
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
    "check_sell",
]
