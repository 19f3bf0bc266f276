"""What the customer reviews before Confirm, and the signed reference that binds Confirm to it.

The review page signs a `BasketRef` (basket key, guid, total, currency) into
its form; Confirm completes only that basket at that total. `check_basket`
is the one place that decides whether the live basket is still the one
reviewed.
"""

from __future__ import annotations

import dataclasses
import secrets
from decimal import Decimal
from typing import Any, Final, Literal, get_args

from ..ledger import Completion, basket_key
from ..minted import EcomOrder
from ..sessions import CustomerSession, Signer

ChangeReason = Literal["empty", "changed", "price_lapsed"]
# What the review page may say on arrival: why Confirm sent the customer back, or "retry"
# (the order page's "Try again" after a retryable failure).
Notice = Literal[ChangeReason, "retry"]
NOTICES: Final[tuple[Notice, ...]] = get_args(Notice)

# The Ecom Order money fields shown on review as "included in the total", in display order.
FEE_FIELDS: Final = (
    "delivery_price",
    "insurance_price",
    "market_commission",
    "minted_markup_price",
    "silver_craftsmanship",
    "payment_cost",
)


class BasketChanged(Exception):
    """The basket is not the one reviewed; the customer goes back to review."""

    def __init__(self, reason: ChangeReason) -> None:
        self.reason: ChangeReason = reason
        super().__init__(reason)


@dataclasses.dataclass(frozen=True)
class BasketRef:
    """What the customer reviewed, signed into the Confirm form.

    `review` is new on every review page: every submit of one page (double taps,
    resubmits, other tabs and instances) shares it and so gets one outcome; only a
    new review may try a failed basket again.
    """

    key: str
    guid: str
    total: str
    currency: str
    review: str

    @classmethod
    def of(cls, session: CustomerSession, basket: EcomOrder) -> BasketRef:
        return cls(
            key=basket_key(session.customer_id, basket.guid, basket.token),
            guid=basket.guid,
            total=str(basket.total if basket.total is not None else ""),
            currency=basket.currency_code or "",
            review=secrets.token_urlsafe(9),
        )

    def sign(self, signer: Signer) -> str:
        return signer.dumps(dataclasses.asdict(self))

    @classmethod
    def verify(cls, signer: Signer, signed: str) -> BasketRef | None:
        """The reference signed into a form, or None when it is forged, stale or garbled."""
        data: Any = signer.loads(signed)
        if not isinstance(data, dict):
            return None
        try:
            return cls(**data)
        except TypeError:
            return None


@dataclasses.dataclass(frozen=True)
class Review:
    """The review page's content: the basket (None when there is nothing to confirm),
    its fee lines, whether the price fix lapsed, a recent order to point out, and the
    signed reference for the Confirm form."""

    session: CustomerSession
    basket: EcomOrder | None
    fees: list[tuple[str, Decimal]]
    lapsed: bool
    recent_order: Completion | None
    basket_ref: str


@dataclasses.dataclass(frozen=True)
class OrderInProgress:
    """An order is being placed for this customer: show it instead of a review."""

    completion: Completion


def fee_lines(basket: EcomOrder) -> list[tuple[str, Decimal]]:
    lines = []
    for name in FEE_FIELDS:
        amount = getattr(basket, name)
        if amount:
            lines.append((name, amount))
    return lines


def check_basket(ref: BasketRef, basket: EcomOrder | None, session: CustomerSession) -> EcomOrder:
    """The live basket if it is the one reviewed, at the reviewed total, price fix live."""
    if basket is None or not basket.items:
        raise BasketChanged("empty")
    if basket_key(session.customer_id, basket.guid, basket.token) != ref.key:
        raise BasketChanged("changed")
    repriced = basket.pricefix is not None and (basket.pricefix.lapsed or basket.pricefix.updated)
    if str(basket.total) != ref.total or (basket.currency_code or "") != ref.currency:
        raise BasketChanged("price_lapsed" if repriced else "changed")
    if basket.pricefix is not None and basket.pricefix.lapsed:
        raise BasketChanged("price_lapsed")
    return basket
