"""The package's shape: no import cycles, modules small enough to hold one responsibility."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "webview_host"
MAX_LINES = 300


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    return {module_name(p, package): p for p in package.rglob("*.py")}


def runtime_imports(path: Path, name: str, known: set[str]) -> set[str]:
    """Package modules imported at run time (not under `if TYPE_CHECKING:`)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip |= {id(child) for child in ast.walk(node)}
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            submodules = [f"{base}.{alias.name}" for alias in node.names]
            # `from pkg import module` loads the module; `from pkg import name` loads pkg.
            targets = [m for m in submodules if m in known] or [base]
        else:
            continue
        found |= {t for t in targets if t in known}
    found.discard(name)
    return found


def import_cycles(package: Path = PACKAGE) -> list[list[str]]:
    """Every chain of run-time imports that leads back to where it started."""
    known = modules(package)
    graph = {name: runtime_imports(path, name, set(known)) for name, path in known.items()}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        for target in graph[node]:
            if target in trail:
                cycle = [*trail[trail.index(target) :], target]
                # A package importing its own submodules is a re-export, not a cycle.
                if not all(c == cycle[0] or c.startswith(cycle[0] + ".") for c in cycle):
                    cycles.append(cycle)
            elif len(trail) < 30:
                visit(target, [*trail, target])

    for name in graph:
        visit(name, [name])
    return cycles


def test_no_import_cycles() -> None:
    cycles = import_cycles()
    assert cycles == [], "\n".join(" -> ".join(c) for c in cycles[:5])


def test_the_cycle_guard_sees_run_time_cycles_only(tmp_path: Path) -> None:
    """A cycle through relative imports is found; an import only for type checking, and a
    package re-exporting its modules, are not cycles."""
    package = tmp_path / "pkg"
    package.mkdir()
    files = {
        "__init__.py": "from .a import A\n",
        "a.py": "from .b import B\nA = 1\n",
        "b.py": "from . import a\nB = 2\n",
        "c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .d import D\n",
        "d.py": "from .c import C\n",
        "e.py": "from pkg import A\n",
    }
    for name, text in files.items():
        (package / name).write_text(text)
    found = {" -> ".join(c) for c in import_cycles(package)}
    assert found == {"pkg.a -> pkg.b -> pkg.a", "pkg.b -> pkg.a -> pkg.b"}


def test_modules_stay_small() -> None:
    big = {
        name: count
        for name, path in modules().items()
        if (count := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert big == {}, f"split these modules (over {MAX_LINES} lines): {big}"


def test_package_inits_only_re_export() -> None:
    """Code lives in named modules; an `__init__.py` holds its docstring, imports and
    `__all__` (house style, httpx/__init__.py)."""
    holding_code = {}
    for path in PACKAGE.rglob("__init__.py"):
        body = ast.parse(path.read_text()).body
        others = [
            ast.unparse(node).splitlines()[0]
            for node in body
            if not isinstance(node, ast.Import | ast.ImportFrom)
            and not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
            and not (
                isinstance(node, ast.Assign)
                and [ast.unparse(t) for t in node.targets] == ["__all__"]
            )
        ]
        if others:
            holding_code[str(path.relative_to(PACKAGE))] = others
    assert holding_code == {}
