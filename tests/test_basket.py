"""BasketService, driven directly: basket reads and Minted token renewal."""

from __future__ import annotations

import dataclasses

import pytest
from starlette.applications import Starlette

from tests.helpers import Clock, calls, customer_payload
from webview_host.basket import SessionEnded
from webview_host.minted import MintedUnauthorized
from webview_host.services import Services
from webview_host.sessions import CustomerSession

pytestmark = pytest.mark.anyio


async def _session(services: Services) -> CustomerSession:
    url, _ = await services.launches.create(customer_payload(), locale="en", return_url=None)
    return await services.launches.start_session(url.rsplit("/", 1)[1])


def _add(sandbox: Starlette, session: CustomerSession, sku: str = "MNT0001") -> None:
    store = sandbox.state.store
    store.set_quantity(store.customer_for_token(session.token), sku, 1)


async def test_no_basket_then_a_basket(services: Services, sandbox: Starlette) -> None:
    session = await _session(services)
    empty = await services.baskets.read(session)
    assert empty.basket is None
    assert empty.session is session
    assert not empty.renewed
    _add(sandbox, session)
    view = await services.baskets.read(session)
    assert view.basket is not None
    assert [item.sku for item in view.basket.items] == ["MNT0001"]


async def test_an_expired_token_is_renewed_once(services: Services, sandbox: Starlette) -> None:
    session = await _session(services)
    _add(sandbox, session)
    sandbox.state.store.expire_tokens()
    view = await services.baskets.read(session)
    assert view.renewed
    assert view.session.token != session.token
    assert view.basket is not None
    assert calls(sandbox, "create_token") == 2


async def test_a_token_about_to_expire_is_renewed_before_use(
    services: Services, sandbox: Starlette, clock: Clock
) -> None:
    session = await _session(services)
    dying = dataclasses.replace(session, token_expires_at=clock() + 1)
    fresh, renewed = await services.baskets.fresh_session(dying)
    assert renewed
    assert fresh.token != session.token
    assert calls(sandbox, "get_active_basket") == 0, "renewed without a failed read first"


async def test_a_refused_renewed_token_is_not_renewed_again(
    services: Services, sandbox: Starlette
) -> None:
    session = await _session(services)
    sandbox.state.store.token_ttl = 0  # every new token is born expired
    sandbox.state.store.expire_tokens()
    with pytest.raises(MintedUnauthorized):
        await services.baskets.read(session)
    assert calls(sandbox, "create_token") == 2, "one renewal, no loop"


async def test_a_purged_profile_ends_the_session(services: Services, clock: Clock) -> None:
    session = await _session(services)
    clock.advance(services.settings.session_max_age + services.settings.launch_ttl + 1)
    await services.launches.create(customer_payload(), locale="en", return_url=None)  # purges
    with pytest.raises(SessionEnded):
        await services.baskets.renew_token(session)
