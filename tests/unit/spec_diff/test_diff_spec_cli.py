"""`accord diff-spec`: text and JSON output, and the exit status with and without pacts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clients.cli.__main__ import main
from clients.cli.compare import EXIT_UNREADABLE
from tests.unit.spec_diff.specs import base, edited


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    paths = {
        "base": tmp_path / "v1.json",
        "breaking": tmp_path / "v2.json",
        "compatible": tmp_path / "v3.json",
        "reader": tmp_path / "reader.json",
        "writer": tmp_path / "writer.json",
    }
    paths["base"].write_bytes(base())
    paths["breaking"].write_bytes(edited((["paths", "/pets/{id}"], ...)))
    paths["compatible"].write_bytes(
        edited((["components", "schemas", "Pet", "properties", "age"], {"type": "integer"}))
    )
    for name, method, path in (("reader", "GET", "/pets/1"), ("writer", "POST", "/pets")):
        paths[name].write_text(
            json.dumps(
                {
                    "consumer": {"name": name},
                    "provider": {"name": "pets"},
                    "interactions": [
                        {
                            "description": name,
                            "request": {"method": method, "path": path},
                            "response": {"status": 200},
                        }
                    ],
                }
            )
        )
    return {name: str(path) for name, path in paths.items()}


def test_a_breaking_change_exits_1_and_json_lists_it(
    files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff-spec", files["base"], files["breaking"], "--output", "json"]) == 1
    assert json.loads(capsys.readouterr().out) == [
        {
            "id": "api-path-removed-without-deprecation",
            "level": "ERR",
            "operation": "GET /pets/{id}",
            "location": "paths./pets/{id}.get",
            "text": "The operation GET /pets/{id} was removed without being deprecated first.",
        }
    ]


def test_compatible_changes_exit_0_with_a_readable_summary(
    files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff-spec", files["base"], files["compatible"]]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "2 changes (0 ERR, 0 WARN, 2 INFO): not breaking"
    assert "INFO response-optional-property-added GET /pets" in out


def test_with_pacts_only_a_change_a_consumer_uses_fails(
    files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    unused = main(["diff-spec", files["base"], files["breaking"], "--pact", files["writer"]])
    text = capsys.readouterr().out
    used = main(
        ["diff-spec", files["base"], files["breaking"], "--output", "json",
         "--pact", files["writer"], "--pact", files["reader"]]
    )  # fmt: skip
    assert (unused, used) == (0, 1)
    assert "breaks no consumer's pact" in text
    assert "consumers: none" in text
    assert json.loads(capsys.readouterr().out)[0]["consumers"] == ["reader"]


@pytest.mark.parametrize("which", ["base", "revision", "pact"])
def test_an_unreadable_file_is_one_sentence_and_a_distinct_exit(
    files: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str], which: str
) -> None:
    missing = str(tmp_path / "missing.yaml")
    argv = {
        "base": ["diff-spec", missing, files["breaking"]],
        "revision": ["diff-spec", files["base"], missing],
        "pact": ["diff-spec", files["base"], files["breaking"], "--pact", missing],
    }[which]
    assert main(argv) == EXIT_UNREADABLE
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.endswith("does not exist.\n")


def test_a_document_that_is_not_a_spec_is_refused(
    files: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.yaml"
    other.write_text("hello: world\n")
    assert main(["diff-spec", files["base"], str(other)]) == EXIT_UNREADABLE
    assert "neither OpenAPI 3" in capsys.readouterr().err


def test_deprecation_days_and_versioning_are_oasdiffs_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A deprecation without a sunset passes by default and fails under a notice period;
    `--versioning` adds the version verdict to a breaking change."""
    v1, v2 = tmp_path / "v1.json", tmp_path / "v2.json"
    v1.write_bytes(edited((["info", "version"], "1.0.0")))
    v2.write_bytes(
        edited(
            (["info", "version"], "1.0.0"),
            (["paths", "/pets", "get", "deprecated"], True),
            (["paths", "/pets/{id}"], ...),
        )
    )
    assert main(["diff-spec", str(v1), str(v2), "--output", "json"]) == 1
    ids = {c["id"] for c in json.loads(capsys.readouterr().out)}
    assert "endpoint-deprecated" in ids
    assert "api-deprecated-sunset-missing" not in ids
    arguments = ["diff-spec", str(v1), str(v2), "--deprecation-days-stable", "180", "--versioning"]
    assert main([*arguments, "--output", "json"]) == 1
    found = {(c["id"], c["level"]) for c in json.loads(capsys.readouterr().out)}
    assert ("api-deprecated-sunset-missing", "ERR") in found
    assert ("api-version-not-bumped", "INFO") in found
    assert "endpoint-deprecated" not in {change_id for change_id, _ in found}


def test_a_negative_number_of_days_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    v1 = tmp_path / "v1.json"
    v1.write_bytes(base())
    with pytest.raises(SystemExit) as exited:
        main(["diff-spec", str(v1), str(v1), "--deprecation-days-beta", "-3"])
    assert exited.value.code == 2
    assert "not a number of days" in capsys.readouterr().err
