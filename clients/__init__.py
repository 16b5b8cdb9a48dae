"""Clients of the broker: the Python SDK (`clients.sdk`) and the `accord` command."""
