"""Breaking changes between two versions of a provider's OpenAPI document, and who they break.

Pure like `verifier.comparison`: documents in, changes out; no HTTP, no broker::

    from verifier.spec_diff import diff_specs, impact

    changes = diff_specs(Path("v1.yaml").read_bytes(), Path("v2.yaml").read_bytes())
    for change in changes:
        print(change.level, change.id, change.operation, change.text)
    for hit in impact(Path("v1.yaml").read_bytes(), changes, [pact_a, pact_b]):
        print(hit.change.id, hit.consumers)   # the consumers whose interactions it touches

`diff_specs(..., policy=DeprecationPolicy(beta_days=31, stable_days=180), versioning=True)`
applies oasdiff's minimum deprecation notice and its semantic versioning policy (both off by
default, as in oasdiff's own tests).

Ids and levels are oasdiff's where one of its change rules fits (ERR breaks clients, WARN may,
INFO does not); the ids Accord adds are listed in `OWN_IDS`. OpenAPI 3.0, 3.1 and Swagger 2.0
are read, as YAML or JSON, through `verifier.comparison.load_spec`.
"""

from __future__ import annotations

from verifier.spec_diff.engine import diff_specs
from verifier.spec_diff.impact import Impact, breaking_for_consumers, impact
from verifier.spec_diff.lifecycle import DeprecationPolicy
from verifier.spec_diff.model import Change, Level, Target
from verifier.spec_diff.rules import OWN_IDS

__all__ = [
    "OWN_IDS",
    "Change",
    "DeprecationPolicy",
    "Impact",
    "Level",
    "Target",
    "breaking_for_consumers",
    "diff_specs",
    "impact",
]
