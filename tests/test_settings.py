"""Settings: sandbox mode only when asked for, production refusals, errors naming the variable."""

from __future__ import annotations

import secrets

import pytest

from webview_host.policy import key_problem
from webview_host.settings import Secret, Settings, SettingsError

COOKIE_KEY_1 = "Vx0rK3qf9Lr7yBz2N4cT8wPa6mJ1sHd5uGe0kQiWoYn"
COOKIE_KEY_2 = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9f"
PARTNER_KEY = "pk_Jt7Hw2Lm9Qx4Rb6Nc1Vz8Kd3Fs5Gy0Ua2Ee7Oi4P"
HOOK_OLD = "whk_Qm3Ls8Vb1Nx6Rt0Yp4Cz9Jd2Fh7Ga5Ke1Uw3Io8Sn"
HOOK_NEW = "whk_Zp6Tq1Hv8Lb3Nm0Rx5Cs2Dj9Fk4Gw7Ye1Ua6Io3Pt"
SANDBOX = {"WVH_SANDBOX": "1"}
REAL = {
    "WVH_MINTED_BASE_URL": "https://api.staging.mintedconnect.com",
    "WVH_MINTED_USERNAME": "partner",
    "WVH_MINTED_PASSWORD": "s3cret-password",
    "WVH_WEBVIEW_URL_TEMPLATE": "https://webview.example.com/?token={token}",
    "WVH_COOKIE_KEYS": f"{COOKIE_KEY_1},{COOKIE_KEY_2}",
    "WVH_PARTNER_KEYS": PARTNER_KEY,
    "WVH_PUBLIC_URL": "https://shop.partner.example",
}


def refusal(**changes: str | None) -> str:
    """The start-up error for the production configuration with these changes."""
    env = {**REAL, **{k: v for k, v in changes.items() if v is not None}}
    for name in (k for k, v in changes.items() if v is None):
        env.pop(name, None)
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(env)
    return str(caught.value)


def test_sandbox_mode_is_an_explicit_opt_in_with_dev_defaults() -> None:
    settings = Settings.from_env({"WVH_SANDBOX": "1"})
    assert settings.sandbox_mode
    assert settings.minted_base_url == "http://127.0.0.1:8001"
    assert settings.webview_url("T", "en") == "http://127.0.0.1:8001/webview/?token=T&lang=en"
    assert settings.webview_origin == "http://127.0.0.1:8001"
    assert settings.partner_keys == (Secret("dev-partner-key"),)
    assert not settings.secure_cookies
    assert settings.database_url.startswith("sqlite:///")


def test_an_empty_environment_is_refused_not_taken_for_sandbox_mode() -> None:
    """Finding 1: an unset WVH_MINTED_BASE_URL used to mean sandbox mode with published keys."""
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({})
    assert "'WVH_MINTED_BASE_URL' is missing" in str(caught.value)
    assert "WVH_SANDBOX=1" in str(caught.value)
    with pytest.raises(SettingsError):
        Settings.from_env({"WVH_SANDBOX": "0"})


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
        "WVH_PUBLIC_URL",
    ],
)
def test_required_outside_sandbox_mode(missing: str) -> None:
    assert f"'{missing}' is missing" in refusal(**{missing: None})


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("WVH_PUBLIC_URL", "http://127.0.0.1:8000", "'WVH_PUBLIC_URL' has value"),
        ("WVH_MINTED_BASE_URL", "http://api.minted.example", "'WVH_MINTED_BASE_URL' has value"),
        ("WVH_WEBVIEW_URL_TEMPLATE", "http://w.example/?t={token}", "'WVH_WEBVIEW_URL_TEMPLATE'"),
        ("WVH_PARTNER_ORIGINS", "https://ok.example,http://bank.example", "'WVH_PARTNER_ORIGINS'"),
        ("WVH_COOKIE_KEYS", "dev-cookie-key-not-for-production", "published development value"),
        ("WVH_COOKIE_KEYS", "a" * 16, "fewer than the 64 of 32 random bytes"),
        ("WVH_COOKIE_KEYS", "a" * 64, "too few characters"),
        ("WVH_COOKIE_KEYS", f"{COOKIE_KEY_1},{'ab' * 40}", "key 2 repeats too few"),
        ("WVH_PARTNER_KEYS", "dev-partner-key", "published development value"),
        ("WVH_PARTNER_KEYS", "partner-key-0123456789", "fewer than the 43 of 32 random bytes"),
        ("WVH_PARTNER_KEYS", COOKIE_KEY_1, "share a key"),
        ("WVH_MINTED_PASSWORD", "sandbox-password", "published password"),
    ],
)
def test_production_refuses_weak_and_published_values(name: str, value: str, message: str) -> None:
    text = refusal(**{name: value})
    assert message in text
    assert name in text


