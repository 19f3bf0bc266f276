"""Turkish and English: the same keys, every key used, money and weights per locale."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import get_args

import pytest

from webview_host.checkout import FEE_FIELDS, NOTICES
from webview_host.i18n import STRINGS, format_money, format_weight, translator
from webview_host.ledger import CompletionState, ErrorKind
from webview_host.resources import package_dir
from webview_host.types import LOCALES, Locale

PACKAGE = Path(__file__).resolve().parents[1] / "webview_host"
KEY = r"[a-z_]+\.[a-z_]+"


def used_keys() -> set[str]:
    """Keys named literally in templates and code, and the families built from a value."""
    keys: set[str] = set()
    for template in package_dir("templates").glob("*.html"):
        keys |= set(re.findall(rf"""t\(["']({KEY})["']\)""", template.read_text()))
    for module in PACKAGE.rglob("*.py"):
        # The sandbox has its own texts; webhook event types (`order.completed`) only look
        # like keys.
        if module.name != "i18n.py" and not {"sandbox", "webhooks"} & set(module.parts):
            keys |= set(re.findall(rf'"({KEY})"', module.read_text()))
    keys |= {f"notice.{n}" for n in NOTICES}
    keys |= {f"fee.{f}" for f in FEE_FIELDS}
    keys |= {f"order.{s}" for s in CompletionState}
    keys |= {f"reason.{k}" for k in get_args(ErrorKind)}
    families = {k.split(".")[0] for k in STRINGS["en"]}
    return {key for key in keys if key.split(".")[0] in families and not key.endswith(".html")}


def test_both_languages_have_the_same_keys() -> None:
    assert set(STRINGS) == set(LOCALES)
    assert set(STRINGS["tr"]) == set(STRINGS["en"])


def test_every_key_is_used_and_every_used_key_exists() -> None:
    used = used_keys()
    assert used - set(STRINGS["en"]) == set(), "keys used but not translated"
    assert set(STRINGS["en"]) - used == set(), "translated keys nothing uses"


@pytest.mark.parametrize("locale", LOCALES)
def test_no_translation_is_empty_or_untranslated_markup(locale: Locale) -> None:
    for key, text in STRINGS[locale].items():
        assert text.strip(), key
        assert "<" not in text, f"{key}: translations are text, templates add the markup"


def test_translator_refuses_a_missing_key() -> None:
    with pytest.raises(KeyError):
        translator("en")("no.such_key")


def test_money_per_locale() -> None:
    assert format_money(Decimal("2966.22"), "TRY", "tr") == "₺2.966,22"
    assert format_money(Decimal("2966.22"), "EUR", "en") == "€2,966.22"
    assert format_money(None, "TRY", "en") == "–"
    assert format_money(Decimal("1"), None, "tr") == "₺1,00", "Minted's default currency"


def test_weights_per_locale() -> None:
    assert format_weight(Decimal("1.010"), "tr") == "1,01 g"
    assert format_weight(Decimal("100.00"), "en") == "100 g"
    assert format_weight(None, "en") == ""
