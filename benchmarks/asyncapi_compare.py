"""Accord's AsyncAPI comparison against openapi-pact-comparator 2.3.1 (`opc --asyncapi`).

    .venv/bin/python benchmarks/asyncapi_compare.py [--channels 300] [--pacts 50]
        [--interactions 20] [--opc PATH]

Generates an AsyncAPI 3.0 document of `--channels` channels, each with a `send` operation
listing two messages (in `components.messages`, their payloads referring to shared
`components.schemas`, with a headers schema), and `--pacts` V4 pacts of `--interactions`
asynchronous messages each, spread over the operations. Every seventh message is broken in one
of five ways (a wrong type, an undeclared property, a bad header, an unknown operation, a
text payload), so both sides have results to agree on; the second message of an operation
matches half of the others, so messages are tried in order. Then runs `accord compare-spec
--output json` and `opc --asyncapi` over the same files, each as a process (wall time includes
starting up and parsing the document), reads each one's peak memory, and checks that both report
the same codes, types and locations, causes included. `opc` comes from the clients
`../shared/clients/install.sh` installs (`~/.cache/accord/pact-clients` by default,
`CLIENTS_DIR` overrides); `--skip-opc` runs Accord alone.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare_spec import race

CLIENTS_DIR = Path(
    os.environ.get("CLIENTS_DIR") or Path.home() / ".cache" / "accord" / "pact-clients"
)
OPC = CLIENTS_DIR / "rust" / "node_modules" / ".bin" / "opc"
UUID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def document(channels: int) -> dict[str, Any]:
    """The producer's document: `channels` channels, two messages and one operation each."""
    schemas: dict[str, Any] = {
        "Money": {
            "type": "object",
            "properties": {
                "amount": {"type": "number", "minimum": 0},
                "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
            },
            "required": ["amount", "currency"],
        },
        "Audit": {
            "type": "object",
            "properties": {
                "at": {"type": "string", "format": "date-time"},
                "by": {"type": "string"},
            },
        },
    }
    messages: dict[str, Any] = {}
    all_channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for n in range(channels):
        schemas[f"Entity{n}"] = {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string", "maxLength": 40},
                "status": {"type": "string", "enum": ["new", "active", "closed"]},
                "price": {"$ref": "#/components/schemas/Money"},
                "audit": {"$ref": "#/components/schemas/Audit"},
                "tags": {"type": "array", "items": {"type": "string"}},
            },
            "required": ["id", "status"],
        }
        for kind in ("Created", "Removed"):
            payload: dict[str, Any] = (
                {"$ref": f"#/components/schemas/Entity{n}"}
                if kind == "Created"
                else {
                    "type": "object",
                    "properties": {"id": {"type": "integer"}, "reason": {"type": "string"}},
                }
            )
            messages[f"Entity{n}{kind}"] = {
                "name": f"Entity{n}{kind}",
                "contentType": "application/json",
                "headers": {
                    "type": "object",
                    "properties": {
                        "traceId": {"type": "string", "format": "uuid"},
                        "source": {"type": "string"},
                    },
                },
                "payload": payload,
            }
        all_channels[f"entity{n}"] = {
            "address": f"entities.{n}.events",
            "messages": {
                kind.lower(): {"$ref": f"#/components/messages/Entity{n}{kind}"}
                for kind in ("Created", "Removed")
            },
        }
        operations[f"sendEntity{n}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/entity{n}"},
            "messages": [
                {"$ref": f"#/channels/entity{n}/messages/{kind.lower()}"}
                for kind in ("Created", "Removed")
            ],
        }
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "Entities", "version": "1.0.0"},
        "channels": all_channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }


def message(n: int, channels: int) -> dict[str, Any]:
    """One asynchronous message interaction; every seventh one is broken in one of five ways."""
    entity = (n * 13) % channels
    removed = n % 2 == 1
    content: Any = (
        {"id": n, "reason": "duplicate"}
        if removed
        else {
            "id": n,
            "name": f"entity {n}",
            "status": "active",
            "price": {"amount": 12.5, "currency": "EUR"},
            "audit": {"at": "2026-01-02T03:04:05Z", "by": "ops"},
            "tags": ["a", "b"],
        }
    )
    metadata = {"traceId": UUID, "source": "billing"}
    operation, content_type = f"sendEntity{entity}", "application/json"
    fault = n // 7 % 5 if n % 7 == 6 else None
    if fault == 0:
        content = {**content, "id": "not a number"}
    elif fault == 1:
        content = {**content, "unexpected": True}
    elif fault == 2:
        metadata["traceId"] = "not-a-uuid"
    elif fault == 3:
        operation = f"sendNothing{n}"
    elif fault == 4:
        content, content_type = f"id={n}", "text/plain"
    return {
        "type": "Asynchronous/Messages",
        "description": f"entity {entity} event ({n})",
        "providerStates": [{"name": "entities exist"}],
        "contents": {"content": content, "contentType": content_type, "encoded": False},
        "metadata": metadata,
        "comments": {"references": {"AsyncAPI": {"operationId": operation}}},
    }


def write_files(folder: Path, channels: int, pacts: int, per_pact: int) -> tuple[Path, list[Path]]:
    spec = folder / "asyncapi.json"
    spec.write_text(json.dumps(document(channels)))
    paths = []
    for p in range(pacts):
        pact = {
            "consumer": {"name": f"consumer-{p}"},
            "provider": {"name": "entities"},
            "interactions": [message(p * per_pact + i, channels) for i in range(per_pact)],
            "metadata": {"pactSpecification": {"version": "4.0"}},
        }
        paths.append(folder / f"pact-{p:02d}.json")
        paths[-1].write_text(json.dumps(pact))
    return spec, paths


def identity(result: dict[str, Any]) -> Any:
    return (
        result["code"],
        result["type"],
        result.get("mockDetails", {}).get("location"),
        result["specDetails"]["location"],
        tuple(identity(cause) for cause in result.get("causes", [])),
    )


def identities(output: str) -> list[list[Any]]:
    return [[identity(r) for r in json.loads(line)] for line in output.splitlines() if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=300)
    parser.add_argument("--pacts", type=int, default=50)
    parser.add_argument("--interactions", type=int, default=20)
    parser.add_argument("--opc", type=Path, default=OPC)
    parser.add_argument("--skip-opc", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        spec, files = write_files(Path(folder), args.channels, args.pacts, args.interactions)
        pacts = [str(p) for p in files]
        size = spec.stat().st_size / 1e3
        print(
            f"AsyncAPI 3.0 document of {args.channels} channels ({size:.0f} kB),"
            f" {len(pacts)} pacts of {args.interactions} asynchronous messages"
        )
        accord = [sys.executable, "-m", "clients.cli", "compare-spec", str(spec), *pacts]
        opc = [str(args.opc), "--asyncapi", str(spec), *pacts]
        race(accord, None if args.skip_opc else opc, identities)


if __name__ == "__main__":
    main()
