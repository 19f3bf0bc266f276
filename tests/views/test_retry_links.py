""" "Try again" on an error page leads somewhere that answers: the form's page after a failed
POST (finding 5: it reloaded POST /checkout/complete as a GET, a 405)."""

from __future__ import annotations

import re

from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.helpers import HOST, arm, basket_reviewed, confirm, create_launch


def retry_href(html: str) -> str:
    match = re.search(r'href="([^"]*)" data-testid="retry-button"', html)
    assert match, "the page offers Try again"
    return match.group(1)


def test_retry_after_a_failed_confirm_goes_back_to_review(
    host: TestClient, sandbox_client: TestClient, sandbox: Starlette
) -> None:
    _, form = basket_reviewed(host, sandbox_client)
    arm(sandbox, endpoint="get_active_basket", kind="status", status=502, count=5)
    failed = confirm(host, form)
    assert failed.status_code == 503
    href = retry_href(failed.text)
    assert href == "/checkout"
    assert host.get(href).status_code == 200, "and the review page answers"


def test_retry_after_a_refused_confirm_goes_back_to_review(
    host: TestClient, sandbox_client: TestClient
) -> None:
    _, form = basket_reviewed(host, sandbox_client)
    refused = confirm(host, {**form, "csrf": "wrong"})
    assert refused.status_code == 403
    assert retry_href(refused.text) == "/checkout"


def test_retry_on_a_page_reloads_it(host: TestClient, sandbox: Starlette) -> None:
    link = create_launch(host).json()["launch_url"].removeprefix(HOST)
    arm(sandbox, endpoint="create_token", kind="status", status=503)
    failed = host.post(link)
    assert failed.status_code == 503
    href = retry_href(failed.text)
    assert href == link, "the launch page again, which posts the code again"
    assert host.get(href).status_code == 200
