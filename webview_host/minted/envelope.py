"""Minted's answers, decoded: the `{data, success, code, message}` envelope into our errors.

Status first, body second: a 4xx whose body is not JSON is still that status's
error; only a 2xx that is not the documented envelope is a protocol error.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from .errors import STATUS_ERRORS, MintedAPIError, MintedProtocolError, MintedUnavailable

M = TypeVar("M", bound=BaseModel)

# The largest answer read from Minted; a basket of many lines is a few tens of KB.
MAX_ANSWER_BYTES = 4 * 1024 * 1024


def unwrap(status: int, content: bytes, content_type: str | None = None) -> Any:
    """The `data` of a success envelope, or the matching exception.

    An error status decides the exception whatever the body says (an empty or
    HTML 401 from a gateway is still "unauthorized"); the body only adds
    Minted's message and field errors when it is the documented JSON envelope.
    """
    if status >= 500:
        raise MintedUnavailable(f"Minted answered {status}", request_sent=True, status=status)
    try:
        payload = json.loads(content, parse_float=Decimal)
    except (ValueError, RecursionError):
        payload = None
    envelope = payload if isinstance(payload, dict) else {}
    if status >= 400 or envelope.get("success") is False:
        error_type = STATUS_ERRORS.get(status, MintedAPIError)
        message = envelope.get("message")
        code = envelope.get("code")
        raise error_type(
            status,
            message if isinstance(message, str) else "",
            code if isinstance(code, int) else None,
            _field_errors(envelope.get("errors")),
        )
    if payload is None:
        raise MintedProtocolError(
            f"Minted answered {status} with a body that is not JSON "
            f"({content_type or 'no content-type'})",
            status=status,
        )
    if "data" not in envelope or envelope.get("success") is not True:
        raise MintedProtocolError(
            f"Minted answered {status} without the documented envelope", status=status
        )
    return envelope["data"]


def _field_errors(raw: Any) -> dict[str, list[str]]:
    """Laravel-style `{field: [messages]}`, tolerating a bare string per field."""
    if not isinstance(raw, dict):
        return {}
    errors: dict[str, list[str]] = {}
    for field, messages in raw.items():
        if isinstance(messages, str):
            errors[str(field)] = [messages]
        elif isinstance(messages, list):
            errors[str(field)] = [str(m) for m in messages]
    return errors


def parse(model: type[M], data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors()[:5])
        raise MintedProtocolError(
            f"Minted's {model.__name__} did not match the documented shape (fields: {fields})"
        ) from None


async def read_capped(response: httpx.Response) -> bytes:
    """The body, refusing one larger than `MAX_ANSWER_BYTES` (no Minted answer is near it)."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_ANSWER_BYTES:
        raise MintedProtocolError(f"Minted's answer is {declared} bytes, over the limit")
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            raise MintedProtocolError("Minted's answer is over the size limit")
        chunks.append(chunk)
    return b"".join(chunks)
