"""`accord fault-proxy --listen ADDR --upstream URL`: a proxy to a dependency that can misbehave.

Point a provider's dependency URL at the proxy during tests; `ADDR/__fault/` is its control API
(see `verifier.fault_proxy`), which `accord probe --dependency NAME=URL` uses to slow the
dependency. The command runs until interrupted (Ctrl-C or SIGTERM) and then exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys

from clients.cli.errors import CommandError
from clients.cli.outcome import Outcome
from verifier.fault_proxy import DEFAULT_MAX_BODY_BYTES, FaultProxy, serve

MAX_PORT = 65535


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,  # unused: a local command takes no broker flags
) -> None:
    """Add `fault-proxy` to the `accord` parser."""
    parser = commands.add_parser(
        "fault-proxy",
        help="run an HTTP proxy to one upstream whose latency, status and drops can be set",
        description=(
            "Forward every request to UPSTREAM, delayed, answered with a set status or dropped"
            " as set through the control API under /__fault/ on the same address"
            " (GET: the faults; PUT {latency_ms, status, drop}; DELETE: no fault)."
        ),
    )
    parser.add_argument(
        "--listen", required=True, metavar="ADDR", help="HOST:PORT to listen on (127.0.0.1:8081)"
    )
    parser.add_argument("--upstream", required=True, metavar="URL", help="the real dependency")
    parser.add_argument(
        "--max-body-bytes",
        type=int,
        default=DEFAULT_MAX_BODY_BYTES,
        help=f"largest request or response body passed on (default {DEFAULT_MAX_BODY_BYTES})",
    )
    parser.set_defaults(handler=fault_proxy, local=True)


def listen_address(text: str) -> tuple[str, int]:
    """HOST:PORT (or [IPv6]:PORT) as a host and a port; CommandError when it is not one."""
    host, colon, port = text.rpartition(":")
    if not colon or not port.isdigit() or not 0 < int(port) <= MAX_PORT or not host:
        msg = f"--listen {text!r} is not HOST:PORT (for example 127.0.0.1:8081)."
        raise CommandError(msg)
    return host.strip("[]"), int(port)


def fault_proxy(args: argparse.Namespace) -> Outcome:
    """`accord fault-proxy`."""
    host, port = listen_address(args.listen)
    if args.max_body_bytes < 0:
        raise CommandError("--max-body-bytes must be 0 or more.")
    try:
        proxy = FaultProxy(args.upstream, max_body_bytes=args.max_body_bytes)
    except ValueError as error:
        raise CommandError(str(error)) from None
    try:
        asyncio.run(_run(host, port, proxy))
    except OSError as error:
        raise CommandError(f"Cannot listen on {args.listen}: {error.strerror}.") from None
    return Outcome("")


async def _run(host: str, port: int, proxy: FaultProxy) -> None:
    started = asyncio.Event()
    task = asyncio.create_task(serve(host, port, proxy, started))
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, task.cancel)
    waiting = asyncio.create_task(started.wait())
    await asyncio.wait({task, waiting}, return_when=asyncio.FIRST_COMPLETED)
    waiting.cancel()
    if started.is_set():
        sys.stderr.write(f"accord fault-proxy on {host}:{port}, upstream {proxy.upstream}\n")
        sys.stderr.flush()
    with contextlib.suppress(asyncio.CancelledError):
        await task  # an OSError from binding comes out here
