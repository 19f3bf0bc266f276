"""The sandbox's layering: pure rendering below the store, no host settings.

Module size and import cycles are checked for the whole package in tests/test_structure.py.
"""

from __future__ import annotations

import ast
from importlib import resources
from pathlib import Path

import webview_host.sandbox

PACKAGE = Path(str(resources.files(webview_host.sandbox)))


def modules() -> dict[str, ast.Module]:
    return {p.stem: ast.parse(p.read_text(encoding="utf-8")) for p in PACKAGE.glob("*.py")}


def sibling_imports(tree: ast.Module) -> set[str]:
    """The sandbox modules a module imports (`from . import x`, `from .x import y`)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "webview_host.sandbox."
        ):
            found.add((node.module or "").split(".")[2])
    return found


def test_render_is_pure_and_below_the_store() -> None:
    imports = {name: sibling_imports(tree) for name, tree in modules().items()}
    assert "store" not in imports["render"]
    assert "render" not in imports["store"]
    assert imports["state"] <= {"catalog"}, "state.py stands on nothing that changes state"


def test_the_host_settings_are_not_used() -> None:
    """The sandbox reads its own settings (with the shared environment reader), never the
    host's."""
    for name, tree in modules().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 2:
                assert node.module != "settings", name
