"""Pact validation and parsing against the shared corpora.

- `pact-schemas/examples/vN/{pass,fail}`: the strict profile classifies each example exactly
  as upstream's Ajv run does; the reader profile (the upload default) refuses every `fail`
  example except those listed in `READER_ACCEPTS`, each with the reason.
- `sample-pacts`: real pact files written by the Rust and JVM implementations parse, pass the
  reader profile and keep their content when re-encoded.

The corpora sit beside the repository (`../shared/corpora`); `ACCORD_SHARED_DIR` points
elsewhere.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import msgspec
import pytest

from broker.domain.pacts import canonical_sha, parse_pact
from broker.services.pact_validation import check_pact, validate_pact

SHARED = Path(
    os.environ.get("ACCORD_SHARED_DIR") or Path(__file__).resolve().parents[3].parent / "shared"
)
CORPORA = SHARED / "corpora"
EXAMPLES = sorted((CORPORA / "pact-schemas" / "examples").glob("v*/*/*.json"))
SAMPLES = sorted(
    p
    for p in (CORPORA / "sample-pacts").rglob("*.json")
    if p.name != "verifier-results.schema.json"  # the verifier's report schema, not a pact
)

# `fail` examples the reader profile lets through, by the rule in pact_validation that does.
_UNKNOWN = "an unknown member: readers ignore it (Pact specification, Extensions)"
_RULES = "inside matching rules: stored as written, judged by the verifier"
_METADATA = "in tool-written metadata: the specification version is read leniently"
_QUERY = "a query value with `=` in it: legal (RFC 3986 §3.4), and pact-jvm writes one"
READER_ACCEPTS = {
    "additional-interaction-request": _UNKNOWN,
    "additional-interaction-response": _UNKNOWN,
    "additional-interaction": _UNKNOWN,
    "additional-metadata-pact-specification-legacy-b": _UNKNOWN,
    "additional-metadata-pact-specification": _UNKNOWN,
    "additional-interaction-request-matching-rules-regex": _UNKNOWN,
    "additional-interaction-request-matching-rules-type": _UNKNOWN,
    "additional-interaction-response-matching-rules-regex": _UNKNOWN,
    "additional-interaction-response-matching-rules-type": _UNKNOWN,
    "invalid-interaction-provider-state-legacy": _UNKNOWN,
    "invalid-interaction-provider-state": _UNKNOWN,
    "invalid-interaction-request-matching-rules-1-legacy": _RULES,
    "invalid-interaction-response-matching-rules-1-legacy": _RULES,
    "invalid-interaction-request-matching-rules-combine": _RULES,
    "invalid-interaction-request-matching-rules-missing-dollar": _RULES,
    "invalid-interaction-response-matching-rules-missing-dollar": _RULES,
    "invalid-interaction-request-matching-rules-unknown-matcher": _RULES,
    "invalid-interaction-response-matching-rules-unknown-matcher": _RULES,
    "missing-interaction-request-matching-rules-match": _RULES,
    "missing-interaction-request-matching-rules-regex": _RULES,
    "missing-interaction-response-matching-rules-match": _RULES,
    "missing-interaction-response-matching-rules-regex": _RULES,
    "invalid-metadata-pact-specification-version-legacy-a": _METADATA,
    "invalid-metadata-pact-specification-version-legacy-b": _METADATA,
    "missing-metadata-pact-specification-version-legacy-b": _METADATA,
    "missing-metadata-pact-specification-version": _METADATA,
    "invalid-interaction-request-query-1-double-equals": _QUERY,
    "invalid-interaction-request-query-2-missing-ampersand": _QUERY,
}


def example_id(path: Path) -> str:
    return "/".join(path.parts[-3:]).removesuffix(".json")


def load(path: Path) -> Any:
    return json.loads(path.read_bytes())


def test_the_corpora_are_there() -> None:
    """Counts from the corpus READMEs: an empty parametrisation must not pass silently."""
    counts = {
        (version, kind): len(
            list((CORPORA / "pact-schemas" / "examples" / version / kind).glob("*.json"))
        )
        for version in ("v1", "v2", "v3")
        for kind in ("pass", "fail")
    }
    assert counts == {
        ("v1", "pass"): 47,
        ("v1", "fail"): 32,
        ("v2", "pass"): 56,
        ("v2", "fail"): 45,
        ("v3", "pass"): 53,
        ("v3", "fail"): 32,
    }, f"pact-schemas corpus not found or changed under {CORPORA}"
    assert len(SAMPLES) == 81, f"sample-pacts corpus not found or changed under {CORPORA}"


@pytest.mark.parametrize("path", EXAMPLES, ids=example_id)
def test_the_strict_profile_classifies_each_schema_example(path: Path) -> None:
    version, kind = path.parts[-3].removeprefix("v"), path.parts[-2]
    problems = validate_pact(load(path), version)  # type: ignore[arg-type]  # "1", "2" or "3"
    if kind == "pass":
        assert problems == []
    else:
        assert problems, "a fail example validated"
        assert all(p.pointer.startswith("/") and p.detail for p in problems)


@pytest.mark.parametrize("path", [p for p in EXAMPLES if p.parts[-2] == "fail"], ids=example_id)
def test_the_reader_profile_refuses_fail_examples_except_the_listed_ones(path: Path) -> None:
    version = path.parts[-3].removeprefix("v")
    problems = validate_pact(load(path), version, strict=False)  # type: ignore[arg-type]
    if path.stem in READER_ACCEPTS:
        assert problems == [], READER_ACCEPTS[path.stem]
    else:
        assert problems


@pytest.mark.parametrize("path", [p for p in EXAMPLES if p.parts[-2] == "pass"], ids=example_id)
def test_every_pass_example_publishes(path: Path) -> None:
    document = load(path)
    pact = check_pact(path.read_bytes(), document["consumer"]["name"], document["provider"]["name"])
    assert pact.consumer == document["consumer"]["name"]


def test_a_schema_error_points_at_the_bad_place() -> None:
    path = CORPORA / "pact-schemas/examples/v2/fail/invalid-interaction-response-status-600.json"
    [problem] = validate_pact(load(path), "2")
    assert problem.pointer == "/interactions/0/response/status"
    assert problem.detail == "must be at most 599"


def test_a_missing_member_is_pointed_at_by_name() -> None:
    path = CORPORA / "pact-schemas/examples/v1/fail/missing-interaction-request-method.json"
    assert [(p.pointer, p.detail) for p in validate_pact(load(path), "1")] == [
        ("/interactions/0/request/method", "is required")
    ]


def expected_types(document: Any) -> list[str]:
    """The interaction types the file declares, read independently of `parse_pact`."""
    interactions = document.get("interactions", [])
    types = [i.get("type", "Synchronous/HTTP") for i in interactions]
    return types + ["Asynchronous/Messages"] * len(document.get("messages", []))


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: str(p.relative_to(CORPORA)))
def test_each_sample_pact_parses_to_what_the_file_holds(path: Path) -> None:
    document = load(path)
    pact = parse_pact(path.read_bytes())
    assert pact.consumer == document["consumer"]["name"]
    assert pact.provider == document["provider"]["name"]
    assert [i.type for i in pact.interactions] == expected_types(document)
    assert [i.description for i in pact.interactions] == [
        i["description"] for i in document.get("interactions", []) + document.get("messages", [])
    ]
    assert pact.document == document


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: str(p.relative_to(CORPORA)))
def test_each_sample_pact_publishes_and_round_trips(path: Path) -> None:
    """Real clients' files pass the upload check; re-encoding keeps the content and its sha."""
    pact = check_pact(path.read_bytes(), *_names(path))
    again = parse_pact(msgspec.json.encode(pact.document))
    assert again == pact
    assert canonical_sha(again.document) == canonical_sha(pact.document)


