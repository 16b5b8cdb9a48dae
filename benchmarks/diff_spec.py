"""`verifier.spec_diff` on the four large specs, each diffed against small mutations of itself.

    .venv/bin/python benchmarks/diff_spec.py [--repeat 3]

For Stripe (OpenAPI 3.0, 4 MB), Kubernetes (Swagger 2.0, 4 MB), OpenAI (3.1 YAML, 3 MB) and
Discord (3.1, 1 MB) from `../shared/corpora/openapi-large`: parse and index the spec once
(`load_spec`), then diff it against itself and against four mutations, each made on a copy
that shares everything but the edited branch: an operation removed, a response property's
type changed, a required query parameter added, the success response of an operation removed,
and (the worst case for the walk) a property of the most referenced schema retyped. Prints
the best-of-`--repeat` time of each diff, its ratio to the parse, and whether the change the
mutation should cause was reported at ERR level (the script exits 1 if not).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from verifier.comparison import Spec, load_spec
from verifier.comparison.schemas import split_ref
from verifier.spec_diff import Change, diff_specs

REPO = Path(__file__).resolve().parents[1]

SHARED = Path(os.environ.get("ACCORD_SHARED_DIR") or REPO.parent / "shared")
LARGE = SHARED / "corpora" / "openapi-large"
SPECS = {
    "stripe": LARGE / "stripe" / "spec3.json",
    "kubernetes": LARGE / "kubernetes" / "swagger.json",
    "openai": LARGE / "openai" / "openapi.yaml",
    "discord": LARGE / "discord" / "openapi.json",
}
METHODS = ("get", "post", "put", "patch", "delete")
Mutation = Callable[[dict[str, Any]], tuple[dict[str, Any], set[str]]]


def _replace(node: dict[str, Any], path: list[str], edit: Callable[[Any], Any]) -> dict[str, Any]:
    """A copy of `node` with `edit` applied at `path`, copying only the dicts on the way."""
    if not path:
        return edit(node)  # type: ignore[no-any-return]  # edits return the document's own shapes
    copied = dict(node)
    copied[path[0]] = _replace(node[path[0]], path[1:], edit)
    return copied


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, item[method])
        for path, item in sorted(document["paths"].items())
        for method in METHODS
        if isinstance(item.get(method), dict)
    ]


def _without(key: str, node: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in node.items() if k != key}


def remove_operation(document: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """Drop the first operation (not deprecated) of a path that has another one."""
    for path, method, operation in _operations(document):
        if (
            operation.get("deprecated") is not True
            and sum(m in document["paths"][path] for m in METHODS) > 1
        ):
            mutated = _replace(document, ["paths", path], partial(_without, method))
            return mutated, {"api-removed-without-deprecation"}
    raise SystemExit("no path with two operations")


def _success_schema(document: dict[str, Any], operation: dict[str, Any]) -> Any:
    response = (operation.get("responses") or {}).get("200") or {}
    if "schema" in response:
        return response["schema"]
    media = (response.get("content") or {}).get("application/json") or {}
    return media.get("schema")


def change_property_type(document: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """Turn the first string property of a referenced 200 response schema into an integer."""
    for _, _, operation in _operations(document):
        schema = _success_schema(document, operation)
        ref = schema.get("$ref") if isinstance(schema, dict) else None
        path = split_ref(ref) if isinstance(ref, str) else None
        if not path:
            continue
        target = document
        for part in path:
            target = target[part]
        for name, prop in (target.get("properties") or {}).items():
            if isinstance(prop, dict) and prop.get("type") == "string" and "enum" not in prop:
                edit = lambda p: {**p, "type": "integer"}  # noqa: E731
                mutated = _replace(document, [*path, "properties", name], edit)
                return mutated, {"response-property-type-changed"}
    raise SystemExit("no referenced response schema with a string property")


def change_shared_schema(document: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """Retype a string property of the most referenced schema: the worst case for the walk."""
    counts: dict[str, int] = {}
    pending: list[Any] = [
        document["paths"],
        document.get("components"),
        document.get("definitions"),
    ]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                counts[node["$ref"]] = counts.get(node["$ref"], 0) + 1
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    for ref in sorted(counts, key=lambda r: -counts[r]):
        path = split_ref(ref) or []
        target: Any = document
        for part in path:
            target = target.get(part) if isinstance(target, dict) else None
        for name, prop in ((target or {}).get("properties") or {}).items():
            if isinstance(prop, dict) and prop.get("type") == "string" and "enum" not in prop:
                edit = lambda p: {**p, "type": "integer"}  # noqa: E731
                mutated = _replace(document, [*path, "properties", name], edit)
                return mutated, {"response-property-type-changed", "request-property-type-changed"}
    raise SystemExit("no referenced schema with a string property")


def add_required_parameter(document: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """Give the first GET operation a new required query parameter."""
    swagger2 = document.get("swagger") == "2.0"
    parameter: dict[str, Any] = {"name": "accord_new", "in": "query", "required": True}
    parameter.update({"type": "string"} if swagger2 else {"schema": {"type": "string"}})
    for path, method, _ in _operations(document):
        if method == "get":
            edit = lambda op: {**op, "parameters": [*(op.get("parameters") or []), parameter]}  # noqa: E731
            mutated = _replace(document, ["paths", path, method], edit)
            return mutated, {"new-required-request-parameter"}
    raise SystemExit("no GET operation")


def remove_success_response(document: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """Drop the 200 response of the last operation that has one and another response."""
    for path, method, operation in reversed(_operations(document)):
        responses = operation.get("responses") or {}
        if "200" in responses and len(responses) > 1:
            edit = partial(_without, "200")
            mutated = _replace(document, ["paths", path, method, "responses"], edit)
            return mutated, {"response-success-status-removed"}
    raise SystemExit("no operation with a 200 response and another")


MUTATIONS: dict[str, Mutation] = {
    "remove an operation": remove_operation,
    "change a property type": change_property_type,
    "add a required parameter": add_required_parameter,
    "retype most shared schema": change_shared_schema,
    "remove a 200 response": remove_success_response,
}


def _best(repeat: int, work: Callable[[], list[Change]]) -> tuple[float, list[Change]]:
    best, result = float("inf"), []
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    return best, result


def _row(spec: str, label: str, seconds: float, parse: float, note: str = "") -> str:
    return f"{spec:<11} {label:<26} {seconds * 1000:>8.1f}ms {seconds / parse:>8.2f}  {note}"


def main() -> int:
    """Run every spec against every mutation and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    args = parser.parse_args()
    missed = 0
    print(f"{'spec':<11} {'diff':<26} {'time':>10} {'x parse':>8}  detected")
    for name, file in SPECS.items():
        content = file.read_bytes()
        started = time.perf_counter()
        base = load_spec(content)
        parse = time.perf_counter() - started
        print(_row(name, "parse and index", parse, parse))
        elapsed, changes = _best(args.repeat, partial(diff_specs, base, Spec(base.document)))
        print(_row(name, "unchanged copy", elapsed, parse, f"{len(changes)} changes"))
        for label, mutate in MUTATIONS.items():
            document, expected = mutate(base.document)
            elapsed, changes = _best(args.repeat, partial(diff_specs, base, Spec(document)))
            found = {c.id for c in changes if c.is_breaking} & expected
            missed += not found
            verdict = f"yes ({', '.join(sorted(found))})" if found else f"NO (wanted {expected})"
            print(_row(name, label, elapsed, parse, verdict))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
