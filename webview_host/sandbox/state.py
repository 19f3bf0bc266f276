"""The sandbox's state as plain data: customers, tokens, baskets, orders, hook pushes.

`store.py` changes these; `render.py` turns them into Minted's JSON. Neither
imports the other: both stand on this module.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal

# What a new customer holds in digital storage, so Sell works without a Buy first.
STARTING_HOLDINGS = {"GAU": 100, "GAG": 1000}


class BasketStatus(StrEnum):
    """Minted's `order_creation_status`."""

    BASKET = "basket"
    ORDER = "order"


@dataclasses.dataclass
class Customer:
    """A customer Minted knows: the profile from Create Token and digital holdings."""

    external_id: str
    profile: dict[str, Any]
    holdings: dict[str, int] = dataclasses.field(default_factory=lambda: dict(STARTING_HOLDINGS))


@dataclasses.dataclass
class AccessToken:
    """A webview token (Create Token), good until `expires_at`."""

    token: str
    customer_id: str
    expires_at: float


@dataclasses.dataclass
class Basket:
    """An Ecom Order: a basket until completed, then an order."""

    id: int
    guid: str
    token: str  # the cart token
    increment_id: str
    customer_id: str
    created_at: float
    fixed_at: float  # when the current price fix started
    items: dict[str, int] = dataclasses.field(default_factory=dict)  # sku -> amount
    prices: dict[str, Decimal] = dataclasses.field(default_factory=dict)  # sku -> unit price
    status: BasketStatus = BasketStatus.BASKET
    epoch: int = -1  # the price window the prices come from
    order_code: str | None = None
    completed_at: float | None = None
    updated: bool = False  # re-priced since Minted last reported it


@dataclasses.dataclass(frozen=True)
class PriceFix:
    """A basket's price fix as one read reports it (`pricefix` in the Ecom Order)."""

    remaining: int  # seconds; negative once lapsed
    next_update: float  # when prices refresh after a lapse
    updated: bool


@dataclasses.dataclass(frozen=True)
class SellLine:
    """One line of a digital Sell, in TRY."""

    product_id: int
    sku: str
    product_name: str
    spot_price: Decimal
    price: Decimal  # what Minted pays per unit: spot less the spread
    amount: int

    @property
    def total(self) -> Decimal:
        return self.price * self.amount


@dataclasses.dataclass(frozen=True)
class SellOrder:
    """A digital Sell: totals in TRY and in the currency asked for."""

    guid: str
    order_code: str
    external_id: str
    lines: tuple[SellLine, ...]
    currency_code: str
    currency_rate: Decimal  # TRY per unit of `currency_code` (see catalog.RATES)
    created_at: float

    @property
    def total(self) -> Decimal:
        return sum((line.total for line in self.lines), Decimal(0))


HookOutcome = Literal["recorded", "pending", "delivered", "failed"]


@dataclasses.dataclass
class HookPush:
    """One `push_hook` of Get Order (Alternative): what was pushed, where, and how it went.

    `recorded` when no hook URL is configured, `pending` until the POST ends.
    """

    id: int
    guid: str
    order_code: str | None
    pushed_at: float
    url: str | None
    order: dict[str, Any]  # the Order Schema, as pushed
    outcome: HookOutcome = "recorded"
    status_code: int | None = None
    error: str | None = None
