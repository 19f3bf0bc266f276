"""Reading `WVH_*` variables: typed values, secrets that hide themselves, one error sentence each.

The host's `Settings` and the sandbox's settings both read through `EnvReader`;
a missing or malformed value raises `SettingsError` naming the variable and
saying what to do.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

PREFIX = "WVH_"


class SettingsError(ValueError):
    """A `WVH_*` variable is missing or malformed; the message names it."""


class Secret:
    """A string that never shows itself in `repr` or `str`, so it cannot leak into logs."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def reveal(self) -> str:
        return self._value


def origin_of(url: str) -> str:
    """`scheme://host[:port]` of a URL, the form browsers compare origins in."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class EnvReader:
    """Typed access to `WVH_*` variables, with the error sentences in one place (the
    sandbox's settings use it too)."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ

    def _raw(self, name: str) -> str | None:
        value = self._environ.get(PREFIX + name)
        return None if value is None or value.strip() == "" else value.strip()

    def text(self, name: str, default: str) -> str:
        value = self._raw(name)
        return default if value is None else value

    def required(self, name: str, default: str | None) -> str:
        value = self._raw(name)
        if value is not None:
            return value
        if default is None:
            raise SettingsError(
                f"Config '{PREFIX}{name}' is missing. It is required outside sandbox mode "
                f"(without '{PREFIX}SANDBOX=1')."
            )
        return default

    def integer(
        self, name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
    ) -> int:
        raw = self._raw(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise SettingsError(
                f"Config '{PREFIX}{name}' has value {raw!r}. Not a valid integer."
            ) from None
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            bounds = _bounds(minimum, maximum)
            raise SettingsError(f"Config '{PREFIX}{name}' has value {value}. It must be {bounds}.")
        return value

    def decimal(self, name: str, default: str) -> Decimal:
        raw = self._raw(name) or default
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise SettingsError(
                f"Config '{PREFIX}{name}' has value {raw!r}. Not a valid number."
            ) from None
        if not value.is_finite() or value <= 0:
            raise SettingsError(f"Config '{PREFIX}{name}' has value {raw!r}. It must be positive.")
        return value

    def boolean(self, name: str, default: bool) -> bool:
        raw = self._raw(name)
        if raw is None:
            return default
        mapping = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
        if raw.lower() not in mapping:
            raise SettingsError(f"Config '{PREFIX}{name}' has value {raw!r}. Not a valid bool.")
        return mapping[raw.lower()]

    def choice(self, name: str, default: str, allowed: tuple[str, ...]) -> str:
        value = self.text(name, default).lower()
        if value not in allowed:
            raise SettingsError(
                f"Config '{PREFIX}{name}' has value {value!r}. Use one of: {', '.join(allowed)}."
            )
        return value

    def text_list(self, name: str, default: str) -> tuple[str, ...]:
        raw = self.text(name, default)
        return tuple(item.strip() for item in raw.split(",") if item.strip())

    def secret_list(self, name: str, default: str | None, *, min_length: int) -> tuple[Secret, ...]:
        items = self.text_list(name, self.required(name, default))
        for item in items:
            if len(item) < min_length:
                raise SettingsError(
                    f"Config '{PREFIX}{name}' has a value shorter than {min_length} characters. "
                    "Use long random values (e.g. `python -c 'import secrets; "
                    "print(secrets.token_urlsafe(32))'`)."
                )
        return tuple(Secret(item) for item in items)

    def path(self, name: str, default: str) -> str:
        value = self.text(name, default)
        if not value.startswith("/"):
            raise SettingsError(
                f"Config '{PREFIX}{name}' has value {value!r}. It must be a path starting with '/'."
            )
        return value

    def check_url(self, name: str, value: str) -> None:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SettingsError(
                f"Config '{PREFIX}{name}' has value {value!r}. "
                "It must be an absolute http(s) URL such as https://example.com."
            )


def _bounds(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f"between {minimum} and {maximum}"
    return f"at least {minimum}" if minimum is not None else f"at most {maximum}"
