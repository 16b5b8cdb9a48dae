"""The `accord` command run in this process, as `python -m clients.cli` would run it.

A process costs about half a second of imports and proves nothing more than `main()` does: the
broker stays a real process, reached over HTTP. `accord_process` still runs the real command
for the few tests that are about the process itself.
"""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, redirect_stderr, redirect_stdout

from clients.cli.__main__ import main

# `--verbose` attaches a handler to these loggers; each run starts and ends without it.
_LOGGERS = ("clients.sdk", "clients.cli")


def environment_for(broker_url: str, **env: str) -> dict[str, str]:
    """This process's environment without `PACT_BROKER_*`, pointed at `broker_url`, plus `env`."""
    kept = {key: value for key, value in os.environ.items() if not key.startswith("PACT_BROKER_")}
    return {**kept, "PACT_BROKER_BASE_URL": broker_url, **env}


@contextmanager
def _environment(env: Mapping[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextmanager
def _quiet_loggers() -> Iterator[None]:
    saved = [(logging.getLogger(name), logging.getLogger(name).level) for name in _LOGGERS]
    handlers = [list(logger.handlers) for logger, _ in saved]
    try:
        yield
    finally:
        for (logger, level), before in zip(saved, handlers, strict=True):
            logger.setLevel(level)
            logger.handlers[:] = before


def run_accord(
    argv: list[str], env: Mapping[str, str], stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """`accord ARGV` with environment `env` and `stdin` piped in; its exit code and output."""
    out, err = io.StringIO(), io.StringIO()
    saved_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with _environment(env), _quiet_loggers(), redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exit_:  # argparse: usage errors and --help
                code = _exit_code(exit_.code, err)
    finally:
        sys.stdin = saved_stdin
    return subprocess.CompletedProcess(["accord", *argv], code, out.getvalue(), err.getvalue())


def _exit_code(code: object, err: io.StringIO) -> int:
    """The exit status `sys.exit(code)` gives a process."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    err.write(f"{code}\n")
    return 1


def accord_process(
    argv: list[str], env: Mapping[str, str], stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """The real `python -m clients.cli ARGV` as a process, for what only a process shows."""
    return subprocess.run(
        [sys.executable, "-m", "clients.cli", *argv],
        input=stdin,
        capture_output=True,
        text=True,
        env=dict(env),
        timeout=120,
        check=False,
    )
