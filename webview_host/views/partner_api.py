"""The partner's server-to-server API: create a launch link; its OpenAPI document.

Authentication: `Authorization: Bearer <partner API key>`, compared in
constant time with every configured key. Validation errors name each field
(`customer.phone`) but never echo the value (identity numbers are personal).
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from starlette.requests import Request
from starlette.responses import Response

from ..settings import Settings, origin_of
from ..types import Locale
from .common import services
from .errors import error_response

E164 = r"^\+[1-9][0-9]{6,14}$"
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class LaunchCustomer(BaseModel):
    """The customer, with the fields and limits of a Minted customer."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    external_id: Annotated[str, Field(min_length=1, max_length=110)]
    firstname: Annotated[str, Field(min_length=1, max_length=100)]
    middlename: Annotated[str | None, Field(max_length=100)] = None
    lastname: Annotated[str, Field(min_length=1, max_length=100)]
    email: Annotated[str, Field(max_length=254, pattern=EMAIL)]
    phone: Annotated[str, Field(pattern=E164, description="E.164, e.g. +905330000000")]
    gender: Literal["M", "F"]
    identity_number: Annotated[
        str, Field(pattern=r"^[0-9]{11}$", description="11-digit Turkish identity number")
    ]
    birthdate: dt.date

    @field_validator("birthdate")
    @classmethod
    def _in_the_past(cls, value: dt.date) -> dt.date:
        if value >= dt.date.today() or value.year < 1900:
            raise ValueError("must be a real date of birth in the past (YYYY-MM-DD)")
        return value


class LaunchRequest(BaseModel):
    """Body of `POST /api/v1/launches`."""

    model_config = ConfigDict(extra="forbid")

    customer: LaunchCustomer
    locale: Locale | None = None
    return_url: Annotated[str | None, Field(max_length=2048)] = None


class LaunchCreated(BaseModel):
    """Answer of `POST /api/v1/launches`."""

    launch_url: str
    expires_at: dt.datetime


def partner_authorized(request: Request, settings: Settings) -> bool:
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given:
        return False
    matched = False
    for key in settings.partner_keys:
        matched |= hmac.compare_digest(key.reveal().encode(), given.strip().encode())
    return matched


def return_url_allowed(url: str, settings: Settings) -> bool:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        return bool(parts.netloc) and origin_of(url) in settings.partner_origins
    return bool(scheme) and scheme in settings.return_url_schemes


async def _read_limited(request: Request, limit: int) -> bytes | None:
    """The body, or None when it is larger than `limit` bytes (checked while reading)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return body


def _invalid(request: Request, fields: dict[str, list[str]]) -> Response:
    return error_response(
        request, 422, "invalid_request", "Some fields are missing or invalid.", fields=fields
    )


async def create_launch(request: Request) -> Response:
    svc = services(request)
    settings = svc.settings
    if not partner_authorized(request, settings):
        return error_response(
            request,
            401,
            "unauthorized",
            "Send a valid partner API key as 'Authorization: Bearer <key>'.",
            headers={"WWW-Authenticate": 'Bearer realm="webview-host"'},
        )
    if not request.headers.get("content-type", "").startswith("application/json"):
        return error_response(
            request, 415, "unsupported_media_type", "Send the body as application/json."
        )
    body = await _read_limited(request, settings.launch_max_body)
    if body is None:
        return error_response(
            request,
            413,
            "body_too_large",
            f"The body is larger than {settings.launch_max_body} bytes.",
        )
    try:
        launch = LaunchRequest.model_validate_json(body)
    except ValidationError as exc:
        fields: dict[str, list[str]] = {}
        for item in exc.errors(include_input=False, include_url=False):
            name = ".".join(str(p) for p in item["loc"]) or "body"
            fields.setdefault(name, []).append(item["msg"])
        return _invalid(request, fields)
    if launch.return_url is not None and not return_url_allowed(launch.return_url, settings):
        return _invalid(
            request,
            {
                "return_url": [
                    "must be on an allowed partner origin or app scheme "
                    "(WVH_PARTNER_ORIGINS, WVH_RETURN_URL_SCHEMES)"
                ]
            },
        )
    customer = launch.customer.model_dump(mode="json", exclude_none=True)
    url, expires = await svc.launches.create(
        customer,
        locale=launch.locale or settings.default_locale,
        return_url=launch.return_url,
    )
    created = LaunchCreated(launch_url=url, expires_at=dt.datetime.fromtimestamp(expires, dt.UTC))
    return Response(
        created.model_dump_json(),
        status_code=201,
        media_type="application/json",
        headers={"Cache-Control": "no-store"},
    )


def openapi_document() -> dict[str, Any]:
    request_schema = LaunchRequest.model_json_schema(ref_template="#/components/schemas/{model}")
    defs = request_schema.pop("$defs", {})
    error_schema = {
        "type": "object",
        "required": ["error", "message"],
        "properties": {
            "error": {"type": "string"},
            "message": {"type": "string"},
            "fields": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
        },
    }

    def err(description: str) -> dict[str, Any]:
        return {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }

    return {
        "openapi": "3.1.0",
        "info": {"title": "webview-host partner API", "version": "1"},
        "components": {
            "securitySchemes": {"partnerKey": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                **defs,
                "LaunchRequest": request_schema,
                "LaunchCreated": LaunchCreated.model_json_schema(),
                "Error": error_schema,
            },
        },
        "security": [{"partnerKey": []}],
        "paths": {
            "/api/v1/launches": {
                "post": {
                    "summary": "Create a one-time launch link for one customer",
                    "operationId": "createLaunch",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/LaunchRequest"}
                            }
                        },
                    },
                    "responses": {
                        "201": {
                            "description": "The launch link (single use, short-lived)",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/LaunchCreated"}
                                }
                            },
                        },
                        "401": err("Missing or wrong partner API key"),
                        "413": err("Body too large"),
                        "415": err("Body is not JSON"),
                        "422": err("Invalid fields, listed per field"),
                    },
                }
            }
        },
    }


async def openapi(request: Request) -> Response:
    return Response(
        json.dumps(openapi_document(), indent=2),
        media_type="application/json",
    )
