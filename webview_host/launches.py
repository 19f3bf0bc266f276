"""Launches: the one-time links partners create, and their exchange for a session.

A launch code is 128 random bits, handed to the partner once and stored only
as a hash. Exchanging it (once) creates the Minted token and the session.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from .basket import token_expiry
from .ledger import Ledger
from .minted import MintedClient, MintedError
from .sessions import CustomerSession
from .settings import Settings
from .types import Locale

logger = logging.getLogger(__name__)


class LaunchService:
    """Create launch links; exchange a code for a Minted token and a session."""

    def __init__(self, settings: Settings, minted: MintedClient, ledger: Ledger) -> None:
        self._settings = settings
        self._minted = minted
        self._ledger = ledger

    async def create(
        self, customer: dict[str, Any], *, locale: Locale, return_url: str | None
    ) -> tuple[str, float]:
        """A one-time launch URL for this customer and its expiry (epoch seconds)."""
        code = secrets.token_urlsafe(16)
        expires_at = await self._ledger.launches.add(
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
        launch = await self._ledger.launches.consume(code)
        try:
            grant = await self._minted.create_token(launch.customer, locale=launch.locale)
        except MintedError:
            # Give the code back (while it is still valid) so "Try again" can work.
            await self._ledger.launches.release(code)
            raise
        logger.info("session started", extra={"customer_id": launch.customer_id})
        return CustomerSession.new(
            customer_id=launch.customer_id,
            launch_id=launch.id,
            locale=launch.locale,
            token=grant.token,
            token_expires_at=token_expiry(grant),
            return_url=launch.return_url,
        )
