"""Checkout, driven directly: review, then Complete at most once per basket."""

from __future__ import annotations

import asyncio

import pytest
from starlette.applications import Starlette

from tests.helpers import arm, calls, customer_payload
from webview_host.checkout import BasketChanged, OrderInProgress, Review
from webview_host.ledger import CompletionState
from webview_host.services import Services
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
