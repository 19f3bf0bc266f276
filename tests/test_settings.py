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


def test_webhooks_are_off_until_a_url_is_set() -> None:
    settings = Settings.from_env({})
    assert settings.webhook_url is None
    assert settings.webhook_secrets == ()
    on = Settings.from_env({"WVH_WEBHOOK_URL": "http://127.0.0.1:9100/"})
    assert on.webhook_secrets == (Secret("dev-webhook-secret"),), "sandbox: a documented default"
    assert (on.webhook_backoff_initial, on.webhook_backoff_max) == (60, 12 * 3600)
    assert on.webhook_give_up_after == 3 * 24 * 3600
    assert on.webhook_timeout == 10


def test_webhook_secrets_rotate_newest_last_and_are_required_outside_sandbox_mode() -> None:
    env = {**REAL, "WVH_WEBHOOK_URL": "https://partner.example/hook"}
    with pytest.raises(SettingsError, match="'WVH_WEBHOOK_SECRETS' is missing"):
        Settings.from_env(env)
    rotating = Settings.from_env({**env, "WVH_WEBHOOK_SECRETS": "o" * 16 + ",n" + "n" * 15})
    assert rotating.webhook_secrets == (Secret("o" * 16), Secret("n" * 16))
    assert "o" * 16 not in repr(rotating)


def test_metrics_and_logs_defaults() -> None:
    sandbox = Settings.from_env({})
    assert (sandbox.metrics, sandbox.log_format) == ("open", "text")
    production = Settings.from_env(REAL)
    assert production.metrics == "off", "never exposed outside sandbox mode unless asked"
    guarded = Settings.from_env(
        {**REAL, "WVH_METRICS": "token", "WVH_METRICS_TOKEN": "t" * 20, "WVH_LOG_FORMAT": "JSON"}
    )
    assert (guarded.metrics, guarded.log_format) == ("token", "json")
    assert guarded.metrics_token == Secret("t" * 20)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("WVH_WEBHOOK_URL", "ftp://x", "absolute http"),
        ("WVH_WEBHOOK_SECRETS", "short", "shorter than 16"),
        ("WVH_WEBHOOK_TIMEOUT", "0", "must be positive"),
        ("WVH_WEBHOOK_BACKOFF_INITIAL", "0", "at least 1"),
        ("WVH_WEBHOOK_BACKOFF_MAX", "30", "at least 60"),
        ("WVH_WEBHOOK_GIVE_UP_AFTER", "10", "at least 60"),
        ("WVH_WEBHOOK_POLL_INTERVAL", "-1", "at least 0"),
        ("WVH_OUTBOX_STUCK_SECONDS", "1", "at least 10"),
        ("WVH_LOG_FORMAT", "xml", "Use one of: text, json"),
        ("WVH_METRICS", "public", "Use one of: open, token, off"),
        ("WVH_METRICS", "token", "WVH_METRICS_TOKEN"),
        ("WVH_MINTED_PRICES_PATH", "prices", "starting with '/'"),
    ],
)
def test_malformed_backend_values_are_named(name: str, value: str, message: str) -> None:
    env = {**REAL, "WVH_WEBHOOK_URL": "https://partner.example/hook"}
    env.setdefault("WVH_WEBHOOK_SECRETS", "s" * 16)
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({**env, name: value})
    assert name in str(caught.value)
    assert message in str(caught.value)


# --- partner apps: bridge names, schemes, the Minted iframe's sandbox and allow lists -------


def test_partner_app_defaults_are_safe() -> None:
    settings = Settings.from_env(REAL)
    assert settings.bridge_ios_handler == "webviewHost"
    assert settings.bridge_android_interface == "WebviewHostAndroid"
    assert settings.bridge_url_scheme is None, "the URL-scheme channel is opt-in"
    assert settings.iframe_sandbox == "allow-scripts allow-same-origin allow-forms"
    assert settings.iframe_allow == "", "no feature is delegated to the webview by default"
    assert settings.session_expiry_warning == 120
    assert settings.result_token_max_age == 900


