"""What tests (and e2e and bench) share: settings from dicts, customers, the flow's steps.

Fixtures live in `conftest.py`; everything importable lives here, so `e2e/`
and `bench/` never import a conftest.
"""

from __future__ import annotations

import contextlib
import html.parser
import os
import re
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import httpx2
import psycopg
from anyio.from_thread import BlockingPortal
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.testclient import TestClient

from webview_host.app import create_app
from webview_host.checkout import BasketRef
from webview_host.ledger import Completion
from webview_host.minted import EcomOrder
from webview_host.result_tokens import ResultTokenCheck
from webview_host.sandbox.faults import Fault
from webview_host.sandbox.settings import SandboxSettings
from webview_host.sessions import CHECKOUT_SALT, CustomerSession, Signer
from webview_host.settings import Settings

HOST = "http://127.0.0.1:8000"
PARTNER_KEY = "dev-partner-key"
POSTGRES_URL = os.environ.get(
    "WVH_TEST_POSTGRES_URL", "postgresql://postgres:postgres@127.0.0.1:5432/test"
)


class Clock:
    """Real time plus an offset the test can advance (tokens, price fix, nonces)."""

    def __init__(self, *, frozen: bool = False) -> None:
        self.offset = 0.0
        self.frozen_at = time.time() if frozen else None

    def __call__(self) -> float:
        return (self.frozen_at or time.time()) + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


def make_settings(**overrides: str) -> Settings:
    """The host's settings in sandbox mode, as `make run` gives them, plus `WVH_<NAME>`
    overrides (`sandbox="0"` and the production values for a production host)."""
    env = {"WVH_SANDBOX": "1", "WVH_PUBLIC_URL": HOST}
    env.update({f"WVH_{k.upper()}": v for k, v in overrides.items()})
    return Settings.from_env(env)


def make_sandbox_settings(**overrides: str) -> SandboxSettings:
    """The sandbox's settings as `make run` gives them, plus `WVH_<NAME>` overrides."""
    env = {"WVH_SANDBOX": "1", "WVH_PUBLIC_URL": HOST}
    env.update({f"WVH_{k.upper()}": v for k, v in overrides.items()})
    return SandboxSettings.from_env(env)


def customer_payload(external_id: str | None = None, **changes: Any) -> dict[str, Any]:
    customer = {
        "external_id": f"cust-{uuid.uuid4().hex[:10]}" if external_id is None else external_id,
        "firstname": "Ayşe",
        "lastname": "Yılmaz",
        "email": "ayse@example.com",
        "phone": "+905330000000",
        "gender": "F",
        "identity_number": "10000000146",
        "birthdate": "1990-01-31",
    }
    customer.update(changes)
    return customer


@contextlib.contextmanager
def postgres_schema() -> Iterator[str]:
    """A database URL on a fresh PostgreSQL schema, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def host_client(
    sandbox: Starlette,
    database_url: str,
    clock: Clock | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    webhook_transport: httpx.AsyncBaseTransport | None = None,
    result_tokens: ResultTokenCheck | None = None,
    **overrides: str,
) -> TestClient:
    """The host app in-process over the in-process sandbox (enter it with `with`)."""
    settings = make_settings(database_url=database_url, **overrides)
    app = create_app(
        settings,
        minted_transport=transport or httpx.ASGITransport(app=sandbox),
        webhook_transport=webhook_transport,
        clock=clock or time.time,
        result_tokens=result_tokens,
    )
    return TestClient(app, base_url=HOST, follow_redirects=False)


class _InlineCode(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and not dict(attrs).get("src"):
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            url = name in ("href", "src", "action", "formaction", "xlink:href")
            if url and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:...>")


def inline_code(page: str) -> list[str]:
    """What a CSP without 'unsafe-inline' would block in `page`, as the parser reads it:
    script elements without `src` (whatever their attributes), style elements, `style=`
    and `on*=` attributes, `javascript:` in a URL attribute. Empty for a page that is CSP-safe."""
    parser = _InlineCode()
    parser.feed(page)
    parser.close()
    return parser.found


# --- the customer's steps, in-process -------------------------------------------------


def create_launch(
    client: TestClient, customer: dict[str, Any] | None = None, **body: Any
) -> httpx2.Response:
    payload = {"customer": customer or customer_payload(), "locale": "en", **body}
    return client.post(
        "/api/v1/launches", json=payload, headers={"Authorization": f"Bearer {PARTNER_KEY}"}
    )


def open_launch(client: Any, url: str, **post: Any) -> Any:
    """Open a launch link as a browser does: GET the launch page (which consumes nothing),
    then POST its form (what `static/launch.js` does), confirming the switch when another
    customer's session is open; returns the last POST's response.
    `client` is a TestClient or an httpx/httpx2 Client."""
    page = client.get(url)
    if page.status_code != 200:
        return page
    assert 'id="launch-form"' in page.text, page.text
    answer = client.post(url, **post)
    if answer.status_code == 409 and 'data-testid="launch-switch"' in answer.text:
        # Another customer's session is open in this client: confirm, as a customer would.
        csrf = re.search(r'name="csrf" value="([^"]+)"', answer.text)
        assert csrf, "the question carries the open session's CSRF token"
        answer = client.post(url, data={"replace": "1", "csrf": csrf.group(1)})
    return answer


def enter_shop(client: TestClient, customer: dict[str, Any] | None = None) -> str:
    """Launch and exchange the code; returns the Minted token the session holds."""
    response = create_launch(client, customer)
    assert response.status_code == 201, response.text
    path = response.json()["launch_url"].removeprefix(HOST)
    exchanged = open_launch(client, path)
    assert exchanged.status_code == 303, exchanged.text
    return webview_token(client)


def webview_token(client: TestClient) -> str:
    shell = client.get("/shop")
    assert shell.status_code == 200, shell.text
    match = re.search(r'<iframe[^>]*src="[^"]*\?token=([A-Za-z0-9]+)&amp;lang=(tr|en)"', shell.text)
    assert match, "the shell embeds the webview with the session's token"
    return match.group(1)


def put_item(sandbox_client: TestClient, token: str, sku: str, quantity: int) -> dict[str, Any]:
    response = sandbox_client.put(
        f"/webview/api/basket/items/{sku}",
        json={"quantity": quantity},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    basket: dict[str, Any] = response.json()["basket"]
    return basket


def confirm_fields(review_page: str) -> dict[str, str]:
    """The Confirm form's fields on a review page: the CSRF token and the signed basket."""
    csrf = re.search(r'name="csrf" value="([^"]+)"', review_page)
    basket = re.search(r'name="basket" value="([^"]+)"', review_page)
    assert csrf, "the review page has a Confirm form"
    assert basket, "the Confirm form carries the signed basket reference"
    return {"csrf": csrf.group(1), "basket": basket.group(1)}


