"""Answers of the partner API: a pydantic model as JSON, never cached."""

from __future__ import annotations

from pydantic import BaseModel
from starlette.responses import Response


def json_response(model: BaseModel, status_code: int = 200) -> Response:
    """`model` as JSON (Decimal and dates as the model serializes them), `no-store`."""
    return Response(
        model.model_dump_json(),
        status_code=status_code,
        media_type="application/json",
        headers={"Cache-Control": "no-store"},
    )
