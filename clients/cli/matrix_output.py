r"""How the matrix commands print a `Matrix`: the verdict, the rows table and the summary.

The verdict reads like the pact-broker CLI's: "Computer says yes \o/" or "Computer says no
¯\_(ツ)_/¯", the rows (`CONSUMER | C.VERSION | PROVIDER | P.VERSION | SUCCESS? | RESULT#`), the
numbered verification result URLs, then the broker's notices (its reason when it sends none).
"""

from __future__ import annotations

from clients.cli import output
from clients.sdk import Matrix, MatrixPacticipant, MatrixRow, Notice

YES = "Computer says yes \\o/"
NO = "Computer says no ¯\\_(ツ)_/¯"
DRY_RUN_PREFIX = "[dry-run] "
DRY_RUN_NOTE = "Dry run: accord exits 0 whatever the answer."

# What a cell shows when the broker has no value for it (as the pact-broker CLI shows it).
UNKNOWN = "???"


def as_json(matrix: Matrix) -> str:
    """The matrix resource, less the members the SDK does not model."""
    return output.as_json(matrix)


def verdict(matrix: Matrix, *, dry_run: bool, colour: bool) -> str:
    """The yes or no, the rows, the verification results and the notices."""
    deployable = matrix.summary.deployable is True
    says = YES if deployable else NO
    colour = colour and not dry_run
    parts = [
        output.notice(Notice(type="success" if deployable else "error", text=says), colour=colour)
    ]
    if matrix.rows:
        parts.append(rows_table(matrix.rows))
        results = result_list(matrix.rows)
        if results:
            parts.append(results)
    if matrix.notices:
        parts.append("\n".join(output.notice(item, colour=colour) for item in matrix.notices))
    elif matrix.summary.reason:
        parts.append(matrix.summary.reason)
    text = "\n\n".join(parts)
    return dry_run_lines(text) if dry_run else text


def dry_run(sentence: str) -> str:
    """What a dry run prints when the broker could not answer."""
    return dry_run_lines(sentence)


def dry_run_lines(text: str) -> str:
    """Every line marked as a dry run's, then the note saying the exit code is 0."""
    lines = [f"{DRY_RUN_PREFIX}{line}".rstrip() for line in text.splitlines()]
    return "\n".join([*lines, DRY_RUN_PREFIX.rstrip(), DRY_RUN_PREFIX + DRY_RUN_NOTE])


def rows_table(rows: list[MatrixRow]) -> str:
    """One line per row; RESULT# numbers the rows that have a verification result."""
    lines = []
    number = 0
    for row in rows:
        result = row.verification_result
        reference = ""
        if result is not None and "self" in result.links:
            number += 1
            reference = str(number)
        lines.append([*_sides(row), _success(row), reference])
    headers = ["CONSUMER", "C.VERSION", "PROVIDER", "P.VERSION", "SUCCESS?", "RESULT#"]
    return output.table(headers, lines)


def result_list(rows: list[MatrixRow]) -> str:
    """The numbered URLs of the verification results, with their outcome."""
    found: list[str] = []
    for row in rows:
        result = row.verification_result
        link = None if result is None else result.links.get("self")
        if result is None or link is None:
            continue
        href = link[0].href if isinstance(link, list) else link.href
        found.append(f"{len(found) + 1}. {href} ({'success' if result.success else 'failure'})")
    if not found:
        return ""
    return "\n".join(["VERIFICATION RESULTS", "--------------------", *found])


def describe(matrix: Matrix) -> str:
    """describe-matrix: every row with when it was verified, then the summary."""
    if matrix.rows:
        headers = ["CONSUMER", "C.VERSION", "PROVIDER", "P.VERSION", "SUCCESS?", "VERIFIED AT"]
        lines = [[*_sides(row), _success(row), _verified_at(row)] for row in matrix.rows]
        rows = output.table(headers, lines)
    else:
        rows = "No pacts between the selected versions."
    summary = matrix.summary
    deployable = {True: "yes", False: "no", None: "unknown"}[summary.deployable]
    counts = (
        f"{summary.success} successful, {summary.failed} failed, "
        f"{UNKNOWN if summary.unknown is None else summary.unknown} missing, "
        f"{summary.ignored} ignored"
    )
    details = output.details(
        [("Deployable", deployable), ("Reason", summary.reason or None), ("Results", counts)]
    )
    return f"{rows}\n\n{details}"


def _sides(row: MatrixRow) -> list[str]:
    return [row.consumer.name, _number(row.consumer), row.provider.name, _number(row.provider)]


def _number(side: MatrixPacticipant) -> str:
    return UNKNOWN if side.version is None else side.version.number


def _success(row: MatrixRow) -> str:
    result = row.verification_result
    text = UNKNOWN if result is None or result.success is None else output.yes_no(result.success)
    return f"{text} [ignored]" if row.ignored else text


def _verified_at(row: MatrixRow) -> str:
    result = row.verification_result
    if result is None:
        return "not verified"
    return result.verified_at or UNKNOWN
