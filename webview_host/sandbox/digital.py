"""Digital metal sales: price tokens and Sell (seed 004), from request body to answer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import catalog, render
from .store import SandboxStore
from .validation import validate_sell


def issue_price_token(store: SandboxStore) -> dict[str, Any]:
    """A fresh price token and the spot prices it fixes (the `prices` endpoint's data)."""
    token, expires_at = store.issue_price_token()
    return render.price_token(token, expires_at, store.epoch())


def sell(store: SandboxStore, body: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a Sell exactly as documented, sell, and answer in seed 004's shape."""
    request = validate_sell(
        body,
        skus=tuple(catalog.DIGITAL),
        currencies=catalog.CURRENCIES,
        price_token_valid=store.price_token_valid,
    )
    return render.sell_response(store.sell(request))
