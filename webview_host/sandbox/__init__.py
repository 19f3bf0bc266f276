"""The Minted sandbox: a faithful, stateful stand-in for the Minted API and webview.

Run it as its own process (`make run` does): its own port, hence its own origin.
"""
