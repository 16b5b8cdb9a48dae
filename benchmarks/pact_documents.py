"""What the pure pact work costs on a big pact: parse, validate, hash, diff.

    .venv/bin/python benchmarks/pact_documents.py [--interactions 5000] [--repeat 5]

Builds a V3 pact of about 1 KB per interaction (5,000 interactions is about 5 MB), then times
each step the publish path runs before touching storage, and prints the median of `--repeat`
runs and each step's share of the one-second publish budget (issue 3).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import msgspec

from broker.domain.pact_diff import diff_pacts, render_text
from broker.domain.pacts import canonical_sha, parse_pact
from broker.services.pact_validation import check_pact
from verifier.pact_validation import validate_pact

BUDGET_SECONDS = 1.0


def interaction(index: int) -> dict[str, object]:
    items = [
        {
            "id": index * 10 + n,
            "name": f"user {index}-{n}",
            "email": f"u{index}.{n}@example.com",
            "roles": ["reader", "writer"],
            "active": n % 2 == 0,
        }
        for n in range(5)
    ]
    return {
        "description": f"a request for the users of team {index}",
        "providerStates": [{"name": "team exists", "params": {"id": index}}],
        "request": {
            "method": "GET",
            "path": f"/teams/{index}/users",
            "query": {"page": ["1"], "size": ["5"]},
            "headers": {"Accept": "application/json", "Authorization": "Bearer token"},
        },
        "response": {
            "status": 200,
            "headers": {"Content-Type": "application/json"},
            "body": {"items": items, "total": 5},
            "matchingRules": {
                "body": {
                    "$.items": {"matchers": [{"match": "type", "min": 1}]},
                    "$.items[*].id": {"matchers": [{"match": "integer"}]},
                    "$.items[*].email": {
                        "matchers": [{"match": "regex", "regex": "^[^@]+@[^@]+$"}]
                    },
                }
            },
        },
    }


def big_pact(count: int) -> bytes:
    document = {
        "consumer": {"name": "Web"},
        "provider": {"name": "Users"},
        "interactions": [interaction(i) for i in range(count)],
        "metadata": {"pactSpecification": {"version": "3.0.0"}, "pactRust": {"version": "1.0"}},
    }
    return msgspec.json.encode(document)


def as_v4_from_the_rust_core(document: dict[str, object]) -> dict[str, object]:
    """The same pact as pact-python 4.2 writes V4: typed, bodies without `contentTypeHint`.

    Every body then is a tolerated real-client fault, so validation takes the slow path.
    """
    interactions = []
    for item in document["interactions"]:  # type: ignore[attr-defined]
        response = dict(item["response"])
        response["body"] = {
            "content": response["body"],
            "contentType": "application/json",
            "encoded": False,
        }
        interactions.append({**item, "type": "Synchronous/HTTP", "response": response})
    metadata = {"pactSpecification": {"version": "4.0"}}
    return {**document, "interactions": interactions, "metadata": metadata}


def timed(step: Callable[[], object], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        step()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interactions", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    raw = big_pact(args.interactions)
    parsed = parse_pact(raw)
    changed = msgspec.json.decode(raw)
    changed["interactions"][7]["response"]["status"] = 201
    changed["interactions"].pop()
    v4 = as_v4_from_the_rust_core(msgspec.json.decode(raw))

    steps: dict[str, Callable[[], object]] = {
        "parse_pact": lambda: parse_pact(raw),
        "validate_pact (valid V3)": lambda: validate_pact(parsed.document),
        "validate_pact (V4, a tolerated fault each)": lambda: validate_pact(v4),
        "canonical_sha": lambda: canonical_sha(parsed.document),
        "check_pact + canonical_sha (publish path)": lambda: canonical_sha(
            check_pact(raw, "Web", "Users").pact.document
        ),
        "diff_pacts + render_text (one change)": lambda: render_text(
            diff_pacts(parsed.document, changed)
        ),
    }
    print(
        f"pact: {len(raw) / 1e6:.2f} MB, {args.interactions} interactions, "
        f"median of {args.repeat} runs"
    )
    for name, step in steps.items():
        seconds = timed(step, args.repeat)
        print(
            f"  {name:<44} {seconds * 1000:8.1f} ms  {seconds / BUDGET_SECONDS:6.1%} of budget"
            f"  {len(raw) / 1e6 / seconds:7.1f} MB/s"
        )


if __name__ == "__main__":
    main()
