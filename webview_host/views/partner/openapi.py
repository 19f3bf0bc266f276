"""The partner API's OpenAPI document, built from the operations each module declares.

Every partner operation is an `Operation`: its route, its request and answer
models, and the statuses it can answer. The document and the routes come from
the same list, so they cannot disagree.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

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


@dataclasses.dataclass(frozen=True)
class Operation:
    """One partner API operation; `responses` maps status -> (description, model or None
    for the error body). 401 is added to every operation. `query` is the model the
    query string is validated with; its fields become the query parameters."""

    path: str
    method: str
    endpoint: Callable[[Request], Awaitable[Response]]
    operation_id: str
    summary: str
    responses: dict[int, tuple[str, type[BaseModel] | None]]
    request: type[BaseModel] | None = None
    parameters: tuple[dict[str, Any], ...] = ()
    description: str = ""
    query: type[BaseModel] | None = None

    def route(self) -> Route:
        return Route(self.path, self.endpoint, methods=[self.method.upper()])


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def path_parameter(name: str, description: str, pattern: str) -> dict[str, Any]:
    """A required path parameter, documented with the pattern the view enforces."""
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "string", "pattern": pattern},
    }


def query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """The query parameters a model validates, each with its schema and description."""
    schema = model.model_json_schema()
    required = set(schema.get("required", ()))
    parameters = []
    for name, field_schema in schema["properties"].items():
        described = dict(field_schema)
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


def document(operations: Sequence[Operation]) -> dict[str, Any]:
    """The OpenAPI 3.1 document of these operations."""
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    paths: dict[str, dict[str, Any]] = {}

    def register(model: type[BaseModel]) -> dict[str, str]:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
        return _ref(model)

    for op in operations:
        responses: dict[str, Any] = {}
        for status, (description, model) in sorted(
            {
                **op.responses,
                401: ("Missing or wrong partner API key", None),
            }.items()
        ):
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
            operation["requestBody"] = {"required": True, "content": _json(register(op.request))}
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
    body = json.dumps(document(operations), indent=2)

    async def openapi(request: Request) -> Response:
        return Response(body, media_type="application/json")

    return openapi
