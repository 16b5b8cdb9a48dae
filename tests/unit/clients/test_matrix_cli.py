"""`accord can-i-deploy`, `can-i-merge` and `describe-matrix` against a broker double."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from clients.cli.__main__ import EXIT_FAILURE, EXIT_OK, main
from tests.unit.clients.conftest import BASE, StubBroker, hal
from tests.unit.clients.test_matrix_sdk import RESULT, YES, matrix, row

TO_PRODUCTION = "q[][pacticipant]=Web&q[][version]=1.0.0&latestby=cvpv&environment=production"
FAILED = matrix(
    row(success=False),
    deployable=False,
    reason="1 verification failed",
    notices=[
        {"type": "error", "text": "1 verification failed"},
        {
            "type": "error",
            "text": "The verification for the pact between the version 1.0.0 of Web and the "
            "version 2.0.0 of Orders failed",
        },
    ],
)
UNKNOWN = matrix(
    row(success=None),
    deployable=None,
    reason="1 verification result is missing",
)


def run(stub: StubBroker, *argv: str) -> int:
    return main([*argv, "--broker-base-url", BASE], transport=stub.transport)


def deploy_web(stub: StubBroker, *extra: str) -> int:
    return run(
        stub, "can-i-deploy", "--pacticipant", "Web", "--version", "1.0.0",
        "--to-environment", "production", *extra,
    )  # fmt: skip


def answers(
    *bodies: dict[str, object],
) -> tuple[list[httpx.Request], Callable[[httpx.Request], httpx.Response]]:
    """A route answering each request with the next body, the last one for ever after."""
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return hal(bodies[min(len(seen), len(bodies)) - 1])

    return seen, answer


def test_yes_prints_the_table_the_results_and_the_reason_and_exits_0(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.on(f"GET /matrix?{TO_PRODUCTION}", hal(YES))

    assert deploy_web(stub) == EXIT_OK

    assert capsys.readouterr().out == (
        "Computer says yes \\o/\n"
        "\n"
        "CONSUMER | C.VERSION | PROVIDER | P.VERSION | SUCCESS? | RESULT#\n"
        "---------|-----------|----------|-----------|----------|--------\n"
        "Web      | 1.0.0     | Orders   | 2.0.0     | true     | 1\n"
        "\n"
        "VERIFICATION RESULTS\n"
        "--------------------\n"
        f"1. {RESULT}/1 (success)\n"
        "\n"
        "All required verification results are published and successful\n"
    )


def test_a_failed_verification_says_no_names_the_versions_and_exits_1(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.on(f"GET /matrix?{TO_PRODUCTION}", hal(FAILED))

    assert deploy_web(stub) == EXIT_FAILURE

    printed = capsys.readouterr()
    lines = printed.out.splitlines()
    assert lines[0] == "Computer says no ¯\\_(ツ)_/¯"
    assert lines[4] == "Web      | 1.0.0     | Orders   | 2.0.0     | false    | 1"
    assert f"1. {RESULT}/1 (failure)" in lines
    assert lines[-2:] == [
        "1 verification failed",
        "The verification for the pact between the version 1.0.0 of Web and the version 2.0.0 "
        "of Orders failed",
    ]
    assert printed.err == ""


def test_an_unknown_result_exits_1_and_shows_question_marks(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.on(f"GET /matrix?{TO_PRODUCTION}", hal(UNKNOWN))

    assert deploy_web(stub) == EXIT_FAILURE

    out = capsys.readouterr().out
    assert "Web      | 1.0.0     | Orders   | 2.0.0     | ???      |\n" in out
    assert "VERIFICATION RESULTS" not in out
    assert out.endswith("1 verification result is missing\n")


def test_the_reason_is_printed_when_the_broker_sends_no_notices(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.on(
        f"GET /matrix?{TO_PRODUCTION}", hal(matrix(deployable=True, reason="No deps", notices=[]))
    )

    assert deploy_web(stub) == EXIT_OK

    assert capsys.readouterr().out == "Computer says yes \\o/\n\nNo deps\n"


def test_flags_apply_to_the_pacticipant_or_ignore_before_them(stub: StubBroker) -> None:
    query = (
        "q[][pacticipant]=Web&q[][version]=1.0.0"
        "&q[][pacticipant]=Orders&q[][latest]=true&q[][tag]=prod"
        "&q[][pacticipant]=Audit&q[][latest]=true&q[][branch]=main"
        "&q[][pacticipant]=Mail&q[][latest]=true&q[][mainBranch]=true"
        "&latestby=cvpv&ignore[][pacticipant]=Search&ignore[][version]=3"
        "&ignore[][pacticipant]=Billing"
    )
    stub.on(f"GET /matrix?{query}", hal(YES))

    code = run(
        stub, "can-i-deploy", "-a", "Web", "-e", "1.0.0", "-a", "Orders", "--latest", "prod",
        "--pacticipant", "Audit", "--branch", "main", "--ignore", "Search", "--version", "3",
        "--pacticipant", "Mail", "--main-branch", "--ignore", "Billing",
    )  # fmt: skip

    assert code == EXIT_OK
    assert stub.sent == [f"GET /matrix?{query}"]


def test_to_a_tag_and_a_limit(stub: StubBroker) -> None:
    query = "q[][pacticipant]=Web&q[][latest]=true&latestby=cvp&limit=10&latest=true&tag=prod"
    stub.on(f"GET /matrix?{query}", hal(YES))

    code = run(stub, "can-i-deploy", "-a", "Web", "--latest", "--to", "prod", "--limit", "10")

    assert code == EXIT_OK
    assert stub.sent == [f"GET /matrix?{query}"]


def test_json_output_is_the_matrix_resource_and_keeps_the_exit_code(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.on(f"GET /matrix?{TO_PRODUCTION}", hal(FAILED))

    assert deploy_web(stub, "--output", "json") == EXIT_FAILURE

    printed = json.loads(capsys.readouterr().out)
    assert printed["summary"]["deployable"] is False
    assert printed["matrix"][0]["verificationResult"]["success"] is False
    assert printed["matrix"][0]["provider"]["version"] == {"number": "2.0.0"}
    assert printed["notices"][1]["type"] == "error"


def test_a_dry_run_says_no_but_exits_0(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.on(f"GET /matrix?{TO_PRODUCTION}", hal(FAILED))

    assert deploy_web(stub, "--dry-run") == EXIT_OK

    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "[dry-run] Computer says no ¯\\_(ツ)_/¯"
    assert all(line.startswith("[dry-run]") for line in lines)
    assert lines[-1] == "[dry-run] Dry run: accord exits 0 whatever the answer."


def test_the_dry_run_variable_and_a_broker_error_still_exit_0(
    stub: StubBroker, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PACT_BROKER_CAN_I_DEPLOY_DRY_RUN", "true")
    stub.on(f"GET /matrix?{TO_PRODUCTION}", hal({"error": "Database down"}, status=503))

    assert deploy_web(stub) == EXIT_OK

    assert capsys.readouterr().out.splitlines() == [
        "[dry-run] Database down.",
        "[dry-run]",
        "[dry-run] Dry run: accord exits 0 whatever the answer.",
    ]


def test_retry_while_unknown_asks_again_until_the_result_arrives(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    seen, answer = answers(UNKNOWN, UNKNOWN, YES)
    stub.on(f"GET /matrix?{TO_PRODUCTION}", answer)

    code = deploy_web(stub, "--retry-while-unknown", "5", "--retry-interval", "0.01")

    assert code == EXIT_OK
    assert len(seen) == 3
    printed = capsys.readouterr()
    assert printed.out.startswith("Computer says yes")
    assert printed.err == (
        "Waiting 0.01 s for 1 missing verification result (retry 1 of 5)...\n"
        "Waiting 0.01 s for 1 missing verification result (retry 2 of 5)...\n"
    )


def test_trust_15_retry_while_unknown_prints_each_retry_and_gives_up_after_the_given_times(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    seen, answer = answers(UNKNOWN)
    stub.on(f"GET /matrix?{TO_PRODUCTION}", answer)

    code = deploy_web(stub, "--retry-while-unknown", "2", "--retry-interval", "0", "-o", "json")

    assert code == EXIT_FAILURE
    assert len(seen) == 3
    printed = capsys.readouterr()
    assert printed.err.splitlines() == [
        "Waiting 0 s for 1 missing verification result (retry 1 of 2)...",
        "Waiting 0 s for 1 missing verification result (retry 2 of 2)...",
    ]
    assert json.loads(printed.out)["summary"]["deployable"] is None  # stdout stays JSON


def test_no_retry_when_the_answer_is_known(stub: StubBroker) -> None:
    seen, answer = answers(FAILED)
    stub.on(f"GET /matrix?{TO_PRODUCTION}", answer)

    assert deploy_web(stub, "--retry-while-unknown", "3", "--retry-interval", "0") == EXIT_FAILURE
    assert len(seen) == 1


@pytest.mark.parametrize(
    ("argv", "sentence"),
    [
        (["--version", "1", "-a", "Web"], "Give --pacticipant before --version."),
        (["-a", "Web", "--to-environment", "prod"],
         "Give --version, --latest, --branch or --main-branch after --pacticipant Web."),
        (["--to-environment", "prod"], "Give at least one --pacticipant."),
        (["-a", "Web", "-e", "1", "--ignore", "Audit", "--latest"],
         "Only --version may follow --ignore Audit, not --latest."),
    ],
)  # fmt: skip
def test_bad_flags_are_one_sentence_and_nothing_is_asked(
    stub: StubBroker, capsys: pytest.CaptureFixture[str], argv: list[str], sentence: str
) -> None:
    assert run(stub, "can-i-deploy", *argv) == EXIT_FAILURE

    assert capsys.readouterr().err == sentence + "\n"
    assert stub.sent == []


def test_the_ignore_variable_adds_ignored_pacticipants(
    stub: StubBroker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PACT_BROKER_CAN_I_DEPLOY_IGNORE", "Audit, Mail Service,")
    query = f"{TO_PRODUCTION}&ignore[][pacticipant]=Audit&ignore[][pacticipant]=Mail%20Service"
    stub.on(f"GET /matrix?{query}", hal(YES))

    assert deploy_web(stub) == EXIT_OK
    assert stub.sent == [f"GET /matrix?{query}"]


@pytest.mark.parametrize("interval", ["-1", "soon", "nan"])
def test_a_bad_retry_interval_is_a_usage_error(
    stub: StubBroker, capsys: pytest.CaptureFixture[str], interval: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        deploy_web(stub, "--retry-while-unknown", "1", "--retry-interval", interval)

    assert exited.value.code == 2
    assert "expected a number of seconds" in capsys.readouterr().err
    assert stub.sent == []


def test_a_refused_query_is_one_sentence(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    refusal = {"errors": {"environment": ["no environment named 'production'"]}}
    stub.on(f"GET /matrix?{TO_PRODUCTION}", hal(refusal, status=400))

    assert deploy_web(stub) == EXIT_FAILURE

    printed = capsys.readouterr()
    assert printed.err == (
        "The broker refused the matrix query: no environment named 'production'.\n"
    )
    assert printed.out == ""


def test_can_i_merge_asks_against_the_main_branches(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    query = "q[][pacticipant]=Web&q[][version]=1.0.0&latestby=cvp&latest=true&mainBranch=true"
    stub.on(f"GET /matrix?{query}", hal(FAILED))

    assert run(stub, "can-i-merge", "--pacticipant", "Web", "--version", "1.0.0") == EXIT_FAILURE
    assert capsys.readouterr().out.startswith("Computer says no")

    stub.on(f"GET /matrix?{query}", hal(YES))
    assert run(stub, "can-i-merge", "-a", "Web", "-e", "1.0.0") == EXIT_OK


def test_can_i_merge_dry_run_variable(stub: StubBroker, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PACT_BROKER_CAN_I_MERGE_DRY_RUN", "true")
    query = "q[][pacticipant]=Web&q[][version]=1.0.0&latestby=cvp&latest=true&mainBranch=true"
    stub.on(f"GET /matrix?{query}", hal(FAILED))

    assert run(stub, "can-i-merge", "-a", "Web", "-e", "1.0.0") == EXIT_OK


def test_describe_matrix_prints_rows_with_verification_times_and_the_summary(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    query = "q[][pacticipant]=Web&q[][version]=1.0.0&q[][pacticipant]=Orders&q[][latest]=true"
    body = matrix(
        row(success=False),
        row(provider_version="2.1.0", success=None),
        row(provider="Audit", provider_version="7", success=True, ignored=True),
        deployable=False,
        reason="1 verification failed and 1 verification result is missing",
    )
    stub.on(f"GET /matrix?{query}&latestby=cvpv", hal(body))

    code = run(stub, "describe-matrix", "-a", "Web", "-e", "1.0.0", "-a", "Orders", "-l")

    assert code == EXIT_FAILURE  # the answer is no
    assert capsys.readouterr().out == (
        "CONSUMER | C.VERSION | PROVIDER | P.VERSION | SUCCESS?       | VERIFIED AT\n"
        "---------|-----------|----------|-----------|----------------|--------------------------\n"
        "Web      | 1.0.0     | Orders   | 2.0.0     | false          | 2026-01-02T03:04:05+00:00\n"
        "Web      | 1.0.0     | Orders   | 2.1.0     | ???            | not verified\n"
        "Web      | 1.0.0     | Audit    | 7         | true [ignored] | 2026-01-02T03:04:05+00:00\n"
        "\n"
        "Deployable: no\n"
        "Reason: 1 verification failed and 1 verification result is missing\n"
        "Results: 0 successful, 1 failed, 1 missing, 1 ignored\n"
    )


def test_describe_matrix_without_rows_and_as_json(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    query = "q[][pacticipant]=Web&q[][version]=1.0.0&latestby=cvp&latest=true"
    stub.on(f"GET /matrix?{query}", hal(matrix(deployable=True, reason="No dependencies")))

    assert run(stub, "describe-matrix", "-a", "Web", "-e", "1.0.0") == EXIT_OK
    assert capsys.readouterr().out.startswith("No pacts between the selected versions.\n\n")

    assert run(stub, "describe-matrix", "-a", "Web", "-e", "1.0.0", "-o", "json") == EXIT_OK
    assert json.loads(capsys.readouterr().out)["summary"]["reason"] == "No dependencies"


@pytest.mark.parametrize(
    ("body", "expected"),
    [(FAILED, EXIT_FAILURE), (UNKNOWN, EXIT_FAILURE), (YES, EXIT_OK)],
    ids=["no", "unknown", "yes"],
)
@pytest.mark.parametrize("output", ["table", "json"])
def test_trust_15_describe_matrix_exits_1_unless_the_answer_is_yes(
    stub: StubBroker, body: dict[str, object], expected: int, output: str
) -> None:
    stub.on(f"GET /matrix?{TO_PRODUCTION}", hal(body))

    code = run(stub, "describe-matrix", "-a", "Web", "-e", "1.0.0",
               "--to-environment", "production", "-o", output)  # fmt: skip

    assert code == expected
