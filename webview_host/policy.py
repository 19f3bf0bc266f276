"""What a production host refuses to start with: the checks behind "no development keys in
production".

Sandbox mode (`WVH_SANDBOX=1`) is the only place the published development
values are allowed. Outside it, `refusals(...)` lists every problem, one
sentence each, so an operator fixes them all in one go instead of one per
restart.

A key counts as strong when it carries at least 256 bits judged by its alphabet:
64 hexadecimal characters (`openssl rand -hex 32`) or 43 characters of
anything else (`secrets.token_urlsafe(32)`, `openssl rand -base64 32`), and is
not a low-variety string such as `"a" * 64`.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Sequence
from typing import Final
from urllib.parse import urlsplit

from .environment import PREFIX, Secret

# The README's development values (and the sandbox's), public by definition.
SANDBOX_USERNAME: Final = "sandbox-partner"
SANDBOX_PASSWORD: Final = "sandbox-password"  # noqa: S105 - a documented development default
SANDBOX_PARTNER_KEY: Final = "dev-partner-key"
SANDBOX_COOKIE_KEY: Final = "dev-cookie-key-not-for-production"
SANDBOX_WEBHOOK_SECRET: Final = "dev-webhook-secret"  # noqa: S105 - a documented default
PUBLISHED: Final = frozenset(
    {
        SANDBOX_USERNAME,
        SANDBOX_PASSWORD,
        SANDBOX_PARTNER_KEY,
        SANDBOX_COOKIE_KEY,
        SANDBOX_WEBHOOK_SECRET,
    }
)

_HEX_LENGTH: Final = 64  # 32 bytes, 4 bits a character
_OTHER_LENGTH: Final = 43  # 32 bytes in base64 (6 bits a character), the loosest common alphabet
_MIN_DISTINCT: Final = 10  # a random 43+ character key has ~30 distinct characters
KEY_ADVICE: Final = (
    "Use 32 random bytes, e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`."
)


def key_problem(value: str) -> str | None:
    """Why `value` is too weak to be a production key, or None when it is strong enough."""
    if value in PUBLISHED:
        return "is a published development value"
    hexadecimal = all(c in string.hexdigits for c in value)
    needed = _HEX_LENGTH if hexadecimal else _OTHER_LENGTH
    if len(value) < needed:
        alphabet = "hexadecimal " if hexadecimal else ""
        return f"has {len(value)} {alphabet}characters, fewer than the {needed} of 32 random bytes"
    if len(set(value)) < _MIN_DISTINCT:
        return "repeats too few characters to be random"
    return None


def _keys(name: str, keys: Sequence[Secret]) -> Iterable[str]:
    for position, key in enumerate(keys, start=1):
        problem = key_problem(key.reveal())
        if problem is not None:
            yield f"Config '{PREFIX}{name}': key {position} {problem}. {KEY_ADVICE}"


def _https(name: str, url: str) -> Iterable[str]:
    if urlsplit(url).scheme != "https":
        yield (
            f"Config '{PREFIX}{name}' has value {url!r}. Outside sandbox mode it must be an "
            "https:// URL (customers' sessions and Minted's credentials travel over it)."
        )


def refusals(
    *,
    public_url: str,
    minted_base_url: str,
    webview_url: str,
    partner_origins: Sequence[str],
    minted_password: Secret,
    cookie_keys: Sequence[Secret],
    partner_keys: Sequence[Secret],
    webhook_url: str | None = None,
    webhook_secrets: Sequence[Secret] = (),
) -> list[str]:
    """Every reason this configuration must not serve real customers (empty when none)."""
    found = [
        *_https("PUBLIC_URL", public_url),
        *_https("MINTED_BASE_URL", minted_base_url),
        *_https("WEBVIEW_URL_TEMPLATE", webview_url),
        *(line for origin in partner_origins for line in _https("PARTNER_ORIGINS", origin)),
        *(_https("WEBHOOK_URL", webhook_url) if webhook_url else ()),
        *_keys("COOKIE_KEYS", cookie_keys),
        *_keys("PARTNER_KEYS", partner_keys),
        *_keys("WEBHOOK_SECRETS", webhook_secrets),
    ]
    if minted_password.reveal() in PUBLISHED:
        found.append(
            f"Config '{PREFIX}MINTED_PASSWORD' is the sandbox's published password. "
            "Use the Digest password Minted issued to you."
        )
    cookies = {k.reveal() for k in cookie_keys}
    for name, keys in (("PARTNER_KEYS", partner_keys), ("WEBHOOK_SECRETS", webhook_secrets)):
        if cookies & {k.reveal() for k in keys}:
            found.append(
                f"Config '{PREFIX}{name}' and '{PREFIX}COOKIE_KEYS' share a key: a partner "
                "could then forge customers' cookies. Give each its own random keys."
            )
    return found
