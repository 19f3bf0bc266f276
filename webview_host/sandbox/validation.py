"""The sandbox's input rules and its error: Minted-style 422s with Laravel field errors.

Each `validate_*` takes what the caller sent, whatever its JSON types, and
returns a typed request or raises `SandboxError(422, ...)` naming every bad
field at once, in Laravel's words, as Minted's Laravel backend does.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

INVALID = "The given data was invalid."

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+[1-9][0-9]{6,14}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_POSITIVE = re.compile(r"[0-9]{1,9}")  # ASCII only: "²".isdigit() is true, int("²") fails

CUSTOMER_FIELDS = (
    "external_id", "firstname", "middlename", "lastname", "email", "phone", "gender",
    "identity_number", "birthdate",
)  # fmt: skip


class SandboxError(Exception):
    """An error answer: HTTP status, Minted-style message and Laravel-style field errors."""

    def __init__(
        self,
        status: int,
        message: str,
        errors: Mapping[str, list[str]] | None = None,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.status = status
        self.message = message
        self.errors = dict(errors or {})
        self.headers = dict(headers or {})
        super().__init__(message)


class _Fields:
    """Collects field errors, then raises them together."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def text(
        self, body: Mapping[str, Any], field: str, *, required: bool = False, key: str = ""
    ) -> str | None:
        """A string field; an empty string or null counts as absent (Laravel's middleware).
        Errors go under `key` (a nested field's dotted name), else under `field`."""
        key = key or field
        value = body.get(field)
        if value is None or value == "":
            if required:
                self.add(key, f"The {_label(key)} field is required.")
            return None
        if not isinstance(value, str):
            self.add(key, f"The {_label(key)} field must be a string.")
            return None
        return value

    def check(self) -> None:
        if self.errors:
            raise SandboxError(422, INVALID, self.errors)


def _label(field: str) -> str:
    return field.replace("_", " ")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate_customer(payload: Mapping[str, Any]) -> dict[str, Any]:
    """Create Token's body: the customer profile Minted keeps."""
    fields = _Fields()
    external_id = fields.text(payload, "external_id", required=True)
    if external_id is not None and len(external_id) > 110:
        fields.add("external_id", "The external id field must not be greater than 110 characters.")
    fields.text(payload, "firstname", required=True)
    fields.text(payload, "lastname", required=True)
    fields.text(payload, "middlename")
    checks = (
        ("email", _EMAIL, "The email field must be a valid email address."),
        ("phone", _PHONE, "The phone must be in E.164 format, e.g. +905330000000."),
        ("gender", re.compile("[MF]"), "The selected gender is invalid (M or F)."),
        ("identity_number", re.compile("[0-9]{11}"), "The identity number must be 11 digits."),
        ("birthdate", _DATE, "The birthdate must be a date in YYYY-MM-DD form."),
    )
    for field, pattern, message in checks:
        value = fields.text(payload, field)
        if value is not None and not pattern.fullmatch(value):
            fields.add(field, message)
    fields.check()
    return {name: payload[name] for name in CUSTOMER_FIELDS if name in payload}


def check_cart_token(cart_token: Any) -> str:
    """A cart token is exactly 32 characters (seed 000)."""
    if not isinstance(cart_token, str) or len(cart_token) != 32:
        raise SandboxError(422, INVALID, {"cart_token": ["Must be exactly 32 characters."]})
    return cart_token


def check_external_id(value: Any, field: str) -> str:
    """A customer's external id is 1 to 110 characters (seeds 000, 001)."""
    if not isinstance(value, str) or not 1 <= len(value) <= 110:
        raise SandboxError(422, INVALID, {field: ["Must be 1 to 110 characters."]})
    return value


@dataclasses.dataclass(frozen=True)
class OrderQuery:
    """Get Order (Alternative): which order, and whether to push it to the partner's hook."""

    guid: str | None
    order_code: str | None
    external_id: str | None
    push_hook: bool


def validate_order_query(body: Mapping[str, Any]) -> OrderQuery:
    """Get Order (Alternative)'s body: at least one string key, `push_hook` a boolean."""
    fields = _Fields()
    guid, order_code, external_id = (
        fields.text(body, name) for name in ("guid", "order_code", "external_id")
    )
    if (guid, order_code, external_id) == (None, None, None) and "guid" not in fields.errors:
        fields.add("guid", "The guid field is required when none of order code / external id "
                   "are present.")  # fmt: skip
    push_hook = body.get("push_hook", False)
    if not isinstance(push_hook, bool):
        fields.add("push_hook", "The push hook field must be true or false.")
    fields.check()
    return OrderQuery(guid, order_code, external_id, push_hook=push_hook is True)


