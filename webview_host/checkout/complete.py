"""Exactly-once Complete: claim the basket in the ledger, call Minted once, record the outcome.

Completing a reviewed basket (`Checkout.complete`):

1. a completion already recorded for the basket is settled and returned as it
   is: every submit of one review page (double tap, back + resubmit, second tab,
   another instance, early or late) gets that first outcome and no upstream
   call. Only a submit from a *new* review may try a retryable failure again;
2. the live basket is re-read and must still be the one reviewed (same key,
   same total, price fix not lapsed), otherwise `BasketChanged` sends the
   customer back to review, unless the first submit recorded the basket
   meanwhile (its Complete is why the basket is gone);
3. the basket is claimed (unique key; a compare-and-set for a retry), the
   claim is marked sent, and only then is Minted Complete called, once;
4. Minted's answer is recorded; a lost answer makes the row `unknown`, settled
   by `Reconciler` from Minted's own record.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from ..basket import BasketService
from ..ledger import Completion, CompletionState, ErrorKind, Ledger
from ..minted import (
    MintedAPIError,
    MintedClient,
    MintedError,
    MintedForbidden,
    MintedProtocolError,
    MintedUnauthorized,
    MintedUnavailable,
)
from ..sessions import CustomerSession, Signer
from .reconcile import Reconciler
from .review import (
    BasketChanged,
    BasketRef,
    OrderInProgress,
    Review,
    check_basket,
    fee_lines,
)

logger = logging.getLogger(__name__)

# An order placed this recently is pointed out on the review page (reload, back button).
RECENT_ORDER_SECONDS = 15 * 60


def is_price_lapse(exc: MintedAPIError) -> bool:
    """Minted's refusal because the price fix expired (assumed: a 422 naming the price fix)."""
    text = exc.message.lower()
    return exc.status == 422 and (
        "pricefix" in exc.field_errors or "price fix" in text or "pricefix" in text
    )


