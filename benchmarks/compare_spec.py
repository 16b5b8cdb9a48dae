"""Accord's comparison engine against openapi-pact-comparator 2.3.1 (`opc`), in one run.

    .venv/bin/python benchmarks/compare_spec.py [--pacts 50] [--interactions 20] [--opc PATH]

Generates `--pacts` pacts of `--interactions` GET interactions each from the Stripe spec
(`../shared/corpora/openapi-large/stripe/spec3.json`): the GET operations in path order, path
parameters filled in, a response body built from the 200 response's schema, and every seventh
interaction broken in one of five ways (a wrong type, an undeclared property, an undeclared
status, an undeclared query parameter, an unknown path), so both sides have results to agree
on. Then runs `accord compare-spec --output json` and `opc --oas` over the same files, each as
a process (wall time includes starting up and parsing the spec), reads each one's peak memory
(maximum resident set size), and checks that both report the same codes, types and locations
for every pact. `opc` comes from the clients `../shared/clients/install.sh` installs
(`~/.cache/accord/pact-clients` by default, `CLIENTS_DIR` overrides); `--skip-opc` runs
Accord alone.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ACCORD_SHARED_DIR") or REPO.parent / "shared")
STRIPE = SHARED / "corpora" / "openapi-large" / "stripe" / "spec3.json"
CLIENTS_DIR = Path(
    os.environ.get("CLIENTS_DIR") or Path.home() / ".cache" / "accord" / "pact-clients"
)
OPC = CLIENTS_DIR / "rust" / "node_modules" / ".bin" / "opc"
MAX_DEPTH = 3


def resolve(node: Any, spec: dict[str, Any]) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"][2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


SCALARS = {"string": "text", "integer": 7, "number": 1.5, "boolean": True}


def example(schema: Any, spec: dict[str, Any], depth: int = 0) -> Any:
    """A value the schema accepts, a few levels deep (deeper objects are left empty)."""
    schema = resolve(schema, spec)
    if not isinstance(schema, dict):
        return None
    choices = schema.get("anyOf") or schema.get("oneOf") or schema.get("allOf")
    if choices:
        # A nullable schema without a type is an object or null (the comparator's rule).
        objects = [b for b in choices if resolve(b, spec).get("type") == "object"]
        wanted = objects if schema.get("nullable") and "type" not in schema else []
        return example((wanted or choices)[0], spec, depth)
    if schema.get("enum"):
        return schema["enum"][0]
    kind = schema.get("type", "object")
    if isinstance(kind, list):  # OpenAPI 3.1: the first type that is not null
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" and depth < MAX_DEPTH:
        names = sorted(schema.get("properties") or {})[:8]
        return {name: example(schema["properties"][name], spec, depth + 1) for name in names}
    if kind == "array" and depth < MAX_DEPTH:
        return [example(schema.get("items") or {}, spec, depth + 1)]
    return SCALARS.get(kind, {} if kind == "object" else [] if kind == "array" else "text")


def get_operations(spec: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (path, item["get"])
        for path, item in sorted(spec["paths"].items())
        if "get" in item and "200" in item["get"].get("responses", {})
    ]


def break_body(body: Any, how: int) -> Any:
    """Break a body: a property of the wrong type (0) or one the schema does not have (1)."""
    if not isinstance(body, dict):
        return body
    broken = dict(body)
    if how == 0:
        text = next((name for name, value in body.items() if isinstance(value, str)), None)
        if text is not None:
            broken[text] = 12345
            return broken
    broken["not_in_the_spec"] = "surprise"
    return broken


def interaction(path: str, operation: dict[str, Any], spec: dict[str, Any], n: int) -> Any:
    media = resolve(operation["responses"]["200"], spec).get("content", {})
    schema = media.get("application/json", {}).get("schema", {})
    body = example(schema, spec)
    request: dict[str, Any] = {"method": "GET", "path": path.replace("{", "id_").replace("}", "")}
    request["headers"] = {"Accept": "application/json", "Authorization": "Bearer sk_test_1"}
    required = [
        parameter
        for parameter in operation.get("parameters", [])
        if parameter.get("in") == "query" and parameter.get("required")
    ]
    if required:
        request["query"] = {
            parameter["name"]: [str(example(parameter.get("schema", {}), spec))]
            for parameter in required
        }
    status, fault = 200, n // 7 % 5 if n % 7 == 6 else None
    if fault in {0, 1}:
        body = break_body(body, fault)
    elif fault == 2:
        status = 299
    elif fault == 3:
        request["query"] = {**request.get("query", {}), "undeclared_parameter": ["1"]}
    elif fault == 4:
        request["path"] = "/v1/not-a-stripe-path/" + str(n)
    return {
        "description": f"GET {path} ({n})",
        "providerStates": [{"name": "the account has data"}],
        "request": request,
        "response": {
            "status": status,
            "headers": {"Content-Type": "application/json"},
            "body": body,
        },
    }


def write_pacts(folder: Path, pacts: int, per_pact: int) -> list[Path]:
    spec = json.loads(STRIPE.read_text())
    operations = get_operations(spec)
    paths = []
    for p in range(pacts):
        interactions = []
        for i in range(per_pact):
            n = p * per_pact + i
            path, operation = operations[(n * 7) % len(operations)]
            interactions.append(interaction(path, operation, spec, n))
        pact = {
            "consumer": {"name": f"consumer-{p}"},
            "provider": {"name": "stripe"},
            "interactions": interactions,
            "metadata": {"pactSpecification": {"version": "3.0.0"}},
        }
        paths.append(folder / f"pact-{p:02d}.json")
        paths[-1].write_text(json.dumps(pact))
    return paths


def run(command: list[str]) -> tuple[float, int, str]:
    """Wall seconds, peak resident memory (bytes) and stdout of one process.

    Both tools exit with the number of pacts that have an error; any other failure (a crash)
    stops the benchmark with what the process said.
    """
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, stdout=out, stderr=err)
        # wait4 gives this one child's peak memory; Popen then needs to know it has ended.
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        if not out.read(1):
            sys.exit(f"{command[0]} failed ({process.returncode}): {err.read().decode()[-2000:]}")
        out.seek(0)
        return elapsed, usage.ru_maxrss * 1024, out.read().decode()


def identities(output: str) -> list[list[tuple[str, str, str, str]]]:
    return [
        [
            (r["code"], r["type"], r["mockDetails"]["location"], r["specDetails"]["location"])
            for r in json.loads(line)
        ]
        for line in output.splitlines()
        if line.strip()
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pacts", type=int, default=50)
    parser.add_argument("--interactions", type=int, default=20)
    parser.add_argument("--opc", type=Path, default=OPC)
    parser.add_argument("--skip-opc", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        pacts = [str(p) for p in write_pacts(Path(folder), args.pacts, args.interactions)]
        print(
            f"Stripe spec ({STRIPE.stat().st_size / 1e6:.1f} MB), {len(pacts)} pacts "
            f"of {args.interactions} GET interactions"
        )
        accord = [sys.executable, "-m", "clients.cli", "compare-spec", str(STRIPE), *pacts]
        opc = [str(args.opc), "--oas", str(STRIPE), *pacts]
        race(accord, None if args.skip_opc else opc, identities)


def race(
    accord: list[str],
    opc: list[str] | None,
    identities: Callable[[str], list[list[Any]]],
) -> None:
    """Run Accord's command, then opc's (None: Accord alone), each as a process; print the wall
    times, peak memory and ratios, and whether both gave the same results (`identities` reads
    each tool's JSON output as a list per pact). Exits 1 when they differ."""
    ours = run([*accord, "--output", "json"])
    print(f"accord  {ours[0]:7.2f} s  {ours[1] / 2**20:7.0f} MB")
    if opc is None:
        return
    if not Path(opc[0]).exists():
        sys.exit(f"opc is not installed at {opc[0]}: run ../shared/clients/install.sh")
    theirs = run(opc)
    print(f"opc     {theirs[0]:7.2f} s  {theirs[1] / 2**20:7.0f} MB")
    print(f"ratio   {theirs[0] / ours[0]:7.1f}x faster, {theirs[1] / ours[1]:.1f}x less memory")
    mine, reference = identities(ours[2]), identities(theirs[2])
    differing = [n for n, (a, b) in enumerate(zip(mine, reference, strict=False)) if a != b]
    results = sum(len(r) for r in reference)
    same = len(mine) == len(reference) and not differing
    print(
        f"results {results} from opc over {len(reference)} pacts; "
        f"{'identical codes, types and locations' if same else 'DIFFERENT'}"
    )
    for n in differing[:5]:
        print(f"  pact {n}: accord {[r for r in mine[n] if r not in reference[n]][:3]}")
        print(f"  pact {n}: opc    {[r for r in reference[n] if r not in mine[n]][:3]}")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
