"""Write the pacts in this folder with pact-python 4.2 (the Rust core, pact_ffi 0.5.12).

They are evidence of what a real client writes: matchers and generators of every kind in V2,
V3 and V4 HTTP pacts, and V3/V4 message pacts. Regenerate with the venv that
`../shared/clients/install.sh` makes, or with Accord's own (pact-python is in the test extra,
for tests/contract):

    ~/.cache/accord/pact-clients/venv/bin/python write_pacts.py .

Only the pact files matter: the mock server is never called, so pact-python reports the
requests as missing and writes the pacts anyway.
"""

import sys
from pathlib import Path

from pact import Pact, match

DATETIME = "%Y-%m-%dT%H:%M:%S"


def http_pact(spec: str, folder: Path) -> None:
    pact = Pact(f"Rich{spec}", "RichProvider").with_specification(spec)
    interaction = pact.upon_receiving("rich request")
    if spec == "V2":
        interaction.given("state one")
    else:
        interaction.given("state one", id=1).given("state two")
    request_body = {
        "name": match.str("a"),
        "when": match.datetime("2024-01-01T00:00:00", format=DATETIME),
        "d": match.date("2024-01-01", format="%Y-%m-%d"),
        "n": match.number(1.5),
        "dec": match.decimal(1.25),
        "b": match.bool(True),
        "z": match.null(),
        "tags": match.each_like({"t": match.int(1)}, min=1, max=3),
        "inc": match.includes("ell"),
    }
    keys = (
        match.each_key_matches({"a": 1}, rules=match.regex("a", regex="[a-z]+"))
        if spec == "V4"
        else {"a": 1}
    )
    response_body = {
        "id": match.int(1),
        "created": match.timestamp("2024-01-01T00:00:00", format=DATETIME),
        "hex": match.regex("ab12", regex="[a-f0-9]+"),
        "any": match.like({"x": 1}),
        "keys": keys,
    }
    (
        interaction.with_request("POST", match.regex("/items/1", regex=r"/items/\d+"))
        .with_query_parameter("q", match.str("x"))
        .with_query_parameter("page", "1")
        .with_header("X-Trace", match.uuid())
        .with_body(request_body, content_type="application/json")
        .will_respond_with(200)
        .with_header("Content-Type", "application/json")
        .with_body(response_body, content_type="application/json")
    )
    binary = pact.upon_receiving("binary")
    binary.with_request("GET", "/bin").will_respond_with(200).with_binary_body(
        b"\x00\x01", content_type="application/octet-stream"
    )
    with pact.serve(addr="127.0.0.1", raises=False):
        pass
    pact.write_file(folder, overwrite=True)


def message_pact(spec: str, kind: str, folder: Path) -> None:
    pact = Pact(f"Msg{spec}{kind}", "MsgProvider").with_specification(spec)
    if kind == "Async":
        message = pact.upon_receiving(f"an event {kind}", "Async")
        message.given("user exists", id=3)
        contents = {
            "id": match.int(1),
            "ts": match.datetime("2024-01-01T00:00:00", format=DATETIME),
        }
        message.with_body(contents, content_type="application/json")
        message.with_metadata({"topic": "users"})
    else:
        sync = pact.upon_receiving(f"an event {kind}", "Sync")
        sync.given("user exists", id=3)
        sync.with_body({"q": match.str("x")}, content_type="application/json")
        sync.will_respond_with()
        sync.with_body({"id": match.int(1)}, content_type="application/json")
    pact.write_file(folder, overwrite=True)


def main() -> int:
    folder = Path(sys.argv[1])
    for spec in ("V2", "V3", "V4"):
        http_pact(spec, folder)
    for spec, kind in (("V3", "Async"), ("V4", "Async"), ("V4", "Sync")):
        message_pact(spec, kind, folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
