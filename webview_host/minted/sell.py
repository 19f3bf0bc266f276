"""Sell (seed 004): the currencies and items it allows, and the price token it needs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, get_args

from pydantic import Field

from .models import MintedDateTime, Money, SellItem, _Model

# Sell's `currency_code`, exactly the values seed 004 allows.
Currency = Literal["GBP", "TRY", "USD", "EUR"]
CURRENCIES: tuple[Currency, ...] = get_args(Currency)


def check_sell(items: Sequence[SellItem], currency: str | None) -> None:
    """Refuse a Sell that seed 004 does not allow, before it leaves: a ValueError naming
    the field (a currency outside GBP/TRY/USD/EUR, no items, an empty sku, an amount
    under 1)."""
    if currency is not None and currency not in CURRENCIES:
        raise ValueError(f"currency_code {currency!r} is not one of {', '.join(CURRENCIES)}")
    if not items:
        raise ValueError("items: a Sell needs at least one item")
    for index, item in enumerate(items):
        if not item.sku:
            raise ValueError(f"items.{index}.sku must not be empty")
        if isinstance(item.amount, bool) or item.amount < 1:
            raise ValueError(f"items.{index}.amount must be a whole number of at least 1")


class PriceQuote(_Model):
    """One metal's price fixed by a price token."""

    sku: str
    price: Money
    currency_code: str | None = None


class PriceToken(_Model):
    """A price token for Sell and the prices it fixes (the sandbox's shape; Minted's
    own prices endpoint is not published in this form)."""

    price_token: str
    expires_at: MintedDateTime | None = None
    prices: list[PriceQuote] = Field(default_factory=list)
