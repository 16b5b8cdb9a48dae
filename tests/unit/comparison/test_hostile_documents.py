"""The spec and pact readers bound what a document may cost; the commands say so in a sentence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clients.cli.__main__ import main
from tests.support.hostile_documents import alias_bomb, nested_json, openapi, pact, reference_bomb
from verifier.comparison import SpecError, compare, load_spec
from verifier.comparison.documents import DocumentError, check_bounds, read_document


def test_trust_06_an_alias_bomb_is_refused_without_expanding_it() -> None:
    """Measuring visits each distinct node once; expanding 9^10 nodes would take hours."""
    with pytest.raises(SpecError, match="expands to more than"):
        load_spec(alias_bomb(10))


def test_trust_06_a_ref_bomb_is_refused() -> None:
    with pytest.raises(SpecError, match=r"through \$ref in allOf"):
        load_spec(reference_bomb(10))


def test_a_small_ref_chain_is_read() -> None:
    assert load_spec(reference_bomb(3)).document["openapi"] == "3.0.0"


def test_bounds_count_a_shared_node_once_per_place() -> None:
    shared = list(range(10))
    with pytest.raises(DocumentError, match="more than 25 nodes"):
        check_bounds({"a": shared, "b": shared, "c": shared}, max_nodes=25)
    check_bounds({"a": shared, "b": shared}, max_nodes=25)


def test_a_recursive_alias_is_refused() -> None:
    with pytest.raises(DocumentError, match="contains itself"):
        read_document(b"a: &a [1, *a]\n")


@pytest.mark.parametrize("depth", [200, 5000])
def test_deep_json_and_yaml_are_refused(depth: int) -> None:
    with pytest.raises(DocumentError, match="nest"):
        read_document(nested_json(depth).encode())
    with pytest.raises(DocumentError, match="nest"):
        read_document(("a: " + nested_json(depth)).encode())


@pytest.mark.parametrize("command", ["compare-spec", "diff-spec"])
@pytest.mark.parametrize(
    "document",
    [alias_bomb(10), reference_bomb(10), json.dumps(openapi({"x": "X"})).encode()],
    ids=["alias-bomb", "ref-bomb", "deep"],
)
def test_trust_06_the_commands_refuse_a_hostile_spec_in_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, document: bytes
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_bytes(document.replace(b'"X"', nested_json(5000).encode()))
    good = tmp_path / "good.json"
    good.write_bytes(json.dumps(openapi({"type": "object"})).encode())
    pact_file = tmp_path / "pact.json"
    pact_file.write_bytes(pact())
    arguments = (
        [command, str(spec), str(pact_file)]
        if command == "compare-spec"
        else [command, str(good), str(spec)]
    )
    assert main(arguments) != 0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err
    assert "Unexpected error" not in err
    assert "nest" in err or "expand" in err, err


@pytest.mark.parametrize("command", ["compare-spec", "diff-spec"])
def test_trust_06_the_commands_refuse_a_deep_pact_in_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    spec = tmp_path / "spec.json"
    spec.write_bytes(json.dumps(openapi({"type": "object"})).encode())
    pact_file = tmp_path / "pact.json"
    pact_file.write_bytes(pact(nested_json(5000)))
    arguments = (
        [command, str(spec), str(pact_file)]
        if command == "compare-spec"
        else [command, str(spec), str(spec), "--pact", str(pact_file)]
    )
    assert main(arguments) != 0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert "Unexpected error" not in err
    assert "nest" in err, err


def reference_chain(length: int, keyword: str) -> bytes:
    """Schemas S0 … Sn, each naming the next through `keyword` (one member)."""
    schemas: dict[str, object] = {
        f"S{i}": {keyword: [{"$ref": f"#/components/schemas/S{i + 1}"}]} for i in range(length)
    }
    schemas[f"S{length}"] = {"type": "object"}
    return json.dumps(openapi({"$ref": "#/components/schemas/S0"}, {"schemas": schemas})).encode()


def test_trust_06_a_long_allof_chain_is_refused_whichever_end_is_measured_first() -> None:
    """Flattening inlines each link: 3,000 of them would overflow Python's stack."""
    with pytest.raises(SpecError, match="levels deep through"):
        load_spec(reference_chain(3000, "allOf"))
    assert load_spec(reference_chain(30, "allOf")).document["openapi"] == "3.0.0"


@pytest.mark.parametrize("keyword", ["anyOf", "oneOf"])
def test_a_long_combinator_chain_is_a_one_sentence_comparison_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], keyword: str
) -> None:
    """Validation follows the chain recursively; the command says so instead of crashing."""
    spec = tmp_path / "spec.json"
    spec.write_bytes(reference_chain(3000, keyword))
    pact_file = tmp_path / "pact.json"
    pact_file.write_bytes(pact('{"a": 1}'))
    assert main(["compare-spec", str(spec), str(pact_file)]) != 0
    err = capsys.readouterr().err.strip()
    assert err == "The spec or a pact nests too deeply to be compared.", err


