"""Where the package's templates and static files are, in a checkout and in an installed wheel.

`templates/` and `static/` live at the top of the checkout (the product owner's
layout); `webview_host/templates` and `webview_host/static` are links to them,
which the wheel build follows, so both places are found the same way, through
`importlib.resources`, never through a path relative to the checkout.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def package_dir(name: str) -> Path:
    """The package's `templates` or `static` folder."""
    folder = resources.files(__package__) / name
    if not folder.is_dir():
        raise RuntimeError(f"webview_host is installed without its {name}/ folder.")
    return Path(str(folder))
