"""The console report: a line per interaction, then each failure with its mismatches.

Like the Pact verifiers' output, each pact opens with "Verifying a pact between C and P", each
interaction says passed, failed or not verified, and the failures (an interaction that was not
verified is one) follow, numbered, with every mismatch grouped by the part that differs
(status, headers, body) and a `curl` line that replays the request. Pure: a result in, text
out.
"""

from __future__ import annotations

from verifier._results import Finding, InteractionResult, PactResult, VerificationResult

_PARTS = {
    "method": "request method",
    "path": "request path",
    "query": "query",
    "status": "status",
    "header": "headers",
    "content-type": "body",
    "body": "body",
    "metadata": "metadata",
}


_COUNTED = {"skipped": "not verified"}


def _states(result: InteractionResult) -> str:
    if not result.provider_states:
        return ""
    return " given " + " and ".join(state.name for state in result.provider_states)


def _verdict(pact: PactResult, result: InteractionResult) -> str:
    words = {
        "passed": "passed",
        "failed": "FAILED",
        "error": "ERROR",
        "skipped": "NOT VERIFIED",
    }
    verdict = words[result.status]
    if pact.is_pending_for(result) and not result.is_ok:
        verdict += " (pending: does not fail the run)"
    return verdict


def _pact_header(pact: PactResult) -> list[str]:
    lines = [f"Verifying a pact between {pact.consumer} and {pact.provider}"]
    lines.append(f"  [from {pact.source}]")
    if pact.short_description:
        lines.append(f"  [selected: {pact.short_description}]")
    lines += [f"  [broker: {notice}]" for notice in pact.notices]
    if pact.is_wip:
        lines.append("  [work in progress: failures do not fail the run]")
    elif pact.is_pending:
        lines.append("  [pending: failures do not fail the run]")
    return lines


def _grouped(findings: tuple[Finding, ...]) -> dict[str, list[Finding]]:
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        part = _PARTS.get(finding.kind, finding.kind)
        label = part if finding.source == "pact" else f"{finding.source}: {part}"
        groups.setdefault(label, []).append(finding)
    return groups


def _failure(number: int, pact: PactResult, result: InteractionResult) -> list[str]:
    pending = " [pending]" if pact.is_pending_for(result) else ""
    lines = [
        f"{number}) {pact.consumer} -> {pact.provider}: {result.description}"
        f"{_states(result)}{pending}"
    ]
    if result.error:
        lines.append(f"     {result.error}")
    for part, findings in _grouped(result.findings).items():
        lines.append(f"     {part}")
        lines += [f"       {finding.description}" for finding in findings]
    lines += [f"     note: {note}" for note in result.notes]
    if result.curl:
        lines.append(f"     replay: {result.curl}")
    return lines


def summary(result: VerificationResult) -> str:
    """One line counting the interactions by verdict."""
    counts = {status: result.count(status) for status in ("passed", "failed", "error", "skipped")}
    total = sum(counts.values())
    shown = ", ".join(
        f"{count} {_COUNTED.get(status, status)}" for status, count in counts.items() if count
    )
    pending = sum(result.count(status, pending=True) for status in ("failed", "error", "skipped"))
    line = f"{total} interactions in {len(result.pacts)} pacts: {shown or 'none'}"
    if pending:
        line += f" ({pending} of the failures pending)"
    return f"{line}; verification {'passed' if result.is_success else 'FAILED'}."


def render_text(result: VerificationResult) -> str:
    """The console report of a verification."""
    lines: list[str] = []
    failures: list[tuple[PactResult, InteractionResult]] = []
    for pact in result.pacts:
        lines += _pact_header(pact)
        for interaction in pact.interactions:
            verdict = _verdict(pact, interaction)
            lines.append(f"  {interaction.description}{_states(interaction)} ... {verdict}")
            if interaction.status == "skipped" and interaction.error:
                lines.append(f"    ({interaction.error})")
            if not interaction.is_ok:
                failures.append((pact, interaction))
        if pact.published:
            lines.append(f"  result published: {pact.published}")
        if pact.publish_error:
            lines.append(f"  result NOT published: {pact.publish_error}")
        lines.append("")
    if failures:
        lines.append("Failures:")
        lines.append("")
        for number, (pact, interaction) in enumerate(failures, start=1):
            lines += _failure(number, pact, interaction)
            lines.append("")
    lines += [*result.notes, summary(result)]
    return "\n".join(lines)
