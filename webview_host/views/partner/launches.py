"""`POST /api/v1/launches`: a one-time launch link for one customer."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model
from starlette.requests import Request
from starlette.responses import Response

from ...settings import Settings
from ...types import Locale
from ..common import services
from . import fields
from .auth import json_body
from .operation import Operation

E164 = r"^\+[1-9][0-9]{6,14}$"


class LaunchCustomer(BaseModel):
    """The customer, with the fields and limits of a Minted customer."""

    model_config = ConfigDict(extra="forbid")

    external_id: fields.ExternalId
    firstname: fields.Name
    middlename: fields.Name | None = None
    lastname: fields.Name
    email: Annotated[str, Field(max_length=254, pattern=fields.EMAIL_PATTERN)]
    phone: Annotated[str, Field(pattern=E164, description="E.164, e.g. +905330000000")]
    gender: Literal["M", "F"]
    identity_number: Annotated[
        str, Field(pattern=r"^[0-9]{11}$", description="11-digit Turkish identity number")
    ]
    birthdate: fields.Birthdate


class LaunchRequest(BaseModel):
    """Body of `POST /api/v1/launches`; `return_url` is typed per configuration by
    `launch_request(settings)`."""

    model_config = ConfigDict(extra="forbid")

    customer: LaunchCustomer
    locale: Locale | None = None
    return_url: str | None = None


@functools.cache
def _launch_request(origins: tuple[str, ...], schemes: tuple[str, ...]) -> type[LaunchRequest]:
    return create_model(
        "LaunchRequest",
        __base__=LaunchRequest,
        __doc__=LaunchRequest.__doc__,
        return_url=(fields.return_url(origins, schemes), None),
    )


def launch_request(settings: Settings) -> type[LaunchRequest]:
    """The launch body for this configuration: `return_url` must match its partner origins
    or app schemes, and the OpenAPI document says so with the same pattern."""
    return _launch_request(settings.partner_origins, settings.return_url_schemes)


class LaunchCreated(BaseModel):
    """Answer of `POST /api/v1/launches`."""

    launch_url: str
    expires_at: dt.datetime


async def create_launch(request: Request) -> Response:
    settings = services(request).settings
    launch = await json_body(request, launch_request(settings))
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
        request=launch_request,
        responses={
            201: ("The launch link (single use, short-lived)", LaunchCreated),
            422: ("Invalid fields, listed per field", None),
        },
    )
]