@dataclasses.dataclass(frozen=True)
class SellRequest:
    """Sell (Silver), seed 004: a price token, the customer, the currency and the items."""

    price_token: str
    external_id: str
    currency_code: str
    items: tuple[tuple[str, int], ...]  # (sku, amount), as sent


def validate_sell(
    body: Mapping[str, Any],
    *,
    skus: tuple[str, ...],
    currencies: tuple[str, ...],
    price_token_valid: Callable[[str], bool],
) -> SellRequest:
    """Sell's body, every field as seed 004 documents it, all errors in one 422."""
    fields = _Fields()
    price_token = fields.text(body, "price_token", required=True)
    if price_token is not None and not price_token_valid(price_token):
        fields.add("price_token", "The selected price token is invalid or has expired.")
    external_id = fields.text(body, "external_id", required=True)
    if external_id is not None and len(external_id) > 110:
        fields.add("external_id", "The external id field must not be greater than 110 characters.")
    currency = fields.text(body, "currency_code") or "TRY"
    if currency not in currencies:
        fields.add("currency_code", "The selected currency code is invalid.")
    raw_items = body.get("items")
    items: list[tuple[str, int]] = []
    if not isinstance(raw_items, list) or not raw_items:
        fields.add("items", "The items field is required and must be a non-empty list.")
    else:
        for n, item in enumerate(raw_items):
            if not isinstance(item, dict):
                fields.add(f"items.{n}", f"The items.{n} field must be an object.")
                continue
            sku = fields.text(item, "sku", required=True, key=f"items.{n}.sku")
            if sku is not None and sku not in skus:
                fields.add(f"items.{n}.sku", f"The selected items.{n}.sku is invalid.")
            amount = item.get("amount")
            if amount is None:
                fields.add(f"items.{n}.amount", f"The items.{n}.amount field is required.")
            elif not _is_int(amount):
                fields.add(f"items.{n}.amount", f"The items.{n}.amount field must be an integer.")
            elif amount < 1:
                fields.add(f"items.{n}.amount", f"The items.{n}.amount field must be at least 1.")
            if sku is not None and isinstance(amount, int):
                items.append((sku, amount))
    fields.check()
    assert price_token is not None
    assert external_id is not None
    return SellRequest(price_token, external_id, currency, tuple(items))


@dataclasses.dataclass(frozen=True)
class BasketsQuery:
    """Get Incomplete Baskets' query (seed 001)."""

    customer_id: str
    page: int
    per_page: int
    start: dt.date | None
    end: dt.date | None
    card_bin: str | None


def validate_baskets_query(query: Mapping[str, str]) -> BasketsQuery:
    """Get Incomplete Baskets' query; empty values count as absent, as in the doc's curl."""
    fields = _Fields()
    customer_id = fields.text(query, "customer_external_id", required=True)
    if customer_id is not None and len(customer_id) > 110:
        fields.add("customer_external_id", "Must be 1 to 110 characters.")

    def positive(name: str, default: int) -> int:
        raw = query.get(name) or ""
        if raw == "":
            return default
        if not _POSITIVE.fullmatch(raw) or int(raw) < 1:
            fields.add(name, f"The {name} field must be a positive integer.")
            return default
        return int(raw)

    def date(name: str) -> dt.date | None:
        raw = query.get(name) or ""
        if raw == "":
            return None
        try:
            if _DATE.fullmatch(raw):
                return dt.date.fromisoformat(raw)
        except ValueError:
            pass
        fields.add(name, f"The {name} is not a valid date (YYYY-MM-DD).")
        return None

    page, per_page = positive("page", 1), positive("total", 10)
    start, end = date("startDate"), date("endDate")
    if bool(query.get("startDate")) != bool(query.get("endDate")):
        fields.add("startDate", "startDate and endDate are used together.")
    card_bin = query.get("card_bin") or None
    if card_bin is not None and not re.fullmatch("[0-9]{6}", card_bin):
        fields.add("card_bin", "The card bin field must be exactly 6 digits.")
    fields.check()
    assert customer_id is not None
    return BasketsQuery(customer_id, page, per_page, start, end, card_bin)
