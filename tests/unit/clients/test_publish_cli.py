"""`accord publish` and `accord list-latest-pact-versions` against a broker double.

Paths are expanded like `pact-broker publish` (files, folders, globs), one request goes out per
consumer, and a refused publication prints the broker's reason and diff.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from clients.cli import git
from clients.cli.__main__ import EXIT_FAILURE, EXIT_OK, main
from clients.cli.output import notice
from clients.sdk import Notice
from tests.unit.clients.conftest import BASE, StubBroker, hal
from tests.unit.clients.test_publish_sdk import (
    CONFLICT_REASON,
    DIFF,
    PUBLISH,
    conflict,
    latest_pacts,
    pact,
    publishing_stub,
)

CI_VARIABLES = (
    *git._CI_BRANCH_VARIABLES,
    *git._CI_COMMIT_VARIABLES,
    *git._CI_BUILD_URL_VARIABLES,
    "GITHUB_SERVER_URL",
    "GITHUB_REPOSITORY",
    "GITHUB_RUN_ID",
)


@pytest.fixture(autouse=True)
def no_ci_or_broker_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*CI_VARIABLES, "PACT_BROKER_BASE_URL", "PACT_BROKER_TOKEN"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def broker() -> StubBroker:
    return publishing_stub()


def run(stub: StubBroker, *argv: str) -> int:
    return main([*argv, "--broker-base-url", BASE], transport=stub.transport)


def write(path: Path, content: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def sent(stub: StubBroker, index: int) -> dict[str, Any]:
    """The JSON body of the `index`th request, an object."""
    body = stub.body(index)
    assert isinstance(body, dict)
    return body


def contracts(stub: StubBroker, index: int) -> list[tuple[str, str, bytes]]:
    """(consumer, provider, decoded pact) of each contract in the `index`th request."""
    return [
        (c["consumerName"], c["providerName"], base64.b64decode(c["content"]))
        for c in sent(stub, index)["contracts"]
    ]


def test_a_folder_is_published_with_one_request_per_consumer(
    broker: StubBroker, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stock = write(tmp_path / "pacts" / "a-orders-stock.json", pact("Orders", "Stock"))
    billing = write(tmp_path / "pacts" / "b-billing-stock.json", pact("Billing", "Stock"))
    ledger = write(tmp_path / "pacts" / "c-orders-ledger.json", pact("Orders", "Ledger"))
    write(tmp_path / "pacts" / "notes.txt", b"not a pact")
    write(tmp_path / "pacts" / "nested" / "d-deep-stock.json", pact("Deep", "Stock"))

    code = run(broker, "publish", str(tmp_path / "pacts"), "-a", "1.0.0", "--branch", "main")

    assert code == EXIT_OK
    assert broker.sent == ["GET /", PUBLISH, PUBLISH]
    assert contracts(broker, 1) == [
        ("Orders", "Stock", stock.read_bytes()),
        ("Orders", "Ledger", ledger.read_bytes()),
    ]
    assert contracts(broker, 2) == [("Billing", "Stock", billing.read_bytes())]
    assert [sent(broker, i)["pacticipantName"] for i in (1, 2)] == ["Orders", "Billing"]
    assert capsys.readouterr().out == (
        "Created Orders version 1.0.0 with branch main\n"
        "Pact successfully published for Orders version 1.0.0 and provider Stock.\n"
        "Pact successfully published for Orders version 1.0.0 and provider Ledger.\n"
        "Created Billing version 1.0.0 with branch main\n"
        "Pact successfully published for Billing version 1.0.0 and provider Stock.\n"
    )


def test_files_and_globs_are_expanded_each_file_once(
    broker: StubBroker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "pacts" / "orders-stock.json", pact("Orders", "Stock"))
    write(tmp_path / "pacts" / "orders-ledger.json", pact("Orders", "Ledger"))
    write(tmp_path / "other" / "deep" / "billing-stock.json", pact("Billing", "Stock"))
    monkeypatch.chdir(tmp_path)

    code = run(
        broker,
        "publish",
        "pacts/*-stock.json",
        "pacts/orders-stock.json",
        "other/**/*.json",
        str(tmp_path / "nothing-*.json"),
        "-a",
        "2",
    )

    assert code == EXIT_OK
    assert [[(c, p) for c, p, _ in contracts(broker, i)] for i in (1, 2)] == [
        [("Orders", "Stock")],
        [("Billing", "Stock")],
    ]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"{not json", "it is not valid JSON"),
        (b'{"consumer": {"name": "Orders"}, "interactions": []}', "it has no consumer.name"),
        (b'[{"consumer": {"name": "Orders"}}]', "it has no consumer.name"),
        (b'{"consumer": {"name": " "}, "provider": {"name": "Stock"}}', "is blank"),
    ],
)
def test_a_file_that_is_not_a_pact_publishes_nothing(
    broker: StubBroker,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
    reason: str,
) -> None:
    write(tmp_path / "pacts" / "a-good.json", pact())
    bad = write(tmp_path / "pacts" / "b-bad.json", content)

    assert run(broker, "publish", str(tmp_path / "pacts"), "-a", "1") == EXIT_FAILURE

    err = capsys.readouterr().err
    assert err.startswith(f"{bad} is not a pact: ")
    assert reason in err
    assert err.count("\n") == 1
    assert broker.requests == []


def test_a_missing_path_or_an_empty_folder_is_an_error(
    broker: StubBroker, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(broker, "publish", str(tmp_path / "absent.json"), "-a", "1") == EXIT_FAILURE
    assert capsys.readouterr().err == f"Pact file {tmp_path / 'absent.json'} does not exist.\n"

    assert run(broker, "publish", str(tmp_path), "-a", "1") == EXIT_FAILURE
    assert capsys.readouterr().err == f"No pact files found in {tmp_path}.\n"
    assert broker.requests == []


def test_two_files_of_one_consumer_and_provider_are_refused(
    broker: StubBroker, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = write(tmp_path / "one.json", pact())
    second = write(tmp_path / "two.json", pact("Orders", "Stock", "another request"))

    assert run(broker, "publish", str(first), str(second), "-a", "1") == EXIT_FAILURE

    assert capsys.readouterr().err == (
        f"{first} and {second} both hold the pact between Orders and Stock: publish one of them.\n"
    )
    assert broker.requests == []


def test_a_version_is_required_without_auto_detection(
    broker: StubBroker, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "p.json", pact())

    assert run(broker, "publish", str(tmp_path)) == EXIT_FAILURE

    assert capsys.readouterr().err == (
        "Give --consumer-app-version, or --auto-detect-version-properties in a git checkout.\n"
    )


def test_merge_and_tags_reach_the_request(broker: StubBroker, tmp_path: Path) -> None:
    write(tmp_path / "p.json", pact())

    code = run(
        broker, "publish", str(tmp_path), "-a", "1", "-t", "dev", "--tag", "rc", "--merge",
        "--build-url", "https://ci.example.com/1",
    )  # fmt: skip

    assert code == EXIT_OK
    body = sent(broker, 1)
    assert body["tags"] == ["dev", "rc"]
    assert body["buildUrl"] == "https://ci.example.com/1"
    assert "branch" not in body
    assert body["contracts"][0]["onConflict"] == "merge"


@pytest.fixture
def git_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A real git repository with one commit on branch feature/x; the cwd; its short SHA."""
    executable = shutil.which("git")
    assert executable is not None

    def run_git(*arguments: str) -> str:
        completed = subprocess.run(
            [executable, *arguments], cwd=tmp_path, capture_output=True, text=True, check=True
        )
        return completed.stdout.strip()

    run_git("init", "--quiet", "--initial-branch", "feature/x")
    run_git("config", "user.email", "tests@example.com")
    run_git("config", "user.name", "Accord Tests")
    run_git("config", "commit.gpgsign", "false")
    write(tmp_path / "pacts" / "p.json", pact())
    run_git("add", "pacts")
    run_git("commit", "--quiet", "-m", "pacts")
    monkeypatch.chdir(tmp_path)
    return run_git("rev-parse", "--short", "HEAD")