class Checkout:
    """Review and the Complete flow."""

    def __init__(
        self,
        minted: MintedClient,
        ledger: Ledger,
        baskets: BasketService,
        reconciler: Reconciler,
        ref_signer: Signer,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._minted = minted
        self._completions = ledger.completions
        self._baskets = baskets
        self._reconciler = reconciler
        self._signer = ref_signer
        self._clock = clock

    async def review(self, session: CustomerSession) -> Review | OrderInProgress:
        """What the review page shows, or the order being placed for this customer: a
        reload mid-confirm, or a basket whose Complete is still unknown."""
        recent = await self._completions.latest(
            session.customer_id, since=self._clock() - RECENT_ORDER_SECONDS
        )
        if recent is not None:
            recent = await self._reconciler.settle(recent)
            if recent.in_progress:
                return OrderInProgress(recent)
        view = await self._baskets.read(session)
        basket = view.nonempty_basket
        if basket is not None:
            ref = BasketRef.of(view.session, basket)
            existing = await self._completions.find(ref.key)
            if existing is not None:
                existing = await self._reconciler.settle(existing)
                if existing.in_progress:
                    return OrderInProgress(existing)
        return Review(
            session=view.session,
            basket=basket,
            fees=fee_lines(basket) if basket is not None else [],
            lapsed=bool(basket and basket.pricefix and basket.pricefix.lapsed),
            recent_order=recent
            if recent is not None and recent.state is CompletionState.COMPLETED
            else None,
            basket_ref=ref.sign(self._signer) if basket is not None else "",
        )

    async def complete(
        self, session: CustomerSession, signed_ref: str
    ) -> tuple[Completion, CustomerSession]:
        """The completion for the reviewed basket, calling Minted Complete at most once."""
        ref = BasketRef.verify(self._signer, signed_ref)
        if ref is None:
            raise BasketChanged("changed")
        recorded = await self._recorded(ref)
        if recorded is not None:
            return recorded, session
        view = await self._baskets.read(session)
        session = view.session
        try:
            basket = check_basket(ref, view.basket, session)
        except BasketChanged:
            # The basket may be gone because a duplicate of this submit completed it.
            recorded = await self._recorded(ref)
            if recorded is not None:
                return recorded, session
            raise
        existing = await self._completions.find(ref.key)
        if existing is None:
            owned, won = await self._completions.claim(
                key=ref.key,
                customer_id=session.customer_id,
                launch_id=session.launch_id,
                basket_guid=basket.guid,
                cart_token=basket.token,
                locale=session.locale,
                total=basket.total,
                currency=basket.currency_code,
                review_id=ref.review,
            )
            if not won:
                return await self._reconciler.settle(owned), session
        else:
            reclaimed = await self._completions.reclaim(
                existing, total=basket.total, currency=basket.currency_code, review_id=ref.review
            )
            if reclaimed is None:
                return await self._reconciler.settle(
                    await self._completions.current(existing)
                ), session
            owned = reclaimed
        return await self._call_complete(owned), session

    async def _recorded(self, ref: BasketRef) -> Completion | None:
        """The basket's recorded outcome for this submit: None when there is none yet, or
        when it failed retryably and this submit comes from a new review."""
        existing = await self._completions.find(ref.key)
        if existing is None:
            return None
        existing = await self._reconciler.settle(existing)
        if existing.retry_allowed and existing.review_id != ref.review:
            return None
        return existing

    async def _call_complete(self, claimed: Completion) -> Completion:
        completion = await self._completions.mark_sent(claimed)
        if completion is None:  # settled by a stale takeover meanwhile: not ours to send
            return await self._reconciler.settle(await self._completions.current(claimed))
        code = completion.support_code
        logger.info(
            "calling Minted Complete for %s (attempt %d)",
            code,
            completion.attempts,
            extra={"support_code": code},
        )
        try:
            order = await self._minted.complete(
                completion.customer_id, completion.cart_token, locale=completion.locale
            )
        except MintedUnavailable as exc:
            if not exc.request_sent:
                return await self._fail(completion, "unavailable", exc)
            return await self._lost(completion, exc)
        except MintedProtocolError as exc:
            return await self._lost(completion, exc)
        except MintedAPIError as exc:
            # The refusal may be because an earlier attempt already made the order.
            found = await self._reconciler.read_minted_while_owned(completion)
            if found is not None and found.is_order:
                return await self._reconciler.record_order(
                    completion, found, from_states=(CompletionState.PENDING,)
                )
            kind: ErrorKind
            if is_price_lapse(exc):
                kind = "price_lapsed"
            elif isinstance(exc, MintedUnauthorized | MintedForbidden):
                kind = "upstream_refused"
            else:
                kind = "rejected"
            return await self._fail(completion, kind, exc)
        return await self._reconciler.record_order(
            completion, order, from_states=(CompletionState.PENDING,)
        )

    async def _lost(self, completion: Completion, exc: MintedError) -> Completion:
        logger.warning(
            "Minted Complete outcome unknown for %s: %s",
            completion.support_code,
            exc,
            extra={"support_code": completion.support_code},
        )
        moved = await self._completions.transition(
            completion, from_states=(CompletionState.PENDING,), state=CompletionState.UNKNOWN
        )
        return await self._reconciler.reconcile(
            moved or await self._completions.current(completion)
        )

    async def _fail(self, completion: Completion, kind: ErrorKind, exc: MintedError) -> Completion:
        logger.warning(
            "Minted Complete failed for %s (%s): %s",
            completion.support_code,
            kind,
            exc,
            extra={"support_code": completion.support_code},
        )
        moved = await self._completions.transition(
            completion,
            from_states=(CompletionState.PENDING,),
            state=CompletionState.FAILED,
            retryable=True,
            error_kind=kind,
        )
        return moved or await self._completions.current(completion)
