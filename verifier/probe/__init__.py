"""API integration checks generated from a provider's OpenAPI document (`accord probe`).

`plan` decides, without sending anything, which checks apply to which operation and with which
requests (`verifier.probe.plan`); `Prober` sends them to the running provider and judges the
answers (`verifier.probe.run`); `verifier.probe.report` renders the results::

    spec = load_spec(Path("openapi.yaml").read_bytes())
    planned = plan(spec, parse_credentials(read_document(Path("creds.yaml").read_bytes())))
    results = Prober(spec, "http://127.0.0.1:8000", deadline_ms=2000).run(planned)
"""

from __future__ import annotations

from verifier.probe.plan import (
    CHECKS,
    Credentials,
    PlannedCheck,
    ProbeError,
    ProbeRequest,
    parse_credentials,
    plan,
)
from verifier.probe.report import render_json, render_junit, render_text
from verifier.probe.run import Prober, ProbeResult

__all__ = [
    "CHECKS",
    "Credentials",
    "PlannedCheck",
    "ProbeError",
    "ProbeRequest",
    "ProbeResult",
    "Prober",
    "parse_credentials",
    "plan",
    "render_json",
    "render_junit",
    "render_text",
]
