"""Review and exactly-once Complete.

`review` (what the customer confirms, the signed basket reference) ->
`complete` (claim once, call Minted once, record) -> `reconcile` (settle
lost answers from Minted's own record).
"""

from .complete import RECENT_ORDER_SECONDS, Checkout, is_price_lapse
from .reconcile import Reconciler
from .review import (
    FEE_FIELDS,
    NOTICES,
    BasketChanged,
    BasketRef,
    ChangeReason,
    Notice,
    OrderInProgress,
    Review,
)

__all__ = [
    "FEE_FIELDS",
    "NOTICES",
    "RECENT_ORDER_SECONDS",
    "BasketChanged",
    "BasketRef",
    "ChangeReason",
    "Checkout",
    "Notice",
    "OrderInProgress",
    "Reconciler",
    "Review",
    "is_price_lapse",
]
