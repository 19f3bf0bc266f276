"""The sandbox's products and its deterministic price feed (TRY).

Prices move once per price-fix window ("epoch"): the same epoch always gives
the same price, consecutive epochs always differ, so a lapsed price fix
visibly changes the total, and tests can predict every number.
"""

from __future__ import annotations

import dataclasses
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


@dataclasses.dataclass(frozen=True)
class Product:
    """A sellable product and the shares of its price that are named surcharges."""

    sku: str
    product_id: int
    name: str
    name_en: str
    metal: str  # "gold" | "silver"
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

# Digital metals for Sell (Order Schema items): spot price per unit in TRY.
DIGITAL = {
    "GAU": ("Gold - Digital storage", Decimal("2813.02"), Decimal("0.03")),
    "GAG": ("Silver - Digital storage", Decimal("35.94"), Decimal("0.04")),
}

CURRENCY = "TRY"


def _drift(epoch: int, index: int) -> Decimal:
    """A per-mille drift in [-5, +5], never equal for consecutive epochs."""
    return Decimal(((epoch * 7 + index * 3) % 11) - 5) / Decimal(1000)


def unit_price(product: Product, epoch: int) -> Decimal:
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


def digital_spot(sku: str, epoch: int) -> Decimal:
    _, spot, _ = DIGITAL[sku]
    return (spot * (1 + _drift(epoch, 7))).quantize(CENT, ROUND_HALF_UP)
