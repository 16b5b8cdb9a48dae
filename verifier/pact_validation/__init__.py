"""Pact files against the Pact JSON Schemas V1 to V4, for the broker and `accord validate-pact`.

Pure: a decoded document in, faults out; no broker, no network::

    from verifier.pact_validation import validate_pact

    validation = validate_pact(json.loads(Path("pact.json").read_bytes()))
    for fault in validation.refused(strict=True):
        print(fault.pointer, fault.detail, fault.tolerance)

Two profiles read the same faults. **Strict** refuses every fault the published schema
refuses. **Lenient** (the broker's upload default) lets through only the faults named in
`TOLERANCES`, each a shape a real Pact client writes, and reports them as warnings. The
specification version is the one the pact declares; a pact that declares none is validated
as the oldest version whose features it uses (`inferred_specification`).
"""

from __future__ import annotations

from verifier.pact_validation.checking import Fault, Validation, json_pointer, validate_pact
from verifier.pact_validation.tolerances import BY_NAME, TOLERANCES, Tolerance
from verifier.pact_validation.versions import (
    SPECIFICATIONS,
    SpecificationMajor,
    declared_version,
    inferred_specification,
    major_of,
    specification_of,
)

__all__ = [
    "BY_NAME",
    "SPECIFICATIONS",
    "TOLERANCES",
    "Fault",
    "SpecificationMajor",
    "Tolerance",
    "Validation",
    "declared_version",
    "inferred_specification",
    "json_pointer",
    "major_of",
    "specification_of",
    "validate_pact",
]
