"""The live basket: Get Active Basket for the session, renewing its Minted token when needed.

An expired token is renewed once with the profile the partner sent at launch
(kept in the ledger, not in the cookie); once that profile is purged the
session has ended and the customer must relaunch from the app.
"""

from __future__ import annotations

import dataclasses
import logging
import time

from .ledger import Ledger
from .minted import EcomOrder, MintedClient, MintedNotFound, MintedUnauthorized, TokenGrant
from .sessions import CustomerSession

logger = logging.getLogger(__name__)

# A token this close to its expiry is renewed before use rather than after a 401.
_RENEW_AHEAD_SECONDS = 5


class SessionEnded(Exception):
    """The session can no longer reach Minted (its profile is gone): the customer must relaunch."""


@dataclasses.dataclass(frozen=True)
class BasketView:
    """The active basket (None when there is none) and the session, renewed if it had to be."""

    basket: EcomOrder | None
    session: CustomerSession
    renewed: bool

    @property
    def nonempty_basket(self) -> EcomOrder | None:
        """The basket when it has items: an emptied basket is nothing to review or clear."""
        return self.basket if self.basket is not None and self.basket.items else None


def token_expiry(grant: TokenGrant) -> float | None:
    """When a granted token expires (epoch seconds), from `expires_at` or `expire_ttl`."""
    if grant.expires_at is not None:
        return grant.expires_at.timestamp()
    if grant.expire_ttl is not None:
        return time.time() + grant.expire_ttl
    return None


class BasketService:
    """Basket reads and token renewal, over the Minted client and the ledger."""

    def __init__(self, minted: MintedClient, ledger: Ledger) -> None:
        self._minted = minted
        self._ledger = ledger

    async def renew_token(self, session: CustomerSession) -> CustomerSession:
        customer = await self._ledger.launches.customer(session.launch_id)
        if customer is None:
            raise SessionEnded("the launch profile has been purged")
        grant = await self._minted.create_token(customer, locale=session.locale)
        logger.info("minted token renewed", extra={"customer_id": session.customer_id})
        return session.with_token(grant.token, token_expiry(grant))

    async def fresh_session(self, session: CustomerSession) -> tuple[CustomerSession, bool]:
        """The session with a token that has not expired yet (renewed when it has)."""
        expires = session.token_expires_at
        if expires is not None and expires <= time.time() + _RENEW_AHEAD_SECONDS:
            return await self.renew_token(session), True
        return session, False

    async def read(self, session: CustomerSession) -> BasketView:
        """Get Active Basket; 404 means no basket, 401 renews the token once and retries."""
        session, renewed = await self.fresh_session(session)
        try:
            basket = await self._read(session)
        except MintedUnauthorized:
            if renewed:
                raise
            session, renewed = await self.renew_token(session), True
            basket = await self._read(session)
        return BasketView(basket, session, renewed)

    async def _read(self, session: CustomerSession) -> EcomOrder | None:
        try:
            return await self._minted.get_active_basket(session.token, locale=session.locale)
        except MintedNotFound:
            return None
