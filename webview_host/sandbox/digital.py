"""Digital metal sales: price tokens and Sell (the Partner "Sell" endpoint)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from . import catalog, render
from .render import ISTANBUL
from .store import SandboxStore, SellOrder, random_token
from .validation import SandboxError


def issue_price_token(store: SandboxStore) -> dict[str, Any]:
    token = random_token()
    now = store.clock()
    store.price_tokens[token] = now + store.pricefix_seconds
    epoch = int(now // store.pricefix_seconds)
    return {
        "price_token": token,
        "expires_at": render.iso_offset(now + store.pricefix_seconds),
        "prices": [
            {"sku": sku, "price": catalog.digital_spot(sku, epoch), "currency_code": "TRY"}
            for sku in catalog.DIGITAL
        ],
    }


def sell(store: SandboxStore, body: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    price_token = body.get("price_token")
    if not isinstance(price_token, str) or not price_token:
        errors["price_token"] = ["The price token field is required."]
    elif store.price_tokens.get(price_token, 0) <= store.clock():
        errors["price_token"] = ["The price token is unknown or expired."]
    currency = body.get("currency_code")
    if currency is not None and currency not in ("GBP", "TRY", "USD", "EUR"):
        errors["currency_code"] = ["The selected currency code is invalid."]
    external_id = body.get("external_id")
    if not isinstance(external_id, str) or not 1 <= len(external_id) <= 110:
        errors["external_id"] = ["The external id must be 1 to 110 characters."]
    items = body.get("items")
    if not isinstance(items, list) or not items:
        errors["items"] = ["The items field must be a non-empty list."]
    else:
        for n, item in enumerate(items):
            sku = item.get("sku") if isinstance(item, dict) else None
            amount = item.get("amount") if isinstance(item, dict) else None
            if sku not in catalog.DIGITAL:
                errors[f"items.{n}.sku"] = ["The selected sku is invalid."]
            if not isinstance(amount, int) or isinstance(amount, bool) or amount < 1:
                errors[f"items.{n}.amount"] = ["The amount must be a positive integer."]
    if errors:
        raise SandboxError(422, "The given data was invalid.", errors)
    assert isinstance(external_id, str)
    assert isinstance(items, list)
    customer = store.customers.get(external_id)
    if customer is None:
        raise SandboxError(
            422, "Customer not found.", {"external_id": ["This customer is new to Minted."]}
        )
    for item in items:
        if customer.holdings.get(item["sku"], 0) < item["amount"]:
            raise SandboxError(403, "Insufficient balance for this sale.")
    now = store.clock()
    epoch = int(now // store.pricefix_seconds)
    lines = []
    for item in items:
        customer.holdings[item["sku"]] -= item["amount"]
        name, _, spread = catalog.DIGITAL[item["sku"]]
        spot = catalog.digital_spot(item["sku"], epoch)
        price = (spot * (1 - spread)).quantize(catalog.CENT)
        lines.append(
            {
                "product_id": 3000001 if item["sku"] == "GAU" else 3000002,
                "product_name": name,
                "spot_price": spot,
                "price": price,
                "tax_rate": 0,
                "tax": Decimal(0),
                "amount": item["amount"],
                "total": price * item["amount"],
                "sku": item["sku"],
            }
        )
    order = SellOrder(
        guid=str(uuid.uuid4()).upper(),
        order_code=random_token(8).upper(),
        external_id=external_id,
        customer_id=customer.external_id,
        items=lines,
        total=sum((line["total"] for line in lines), Decimal(0)),
        created_at=now,
    )
    store.sell_orders[order.guid] = order
    stamp = dt.datetime.fromtimestamp(now, ISTANBUL)
    return {
        "order_code": [order.order_code],
        "guid": [order.guid],
        "price": order.total,
        "tax": 0,
        "total": order.total,
        "order_at": stamp.strftime("%Y-%m-%d %H:%M:%S"),
        "orders": [render.sell_order(order)],
    }
