"""Minted's JSON shapes of sandbox state, in the field order of the documented examples.

Pure functions of `state` values: rendering never changes state and never
reads a clock. What a read changes first (a lapsed price fix refreshed) is
the store's explicit step (`SandboxStore.settle`), whose result is passed in.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from ..types import ISTANBUL
from . import catalog
from .state import AccessToken, Basket, BasketStatus, Customer, HookPush, PriceFix, SellOrder

_FEES = {
    "delivery_price": "Kargo",
    "insurance_price": "Sigorta",
    "market_commission": "Market Komisyon",
    "minted_markup_price": "Minted Markup",
    "silver_craftsmanship": "İşçilik",
}


def minted_json(content: Any) -> bytes:
    """JSON as Minted writes it: UTF-8, and money (`Decimal`) as a JSON number."""
    return json.dumps(content, ensure_ascii=False, default=_number).encode("utf-8")


def _number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def access_token(token: AccessToken, ttl: int) -> dict[str, Any]:
    """Create Token's `data`."""
    return {"token": token.token, "expires_at": iso_offset(token.expires_at), "expire_ttl": ttl}


def ecom_order(basket: Basket, customer: Customer, pricefix: PriceFix) -> dict[str, Any]:
    """The Ecom Order (seeds 000-002) of a basket or completed order."""
    items = _items(basket)
    price = sum((i["total"] for i in items), Decimal(0))
    ordered = basket.status == BasketStatus.ORDER
    fees = {field: _fee(items, name) for field, name in _FEES.items()}
    return {
        "pricefix": {
            "remaining": pricefix.remaining,
            "nextUpdate": iso_offset(pricefix.next_update),
            "updated": pricefix.updated,
        },
        "id": basket.id,
        "guid": basket.guid,
        "order_creation_status": str(basket.status),
        "external_id": basket.order_code,
        "increment_id": basket.increment_id,
        "token": basket.token,
        "price": price,
        "tax": Decimal(0),
        "total": price,
        **fees,
        "paid_total": price if ordered else Decimal(0),
        "payment_cost": Decimal(0),
        "currency_code": catalog.BASE_CURRENCY,
        "status_id": 2 if ordered else 1,
        "status_name": "Pending" if ordered else "Created",
        "delivery": None,
        "customer": customer_json(customer),
        "shippingaddress": address(customer, 6, billing=False),
        "billingaddress": address(customer, 7, billing=True),
        "payment": None,
        "order_at": iso_z(basket.completed_at or basket.created_at),
        "items": items,
    }


def _items(basket: Basket) -> list[dict[str, Any]]:
    lines = []
    for sku, amount in basket.items.items():
        product, price = catalog.BY_SKU[sku], basket.prices[sku]
        lines.append(
            {
                "item_currency_id": product.currency_id,
                "item_currency_name": product.currency_name,
                "product_id": product.product_id,
                "sku": sku,
                "product_name": product.name,
                "product_weight": product.weight,
                "price": price,
                "tax_rate": 0,
                "tax": Decimal(0),
                "amount": amount,
                "total": price * amount,
                "product_images": [f"/webview/static/{product.image}"],
                "prices": catalog.surcharges(product, price),
            }
        )
    return lines


def _fee(items: list[dict[str, Any]], name: str) -> Decimal:
    return sum(
        (
            line["price"] * i["amount"]
            for i in items
            for line in i["prices"]
            if line["name"] == name
        ),
        Decimal(0),
    )


def basket_order(basket: Basket, customer: Customer) -> dict[str, Any]:
    """A completed basket as the partner Order Schema (Get Order (Alternative), seed 003)."""
    items = _items(basket)
    total = sum((i["total"] for i in items), Decimal(0))
    return {
        "guid": basket.guid,
        "order_code": basket.order_code,
        "external_id": basket.order_code,
        "type": "Buy",
        "price": total,
        "tax": Decimal(0),
        "total": total,
        "status_name": "Pending",
        "payment_type": "credit-card",
        "order_at": istanbul_minutes(basket.completed_at or basket.created_at),
        "payment_cost": Decimal(0),
        "currency_code": catalog.BASE_CURRENCY,
        "customer": customer_json(customer),
        "payment": None,
        "items": [
            {
                "product_id": i["product_id"],
                "sku": i["sku"],
                "product_name": i["product_name"],
                "spot_price": i["price"],
                "price": i["price"],
                "tax_rate": 0,
                "tax": i["tax"],
                "amount": i["amount"],
                "total": i["total"],
            }
            for i in items
        ],
    }


