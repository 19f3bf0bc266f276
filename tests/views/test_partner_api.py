"""POST /api/v1/launches: authentication, per-field validation, limits, OpenAPI."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.helpers import HOST, PARTNER_KEY, create_launch, customer_payload, host_client

AUTH = {"Authorization": f"Bearer {PARTNER_KEY}"}


def test_created_launch_is_one_time_url_with_expiry(host: TestClient) -> None:
    response = create_launch(host)
    assert response.status_code == 201
    body = response.json()
    assert body["launch_url"].startswith(f"{HOST}/launch/")
    code = body["launch_url"].rsplit("/", 1)[1]
    assert len(code) >= 22, "128 random bits, base64url"
    assert body["expires_at"].endswith("Z")
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("header", [None, "Bearer wrong-key-000000", "Basic abc", "Bearer "])
def test_partner_key_is_required(host: TestClient, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = host.post("/api/v1/launches", json={"customer": customer_payload()}, headers=headers)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"external_id": ""}, "customer.external_id"),
        ({"external_id": "x" * 111}, "customer.external_id"),
        ({"phone": "05330000000"}, "customer.phone"),
        ({"phone": "+90 533 000 00 00"}, "customer.phone"),
        ({"email": "nope"}, "customer.email"),
        ({"gender": "X"}, "customer.gender"),
        ({"birthdate": "1990-02-30"}, "customer.birthdate"),
        ({"birthdate": "2999-01-01"}, "customer.birthdate"),
        ({"birthdate": 0}, "customer.birthdate"),  # finding 4: a number was taken as 1970-01-01
        ({"birthdate": "1990-01-31T00:00:00"}, "customer.birthdate"),
        ({"birthdate": "1899-12-31"}, "customer.birthdate"),
        ({"external_id": "c-\x00"}, "customer.external_id"),  # NUL: PostgreSQL cannot store it
        ({"firstname": "   "}, "customer.firstname"),
        ({"identity_number": "1234567890"}, "customer.identity_number"),
        ({"identity_number": "1234567890a"}, "customer.identity_number"),
        ({"firstname": ""}, "customer.firstname"),
        ({"middlename": "a\u0085b"}, "customer.middlename"),
        ({"email": "a@b." + "c" * 251}, "customer.email"),
        ({"unexpected": "field"}, "customer.unexpected"),
    ],
)
def test_each_bad_customer_field_is_named(
    host: TestClient, changes: dict[str, Any], field: str
) -> None:
    response = create_launch(host, customer_payload(**changes))
    assert response.status_code == 422
    body = response.json()
    assert field in body["fields"], body
    secret_values = {"1234567890", "1234567890a"}
    assert not any(v in response.text for v in secret_values), "values are never echoed"


@pytest.mark.parametrize(
    "missing",
    ["external_id", "firstname", "lastname", "email", "phone", "gender", "identity_number",
     "birthdate"],
)  # fmt: skip
def test_each_missing_customer_field_is_named(host: TestClient, missing: str) -> None:
    customer = customer_payload()
    del customer[missing]
    response = create_launch(host, customer)
    assert response.status_code == 422
    assert f"customer.{missing}" in response.json()["fields"]


def test_missing_customer_and_bad_locale(host: TestClient) -> None:
    response = host.post("/api/v1/launches", json={"locale": "de"}, headers=AUTH)
    assert response.status_code == 422
    assert {"customer", "locale"} <= set(response.json()["fields"])


def test_not_json(host: TestClient) -> None:
    response = host.post(
        "/api/v1/launches", content=b"{", headers={**AUTH, "Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert "body" in response.json()["fields"], "a body that is not JSON is named as such"
    form = host.post("/api/v1/launches", data={"a": "b"}, headers=AUTH)
    assert form.status_code == 415


def test_oversized_body_is_413(host: TestClient) -> None:
    big = customer_payload(middlename="x" * 20000)
    response = host.post("/api/v1/launches", json={"customer": big}, headers=AUTH)
    assert response.status_code == 413
    assert response.json()["error"] == "body_too_large"


def test_return_url_must_be_an_allowed_origin_or_scheme(sandbox: Any, sqlite_url: str) -> None:
    with host_client(
        sandbox, sqlite_url, partner_origins="https://bank.example", return_url_schemes="bankapp"
    ) as client:
        for url, status in [
            ("https://bank.example/back", 201),
            ("bankapp://shop/done", 201),
            ("https://evil.example/back", 422),
            ("javascript:alert(1)", 422),
            ("otherapp://x", 422),
        ]:
            response = create_launch(client, return_url=url)
            assert response.status_code == status, (url, response.text)


def test_openapi_states_the_birthdate_and_return_url_rules(sandbox: Any, sqlite_url: str) -> None:
    with host_client(
        sandbox, sqlite_url, partner_origins="https://bank.example", return_url_schemes="bankapp"
    ) as client:
        schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    birthdate = schemas["LaunchCustomer"]["properties"]["birthdate"]
    assert birthdate["type"] == "string"
    assert birthdate["format"] == "date"
    assert birthdate["pattern"].startswith("^(19[0-9]{2}")
    return_url = schemas["LaunchRequest"]["properties"]["return_url"]["anyOf"][0]
    assert return_url["pattern"].startswith("^(?:https://bank\\.example(?:[/?#]")
    assert "|bankapp:" in return_url["pattern"]


def test_openapi_describes_the_launch_api(host: TestClient) -> None:
    document = host.get("/api/openapi.json").json()
    operation = document["paths"]["/api/v1/launches"]["post"]
    assert {"201", "401", "413", "422"} <= set(operation["responses"])
    schemas = document["components"]["schemas"]
    assert "LaunchCustomer" in schemas
    assert schemas["LaunchCustomer"]["properties"]["identity_number"]["pattern"] == "^[0-9]{11}$"
