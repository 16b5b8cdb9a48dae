"""The `accord` command line; `clients.cli.__main__.main` is its entry point."""
