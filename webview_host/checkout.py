"""Exactly-once Complete: claim the basket in the ledger, call Minted once, record the outcome.

The review page signs a `BasketRef` (basket key, guid, total, currency) into
its form. Completing it:

1. an existing completion for the basket key is settled and returned as it is
   (double tap, back + resubmit, second tab: no second upstream call), unless
   it failed in a way the customer may retry;
2. the live basket is re-read and must still be the one reviewed (same key,
   same total, price fix not lapsed), otherwise `BasketChanged` sends the
   customer back to review;
3. the basket is claimed (unique key; a compare-and-set for a retry), and only
   the winner calls Minted Complete;
4. Minted's answer is recorded. A lost answer (timeout, dropped connection,
   5xx, garbage) makes the row `unknown`, and it is reconciled by reading
   Minted's E-commerce Get Order, never by completing again. A pending row
   older than `pending_stale_seconds` (its process died mid-call) is treated
   the same way.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from typing import Any

from .ledger import (
    COMPLETED,
    FAILED,
    PENDING,
    UNKNOWN,
    Completion,
    Ledger,
    basket_key,
)
from .minted import (
    EcomOrder,
    MintedAPIError,
    MintedClient,
    MintedError,
    MintedForbidden,
    MintedProtocolError,
    MintedUnauthorized,
    MintedUnavailable,
)
from .sessions import CustomerSession
from .shop import Shop

logger = logging.getLogger(__name__)


class BasketChanged(Exception):
    """The basket is not the one reviewed: `reason` is "empty", "changed" or "price_lapsed"."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclasses.dataclass(frozen=True)
class BasketRef:
    """What the customer reviewed, signed into the Confirm form."""

    key: str
    guid: str
    total: str
    currency: str

    @classmethod
    def of(cls, session: CustomerSession, basket: EcomOrder) -> BasketRef:
        return cls(
            key=basket_key(session.customer_id, basket.guid, basket.token),
            guid=basket.guid,
            total=str(basket.total if basket.total is not None else ""),
            currency=basket.currency_code or "",
        )

    @classmethod
    def from_dict(cls, data: Any) -> BasketRef | None:
        if not isinstance(data, dict):
            return None
        try:
            return cls(**data)
        except TypeError:
            return None


def is_price_lapse(exc: MintedAPIError) -> bool:
    """Minted's refusal because the price fix expired (assumed: a 422 naming the price fix)."""
    text = exc.message.lower()
    return exc.status == 422 and (
        "pricefix" in exc.field_errors or "price fix" in text or "pricefix" in text
    )


class Checkout:
    """The Complete flow and its reconciliation."""

    def __init__(
        self,
        minted: MintedClient,
        ledger: Ledger,
        shop: Shop,
        *,
        pending_stale_seconds: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._minted = minted
        self._ledger = ledger
        self._shop = shop
        self._stale = pending_stale_seconds
        self._clock = clock

    async def complete(
        self, session: CustomerSession, ref: BasketRef
    ) -> tuple[Completion, CustomerSession]:
        """The completion for the reviewed basket, calling Minted Complete at most once."""
        existing = await self._ledger.find_completion(ref.key)
        if existing is not None:
            existing = await self.settle(existing)
            if not (existing.state == FAILED and existing.retryable):
                return existing, session
        view = await self._shop.read_basket(session)
        session = view.session
        try:
            basket = _check(ref, view.basket, session)
        except BasketChanged:
            # A failed attempt's basket may have become an order after all (a late Complete).
            if existing is not None:
                found = await self._read_minted(existing)
                if found is not None and found.is_order:
                    recorded = await self._record_order(existing, found, from_states=(FAILED,))
                    return recorded, session
            raise
        if existing is None:
            claimed, won = await self._ledger.claim(
                key=ref.key,
                customer_id=session.customer_id,
                launch_id=session.launch_id,
                basket_guid=basket.guid,
                cart_token=basket.token,
                locale=session.locale,
                total=basket.total,
                currency=basket.currency_code,
            )
            if not won:
                return await self.settle(claimed), session
        else:
            reclaimed = await self._ledger.reclaim(
                existing, total=basket.total, currency=basket.currency_code
            )
            if reclaimed is None:
                return await self._current(existing), session
            claimed = reclaimed
        return await self._call_complete(claimed), session

    async def settle(self, completion: Completion) -> Completion:
        """The completion's state, after reconciling it if unknown or stale pending."""
        if completion.state == UNKNOWN:
            return await self.reconcile(completion)
        stale_before = self._clock() - self._stale
        if completion.state == PENDING and completion.updated_at < stale_before:
            moved = await self._ledger.transition(
                completion, from_states=(PENDING,), state=UNKNOWN, stale_before=stale_before
            )
            if moved is not None:
                logger.warning(
                    "stale pending completion %s treated as unknown",
                    completion.support_code,
                    extra={"support_code": completion.support_code},
                )
                return await self.reconcile(moved)
            return await self._current(completion)
        return completion

    async def reconcile(self, completion: Completion) -> Completion:
        """Settle an unknown completion from Minted's own record of the basket.

        An order settles it at once. A basket that is still a basket settles it as
        failed only once the completion has been unknown for `pending_stale_seconds`:
        a slow Minted may still be completing the call whose answer we lost.
        """
        found = await self._read_minted(completion)
        if found is None:
            return completion
        if found.is_order:
            return await self._record_order(completion, found, from_states=(UNKNOWN,))
        if self._clock() - completion.updated_at < self._stale:
            return completion
        moved = await self._ledger.transition(
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
        return moved or await self._current(completion)

    async def _call_complete(self, completion: Completion) -> Completion:
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
            found = await self._read_minted(completion)
            if found is not None and found.is_order:
                return await self._record_order(completion, found, from_states=(PENDING,))
            if is_price_lapse(exc):
                kind = "price_lapsed"
            elif isinstance(exc, MintedUnauthorized | MintedForbidden):
                kind = "upstream_refused"
            else:
                kind = "rejected"
            return await self._fail(completion, kind, exc)
        return await self._record_order(completion, order, from_states=(PENDING,))

    async def _lost(self, completion: Completion, exc: MintedError) -> Completion:
        logger.warning(
            "Minted Complete outcome unknown for %s: %s",
            completion.support_code,
            exc,
            extra={"support_code": completion.support_code},
        )
        moved = await self._ledger.transition(completion, from_states=(PENDING,), state=UNKNOWN)
        return await self.reconcile(moved or await self._current(completion))

    async def _fail(self, completion: Completion, kind: str, exc: MintedError) -> Completion:
        logger.warning(
            "Minted Complete failed for %s (%s): %s",
            completion.support_code,
            kind,
            exc,
            extra={"support_code": completion.support_code},
        )
        moved = await self._ledger.transition(
            completion, from_states=(PENDING,), state=FAILED, retryable=True, error_kind=kind
        )
        return moved or await self._current(completion)

    async def _record_order(
        self, completion: Completion, order: EcomOrder, *, from_states: tuple[str, ...]
    ) -> Completion:
        moved = await self._ledger.transition(
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
        return moved or await self._current(completion)

    async def _read_minted(self, completion: Completion) -> EcomOrder | None:
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

    async def _current(self, completion: Completion) -> Completion:
        latest = await self._ledger.get_completion(completion.id)
        assert latest is not None, "completions are never deleted"
        return latest


def _check(ref: BasketRef, basket: EcomOrder | None, session: CustomerSession) -> EcomOrder:
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
