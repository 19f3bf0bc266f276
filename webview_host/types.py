"""Small types every layer shares, one floor below all of them (no imports from the package).

`Locale` is the set of languages the shell speaks; `ISTANBUL` is Minted's home
time zone, used to read Minted's dates that carry no offset.
"""

from __future__ import annotations

from typing import Final, Literal, TypeGuard, get_args
from zoneinfo import ZoneInfo

Locale = Literal["tr", "en"]
LOCALES: Final[tuple[Locale, ...]] = get_args(Locale)

ISTANBUL: Final = ZoneInfo("Europe/Istanbul")


def is_locale(value: object) -> TypeGuard[Locale]:
    """True for one of `LOCALES` (narrows the type for mypy)."""
    return value in LOCALES
