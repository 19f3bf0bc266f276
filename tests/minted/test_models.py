"""The client's models read every documented example exactly (money as Decimal)."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from webview_host.minted.envelope import unwrap
from webview_host.minted.models import (
    EcomOrder,
    Order,
    OrderResponse,
    Page,
    parse_minted_datetime,
)
from webview_host.sandbox.seeds import FILES, seed_bytes

# The Minted doc pages as captured (copies of shared/seeds/, so a bare clone can test).
SEED_PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "seed_pages"


def _json_block(text: str) -> str:
    """The response example of a doc page: the JSON object that has a `success` key."""
    decoder = json.JSONDecoder()
    for match in re.finditer(r"^\s*\{", text, re.M):
        try:
            obj, end = decoder.raw_decode(text, match.end() - 1)
        except ValueError:
            continue
        if isinstance(obj, dict) and "success" in obj:
            return text[match.end() - 1 : end]
    raise AssertionError("no response example in the page")


@pytest.mark.parametrize("name", sorted(FILES))
def test_packaged_seed_is_the_doc_page_example_byte_for_byte(name: str) -> None:
    prefix = FILES[name][:3]
    page = next(SEED_PAGES.glob(f"{prefix}_*.txt")).read_text()
    assert seed_bytes(name).decode().rstrip("\n") == _json_block(page)


def _documented(name: str) -> Any:
    return json.loads(seed_bytes(name), parse_float=Decimal)["data"]


def _same(model_dump: Any, documented: Any) -> None:
    """Every documented value comes back; dates compare as instants."""
    if isinstance(documented, dict):
        assert isinstance(model_dump, dict)
        assert set(model_dump) == set(documented)
        for key, value in documented.items():
            _same(model_dump[key], value)
    elif isinstance(documented, list):
        assert len(model_dump) == len(documented)
        for a, b in zip(model_dump, documented, strict=True):
            _same(a, b)
    elif isinstance(model_dump, dt.datetime):
        assert model_dump == parse_minted_datetime(documented)
    elif isinstance(model_dump, Decimal):
        assert model_dump == Decimal(str(documented))
        assert type(documented) in (int, Decimal)
    else:
        assert model_dump == documented


@pytest.mark.parametrize(
    ("name", "model"),
    [
        ("clear_basket", EcomOrder),
        ("incomplete_baskets", Page[EcomOrder]),
        ("active_basket", EcomOrder),
        ("order_alternative", Order),
        ("sell", OrderResponse),
    ],
)
def test_every_seed_parses_and_gives_back_every_documented_value(name: str, model: Any) -> None:
    data = _unwrap_bytes(seed_bytes(name))
    parsed = model.model_validate(data)
    _same(parsed.model_dump(by_alias=True, exclude_unset=True), _documented(name))


def _unwrap_bytes(body: bytes) -> Any:

    return unwrap(200, body)


def test_active_basket_money_is_exact_decimal() -> None:
    basket = EcomOrder.model_validate(_unwrap_bytes(seed_bytes("active_basket")))
    assert basket.total == Decimal("2960.3")
    assert basket.insurance_price == Decimal("8.12")
    assert basket.items[0].prices[3].price == Decimal("190.68")
    assert basket.items[0].product_weight == Decimal("1.01")
    assert isinstance(basket.market_commission, Decimal)
    assert basket.pricefix is not None
    assert basket.pricefix.remaining == -2
    assert basket.pricefix.lapsed
    assert basket.pricefix.next_update == dt.datetime(
        2024, 7, 19, 12, 42, 34, tzinfo=dt.timezone(dt.timedelta(hours=3))
    )
    assert basket.order_at == dt.datetime(2024, 7, 19, 9, 39, 3, tzinfo=dt.UTC)
    assert basket.customer is not None
    assert basket.customer.identity_number == "12345677937"
    assert "12345677937" not in repr(basket.customer), "identity numbers stay out of repr"
    assert basket.token not in repr(basket), "tokens stay out of repr"


def test_missing_money_is_absent_not_zero() -> None:
    basket = EcomOrder.model_validate(_unwrap_bytes(seed_bytes("clear_basket")))
    assert basket.delivery_price is None
    assert basket.total == Decimal(0)
    assert basket.items == []


def test_naive_dates_in_both_documented_formats_are_istanbul_time() -> None:
    """Istanbul is UTC+3 all year: a naive 07:18 is 04:18 UTC, never 07:18 UTC."""
    utc = dt.UTC
    order = Order.model_validate(_unwrap_bytes(seed_bytes("order_alternative")))
    assert order.order_at == dt.datetime(2023, 11, 6, 4, 18, tzinfo=utc)
    sold = OrderResponse.model_validate(_unwrap_bytes(seed_bytes("sell")))
    assert sold.order_at == dt.datetime(2023, 5, 31, 0, 16, 45, tzinfo=utc)
    assert sold.orders[0].order_at == dt.datetime(2023, 5, 31, 0, 16, tzinfo=utc)
    zulu = parse_minted_datetime("2024-07-19T09:39:03.000000Z")
    assert zulu == dt.datetime(2024, 7, 19, 9, 39, 3, tzinfo=utc), "an explicit Z stays UTC"


def test_extra_fields_and_nulls_are_tolerated() -> None:
    data = json.loads(seed_bytes("active_basket"), parse_float=Decimal)["data"]
    data["brand_new_field"] = {"nested": True}
    data["billingaddress"] = None
    data["items"][0]["tax_rate"] = None
    parsed = EcomOrder.model_validate(data)
    assert parsed.billingaddress is None
    assert parsed.model_extra == {"brand_new_field": {"nested": True}}


def test_unknown_date_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unrecognised Minted date"):
        parse_minted_datetime("19/07/2024")
