"""Settings: sandbox defaults, what is required outside sandbox mode, errors naming the variable."""

from __future__ import annotations

import pytest

from webview_host.settings import Secret, Settings, SettingsError

REAL = {
    "WVH_MINTED_BASE_URL": "https://api.staging.mintedconnect.com",
    "WVH_MINTED_USERNAME": "partner",
    "WVH_MINTED_PASSWORD": "s3cret-password",
    "WVH_WEBVIEW_URL_TEMPLATE": "https://webview.example.com/?token={token}",
    "WVH_COOKIE_KEYS": "a" * 32 + "," + "b" * 32,
    "WVH_PARTNER_KEYS": "partner-key-0123456789",
    "WVH_PUBLIC_URL": "https://shop.partner.example",
}


def test_no_minted_url_means_sandbox_mode_with_dev_defaults() -> None:
    settings = Settings.from_env({})
    assert settings.sandbox_mode
    assert settings.minted_base_url == "http://127.0.0.1:8001"
    assert settings.webview_url("T", "en") == "http://127.0.0.1:8001/webview/?token=T&lang=en"
    assert settings.webview_origin == "http://127.0.0.1:8001"
    assert settings.partner_keys == (Secret("dev-partner-key"),)
    assert not settings.secure_cookies
    assert settings.database_url.startswith("sqlite:///")


def test_real_minted_configuration() -> None:
    settings = Settings.from_env(REAL)
    assert not settings.sandbox_mode
    assert settings.secure_cookies
    assert len(settings.cookie_keys) == 2
    assert settings.webview_origin == "https://webview.example.com"


@pytest.mark.parametrize(
    "missing",
    [
        "WVH_MINTED_USERNAME",
        "WVH_MINTED_PASSWORD",
        "WVH_WEBVIEW_URL_TEMPLATE",
        "WVH_COOKIE_KEYS",
        "WVH_PARTNER_KEYS",
    ],
)
def test_required_outside_sandbox_mode(missing: str) -> None:
    env = {k: v for k, v in REAL.items() if k != missing}
    with pytest.raises(SettingsError, match=f"'{missing}' is missing"):
        Settings.from_env(env)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("WVH_HOST_PORT", "eighty", "Not a valid integer"),
        ("WVH_HOST_PORT", "70000", "between 1 and 65535"),
        ("WVH_MINTED_TIMEOUT", "-1", "must be positive"),
        ("WVH_MINTED_BASE_URL", "ftp://x", "absolute http"),
        ("WVH_WEBVIEW_URL_TEMPLATE", "https://w.example/", "no '{token}' placeholder"),
        ("WVH_DEFAULT_LOCALE", "de", "Use one of: tr, en"),
        ("WVH_COOKIE_KEYS", "short", "shorter than 16"),
        ("WVH_SESSION_MAX_AGE", "10", "at least 60"),
        ("WVH_PENDING_STALE_SECONDS", "12", "at least WVH_MINTED_TIMEOUT + 5"),
        ("WVH_MINTED_COMPLETE_PATH", "complete", "starting with '/'"),
    ],
)
def test_malformed_values_are_named(name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({**REAL, name: value})
    assert name in str(caught.value)
    assert message in str(caught.value)


def test_secrets_never_show_in_repr() -> None:
    text = repr(Settings.from_env(REAL))
    assert "s3cret-password" not in text
    assert "a" * 32 not in text
    assert "partner-key-0123456789" not in text
