"""The parts of `test_cli_subcommands.py`'s table: the filled broker a row runs against, what a
row prepares and checks, running a CLI, and reading the subcommands a CLI's help lists.

In a row's text, `<f>` stands for the flavour (`rust`, `ruby`), so rows of the two flavours
write under different names; the table's test fills `<production>`, `<receiver>` and
`<fixtures>`, and a row's `prepare` may add placeholders of its own (`<env>`, `<dir>`).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.pact_clients import SCENARIOS, ensure_installed

FIXTURES = SCENARIOS / "fixtures"
FLAVOURS = ("rust", "ruby")


@dataclass
class Receiver:
    """An HTTP server on 127.0.0.1 that answers 200 and keeps the path of every request."""

    url: str
    paths: list[str] = field(default_factory=list)


@contextmanager
def receiving() -> Iterator[Receiver]:
    """A `Receiver` for webhook calls, stopped afterwards."""
    received: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            received.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            """Keep the test output quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield Receiver(f"http://127.0.0.1:{server.server_address[1]}", received)
    finally:
        server.shutdown()
        server.server_close()


@dataclass(frozen=True)
class World:
    """The filled broker a row runs against, the token it wants, and the webhook receiver."""

    url: str
    token: str
    production: str
    receiver: Receiver
    workdir: Path

    def request(self, method: str, path: str, body: object = None) -> httpx.Response:
        return httpx.request(
            method,
            f"{self.url}{path}",
            json=body,
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=30,
        )

    def done(self, method: str, path: str, body: object = None) -> dict[str, Any]:
        """The JSON answer of a request that must succeed."""
        response = self.request(method, path, body)
        assert response.is_success, f"{method} {path}: {response.status_code} {response.text}"
        answer: dict[str, Any] = response.json() if response.content else {}
        return answer

    def deploy(self, pacticipant: str, version: str) -> None:
        """Version `version` of `pacticipant`, created if need be, now runs in production."""
        self.done("PUT", f"/pacticipants/{pacticipant}/versions/{version}", {})
        self.done(
            "POST",
            f"/pacticipants/{pacticipant}/versions/{version}"
            f"/deployed-versions/environment/{self.production}",
            {},
        )

    def path(self, path: str, flavour: str) -> str:
        return own(path.replace("<production>", self.production), flavour)


def own(text: str, flavour: str) -> str:
    """`text` with `<f>` standing for the flavour."""
    return text.replace("<f>", flavour)


# What a row checks after its command succeeded

Check = Callable[[World, str, subprocess.CompletedProcess[str]], None]


def prints(*texts: str) -> Check:
    """The command's output names each text."""

    def check(world: World, flavour: str, result: subprocess.CompletedProcess[str]) -> None:
        for text in texts:
            assert own(text, flavour) in result.stdout, result.stdout

    return check


def answers(path: str, status: int = 200, naming: str = "") -> Check:
    """GET `path` answers `status` (and its body names `naming`)."""

    def check(world: World, flavour: str, result: subprocess.CompletedProcess[str]) -> None:
        response = world.request("GET", world.path(path, flavour))
        assert response.status_code == status, f"GET {path}: {response.status_code} {response.text}"
        assert own(naming, flavour) in response.text, response.text

    return check


def lacks(path: str, text: str) -> Check:
    """GET `path` succeeds and its body no longer names `text`."""

    def check(world: World, flavour: str, result: subprocess.CompletedProcess[str]) -> None:
        response = world.request("GET", world.path(path, flavour))
        assert response.status_code == 200, response.text
        assert own(text, flavour) not in response.text, response.text

    return check


def received(path: str) -> Check:
    """The webhook receiver got a request on `path`."""

    def check(world: World, flavour: str, result: subprocess.CompletedProcess[str]) -> None:
        assert own(path, flavour) in world.receiver.paths, world.receiver.paths

    return check


# What a row prepares for itself alone; it returns placeholders for the row's arguments

Prepare = Callable[[World, str], dict[str, str]]


def nothing(world: World, flavour: str) -> dict[str, str]:
    return {}


def put(path: str) -> Prepare:
    """PUT an empty body to `path` (a version, a tag, a branch version)."""

    def prepare(world: World, flavour: str) -> dict[str, str]:
        world.done("PUT", own(path, flavour), {})
        return {}

    return prepare


def deployed(pacticipant: str) -> Prepare:
    """Version 1 of the row's own pacticipant, running in production."""

    def prepare(world: World, flavour: str) -> dict[str, str]:
        world.deploy(own(pacticipant, flavour), "1")
        return {}

    return prepare