def test_auto_detect_reads_the_branch_and_commit_from_git(
    broker: StubBroker, git_checkout: str
) -> None:
    assert run(broker, "publish", "pacts", "--auto-detect-version-properties") == EXIT_OK

    body = sent(broker, 1)
    assert (body["branch"], body["pacticipantVersionNumber"]) == ("feature/x", git_checkout)
    assert "buildUrl" not in body


def test_explicit_flags_win_over_auto_detection(broker: StubBroker, git_checkout: str) -> None:
    code = run(
        broker, "publish", "pacts", "-r", "-a", "3.1.4", "--branch", "main",
        "--build-url", "https://ci.example.com/9",
    )  # fmt: skip

    assert code == EXIT_OK
    body = sent(broker, 1)
    assert (body["branch"], body["pacticipantVersionNumber"], body["buildUrl"]) == (
        "main",
        "3.1.4",
        "https://ci.example.com/9",
    )


def test_ci_variables_win_over_git(
    broker: StubBroker, git_checkout: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_HEAD_REF", "pr-branch")
    monkeypatch.setenv("GITHUB_SHA", "0123456789abcdef")
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/orders")
    monkeypatch.setenv("GITHUB_RUN_ID", "42")

    assert run(broker, "publish", "pacts", "--auto-detect-version-properties") == EXIT_OK

    body = sent(broker, 1)
    assert (body["branch"], body["pacticipantVersionNumber"], body["buildUrl"]) == (
        "pr-branch",
        "0123456789abcdef",
        "https://github.com/acme/orders/actions/runs/42",
    )


def test_auto_detect_outside_a_checkout_says_what_to_give(
    broker: StubBroker,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write(tmp_path / "p.json", pact())
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))

    code = run(broker, "publish", "p.json", "--auto-detect-version-properties", "--branch", "b")

    assert code == EXIT_FAILURE
    assert capsys.readouterr().err.startswith("Could not find the git commit: give ")
    assert broker.requests == []


