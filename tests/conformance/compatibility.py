"""Steps of the Pact compatibility suite, run against Accord's matching engine and verifier.

`World` holds one scenario's state; `World.run(step)` finds the step's sentence in `STEPS` and
calls its function (registered with `@step` in `compatibility_steps.py` and
`compatibility_provider.py`). Matching steps call `verifier.matching.match_request`; provider
steps serve the chosen interactions' responses from a real ASGI app on 127.0.0.1 and run
`Verifier` on pact files written for them or published to Accord's own broker (in place of
the suite's mock broker); message provider steps serve messages from a message proxy on
127.0.0.1 (`compatibility_messages.py`); generator steps apply
`verifier._generators.requests.apply`. A step that needs something Accord does not have
raises `Unsupported`, whose message says what.
Cell syntax (`file: x.json`, `JSON: ...`, `XML: ...`, `'Name: value'`) is the suite's README's.
"""

from __future__ import annotations

import base64
import json
import mimetypes
import random
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx

from tests.conformance.gherkin import Step
from tests.support.provider_app import running_provider
from verifier import (
    ProviderState,
    Publication,
    StateAction,
    VerificationResult,
)
from verifier._generators.values import Context
from verifier.matching import Mismatch, Spec


class Unsupported(Exception):
    """The step needs a part of Pact that Accord does not implement; the message says which."""


class Body:
    """A body cell read: the bytes on the wire, its content type, and whether it is JSON."""

    def __init__(self, data: bytes, content_type: str | None, *, is_json: bool = False) -> None:
        self.data, self.content_type, self.is_json = data, content_type, is_json

    @property
    def is_binary(self) -> bool:
        try:
            self.data.decode("utf-8")
        except UnicodeDecodeError:
            return True
        return False

    def for_pact(self) -> Any:
        """The body as a pact holds it (V4 base64 form for binary content)."""
        if self.is_json:
            return json.loads(self.data)
        if self.is_binary:
            encoded = base64.b64encode(self.data).decode("ascii")
            return {"content": encoded, "encoded": "base64", "contentType": self.content_type}
        return self.data.decode("utf-8")


def read_body(cell: str, fixtures: Path) -> Body | None:  # noqa: PLR0911 - one per cell form
    """A body cell: `file: NAME`, `JSON: ...`, `XML: ...`, or plain text; None when empty."""
    if not cell:
        return None
    if cell.startswith("JSON:"):
        return Body(cell.removeprefix("JSON:").strip().encode(), "application/json", is_json=True)
    if cell.startswith("XML:"):
        return Body(cell.removeprefix("XML:").strip().encode(), "application/xml")
    if not cell.startswith("file:"):
        return Body(cell.encode(), "text/plain")
    path = fixtures / cell.removeprefix("file:").strip()
    if path.suffix == ".json":
        return Body(path.read_bytes(), "application/json", is_json=True)
    if path.suffix == ".xml":
        root = ET.fromstring(path.read_bytes())
        if root.tag == "body":  # a descriptor: content type and contents
            contents = root.find("contents")
            text = (contents.text or "").strip() if contents is not None else ""
            if contents is not None and contents.get("eol") == "CRLF":
                text = text.replace("\r\n", "\n").replace("\n", "\r\n")
            return Body(text.encode(), root.findtext("contentType"))
        return Body(path.read_bytes(), "application/xml")
    return Body(path.read_bytes(), mimetypes.guess_type(path.name)[0])


def read_headers(cell: str) -> list[tuple[str, str]]:
    """`'A: 1', 'B: 2'` -> [("A", "1"), ("B", "2")]."""
    found = []
    for item in re.findall(r"'([^']*)'", cell):
        name, _, value = item.partition(":")
        found.append((name.strip(), value.strip()))
    return found


def read_rules(cell: str, fixtures: Path) -> Any:
    """A matching rules or generators cell: a fixture's name or `JSON: ...`."""
    if cell.startswith("JSON:"):
        return json.loads(cell.removeprefix("JSON:"))
    return json.loads((fixtures / cell).read_text())


def normalised_path(mismatch: Mismatch) -> str:
    """Our mismatch path as the suite writes it: `$.one` for a body, a header's lowercase name."""
    if mismatch.path.startswith("$.body"):
        return "$" + mismatch.path.removeprefix("$.body")
    return mismatch.path.lower()


# The suite's verification error names, and the finding kinds that stand for them.
ERROR_KINDS = {
    "Response status did not match": {"status"},
    "Body had differences": {"body", "content-type"},
    "Headers had differences": {"header"},
    "Metadata had differences": {"metadata"},
}

Handler = Callable[["World", Step, re.Match[str]], None]
STEPS: list[tuple[re.Pattern[str], Handler]] = []


def step(pattern: str) -> Callable[[Handler], Handler]:
    """Register a method for the step sentences that match `pattern` (whole sentence)."""

    def register(method: Handler) -> Handler:
        STEPS.append((re.compile(pattern + "$"), method))
        return method

    return register


