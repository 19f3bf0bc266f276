"""Typed Minted payloads, parsed tolerantly.

Money is `Decimal` (parsed from the JSON text itself, never through float).
Fields the docs call required are still optional here when a documented
example omits them (seed 000 has no `delivery_price`): a missing amount is
`None`, not zero. Unknown fields are kept (`extra="allow"`) so nothing Minted
adds is lost and `model_dump(by_alias=True, exclude_unset=True)` gives back
what was received.

Dates arrive in several formats (ISO 8601 with `Z` or an offset,
`DD-MM-YYYY HH:MM`, `YYYY-MM-DD HH:MM:SS`); those without an offset are read
as Istanbul time, Minted's home (an assumption: the docs do not say).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer

from ..types import ISTANBUL

_NAIVE_FORMATS = ("%d-%m-%Y %H:%M", "%d-%m-%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")


def parse_minted_datetime(value: Any) -> Any:
    """Read any of the date formats seen in Minted payloads into an aware datetime."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        for fmt in _NAIVE_FORMATS:
            try:
                parsed = dt.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            raise ValueError(f"unrecognised Minted date {text!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ISTANBUL)
    return parsed


def _money(value: Any) -> Any:
    if isinstance(value, float):
        # Only reached when a caller parsed JSON with floats; keep the shortest repr.
        return Decimal(repr(value))
    return value


Money = Annotated[
    Decimal,
    BeforeValidator(_money),
    PlainSerializer(lambda d: d, return_type=Decimal),
]
MintedDateTime = Annotated[dt.datetime, BeforeValidator(parse_minted_datetime)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True, frozen=True)


class PriceFix(_Model):
    """The price lock: `remaining` seconds (negative once lapsed), `nextUpdate` refresh time."""

    remaining: int
    next_update: MintedDateTime | None = Field(default=None, alias="nextUpdate")
    updated: bool | None = None

    @property
    def lapsed(self) -> bool:
        return self.remaining <= 0


class SurchargeLine(_Model):
    """A named surcharge inside an item's `prices[]` (Minted Markup, Sigorta, Kargo, ...)."""

    id: int | None = None
    name: str
    price: Money


class EcomOrderItem(_Model):
    """One line of a basket or e-commerce order."""

    item_currency_id: int | None = None
    item_currency_name: str | None = None
    product_id: int | None = None
    sku: str
    product_name: str
    product_weight: Money | None = None
    price: Money
    tax_rate: Money | None = None
    tax: Money | None = None
    amount: Money
    total: Money
    product_images: list[str] = Field(default_factory=list)
    prices: list[SurchargeLine] = Field(default_factory=list)


class Customer(_Model):
    """A Minted customer. `identity_number` is personal data: never log it."""

    external_id: str
    firstname: str | None = None
    middlename: str | None = None
    lastname: str | None = None
    fullname: str | None = None
    email: str | None = None
    phone: str | None = None
    gender: str | None = None
    identity_number: str | None = Field(default=None, repr=False)
    birthdate: str | None = None


class Address(_Model):
    """A shipping or billing address (billing adds type, invoice and company fields)."""

    id: int | None = None
    type: str | None = None
    invoice_type: str | None = None
    company_name: str | None = None
    tax_office: str | None = None
    tax_number: str | None = None
    external_id: str | None = None
    fullname: str | None = None
    phone: str | None = None
    email: str | None = None
    city: str | None = None
    county: str | None = None
    district: str | None = None
    street: str | None = None
    zipcode: str | None = None
    address: str | None = None


class Delivery(_Model):
    """Cargo tracking of a shipped order."""

    cargo_tracking_number: str | None = None
    cargo_tracking_url: str | None = None


class EcomOrder(_Model):
    """An e-commerce basket (`order_creation_status == "basket"`) or the order it became."""

    pricefix: PriceFix | None = None
    id: int | None = None
    guid: str
    order_creation_status: str
    external_id: str | None = None
    increment_id: str | None = None
    token: str = Field(repr=False)
    price: Money | None = None
    tax: Money | None = None
    total: Money | None = None
    delivery_price: Money | None = None
    insurance_price: Money | None = None
    market_commission: Money | None = None
    minted_markup_price: Money | None = None
    silver_craftsmanship: Money | None = None
    paid_total: Money | None = None
    payment_cost: Money | None = None
    currency_rate: Money | None = None
    currency_total: Money | None = None
    currency_code: str | None = None
    status_id: int | None = None
    status_name: str | None = None
    delivery: Delivery | None = None
    order_at: MintedDateTime | None = None
    items: list[EcomOrderItem] = Field(default_factory=list)
    customer: Customer | None = None
    shippingaddress: Address | None = None
    billingaddress: Address | None = None
    payment: dict[str, Any] | None = None

    @property
    def is_order(self) -> bool:
        return self.order_creation_status == "order"

    @property
    def item_count(self) -> Decimal:
        return sum((item.amount for item in self.items), Decimal(0))


class OrderItem(_Model):
    """A line of the partner Order Schema."""

    product_id: int | None = None
    sku: str | None = None
    product_name: str | None = None
    spot_price: Money | None = None
    price: Money | None = None
    tax_rate: Money | None = None
    tax: Money | None = None
    amount: Money
    total: Money | None = None


class Order(_Model):
    """The partner Order Schema (Get Order, Sell)."""

    guid: str
    order_code: str
    external_id: str | None = None
    type: str | None = None
    price: Money | None = None
    tax: Money | None = None
    total: Money | None = None
    payment_cost: Money | None = None
    currency_rate: Money | None = None
    currency_total: Money | None = None
    currency_code: str | None = None
    status_name: str | None = None
    payment_type: str | None = None
    order_at: MintedDateTime | None = None
    items: list[OrderItem] = Field(default_factory=list)
    customer: Customer | None = None
    payment: dict[str, Any] | None = None
    description: str | None = None


class OrderResponse(_Model):
    """The answer of Sell / Buy: one or more orders created at once."""

    order_code: list[str]
    guid: list[str]
    price: Money | None = None
    tax: Money | None = None
    total: Money | None = None
    order_at: MintedDateTime | None = None
    orders: list[Order] = Field(default_factory=list)


class PageLink(_Model):
    """A Laravel pagination link."""

    url: str | None = None
    label: str
    active: bool


T = TypeVar("T")


class Page(_Model, Generic[T]):
    """A Laravel-style page of results."""

    current_page: int
    data: list[T]
    first_page_url: str | None = None
    from_: int | None = Field(default=None, alias="from")
    last_page: int | None = None
    last_page_url: str | None = None
    links: list[PageLink] = Field(default_factory=list)
    next_page_url: str | None = None
    path: str | None = None
    per_page: int | None = None
    prev_page_url: str | None = None
    to: int | None = None
    total: int | None = None


class TokenGrant(_Model):
    """The answer of Create Token: the bearer token for the webview and its expiry."""

    token: str = Field(repr=False)
    expires_at: MintedDateTime | None = None
    expire_ttl: int | None = None


class SellItem(_Model):
    """One `{sku, amount}` of a Sell request."""

    sku: str
    amount: int