def test_a_refused_publication_prints_the_reason_and_the_diff(
    broker: StubBroker, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "p.json", pact())
    broker.on(PUBLISH, conflict())

    assert run(broker, "publish", str(tmp_path), "-a", "1.0.0") == EXIT_FAILURE

    printed = capsys.readouterr()
    assert printed.out == ""
    assert printed.err == f"{CONFLICT_REASON}\n{DIFF}\n"


def test_what_was_published_before_a_refusal_is_still_printed(
    broker: StubBroker, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "a.json", pact("Billing", "Stock"))
    write(tmp_path / "b.json", pact("Orders", "Stock"))
    answers = iter([None, conflict()])
    accept = broker.routes[PUBLISH]
    assert callable(accept)
    broker.on(PUBLISH, lambda request: next(answers) or accept(request))

    assert run(broker, "publish", str(tmp_path), "-a", "1.0.0") == EXIT_FAILURE

    printed = capsys.readouterr()
    assert "Pact successfully published for Billing version 1.0.0" in printed.out
    assert printed.err.startswith(CONFLICT_REASON)


def test_publish_as_json_prints_the_broker_answers(
    broker: StubBroker, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "p.json", pact())

    assert run(broker, "publish", str(tmp_path), "-a", "1", "--output", "json") == EXIT_OK

    (answer,) = json.loads(capsys.readouterr().out)
    assert answer["notices"][-1]["type"] == "success"
    assert answer["_links"]["pb:contracts"][0]["name"] == "Pact between Orders (1) and Stock"
    assert answer["_embedded"]["version"]["number"] == "1"


def test_notices_are_coloured_by_type_only_on_a_terminal() -> None:
    success = Notice(type="success", text="Published.")
    debug = Notice(type="debug", text="Created.")

    assert notice(success, colour=False) == "Published."
    assert notice(success, colour=True) == "\033[32mPublished.\033[0m"
    assert notice(Notice(type="warning", text="W"), colour=True) == "\033[33mW\033[0m"
    assert notice(Notice(type="error", text="E"), colour=True) == "\033[31mE\033[0m"
    assert notice(debug, colour=True) == "Created."


def test_list_latest_pact_versions_as_a_table(
    broker: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    broker.on(
        "GET /pacts/latest",
        hal(latest_pacts(("Orders", "1.0.0", "Stock"), ("Billing", "20", "Stock"))),
    )

    assert run(broker, "list-latest-pact-versions") == EXIT_OK

    assert capsys.readouterr().out == (
        "CONSUMER | C.VERSION | PROVIDER | CREATED AT\n"
        "---------|-----------|----------|--------------------------\n"
        "Orders   | 1.0.0     | Stock    | 2026-01-02T03:04:05+00:00\n"
        "Billing  | 20        | Stock    | 2026-01-02T03:04:05+00:00\n"
    )
