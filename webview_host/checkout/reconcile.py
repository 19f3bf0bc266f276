"""Settling completions whose outcome we do not know, from Minted's own record of the basket.

A lost answer (timeout, dropped connection, 5xx, garbage) leaves a completion
`unknown`; a pending row older than `pending_stale_seconds` (its process died
mid-call) is treated the same way. Both are settled by reading Minted's
E-commerce Get Order, never by completing again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from ..ledger import Completion, CompletionState, Ledger
from ..minted import EcomOrder, MintedClient, MintedError

logger = logging.getLogger(__name__)

PENDING, COMPLETED, FAILED, UNKNOWN = (
    CompletionState.PENDING,
    CompletionState.COMPLETED,
    CompletionState.FAILED,
    CompletionState.UNKNOWN,
)


class Reconciler:
    """Reads Minted to settle unknown and stale completions; records orders."""

    def __init__(
        self,
        minted: MintedClient,
        ledger: Ledger,
        *,
        pending_stale_seconds: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._minted = minted
        self._completions = ledger.completions
        self._stale = pending_stale_seconds
        self._clock = clock

    async def settle(self, completion: Completion) -> Completion:
        """The completion's state, after reconciling it if unknown or stale pending."""
        if completion.state is UNKNOWN:
            return await self.reconcile(completion)
        stale_before = self._clock() - self._stale
        if completion.state is PENDING and completion.updated_at < stale_before:
            moved = await self._completions.transition(
                completion, from_states=(PENDING,), state=UNKNOWN, stale_before=stale_before
            )
            if moved is not None:
                logger.warning(
                    "stale pending completion %s treated as unknown",
                    completion.support_code,
                    extra={"support_code": completion.support_code},
                )
                return await self.reconcile(moved)
            return await self._completions.current(completion)
        return completion

    async def reconcile(self, completion: Completion) -> Completion:
        """Settle an unknown completion from Minted's own record of the basket.

        An order settles it at once. A basket that is still a basket settles it as
        failed only once the completion has been unknown for `pending_stale_seconds`:
        a slow Minted may still be completing the call whose answer we lost.
        """
        found = await self.read_minted(completion)
        if found is None:
            return completion
        if found.is_order:
            return await self.record_order(completion, found, from_states=(UNKNOWN,))
        if self._clock() - completion.updated_at < self._stale:
            return completion
        moved = await self._completions.transition(
            completion,
            from_states=(UNKNOWN,),
            state=FAILED,
            retryable=True,
            error_kind="unavailable",
        )
        logger.info(
            "completion %s reconciled: basket not completed",
            completion.support_code,
            extra={"support_code": completion.support_code},
        )
        return moved or await self._completions.current(completion)

    async def record_order(
        self,
        completion: Completion,
        order: EcomOrder,
        *,
        from_states: tuple[CompletionState, ...],
    ) -> Completion:
        moved = await self._completions.transition(
            completion,
            from_states=from_states,
            state=COMPLETED,
            order_guid=order.guid,
            increment_id=order.increment_id,
            order_code=order.external_id or order.increment_id,
            total=order.total,
            currency=order.currency_code,
        )
        logger.info(
            "completion %s completed as order %s",
            completion.support_code,
            order.guid,
            extra={"support_code": completion.support_code},
        )
        return moved or await self._completions.current(completion)

    async def read_minted(self, completion: Completion) -> EcomOrder | None:
        """Minted's record of the completion's basket, or None when it cannot be read now."""
        try:
            return await self._minted.get_ecom_order(
                completion.customer_id, completion.cart_token, locale=completion.locale
            )
        except MintedError as exc:
            logger.warning(
                "could not read Minted to reconcile %s: %s",
                completion.support_code,
                exc,
                extra={"support_code": completion.support_code},
            )
            return None
