"""What the Minted sandbox process needs, read once from `WVH_*` variables.

The sandbox never reads the host's `Settings`: it is a separate process with
its own knobs. It shares variable names with the host where both mean the
same thing (`WVH_MINTED_USERNAME` is the Digest user the host sends and the
sandbox expects), so one environment configures both for `make run`.

`SandboxSettings.from_env(os.environ)` is called by the entry point only; tests
build settings from a plain dict. The process refuses to start unless
`WVH_SANDBOX=1`: a stand-in for Minted with published credentials must never
be started by accident next to a production host.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from ..environment import PREFIX, EnvReader, Secret, SettingsError, origin_of

# The documented development credentials (README): the sandbox is never production.
USERNAME = "sandbox-partner"
PASSWORD = "sandbox-password"  # noqa: S105 - a documented development default
CONTROL_TOKEN_MIN_LENGTH = 16


@dataclasses.dataclass(frozen=True)
class SandboxSettings:
    """The sandbox's configuration; the README's table names each field's variable."""

    port: int
    username: str
    password: Secret
    public_origin: str  # the host's origin: the only target of the webview's postMessage
    partner_origins: tuple[str, ...]  # may frame the host, hence the webview (frame-ancestors)
    pricefix_seconds: int
    pricefix_refresh_seconds: int
    token_ttl: int
    faults: bool  # the `/_sandbox/*` control API exists only when true
    control_token: Secret | None  # when set, `/_sandbox/*` demands `Authorization: Bearer`
    hook_url: str | None  # where Get Order's `push_hook` POSTs the order, if anywhere
    hook_timeout: float
    log_level: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> SandboxSettings:
        """Read and check every variable; a bad one raises `SettingsError` naming it."""
        env = EnvReader(environ)
        if not env.boolean("SANDBOX", False):
            raise SettingsError(
                f"The Minted sandbox starts only with '{PREFIX}SANDBOX=1', because it is a "
                "development stand-in for Minted with published credentials."
            )
        host_port = env.integer("HOST_PORT", 8000, minimum=1, maximum=65535)
        public_url = env.text("PUBLIC_URL", f"http://127.0.0.1:{host_port}").rstrip("/")
        env.check_url("PUBLIC_URL", public_url)
        origins = env.text_list("PARTNER_ORIGINS", "")
        for origin in origins:
            env.check_url("PARTNER_ORIGINS", origin)
        control_token = env.text("SANDBOX_CONTROL_TOKEN", "")
        if control_token and len(control_token) < CONTROL_TOKEN_MIN_LENGTH:
            raise SettingsError(
                f"Config '{PREFIX}SANDBOX_CONTROL_TOKEN' is shorter than "
                f"{CONTROL_TOKEN_MIN_LENGTH} characters. Use a long random value (e.g. "
                "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`)."
            )
        hook_url = env.text("SANDBOX_HOOK_URL", "")
        if hook_url:
            env.check_url("SANDBOX_HOOK_URL", hook_url)
        return cls(
            port=env.integer("SANDBOX_PORT", 8001, minimum=1, maximum=65535),
            username=env.text("MINTED_USERNAME", USERNAME),
            password=Secret(env.text("MINTED_PASSWORD", PASSWORD)),
            public_origin=origin_of(public_url),
            partner_origins=tuple(origin_of(o) for o in origins),
            pricefix_seconds=env.integer("SANDBOX_PRICEFIX_SECONDS", 240, minimum=1),
            pricefix_refresh_seconds=env.integer("SANDBOX_PRICEFIX_REFRESH_SECONDS", 5, minimum=0),
            token_ttl=env.integer("SANDBOX_TOKEN_TTL", 3600, minimum=1),
            faults=env.boolean("SANDBOX_FAULTS", True),
            control_token=Secret(control_token) if control_token else None,
            hook_url=hook_url or None,
            hook_timeout=float(env.decimal("SANDBOX_HOOK_TIMEOUT", "2")),
            log_level=env.text("LOG_LEVEL", "INFO").upper(),
        )
