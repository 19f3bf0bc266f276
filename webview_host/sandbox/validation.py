"""The sandbox's input rules and its error: Minted-style 422s with Laravel field errors."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+[1-9]\d{6,14}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

CUSTOMER_FIELDS = (
    "external_id", "firstname", "middlename", "lastname", "email", "phone", "gender",
    "identity_number", "birthdate",
)  # fmt: skip


class SandboxError(Exception):
    """An error answer: HTTP status, Minted-style message and Laravel-style field errors."""

    def __init__(
        self, status: int, message: str, errors: Mapping[str, list[str]] | None = None
    ) -> None:
        self.status = status
        self.message = message
        self.errors = dict(errors or {})
        super().__init__(message)


def validate_customer(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise SandboxError(422, "The given data was invalid.", {"body": ["Expected an object."]})
    errors: dict[str, list[str]] = {}

    def text(name: str) -> str | None:
        value = payload.get(name)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            errors[name] = [f"The {name} must be a string."]
            return None
        return value

    external_id = text("external_id")
    if external_id is None or not 1 <= len(external_id) <= 110:
        errors.setdefault("external_id", ["The external id must be 1 to 110 characters."])
    for name in ("firstname", "lastname"):
        if text(name) is None:
            errors.setdefault(name, [f"The {name} field is required."])
    email = text("email")
    if email is not None and not _EMAIL.match(email):
        errors["email"] = ["The email must be a valid email address."]
    phone = text("phone")
    if phone is not None and not _PHONE.match(phone):
        errors["phone"] = ["The phone must be in E.164 format, e.g. +905330000000."]
    gender = text("gender")
    if gender is not None and gender not in ("M", "F"):
        errors["gender"] = ["The selected gender is invalid (M or F)."]
    identity = text("identity_number")
    if identity is not None and not re.fullmatch(r"\d{11}", identity):
        errors["identity_number"] = ["The identity number must be 11 digits."]
    birthdate = text("birthdate")
    if birthdate is not None and not _DATE.match(birthdate):
        errors["birthdate"] = ["The birthdate must be a date in YYYY-MM-DD form."]
    if errors:
        raise SandboxError(422, "The given data was invalid.", errors)
    return {name: payload.get(name) for name in CUSTOMER_FIELDS if name in payload}


def check_cart_token(cart_token: Any) -> None:
    if not isinstance(cart_token, str) or len(cart_token) != 32:
        raise SandboxError(
            422, "The given data was invalid.", {"cart_token": ["Must be exactly 32 characters."]}
        )


def check_external_id(value: Any, field: str) -> str:
    if not isinstance(value, str) or not 1 <= len(value) <= 110:
        raise SandboxError(
            422, "The given data was invalid.", {field: ["Must be 1 to 110 characters."]}
        )
    return value
