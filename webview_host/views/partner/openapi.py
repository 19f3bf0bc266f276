"""The partner API's OpenAPI document, built from the operations each module declares.

The document and the routes come from the same `Operation`s (`operation.py`),
so they cannot disagree. A request model may depend on the configuration
(`request=launch_request`, called with the settings) and on the date (a
birthdate before today), so the document is built when it is served.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from ...settings import Settings
from ..common import services
from .operation import Operation

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {
        "error": {"type": "string"},
        "message": {"type": "string"},
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "support_code": {"type": "string"},
    },
}


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _inline(schema: Any, defs: dict[str, Any]) -> Any:
    """`schema` with its `#/$defs/...` references replaced by the definitions (a parameter's
    schema has no `$defs` of its own to point into)."""
    if isinstance(schema, dict):
        ref = schema.get("$ref", "")
        if ref.startswith("#/$defs/"):
            return _inline(defs[ref.removeprefix("#/$defs/")], defs)
        return {key: _inline(value, defs) for key, value in schema.items()}
    if isinstance(schema, list):
        return [_inline(item, defs) for item in schema]
    return schema


def query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """The query parameters a model validates, each with its schema and description."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})
    required = set(schema.get("required", ()))
    parameters = []
    for name, field_schema in schema["properties"].items():
        described = _inline(dict(field_schema), defs)
        description = described.pop("description", "")
        described.pop("title", None)
        parameters.append(
            {
                "name": name,
                "in": "query",
                "required": name in required,
                "description": description,
                "schema": described,
            }
        )
    return parameters


def document(operations: Sequence[Operation], settings: Settings) -> dict[str, Any]:
    """The OpenAPI 3.1 document of these operations under this configuration."""
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    paths: dict[str, dict[str, Any]] = {}

    def register(model: type[BaseModel]) -> dict[str, str]:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
        return _ref(model)

    for op in operations:
        responses: dict[str, Any] = {}
        for status, (description, model) in sorted(op.answers.items()):
            schema = register(model) if model else {"$ref": "#/components/schemas/Error"}
            responses[str(status)] = {"description": description, "content": _json(schema)}
        operation: dict[str, Any] = {
            "operationId": op.operation_id,
            "summary": op.summary,
            "responses": responses,
        }
        if op.description:
            operation["description"] = op.description
        parameters = [*op.parameters, *(query_parameters(op.query) if op.query else ())]
        if parameters:
            operation["parameters"] = parameters
        if op.request is not None:
            model = op.request if isinstance(op.request, type) else op.request(settings)
            operation["requestBody"] = {"required": True, "content": _json(register(model))}
        paths.setdefault(op.path, {})[op.method] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "webview-host partner API", "version": "1"},
        "components": {
            "securitySchemes": {"partnerKey": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas,
        },
        "security": [{"partnerKey": []}],
        "paths": paths,
    }


def openapi_endpoint(operations: Sequence[Operation]) -> Callable[[Request], Awaitable[Response]]:
    async def openapi(request: Request) -> Response:
        body = json.dumps(document(operations, services(request).settings), indent=2)
        return Response(body, media_type="application/json")

    return openapi
