"""`accord compare-spec SPEC PACT...`: check pact files against a provider's OpenAPI document.

No broker is involved: the spec and the pacts are read from disk and compared by
`verifier.comparison`, the engine the broker runs for bi-directional contracts.

Output: with `--output json`, one line per pact, in the order given, each a JSON array of
results as PactFlow's openapi-pact-comparator (`opc`) prints them; otherwise a block per pact.

Exit status: the number of pacts with at least one error, so 0 means every pact is compatible
(as `opc` does; capped at 124). A spec or pact that cannot be read or used prints one sentence on
stderr, compares nothing, and exits 125, which no count reaches.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from clients.cli.outcome import Outcome
from clients.cli.output_flag import add_output_flag
from verifier.comparison import ComparisonError, Finding, Spec, compare, encode, load_spec

EXIT_MOST_PACTS = 124
EXIT_UNREADABLE = 125


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,  # unused: a local command takes no broker flags
) -> None:
    """Add `compare-spec` to the `accord` parser."""
    parser = commands.add_parser(
        "compare-spec",
        help="check pact files against an OpenAPI document, without a broker",
        description=(
            "Compare pact files with a provider's OpenAPI 3.0/3.1 or Swagger 2.0 document "
            "(YAML or JSON). Exits with the number of pacts that have at least one error, "
            f"or {EXIT_UNREADABLE} when a file cannot be read."
        ),
    )
    parser.add_argument("spec", metavar="SPEC", help="the provider's OpenAPI document")
    parser.add_argument("pacts", nargs="+", metavar="PACT", help="pact files to check")
    add_output_flag(
        parser,
        help_text="table (default) or json: one line per pact, each a JSON array of results"
        " (as opc prints them)",
    )
    parser.set_defaults(handler=compare_spec, local=True)


def read_file(path: str, what: str) -> bytes:
    """A spec or pact file's bytes; `ComparisonError` (one sentence) when it cannot be read."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise ComparisonError(f"The {what} {path} does not exist.") from None
    except IsADirectoryError:
        raise ComparisonError(f"The {what} {path} is a folder, not a file.") from None
    except OSError as error:
        raise ComparisonError(f"The {what} {path} cannot be read: {error.strerror}.") from None


def _compare_all(spec_path: str, pact_paths: list[str]) -> list[list[Finding]]:
    content = read_file(spec_path, "spec")
    try:
        spec: Spec = load_spec(content)
    except ComparisonError as error:
        raise ComparisonError(f"{spec_path}: {error}") from None
    results = []
    for path in pact_paths:
        content = read_file(path, "pact")
        try:
            results.append(compare(spec, content))
        except ComparisonError as error:
            raise ComparisonError(f"{path}: {error}") from None
    return results


def compare_spec(args: argparse.Namespace) -> Outcome:
    """`accord compare-spec`."""
    try:
        results = _compare_all(args.spec, args.pacts)
    except RecursionError:
        sys.stderr.write("The spec or a pact nests too deeply to be compared.\n")
        return Outcome("", EXIT_UNREADABLE)
    except ComparisonError as error:
        sys.stderr.write(str(error).rstrip() + "\n")
        return Outcome("", EXIT_UNREADABLE)
    failing = sum(1 for findings in results if any(f.is_error for f in findings))
    if args.output == "json":
        text = "\n".join(encode(findings) for findings in results)
    else:
        text = "\n\n".join(
            _text(path, findings) for path, findings in zip(args.pacts, results, strict=True)
        )
    return Outcome(text, min(failing, EXIT_MOST_PACTS))


def _text(path: str, findings: list[Finding]) -> str:
    errors = sum(1 for f in findings if f.is_error)
    others = len(findings) - errors
    if not findings:
        return f"{path}: compatible"
    verdict = "incompatible" if errors else "compatible"
    lines = [f"{path}: {verdict} ({_count(errors, 'error')}, {_count(others, 'warning')})"]
    for finding in findings:
        mock = finding.mock_details
        lines.append(f"  {finding.type.upper()} {finding.code} at {mock.location}")
        if isinstance(mock.interaction_description, str):
            lines.append(f"    interaction: {mock.interaction_description}")
        lines.append(f"    {finding.message}")
        lines.append(f"    spec: {finding.spec_details.location}")
    return "\n".join(lines)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
