"""The AsyncAPI fixtures: each folder of `cases/` holds a document, a pact and what opc prints.

`case.json` names the files: `document` (what Accord reads), `openapi` (beside it, for pacts that
mix HTTP and messages), and for AsyncAPI 2.x, which openapi-pact-comparator 2.3.1 refuses
("Malformed AsyncAPI file"), `oracle`: a hand-written AsyncAPI 3.0 twin that opc reads, with
`locations` mapping the twin's spec locations to the 2.x document's. `opc.json` is opc's output
(`record.py` writes it).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

CASES = Path(__file__).resolve().parent / "cases"
NAMES = sorted(path.name for path in CASES.iterdir() if (path / "case.json").is_file())


def meta(name: str) -> dict[str, Any]:
    """The case's `case.json`."""
    found: dict[str, Any] = json.loads((CASES / name / "case.json").read_text())
    return found


def run_opc(opc: Path, name: str) -> list[Any]:
    """What opc prints for the case (its first line, parsed)."""
    case = meta(name)
    folder = CASES / name
    command = [str(opc)]
    if "openapi" in case:
        command += ["--oas", str(folder / case["openapi"])]
    command += ["--asyncapi", str(folder / case.get("oracle", case["document"]))]
    command.append(str(folder / "pact.json"))
    run = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if not run.stdout:
        raise RuntimeError(f"opc printed nothing for {name}: {run.stderr}")
    found: list[Any] = json.loads(run.stdout.splitlines()[0])
    return found


def mapped(location: str, locations: dict[str, str]) -> str:
    """A twin's spec location as the 2.x document's: the longest matching prefix replaced."""
    for twin in sorted(locations, key=len, reverse=True):
        rest = location[len(twin) :]
        if location.startswith(twin) and (not rest or rest[0] in ".["):
            return locations[twin] + rest
    return location


def essentials(findings: list[Any], locations: dict[str, str]) -> list[Any]:
    """Codes, types and locations of findings (and of their causes), in order."""
    return [
        {
            "code": finding["code"],
            "type": finding["type"],
            "mock": finding.get("mockDetails", {}).get("location"),
            "spec": mapped(finding["specDetails"]["location"], locations),
            "causes": essentials(finding.get("causes", []), locations),
        }
        for finding in findings
    ]
