"""The sandbox's in-memory Minted state: customers, tokens, baskets, orders.

Everything a handler needs goes through `SandboxStore`, whose clock is
injectable so tests can move time (token expiry, price-fix lapse) without
sleeping. Failures raise `SandboxError`, which the app renders as Minted's
error envelope.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
import string
import time
import uuid
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from . import catalog, render
from .render import ISTANBUL
from .validation import SandboxError, check_cart_token, validate_customer

_ALNUM = string.ascii_letters + string.digits


def random_token(length: int = 32) -> str:
    return "".join(secrets.choice(_ALNUM) for _ in range(length))


@dataclasses.dataclass
class Customer:
    external_id: str
    profile: dict[str, Any]
    holdings: dict[str, int] = dataclasses.field(default_factory=lambda: {"GAU": 100, "GAG": 1000})


@dataclasses.dataclass
class AccessToken:
    token: str
    customer_id: str
    expires_at: float


@dataclasses.dataclass
class Basket:
    id: int
    guid: str
    token: str
    increment_id: str
    customer_id: str
    created_at: float
    fixed_at: float
    items: dict[str, int] = dataclasses.field(default_factory=dict)
    prices: dict[str, Decimal] = dataclasses.field(default_factory=dict)
    status: str = "basket"
    epoch: int = -1  # price window the prices come from
    order_code: str | None = None
    completed_at: float | None = None
    updated: bool = False


@dataclasses.dataclass
class SellOrder:
    guid: str
    order_code: str
    external_id: str
    customer_id: str
    items: list[dict[str, Any]]
    total: Decimal
    created_at: float


class SandboxStore:
    """All sandbox state; one instance per sandbox app."""

    def __init__(
        self,
        *,
        pricefix_seconds: int = 240,
        pricefix_refresh_seconds: int = 5,
        token_ttl: int = 3600,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.pricefix_seconds = pricefix_seconds
        self.pricefix_refresh_seconds = pricefix_refresh_seconds
        self.token_ttl = token_ttl
        self.clock = clock
        self.reset()

    def reset(self) -> None:
        self.customers: dict[str, Customer] = {}
        self.tokens: dict[str, AccessToken] = {}
        self.baskets: dict[str, Basket] = {}  # by cart token
        self.active: dict[str, str] = {}  # customer id -> cart token
        self.sell_orders: dict[str, SellOrder] = {}  # by guid
        self.price_tokens: dict[str, float] = {}
        self._next_id = 1000

    # --- tokens ------------------------------------------------------------

    def create_token(self, payload: Any) -> dict[str, Any]:
        profile = validate_customer(payload)
        customer = self.customers.get(profile["external_id"])
        if customer is None:
            customer = Customer(profile["external_id"], profile)
            self.customers[customer.external_id] = customer
        else:
            customer.profile.update(profile)
        now = self.clock()
        token = AccessToken(random_token(), customer.external_id, now + self.token_ttl)
        self.tokens[token.token] = token
        expires = dt.datetime.fromtimestamp(token.expires_at, ISTANBUL)
        return {
            "token": token.token,
            "expires_at": expires.isoformat(timespec="seconds"),
            "expire_ttl": self.token_ttl,
        }

    def customer_for_token(self, token: str) -> Customer:
        grant = self.tokens.get(token)
        if grant is None or grant.expires_at <= self.clock():
            raise SandboxError(401, "Unauthenticated.")
        return self.customers[grant.customer_id]

    def expire_tokens(self, customer_id: str | None = None) -> int:
        count = 0
        for grant in self.tokens.values():
            if customer_id is None or grant.customer_id == customer_id:
                grant.expires_at = self.clock() - 1
                count += 1
        return count

    # --- baskets -----------------------------------------------------------

    def active_basket(self, customer: Customer) -> Basket | None:
        cart_token = self.active.get(customer.external_id)
        return self.baskets.get(cart_token) if cart_token else None

    def set_quantity(self, customer: Customer, sku: str, quantity: Any) -> Basket:
        product = catalog.BY_SKU.get(sku) if isinstance(sku, str) else None
        if product is None:
            raise SandboxError(422, "The given data was invalid.", {"sku": ["Unknown product."]})
        if not isinstance(quantity, int) or isinstance(quantity, bool) or not 0 <= quantity <= 99:
            raise SandboxError(
                422, "The given data was invalid.", {"amount": ["Must be an integer 0-99."]}
            )
        basket = self.active_basket(customer)
        if basket is None:
            basket = self._new_basket(customer)
        if quantity == 0:
            basket.items.pop(sku, None)
        else:
            basket.items[sku] = quantity
        self._fix(basket)
        return basket

    def refresh_prices(self, customer: Customer) -> Basket | None:
        basket = self.active_basket(customer)
        if basket is not None:
            self._fix(basket, new_window=self.remaining(basket) <= 0)
        return basket

    def lapse_pricefix(self, customer_id: str | None = None) -> int:
        count = 0
        for cid, cart_token in self.active.items():
            if customer_id is None or cid == customer_id:
                self.baskets[cart_token].fixed_at = self.clock() - self.pricefix_seconds - 1
                count += 1
        return count

    def _new_basket(self, customer: Customer) -> Basket:
        self._next_id += 1
        now = self.clock()
        basket = Basket(
            id=self._next_id,
            guid=str(uuid.uuid4()).upper(),
            token=random_token(),
            increment_id="MC_" + secrets.token_hex(7).upper()[:13],
            customer_id=customer.external_id,
            created_at=now,
            fixed_at=now,
        )
        self.baskets[basket.token] = basket
        self.active[customer.external_id] = basket.token
        return basket

    def _fix(self, basket: Basket, *, new_window: bool = False) -> None:
        """Lock prices now. After a lapse (`new_window`) the prices are always the next
        window's, even when the lapse was forced early by QA."""
        basket.fixed_at = self.clock()
        epoch = max(int(basket.fixed_at // self.pricefix_seconds), basket.epoch)
        if new_window:
            epoch = max(epoch, basket.epoch + 1)
        basket.epoch = epoch
        basket.prices = {
            sku: catalog.unit_price(catalog.BY_SKU[sku], epoch) for sku in basket.items
        }

    def remaining(self, basket: Basket) -> int:
        return int(basket.fixed_at + self.pricefix_seconds - self.clock())

    def _refresh_if_due(self, basket: Basket) -> None:
        """Past `nextUpdate` a lapsed basket is re-priced, as Minted's feed refreshes."""
        if basket.status != "basket":
            return
        next_update = basket.fixed_at + self.pricefix_seconds + self.pricefix_refresh_seconds
        if self.remaining(basket) <= 0 and self.clock() >= next_update:
            self._fix(basket, new_window=True)
            basket.updated = True

    def basket_for(self, customer_id: str, cart_token: Any) -> Basket:
        check_cart_token(cart_token)
        basket = self.baskets.get(cart_token)
        if basket is None or basket.customer_id != customer_id:
            raise SandboxError(404, "Record Not Found")
        return basket

    def complete(self, customer_id: str, cart_token: Any) -> Basket:
        basket = self.basket_for(customer_id, cart_token)
        if basket.status != "basket":
            raise SandboxError(
                422, "This basket is already an order.", {"cart_token": ["Already completed."]}
            )
        if not basket.items:
            raise SandboxError(422, "The basket is empty.", {"cart_token": ["Basket is empty."]})
        if self.remaining(basket) <= 0:
            raise SandboxError(
                422,
                "The price fix has expired; prices were updated.",
                {"pricefix": ["Price fix expired."]},
            )
        basket.status = "order"
        basket.completed_at = self.clock()
        basket.order_code = "".join(
            secrets.choice(string.ascii_uppercase + string.digits) for _ in range(8)
        )
        self.active.pop(customer_id, None)
        return basket

    def clear(self, customer_id: str, cart_token: Any) -> Basket:
        basket = self.basket_for(customer_id, cart_token)
        if basket.status != "basket":
            raise SandboxError(422, "This basket is already an order.")
        basket.items.clear()
        basket.prices.clear()
        return basket

    def incomplete_baskets(self, customer_id: str) -> list[Basket]:
        return sorted(
            (
                b
                for b in self.baskets.values()
                if b.customer_id == customer_id and b.status == "basket" and b.items
            ),
            key=lambda b: b.created_at,
            reverse=True,
        )

    # --- rendering ---------------------------------------------------------

    def render_basket(self, basket: Basket) -> dict[str, Any]:
        """The Ecom Order JSON, in the field order of the documented examples."""
        self._refresh_if_due(basket)
        updated, basket.updated = basket.updated, False
        items = [
            self._render_item(sku, amount, basket.prices[sku])
            for sku, amount in basket.items.items()
        ]
        price = sum((i["total"] for i in items), Decimal(0))

        def fee(name: str) -> Decimal:
            return sum(
                (
                    line["price"] * i["amount"]
                    for i in items
                    for line in i["prices"]
                    if line["name"] == name
                ),
                Decimal(0),
            )

        customer = self.customers[basket.customer_id]
        next_update = basket.fixed_at + self.pricefix_seconds + self.pricefix_refresh_seconds
        ordered = basket.status == "order"
        return {
            "pricefix": {
                "remaining": self.remaining(basket),
                "nextUpdate": render.iso_offset(next_update),
                "updated": updated,
            },
            "id": basket.id,
            "guid": basket.guid,
            "order_creation_status": basket.status,
            "external_id": basket.order_code,
            "increment_id": basket.increment_id,
            "token": basket.token,
            "price": price,
            "tax": Decimal(0),
            "total": price,
            "delivery_price": fee("Kargo"),
            "insurance_price": fee("Sigorta"),
            "market_commission": fee("Market Komisyon"),
            "minted_markup_price": fee("Minted Markup"),
            "silver_craftsmanship": fee("İşçilik"),
            "paid_total": price if ordered else Decimal(0),
            "payment_cost": Decimal(0),
            "currency_code": catalog.CURRENCY,
            "status_id": 2 if ordered else 1,
            "status_name": "Pending" if ordered else "Created",
            "delivery": None,
            "customer": render.customer(customer),
            "shippingaddress": render.address(customer, 6, billing=False),
            "billingaddress": render.address(customer, 7, billing=True),
            "payment": None,
            "order_at": render.iso_z(basket.completed_at or basket.created_at),
            "items": items,
        }

    @staticmethod
    def _render_item(sku: str, amount: int, price: Decimal) -> dict[str, Any]:
        product = catalog.BY_SKU[sku]
        return {
            "item_currency_id": product.currency_id,
            "item_currency_name": product.currency_name,
            "product_id": product.product_id,
            "sku": sku,
            "product_name": product.name,
            "product_weight": product.weight,
            "price": price,
            "tax_rate": 0,
            "tax": Decimal(0),
            "amount": amount,
            "total": price * amount,
            "product_images": [f"/webview/static/{product.image}"],
            "prices": catalog.surcharges(product, price),
        }

    def render_order(self, basket: Basket) -> dict[str, Any]:
        """A completed basket as the partner Order Schema (Get Order Alternative)."""
        rendered = self.render_basket(basket)
        return {
            "guid": basket.guid,
            "order_code": basket.order_code,
            "external_id": basket.order_code,
            "type": "Buy",
            "price": rendered["price"],
            "tax": rendered["tax"],
            "total": rendered["total"],
            "status_name": rendered["status_name"],
            "payment_type": "credit-card",
            "order_at": dt.datetime.fromtimestamp(basket.completed_at or 0, ISTANBUL).strftime(
                "%d-%m-%Y %H:%M"
            ),
            "payment_cost": Decimal(0),
            "currency_code": catalog.CURRENCY,
            "customer": rendered["customer"],
            "payment": None,
            "items": [
                {
                    "product_id": i["product_id"],
                    "sku": i["sku"],
                    "product_name": i["product_name"],
                    "spot_price": i["price"],
                    "price": i["price"],
                    "tax_rate": 0,
                    "tax": i["tax"],
                    "amount": i["amount"],
                    "total": i["total"],
                }
                for i in rendered["items"]
            ],
        }

    def find_order(self, body: Mapping[str, Any]) -> dict[str, Any]:
        for basket in self.baskets.values():
            if basket.status != "order":
                continue
            if (
                body.get("guid") == basket.guid
                or body.get("order_code") in (basket.order_code,)
                or body.get("external_id") == basket.order_code
            ):
                return self.render_order(basket)
        for order in self.sell_orders.values():
            if (
                body.get("guid") == order.guid
                or body.get("order_code") == order.order_code
                or body.get("external_id") == order.external_id
            ):
                return render.sell_order(order)
        raise SandboxError(404, "Record Not Found")
