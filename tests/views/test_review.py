"""The review page and Confirm: only the reviewed basket, at the reviewed total, by its owner."""

from __future__ import annotations

import re

from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.helpers import (
    HOST,
    Clock,
    basket_reviewed,
    calls,
    claim_current_basket,
    confirm,
    order_page,
    put_item,
    review_form,
)


def test_csrf_and_origin_are_checked(
    host: TestClient, sandbox_client: TestClient, sandbox: Starlette
) -> None:
    _token, form = basket_reviewed(host, sandbox_client, "MNT0001")
    missing = host.post(
        "/checkout/complete", data={"basket": form["basket"]}, headers={"Origin": HOST}
    )
    assert missing.status_code == 403
    wrong = host.post(
        "/checkout/complete", data={**form, "csrf": "x" * 32}, headers={"Origin": HOST}
    )
    assert wrong.status_code == 403
    evil = host.post("/checkout/complete", data=form, headers={"Origin": "https://evil.example"})
    assert evil.status_code == 403
    cross = host.post(
        "/checkout/complete", data=form, headers={"Origin": "null", "Sec-Fetch-Site": "cross-site"}
    )
    assert cross.status_code == 403
    assert calls(sandbox, "complete") == 0
    # Browsers send Origin: null on same-origin posts under no-referrer.
    ok = host.post(
        "/checkout/complete", data=form, headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"}
    )
    assert ok.status_code == 303
    assert calls(sandbox, "complete") == 1


def test_forged_basket_reference_goes_back_to_review(
    host: TestClient, sandbox_client: TestClient, sandbox: Starlette
) -> None:
    _token, form = basket_reviewed(host, sandbox_client, "MNT0001")
    forged = confirm(host, {**form, "basket": form["basket"][:-3] + "abc"})
    assert forged.headers["location"] == "/checkout?notice=changed"
    assert calls(sandbox, "complete") == 0


def test_basket_changed_after_review(
    host: TestClient, sandbox_client: TestClient, sandbox: Starlette
) -> None:
    token, form = basket_reviewed(host, sandbox_client, "MNT0001")
    put_item(sandbox_client, token, "MNT0001", 2)
    response = confirm(host, form)
    assert response.headers["location"] == "/checkout?notice=changed"
    assert calls(sandbox, "complete") == 0
    notice = host.get(response.headers["location"])
    assert 'data-testid="checkout-notice"' in notice.text


def test_price_fix_lapse_sends_back_to_review_with_new_total(
    host: TestClient, sandbox_client: TestClient, sandbox: Starlette, clock: Clock
) -> None:
    _token, form = basket_reviewed(host, sandbox_client, "MNT0001")
    old_total = re.search(r'data-testid="checkout-total">([^<]+)<', host.get("/checkout").text)
    sandbox.state.store.lapse_pricefix()
    response = confirm(host, form)
    assert response.headers["location"] == "/checkout?notice=price_lapsed"
    assert calls(sandbox, "complete") == 0
    lapsed = host.get("/checkout?notice=price_lapsed")
    assert "Prices were updated" in lapsed.text
    assert 'data-testid="pricefix-lapsed"' in lapsed.text
    assert re.search(r'data-testid="confirm-button"[^>]*disabled', lapsed.text)
    clock.advance(6)  # past nextUpdate: the feed re-prices the basket
    fresh = host.get("/checkout")
    new_total = re.search(r'data-testid="checkout-total">([^<]+)<', fresh.text)
    assert old_total
    assert new_total
    assert new_total.group(1) != old_total.group(1)
    done = confirm(host, review_form(host))
    assert order_page(host, done.headers["location"])["state"] == "completed"
    assert calls(sandbox, "complete") == 1


def test_review_while_an_order_is_being_placed_shows_the_order(
    host: TestClient, sandbox_client: TestClient, sandbox: Starlette
) -> None:
    """A reload of /checkout mid-confirm leads to the order in progress, not a stale form."""
    _token, form = basket_reviewed(host, sandbox_client, "MNT0001")
    claimed, _ = claim_current_basket(host, form)
    review = host.get("/checkout")
    assert review.status_code == 303
    assert review.headers["location"] == f"/orders/{claimed.id}"