_NOT_JSON_SCHEMA = [
    {"type": "object", "properties": "x"},
    {"allOf": "x"},
    {"enum": 3},
    {"type": 5},
    # jsonschema raises UnknownType and ZeroDivisionError for these, not a TypeError.
    {"type": [5]},
    {"type": "foo"},
    {"properties": {"a": {"multipleOf": 0}}},
]


def _spec_with(schema: object, openapi_version: str) -> bytes:
    content = {"application/json": {"schema": schema}}
    return json.dumps(
        {
            "openapi": openapi_version,
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/a": {"get": {"responses": {"200": {"description": "ok", "content": content}}}}
            },
        }
    ).encode()


_PACT = json.dumps(
    {
        "consumer": {"name": "c"},
        "provider": {"name": "p"},
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
        "interactions": [
            {
                "description": "d",
                "request": {"method": "GET", "path": "/a"},
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": "application/json"},
                    "body": {"a": 1},
                },
            }
        ],
    }
).encode()


@pytest.mark.parametrize("openapi_version", ["3.0.3", "3.1.0"])
@pytest.mark.parametrize("schema", _NOT_JSON_SCHEMA, ids=json.dumps)
def test_a_schema_that_is_not_json_schema_is_the_documents_fault(
    schema: object, openapi_version: str
) -> None:
    """The comparison stopped part-way with an AttributeError or TypeError; now the document is
    refused, naming the schema and what is wrong with it."""
    with pytest.raises(
        SpecError, match=r"schema \[root\]\.paths\./a\.get.* is not JSON Schema: at"
    ):
        compare(load_spec(_spec_with(schema, openapi_version)), _PACT)


def test_compare_spec_says_which_schema_is_not_json_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec, pact_file = tmp_path / "spec.json", tmp_path / "pact.json"
    spec.write_bytes(_spec_with({"type": "object", "properties": "x"}, "3.0.3"))
    pact_file.write_bytes(_PACT)
    assert main(["compare-spec", str(spec), str(pact_file)]) == 125
    error = capsys.readouterr().err
    assert "is not JSON Schema: at .properties, 'x' is not of type 'object'" in error
    assert "Traceback" not in error


def test_an_unexpected_fault_of_a_local_command_suggests_no_flag_it_lacks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`compare-spec` has no --verbose: the sentence must not tell the user to pass it."""

    def broken(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("clients.cli.compare._compare_all", broken)
    spec, pact_file = tmp_path / "spec.json", tmp_path / "pact.json"
    spec.write_bytes(_spec_with({"type": "object"}, "3.0.3"))
    pact_file.write_bytes(_PACT)
    assert main(["compare-spec", str(spec), str(pact_file)]) == 1
    error = capsys.readouterr().err
    assert "Unexpected error: RuntimeError: boom" in error
    assert "--verbose" not in error


@pytest.mark.parametrize("kind", ["yaml", "json"])
def test_a_number_too_long_for_python_is_the_documents_fault(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """PyYAML builds an integer from its 5,000 digits and Python refuses past 4,300: that
    ValueError was 'Unexpected error' (exit 1) for a spec, an AsyncAPI document or a pact."""
    digits = "9" * 5000
    content = (
        f"asyncapi: 3.0.0\nx-n: {digits}\n"
        if kind == "yaml"
        else f'{{"asyncapi": "3.0.0", "x-n": {digits}}}'
    )
    with pytest.raises(DocumentError, match="a number of more than 4,300 digits"):
        read_document(content)
    spec, pact_file = tmp_path / f"spec.{kind}", tmp_path / "pact.json"
    spec.write_text(content)
    pact_file.write_bytes(_PACT)
    assert main(["compare-spec", str(spec), str(pact_file)]) == 125
    error = capsys.readouterr().err
    assert "The spec cannot be read: it holds a number of more than 4,300 digits." in error


def test_a_file_past_the_size_bound_is_refused_unread(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files were read whole: `/dev/zero` as a pact took 9 GB in 30 s and never ended."""
    monkeypatch.setattr("clients.cli.compare.MAX_FILE_BYTES", 1024 * 1024)
    spec, big = tmp_path / "spec.json", tmp_path / "big.json"
    spec.write_bytes(_spec_with({"type": "object"}, "3.0.3"))
    big.write_bytes(b" " * (1024 * 1024) + _PACT)
    assert main(["compare-spec", str(spec), str(big)]) == 125
    assert capsys.readouterr().err == f"The pact {big} is larger than 1 MiB.\n"
    big.write_bytes(b" " * (1024 * 1024) + _spec_with({"type": "object"}, "3.0.3"))
    assert main(["diff-spec", str(spec), str(big)]) == 125
    assert capsys.readouterr().err == f"The revision spec {big} is larger than 1 MiB.\n"
