"""`POST /api/v1/launches`: a one-time launch link for one customer."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.requests import Request
from starlette.responses import Response

from ...settings import Settings, origin_of
from ...types import Locale
from ..common import services
from .auth import invalid, json_body, require_partner
from .openapi import Operation

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


def return_url_allowed(url: str, settings: Settings) -> bool:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        return bool(parts.netloc) and origin_of(url) in settings.partner_origins
    return bool(scheme) and scheme in settings.return_url_schemes


async def create_launch(request: Request) -> Response:
    require_partner(request)
    launch = await json_body(request, LaunchRequest)
    settings = services(request).settings
    if launch.return_url is not None and not return_url_allowed(launch.return_url, settings):
        raise invalid(
            request,
            {
                "return_url": [
                    "must be on an allowed partner origin or app scheme "
                    "(WVH_PARTNER_ORIGINS, WVH_RETURN_URL_SCHEMES)"
                ]
            },
        )
    customer: dict[str, Any] = launch.customer.model_dump(mode="json", exclude_none=True)
    url, expires = await services(request).launches.create(
        customer, locale=launch.locale or settings.default_locale, return_url=launch.return_url
    )
    created = LaunchCreated(launch_url=url, expires_at=dt.datetime.fromtimestamp(expires, dt.UTC))
    return Response(
        created.model_dump_json(),
        status_code=201,
        media_type="application/json",
        headers={"Cache-Control": "no-store"},
    )


OPERATIONS = [
    Operation(
        path="/api/v1/launches",
        method="post",
        endpoint=create_launch,
        operation_id="createLaunch",
        summary="Create a one-time launch link for one customer",
        request=LaunchRequest,
        responses={
            201: ("The launch link (single use, short-lived)", LaunchCreated),
            413: ("Body too large", None),
            415: ("Body is not JSON", None),
            422: ("Invalid fields, listed per field", None),
        },
    )
]
