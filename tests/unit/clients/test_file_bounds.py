"""Every file an `accord` command reads is read with a bound (every input is hostile).

Commands read pacts, test reports, provider contracts, passwords and keys whole: a 50 GB file or
`/dev/zero` hung them, then `MemoryError`. Now a file one byte over its command's limit is
refused in one sentence naming it, before anything is sent; one at the limit is read.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from clients.cli import _files, users
from clients.cli.__main__ import EXIT_FAILURE, EXIT_OK, main
from clients.cli.errors import CommandError
from tests.unit.clients.conftest import BASE, StubBroker
from tests.unit.clients.test_publish_sdk import pact, publishing_stub
from verifier import _files as verifier_files

UPLOAD = "MAX_UPLOAD_BYTES"  # in clients.cli._files
REPORT = "MAX_TEST_REPORT_BYTES"  # in clients.cli._files
SECRET = "MAX_SECRET_BYTES"  # in clients.cli._files
LOCAL = "MAX_DOCUMENT_BYTES"  # in verifier._files, for what `accord verify` reads
# What the tests lower each limit to, so that no test writes megabytes.
LOWERED = {UPLOAD: 1024, REPORT: 512, SECRET: 64, LOCAL: 2048}

JUNIT = b'<testsuite name="t" tests="1"><testcase classname="c" name="a"/></testsuite>\n'
OPENAPI = b"openapi: 3.0.3\ninfo: {title: Stock, version: '1'}\npaths: {}\n"
NO_INTERACTIONS = json.dumps(
    {"consumer": {"name": "Orders"}, "provider": {"name": "Stock"}, "interactions": []}
).encode()
VERIFY = ["--provider", "Stock", "--provider-base-url", "http://127.0.0.1:9"]


@pytest.fixture(autouse=True)
def no_broker_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PACT_BROKER_BASE_URL", "PACT_BROKER_TOKEN", "ACCORD_MAX_BODY_BYTES"):
        monkeypatch.delenv(name, raising=False)


@dataclass(frozen=True)
class Case:
    """A command reading one file: what its sentence calls the file, its limit, its arguments."""

    what: str
    limit: str
    content: bytes  # what the file holds before it is padded to a size
    argv: Callable[[str, Path], list[str]]  # the arguments, given the file's path and a folder
    suffix: str = ".json"


def _provider_contract(file: str, folder: Path) -> list[str]:
    return ["publish-provider-contract", file, "--provider", "Stock", "--provider-app-version", "1"]


def _with_results(file: str, folder: Path) -> list[str]:
    spec = folder / "small.yaml"
    spec.write_bytes(OPENAPI)
    argv = _provider_contract(str(spec), folder)
    return [*argv, "--verification-success", "--verification-results", file]


def _verify_openapi(file: str, folder: Path) -> list[str]:
    small = folder / "small.json"
    small.write_bytes(NO_INTERACTIONS)
    return ["verify", str(small), *VERIFY, "--openapi", file]


CASES = {
    "publish": Case("pact file", UPLOAD, pact(), lambda f, _: ["publish", f, "-a", "1"]),
    "publish-test-results": Case(
        "test report",
        REPORT,
        JUNIT,
        lambda f, _: ["publish-test-results", f, "-a", "Orders", "-e", "1", "--kind", "api"],
        ".xml",
    ),
    "publish-provider-contract": Case(
        "OpenAPI document", UPLOAD, OPENAPI, _provider_contract, ".yaml"
    ),
    "publish-provider-contract-results": Case(
        "verification results", UPLOAD, b"12 passed\n", _with_results, ".txt"
    ),
    "create-user": Case(
        "password file",
        SECRET,
        b"s3cret pass\n",
        lambda f, _: ["create-user", "ann", "--role", "read", "--password-file", f],
        "",
    ),
    "verify-audit-log": Case(
        "audit key file",
        SECRET,
        b"k" * 40 + b"\n",
        lambda f, _: ["verify-audit-log", "--audit-key-file", f],
        "",
    ),
    "verify": Case("pact file", LOCAL, NO_INTERACTIONS, lambda f, _: ["verify", f, *VERIFY]),
    "verify-openapi": Case("OpenAPI file", LOCAL, OPENAPI, _verify_openapi, ".yaml"),
}


def limit_of(case: Case) -> int:
    module = verifier_files if case.limit == LOCAL else _files
    limit: int = getattr(module, case.limit)
    return limit


def lower_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in LOWERED.items():
        monkeypatch.setattr(verifier_files if name == LOCAL else _files, name, value)


def padded(content: bytes, size: int) -> bytes:
    """`content` with spaces after it up to `size` bytes (JSON, YAML and XML ignore them)."""
    assert len(content) <= size
    return content + b" " * (size - len(content))


def run(case: Case, file: str, folder: Path) -> tuple[int, StubBroker]:
    broker = publishing_stub()
    argv = case.argv(file, folder)
    if argv[0] != "verify":  # a local command takes no broker flags
        argv += ["--broker-base-url", BASE]
    return main(argv, transport=broker.transport), broker


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_file_one_byte_over_the_limit_is_refused_naming_it(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lower_limits(monkeypatch)
    limit = limit_of(case)
    file = tmp_path / f"input{case.suffix}"
    file.write_bytes(padded(case.content, limit + 1))

    code, broker = run(case, str(file), tmp_path)

    size = verifier_files.size_text(limit)
    assert (code, capsys.readouterr().err) == (
        EXIT_FAILURE,
        f"The {case.what} {file} is larger than {size}.\n",
    )
    assert broker.requests == []


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_file_at_the_limit_is_read(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lower_limits(monkeypatch)
    file = tmp_path / f"input{case.suffix}"
    file.write_bytes(padded(case.content, limit_of(case)))

    run(case, str(file), tmp_path)

    # The command goes on (to the broker double, which may not know the route): not refused.
    assert "larger than" not in capsys.readouterr().err


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_dev_zero_is_refused_after_the_limit(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """At the real limits: the read stops after limit + 1 bytes of an endless file."""
    code, broker = run(case, "/dev/zero", tmp_path)

    size = verifier_files.size_text(limit_of(case))
    assert (code, capsys.readouterr().err) == (
        EXIT_FAILURE,
        f"The {case.what} /dev/zero is larger than {size}.\n",
    )
    assert broker.requests == []


def test_a_pact_at_the_limit_is_published(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lower_limits(monkeypatch)
    file = tmp_path / "pact.json"
    file.write_bytes(padded(pact(), LOWERED[UPLOAD]))
    broker = publishing_stub()

    code = main(
        ["publish", str(file), "-a", "1", "--broker-base-url", BASE], transport=broker.transport
    )

    assert (code, capsys.readouterr().err) == (EXIT_OK, "")
    assert len(broker.requests) > 1  # the index, then the publication


@pytest.mark.parametrize(
    ("size", "expected"),
    [(2048, (EXIT_OK, "")), (2049, (EXIT_FAILURE, "The pact file {} is larger than 2 KiB.\n"))],
)
def test_a_broker_that_takes_more_lets_larger_pacts_through(
    size: int,
    expected: tuple[int, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`ACCORD_MAX_BODY_BYTES`, set as the broker has it, raises the 10 MiB (here 1 KiB)."""
    lower_limits(monkeypatch)
    monkeypatch.setenv("ACCORD_MAX_BODY_BYTES", "2048")
    file = tmp_path / "pact.json"
    file.write_bytes(padded(pact(), size))

    argv = ["publish", str(file), "-a", "1", "--broker-base-url", BASE]
    code = main(argv, transport=publishing_stub().transport)
    assert (code, capsys.readouterr().err) == (expected[0], expected[1].format(file))


