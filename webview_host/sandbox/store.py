"""The sandbox's in-memory Minted state and every change to it.

Everything a handler changes goes through `SandboxStore`, whose clock is
injectable so tests can move time (token expiry, price-fix lapse) without
sleeping. A refusal raises `SandboxError`, which the app answers with
Minted's error envelope. Reading a basket is an explicit step (`settle`):
past `nextUpdate` a lapsed basket is re-priced, as Minted's feed refreshes,
and rendering (`render.py`) only ever sees the settled state.
"""

from __future__ import annotations

import secrets
import string
import time
import uuid
from collections.abc import Callable
from typing import Any

from . import catalog
from .state import AccessToken, Basket, BasketStatus, Customer, PriceFix, SellLine, SellOrder
from .validation import INVALID, OrderQuery, SandboxError, SellRequest, check_cart_token

_ALNUM = string.ascii_letters + string.digits


def random_token(length: int = 32) -> str:
    """Letters and digits, as Minted's tokens and cart tokens are."""
    return "".join(secrets.choice(_ALNUM) for _ in range(length))


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
        """Forget everything, as a fresh sandbox."""
        self.customers: dict[str, Customer] = {}
        self.tokens: dict[str, AccessToken] = {}
        self.baskets: dict[str, Basket] = {}  # by cart token
        self.active: dict[str, str] = {}  # customer id -> cart token
        self.sell_orders: dict[str, SellOrder] = {}  # by guid
        self.price_tokens: dict[str, float] = {}  # token -> expiry
        self._next_id = 1000

    def epoch(self) -> int:
        """The current price window."""
        return int(self.clock() // self.pricefix_seconds)

    # --- customers and tokens -----------------------------------------------

    def create_token(self, profile: dict[str, Any]) -> AccessToken:
        """Create or update the customer, then grant a webview token."""
        customer = self.customers.get(profile["external_id"])
        if customer is None:
            customer = Customer(profile["external_id"], dict(profile))
            self.customers[customer.external_id] = customer
        else:
            customer.profile.update(profile)
        token = AccessToken(random_token(), customer.external_id, self.clock() + self.token_ttl)
        self.tokens[token.token] = token
        return token

    def customer_for_token(self, token: str) -> Customer:
        """The token's customer; 401 when the token is unknown or expired."""
        grant = self.tokens.get(token)
        if grant is None or grant.expires_at <= self.clock():
            raise SandboxError(401, "Unauthenticated.")
        return self.customers[grant.customer_id]

    def customer_of(self, basket: Basket) -> Customer:
        return self.customers[basket.customer_id]

    def expire_tokens(self, customer_id: str | None = None) -> int:
        """Expire the tokens (of one customer, or all) now; how many."""
        count = 0
        for grant in self.tokens.values():
            if customer_id is None or grant.customer_id == customer_id:
                grant.expires_at = self.clock() - 1
                count += 1
        return count

    # --- baskets -------------------------------------------------------------

    def active_basket(self, customer: Customer) -> Basket | None:
        cart_token = self.active.get(customer.external_id)
        return self.baskets.get(cart_token) if cart_token else None

    def set_quantity(self, customer: Customer, sku: str, quantity: Any) -> Basket:
        """The webview's quantity change: 0 removes the line; prices are fixed anew."""
        product = catalog.BY_SKU.get(sku) if isinstance(sku, str) else None
        if product is None:
            raise SandboxError(422, INVALID, {"sku": ["Unknown product."]})
        if not isinstance(quantity, int) or isinstance(quantity, bool) or not 0 <= quantity <= 99:
            raise SandboxError(422, INVALID, {"amount": ["Must be an integer 0-99."]})
        basket = self.active_basket(customer) or self._new_basket(customer)
        if quantity == 0:
            basket.items.pop(sku, None)
        else:
            basket.items[sku] = quantity
        self._fix(basket)
        return basket

    def refresh_prices(self, customer: Customer) -> Basket | None:
        """The webview's "refresh prices": a new fix, at new prices once lapsed."""
        basket = self.active_basket(customer)
        if basket is not None:
            self._fix(basket, new_window=self._remaining(basket) <= 0)
        return basket

    def lapse_pricefix(self, customer_id: str | None = None) -> int:
        """Make active price fixes (of one customer, or all) lapse now; how many."""
        count = 0
        for cid, cart_token in self.active.items():
            if customer_id is None or cid == customer_id:
                self.baskets[cart_token].fixed_at = self.clock() - self.pricefix_seconds - 1
                count += 1
        return count

    def settle(self, basket: Basket) -> PriceFix:
        """Read a basket as Minted does: re-price it if its lapsed fix is past
        `nextUpdate`, and report `updated` once after a re-pricing."""
        lapsed = self._remaining(basket) <= 0 and self.clock() >= self._next_update(basket)
        if basket.status == BasketStatus.BASKET and lapsed:
            self._fix(basket, new_window=True)
            basket.updated = True
        updated, basket.updated = basket.updated, False
        return PriceFix(self._remaining(basket), self._next_update(basket), updated)

    def _remaining(self, basket: Basket) -> int:
        return int(basket.fixed_at + self.pricefix_seconds - self.clock())

    def _next_update(self, basket: Basket) -> float:
        return basket.fixed_at + self.pricefix_seconds + self.pricefix_refresh_seconds

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

    def basket_for(self, customer_id: str, cart_token: Any) -> Basket:
        """The customer's basket by cart token; 422 for a malformed token, else 404."""
        check_cart_token(cart_token)
        basket = self.baskets.get(cart_token)
        if basket is None or basket.customer_id != customer_id:
            raise SandboxError(404, "Record Not Found")
        return basket

    def complete(self, customer_id: str, cart_token: Any) -> Basket:
        """Turn the basket into an order, once, within its price fix."""
        basket = self.basket_for(customer_id, cart_token)
        if basket.status != BasketStatus.BASKET:
            raise SandboxError(
                422, "This basket is already an order.", {"cart_token": ["Already completed."]}
            )
        if not basket.items:
            raise SandboxError(422, "The basket is empty.", {"cart_token": ["Basket is empty."]})
        if self._remaining(basket) <= 0:
            raise SandboxError(
                422,
                "The price fix has expired; prices were updated.",
                {"pricefix": ["Price fix expired."]},
            )
        basket.status = BasketStatus.ORDER
        basket.completed_at = self.clock()
        basket.order_code = random_token(8).upper()
        self.active.pop(customer_id, None)
        return basket

    def clear(self, customer_id: str, cart_token: Any) -> Basket:
        """Empty a basket (not an order)."""
        basket = self.basket_for(customer_id, cart_token)
        if basket.status != BasketStatus.BASKET:
            raise SandboxError(422, "This basket is already an order.")
        basket.items.clear()
        basket.prices.clear()
        return basket

    def incomplete_baskets(self, customer_id: str) -> list[Basket]:
        """The customer's baskets with items, newest first."""
        return sorted(
            (
                b
                for b in self.baskets.values()
                if b.customer_id == customer_id and b.status == BasketStatus.BASKET and b.items
            ),
            key=lambda b: b.created_at,
            reverse=True,
        )

    def find_order(self, query: OrderQuery) -> Basket | SellOrder:
        """The completed basket or digital sale any of the query's keys names."""
        for basket in self.baskets.values():
            if basket.status == BasketStatus.ORDER and (
                query.guid == basket.guid
                or basket.order_code in (query.order_code, query.external_id)
            ):
                return basket
        for order in self.sell_orders.values():
            if (
                query.guid == order.guid
                or query.order_code == order.order_code
                or query.external_id == order.external_id
            ):
                return order
        raise SandboxError(404, "Record Not Found")

    # --- digital sales -------------------------------------------------------

    def issue_price_token(self) -> tuple[str, float]:
        """A price token Sell accepts until the returned expiry."""
        token = random_token()
        expires_at = self.clock() + self.pricefix_seconds
        self.price_tokens[token] = expires_at
        return token, expires_at

    def price_token_valid(self, token: str) -> bool:
        return self.price_tokens.get(token, 0) > self.clock()

    def sell(self, request: SellRequest) -> SellOrder:
        """Buy the customer's digital metal back: 422 for a customer Minted does not
        know, 403 when the holdings do not cover every line."""
        customer = self.customers.get(request.external_id)
        if customer is None:
            raise SandboxError(
                422, "Customer not found.", {"external_id": ["This customer is new to Minted."]}
            )
        wanted: dict[str, int] = {}
        for sku, amount in request.items:
            wanted[sku] = wanted.get(sku, 0) + amount
        if any(customer.holdings.get(sku, 0) < amount for sku, amount in wanted.items()):
            raise SandboxError(403, "Insufficient balance for this sale.")
        for sku, amount in wanted.items():
            customer.holdings[sku] -= amount
        epoch = self.epoch()
        lines = tuple(
            SellLine(
                product_id=metal.product_id,
                sku=sku,
                product_name=metal.name,
                spot_price=catalog.digital_spot(metal, epoch),
                price=catalog.buyback_price(metal, epoch),
                amount=amount,
            )
            for sku, amount in request.items
            for metal in (catalog.DIGITAL[sku],)
        )
        order = SellOrder(
            guid=str(uuid.uuid4()).upper(),
            order_code=random_token(8).upper(),
            external_id=request.external_id,
            lines=lines,
            currency_code=request.currency_code,
            currency_rate=catalog.RATES[request.currency_code],
            created_at=self.clock(),
        )
        self.sell_orders[order.guid] = order
        return order
