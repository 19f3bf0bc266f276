"""webview-host: the partner-side host of the Minted Connect Embedded Webview.

The flow, in module order: settings -> minted (upstream client) -> sessions ->
ledger -> launches / checkout (services) -> views -> app. `sandbox` is a
separate app that stands in for Minted.
"""
