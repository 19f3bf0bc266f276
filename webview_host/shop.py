"""Launches and the live basket: the services behind the launch API, the shell and /api/basket.

A launch code is 128 random bits, handed to the partner once and stored only
as a hash. Exchanging it (once) creates the Minted token and the session.
Reading the basket renews an expired Minted token once, with the profile the
partner sent at launch (kept in the ledger, not in the cookie).
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
import time
from typing import Any

from .ledger import Ledger
from .minted import (
    EcomOrder,
    MintedClient,
    MintedError,
    MintedNotFound,
    MintedUnauthorized,
    TokenGrant,
)
from .sessions import CustomerSession
from .settings import Settings

logger = logging.getLogger(__name__)


class SessionEnded(Exception):
    """The session can no longer reach Minted (its profile is gone): the customer must relaunch."""


@dataclasses.dataclass(frozen=True)
class BasketView:
    """The active basket (None when there is none) and the session, renewed if it had to be."""

    basket: EcomOrder | None
    session: CustomerSession
    renewed: bool


def _expiry(grant: TokenGrant) -> float | None:
    if grant.expires_at is not None:
        return grant.expires_at.timestamp()
    if grant.expire_ttl is not None:
        return time.time() + grant.expire_ttl
    return None


class Shop:
    """Launch, session start and basket reads, over the Minted client and the ledger."""

    def __init__(self, settings: Settings, minted: MintedClient, ledger: Ledger) -> None:
        self._settings = settings
        self._minted = minted
        self._ledger = ledger

    async def create_launch(
        self, customer: dict[str, Any], *, locale: str, return_url: str | None
    ) -> tuple[str, float]:
        """A one-time launch URL for this customer and its expiry (epoch seconds)."""
        code = secrets.token_urlsafe(16)
        expires_at = await self._ledger.add_launch(
            code,
            customer=customer,
            locale=locale,
            return_url=return_url,
            ttl=self._settings.launch_ttl,
            keep_profile_for=self._settings.session_max_age,
        )
        logger.info("launch created", extra={"customer_id": customer["external_id"]})
        return f"{self._settings.public_url}/launch/{code}", expires_at

    async def start_session(self, code: str) -> CustomerSession:
        """Consume the code (raises `LaunchRefused`), create the Minted token, open a session."""
        launch = await self._ledger.consume_launch(code)
        try:
            grant = await self._minted.create_token(launch.customer, locale=launch.locale)
        except MintedError:
            # Give the code back (while it is still valid) so "Try again" can work.
            await self._ledger.release_launch(code)
            raise
        logger.info("session started", extra={"customer_id": launch.customer_id})
        return CustomerSession.new(
            customer_id=launch.customer_id,
            launch_id=launch.id,
            locale=launch.locale,
            token=grant.token,
            token_expires_at=_expiry(grant),
            return_url=launch.return_url,
        )

    async def renew_token(self, session: CustomerSession) -> CustomerSession:
        customer = await self._ledger.launch_customer(session.launch_id)
        if customer is None:
            raise SessionEnded("the launch profile has been purged")
        grant = await self._minted.create_token(customer, locale=session.locale)
        logger.info("minted token renewed", extra={"customer_id": session.customer_id})
        return session.with_token(grant.token, _expiry(grant))

    async def fresh_session(self, session: CustomerSession) -> tuple[CustomerSession, bool]:
        """The session with a token that has not expired yet (renewed when it has)."""
        expires = session.token_expires_at
        if expires is not None and expires <= time.time() + 5:
            return await self.renew_token(session), True
        return session, False

    async def read_basket(self, session: CustomerSession) -> BasketView:
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
