"""The long-lived objects of one host process, opened and closed together.

`open_services` is what the app's lifespan runs; tests use it too, to drive
the services without HTTP. Views reach the result through `request.state`.
Background jobs (the reconciliation sweep) run while the services are open.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import AsyncIterator, Callable

import anyio
import httpx
from starlette.templating import Jinja2Templates

from .basket import BasketService
from .checkout import Checkout, Reconciler
from .launches import LaunchService
from .ledger import Ledger
from .minted import MintedClient
from .resources import package_dir
from .sessions import CHECKOUT_SALT, SessionStore, Signer
from .settings import Settings
from .workers import every

# How long a signed Confirm form stays valid: long enough to read the review page.
CHECKOUT_FORM_MAX_AGE = 30 * 60


@dataclasses.dataclass(frozen=True)
class Services:
    """Everything a request may need, built once per process."""

    settings: Settings
    minted: MintedClient
    ledger: Ledger
    launches: LaunchService
    baskets: BasketService
    checkout: Checkout
    reconciler: Reconciler
    sessions: SessionStore
    templates: Jinja2Templates


@contextlib.asynccontextmanager
async def open_services(
    settings: Settings,
    *,
    minted_transport: httpx.AsyncBaseTransport | None = None,
    clock: Callable[[], float] = time.time,
) -> AsyncIterator[Services]:
    """Open the ledger (migrated) and the Minted client, wire the services, close both after."""
    ledger = Ledger.open(settings.database_url, clock=clock)
    try:
        await ledger.migrate()
        async with (
            MintedClient.from_settings(settings, transport=minted_transport) as minted,
            anyio.create_task_group() as workers,
        ):
            baskets = BasketService(minted, ledger)
            reconciler = Reconciler(
                minted, ledger, pending_stale_seconds=settings.pending_stale_seconds, clock=clock
            )
            if settings.reconcile_interval:
                workers.start_soon(
                    every, settings.reconcile_interval, reconciler.sweep, "reconcile"
                )
            yield Services(
                settings=settings,
                minted=minted,
                ledger=ledger,
                launches=LaunchService(settings, minted, ledger),
                baskets=baskets,
                checkout=Checkout(
                    minted,
                    ledger,
                    baskets,
                    reconciler,
                    Signer(settings.cookie_keys, CHECKOUT_SALT, CHECKOUT_FORM_MAX_AGE),
                    clock=clock,
                ),
                reconciler=reconciler,
                sessions=SessionStore(
                    settings.cookie_keys,
                    max_age=settings.session_max_age,
                    secure=settings.secure_cookies,
                ),
                templates=Jinja2Templates(directory=package_dir("templates")),
            )
            workers.cancel_scope.cancel()
    finally:
        await ledger.close()