def test_every_refusal_is_one_sentence_reported_together() -> None:
    text = refusal(
        WVH_PUBLIC_URL="http://shop.example",
        WVH_COOKIE_KEYS="dev-cookie-key-not-for-production",
        WVH_PARTNER_KEYS="twelve-chars",
    )
    lines = text.splitlines()
    assert len(lines) == 3
    assert [line.split("'")[1] for line in lines] == [
        "WVH_PUBLIC_URL",
        "WVH_COOKIE_KEYS",
        "WVH_PARTNER_KEYS",
    ]
    assert "dev-cookie-key" not in text, "a key is never echoed"


def test_sandbox_mode_accepts_the_development_values() -> None:
    settings = Settings.from_env({"WVH_SANDBOX": "1", "WVH_PARTNER_KEYS": "dev-partner-key"})
    assert settings.partner_keys == (Secret("dev-partner-key"),)


@pytest.mark.parametrize(
    "scheme", ["javascript", "data", "http", "https", "vbscript", "file", "intent", "1app", "a b"]
)
def test_return_schemes_that_are_not_an_apps_own_are_refused(scheme: str) -> None:
    for env in (REAL, {"WVH_SANDBOX": "1"}):
        with pytest.raises(SettingsError, match="'WVH_RETURN_URL_SCHEMES'"):
            Settings.from_env({**env, "WVH_RETURN_URL_SCHEMES": f"bankapp,{scheme}"})


def test_generated_keys_pass_the_strength_check() -> None:
    for _ in range(200):
        assert key_problem(secrets.token_urlsafe(32)) is None
        assert key_problem(secrets.token_hex(32)) is None
    assert key_problem(secrets.token_hex(24)) is not None, "48 hex characters are 24 bytes"


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
    assert COOKIE_KEY_1 not in text
    assert PARTNER_KEY not in text


def test_webhooks_are_off_until_a_url_is_set() -> None:
    settings = Settings.from_env(SANDBOX)
    assert settings.webhook_url is None
    assert settings.webhook_secrets == ()
    on = Settings.from_env({**SANDBOX, "WVH_WEBHOOK_URL": "http://127.0.0.1:9100/"})
    assert on.webhook_secrets == (Secret("dev-webhook-secret"),), "sandbox: a documented default"
    assert (on.webhook_backoff_initial, on.webhook_backoff_max) == (60, 12 * 3600)
    assert on.webhook_give_up_after == 3 * 24 * 3600
    assert on.webhook_timeout == 10


def test_webhook_secrets_rotate_newest_last_and_are_required_outside_sandbox_mode() -> None:
    env = {**REAL, "WVH_WEBHOOK_URL": "https://partner.example/hook"}
    with pytest.raises(SettingsError, match="'WVH_WEBHOOK_SECRETS' is missing"):
        Settings.from_env(env)
    rotating = Settings.from_env({**env, "WVH_WEBHOOK_SECRETS": f"{HOOK_OLD},{HOOK_NEW}"})
    assert rotating.webhook_secrets == (Secret(HOOK_OLD), Secret(HOOK_NEW))
    assert HOOK_OLD not in repr(rotating)


def test_metrics_and_logs_defaults() -> None:
    sandbox = Settings.from_env(SANDBOX)
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
    env.setdefault("WVH_WEBHOOK_SECRETS", HOOK_NEW)
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({**env, name: value})
    assert name in str(caught.value)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("secrets_value", "message"),
    [
        ("dev-webhook-secret", "published development value"),
        ("s" * 16, "fewer than the 43"),
        (COOKIE_KEY_1, "share a key"),
    ],
)
def test_production_refuses_weak_webhook_secrets(secrets_value: str, message: str) -> None:
    text = refusal(
        WVH_WEBHOOK_URL="https://partner.example/hook", WVH_WEBHOOK_SECRETS=secrets_value
    )
    assert "WVH_WEBHOOK_SECRETS" in text
    assert message in text
    assert "WVH_WEBHOOK_URL" in refusal(
        WVH_WEBHOOK_URL="http://partner.example/hook", WVH_WEBHOOK_SECRETS=HOOK_NEW
    )


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


def test_the_expiry_warning_defaults_to_at_most_half_the_session() -> None:
    """README: `120` (at most half the session), so a short session is not warned at once."""
    assert Settings.from_env({**REAL, "WVH_SESSION_MAX_AGE": "241"}).session_expiry_warning == 120
    assert Settings.from_env({**REAL, "WVH_SESSION_MAX_AGE": "100"}).session_expiry_warning == 50


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