def test_an_upload_limit_that_is_not_a_number_is_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACCORD_MAX_BODY_BYTES", "10MB")
    file = tmp_path / "pact.json"
    file.write_bytes(pact())

    assert main(["validate-pact", str(file)]) == EXIT_FAILURE
    assert capsys.readouterr().err == (
        "ACCORD_MAX_BODY_BYTES must be a positive integer, not '10MB'.\n"
    )


@pytest.mark.parametrize(("size", "verdict"), [(0, "valid"), (1, "is larger than 1 KiB")])
def test_validate_pact_reports_a_file_over_the_limit_as_its_fault(
    size: int,
    verdict: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As it reports any file it cannot read: a row naming the file, exit 1."""
    lower_limits(monkeypatch)
    file = tmp_path / "pact.json"
    file.write_bytes(padded(pact(), LOWERED[UPLOAD] + size))

    code = main(["validate-pact", str(file)])

    [row] = capsys.readouterr().out.splitlines()[2:]
    assert (code, row.startswith(str(file)), verdict in row) == (size, True, True)


def test_validate_pact_refuses_dev_zero_after_the_limit(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["validate-pact", "/dev/zero"])

    [row] = capsys.readouterr().out.splitlines()[2:]
    assert code == 1
    assert row.startswith("/dev/zero") and "is larger than 10 MiB" in row


class EndlessInput(io.StringIO):
    """Standard input from `/dev/zero`: a line that never ends, only read in bounded pieces."""

    # typeshed types readline on _IOBase, the binary base of every stream, as returning bytes.
    def readline(self, size: int | None = -1, /) -> str:  # type: ignore[override]
        if size is None or size < 0:
            raise AssertionError("read a line of endless input without a bound")
        return "\0" * size


def test_an_endless_password_on_stdin_is_refused() -> None:
    with pytest.raises(CommandError, match=r"^The password on stdin is longer than 8,192 "):
        users.new_password(None, stdin=EndlessInput(), ask=False)


def test_the_limits_follow_the_broker() -> None:
    """An upload the broker takes by default passes; a password it takes fits the secret bound."""
    # Imported here: the rest of this module, like the CLI, needs no broker installed.
    from broker.domain.test_results import MAX_REPORT_BYTES
    from broker.services.users import MAX_PASSWORD
    from broker.settings import DEFAULT_MAX_BODY_BYTES

    assert _files.MAX_UPLOAD_BYTES == DEFAULT_MAX_BODY_BYTES
    assert _files.MAX_TEST_REPORT_BYTES == MAX_REPORT_BYTES
    assert 4 * MAX_PASSWORD + len("\r\n") <= _files.MAX_SECRET_BYTES
