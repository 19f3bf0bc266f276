"""LaunchService, driven directly: one-time links, exchanged once for a Minted token."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from tests.helpers import HOST, Clock, arm, calls, customer_payload
from webview_host.ledger import LaunchRefused, hash_code
from webview_host.minted import MintedUnavailable
from webview_host.services import Services

pytestmark = pytest.mark.anyio


async def test_a_launch_link_is_a_one_time_code_under_the_public_url(
    services: Services, clock: Clock
) -> None:
    url, expires = await services.launches.create(customer_payload(), locale="en", return_url=None)
    code = url.removeprefix(f"{HOST}/launch/")
    assert len(code) >= 22, "128 random bits"
    assert expires == pytest.approx(clock() + services.settings.launch_ttl, abs=1)
    rows = await services.ledger.database.execute("SELECT code_hash FROM launches")
    assert rows == [{"code_hash": hash_code(code)}], "only the hash is stored"


async def test_exchange_creates_a_token_and_a_session_once(
    services: Services, sandbox: Starlette
) -> None:
    customer = customer_payload()
    url, _ = await services.launches.create(customer, locale="tr", return_url="bankapp://x")
    code = url.rsplit("/", 1)[1]
    session = await services.launches.start_session(code)
    assert session.customer_id == customer["external_id"]
    assert session.locale == "tr"
    assert session.return_url == "bankapp://x"
    assert len(session.token) == 32
    assert "identity_number" not in repr(session), "no personal data in the session"
    assert calls(sandbox, "create_token") == 1
    with pytest.raises(LaunchRefused) as again:
        await services.launches.start_session(code)
    assert again.value.reason == "used"
    assert calls(sandbox, "create_token") == 1


async def test_a_failed_create_token_gives_the_code_back(
    services: Services, sandbox: Starlette
) -> None:
    url, _ = await services.launches.create(customer_payload(), locale="en", return_url=None)
    code = url.rsplit("/", 1)[1]
    arm(sandbox, endpoint="create_token", kind="status", status=503)
    with pytest.raises(MintedUnavailable):
        await services.launches.start_session(code)
    session = await services.launches.start_session(code)
    assert session.token
