"""The Minted Connect API: typed client, models and exception tree."""

from .client import CURRENCIES, BearerAuth, MintedClient
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
    FEE_FIELDS,
    EcomOrder,
    EcomOrderItem,
    Order,
    OrderResponse,
    Page,
    SellItem,
    TokenGrant,
)

__all__ = [
    "CURRENCIES",
    "FEE_FIELDS",
    "BearerAuth",
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
    "SellItem",
    "TokenGrant",
]
