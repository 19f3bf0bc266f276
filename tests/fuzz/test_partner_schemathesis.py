"""Schemathesis, an independent fuzzer, over every operation the partner OpenAPI document lists,
against real host processes on SQLite and on PostgreSQL, with every built-in check.

The schema comes from the same `document()` the host serves (the first test checks they are
the same), so operations other modules add are fuzzed here without touching this file.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config._checks import NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES

from tests.helpers import make_settings, postgres_schema
from tests.servers import Server, stack
from webview_host.views.partner import OPERATIONS
from webview_host.views.partner.openapi import document

# Return URLs get a pattern only when origins or schemes are configured: configure both.
SETTINGS = make_settings(partner_origins="https://bank.example", return_url_schemes="bankapp")
# A body over WVH_LAUNCH_MAX_BODY is refused unread with 413 (documented per operation):
# a rejection of invalid data like the others, which schemathesis does not list by default.
# The partner key goes through the document's own security scheme, so schemathesis knows
# which requests it meant to send without it (a header passed by hand would undo that).
CONFIG = schemathesis.Config.from_dict(
    {
        "auth": {"openapi": {"partnerKey": {"bearer": "dev-partner-key"}}},
        "checks": {
            "negative_data_rejection": {
                "expected-statuses": [*NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES, "413"]
            }
        },
    }
)
schema = schemathesis.openapi.from_dict(document(OPERATIONS, SETTINGS), config=CONFIG)
load_all_checks()
# Every built-in check (all are functions in this release; class-based ones would be skipped).
ALL_CHECKS = [check for check in CHECKS.get_all() if not isinstance(check, type)]


@schema.hook
def filter_case(context: schemathesis.HookContext, case: schemathesis.Case) -> bool:
    """The one rule OpenAPI cannot state for query parameters, which the operation's
    description does: `start_date` and `end_date` go together. Valid cases obey it (invalid
    ones may not, and must be refused)."""
    query = case.query or {}
    if case.meta is not None and case.meta.generation.mode.is_positive:
        return ("start_date" in query) == ("end_date" in query)
    return True


@contextlib.contextmanager
def partner_stack(database_url: str) -> Iterator[Server]:
    with stack(
        database_url,
        WVH_PARTNER_ORIGINS="https://bank.example",
        WVH_RETURN_URL_SCHEMES="bankapp",
        # Thousands of calls from one address are what the limits are for; off here.
        WVH_LIMIT_PARTNER="off",
        WVH_LIMIT_PARTNER_FAILURES="off",
    ) as (_, host):
        yield host


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def host(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('fuzz')}/ledger.sqlite3"
        with partner_stack(url) as host:
            yield host
    else:
        with postgres_schema() as url, partner_stack(url) as host:
            yield host


def test_the_fuzzed_document_is_the_one_served(host: Server) -> None:
    served = httpx.get(f"{host.url}/api/openapi.json").json()
    assert served == document(OPERATIONS, SETTINGS)
    assert served["paths"], "the partner API lists its operations"
    refs = set(re.findall(r'"\$ref": "([^"]+)"', json.dumps(served)))
    schemas = served["components"]["schemas"]
    assert {
        ref for ref in refs if ref.removeprefix("#/components/schemas/") not in schemas
    } == set()


@schema.parametrize()
@settings(max_examples=150, suppress_health_check=list(HealthCheck), deadline=None)
def test_partner_operation(case: schemathesis.Case, host: Server) -> None:
    case.call_and_validate(base_url=host.url, checks=ALL_CHECKS)
