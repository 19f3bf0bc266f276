"""The review's pieces: the signed basket reference, the basket check, the fee lines."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from webview_host.checkout import BasketChanged, BasketRef
from webview_host.checkout.review import check_basket, fee_lines
from webview_host.minted import EcomOrder
from webview_host.sandbox.seeds import seed_bytes
from webview_host.sessions import CHECKOUT_SALT, SESSION_SALT, CustomerSession, Signer
from webview_host.settings import Secret

KEYS = (Secret("k" * 32),)
SIGNER = Signer(KEYS, CHECKOUT_SALT, 60)
SESSION = CustomerSession.new(
    customer_id="c-1",
    launch_id="l-1",
    locale="en",
    token="t" * 32,
    token_expires_at=None,
    return_url=None,
)


def basket(**changes: Any) -> EcomOrder:
    data = json.loads(seed_bytes("active_basket"), parse_float=Decimal)["data"]
    data["pricefix"] = {"remaining": 120, "nextUpdate": None, "updated": False}
    data.update(changes)
    return EcomOrder.model_validate(data)


def test_the_reference_round_trips_and_refuses_forgeries() -> None:
    ref = BasketRef.of(SESSION, basket())
    signed = ref.sign(SIGNER)
    assert BasketRef.verify(SIGNER, signed) == ref
    assert BasketRef.verify(SIGNER, signed[:-2] + "xx") is None
    assert BasketRef.verify(Signer(KEYS, SESSION_SALT, 60), signed) is None, "another purpose"
    assert BasketRef.verify(SIGNER, SIGNER.dumps({"key": "k"})) is None, "missing fields"
    assert BasketRef.verify(SIGNER, SIGNER.dumps(["not", "a", "dict"])) is None
    assert BasketRef.verify(SIGNER, "") is None


def test_the_reviewed_basket_passes() -> None:
    live = basket()
    assert check_basket(BasketRef.of(SESSION, live), live, SESSION) is live


@pytest.mark.parametrize(
    ("live", "reason"),
    [
        (None, "empty"),
        (basket(items=[]), "empty"),
        (basket(guid="another-basket"), "changed"),
        (basket(total=Decimal("1.00")), "changed"),
        (
            basket(
                total=Decimal("1.00"),
                pricefix={"remaining": 200, "nextUpdate": None, "updated": True},
            ),
            "price_lapsed",
        ),
        (basket(pricefix={"remaining": -1, "nextUpdate": None, "updated": False}), "price_lapsed"),
        (basket(currency_code="EUR"), "changed"),
    ],
)
def test_a_different_basket_is_refused_with_its_reason(live: EcomOrder | None, reason: str) -> None:
    ref = BasketRef.of(SESSION, basket())
    with pytest.raises(BasketChanged) as caught:
        check_basket(ref, live, SESSION)
    assert caught.value.reason == reason


def test_another_customers_basket_is_changed() -> None:
    other = CustomerSession.new(
        customer_id="c-2",
        launch_id="l-2",
        locale="en",
        token="t" * 32,
        token_expires_at=None,
        return_url=None,
    )
    with pytest.raises(BasketChanged):
        check_basket(BasketRef.of(SESSION, basket()), basket(), other)


def test_fee_lines_are_the_non_zero_fees_in_display_order() -> None:
    lines = fee_lines(basket())
    assert lines == [
        ("delivery_price", Decimal(65)),
        ("insurance_price", Decimal("8.12")),
        ("market_commission", Decimal("209.69")),
        ("minted_markup_price", Decimal("31.81")),
    ]