def test_partner_app_values_are_normalised() -> None:
    settings = Settings.from_env(
        {
            **REAL,
            "WVH_BRIDGE_IOS_HANDLER": "bankBridge",
            "WVH_BRIDGE_ANDROID_INTERFACE": "$Bank_Bridge2",
            "WVH_BRIDGE_URL_SCHEME": "BankApp-Events://",
            "WVH_RETURN_URL_SCHEMES": "BankApp, bank.app+v2",
            "WVH_IFRAME_SANDBOX": "allow-scripts  ALLOW-FORMS allow-scripts allow-popups",
            "WVH_IFRAME_ALLOW": "payment 'src' ; clipboard-write https://webview.example.com;",
            "WVH_SESSION_MAX_AGE": "600",
        }
    )
    assert settings.bridge_ios_handler == "bankBridge"
    assert settings.bridge_android_interface == "$Bank_Bridge2"
    assert settings.bridge_url_scheme == "bankapp-events"
    assert settings.return_url_schemes == ("bankapp", "bank.app+v2")
    assert settings.iframe_sandbox == "allow-scripts allow-forms allow-popups"
    assert settings.iframe_allow == "payment 'src'; clipboard-write https://webview.example.com"
    assert settings.session_expiry_warning == 120


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("WVH_BRIDGE_IOS_HANDLER", "1handler", "JavaScript identifier"),
        ("WVH_BRIDGE_IOS_HANDLER", "my-handler", "JavaScript identifier"),
        ("WVH_BRIDGE_IOS_HANDLER", "class", "JavaScript identifier"),
        ("WVH_BRIDGE_IOS_HANDLER", "webkit", "would shadow a window property"),
        ("WVH_BRIDGE_ANDROID_INTERFACE", "ReactNativeWebView", "would shadow a window property"),
        ("WVH_BRIDGE_ANDROID_INTERFACE", "WebviewHost", "would shadow a window property"),
        ("WVH_BRIDGE_ANDROID_INTERFACE", "a" * 65, "JavaScript identifier"),
        ("WVH_BRIDGE_URL_SCHEME", "https", "not an app's own scheme"),
        ("WVH_BRIDGE_URL_SCHEME", "javascript:", "not an app's own scheme"),
        ("WVH_BRIDGE_URL_SCHEME", "bank app", "must be a URL scheme"),
        ("WVH_BRIDGE_URL_SCHEME", "9bank", "must be a URL scheme"),
        ("WVH_RETURN_URL_SCHEMES", "bankapp,javascript", "not an app's own scheme"),
        ("WVH_RETURN_URL_SCHEMES", "data", "not an app's own scheme"),
        ("WVH_IFRAME_SANDBOX", "allow-scripts allow-scirpts", "not an iframe sandbox token"),
        ("WVH_IFRAME_SANDBOX", "allow-scripts allow-top-navigation", "is refused"),
        ("WVH_IFRAME_SANDBOX", "allow-forms allow-same-origin", "must contain allow-scripts"),
        ("WVH_IFRAME_ALLOW", "camera *", "delegates the feature to any page"),
        ("WVH_IFRAME_ALLOW", "payment https://pay.example/path", "neither 'self'"),
        ("WVH_IFRAME_ALLOW", "payment self", "neither 'self'"),
        ("WVH_IFRAME_ALLOW", "Payment!", "not a Permissions Policy feature"),
        ("WVH_SESSION_EXPIRY_WARNING", "3600", "between 1 and 3599"),
        ("WVH_SESSION_EXPIRY_WARNING", "0", "between 1 and 3599"),
        ("WVH_RESULT_TOKEN_MAX_AGE", "10", "at least 60"),
    ],
)
def test_malformed_partner_app_values_are_named(name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({**REAL, name: value})
    assert name in str(caught.value)
    assert message in str(caught.value)


def test_sandbox_may_not_be_escapable_when_the_webview_shares_the_hosts_origin() -> None:
    same_origin = {**REAL, "WVH_WEBVIEW_URL_TEMPLATE": "https://shop.partner.example/w?t={token}"}
    with pytest.raises(SettingsError, match="could remove its own sandbox"):
        Settings.from_env(same_origin)
    settings = Settings.from_env({**same_origin, "WVH_IFRAME_SANDBOX": "allow-scripts"})
    assert settings.iframe_sandbox == "allow-scripts"
