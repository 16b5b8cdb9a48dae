"""`accord compare-spec SPEC PACT...`: check pact files against a provider's OpenAPI document.

No broker is involved: the spec and the pacts are read from disk and compared by
`verifier.comparison`, the engine the broker runs for bi-directional contracts. A SPEC with an
`asyncapi` field is an AsyncAPI document, compared with the pacts' message interactions (as
`opc --asyncapi`); `--asyncapi FILE` adds one beside an OpenAPI SPEC for pacts that mix HTTP and
message interactions (`opc --oas X --asyncapi Y`). An interaction of a kind no given document
describes is left out, as opc leaves it out.

Output: with `--output json`, one line per pact, in the order given, each a JSON array of
results as PactFlow's openapi-pact-comparator (`opc`) prints them; otherwise a block per pact.

Exit status: the number of pacts with at least one error, so 0 means every pact is compatible
(as `opc` does; capped at 124). A spec or pact that cannot be read or used prints one sentence on
stderr, compares nothing, and exits 125, which no count reaches.
"""

from __future__ import annotations

import argparse
import sys

from clients.cli.outcome import Outcome
from clients.cli.output_flag import add_output_flag
from verifier import _files as files
from verifier.comparison import (
    AsyncApi,
    ComparisonError,
    Finding,
    Spec,
    compare_with,
    encode,
    load_document,
)

EXIT_MOST_PACTS = 124
EXIT_UNREADABLE = 125


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,  # unused: a local command takes no broker flags
) -> None:
    """Add `compare-spec` to the `accord` parser."""
    parser = commands.add_parser(
        "compare-spec",
        help="check pact files against an OpenAPI or AsyncAPI document, without a broker",
        description=(
            "Compare pact files with a provider's OpenAPI 3.0/3.1 or Swagger 2.0 document, or "
            "with an AsyncAPI 2.x/3.x document (YAML or JSON). Exits with the number of pacts "
            f"that have at least one error, or {EXIT_UNREADABLE} when a file cannot be read."
        ),
    )
    parser.add_argument("spec", metavar="SPEC", help="the provider's OpenAPI or AsyncAPI document")
    parser.add_argument(
        "--asyncapi",
        metavar="FILE",
        help="an AsyncAPI document for the message interactions, beside an OpenAPI SPEC",
    )
    parser.add_argument("pacts", nargs="+", metavar="PACT", help="pact files to check")
    add_output_flag(
        parser,
        help_text="table (default) or json: one line per pact, each a JSON array of results"
        " (as opc prints them)",
    )
    parser.set_defaults(handler=compare_spec, local=True)


# The verifier's bound on a local document (64 MiB), here so that tests may lower it.
MAX_FILE_BYTES = files.MAX_DOCUMENT_BYTES


def read_file(path: str, what: str) -> bytes:
    """A spec or pact file's bytes; `ComparisonError` (one sentence) when it cannot be read.

    At most `MAX_FILE_BYTES` are read: a larger file (or an endless one) is refused.
    """
    try:
        return files.read_file(path, MAX_FILE_BYTES)
    except files.UnreadableFileError as error:
        raise ComparisonError(f"The {what} {error}.") from None


def _load(path: str) -> Spec | AsyncApi:
    content = read_file(path, "spec")
    try:
        return load_document(content)
    except ComparisonError as error:
        raise ComparisonError(f"{path}: {error}") from None


def _documents(spec_path: str, asyncapi_path: str | None) -> tuple[Spec | None, AsyncApi | None]:
    spec = _load(spec_path)
    if asyncapi_path is None:
        return (None, spec) if isinstance(spec, AsyncApi) else (spec, None)
    if isinstance(spec, AsyncApi):
        raise ComparisonError(
            f"{spec_path} is an AsyncAPI document: give an OpenAPI SPEC beside --asyncapi."
        )
    asyncapi = _load(asyncapi_path)
    if not isinstance(asyncapi, AsyncApi):
        raise ComparisonError(f"{asyncapi_path} is not an AsyncAPI document (no asyncapi field).")
    return spec, asyncapi


def _compare_all(
    spec_path: str, pact_paths: list[str], asyncapi_path: str | None = None
) -> list[list[Finding]]:
    openapi, asyncapi = _documents(spec_path, asyncapi_path)
    results = []
    for path in pact_paths:
        content = read_file(path, "pact")
        try:
            results.append(compare_with(content, openapi=openapi, asyncapi=asyncapi))
        except ComparisonError as error:
            raise ComparisonError(f"{path}: {error}") from None
    return results


def compare_spec(args: argparse.Namespace) -> Outcome:
    """`accord compare-spec`."""
    try:
        results = _compare_all(args.spec, args.pacts, args.asyncapi)
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
    others = sum(1 for f in findings if f.type == "warning")
    if not findings:
        return f"{path}: compatible"
    verdict = "incompatible" if errors else "compatible"
    lines = [f"{path}: {verdict} ({_count(errors, 'error')}, {_count(others, 'warning')})"]
    for finding in findings:
        lines += _finding_lines(finding, "  ")
    return "\n".join(lines)


def _finding_lines(finding: Finding, indent: str) -> list[str]:
    mock = finding.mock_details
    where = mock.location or finding.spec_details.location
    lines = [f"{indent}{finding.type.upper()} {finding.code} at {where}"]
    if isinstance(mock.interaction_description, str):
        lines.append(f"{indent}  interaction: {mock.interaction_description}")
    lines.append(f"{indent}  {finding.message}")
    lines.append(f"{indent}  spec: {finding.spec_details.location}")
    for cause in finding.causes or ():
        lines += _finding_lines(cause, indent + "    ")
    return lines


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
