"""The rules for how our pages embed Minted and are embedded by partner apps.

Pure checks on the values behind the embedding settings: the Minted iframe's
`sandbox` tokens and `allow` (Permissions Policy) list, the names the bridge
looks for in a native container, and URL schemes. Each check returns the value
normalised or raises `ValueError` with a sentence saying what is wrong and what
to do; `settings.py` puts the variable's name in front of it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# What the Minted webview needs and nothing more: its own scripts, its own
# origin (its API calls and storage), and its forms. It cannot open popups,
# navigate the shell away, or use powerful features unless a setting says so.
DEFAULT_IFRAME_SANDBOX = "allow-scripts allow-same-origin allow-forms"
# Nothing delegated: camera, microphone, geolocation, payment... stay off.
DEFAULT_IFRAME_ALLOW = ""

# Every token the HTML standard defines for `<iframe sandbox>`.
SANDBOX_TOKENS = frozenset(
    {
        "allow-downloads",
        "allow-forms",
        "allow-modals",
        "allow-orientation-lock",
        "allow-pointer-lock",
        "allow-popups",
        "allow-popups-to-escape-sandbox",
        "allow-presentation",
        "allow-same-origin",
        "allow-scripts",
        "allow-storage-access-by-user-activation",
        "allow-top-navigation",
        "allow-top-navigation-by-user-activation",
        "allow-top-navigation-to-custom-protocols",
    }
)
# Tokens that would let the webview take the shell away from the customer.
REFUSED_SANDBOX_TOKENS = {
    "allow-top-navigation": (
        "it lets the webview navigate the whole page away at any time; use "
        "allow-top-navigation-by-user-activation if Minted needs to leave the frame on a tap"
    ),
}

_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]{0,63}$")
# Window properties a transport name must not shadow: the browser's own and the
# bridge's (React Native's name is fixed by React Native).
_RESERVED_NAMES = frozenset(
    {
        "window",
        "self",
        "top",
        "parent",
        "opener",
        "frames",
        "document",
        "location",
        "history",
        "navigator",
        "name",
        "origin",
        "external",
        "chrome",
        "webkit",
        "ReactNativeWebView",
        "WebviewHost",
    }
)
# fmt: off
_JS_KEYWORDS = frozenset((
    "await", "break", "case", "catch", "class", "const", "continue", "debugger", "default",
    "delete", "do", "else", "enum", "export", "extends", "false", "finally", "for", "function",
    "if", "import", "in", "instanceof", "let", "new", "null", "return", "static", "super",
    "switch", "this", "throw", "true", "try", "typeof", "var", "void", "while", "with", "yield",
))
# fmt: on

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]{1,31}$")
# Schemes that are not an app's own: web, script, data and platform schemes.
_NOT_APP_SCHEMES = frozenset(
    {
        "http",
        "https",
        "javascript",
        "vbscript",
        "data",
        "blob",
        "file",
        "filesystem",
        "about",
        "ftp",
        "ws",
        "wss",
        "intent",
        "content",
        "mailto",
        "tel",
        "sms",
    }
)

_FEATURE = re.compile(r"^[a-z][a-z0-9-]*$")
_ALLOWLIST_KEYWORDS = frozenset({"'self'", "'src'", "'none'"})


def js_identifier(value: str) -> str:
    """A name the bridge reads as `window[name]` or `messageHandlers[name]`."""
    if not _IDENTIFIER.match(value) or value in _JS_KEYWORDS:
        raise ValueError(
            "It must be a JavaScript identifier (letters, digits, _ or $, not starting with "
            "a digit, at most 64 characters), e.g. webviewHost."
        )
    if value in _RESERVED_NAMES:
        raise ValueError(
            "It would shadow a window property the browser or the bridge already uses; "
            "pick a name of your app's own, e.g. BankAppBridge."
        )
    return value


def app_scheme(value: str) -> str:
    """An app's own URL scheme (RFC 3986 syntax), lower-cased; web and script schemes refused."""
    scheme = value.lower().removesuffix("://").removesuffix(":")
    if not _SCHEME.match(scheme):
        raise ValueError(
            "It must be a URL scheme: a letter, then letters, digits, '+', '-' or '.', "
            "2 to 32 characters, without '://', e.g. bankapp."
        )
    if scheme in _NOT_APP_SCHEMES:
        raise ValueError(
            f"'{scheme}' is not an app's own scheme; use the scheme your app registers, "
            "e.g. bankapp."
        )
    return scheme


def iframe_sandbox(value: str, *, same_origin_as_host: bool) -> str:
    """The `sandbox` tokens for the Minted iframe, checked and de-duplicated in order.

    `same_origin_as_host` refuses `allow-scripts` with `allow-same-origin` when the
    webview is served from the host's own origin: that pair lets a framed page
    remove its own sandbox.
    """
    tokens: list[str] = []
    for token in value.lower().split():
        if token not in SANDBOX_TOKENS:
            raise ValueError(
                f"'{token}' is not an iframe sandbox token. Use tokens from: "
                f"{', '.join(sorted(SANDBOX_TOKENS))}."
            )
        if token in REFUSED_SANDBOX_TOKENS:
            raise ValueError(f"'{token}' is refused: {REFUSED_SANDBOX_TOKENS[token]}.")
        if token not in tokens:
            tokens.append(token)
    if "allow-scripts" not in tokens:
        raise ValueError(
            "It must contain allow-scripts: the Minted webview is a script application."
        )
    if same_origin_as_host and "allow-same-origin" in tokens:
        raise ValueError(
            "allow-scripts with allow-same-origin is refused while the webview is served "
            "from the host's own origin: the frame could remove its own sandbox. "
            "Serve the webview from its own origin."
        )
    return " ".join(tokens)


def iframe_allow(value: str) -> str:
    """A Permissions Policy `allow` list: `feature allowlist; feature allowlist`, no `*`.

    An empty allowlist means `'src'` (the framed origin), as in the HTML standard.
    """
    directives: list[str] = []
    for directive in value.split(";"):
        parts = directive.split()
        if not parts:
            continue
        feature, allowlist = parts[0].lower(), parts[1:]
        if not _FEATURE.match(feature):
            raise ValueError(
                f"'{feature}' is not a Permissions Policy feature name (e.g. payment, "
                "clipboard-write). Write directives as `feature 'src'; feature2 'none'`."
            )
        for item in allowlist:
            if item == "*":
                raise ValueError(
                    f"'{feature} *' delegates the feature to any page the frame navigates "
                    "to; name the webview's origin or 'src' instead."
                )
            if item in _ALLOWLIST_KEYWORDS:
                continue
            parts_of = urlsplit(item)
            if parts_of.scheme not in ("http", "https") or not parts_of.netloc or parts_of.path:
                raise ValueError(
                    f"'{item}' in '{feature}' is neither 'self', 'src', 'none' nor an "
                    "origin such as https://webview.example.com."
                )
        directives.append(" ".join([feature, *allowlist]))
    return "; ".join(directives)
