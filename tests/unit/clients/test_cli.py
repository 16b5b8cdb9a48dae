"""The `accord` command against a broker double: printed text, one-sentence errors, exit codes."""

from __future__ import annotations

import json
import socket
import sys
import types

import pytest

from clients.cli.__main__ import EXIT_FAILURE, EXIT_OK, main
from tests.unit.clients.conftest import (
    BASE,
    ENV_UUID,
    StubBroker,
    deployed_version,
    environment,
    environment_list,
    hal,
    released_version,
    version,
)


def run(stub: StubBroker, *argv: str) -> int:
    return main([*argv, "--broker-base-url", BASE], transport=stub.transport)


def test_list_environments_as_a_table(stub: StubBroker, capsys: pytest.CaptureFixture[str]) -> None:
    stub.on(
        "GET /environments", hal(environment_list(environment(), environment("test", uuid="u-2")))
    )

    assert run(stub, "list-environments") == EXIT_OK

    assert capsys.readouterr().out == (
        "UUID                                 | NAME       | DISPLAY NAME | PRODUCTION\n"
        "-------------------------------------|------------|--------------|-----------\n"
        f"{ENV_UUID} | production | Production   | true\n"
        "u-2                                  | test       | Test         | false\n"
    )


def test_list_environments_as_json_is_the_broker_resource(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.on("GET /environments", hal(environment_list(environment())))

    assert run(stub, "list-environments", "--output", "json") == EXIT_OK

    printed = json.loads(capsys.readouterr().out)
    assert printed["_embedded"]["environments"][0]["displayName"] == "Production"
    assert printed["_links"]["pb:environments"][0] == {
        "href": f"{BASE}/environments/{ENV_UUID}",
        "name": "production",
        "title": "Environment",
    }


def test_create_environment_prints_the_uuid(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.on("POST /environments", hal(environment("staging"), status=201))

    code = run(
        stub,
        "create-environment",
        "--name",
        "staging",
        "--no-production",
        "--contact-name",
        "Team",
        "--contact-email-address",
        "team@example.com",
    )

    assert code == EXIT_OK
    assert (
        capsys.readouterr().out
        == f"Created staging environment in the broker with UUID {ENV_UUID}\n"
    )
    assert stub.body(1) == {
        "name": "staging",
        "production": False,
        "contacts": [{"name": "Team", "details": {"emailAddress": "team@example.com"}}],
    }


def test_update_environment_sends_only_what_changed(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.on(f"GET /environments/{ENV_UUID}", hal(environment("staging")))
    stub.on(f"PUT /environments/{ENV_UUID}", hal(environment("staging", production=True)))

    assert run(stub, "update-environment", "--uuid", ENV_UUID, "--production") == EXIT_OK

    assert capsys.readouterr().out == "Updated staging environment in the broker\n"
    assert stub.body(2) == {
        "name": "staging",
        "displayName": "Staging",
        "production": True,
        "contacts": [],
    }


def test_describe_environment_shows_what_is_deployed_and_released(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.on(
        f"GET /environments/{ENV_UUID}",
        hal(environment(contacts=[{"name": "Team", "details": {"emailAddress": "t@example.com"}}])),
    )
    stub.on(
        f"GET /environments/{ENV_UUID}/deployed-versions/currently-deployed",
        hal({"_embedded": {"deployedVersions": [deployed_version(instance="blue")]}}),
    )
    stub.on(
        f"GET /environments/{ENV_UUID}/released-versions/currently-supported",
        hal({"_embedded": {"releasedVersions": []}}),
    )

    assert run(stub, "describe-environment", "--uuid", ENV_UUID) == EXIT_OK

    assert capsys.readouterr().out == (
        f"UUID: {ENV_UUID}\n"
        "Name: production\n"
        "Display name: Production\n"
        "Production: true\n"
        "Created at: 2026-01-02T03:04:05+00:00\n"
        "Contacts:\n"
        "  - Team (t@example.com)\n"
        "Currently deployed:\n"
        "  - Orders 1.0.0 (application instance blue)\n"
        "Currently released: none\n"
    )


def test_delete_environment_names_it(stub: StubBroker, capsys: pytest.CaptureFixture[str]) -> None:
    stub.on(f"GET /environments/{ENV_UUID}", hal(environment("staging")))
    stub.on(f"DELETE /environments/{ENV_UUID}", hal({}, status=200))

    assert run(stub, "delete-environment", "--uuid", ENV_UUID) == EXIT_OK

    assert capsys.readouterr().out == "Deleted environment staging from the broker\n"


def test_create_or_update_pacticipant_says_created(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.on("POST /pacticipants", hal({"name": "Orders"}, status=201))

    assert run(stub, "create-or-update-pacticipant", "--name", "Orders") == EXIT_OK

    assert capsys.readouterr().out == 'Pacticipant "Orders" created\n'


def test_describe_pacticipant(stub: StubBroker, capsys: pytest.CaptureFixture[str]) -> None:
    stub.on(
        "GET /pacticipants/Orders",
        hal(
            {
                "name": "Orders",
                "displayName": "Orders",
                "mainBranch": "main",
                "repositoryUrl": "https://git.example.com/orders",
                "_embedded": {"latestVersion": {"number": "1.2.0"}},
            }
        ),
    )

    assert run(stub, "describe-pacticipant", "--name", "Orders") == EXIT_OK

    assert capsys.readouterr().out == (
        "Name: Orders\n"
        "Display name: Orders\n"
        "Main branch: main\n"
        "Repository URL: https://git.example.com/orders\n"
        "Latest version: 1.2.0\n"
    )


def test_list_pacticipants(stub: StubBroker, capsys: pytest.CaptureFixture[str]) -> None:
    stub.on(
        "GET /pacticipants",
        hal({"_embedded": {"pacticipants": [{"name": "Orders", "mainBranch": "main"}]}}),
    )

    assert run(stub, "list-pacticipants") == EXIT_OK

    assert capsys.readouterr().out == (
        "NAME   | DISPLAY NAME | MAIN BRANCH | REPOSITORY URL\n"
        "-------|--------------|-------------|---------------\n"
        "Orders |              | main        |\n"
    )


def test_create_or_update_version_with_branch_and_tags(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    path = "/pacticipants/Orders/versions/1.0.0"
    stub.on(f"PUT {path}", hal(version(), status=201))
    stub.on("PUT /pacticipants/Orders/branches/main/versions/1.0.0", hal({"name": "main"}, 201))
    stub.on(f"PUT {path}/tags/a", hal({"name": "a"}, 201))
    stub.on(f"PUT {path}/tags/b", hal({"name": "b"}, 201))
    stub.on(f"GET {path}", hal(version(tags=("a", "b"), branches=("main",))))

    code = run(
        stub,
        "create-or-update-version",
        "-a",
        "Orders",
        "-e",
        "1.0.0",
        "--branch",
        "main",
        "-t",
        "a",
        "-t",
        "b",
    )

    assert code == EXIT_OK
    assert capsys.readouterr().out == (
        "Created Orders version 1.0.0 with branch main and tag(s) a, b in the broker\n"
    )


def test_describe_version_latest_with_tag(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.on(
        "GET /pacticipants/Orders/latest-version/prod",
        hal(version(tags=("prod",), branches=("main",))),
    )

    assert run(stub, "describe-version", "-a", "Orders", "--latest", "prod") == EXIT_OK

    assert capsys.readouterr().out == (
        "Pacticipant: Orders\n"
        "Version: 1.0.0\n"
        "Branches: main (latest)\n"
        "Tags: prod\n"
        "Created at: 2026-01-02T03:04:05+00:00\n"
    )


def test_describe_version_as_json(stub: StubBroker, capsys: pytest.CaptureFixture[str]) -> None:
    stub.on("GET /pacticipants/Orders/versions/1.0.0", hal(version(tags=("prod",))))

    assert run(stub, "describe-version", "-a", "Orders", "-e", "1.0.0", "-o", "json") == EXIT_OK

    printed = json.loads(capsys.readouterr().out)
    assert printed["number"] == "1.0.0"
    assert [tag["name"] for tag in printed["_embedded"]["tags"]] == ["prod"]
    assert printed["_links"]["pb:record-deployment"][0]["name"] == "production"


def test_create_version_tag_with_git_branch(
    stub: StubBroker, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_BRANCH", "feature/x")
    stub.on("GET /pacticipants/Orders/versions/1.0.0", hal(version()))
    stub.on("PUT /pacticipants/Orders/versions/1.0.0/tags/prod", hal({"name": "prod"}, 201))
    stub.on(
        "PUT /pacticipants/Orders/versions/1.0.0/tags/feature%2Fx", hal({"name": "feature/x"}, 201)
    )

    code = run(
        stub,
        "create-version-tag",
        "-a",
        "Orders",
        "-e",
        "1.0.0",
        "-t",
        "prod",
        "--tag-with-git-branch",
    )

    assert code == EXIT_OK
    assert capsys.readouterr().out == "Tagged Orders version 1.0.0 with prod, feature/x\n"


def test_record_deployment(stub: StubBroker, capsys: pytest.CaptureFixture[str]) -> None:
    path = "/pacticipants/Orders/versions/1.0.0"
    stub.on(f"GET {path}", hal(version()))
    stub.on(
        f"POST {path}/deployed-versions/environment/{ENV_UUID}",
        hal(deployed_version(instance="blue"), 201),
    )

    code = run(
        stub,
        "record-deployment",
        "-a",
        "Orders",
        "-e",
        "1.0.0",
        "--environment",
        "production",
        "--application-instance",
        "blue",
    )

    assert code == EXIT_OK
    assert capsys.readouterr().out == (
        "Recorded deployment of Orders version 1.0.0 to production environment "
        "(application instance blue) in the broker.\n"
    )


def test_record_deployment_as_json_prints_the_deployed_version(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    path = "/pacticipants/Orders/versions/1.0.0"
    stub.on(f"GET {path}", hal(version()))
    stub.on(f"POST {path}/deployed-versions/environment/{ENV_UUID}", hal(deployed_version(), 201))

    assert (
        run(
            stub,
            "record-deployment",
            "-a",
            "Orders",
            "-e",
            "1.0.0",
            "--environment",
            "production",
            "-o",
            "json",
        )
        == 0
    )

    printed = json.loads(capsys.readouterr().out)
    assert printed["uuid"] == "d1"
    assert printed["currentlyDeployed"] is True
    assert printed["_embedded"]["version"]["number"] == "1.0.0"


def test_record_undeployment_release_and_support_ended(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.on("GET /environments", hal(environment_list(environment())))
    stub.on(f"GET /environments/{ENV_UUID}", hal(environment()))
    stub.on(
        f"GET /environments/{ENV_UUID}/deployed-versions/currently-deployed?pacticipant=Orders",
        hal({"_embedded": {"deployedVersions": [deployed_version()]}}),
    )
    stub.on("PATCH /deployed-versions/d1", hal(deployed_version(currently_deployed=False)))
    path = "/pacticipants/Orders/versions/1.0.0"
    stub.on(f"GET {path}", hal(version()))
    stub.on(f"POST {path}/released-versions/environment/{ENV_UUID}", hal(released_version(), 201))
    stub.on(
        f"GET /environments/{ENV_UUID}/released-versions/currently-supported"
        "?pacticipant=Orders&version=1.0.0",
        hal({"_embedded": {"releasedVersions": [released_version()]}}),
    )
    stub.on("PATCH /released-versions/r1", hal(released_version(supported=False)))

    assert (
        run(stub, "record-undeployment", "-a", "Orders", "--environment", "production") == EXIT_OK
    )
    assert (
        run(stub, "record-release", "-a", "Orders", "-e", "1.0.0", "--environment", "production")
        == EXIT_OK
    )
    assert (
        run(
            stub,
            "record-support-ended",
            "-a",
            "Orders",
            "-e",
            "1.0.0",
            "--environment",
            "production",
        )
        == 0
    )

    assert capsys.readouterr().out == (
        "Recorded undeployment of Orders version 1.0.0 from production environment in the broker.\n"
        "Recorded release of Orders version 1.0.0 to production environment in the broker.\n"
        "Recorded support ended of Orders version 1.0.0 in production environment in the broker.\n"
    )


def test_an_unknown_environment_is_one_sentence_and_exit_1(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.on("GET /pacticipants/Orders/versions/1.0.0", hal(version()))

    code = run(stub, "record-deployment", "-a", "Orders", "-e", "1.0.0", "--environment", "staging")

    assert code == EXIT_FAILURE
    assert capsys.readouterr() == ("", "Environment staging does not exist.\n")


def test_a_validation_error_is_one_sentence(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.on("POST /environments", hal({"errors": {"name": ["has already been taken"]}}, status=400))

    assert run(stub, "create-environment", "--name", "production") == EXIT_FAILURE

    err = capsys.readouterr().err
    assert err == (
        "The broker answered 400 Bad Request to POST http://broker.test/environments: "
        "name has already been taken.\n"
    )


def test_a_missing_base_url_is_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list-environments"]) == EXIT_FAILURE

    assert capsys.readouterr() == (
        "",
        "No broker base URL: pass --broker-base-url or set PACT_BROKER_BASE_URL.\n",
    )


def test_the_base_url_and_token_come_from_the_environment(
    stub: StubBroker, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PACT_BROKER_BASE_URL", BASE)
    monkeypatch.setenv("PACT_BROKER_TOKEN", "t0k")
    stub.on("GET /environments", hal(environment_list()))

    assert main(["list-environments"], transport=stub.transport) == EXIT_OK

    assert stub.requests[0].headers["Authorization"] == "Bearer t0k"
    capsys.readouterr()


def test_a_token_and_a_username_as_flags_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["list-environments", "-b", BASE, "-k", "t", "-u", "me", "-p", "pw"])

    assert code == EXIT_FAILURE
    assert capsys.readouterr().err == (
        "Give either --broker-token or --broker-username and --broker-password, not both.\n"
    )


def test_an_unreachable_broker_is_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    assert main(["list-environments", "-b", f"http://127.0.0.1:{port}"]) == EXIT_FAILURE

    assert capsys.readouterr() == (
        "",
        f"Could not reach the broker at http://127.0.0.1:{port}: connection refused.\n",
    )


def test_bad_flags_are_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["record-deployment", "-a", "Orders"])

    assert raised.value.code == 2
    assert (
        "the following arguments are required: -e/--version, --environment"
        in capsys.readouterr().err
    )


def test_broker_commands_go_to_the_broker_package(monkeypatch: pytest.MonkeyPatch) -> None:
    received: list[list[str]] = []

    def broker_main(argv: list[str]) -> int:
        received.append(argv)
        return 0

    stand_in = types.ModuleType("broker.__main__")
    stand_in.main = broker_main  # type: ignore[attr-defined]  # ModuleType has no declared attrs
    monkeypatch.setitem(sys.modules, "broker.__main__", stand_in)

    assert main(["broker", "serve", "--port", "9000"]) == EXIT_OK

    assert received == [["serve", "--port", "9000"]]


def test_broker_commands_without_the_broker_extra_say_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "broker.__main__", None)

    assert main(["broker", "serve"]) == EXIT_FAILURE

    assert capsys.readouterr().err == "The broker is not installed: pip install 'accord[broker]'\n"