def released(pacticipant: str) -> Prepare:
    """Version 1 of the row's own pacticipant, released to production."""

    def prepare(world: World, flavour: str) -> dict[str, str]:
        name = own(pacticipant, flavour)
        world.done("PUT", f"/pacticipants/{name}/versions/1", {})
        world.done(
            "POST",
            f"/pacticipants/{name}/versions/1/released-versions/environment/{world.production}",
            {},
        )
        return {}

    return prepare


def environment(name: str) -> Prepare:
    """An environment of the row's own; its uuid as `<env>`."""

    def prepare(world: World, flavour: str) -> dict[str, str]:
        body = {"name": own(name, flavour), "production": False}
        return {"<env>": world.done("POST", "/environments", body)["uuid"]}

    return prepare


def pact_of(consumer: str, like: Path) -> Prepare:
    """A folder holding the pact `like` with the row's own consumer; its path as `<dir>`."""

    def prepare(world: World, flavour: str) -> dict[str, str]:
        name = own(consumer, flavour)
        pact = json.loads(like.read_text())
        pact["consumer"]["name"] = name
        folder = world.workdir / f"pacts-{name}"
        folder.mkdir(exist_ok=True)
        (folder / f"{name}-{pact['provider']['name']}.json").write_text(json.dumps(pact))
        return {"<dir>": str(folder)}

    return prepare


def webhook(uuid: str, provider: str) -> Prepare:
    """A webhook of the row's own to the receiver, made over HTTP."""

    def prepare(world: World, flavour: str) -> dict[str, str]:
        name = own(uuid, flavour)
        world.done(
            "PUT",
            f"/webhooks/{name}",
            {
                "description": f"webhook {name}",
                "provider": {"name": provider},
                "events": [{"name": "contract_content_changed"}],
                "request": {"method": "POST", "url": f"{world.receiver.url}/hook/{name}"},
            },
        )
        return {}

    return prepare


@dataclass(frozen=True)
class Row:
    """A subcommand with the arguments (shell words) that make it do real work, and its check."""

    program: str
    subcommand: str
    args: str = ""
    prepare: Prepare = nothing
    check: Check | None = None
    flavours: tuple[str, ...] = FLAVOURS
    variant: str = ""

    def params(self) -> Iterator[Any]:
        """One test case per flavour."""
        for flavour in self.flavours:
            name = "-".join(filter(None, [flavour, self.program, self.subcommand, self.variant]))
            yield pytest.param(self, flavour, id=name.replace(" ", "-"))

    def argv(self, flavour: str, values: dict[str, str]) -> list[str]:
        """The subcommand and its arguments, placeholders filled."""

        def filled(word: str) -> str:
            for placeholder, value in values.items():
                word = word.replace(placeholder, value)
            return own(word, flavour)

        return [*self.subcommand.split(), *map(filled, shlex.split(self.args))]


def run(flavour: str, program: str, *argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run a flavour's `pact-broker` or `pactflow` with `argv`, `env` added."""
    binary = ensure_installed() / flavour / "node_modules" / ".bin" / program
    return subprocess.run(
        [str(binary), *argv],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "PACT_DO_NOT_TRACK": "true", "PACT_BROKER_HTTP_RETRIES": "0", **env},
    )


# The subcommands a CLI's own help lists

_CLAP_COMMAND = re.compile(r"^  (\S+)\s")
_THOR_COMMAND = re.compile(r"^  (?:pact-broker|pactflow) (\S+)")


def _clap_commands(help_text: str) -> list[str]:
    """The commands a Rust (clap) help lists under `Commands:`."""
    lines = help_text.splitlines()
    if "Commands:" not in lines:
        return []
    commands = []
    for line in lines[lines.index("Commands:") + 1 :]:
        if not line.strip():
            break
        if match := _CLAP_COMMAND.match(line):
            commands.append(match.group(1))
    return commands


def listed_subcommands(flavour: str, program: str, groups_not_opened: set[str]) -> set[str]:
    """Every subcommand the CLI's help lists; a Rust group (`provider-states`) by its members
    (`provider-states list`), except the groups named in `groups_not_opened`."""
    if flavour == "ruby":
        listing = run(flavour, program, "help")
        assert listing.returncode == 0, listing.stderr
        return {
            match.group(1)
            for line in listing.stdout.splitlines()
            if (match := _THOR_COMMAND.match(line))
        }
    listing = run(flavour, program, "--help")
    assert listing.returncode == 0, listing.stderr
    listed = set()
    for command in _clap_commands(listing.stdout):
        if command in groups_not_opened:
            listed.add(command)
            continue
        members = _clap_commands(run(flavour, program, command, "--help").stdout)
        listed |= {f"{command} {member}" for member in members} if members else {command}
    return listed