def _names(path: Path) -> tuple[str, str]:
    document = load(path)
    return document["consumer"]["name"], document["provider"]["name"]


@pytest.mark.parametrize(
    ("name", "types", "specification"),
    [
        ("pact-jvm/v4-sync-messages-pact.json", ["Synchronous/Messages"], "4"),
        ("pact-jvm/v4-combined-pact.json", ["Synchronous/HTTP", "Asynchronous/Messages"], "4"),
        ("pact-jvm/v3-message-pact.json", ["Asynchronous/Messages"], "3"),
        ("pact-jvm/message-pact-broker.json", ["Asynchronous/Messages"], "3"),
        ("pact-jvm/v1-pact.json", ["Synchronous/HTTP"], "1"),
        ("pact-jvm/pact-invalid-version.json", ["Synchronous/HTTP"], "2"),
        ("pact-reference/pact_matching/test_pact_camel_case_spec_version.json", None, "1.1"),
        ("pact-reference/pact_matching/test_pact_no_metadata.json", None, "2"),
    ],
)
def test_known_samples_have_the_expected_types_and_versions(
    name: str, types: list[str] | None, specification: str
) -> None:
    pact = parse_pact((CORPORA / "sample-pacts" / name).read_bytes())
    if types is not None:
        assert sorted({i.type for i in pact.interactions}) == sorted(types)
    assert pact.specification == specification


@pytest.mark.parametrize(
    "name",
    [
        "pact-jvm/v2-pact-broker.json",
        "pact-jvm/v3-pact-broker.json",
        "pact-jvm/message-pact-broker.json",
        "pact-reference/pact_verifier/pact-one.json",
    ],
)
def test_broker_decorations_do_not_change_the_sha(name: str) -> None:
    """A pact read back from a broker (with `_links`, `createdAt`, `_id`s) is the same content."""
    document = load(CORPORA / "sample-pacts" / name)
    undecorated = {k: v for k, v in document.items() if k not in ("_links", "createdAt")}
    for section in ("interactions", "messages"):
        undecorated[section] = [
            {k: v for k, v in i.items() if k != "_id"} for i in document.get(section, [])
        ]
        if not undecorated[section]:
            del undecorated[section]
    assert canonical_sha(undecorated) == canonical_sha(document)
