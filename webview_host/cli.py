"""`webview-host`: the operators' command.

    webview-host serve [--host H] [--port P]   the host (uvicorn, our access log)
    webview-host sandbox [--host H] [--port P] the Minted sandbox (a development stand-in)
    webview-host check-config                  settings, ledger and Minted (Digest) checked
    webview-host reconcile                     settle every unknown / stale completion now
    webview-host webhooks redeliver EVENT_ID   send a webhook event again

Settings come from the `WVH_*` environment, as for the server. Exit status:
0 done, 1 a check or the operation failed, 2 the settings are wrong.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from .ledger import Ledger
from .ledger.schema import LATEST, version
from .minted import MintedClient
from .readiness import probe_minted
from .services import open_services
from .settings import Settings, SettingsError
from .telemetry import logs

HOST_FACTORY = "webview_host.app:create_app_from_env"
SANDBOX_FACTORY = "webview_host.sandbox.app:create_app_from_env"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="webview-host", description="Operate a webview-host deployment."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, text in (("serve", "serve the host"), ("sandbox", "serve the Minted sandbox")):
        serve = commands.add_parser(name, help=text)
        serve.add_argument("--host", default="127.0.0.1", help="address to bind")
        serve.add_argument("--port", type=int, help="port (default: from the settings)")
    commands.add_parser("check-config", help="validate settings, reach the ledger and Minted")
    commands.add_parser("reconcile", help="settle every unknown or stale completion now")
    webhooks = commands.add_parser("webhooks", help="webhook events")
    actions = webhooks.add_subparsers(dest="action", required=True, metavar="ACTION")
    redeliver = actions.add_parser("redeliver", help="send an event again, now")
    redeliver.add_argument("event_id", help="the event's id (evt_...)")
    return parser


def settings_from_env(*, sandbox: bool = False) -> Settings | None:
    """The settings of the `WVH_*` environment, or None once the reason they are wrong is
    printed; `sandbox` makes sandbox mode the default, for a command that asked for it."""
    if sandbox:
        os.environ.setdefault("WVH_SANDBOX", "1")
    try:
        return Settings.from_env(os.environ)
    except SettingsError as exc:
        print(f"Cannot start: {exc}", file=sys.stderr)
        return None


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    args = _parser().parse_args(argv)
    # Typing `webview-host sandbox` is the consent the sandbox asks for.
    settings = settings_from_env(sandbox=args.command == "sandbox")
    if settings is None:
        return 2
    logs.configure(settings.log_level, settings.log_format)
    if args.command in ("serve", "sandbox"):
        return _serve(args, settings)
    if args.command == "check-config":
        return asyncio.run(check_config(settings, out))
    if args.command == "reconcile":
        return asyncio.run(reconcile(settings, out))
    return asyncio.run(redeliver(settings, args.event_id, out))


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    sandbox = args.command == "sandbox"
    uvicorn.run(
        SANDBOX_FACTORY if sandbox else HOST_FACTORY,
        factory=True,
        host=args.host,
        port=args.port or (settings.sandbox_port if sandbox else settings.host_port),
        access_log=False,  # ours names routes, not paths (launch codes stay out of logs)
        log_config=None,  # the app configures logging (WVH_LOG_FORMAT)
    )
    return 0


async def check_config(settings: Settings, out: TextIO) -> int:
    """Print what the settings say (never a secret) and whether the ledger and Minted
    answer; 0 when both do."""
    print("settings: valid", file=out)
    print(f"  mode: {'sandbox' if settings.sandbox_mode else 'production'}", file=out)
    print(f"  minted: {settings.minted_base_url} as {settings.minted_username}", file=out)
    print(f"  public url: {settings.public_url}", file=out)
    print(f"  webhooks: {settings.webhook_url or 'off'}", file=out)
    print(f"  metrics: {settings.metrics}; log format: {settings.log_format}", file=out)
    healthy = True
    try:
        ledger = Ledger.open(settings.database_url)
    except Exception as exc:  # reported, not raised: this command is a diagnosis
        print(f"ledger: FAILED ({type(exc).__name__}: {exc})", file=out)
        healthy = False
    else:
        try:
            await ledger.ping()
            print(f"ledger: ok ({ledger.backend_name}, {await _schema(ledger)})", file=out)
        except Exception as exc:  # reported, not raised: this command is a diagnosis
            print(f"ledger: FAILED ({type(exc).__name__}: {exc})", file=out)
            healthy = False
        finally:
            await ledger.close()
    async with MintedClient.from_settings(settings) as minted:
        check = await probe_minted(minted)
    print(f"minted: {'ok' if check.ok else 'FAILED'} ({check.detail})", file=out)
    return 0 if healthy and check.ok else 1


async def _schema(ledger: Ledger) -> str:
    try:
        at = await version(ledger.database)
    except Exception:  # no schema_migrations table: a new, empty database
        at = 0
    if at == LATEST:
        return f"schema {at}, up to date"
    return f"schema {at}; starting the host migrates it to {LATEST}"


async def reconcile(settings: Settings, out: TextIO) -> int:
    """Settle every unknown and stale pending completion from Minted's record."""
    final: dict[str, str] = {}
    async with open_services(settings, background=False) as services:
        # Sweep until a pass changes nothing: a completion Minted could not tell about
        # yet stays unknown (run the command again later; the hosts keep sweeping too).
        while True:
            batch = await services.reconciler.sweep(limit=500)
            changed = [c for c in batch if final.get(c.id) != c.state]
            final.update({c.id: str(c.state) for c in batch})
            if not changed:
                break
    settled: dict[str, int] = {}
    for state in final.values():
        settled[state] = settled.get(state, 0) + 1
    summary = ", ".join(f"{state}: {n}" for state, n in sorted(settled.items())) or "none open"
    print(f"reconciled {sum(settled.values())} completion(s); now {summary}", file=out)
    return 0


async def redeliver(settings: Settings, event_id: str, out: TextIO) -> int:
    """Make one webhook event due now; a running host's worker sends it."""
    if settings.webhook_url is None:
        print("webhooks are off (WVH_WEBHOOK_URL is unset): nothing would send it", file=out)
        return 1
    async with open_services(settings, background=False) as services:
        event = await services.ledger.outbox.redeliver(event_id)
    if event is None:
        print(f"no event {event_id!r}", file=out)
        return 1
    print(
        f"{event.id} ({event.type}, completion {event.completion_id}) is due now; "
        f"{event.attempts} attempt(s) so far",
        file=out,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
