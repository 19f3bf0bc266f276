"""Answers of the partner API: pydantic models as JSON, never cached; money as decimal strings."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict
from starlette.responses import Response


class Answer(BaseModel):
    """A model that reads the Minted client's typed values by attribute name
    (`Model.model_validate(value)`), writing its Decimal money as decimal strings."""

    model_config = ConfigDict(from_attributes=True, coerce_numbers_to_str=True)


def money(value: Decimal | None) -> str | None:
    """A Decimal amount as the partner API writes it (`"2862.90"`), or None."""
    return None if value is None else str(value)


def json_response(model: BaseModel, status_code: int = 200) -> Response:
    """`model` as JSON (Decimal and dates as the model serializes them), `no-store`."""
    return Response(
        model.model_dump_json(),
        status_code=status_code,
        media_type="application/json",
        headers={"Cache-Control": "no-store"},
    )
