"""Review and exactly-once Complete.

`review` (what the customer confirms, the signed basket reference) ->
`complete` (claim once, call Minted once, record) -> `reconcile` (settle
lost answers from Minted's own record).
"""

from .complete import Checkout
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
    "BasketChanged",
    "BasketRef",
    "ChangeReason",
    "Checkout",
    "Notice",
    "OrderInProgress",
    "Reconciler",
    "Review",
]
