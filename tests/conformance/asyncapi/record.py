"""Re-record `opc.json` of every AsyncAPI fixture from openapi-pact-comparator 2.3.1.

    .venv/bin/python -m tests.conformance.asyncapi.record [OPC]

OPC defaults to the one `../shared/clients/install.sh` installs in ~/.cache/accord/pact-clients.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.conformance.asyncapi.cases import CASES, NAMES, run_opc

DEFAULT_OPC = Path.home() / ".cache/accord/pact-clients/rust/node_modules/.bin/opc"


def main() -> None:
    """Run opc on each case and write what it prints."""
    opc = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OPC
    for name in NAMES:
        found = run_opc(opc, name)
        (CASES / name / "opc.json").write_text(json.dumps(found, indent=2) + "\n")
        print(f"{name}: {len(found)} results")  # noqa: T201 - a script's report


if __name__ == "__main__":
    main()