def review_form(client: TestClient) -> dict[str, str]:
    page = client.get("/checkout")
    assert page.status_code == 200, page.text
    return confirm_fields(page.text)


def confirm(client: TestClient, form: dict[str, str]) -> httpx2.Response:
    return client.post("/checkout/complete", data=form, headers={"Origin": HOST})


def basket_reviewed(
    client: TestClient, sandbox_client: TestClient, sku: str = "MNT0001"
) -> tuple[str, dict[str, str]]:
    """A new customer's session with one `sku` in the basket: (webview token, Confirm form)."""
    token = enter_shop(client)
    put_item(sandbox_client, token, sku, 1)
    return token, review_form(client)


def buy(client: TestClient, sandbox_client: TestClient, sku: str = "MNT0001") -> str:
    """A new customer buys one `sku`; returns the completion's id."""
    _, form = basket_reviewed(client, sandbox_client, sku)
    done = confirm(client, form)
    assert done.status_code == 303, done.text
    return str(done.headers["location"]).removeprefix("/orders/")


def order_page(client: TestClient, location: str) -> dict[str, str]:
    """The result page's texts by test id, and its `state`."""
    page = client.get(location)
    assert page.status_code == 200, page.text
    found = {}
    for testid in ("order-status", "order-code", "support-code", "order-total", "order-reason"):
        match = re.search(rf'data-testid="{testid}"[^>]*>([^<]*)<', page.text)
        if match:
            found[testid] = match.group(1).strip()
    state = re.search(r'data-testid="order-status" data-state="([a-z]+)"', page.text)
    assert state
    found["state"] = state.group(1)
    return found


# --- the in-process sandbox -----------------------------------------------------------


def calls(sandbox: Starlette, endpoint: str) -> int:
    """How many times the host called this sandbox endpoint (Digest challenges excluded)."""
    count: int = sandbox.state.faults.calls.get(endpoint, 0)
    return count


def arm(sandbox: Starlette, **fault: Any) -> None:
    """Arm a sandbox fault (see `webview_host/sandbox/faults.py`)."""
    sandbox.state.faults.arm(Fault.from_json(fault))


# --- reaching into the host app under test ---------------------------------------------


def portal(client: TestClient) -> BlockingPortal:
    """The event loop of the app under test (inside `with TestClient(...)`)."""
    assert client.portal is not None, "use the TestClient inside `with`"
    return client.portal


def session_of(client: TestClient) -> CustomerSession:
    """The session the client's cookie holds, as the host reads it."""
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    request = Request({"type": "http", "headers": [(b"cookie", cookie.encode())]})
    session = client.app_state["services"].sessions.load(request)
    assert session is not None, "the client has a session"
    return session


def claim_current_basket(client: TestClient, form: dict[str, str]) -> tuple[Completion, EcomOrder]:
    """Claim the client's live basket in the ledger as a Confirm of `form` would, without
    calling Minted (what a process that dies mid-Complete leaves behind)."""
    services = client.app_state["services"]
    signer = Signer(services.settings.cookie_keys, CHECKOUT_SALT, 60)
    submitted = BasketRef.verify(signer, form["basket"])
    assert submitted is not None
    view = portal(client).call(services.baskets.read, session_of(client))
    basket = view.basket
    assert basket is not None
    ref = BasketRef.of(view.session, basket)
    claimed, won = portal(client).call(
        lambda: services.ledger.completions.claim(
            key=ref.key,
            customer_id=view.session.customer_id,
            launch_id=view.session.launch_id,
            basket_guid=basket.guid,
            cart_token=basket.token,
            locale=view.session.locale,
            total=basket.total,
            currency=basket.currency_code,
            review_id=submitted.review,
        )
    )
    assert won
    return claimed, basket
