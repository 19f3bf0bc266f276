"""The sandbox package stays easy to read: small modules, no import cycle, no host settings."""

from __future__ import annotations

import ast
from importlib import resources
from pathlib import Path

import webview_host.sandbox

PACKAGE = Path(str(resources.files(webview_host.sandbox)))
MAX_LINES = 300


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


def test_no_module_is_long() -> None:
    lengths = {
        p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in PACKAGE.glob("*.py")
    }
    assert {name: n for name, n in lengths.items() if n > MAX_LINES} == {}


def test_no_import_cycle() -> None:
    graph = {name: sibling_imports(tree) - {"__init__"} for name, tree in modules().items()}
    graph.pop("__init__")  # it re-exports, and nothing imports it back
    state: dict[str, str] = {}

    def visit(name: str, path: list[str]) -> None:
        if state.get(name) == "done":
            return
        assert state.get(name) != "open", f"import cycle: {' -> '.join([*path, name])}"
        state[name] = "open"
        for imported in sorted(graph.get(name, ())):
            visit(imported, [*path, name])
        state[name] = "done"

    for name in sorted(graph):
        visit(name, [])


def test_render_is_pure_and_below_the_store() -> None:
    imports = {name: sibling_imports(tree) for name, tree in modules().items()}
    assert "store" not in imports["render"]
    assert "render" not in imports["store"]
    assert imports["state"] <= {"catalog"}, "state.py stands on nothing that changes state"


def test_the_host_settings_object_is_not_used() -> None:
    """Only the shared helpers of webview_host.settings, never its Settings."""
    for name, tree in modules().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "settings" and node.level == 2:
                assert "Settings" not in {a.name for a in node.names}, name
