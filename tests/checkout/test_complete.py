"""Checkout, driven directly: review, then Complete at most once per basket."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from starlette.applications import Starlette

from tests.helpers import Clock, arm, calls, customer_payload, make_settings
from tests.transports import GatedTransport
from webview_host.checkout import BasketChanged, OrderInProgress, Review
from webview_host.ledger import CompletionState
from webview_host.services import Services, open_services
from webview_host.sessions import CustomerSession

pytestmark = pytest.mark.anyio


async def shopping(services: Services, sandbox: Starlette, sku: str = "MNT0001") -> CustomerSession:
    """A new customer's session with one `sku` in the basket."""
    url, _ = await services.launches.create(customer_payload(), locale="en", return_url=None)
    session = await services.launches.start_session(url.rsplit("/", 1)[1])
    store = sandbox.state.store
    store.set_quantity(store.customer_for_token(session.token), sku, 1)
    return session


async def reviewed(services: Services, session: CustomerSession) -> Review:
    review = await services.checkout.review(session)
    assert isinstance(review, Review)
    return review


async def test_review_then_complete_once(services: Services, sandbox: Starlette) -> None:
    session = await shopping(services, sandbox)
    review = await reviewed(services, session)
    assert review.basket is not None
    assert review.basket_ref
    assert not review.lapsed
    completion, _ = await services.checkout.complete(session, review.basket_ref)
    assert completion.state is CompletionState.COMPLETED
    assert completion.total == review.basket.total
    again, _ = await services.checkout.complete(session, review.basket_ref)
    assert again == completion
    assert calls(sandbox, "complete") == 1


async def test_concurrent_completes_in_one_process_call_minted_once(
    services: Services, sandbox: Starlette
) -> None:
    session = await shopping(services, sandbox)
    review = await reviewed(services, session)
    arm(sandbox, endpoint="complete", kind="delay", seconds=0.2)
    results = await asyncio.gather(
        *(services.checkout.complete(session, review.basket_ref) for _ in range(20))
    )
    assert len({completion.id for completion, _ in results}) == 1
    assert calls(sandbox, "complete") == 1


async def test_a_duplicate_that_finds_the_basket_gone_gets_the_first_outcome(
    sandbox: Starlette, sqlite_url: str, clock: Clock
) -> None:
    """Finding 3 of issue 12: a duplicate that found no completion yet, then read the basket
    only after the first submit's Complete had turned it into an order, was sent back to
    review ("empty") instead of getting the first submit's order."""
    gate = GatedTransport(httpx.ASGITransport(app=sandbox))
    settings = make_settings(database_url=sqlite_url)
    async with open_services(settings, minted_transport=gate, clock=clock) as services:
        session = await shopping(services, sandbox)
        review = await reviewed(services, session)
        gate.hold_next("/partner/ecom/getActiveBasket")
        duplicate = asyncio.create_task(services.checkout.complete(session, review.basket_ref))
        await gate.held.wait()  # it found no completion and now reads the basket
        first, _ = await services.checkout.complete(session, review.basket_ref)
        assert first.state is CompletionState.COMPLETED
        gate.release.set()  # its basket read reaches Minted after the order was made
        late, _ = await duplicate
    assert late.id == first.id
    assert late.state is CompletionState.COMPLETED
    assert calls(sandbox, "complete") == 1


async def test_a_forged_reference_is_a_changed_basket(
    services: Services, sandbox: Starlette
) -> None:
    session = await shopping(services, sandbox)
    review = await reviewed(services, session)
    with pytest.raises(BasketChanged) as caught:
        await services.checkout.complete(session, review.basket_ref + "x")
    assert caught.value.reason == "changed"
    assert calls(sandbox, "complete") == 0


async def test_review_of_an_empty_basket_has_nothing_to_confirm(
    services: Services, sandbox: Starlette
) -> None:
    url, _ = await services.launches.create(customer_payload(), locale="en", return_url=None)
    session = await services.launches.start_session(url.rsplit("/", 1)[1])
    review = await reviewed(services, session)
    assert review.basket is None
    assert review.basket_ref == ""
    assert review.fees == []


async def test_review_points_at_an_order_in_progress(
    services: Services, sandbox: Starlette
) -> None:
    session = await shopping(services, sandbox)
    review = await reviewed(services, session)
    arm(sandbox, endpoint="complete", kind="delay", seconds=0.3)
    completing = asyncio.create_task(services.checkout.complete(session, review.basket_ref))
    for _ in range(500):  # poll until the claim is in the ledger
        if await services.ledger.completions.latest(session.customer_id, since=0):
            break
        await asyncio.sleep(0.01)
    during = await services.checkout.review(session)
    assert isinstance(during, OrderInProgress)
    completion, _ = await completing
    assert during.completion.id == completion.id
    after = await reviewed(services, session)
    assert after.recent_order is not None
    assert after.recent_order.id == completion.id
