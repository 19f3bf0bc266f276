"""The OpenAPI document states what every partner operation enforces (schemathesis runs
over it): statuses, parameters with their patterns and bounds, bodies, descriptions."""

from __future__ import annotations

from starlette.testclient import TestClient

from webview_host.views.partner import OPERATIONS

NEW = {
    ("/api/v1/orders/{completion_id}", "get"),
    ("/api/v1/orders", "get"),
    ("/api/v1/webhooks/events", "get"),
    ("/api/v1/webhooks/events/{event_id}", "get"),
    ("/api/v1/webhooks/events/{event_id}/redeliver", "post"),
    ("/api/v1/baskets", "get"),
    ("/api/v1/baskets/clear", "post"),
    ("/api/v1/orders/lookup", "post"),
    ("/api/v1/prices", "get"),
    ("/api/v1/sales/digital", "post"),
}


def test_every_operation_is_documented_with_its_constraints(host: TestClient) -> None:
    document = host.get("/api/openapi.json").json()
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert documented == {(op.path, op.method) for op in OPERATIONS}
    assert documented >= NEW
    for path, method in NEW:
        operation = document["paths"][path][method]
        assert "401" in operation["responses"]
        assert operation["summary"]
        for parameter in operation.get("parameters", []):
            assert parameter["schema"], (path, parameter["name"])
    orders = document["paths"]["/api/v1/orders"]["get"]
    params = {p["name"]: p for p in orders["parameters"]}
    assert params["external_customer_id"]["required"] is True
    assert params["external_customer_id"]["schema"]["pattern"]
    assert params["per_page"]["schema"]["maximum"] == 100
    assert params["page"]["schema"]["minimum"] == 1
    status = document["paths"]["/api/v1/orders/{completion_id}"]["get"]
    [path_param] = [p for p in status["parameters"] if p["in"] == "path"]
    assert path_param["schema"]["pattern"] == "^[A-Za-z0-9_-]{1,64}$"
    schemas = document["components"]["schemas"]
    assert schemas["SellRequest"]["properties"]["currency_code"]["anyOf"][0]["enum"] == [
        "GBP",
        "TRY",
        "USD",
        "EUR",
    ]
    assert schemas["SellLine"]["properties"]["amount"]["minimum"] == 1
    assert schemas["SellRequest"]["additionalProperties"] is False
    assert schemas["ClearRequest"]["properties"]["cart_token"]["pattern"]
    assert {"502", "503"} <= set(document["paths"]["/api/v1/sales/digital"]["post"]["responses"])
