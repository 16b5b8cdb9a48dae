"""`accord validate-pact`: the schema examples' verdicts, a line per fault, exit codes, offline."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from clients.cli.__main__ import main

SHARED = Path(
    os.environ.get("ACCORD_SHARED_DIR") or Path(__file__).resolve().parents[3].parent / "shared"
)
EXAMPLES = SHARED / "corpora" / "pact-schemas" / "examples"
FOLDERS = sorted(p for p in EXAMPLES.glob("v*/*") if p.is_dir())
# What pact-python 4.2 writes for V2 and V4: faults a broker accepts by default.
FIXTURES = SHARED / "clients" / "fixtures" / "pacts"
FFI_V4 = FIXTURES / "ProbeConsumerV4-ProbeProvider.json"


def run(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    code = main(["validate-pact", *arguments])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write(folder: Path, name: str, document: Any) -> str:
    path = folder / name
    path.write_text(json.dumps(document))
    return str(path)


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: "/".join(p.parts[-2:]))
def test_trust_13_each_schema_example_gets_its_verdict(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every pass example is valid and every fail example is not, validated as its folder's
    version (upstream picks the schema by folder; most examples declare none)."""
    files = sorted(str(p) for p in folder.glob("*.json"))
    assert len(files) > 30, f"the pact-schemas corpus is missing under {EXAMPLES}"
    version = folder.parent.name.removeprefix("v")
    code, out, _ = run(capsys, "--specification", version, "--output", "json", *files)
    report = json.loads(out)
    expected = folder.name == "pass"
    verdicts = {p["file"]: p["valid"] for p in report["pacts"]}
    assert verdicts == dict.fromkeys(files, expected)
    assert code == (0 if expected else 1)
    for pact in report["pacts"]:
        assert all(f["pointer"].startswith("/") and f["detail"] for f in pact["faults"])


def test_trust_13_each_fault_is_one_line_with_its_file_and_pointer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write(
        tmp_path,
        "bad.json",
        {
            "consumer": {"name": "Web"},
            "provider": {"name": "Orders"},
            "interactions": [
                {
                    "description": "a request",
                    "request": {"method": "FETCH", "path": "/orders"},
                    "response": {"status": 600},
                }
            ],
            "metadata": {"pactSpecification": {"version": "2.0.0"}},
        },
    )
    good = str(FIXTURES / "ProbeConsumerV3-ProbeProvider.json")
    code, out, err = run(capsys, bad, good)
    assert code == 1
    assert err == ""
    lines = out.splitlines()
    assert [cell.strip() for cell in lines[0].split(" | ")][:4] == [
        "FILE",
        "SPEC",
        "POINTER",
        "PROBLEM",
    ]
    rows = [[cell.strip() for cell in line.split("|")] for line in lines[2:]]
    assert [row[:3] for row in rows] == [
        [bad, "V2", "/interactions/0/request/method"],
        [bad, "V2", "/interactions/0/response/status"],
        [good, "V3", ""],
    ]
    assert rows[1][3] == "must be at most 599"
    assert rows[2][3] == "valid"


def test_trust_13_real_client_faults_are_refused_unless_lenient(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "--output", "json", str(FFI_V4))
    [pact] = json.loads(out)["pacts"]
    assert code == 1
    assert pact["specification"] == "4"
    assert {f["tolerance"] for f in pact["faults"]} == {"v4-body-content-type-hint"}
    assert all(f["isRefused"] for f in pact["faults"])

    code, out, _ = run(capsys, "--lenient", str(FFI_V4))
    assert code == 0
    assert "(accepted)" in out
    assert "v4-body-content-type-hint" in out


def test_trust_13_a_file_without_a_version_is_validated_as_its_shape(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    interaction = {
        "description": "a request",
        "request": {"method": "GET", "path": "/orders", "query": {"page": ["1"]}},
        "response": {"status": 200},
    }
    path = write(
        tmp_path,
        "v3.json",
        {
            "consumer": {"name": "Web"},
            "provider": {"name": "Orders"},
            "interactions": [interaction],
        },
    )
    code, out, _ = run(capsys, "--output", "json", path)
    [pact] = json.loads(out)["pacts"]
    assert (code, pact["specification"], pact["specificationDeclared"]) == (0, "3", False)


@pytest.mark.parametrize(
    ("content", "detail"),
    [
        (None, "does not exist"),
        (b"{not json", "is not valid JSON"),
        (b"[1, 2]", "must be a JSON object"),
        (b"[" * 100_000 + b"]" * 100_000, "is nested too deeply"),
    ],
)
def test_an_unreadable_file_is_one_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, detail: str
) -> None:
    path = tmp_path / "pact.json"
    if content is not None:
        path.write_bytes(content)
    code, out, err = run(capsys, str(path))
    assert code == 1
    assert err == ""
    [row] = out.splitlines()[2:]
    assert row.startswith(str(path)) and detail in row


def test_validate_pact_needs_no_broker(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PACT_BROKER_BASE_URL", "http://127.0.0.1:9")  # nothing listens there
    code, _, err = run(capsys, str(FIXTURES / "ProbeConsumerV3-ProbeProvider.json"))
    assert (code, err) == (0, "")


@pytest.mark.parametrize("version", ["3.0.0", "4.0"])
def test_trust_13_path_takes_one_generator_and_query_one_per_name(
    version: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """As the Pact specification and its writers have them; the upstream schema swaps the two."""
    request: dict[str, Any] = {
        "method": "GET",
        "path": "/orders/1",
        "query": {"id": ["1"]},
        "generators": {
            "path": {"type": "Regex", "regex": "/orders/[0-9]+"},
            "query": {"id": {"type": "RandomInt", "min": 1, "max": 9}},
        },
    }
    interaction: dict[str, Any] = {
        "description": "an order",
        "request": request,
        "response": {"status": 200},
    }
    if version == "4.0":
        interaction["type"] = "Synchronous/HTTP"
    pact = {
        "consumer": {"name": "Web"},
        "provider": {"name": "Orders"},
        "interactions": [interaction],
        "metadata": {"pactSpecification": {"version": version}},
    }
    valid = write(tmp_path, "valid.json", pact)
    code, out, _ = run(capsys, valid)
    assert code == 0, out

    swapped = json.loads(json.dumps(pact))
    generators = swapped["interactions"][0]["request"]["generators"]
    generators["path"], generators["query"] = (
        {"p": generators["path"]},
        generators["query"]["id"],
    )
    code, out, _ = run(capsys, write(tmp_path, "swapped.json", swapped))
    assert code == 1
    assert "/interactions/0/request/generators/" in out
