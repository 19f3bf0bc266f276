"""JSON shapes of sandbox objects, in the field order of the documented examples."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .store import Customer, SellOrder

ISTANBUL = dt.timezone(dt.timedelta(hours=3))


def sell_order(order: SellOrder) -> dict[str, Any]:
    return {
        "guid": order.guid,
        "order_code": order.order_code,
        "external_id": order.external_id,
        "type": "Sell",
        "price": order.total,
        "tax": 0,
        "total": order.total,
        "currency_rate": 1,
        "currency_total": order.total,
        "status_name": "Pending",
        "order_at": dt.datetime.fromtimestamp(order.created_at, ISTANBUL).strftime(
            "%d-%m-%Y %H:%M"
        ),
        "currency_code": "TRY",
        "items": order.items,
        "customer": None,
    }


def customer(customer: Customer) -> dict[str, Any]:
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
    return dt.datetime.fromtimestamp(int(timestamp), ISTANBUL).isoformat()


def iso_z(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000000Z")
