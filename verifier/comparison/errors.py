"""The comparison's errors, importable here as before; the tree is drawn in `verifier/_errors.py`.

An interaction that disagrees with the spec is never an exception: it is a `Finding`.
"""

from __future__ import annotations

from verifier._errors import ComparisonError, ComparisonPactError, PactError, SpecError

__all__ = ["ComparisonError", "ComparisonPactError", "PactError", "SpecError"]
