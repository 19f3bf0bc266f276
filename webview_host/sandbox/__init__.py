"""The Minted sandbox: a faithful, stateful stand-in for the Minted API and webview.

Run it as its own process (`make run` does, with `WVH_SANDBOX=1`): its own
port, hence its own origin. In flow order: `settings` -> `endpoints` ->
`state` (data) -> `store` (changes) -> `render` (JSON) -> `responses`
(envelopes, auth, seed replay) -> `api`, `webview`, `control_api` (routes) ->
`faults` + `injection` (QA) -> `app`. `control.SandboxControl` drives a
running sandbox from tests.
"""

from __future__ import annotations

from .app import create_app, create_app_from_env
from .control import SandboxControl
from .settings import SandboxSettings

__all__ = ["SandboxControl", "SandboxSettings", "create_app", "create_app_from_env"]