class World:
    """One scenario's state.

    Args:
        spec: The specification version of the feature's folder.
        fixtures: The suite's fixtures folder.
        workdir: A folder for the pact files.
    """

    def __init__(self, spec: Spec, fixtures: Path, workdir: Path) -> None:
        self.spec, self.fixtures, self.workdir = spec, fixtures, workdir
        self.interactions: dict[int, dict[str, str]] = {}
        self.expected: dict[str, Any] = {}
        self.actuals: list[dict[str, Any]] = []
        self.mismatches: list[list[Mismatch]] = []
        self.served: dict[tuple[str, str], dict[str, str]] = {}
        self.received: list[httpx.Headers] = []
        self.pacts: list[Path] = []
        self.state_calls: list[tuple[StateAction, str, dict[str, Any]]] = []
        self.state_callback: Callable[[ProviderState, StateAction], None] | None = None
        self.filter_headers: list[tuple[str, str]] = []
        self.result: VerificationResult | None = None
        self.provider_url = ""
        self.broker_url = ""
        self.broker_consumers: list[str] = []
        self.publication: Publication | None = None
        self.messages: dict[str, tuple[Body, dict[str, Any]]] = {}
        self.message_proxy_url = ""
        self.proxy_calls: list[dict[str, Any]] = []
        self.generated: dict[str, Any] = {}
        self.request: dict[str, Any] = {}
        self.context = Context(rng=random.Random(6))
        self.exits = ExitStack()

    def run(self, given: Step) -> None:
        """Run one step.

        Raises:
            Unsupported: When the step needs what Accord does not have.
        """
        for pattern, method in STEPS:
            matched = pattern.match(given.text)
            if matched:
                method(self, given, matched)
                return
        raise Unsupported(f"no step runs {given.text!r}")

    # Pure matching -------------------------------------------------------------------------

    def request_from(self, row: dict[str, str]) -> dict[str, Any]:
        """A pact-shaped request from a table row (method GET and path / unless given)."""
        request: dict[str, Any] = {"method": row.get("method") or "GET"}
        request["path"] = row.get("path") or "/"
        headers: dict[str, Any] = {}
        for name, value in read_headers(row.get("headers", "")):
            headers.setdefault(name, []).append(value)
        query = row.get("query")
        if query:
            parsed = parse_qs(query, keep_blank_values=True)
            request["query"] = query if self.spec in {"1", "1.1", "2"} else parsed
        body = read_body(row.get("body", ""), self.fixtures)
        if body is not None:
            request["body"] = body.for_pact()
            content_type = row.get("content type") or body.content_type
            if content_type and "content-type" not in {name.lower() for name in headers}:
                headers["Content-Type"] = [content_type]
        if headers:
            request["headers"] = {name: ", ".join(values) for name, values in headers.items()}
        if row.get("matching rules"):
            request["matchingRules"] = read_rules(row["matching rules"], self.fixtures)
        return request

    def match_spec(self) -> Spec:
        """V4 when a body is binary (only V4 pacts carry bytes), else the feature's version."""
        bodies = [self.expected.get("body"), *(actual.get("body") for actual in self.actuals)]
        binary = any(isinstance(body, dict) and "encoded" in body for body in bodies)
        return "4" if binary else self.spec

    def __enter__(self) -> World:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.exits.close()

    def served_app(self) -> Callable[..., Any]:
        """An ASGI app answering each served interaction's request with its response."""

        async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope["type"] != "http":
                return
            self.received.append(
                httpx.Headers([(k.decode(), v.decode()) for k, v in scope["headers"]])
            )
            row = self.served.get((scope["method"], scope["path"]))
            status, headers, data = 404, list[tuple[str, str]](), b""
            if row is not None:
                status, headers, data = self.response_of(row)
            await send(
                {
                    "type": "http.response.start",
                    "status": status,
                    "headers": [(k.lower().encode(), v.encode()) for k, v in headers],
                }
            )
            await send({"type": "http.response.body", "body": data})

        return app

    def response_of(self, row: dict[str, str]) -> tuple[int, list[tuple[str, str]], bytes]:
        """The status, headers and body a table row's response is served with."""
        headers = read_headers(row.get("response headers", ""))
        body = read_body(row.get("response body", ""), self.fixtures)
        content_type = row.get("response content") or (body.content_type if body else None)
        if content_type:
            headers.append(("Content-Type", content_type))
        return int(row.get("response") or 200), headers, body.data if body else b""

    def start_provider(self, numbers: list[int], changes: dict[str, str]) -> str:
        """Serve the interactions' responses, `changes` applied; the provider's base URL."""
        for number in numbers:
            row = dict(self.interactions[number])
            for column, value in changes.items():
                plain = not value.startswith(("file:", "JSON:", "XML:"))
                if column == "response body" and plain and not row.get("response content"):
                    # Plain text replaces the body, not its content type.
                    before = read_body(row.get("response body", ""), self.fixtures)
                    row["response content"] = before.content_type or "" if before else ""
                row[column] = value
            self.served[row["method"], row["path"]] = row
        url: str = self.exits.enter_context(running_provider(self.served_app()))  # type: ignore[arg-type]  # any ASGI app serves
        return url

    def iter_findings(self) -> Iterator[tuple[str, str]]:
        """(kind, error) of every interaction verified."""
        assert self.result is not None
        for pact in self.result.pacts:
            for interaction in pact.interactions:
                for finding in interaction.findings:
                    yield finding.kind, finding.description
                if interaction.error:
                    yield "error", interaction.error
