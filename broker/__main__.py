"""`python -m broker` (and `accord broker …`): serve the broker, or migrate its database.

accord broker serve [--host H] [--port P]
accord broker migrate
accord broker backup DEST
accord broker clean [--keep-latest-per-branch N] [--keep-newer-than DATE|AGE] [--dry-run] …
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import logging
import os
import sys
from pathlib import Path

from broker.clean_command import add_parser as add_clean_parser
from broker.settings import Settings, SettingsError, redacted, sqlite_path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="accord broker", description="Run the Accord broker.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="start the broker (migrates the database first)")
    serve.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port to listen on (default 9292)")
    commands.add_parser("migrate", help="apply pending database migrations, then exit")
    backup = commands.add_parser(
        "backup",
        help="copy the SQLite database, while the broker runs, to a new file DEST "
        "(PostgreSQL: use pg_dump)",
    )
    backup.add_argument("destination", metavar="DEST", type=Path, help="the new file")
    add_clean_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run a broker command; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env(
            os.environ,
            cwd=Path.cwd(),
            host=args.host if args.command == "serve" else None,
            port=args.port if args.command == "serve" else None,
        )
    except SettingsError as error:
        print(f"accord: {error}", file=sys.stderr)  # noqa: T201 - the CLI's voice
        return 1
    if args.command == "migrate":
        return _migrate(settings)
    if args.command == "backup":
        return _backup(settings, args.destination)
    if args.command == "clean":
        return _clean(settings, args)
    return _serve(settings)


def _backup(settings: Settings, destination: Path) -> int:
    from broker.storage.sqlite_backup import BackupError, backup  # noqa: PLC0415

    source = sqlite_path(settings.database_url)
    if not source:
        print(  # noqa: T201
            f"accord: {redacted(settings.database_url)} is PostgreSQL: back it up with pg_dump,"
            ' e.g. pg_dump --format=custom --file=accord.dump "$ACCORD_DATABASE_URL"',
            file=sys.stderr,
        )
        return 1
    try:
        pages = backup(Path(source), destination)
    except BackupError as error:
        print(f"accord: {error}", file=sys.stderr)  # noqa: T201
        return 1
    print(f"Backed up {source} to {destination} ({pages} pages)")  # noqa: T201
    return 0


def _clean(settings: Settings, args: argparse.Namespace) -> int:
    from broker.clean_command import run  # noqa: PLC0415

    try:
        # The schema must be this code's: a newer one is refused, an older one brought up.
        _apply_migrations(settings)
    except StartupError as error:
        print(f"accord: {error}", file=sys.stderr)  # noqa: T201
        return 1
    return run(settings, args)


def _has_credentials(settings: Settings) -> bool:
    """Whether the broker will ask for credentials: an admin token, or tokens or users stored."""
    if settings.admin_token is not None:
        return True
    from broker.storage.factory import open_storage  # noqa: PLC0415 - keeps `--help` fast

    async def run() -> bool:
        storage = await open_storage(
            settings.database_url,
            timeout=settings.database_timeout,
            statement_cache=settings.database_statement_cache,
        )
        try:
            async with storage.transaction() as tx:
                return await tx.has_credentials()
        finally:
            await storage.close()

    return asyncio.run(run())


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _apply_migrations(settings: Settings) -> list[str]:
    """Open the database and migrate it; a clear `StartupError` when that cannot be done."""
    from broker.domain.errors import StorageUnavailableError  # noqa: PLC0415 - keeps `--help` fast
    from broker.storage.factory import open_storage  # noqa: PLC0415
    from broker.storage.migrations import SchemaTooNewError  # noqa: PLC0415

    async def run() -> list[str]:
        storage = await open_storage(
            settings.database_url,
            timeout=settings.database_timeout,
            statement_cache=settings.database_statement_cache,
        )
        try:
            return await storage.migrate()
        finally:
            await storage.close()

    try:
        return asyncio.run(run())
    except (SchemaTooNewError, StorageUnavailableError) as error:
        raise StartupError(str(error)) from error


class StartupError(Exception):
    """The broker cannot start; the message says why in one sentence."""


def _migrate(settings: Settings) -> int:
    try:
        applied = _apply_migrations(settings)
    except StartupError as error:
        print(f"accord: {error}", file=sys.stderr)  # noqa: T201
        return 1
    target = redacted(settings.database_url)
    if applied:
        print(f"Applied {len(applied)} migration(s) to {target}: {', '.join(applied)}")  # noqa: T201
    else:
        print(f"{target} is up to date")  # noqa: T201
    return 0


def _warn_of_per_process_state(settings: Settings) -> None:
    """On PostgreSQL, where several brokers may serve one database, say what they cannot share."""
    from broker.web.sessions import is_shared  # noqa: PLC0415 - keeps `--help` fast

    if sqlite_path(settings.database_url) or is_shared(settings.session_key, settings.admin_token):
        return
    logging.getLogger("accord").warning(
        "Web sessions are signed with a key of this process (no ACCORD_SESSION_KEY or "
        "ACCORD_ADMIN_TOKEN): behind a load balancer, a browser signed in through one broker "
        "is signed out by the next; give every broker the same ACCORD_SESSION_KEY"
    )


def _serve(settings: Settings) -> int:
    import uvicorn  # noqa: PLC0415

    from broker.allocator import return_large_buffers  # noqa: PLC0415
    from broker.app import asgi_app  # noqa: PLC0415
    from broker.logs import configure  # noqa: PLC0415

    return_large_buffers()  # before the document workers start: they inherit it
    configure(settings.log_level, settings.log_format)
    try:
        # Migrating before the server starts turns a refused or unreachable database into one
        # sentence and exit code 1, not a failed-lifespan traceback.
        _apply_migrations(settings)
    except StartupError as error:
        print(f"accord: {error}", file=sys.stderr)  # noqa: T201
        return 1
    is_open = not _has_credentials(settings)
    if is_open and not _is_loopback(settings.host) and not settings.allow_anonymous:
        print(  # noqa: T201
            f"accord: refusing to listen on {settings.host} without authentication; set "
            "ACCORD_ADMIN_TOKEN, or ACCORD_ALLOW_ANONYMOUS=true to serve anyone",
            file=sys.stderr,
        )
        return 1
    print(  # noqa: T201 - tooling waits for this line
        f"Accord broker listening on http://{settings.host}:{settings.port} "
        f"using {redacted(settings.database_url)}",
        flush=True,
    )
    _warn_of_per_process_state(settings)
    if is_open:
        logging.getLogger("accord").warning(
            "No credentials are configured (ACCORD_ADMIN_TOKEN, tokens or users): "
            "anyone who can reach this broker may read and change everything"
        )
    config = uvicorn.Config(
        asgi_app(settings, settle=True),
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=settings.log_level == "debug",
        proxy_headers=False,
        server_header=False,
        lifespan="on",
    )
    server = uvicorn.Server(config)
    server.run()
    return 0 if server.started else 1


if __name__ == "__main__":
    sys.exit(main())
