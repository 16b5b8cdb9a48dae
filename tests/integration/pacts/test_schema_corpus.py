"""Pact validation and parsing against the shared corpora.

- `pact-schemas/examples/vN/{pass,fail}`: strict validation classifies each example exactly as
  upstream's Ajv run does; the lenient upload (the broker's default) refuses every `fail`
  example except those whose only fault is one of the named real-client faults
  (`verifier.pact_validation.TOLERANCES`), listed in `LENIENT_ACCEPTS`.
- `sample-pacts`: real pact files written by the Rust and JVM implementations parse, pass the
  lenient upload (with their faults named) and keep their content when re-encoded; strict
  validation refuses those with faults.

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

from broker.domain.errors import InvalidInputError
from broker.domain.pacts import canonical_sha, parse_pact
from broker.services.pact_validation import check_notices, check_pact
from verifier.pact_validation import BY_NAME, TOLERANCES, validate_pact
from verifier.pact_validation.checking import _explained

SHARED = Path(
    os.environ.get("ACCORD_SHARED_DIR") or Path(__file__).resolve().parents[3].parent / "shared"
)
CORPORA = SHARED / "corpora"
EXAMPLES = sorted((CORPORA / "pact-schemas" / "examples").glob("v*/*/*.json"))
FAIL_EXAMPLES = [p for p in EXAMPLES if p.parts[-2] == "fail"]
SAMPLES = sorted(
    p
    for p in (CORPORA / "sample-pacts").rglob("*.json")
    if p.name != "verifier-results.schema.json"  # the verifier's report schema, not a pact
)
# What pact-python 4.2 writes: the e2e fixtures, and this folder's richer pacts (write_pacts.py).
PACT_PYTHON = sorted((SHARED / "clients" / "fixtures" / "pacts").glob("*.json")) + sorted(
    (Path(__file__).parent / "pact_python").glob("*.json")
)
REAL_CLIENT_PACTS = SAMPLES + PACT_PYTHON

# `fail` examples whose only fault is a named real-client fault, and its name.
LENIENT_ACCEPTS = {
    "v1/fail/invalid-interaction-request-query-1-double-equals": "query-with-equals-in-value",
    "v1/fail/invalid-interaction-request-query-2-missing-ampersand": "query-with-equals-in-value",
    "v2/fail/invalid-interaction-request-query-1-double-equals": "query-with-equals-in-value",
    "v2/fail/invalid-interaction-request-query-2-missing-ampersand": "query-with-equals-in-value",
    "v2/fail/invalid-interaction-provider-state-legacy": "legacy-provider-state",
    "v3/fail/invalid-interaction-provider-state": "legacy-provider-state",
}


def example_id(path: Path) -> str:
    return "/".join(path.parts[-3:]).removesuffix(".json")


def load(path: Path) -> Any:
    return json.loads(path.read_bytes())


def as_published(path: Path) -> bytes:
    """An example as a client would publish it: declaring the version its folder names.

    Most examples carry no metadata (upstream picks the schema by folder); one that has
    metadata is left as it is, so its metadata fault stays.
    """
    document = load(path)
    if "metadata" not in document:
        version = {"v1": "1.0.0", "v2": "2.0.0", "v3": "3.0.0"}[path.parts[-3]]
        document["metadata"] = {"pactSpecification": {"version": version}}
    return json.dumps(document).encode()


def names(path: Path) -> tuple[str, str]:
    """The consumer and provider an example names ("C" and "P" where it names none)."""
    document = load(path)
    consumer = (document.get("consumer") or {}).get("name", "C")
    provider = (document.get("provider") or {}).get("name", "P")
    return consumer, provider


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
    version = path.parts[-3].removeprefix("v")
    validation = validate_pact(load(path), specification=version)  # type: ignore[arg-type]  # "1", "2" or "3"
    problems = validation.refused(strict=True)
    if path.parts[-2] == "pass":
        assert problems == []
    else:
        assert problems, "a fail example validated"
        assert all(p.pointer.startswith("/") and p.detail for p in problems)


@pytest.mark.parametrize("path", FAIL_EXAMPLES, ids=example_id)
def test_trust_13_the_lenient_upload_refuses_each_fail_example_unless_a_real_client_writes_it(
    path: Path,
) -> None:
    """Everything the schema refuses is refused, except the named real-client faults."""
    consumer, provider = names(path)
    name = LENIENT_ACCEPTS.get(example_id(path))
    if name is None:
        with pytest.raises(InvalidInputError) as refused:
            check_pact(as_published(path), consumer, provider)
        assert all(e.pointer.startswith("/") and e.detail for e in refused.value.errors)
    else:
        accepted = check_pact(as_published(path), consumer, provider)
        assert {f.tolerance for f in accepted.tolerated} == {name}
        [warning] = [n for n in check_notices(accepted) if n.type == "warning"]
        assert f"[{name}]" in warning.text
        assert accepted.tolerated[0].pointer in warning.text


@pytest.mark.parametrize("path", FAIL_EXAMPLES, ids=example_id)
def test_trust_13_the_strict_upload_refuses_every_fail_example(path: Path) -> None:
    consumer, provider = names(path)
    with pytest.raises(InvalidInputError):
        check_pact(as_published(path), consumer, provider, strict=True)


@pytest.mark.parametrize("path", [p for p in EXAMPLES if p.parts[-2] == "pass"], ids=example_id)
def test_every_pass_example_publishes(path: Path) -> None:
    for strict in (False, True):
        checked = check_pact(as_published(path), *names(path), strict=strict)
        assert checked.pact.consumer == names(path)[0]
        assert checked.tolerated == ()


def test_a_schema_error_points_at_the_bad_place() -> None:
    path = CORPORA / "pact-schemas/examples/v2/fail/invalid-interaction-response-status-600.json"
    [problem] = validate_pact(load(path), specification="2").faults
    assert problem.pointer == "/interactions/0/response/status"
    assert problem.detail == "must be at most 599"


def test_a_missing_member_is_pointed_at_by_name() -> None:
    path = CORPORA / "pact-schemas/examples/v1/fail/missing-interaction-request-method.json"
    assert [(p.pointer, p.detail) for p in validate_pact(load(path)).faults] == [
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


def real_client_id(path: Path) -> str:
    return path.name if path in PACT_PYTHON else str(path.relative_to(CORPORA))


@pytest.mark.parametrize("path", REAL_CLIENT_PACTS, ids=real_client_id)
def test_each_sample_pact_publishes_and_round_trips(path: Path) -> None:
    """Real clients' files pass the upload check; re-encoding keeps the content and its sha."""
    checked = check_pact(path.read_bytes(), *_names(path))
    pact = checked.pact
    again = parse_pact(msgspec.json.encode(pact.document))
    assert again == pact
    assert canonical_sha(again.document) == canonical_sha(pact.document)


