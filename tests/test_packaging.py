"""The built wheel works outside the checkout: every page and static file is served from it."""

from __future__ import annotations

import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import httpx
import pytest

from tests.helpers import PARTNER_KEY, customer_payload
from tests.servers import HOST_FACTORY, SANDBOX_FACTORY, free_port, running, stack_env

ROOT = Path(__file__).resolve().parents[1]


def run(*command: str | Path, cwd: Path) -> str:
    done = subprocess.run(  # noqa: S603 - our interpreter and pip
        [str(part) for part in command], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(a fresh venv's python with the wheel installed, a directory outside the checkout).

    The wheel is installed as users install it; its dependencies are borrowed from
    the project's environment through a path entry (so the test needs no network),
    which does not bring the checkout's editable install with it.
    """
    outside = tmp_path_factory.mktemp("outside")
    dist = outside / "dist"
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
        "-w", dist, ROOT, cwd=outside)  # fmt: skip
    wheel = next(dist.glob("webview_host-*.whl"))
    venv = outside / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=outside)
    python = venv / "bin" / "python"
    run(python, "-m", "pip", "install", "-q", "--no-deps", wheel, cwd=outside)
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))",
                    cwd=outside).strip())  # fmt: skip
    (site / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return python, outside


def test_the_wheel_holds_the_templates_and_static_files(installed: tuple[Path, Path]) -> None:
    python, outside = installed
    where = run(python, "-c", "import webview_host; print(webview_host.__file__)", cwd=outside)
    assert str(outside) in where, "imported from the wheel, not the checkout"
    listing = run(python, "-c", "import webview_host.resources as r; "
                  "print(sorted(p.name for d in ('templates', 'static') "
                  "for p in r.package_dir(d).iterdir()))", cwd=outside)  # fmt: skip
    for name in ("shop.html", "checkout.html", "order.html", "app.css", "shell.js"):
        assert name in listing


def test_the_installed_wheel_serves_every_page(installed: tuple[Path, Path]) -> None:
    python, outside = installed
    host_port, sandbox_port = free_port(), free_port()
    env = stack_env(host_port, sandbox_port, WVH_DATABASE_URL=f"sqlite:///{outside}/l.sqlite3")
    with (
        running("sandbox", SANDBOX_FACTORY, env, sandbox_port, python=str(python), cwd=outside),
        running("host", HOST_FACTORY, env, host_port, python=str(python), cwd=outside) as host,
        httpx.Client(base_url=host.url, timeout=10) as client,
    ):
        assert client.get("/").status_code == 200
        launch = client.post(
            "/api/v1/launches",
            json={"customer": customer_payload()},
            headers={"Authorization": f"Bearer {PARTNER_KEY}"},
        )
        assert launch.status_code == 201, launch.text
        assert client.get(launch.json()["launch_url"]).status_code == 303
        pages = [client.get(path) for path in ("/shop", "/checkout")]
        assert [page.status_code for page in pages] == [200, 200]
        assets = set(re.findall(r'(?:href|src)="(/static/[^"]+)"', "".join(p.text for p in pages)))
        assert {"/static/app.css", "/static/shell.js", "/static/checkout.js"} <= assets
        for asset in assets:
            response = client.get(asset)
            assert response.status_code == 200, asset
            assert response.content
