"""Whatever Digest challenge (`WWW-Authenticate`) Minted sends, the client answers with one
of our errors, never another exception (property test; the sandbox's own Digest parsing has
its own in tests/sandbox/test_digest.py)."""

from __future__ import annotations

import anyio
import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import customer_payload
from webview_host.minted import MintedClient, MintedError

TOKENS = st.sampled_from(
    ["Digest ", "realm=", "nonce=", "qop=", "auth", "auth-int", "algorithm=", "MD5", "SHA-256",
     "SHA-512-256", "opaque=", "stale=", "true", '"', ",", " ", "=", "\\", "ü", "\x00"]
)  # fmt: skip
CHALLENGES = st.lists(TOKENS | st.text(max_size=12), max_size=14).map("".join)


@settings(max_examples=300)
@given(challenge=CHALLENGES | st.binary(max_size=120).map(lambda b: b.decode("latin-1")))
def test_any_digest_challenge_is_one_of_our_errors(challenge: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            401, headers=[(b"www-authenticate", challenge.encode("latin-1", "replace"))]
        )

    async def call() -> None:
        async with MintedClient(
            base_url="https://minted.test",
            username="u",
            password="p",
            timeout=5,
            read_retries=0,
            transport=httpx.MockTransport(handler),
        ) as minted:
            try:
                await minted.create_token(customer_payload(), locale="tr")
            except MintedError:
                return
            raise AssertionError("a 401 is never a success")

    anyio.run(call)
