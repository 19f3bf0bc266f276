"""Settling completions whose outcome we do not know, from Minted's own record of the basket.

A lost answer (timeout, dropped connection, 5xx, garbage) leaves a completion
`unknown`. It is settled only by what Minted's E-commerce Get Order shows,
never by completing again and never by the clock: an order settles it as
completed. Anything else keeps it unknown: a basket that is still a basket
(a slow Minted may still be completing the call whose answer we lost), and
an error, a 404 included (a gateway's 404 must not tell a customer whose
order exists that it failed). What stays unknown is for an operator to
settle with Minted; the sweep keeps asking meanwhile.

A pending row older than `pending_stale_seconds` belongs to a process that
died mid-call. If its Complete was never sent (`sent_at` is empty) it failed,
definitively, and may be retried; if it may have been sent it is unknown.
`sweep` does this for every open completion, in the background, so outcomes
are recorded even when no customer is looking.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Final

import anyio

from ..ledger import Completion, CompletionState, Ledger
from ..minted import EcomOrder, MintedClient, MintedError

logger = logging.getLogger(__name__)

# How far instances' clocks may disagree (README; settings keeps the stale window at least
# the call deadline plus this).
CLOCK_MARGIN: Final = 5


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
        if completion.state is CompletionState.UNKNOWN:
            return await self.reconcile(completion)
        stale_before = self._clock() - self._stale
        if completion.state is not CompletionState.PENDING or completion.updated_at >= stale_before:
            return completion
        never_sent = completion.sent_at is None
        moved = await self._completions.transition(
            completion,
            from_states=(CompletionState.PENDING,),
            state=CompletionState.FAILED if never_sent else CompletionState.UNKNOWN,
            retryable=never_sent,
            error_kind="unavailable" if never_sent else None,
            stale_before=stale_before,
            sent=not never_sent,
        )
        if moved is None:  # another request settled it, or it was sent meanwhile
            return await self._completions.current(completion)
        logger.warning(
            "stale pending completion %s: %s",
            completion.support_code,
            "never sent, failed" if never_sent else "may have been sent, unknown",
            extra={"support_code": completion.support_code},
        )
        return moved if never_sent else await self.reconcile(moved)

    async def reconcile(self, completion: Completion) -> Completion:
        """Settle an unknown completion from Minted's own record of the basket."""
        found = await self.read_minted(completion)
        if found is not None and found.is_order:
            return await self.record_order(
                completion, found, from_states=(CompletionState.UNKNOWN,)
            )
        return completion

    async def sweep(self, *, limit: int = 100) -> list[Completion]:
        """Settle every unknown and stale pending completion (oldest first, at most
        `limit`); returns them as they are afterwards."""
        stale_before = self._clock() - self._stale
        found = await self._completions.open_ones(stale_before=stale_before, limit=limit)
        return [await self.settle(completion) for completion in found]

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
            state=CompletionState.COMPLETED,
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

    async def read_minted_while_owned(self, completion: Completion) -> EcomOrder | None:
        """`read_minted` for a pending completion this process is calling Minted for: given
        up (None) before the row can look stale to any instance, whose clock may run
        `CLOCK_MARGIN` seconds ahead of ours. A read with its retries may outlast the stale
        window; the sweep would then take the live row for a dead process's and turn the
        answer in hand (a refusal) into a lasting unknown."""
        left = completion.updated_at + self._stale - CLOCK_MARGIN - self._clock()
        with anyio.move_on_after(max(0.0, left)):
            return await self.read_minted(completion)
        logger.warning(
            "could not read Minted to reconcile %s before its claim would look stale",
            completion.support_code,
            extra={"support_code": completion.support_code},
        )
        return None

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