@pytest.mark.parametrize("path", REAL_CLIENT_PACTS, ids=real_client_id)
def test_trust_13_strict_validation_refuses_each_sample_with_a_real_client_fault(
    path: Path,
) -> None:
    """A sample the lenient upload accepted with a warning is refused when strict, and the
    warning names every fault the strict refusal lists."""
    checked = check_pact(path.read_bytes(), *_names(path))
    if not checked.tolerated:
        check_pact(path.read_bytes(), *_names(path), strict=True)
        return
    assert all(f.tolerance in BY_NAME for f in checked.tolerated)
    with pytest.raises(InvalidInputError) as refused:
        check_pact(path.read_bytes(), *_names(path), strict=True)
    assert [e.pointer for e in refused.value.errors] == [f.pointer for f in checked.tolerated]


def test_trust_13_every_named_fault_is_one_a_real_client_writes() -> None:
    """The named list holds nothing a real client was not seen to write."""
    seen = {
        fault.tolerance
        for path in REAL_CLIENT_PACTS
        for fault in validate_pact(load(path)).faults
        if fault.tolerance is not None
    }
    assert seen == {t.name for t in TOLERANCES}


@pytest.mark.parametrize("path", REAL_CLIENT_PACTS, ids=real_client_id)
def test_mending_common_faults_reports_what_the_full_check_reports(path: Path) -> None:
    """The fast path (commonest faults mended before fastjsonschema) finds the same faults,
    pointers, details and names as jsonschema's full explanation."""
    document = load(path)
    validation = validate_pact(document)
    full = _explained(document, validation.specification)
    assert sorted(validation.faults, key=repr) == sorted(full, key=repr)


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
        # No metadata and nothing newer than V1 (a query string, one providerState).
        ("pact-reference/pact_matching/test_pact_no_metadata.json", None, "1"),
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