def sell_order(order: SellOrder) -> dict[str, Any]:
    """A digital Sell as the Order Schema inside Sell's answer (seed 004)."""
    total = order.total
    return {
        "guid": order.guid,
        "order_code": order.order_code,
        "external_id": order.external_id,
        "type": "Sell",
        "price": total,
        "tax": 0,
        "total": total,
        "currency_rate": order.currency_rate,
        "currency_total": catalog.in_currency(total, order.currency_code),
        "status_name": "Pending",
        "order_at": istanbul_minutes(order.created_at),
        "currency_code": order.currency_code,
        "items": [
            {
                "product_id": line.product_id,
                "product_name": line.product_name,
                "spot_price": line.spot_price,
                "price": line.price,
                "tax_rate": 0,
                "tax": Decimal(0),
                "amount": line.amount,
                "total": line.total,
                "sku": line.sku,
            }
            for line in order.lines
        ],
        "customer": None,
    }


def sell_response(order: SellOrder) -> dict[str, Any]:
    """Sell's `data` (seed 004): codes as lists, totals, and the orders made."""
    return {
        "order_code": [order.order_code],
        "guid": [order.guid],
        "price": order.total,
        "tax": 0,
        "total": order.total,
        "order_at": dt.datetime.fromtimestamp(order.created_at, ISTANBUL).strftime(
            "%Y-%m-%d %H:%M:%S"
        ),
        "orders": [sell_order(order)],
    }


def price_token(token: str, expires_at: float, epoch: int) -> dict[str, Any]:
    """The sandbox's price-token answer: the token Sell needs and the prices it fixes."""
    return {
        "price_token": token,
        "expires_at": iso_offset(expires_at),
        "prices": [
            {
                "sku": metal.sku,
                "price": catalog.digital_spot(metal, epoch),
                "currency_code": catalog.BASE_CURRENCY,
            }
            for metal in catalog.DIGITAL.values()
        ],
    }


def hook_push(push: HookPush) -> dict[str, Any]:
    """A recorded `push_hook`, as the control API lists it."""
    return {
        "id": push.id,
        "guid": push.guid,
        "order_code": push.order_code,
        "pushed_at": iso_offset(push.pushed_at),
        "url": push.url,
        "outcome": push.outcome,
        "status_code": push.status_code,
        "error": push.error,
        "order": push.order,
    }


def customer_json(customer: Customer) -> dict[str, Any]:
    """The Customer shape (seeds 000-003)."""
    p = customer.profile
    names = [p.get("firstname") or "", p.get("middlename") or "", p.get("lastname") or ""]
    return {
        "external_id": customer.external_id,
        "firstname": p.get("firstname"),
        "middlename": p.get("middlename") or "",
        "lastname": p.get("lastname"),
        "fullname": " ".join(n for n in names if n),
        "email": p.get("email"),
        "phone": p.get("phone"),
        "gender": p.get("gender"),
        "identity_number": p.get("identity_number"),
        "birthdate": p.get("birthdate"),
    }


def address(customer: Customer, id_: int, *, billing: bool) -> dict[str, Any]:
    """A shipping or billing address (a fixed sandbox address in the customer's name)."""
    p = customer.profile
    fullname = " ".join(x for x in (p.get("firstname"), p.get("lastname")) if x)
    address: dict[str, Any] = {"id": id_}
    if billing:
        address |= {
            "type": "billing",
            "invoice_type": "Individual",
            "company_name": "",
            "tax_office": "",
        }
    address |= {
        "tax_number": "11111111111",
        "external_id": customer.external_id,
        "fullname": fullname,
        "phone": p.get("phone"),
    }
    if billing:
        address["email"] = p.get("email")
    address |= {
        "city": "İstanbul",
        "county": "Beykoz",
        "district": "Acarlar Mah.",
        "street": "Sandbox Sokak",
        "zipcode": "34805",
        "address": "No: 1",
    }
    return address


def iso_offset(timestamp: float) -> str:
    """`2024-07-19T12:39:03+03:00`: Istanbul time with its offset."""
    return dt.datetime.fromtimestamp(int(timestamp), ISTANBUL).isoformat()


def iso_z(timestamp: float) -> str:
    """`2024-07-19T09:39:03.000000Z`, as Ecom Orders write `order_at`."""
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000000Z")


def istanbul_minutes(timestamp: float) -> str:
    """`06-11-2023 07:18`, as the Order Schema writes `order_at` (Istanbul time)."""
    return dt.datetime.fromtimestamp(timestamp, ISTANBUL).strftime("%d-%m-%Y %H:%M")
