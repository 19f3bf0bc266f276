"""Every knob of the host, read once from `WVH_*` variables (the sandbox has its own).

`Settings.from_env(os.environ)` is called by the entry points only; tests build
settings from a plain dict. A missing or malformed value raises `SettingsError`
with a sentence that names the variable and says what to do.

Sandbox mode is an explicit opt-in, `WVH_SANDBOX=1`: the bundled sandbox and
documented development defaults. Outside it, `policy.py` refuses http URLs and
weak or published keys, every refusal reported together, one sentence each.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from typing import Literal, cast, get_args
from urllib.parse import urlsplit

from . import embedding, policy
from .environment import PREFIX, EnvReader, Secret, SettingsError, origin_of
from .policy import (
    SANDBOX_COOKIE_KEY,
    SANDBOX_PARTNER_KEY,
    SANDBOX_PASSWORD,
    SANDBOX_USERNAME,
    SANDBOX_WEBHOOK_SECRET,
)
from .throttle import limit_settings
from .types import LOCALES, Locale, is_locale

# The reading machinery is re-exported: callers import everything settings from here.
__all__ = ["PREFIX", "EnvReader", "Secret", "Settings", "SettingsError", "origin_of"]

LogFormat = Literal["text", "json"]
MetricsAccess = Literal["open", "token", "off"]


@dataclasses.dataclass(frozen=True)
class Settings:
    """The whole configuration; see the README's table for each field's variable."""

    sandbox_mode: bool
    minted_base_url: str
    minted_username: str
    minted_password: Secret
    minted_client_id: str
    minted_api_version: str
    minted_timeout: float
    minted_read_retries: int
    create_token_path: str
    complete_path: str
    webview_url_template: str
    default_locale: Locale
    cookie_keys: tuple[Secret, ...]
    session_max_age: int
    launch_ttl: int
    database_url: str
    partner_keys: tuple[Secret, ...]
    partner_origins: tuple[str, ...]
    return_url_schemes: tuple[str, ...]
    public_url: str
    host_port: int
    sandbox_port: int
    iframe_watchdog_seconds: int
    pending_stale_seconds: int
    reconcile_interval: int
    launch_max_body: int
    log_level: str
    # Partner backends: webhooks, metrics, logs (issue 8).
    minted_prices_path: str
    webhook_url: str | None
    webhook_secrets: tuple[Secret, ...]
    webhook_timeout: float
    webhook_backoff_initial: int
    webhook_backoff_max: int
    webhook_give_up_after: int
    webhook_poll_interval: float
    outbox_stuck_seconds: int
    log_format: LogFormat
    metrics: MetricsAccess
    metrics_token: Secret | None
    # Abuse limits (throttle.py): rules such as "30/minute", shared through Redis when set.
    redis_url: Secret | None  # may carry a password
    redis_key_prefix: str
    limit_partner: str
    limit_partner_failures: str
    limit_launch: str
    limit_basket: str
    limit_confirm: str
    body_timeout: float
    minted_max_connections: int = 100
    minted_keepalive_seconds: float = 5.0
    # Partner apps: the bridge, the Minted iframe's policy, the return_url result.
    bridge_ios_handler: str = "webviewHost"
    bridge_android_interface: str = "WebviewHostAndroid"
    bridge_url_scheme: str | None = None
    session_expiry_warning: int = 120
    iframe_sandbox: str = embedding.DEFAULT_IFRAME_SANDBOX
    iframe_allow: str = embedding.DEFAULT_IFRAME_ALLOW
    result_token_max_age: int = 900

    @property
    def webview_origin(self) -> str:
        return origin_of(self.webview_url("t"))

    @property
    def public_origin(self) -> str:
        return origin_of(self.public_url)

    @property
    def secure_cookies(self) -> bool:
        """Secure + `__Host-` everywhere except plain http (localhost development)."""
        return urlsplit(self.public_url).scheme == "https"

    def webview_url(self, token: str, locale: Locale = "tr") -> str:
        return self.webview_url_template.replace("{token}", token).replace("{locale}", locale)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        env = EnvReader(environ)
        host_port = env.integer("HOST_PORT", 8000, minimum=1, maximum=65535)
        sandbox_port = env.integer("SANDBOX_PORT", 8001, minimum=1, maximum=65535)
        sandbox_mode = env.boolean("SANDBOX", False)
        sandbox_url = f"http://127.0.0.1:{sandbox_port}"
        base_url = env.text("MINTED_BASE_URL", sandbox_url if sandbox_mode else "")
        if not base_url:
            raise SettingsError(
                f"Config '{PREFIX}MINTED_BASE_URL' is missing. Set it to Minted's API URL, or "
                f"set '{PREFIX}SANDBOX=1' to develop against the bundled Minted sandbox."
            )
        env.check_url("MINTED_BASE_URL", base_url)

        def dev_default(value: str) -> str | None:
            return value if sandbox_mode else None

        username = env.required("MINTED_USERNAME", dev_default(SANDBOX_USERNAME))
        password = env.required("MINTED_PASSWORD", dev_default(SANDBOX_PASSWORD))
        template = env.required(
            "WEBVIEW_URL_TEMPLATE",
            dev_default(f"{sandbox_url}/webview/?token={{token}}&lang={{locale}}"),
        )
        if "{token}" not in template:
            raise SettingsError(
                f"Config 'WVH_WEBVIEW_URL_TEMPLATE' has value {template!r}, which has no "
                "'{token}' placeholder. Put '{token}' where the Minted token goes."
            )
        env.check_url("WEBVIEW_URL_TEMPLATE", template.replace("{token}", "t"))
        cookie_keys = env.secret_list("COOKIE_KEYS", dev_default(SANDBOX_COOKIE_KEY), min_length=16)
        partner_keys = env.secret_list(
            "PARTNER_KEYS", dev_default(SANDBOX_PARTNER_KEY), min_length=12
        )
        public_url = env.required(
            "PUBLIC_URL", dev_default(f"http://127.0.0.1:{host_port}")
        ).rstrip("/")
        env.check_url("PUBLIC_URL", public_url)
        origins = env.text_list("PARTNER_ORIGINS", "")
        for origin in origins:
            env.check_url("PARTNER_ORIGINS", origin)
        locale = env.text("DEFAULT_LOCALE", "tr")
        if not is_locale(locale):
            raise SettingsError(
                f"Config 'WVH_DEFAULT_LOCALE' has value {locale!r}. "
                f"Use one of: {', '.join(LOCALES)}."
            )
        timeout = env.decimal("MINTED_TIMEOUT", "10")
        stale = env.integer("PENDING_STALE_SECONDS", math.ceil(timeout * 3) + 5, minimum=1)
        if stale < timeout + 5:
            raise SettingsError(
                f"Config '{PREFIX}PENDING_STALE_SECONDS' has value {stale}. It must be at least "
                f"{PREFIX}MINTED_TIMEOUT + 5 ({timeout + 5}) so that a Complete still in flight "
                "is never taken for one whose process died."
            )
        webhook_url = env.text("WEBHOOK_URL", "") or None
        if webhook_url is not None:
            env.check_url("WEBHOOK_URL", webhook_url)
        webhook_secrets = (
            env.secret_list("WEBHOOK_SECRETS", dev_default(SANDBOX_WEBHOOK_SECRET), min_length=16)
            if webhook_url is not None
            else ()
        )
        backoff_initial = env.integer("WEBHOOK_BACKOFF_INITIAL", 60, minimum=1)
        # `choice` accepted only the Literal's own values, so the casts cannot lie.
        log_format = cast(LogFormat, env.choice("LOG_FORMAT", "text", get_args(LogFormat)))
        metrics = cast(
            MetricsAccess,
            env.choice("METRICS", "open" if sandbox_mode else "off", get_args(MetricsAccess)),
        )
        metrics_token = env.text("METRICS_TOKEN", "")
        if metrics == "token" and len(metrics_token) < 16:
            raise SettingsError(
                f"Config '{PREFIX}METRICS' is 'token' but '{PREFIX}METRICS_TOKEN' is missing or "
                "shorter than 16 characters. Set a long random token for the scraper to send."
            )
        session_max_age = env.integer("SESSION_MAX_AGE", 3600, minimum=60)  # bounds the warning
        schemes = tuple(
            _checked("RETURN_URL_SCHEMES", scheme, embedding.app_scheme)
            for scheme in env.text_list("RETURN_URL_SCHEMES", "")
        )
        url_scheme = env.text("BRIDGE_URL_SCHEME", "")
        same_origin = origin_of(template.replace("{token}", "t")) == origin_of(public_url)
        if not sandbox_mode:
            refusals = policy.refusals(
                public_url=public_url,
                minted_base_url=base_url,
                webview_url=template,
                partner_origins=origins,
                minted_password=Secret(password),
                cookie_keys=cookie_keys,
                partner_keys=partner_keys,
                webhook_url=webhook_url,
                webhook_secrets=webhook_secrets,
            )
            if refusals:
                raise SettingsError("\n".join(refusals))
        return cls(
            sandbox_mode=sandbox_mode,
            minted_base_url=base_url.rstrip("/"),
            minted_username=username,
            minted_password=Secret(password),
            minted_client_id=env.text("MINTED_CLIENT_ID", "web"),
            minted_api_version=env.text("MINTED_API_VERSION", "3"),
            minted_timeout=float(timeout),
            minted_read_retries=env.integer("MINTED_READ_RETRIES", 2, minimum=0, maximum=10),
            create_token_path=env.path("MINTED_CREATE_TOKEN_PATH", "/partner/ecom/token"),
            complete_path=env.path("MINTED_COMPLETE_PATH", "/partner/ecom/complete"),
            webview_url_template=template,
            default_locale=locale,
            cookie_keys=cookie_keys,
            session_max_age=session_max_age,
            launch_ttl=env.integer("LAUNCH_TTL", 60, minimum=5, maximum=3600),
            database_url=env.text("DATABASE_URL", "sqlite:///data/webview-host.sqlite3"),
            partner_keys=partner_keys,
            partner_origins=tuple(origin_of(o) for o in origins),
            return_url_schemes=schemes,
            public_url=public_url,
            host_port=host_port,
            sandbox_port=sandbox_port,
            iframe_watchdog_seconds=env.integer("IFRAME_WATCHDOG_SECONDS", 15, minimum=1),
            pending_stale_seconds=stale,
            reconcile_interval=env.integer("RECONCILE_INTERVAL", 30, minimum=0, maximum=3600),
            launch_max_body=env.integer("LAUNCH_MAX_BODY", 16384, minimum=1024),
            log_level=env.text("LOG_LEVEL", "INFO").upper(),
            minted_prices_path=env.path("MINTED_PRICES_PATH", "/partner/prices"),
            webhook_url=webhook_url,
            webhook_secrets=webhook_secrets,
            webhook_timeout=float(env.decimal("WEBHOOK_TIMEOUT", "10")),
            webhook_backoff_initial=backoff_initial,
            webhook_backoff_max=env.integer(
                "WEBHOOK_BACKOFF_MAX", 12 * 3600, minimum=backoff_initial
            ),
            webhook_give_up_after=env.integer("WEBHOOK_GIVE_UP_AFTER", 3 * 24 * 3600, minimum=60),
            webhook_poll_interval=float(env.integer("WEBHOOK_POLL_INTERVAL", 2, minimum=0)),
            outbox_stuck_seconds=env.integer("OUTBOX_STUCK_SECONDS", 300, minimum=10),
            log_format=log_format,
            metrics=metrics,
            metrics_token=Secret(metrics_token) if metrics_token else None,
            minted_max_connections=env.integer("MINTED_MAX_CONNECTIONS", 100, minimum=1),
            minted_keepalive_seconds=float(env.decimal("MINTED_KEEPALIVE_SECONDS", "5")),
            **limit_settings(env),  # WVH_REDIS_*, WVH_LIMIT_*, WVH_BODY_TIMEOUT
            bridge_ios_handler=_checked(
                "BRIDGE_IOS_HANDLER",
                env.text("BRIDGE_IOS_HANDLER", "webviewHost"),
                embedding.js_identifier,
            ),
            bridge_android_interface=_checked(
                "BRIDGE_ANDROID_INTERFACE",
                env.text("BRIDGE_ANDROID_INTERFACE", "WebviewHostAndroid"),
                embedding.js_identifier,
            ),
            bridge_url_scheme=_checked("BRIDGE_URL_SCHEME", url_scheme, embedding.app_scheme)
            if url_scheme
            else None,
            session_expiry_warning=env.integer(
                "SESSION_EXPIRY_WARNING",
                min(120, session_max_age // 2),
                minimum=1,
                maximum=session_max_age - 1,
            ),
            iframe_sandbox=_checked(
                "IFRAME_SANDBOX",
                env.text("IFRAME_SANDBOX", embedding.DEFAULT_IFRAME_SANDBOX),
                lambda value: embedding.iframe_sandbox(value, same_origin_as_host=same_origin),
            ),
            iframe_allow=_checked(
                "IFRAME_ALLOW",
                env.text("IFRAME_ALLOW", embedding.DEFAULT_IFRAME_ALLOW),
                embedding.iframe_allow,
            ),
            result_token_max_age=env.integer("RESULT_TOKEN_MAX_AGE", 900, minimum=60),
        )


def _checked(name: str, value: str, check: Callable[[str], str]) -> str:
    """`check(value)`, its `ValueError` turned into a sentence naming the variable."""
    try:
        return check(value)
    except ValueError as exc:
        raise SettingsError(f"Config '{PREFIX}{name}' has value {value!r}. {exc}") from None
