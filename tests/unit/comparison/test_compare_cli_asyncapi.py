"""`accord compare-spec` with AsyncAPI documents: found by their field, or given by --asyncapi."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from clients.cli.__main__ import main
from clients.cli.compare import EXIT_UNREADABLE
from tests.conformance.asyncapi.cases import CASES, essentials

MIXED = CASES / "mixed-http-and-messages"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[Any], str]:
    code = main(["compare-spec", *argv, "--output", "json"])
    printed = capsys.readouterr()
    lines = [json.loads(line) for line in printed.out.splitlines() if line.strip()]
    return code, lines, printed.err


def test_an_asyncapi_spec_is_detected_and_http_interactions_are_left_out(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, lines, _ = _run(capsys, str(MIXED / "asyncapi.yaml"), str(MIXED / "pact.json"))
    expected = json.loads((CASES / "mixed-asyncapi-only" / "opc.json").read_text())
    assert code == 1
    assert essentials(lines[0], {}) == essentials(expected, {})


def test_asyncapi_beside_an_openapi_spec_compares_both_kinds_as_opc_does(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, lines, _ = _run(
        capsys,
        str(MIXED / "openapi.yaml"),
        "--asyncapi",
        str(MIXED / "asyncapi.yaml"),
        str(MIXED / "pact.json"),
    )
    expected = json.loads((MIXED / "opc.json").read_text())
    assert code == 1
    assert essentials(lines[0], {}) == essentials(expected, {})
    assert [f["code"] for f in lines[0]] == [
        "message.matched",
        "response.body.incompatible",
        "message.no.match",
        "request.path-or-method.unknown",
    ]


def test_a_compatible_message_pact_exits_zero_and_the_text_names_the_match(
    capsys: pytest.CaptureFixture[str],
) -> None:
    good = CASES / "v3-ref-message-matches"
    assert main(["compare-spec", str(good / "asyncapi.yaml"), str(good / "pact.json")]) == 0
    out = capsys.readouterr().out
    assert "compatible (0 errors, 0 warnings)" in out
    assert "INFO message.matched at [root].components.messages.OrderCreated" in out


def test_the_text_shows_the_causes_of_a_message_that_matches_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    bad = CASES / "v3-payload-type-mismatch"
    assert main(["compare-spec", str(bad / "asyncapi.yaml"), str(bad / "pact.json")]) == 1
    out = capsys.readouterr().out
    assert "ERROR message.no.match at [root].interactions[0]" in out
    assert (
        "      ERROR message.payload.incompatible at [root].interactions[0].contents.content.id"
        in out
    )


@pytest.mark.parametrize(
    ("spec", "asyncapi", "says"),
    [
        ("asyncapi.yaml", "asyncapi.yaml", "is an AsyncAPI document: give an OpenAPI SPEC"),
        ("openapi.yaml", "openapi.yaml", "is not an AsyncAPI document"),
    ],
)
def test_documents_of_the_wrong_kind_are_refused_in_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], spec: str, asyncapi: str, says: str
) -> None:
    for name in ("openapi.yaml", "asyncapi.yaml", "pact.json"):
        shutil.copy(MIXED / name, tmp_path / name)
    code, lines, err = _run(
        capsys,
        str(tmp_path / spec),
        "--asyncapi",
        str(tmp_path / asyncapi),
        str(tmp_path / "pact.json"),
    )
    assert code == EXIT_UNREADABLE
    assert lines == []
    assert says in err
    assert err.count("\n") == 1


def test_an_asyncapi_document_of_an_unknown_version_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "events.yaml"
    spec.write_text("asyncapi: 1.2.0\ninfo: {title: t, version: '1'}\n")
    code, _, err = _run(capsys, str(spec), str(MIXED / "pact.json"))
    assert code == EXIT_UNREADABLE
    assert "not AsyncAPI 2.x or 3.x" in err
