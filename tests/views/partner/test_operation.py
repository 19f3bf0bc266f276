"""An operation's declaration decides its answers, in its route and its document alike: the
partner key before anything runs, and what its body, query and Minted call imply."""

from __future__ import annotations

import dataclasses
from typing import Any

from pydantic import BaseModel
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.testclient import TestClient

from tests.helpers import PARTNER_KEY
from webview_host.minted import MintedError, MintedForbidden, MintedUnavailable
from webview_host.views.partner.operation import Operation

KEY = {"Authorization": f"Bearer {PARTNER_KEY}"}


class Probe(BaseModel):
    """A request model for the probe."""

    name: str


def probe(failure: MintedError | None = None, **declared: Any) -> tuple[Operation, list[str]]:
    """An operation whose endpoint records that it ran, then fails with `failure` if given."""
    ran: list[str] = []

    async def endpoint(request: Request) -> Response:
        ran.append(request.url.path)
        if failure is not None:
            raise failure
        return JSONResponse({"ran": True})

    operation = Operation(
        path="/api/v1/probe",
        method="post",
        endpoint=endpoint,
        operation_id="probe",
        summary="A probe",
        responses={200: ("It ran", None)},
    )
    return dataclasses.replace(operation, **declared), ran


def serve(host: TestClient, operation: Operation) -> None:
    assert isinstance(host.app, Starlette)
    host.app.router.routes.insert(0, operation.route())


def test_the_shape_of_an_operation_implies_its_documented_answers() -> None:
    bare, _ = probe()
    assert set(bare.answers) == {200, 401, 429}
    full, _ = probe(
        request=Probe,
        query=Probe,
        minted="probe",
        responses={200: ("It ran", None), 404: ("No such probe", None)},
    )
    assert set(full.answers) == {200, 401, 403, 404, 409, 413, 415, 422, 429, 502, 503}
    assert full.answers[404] == ("No such probe", None), "a declared status keeps its words"
    assert full.answers[403][0].endswith("(upstream_forbidden)")


def test_without_the_partner_key_the_endpoint_never_runs(host: TestClient) -> None:
    operation, ran = probe()
    serve(host, operation)
    refused = host.post("/api/v1/probe")
    assert refused.status_code == 401
    assert refused.json()["error"] == "unauthorized"
    assert ran == []
    assert host.post("/api/v1/probe", headers=KEY).json() == {"ran": True}


def test_a_declared_minted_call_answers_its_failures_as_upstream_errors(host: TestClient) -> None:
    operation, ran = probe(MintedForbidden(403, "not for you"), minted="probe")
    serve(host, operation)
    answer = host.post("/api/v1/probe", headers=KEY)
    assert ran == ["/api/v1/probe"]
    assert answer.status_code == 403
    assert answer.json()["error"] == "upstream_forbidden"
    assert answer.json()["support_code"]


def test_a_sale_whose_answer_was_lost_is_not_offered_again(host: TestClient) -> None:
    lost = MintedUnavailable("the answer was lost", request_sent=True)
    repeatable, _ = probe(lost, minted="probe")
    once, _ = probe(lost, path="/api/v1/probe-once", minted="probe", repeatable=False)
    serve(host, repeatable)
    serve(host, once)
    assert host.post("/api/v1/probe", headers=KEY).json()["error"] == "upstream_unavailable"
    assert host.post("/api/v1/probe-once", headers=KEY).json()["error"] == (
        "upstream_outcome_unknown"
    )
