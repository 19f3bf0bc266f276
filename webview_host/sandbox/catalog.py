"""The sandbox's products and its deterministic price feed (TRY).

Prices move once per price-fix window ("epoch"): the same epoch always gives
the same price, consecutive epochs always differ, so a lapsed price fix
visibly changes the total, and tests can predict every number.
"""

from __future__ import annotations

import dataclasses
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

CENT = Decimal("0.01")


@dataclasses.dataclass(frozen=True)
class Product:
    """A sellable product and the shares of its price that are named surcharges."""

    sku: str
    product_id: int
    name: str
    name_en: str
    metal: Literal["gold", "silver"]
    currency_id: int
    currency_name: str
    weight: Decimal  # grams
    base_price: Decimal  # TRY, epoch 0, surcharges included
    markup_rate: Decimal
    insurance_rate: Decimal
    commission_rate: Decimal
    craftsmanship_rate: Decimal
    shipping: Decimal
    image: str


PRODUCTS: tuple[Product, ...] = (
    Product(
        "MNT0001",
        3000065,
        "Minted 1 Gr 999,9 Külçe Altın",
        "Minted 1 g 999.9 gold bar",
        "gold",
        1000006,
        "Physical Gold",
        Decimal("1.01"),
        Decimal("2960.30"),
        Decimal("0.011"),
        Decimal("0.0018"),
        Decimal("0.0644"),
        Decimal(0),
        Decimal(0),
        "gold-bar.svg",
    ),
    Product(
        "MNT0005",
        3000066,
        "Minted 5 Gr 999,9 Külçe Altın",
        "Minted 5 g 999.9 gold bar",
        "gold",
        1000006,
        "Physical Gold",
        Decimal("5.00"),
        Decimal("14520.40"),
        Decimal("0.009"),
        Decimal("0.0018"),
        Decimal("0.0610"),
        Decimal(0),
        Decimal(0),
        "gold-bar.svg",
    ),
    Product(
        "MNT0010",
        3000067,
        "Minted 10 Gr 999,9 Külçe Altın",
        "Minted 10 g 999.9 gold bar",
        "gold",
        1000006,
        "Physical Gold",
        Decimal("10.00"),
        Decimal("28790.10"),
        Decimal("0.008"),
        Decimal("0.0018"),
        Decimal("0.0590"),
        Decimal(0),
        Decimal(0),
        "gold-bar.svg",
    ),
    Product(
        "MNS0100",
        3000101,
        "Minted 100 Gr 999 Gümüş Külçe",
        "Minted 100 g 999 silver bar",
        "silver",
        1000007,
        "Physical Silver",
        Decimal("100.00"),
        Decimal("4315.75"),
        Decimal("0.015"),
        Decimal("0.0020"),
        Decimal("0.0500"),
        Decimal("0.0800"),
        Decimal(0),
        "silver-bar.svg",
    ),
)

BY_SKU = {p.sku: p for p in PRODUCTS}


@dataclasses.dataclass(frozen=True)
class DigitalMetal:
    """A metal held in digital storage, sold back with Sell."""

    sku: str
    product_id: int
    name: str
    spot: Decimal  # TRY per unit, epoch 0
    spread: Decimal  # the share of spot Minted keeps when buying back


DIGITAL = {
    m.sku: m
    for m in (
        DigitalMetal("GAU", 3000001, "Gold - Digital storage", Decimal("2813.02"), Decimal("0.03")),
        DigitalMetal("GAG", 3000002, "Silver - Digital storage", Decimal("35.94"), Decimal("0.04")),
    )
}

# Prices are in TRY. Sell may ask for another of Minted's currencies
# (`currency_code`, seed 004); the sandbox answers with fixed rates so tests can
# predict every number. A rate is the TRY price of one unit of the currency
# (TRY itself is 1), and `currency_total = total / currency_rate`, to the cent.
# The docs publish neither the rates nor which way `currency_rate` reads (the
# seed shows GBP at rate 1); this is the sandbox's stated assumption.
BASE_CURRENCY = "TRY"
RATES: dict[str, Decimal] = {
    "TRY": Decimal(1),
    "USD": Decimal("32.50"),
    "EUR": Decimal("35.20"),
    "GBP": Decimal("41.30"),
}
CURRENCIES: tuple[str, ...] = ("GBP", "TRY", "USD", "EUR")  # the documented order


def _drift(epoch: int, index: int) -> Decimal:
    """A per-mille drift in [-5, +5], never equal for consecutive epochs."""
    return Decimal(((epoch * 7 + index * 3) % 11) - 5) / Decimal(1000)


def unit_price(product: Product, epoch: int) -> Decimal:
    """A product's unit price in a price window, surcharges included, TRY."""
    index = PRODUCTS.index(product)
    return (product.base_price * (1 + _drift(epoch, index))).quantize(CENT, ROUND_HALF_UP)


def surcharges(product: Product, price: Decimal) -> list[dict[str, object]]:
    """The item's `prices[]`: named surcharges included in its unit price."""
    lines: list[dict[str, object]] = [
        {"id": 1, "name": "Minted Markup", "price": _share(price, product.markup_rate)},
        {"id": 2, "name": "Sigorta", "price": _share(price, product.insurance_rate)},
        {"id": 4, "name": "Kargo", "price": product.shipping},
        {"id": 3, "name": "Market Komisyon", "price": _share(price, product.commission_rate)},
    ]
    if product.craftsmanship_rate:
        lines.append(
            {"id": 5, "name": "İşçilik", "price": _share(price, product.craftsmanship_rate)}
        )
    return lines


def _share(price: Decimal, rate: Decimal) -> Decimal:
    return (price * rate).quantize(CENT, ROUND_HALF_UP)


def digital_spot(metal: DigitalMetal, epoch: int) -> Decimal:
    """The spot price of a digital metal in this price window, TRY."""
    return (metal.spot * (1 + _drift(epoch, 7))).quantize(CENT, ROUND_HALF_UP)


def buyback_price(metal: DigitalMetal, epoch: int) -> Decimal:
    """What Minted pays per unit on a Sell: spot less the spread, TRY."""
    return (digital_spot(metal, epoch) * (1 - metal.spread)).quantize(CENT, ROUND_HALF_UP)


def in_currency(amount: Decimal, currency: str) -> Decimal:
    """A TRY amount in `currency` at the sandbox's fixed rate, to the cent."""
    return (amount / RATES[currency]).quantize(CENT, ROUND_HALF_UP)
