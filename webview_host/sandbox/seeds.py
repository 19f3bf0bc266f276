"""Replays the documented examples (`seed_data/`, copied byte for byte from the doc pages).

The seed scenarios answer with exactly the documented bodies, so the client is
tested against the real shapes through the full HTTP path. `minted_endpoint`
consults `replay` for every call once auth and headers pass; a replayed answer
changes no state (no push, no balance), and a request the endpoint would
refuse (say, a `push_hook` that is not a boolean) is not a seed scenario.

| call | the scenario's key |
|---|---|
| Get Active Basket | bearer token `SEED_WEBVIEW_TOKEN` |
| Clear Basket | customer `MTD0018232` with cart token `KOQS6Kh6j3dd0TdcmXqoC68h5O6i2tc2` |
| Get Incomplete Baskets | customer `6551eeaf4455bb5959555302` |
| Get Order (Alternative) | guid `2B555C6D-...` (the request example) or `896AE1AC-...` |
| Sell | external_id `HYAQA01373` |
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from typing import Any

SEED_WEBVIEW_TOKEN = "SeedWebviewToken0000000000000000"  # noqa: S105 - public sandbox fixture
SEED_CLEAR_CUSTOMER = "MTD0018232"
SEED_CART_TOKEN = "KOQS6Kh6j3dd0TdcmXqoC68h5O6i2tc2"  # noqa: S105 - from the doc page
SEED_BASKETS_CUSTOMER = "6551eeaf4455bb5959555302"
SEED_ORDER_GUIDS = ("2B555C6D-E551-4BD0-8912-B72A77E53723", "896AE1AC-E26F-4291-80B2-BF80DE0A920A")
SEED_SELL_EXTERNAL_ID = "HYAQA01373"

FILES = {
    "clear_basket": "000_clear_basket.json",
    "incomplete_baskets": "001_incomplete_baskets.json",
    "active_basket": "002_active_basket.json",
    "order_alternative": "003_order_alternative.json",
    "sell": "004_sell.json",
}


def seed_bytes(name: str) -> bytes:
    """The documented example body for `name` (a key of `FILES`), as captured."""
    return (resources.files(__package__) / "seed_data" / FILES[name]).read_bytes()


def replay(
    endpoint: str,
    *,
    token: str = "",
    body: Mapping[str, Any] | None = None,
    query: Mapping[str, str] | None = None,
) -> bytes | None:
    """The seed body this call is the documented scenario of, or None."""
    body = body or {}
    query = query or {}
    if endpoint == "get_active_basket" and token == SEED_WEBVIEW_TOKEN:
        return seed_bytes("active_basket")
    if endpoint == "clear_basket" and (
        body.get("external_customer_id"),
        body.get("cart_token"),
    ) == (SEED_CLEAR_CUSTOMER, SEED_CART_TOKEN):
        return seed_bytes("clear_basket")
    if endpoint == "get_incomplete_baskets" and query.get("customer_external_id") == (
        SEED_BASKETS_CUSTOMER
    ):
        return seed_bytes("incomplete_baskets")
    if (
        endpoint == "get_order"
        and body.get("guid") in SEED_ORDER_GUIDS
        and isinstance(body.get("push_hook", False), bool)
    ):
        return seed_bytes("order_alternative")
    if endpoint == "sell" and body.get("external_id") == SEED_SELL_EXTERNAL_ID:
        return seed_bytes("sell")
    return None
