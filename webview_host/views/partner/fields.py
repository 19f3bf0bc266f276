"""Field types for partner request bodies whose JSON Schema states exactly what they accept.

The OpenAPI document is generated from the same models that validate, so a
rule lives in the schema (a pattern, a length, a format) rather than in a
Python check the document cannot show. Where a rule depends on the clock
(a birthdate in the past) or on the configuration (allowed return URLs),
the schema is computed when the document is served, from the same function
the validator uses.

Text never carries control characters (C0, DEL, C1): a NUL cannot be stored in
PostgreSQL, and the others are never part of a name or an address.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Annotated, Any, Final

from pydantic import AfterValidator, Field, Strict, WithJsonSchema

# Any character but a control character (every text field's alphabet, ids and tokens
# included); `_VISIBLE` also excludes whitespace.
NO_CONTROL: Final = r"[^\x00-\x1f\x7f-\x9f]"
_VISIBLE: Final = r"[^\s\x00-\x1f\x7f-\x9f]"
# At least one visible character; leading and trailing whitespace is accepted and stripped.
TEXT_PATTERN: Final = rf"^{NO_CONTROL}*{_VISIBLE}{NO_CONTROL}*$"
_EMAIL_PART: Final = r"[^@\s\x00-\x1f\x7f-\x9f]+"
EMAIL_PATTERN: Final = rf"^{_EMAIL_PART}@{_EMAIL_PART}\.{_EMAIL_PART}$"


# Strip leading and trailing whitespace after the raw value passed its length and pattern.
STRIP: Final = AfterValidator(str.strip)

ExternalId = Annotated[str, Field(min_length=1, max_length=110, pattern=TEXT_PATTERN), STRIP]
Name = Annotated[str, Field(min_length=1, max_length=100, pattern=TEXT_PATTERN), STRIP]


# --- birthdate: a real date, 1900-01-01 up to yesterday -------------------------------------

EARLIEST_BIRTHDATE: Final = dt.date(1900, 1, 1)


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _escape(value: str) -> str:
    """`value` as a literal in a pattern that Python, Rust and ECMAScript regexes all read
    alike (`re.escape` also escapes '-', which ECMAScript's unicode mode refuses)."""
    return re.sub(r"([.^$*+?()\[\]{}|\\])", r"\\\1", value)


def _before(limit: str, keep: int) -> list[str]:
    """Regex branches matching the fixed-width digit strings that share `limit`'s first `keep`
    characters and are lexicographically below it (non-digits, such as '-', are copied)."""
    branches = []
    for index, char in enumerate(limit):
        if index >= keep and char.isdigit() and char != "0":
            rest = "".join("[0-9]" if c.isdigit() else _escape(c) for c in limit[index + 1 :])
            digit = "0" if char == "1" else f"[0-{int(char) - 1}]"
            branches.append(_escape(limit[:index]) + digit + rest)
    return branches


def birthdate_pattern(today: dt.date) -> str:
    """`YYYY-MM-DD` strings from 1900-01-01 to the day before `today` (with `format: date`,
    which rules out impossible days): 1900-1999, then from 2000 (this holds until 2999)."""
    since_2000 = _before(today.isoformat(), keep=1)
    return "^(" + "|".join(["19[0-9]{2}-[0-9]{2}-[0-9]{2}", *since_2000]) + ")$"


def _birthdate_schema(schema: dict[str, Any]) -> None:
    schema["pattern"] = birthdate_pattern(_today())


def _in_the_past(value: dt.date) -> dt.date:
    if not EARLIEST_BIRTHDATE <= value < _today():
        raise ValueError("must be a real date of birth between 1900-01-01 and yesterday")
    return value


BIRTHDATE_DESCRIPTION: Final = "YYYY-MM-DD, from 1900-01-01 to yesterday (UTC)"
Birthdate = Annotated[
    dt.date,
    Strict(),  # a JSON number or a date-time is not a date (`0` used to mean 1970-01-01)
    AfterValidator(_in_the_past),
    Field(description=BIRTHDATE_DESCRIPTION, json_schema_extra=_birthdate_schema),
]


# --- return_url: a partner origin or an app scheme ------------------------------------------

# What may follow the origin or the scheme: no whitespace, no control characters.
_URL_REST: Final = r"[^\s\x00-\x1f\x7f-\x9f]*"


def return_url_pattern(origins: Sequence[str], schemes: Sequence[str]) -> str | None:
    """The `return_url`s allowed: a page on one of `origins` (exactly that origin, then a
    path, query or fragment) or a URL of one of the app `schemes`; None when nothing is."""
    branches = [f"{_escape(origin)}(?:[/?#]{_URL_REST})?" for origin in origins]
    branches += [f"{_escape(scheme)}:{_URL_REST}" for scheme in schemes]
    return "^(?:" + "|".join(branches) + ")$" if branches else None


def return_url(origins: Sequence[str], schemes: Sequence[str]) -> Any:
    """The `return_url` field type for this configuration (always absent or null when it
    allows none)."""
    pattern = return_url_pattern(origins, schemes)
    if pattern is None:
        return Annotated[None, WithJsonSchema({"type": "null", "description": _NO_RETURN})]
    return Annotated[
        str | None, Field(max_length=2048, pattern=pattern, description=_RETURN_DESCRIPTION)
    ]


_RETURN_DESCRIPTION: Final = (
    "Where 'Back to the app' leads: a page on a partner origin (WVH_PARTNER_ORIGINS) or a URL "
    "of an app scheme (WVH_RETURN_URL_SCHEMES)."
)
_NO_RETURN: Final = "No partner origin or app scheme is configured: always null."
