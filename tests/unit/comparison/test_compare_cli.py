"""`accord compare-spec`: JSON lines per pact, readable text, and the exit status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clients.cli.__main__ import main
from clients.cli.compare import EXIT_UNREADABLE

SPEC = """\
openapi: 3.0.3
info: {title: pets, version: "1"}
paths:
  /pets:
    get:
      responses:
        "200":
          description: the pets
          content:
            application/json:
              schema:
                type: object
                properties: {name: {type: string}}
"""


def pact(*bodies: object) -> str:
    interactions = [
        {
            "description": f"pets {n}",
            "providerState": "pets exist",
            "request": {"method": "GET", "path": "/pets"},
            "response": {"status": 200, "body": body},
        }
        for n, body in enumerate(bodies)
    ]
    return json.dumps({"interactions": interactions})


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    paths = {
        "spec": tmp_path / "openapi.yaml",
        "good": tmp_path / "good.json",
        "bad": tmp_path / "bad.json",
        "worse": tmp_path / "worse.json",
    }
    paths["spec"].write_text(SPEC)
    paths["good"].write_text(pact({"name": "Rex"}))
    paths["bad"].write_text(pact({"name": 1}))
    paths["worse"].write_text(pact({"name": "Rex"}, {"age": 2}))
    return {name: str(path) for name, path in paths.items()}


def test_json_output_is_one_array_per_pact_in_order(
    files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(
        [
            "compare-spec",
            files["spec"],
            files["bad"],
            files["good"],
            files["worse"],
            "--output",
            "json",
        ]
    )
    lines = capsys.readouterr().out.splitlines()
    assert status == 2
    assert [[r["mockDetails"]["location"] for r in json.loads(line)] for line in lines] == [
        ["[root].interactions[0].response.body.name"],
        [],
        ["[root].interactions[1].response.body"],
    ]
    first = json.loads(lines[0])[0]
    assert list(first) == ["code", "message", "mockDetails", "specDetails", "type"]
    assert first["mockDetails"]["interactionState"] == "pets exist"
    assert first["specDetails"]["location"] == (
        "[root].paths./pets.get.responses.200.content.application/json.schema.properties.name.type"
    )


def test_text_output_names_each_pact_and_each_finding(
    files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["compare-spec", files["spec"], files["good"], files["bad"]])
    out = capsys.readouterr().out
    assert status == 1
    assert out == (
        f"{files['good']}: compatible\n"
        "\n"
        f"{files['bad']}: incompatible (1 error, 0 warnings)\n"
        "  ERROR response.body.incompatible at [root].interactions[0].response.body.name\n"
        "    interaction: pets 0\n"
        "    The response body does not match the spec's schema: expected type string.\n"
        "    spec: [root].paths./pets.get.responses.200.content.application/json.schema"
        ".properties.name.type\n"
    )


def test_compatible_pacts_exit_zero(
    files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["compare-spec", files["spec"], files["good"], "--output", "json"]) == 0
    assert capsys.readouterr().out == "[]\n"


@pytest.mark.parametrize(
    ("spec", "pact_text", "sentence"),
    [
        ("missing", None, "does not exist"),
        ("spec", "{not json", "cannot be read"),
        ("spec", json.dumps({"interactions": [{"request": {}, "response": {}}]}), "request method"),
    ],
)
def test_an_unusable_file_is_one_sentence_and_its_own_exit_status(  # noqa: PLR0917  # fixtures
    files: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    spec: str,
    pact_text: str | None,
    sentence: str,
) -> None:
    broken = tmp_path / "broken.json"
    if pact_text is not None:
        broken.write_text(pact_text)
    spec_path = files.get(spec, str(tmp_path / "nowhere.yaml"))
    status = main(["compare-spec", spec_path, str(broken), files["bad"]])
    captured = capsys.readouterr()
    assert status == EXIT_UNREADABLE
    assert captured.out == ""
    assert sentence in captured.err
    assert len(captured.err.strip().splitlines()) == 1
