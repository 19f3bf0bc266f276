"""The long-lived objects of one host process, opened and closed together.

`open_services` is what the app's lifespan runs; tests and the CLI use it too,
to drive the services without HTTP. Views reach the result through
`request.state`. Background jobs (the reconciliation sweep, the webhook
worker) run while the services are open.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import AsyncIterator, Callable

import anyio
import httpx
import jinja2
from starlette.templating import Jinja2Templates

from .basket import BasketService
from .checkout import Checkout, Reconciler
from .launches import LaunchService
from .ledger import Ledger
from .minted import MintedClient
from .readiness import Readiness
from .resources import package_dir
from .result_tokens import ResultTokenCheck
from .sessions import CHECKOUT_SALT, SessionStore, Signer
from .settings import Settings
from .telemetry import Metrics
from .throttle import Limit, Throttle
from .webhooks import Backoff, Dispatcher, EventWriter
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
    throttle: Throttle
    metrics: Metrics
    webhooks: Dispatcher | None  # None when WVH_WEBHOOK_URL is unset
    clock: Callable[[], float]
    result_tokens: ResultTokenCheck | None  # None: `?result_token=` is refused
    readiness: Readiness


def backoff_of(settings: Settings) -> Backoff:
    """The webhook retry schedule the settings describe."""
    return Backoff(
        initial=settings.webhook_backoff_initial,
        maximum=settings.webhook_backoff_max,
        give_up_after=settings.webhook_give_up_after,
    )


def page_templates() -> Jinja2Templates:
    """The host's templates, compiled once: a template is not looked at again on disk
    (Jinja2's `auto_reload` stats every template of a page on every render)."""
    loader = jinja2.FileSystemLoader(package_dir("templates"))
    return Jinja2Templates(
        env=jinja2.Environment(loader=loader, autoescape=True, auto_reload=False)
    )


def open_throttle(settings: Settings) -> Throttle:
    """The abuse limits of these settings, in Redis when `WVH_REDIS_URL` is set."""
    rules = {
        Limit.PARTNER: settings.limit_partner,
        Limit.PARTNER_FAILURES: settings.limit_partner_failures,
        Limit.LAUNCH: settings.limit_launch,
        Limit.BASKET: settings.limit_basket,
        Limit.CONFIRM: settings.limit_confirm,
    }
    redis = settings.redis_url.reveal() if settings.redis_url else None
    return Throttle.open(rules, redis, settings.redis_key_prefix)


@contextlib.asynccontextmanager
async def open_services(
    settings: Settings,
    *,
    minted_transport: httpx.AsyncBaseTransport | None = None,
    webhook_transport: httpx.AsyncBaseTransport | None = None,
    clock: Callable[[], float] = time.time,
    metrics: Metrics | None = None,
    background: bool = True,
    result_tokens: ResultTokenCheck | None = None,
) -> AsyncIterator[Services]:
    """Open the ledger (migrated), the Minted client and the webhook dispatcher, wire the
    services, run the background jobs (unless `background` is False), close all after."""
    metrics = metrics or Metrics()
    ledger = Ledger.open(settings.database_url, clock=clock)
    if settings.webhook_url is not None:
        ledger.completions.on_change(EventWriter(clock))
    try:
        await ledger.migrate()
        async with (
            MintedClient.from_settings(
                settings, transport=minted_transport, observer=metrics.observe_minted
            ) as minted,
            contextlib.AsyncExitStack() as stack,
            anyio.create_task_group() as workers,
        ):
            dispatcher = None
            if settings.webhook_url is not None:
                dispatcher = await stack.enter_async_context(
                    Dispatcher(
                        ledger.outbox,
                        url=settings.webhook_url,
                        secrets=settings.webhook_secrets,
                        timeout=settings.webhook_timeout,
                        backoff=backoff_of(settings),
                        clock=clock,
                        transport=webhook_transport,
                        on_outcome=metrics.count_delivery,
                    )
                )
                if background and settings.webhook_poll_interval:
                    workers.start_soon(
                        every, settings.webhook_poll_interval, dispatcher.run_once, "webhooks"
                    )
            baskets = BasketService(minted, ledger)
            reconciler = Reconciler(
                minted, ledger, pending_stale_seconds=settings.pending_stale_seconds, clock=clock
            )
            if background and settings.reconcile_interval:
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
                templates=page_templates(),
                metrics=metrics,
                webhooks=dispatcher,
                clock=clock,
                result_tokens=result_tokens,
                readiness=Readiness(
                    ledger,
                    minted,
                    webhooks_on=dispatcher is not None,
                    stuck_after=settings.outbox_stuck_seconds,
                    clock=clock,
                ),
                throttle=open_throttle(settings),
            )
            workers.cancel_scope.cancel()
    finally:
        await ledger.close()
