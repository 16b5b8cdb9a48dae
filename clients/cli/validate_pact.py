"""`accord validate-pact FILE...`: check pact files against the Pact JSON Schemas, offline.

The check is `verifier.pact_validation`, the one the broker runs on upload, so a file this
command passes publishes. By default every schema fault counts (the broker's
`ACCORD_STRICT_PACTS=true`); `--lenient` judges as a default broker does, which accepts the
faults real Pact clients write (each is still listed, with its name).

Output: one line per fault with its file and JSON pointer (a valid file gets one line saying
so), or with `--output json` one document listing every file. Exit status 0 when every file is
valid, 1 otherwise.
"""

from __future__ import annotations

import argparse

import msgspec

from clients.cli import _files
from clients.cli.outcome import Outcome
from clients.cli.output import as_json, table
from clients.cli.output_flag import add_output_flag
from verifier._files import UnreadableFileError, read_file
from verifier.pact_validation import (
    SPECIFICATIONS,
    Fault,
    SpecificationMajor,
    Validation,
    validate_pact,
)

EXIT_VALID = 0
EXIT_INVALID = 1
_UTF8_BOM = b"\xef\xbb\xbf"
_TOO_DEEP = "is nested too deeply to validate"


class FaultReport(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """One fault, as `--output json` prints it."""

    pointer: str
    detail: str
    tolerance: str | None
    is_refused: bool


class FileReport(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """One file's verdict, as `--output json` prints it."""

    file: str
    valid: bool
    specification: str | None
    specification_declared: bool
    faults: list[FaultReport]


class Report(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """What `--output json` prints."""

    valid: bool
    profile: str
    pacts: list[FileReport]


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,  # unused: a local command takes no broker flags
) -> None:
    """Add `validate-pact` to the `accord` parser."""
    parser = commands.add_parser(
        "validate-pact",
        help="check pact files against the Pact JSON Schemas, without a broker",
        description=(
            "Validate pact files against the Pact JSON Schema of their specification version "
            "(declared in metadata.pactSpecification.version, else read from the file's "
            "shape). Exits 0 when every file is valid, 1 otherwise."
        ),
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="pact files to check")
    add_output_flag(parser)
    parser.add_argument(
        "--specification",
        choices=SPECIFICATIONS,
        help="the version to validate a file as when it declares none (default: read from "
        "its shape)",
    )
    parser.add_argument(
        "--lenient",
        action="store_true",
        help="accept the faults real Pact clients write, as a broker does by default",
    )
    parser.set_defaults(handler=validate_pacts, local=True)


def validate_pacts(args: argparse.Namespace) -> Outcome:
    """`accord validate-pact`."""
    strict = not args.lenient
    reports = [_report(path, args.specification, strict=strict) for path in args.files]
    valid = all(r.valid for r in reports)
    exit_code = EXIT_VALID if valid else EXIT_INVALID
    if args.output == "json":
        profile = "strict" if strict else "lenient"
        return Outcome(as_json(Report(valid=valid, profile=profile, pacts=reports)), exit_code)
    rows = []
    for report in reports:
        version = f"V{report.specification}" if report.specification else ""
        if not report.faults:
            rows.append((report.file, version, "", "valid", ""))
        for fault in report.faults:
            verdict = fault.detail if fault.is_refused else f"{fault.detail} (accepted)"
            rows.append((report.file, version, fault.pointer, verdict, fault.tolerance or ""))
    headers = ("FILE", "SPEC", "POINTER", "PROBLEM", "REAL-CLIENT FAULT")
    return Outcome(table(headers, rows), exit_code)


def _report(path: str, specification: SpecificationMajor | None, *, strict: bool) -> FileReport:
    try:
        raw = read_file(path, _files.upload_limit())
    except UnreadableFileError as error:
        return _unreadable(path, error.problem)
    try:
        document: object = msgspec.json.decode(raw.removeprefix(_UTF8_BOM))
    except msgspec.DecodeError as error:
        return _unreadable(path, f"is not valid JSON: {error}")
    except RecursionError:
        return _unreadable(path, _TOO_DEEP)
    if not isinstance(document, dict):
        return _unreadable(path, "must be a JSON object")
    try:
        validation = validate_pact(document, specification=specification)
    except RecursionError:
        return _unreadable(path, _TOO_DEEP)
    return _file_report(path, validation, strict=strict)


def _file_report(path: str, validation: Validation, *, strict: bool) -> FileReport:
    refused = validation.refused(strict=strict)
    return FileReport(
        file=path,
        valid=not refused,
        specification=validation.specification,
        specification_declared=not validation.is_inferred,
        faults=[_fault(f, is_refused=f in refused) for f in validation.faults],
    )


def _fault(fault: Fault, *, is_refused: bool) -> FaultReport:
    return FaultReport(
        pointer=fault.pointer,
        detail=fault.detail,
        tolerance=fault.tolerance,
        is_refused=is_refused,
    )


def _unreadable(path: str, detail: str) -> FileReport:
    fault = FaultReport(pointer="", detail=detail, tolerance=None, is_refused=True)
    return FileReport(
        file=path,
        valid=False,
        specification=None,
        specification_declared=False,
        faults=[fault],
    )
