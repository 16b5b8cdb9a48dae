"""Every subcommand of the real `pact-broker` and `pactflow` CLIs, both flavours, against Accord.

Issue #14 asks that each subcommand of the Ruby CLIs (pact_broker-client) and the Rust ones
(pact-broker-cli) work against Accord. `TABLE` gives, for each subcommand the CLIs' own help
lists, the arguments that make it do real work, what it prepares for itself alone, and how its
effect shows over HTTP. `test_the_table_covers_every_subcommand_the_help_lists` reads each
CLI's help, so a client release that adds a subcommand fails until it has a row (or an
`OFFLINE` reason).

One broker per backend (per xdist worker), secured by a token the CLIs send, is filled once by
`world`: three consumers' pacts on `main`, the provider's OpenAPI document with passing
self-verification, a `production` environment where the provider runs, its version tagged
`prod`. Rows never undo what another row relies on: each writes under names of its own (`<f>`
is the flavour; pacticipant names hold spaces, which the CLIs must encode), so they run in any
order and on any worker.

Faults of the clients themselves (they fail against the Pact Broker too), which the rows step
around: the Rust `get-pacts --consumer C --latest` panics printing its table of one pact (the
row asks for JSON); the Rust `publish` and `create-version-tag` take several tags after one
`--tag`, never `--tag` repeated; the Ruby `create-or-update-pacticipant --output json` raises
NoMethodError whatever the broker answers; the Rust CLI puts a `/` in a version or branch name
into the path unencoded.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from tests.conftest import BACKENDS, create_database, drop_database
from tests.e2e.cli_table import (
    FIXTURES,
    FLAVOURS,
    Receiver,
    Row,
    World,
    answers,
    deployed,
    environment,
    lacks,
    listed_subcommands,
    pact_of,
    prints,
    put,
    received,
    receiving,
    released,
    run,
    webhook,
)
from tests.e2e.conftest import running_broker
from tests.e2e.pact_clients import ensure_installed

pytestmark = [pytest.mark.e2e, pytest.mark.pact_clients]

TOKEN = "cli-table-admin-token-0123456789"
CONSUMER = "ProbeConsumerV3"
PROVIDER = "ProbeProvider"
VERSION = f"/pacticipants/{CONSUMER}/versions/1.0.0"
DEPLOYED = "/environments/<production>/deployed-versions/currently-deployed"
SUPPORTED = "/environments/<production>/released-versions/currently-supported"
HOOK = "<receiver>/hook"

# Subcommands that never reach a broker, so there is nothing of Accord's to run them against.
OFFLINE: dict[tuple[str, str, str], str] = {
    ("rust", "pact-broker", "help"): "prints the help",
    ("rust", "pact-broker", "generate-uuid"): "prints a UUID made on the spot",
    ("rust", "pact-broker", "ruby"): "installs and runs a Pact Broker with the system's Ruby",
    ("rust", "pact-broker", "docker"): "runs a Pact Broker container",
    ("rust", "pact-broker", "provider-states help"): "prints the help",
    ("rust", "pactflow", "help"): "prints the help",
    ("ruby", "pact-broker", "help"): "prints the help",
    ("ruby", "pact-broker", "generate-uuid"): "prints a UUID made on the spot",
    ("ruby", "pact-broker", "tree"): "prints the command tree",
    ("ruby", "pact-broker", "version"): "prints the client's own version",
    ("ruby", "pactflow", "help"): "prints the help",
    ("ruby", "pactflow", "tree"): "prints the command tree",
}

RUST = ("rust",)
B = "pact-broker"

# fmt: off
TABLE: tuple[Row, ...] = (
    Row(B, "publish", "<dir> --consumer-app-version 1.0.0 --branch main --tag t1",
        prepare=pact_of("Published <f>", like=FIXTURES / "pacts" / f"{CONSUMER}-{PROVIDER}.json"),
        check=answers(f"/pacts/provider/{PROVIDER}/consumer/Published <f>/version/1.0.0")),
    Row(B, "list-latest-pact-versions", check=prints(CONSUMER)),
    Row(B, "get-pacts", f"--provider {PROVIDER}", check=prints(CONSUMER), flavours=RUST),
    Row(B, "get-pacts", f"--provider {PROVIDER} --branch main --latest", check=prints(CONSUMER),
        flavours=RUST, variant="branch-latest"),
    # JSON: the CLI's table of one pact panics (it wants a `pacts` array, which the pact
    # document does not have, from the Pact Broker either).
    Row(B, "get-pacts",
        f"--provider {PROVIDER} --consumer {CONSUMER} --branch main --latest -o json",
        check=prints(f"/consumer/{CONSUMER}/version/1.0.0"), flavours=RUST,
        variant="consumer-branch-latest"),
    Row(B, "provider-states list", f"--provider {PROVIDER}", check=prints("user 42 exists"),
        flavours=RUST),
    Row(B, "provider-states list", f"--provider {PROVIDER} --branch main",
        check=prints("user 42 exists"), flavours=RUST, variant="branch"),
    Row(B, "create-environment", "--name created-<f> --display-name 'Created by <f>' --production",
        check=answers("/environments", naming="Created by <f>")),
    Row(B, "update-environment", "--uuid <env> --name updated-<f> --display-name 'Updated by <f>'",
        prepare=environment("updated-<f>"),
        check=answers("/environments", naming="Updated by <f>")),
    Row(B, "delete-environment", "--uuid <env>", prepare=environment("deleted-<f>"),
        check=lacks("/environments", "deleted-<f>")),
    Row(B, "describe-environment", "--uuid <production>", check=prints("production")),
    Row(B, "list-environments", check=prints("production")),
    Row(B, "record-deployment", "--pacticipant 'Deployed <f>' --version 1 --environment production",
        prepare=put("/pacticipants/Deployed <f>/versions/1"),
        check=answers(DEPLOYED, naming="Deployed <f>")),
    Row(B, "record-deployment",
        "--pacticipant 'Instance <f>' --version 1 --environment production"
        " --application-instance blue-<f>",
        prepare=put("/pacticipants/Instance <f>/versions/1"),
        check=answers(f"{DEPLOYED}?applicationInstance=blue-<f>", naming="Instance <f>"),
        variant="application-instance"),
    Row(B, "record-undeployment", "--pacticipant 'Undeployed <f>' --environment production",
        prepare=deployed("Undeployed <f>"), check=lacks(DEPLOYED, "Undeployed <f>")),
    Row(B, "record-release", "--pacticipant 'Released <f>' --version 1 --environment production",
        prepare=put("/pacticipants/Released <f>/versions/1"),
        check=answers(SUPPORTED, naming="Released <f>")),
    Row(B, "record-support-ended",
        "--pacticipant 'Unsupported <f>' --version 1 --environment production",
        prepare=released("Unsupported <f>"), check=lacks(SUPPORTED, "Unsupported <f>")),
    Row(B, "can-i-deploy", f"--pacticipant {CONSUMER} --version 1.0.0 --to-environment production",
        check=prints("successful")),
    Row(B, "can-i-deploy", f"--pacticipant {CONSUMER} --version 1.0.0 --to prod",
        check=prints("successful"), variant="to-tag"),
    Row(B, "can-i-deploy",
        f"--pacticipant {CONSUMER} --version 1.0.0 --pacticipant {PROVIDER} --version 1",
        check=prints("successful"), variant="two-versions"),
    Row(B, "can-i-merge", f"--pacticipant {CONSUMER} --version 1.0.0", check=prints("successful")),
    Row(B, "create-or-update-pacticipant",
        "--name 'Created <f>' --display-name 'Created by <f>' --main-branch trunk",
        check=answers("/pacticipants/Created <f>", naming="trunk")),
    Row(B, "describe-pacticipant", f"--name {CONSUMER}", check=prints(CONSUMER, "main")),
    Row(B, "list-pacticipants", check=prints(CONSUMER, PROVIDER)),
    Row(B, "create-or-update-version",
        "--pacticipant 'Versioned <f>' --version 1 --branch feature-<f>",
        check=answers("/pacticipants/Versioned <f>/branches/feature-<f>/versions/1")),
    Row(B, "describe-version", f"--pacticipant {CONSUMER} --version 1.0.0", check=prints("1.0.0")),
    Row(B, "describe-version", f"--pacticipant {CONSUMER} --latest setup",
        check=prints("1.0.0", "setup"), variant="latest-tag"),
    Row(B, "describe-version", f"--pacticipant {PROVIDER} --environment production --deployed",
        check=prints("Deployed", "production"), flavours=RUST, variant="environment"),
    Row(B, "delete-branch", f"--pacticipant {CONSUMER} --branch doomed-<f>",
        prepare=put(f"/pacticipants/{CONSUMER}/branches/doomed-<f>/versions/1.0.0"),
        check=answers(f"/pacticipants/{CONSUMER}/branches/doomed-<f>", status=404)),
    Row(B, "create-version-tag", f"--pacticipant {CONSUMER} --version 1.0.0 --tag tagged-<f>",
        check=answers(f"{VERSION}/tags/tagged-<f>")),
    Row(B, "delete-version-tag", f"--pacticipant {CONSUMER} --version 1.0.0 --tag untagged-<f>",
        prepare=put(f"{VERSION}/tags/untagged-<f>"),
        check=answers(f"{VERSION}/tags/untagged-<f>", status=404), flavours=RUST),
    Row(B, "create-webhook",
        f"{HOOK}/created-<f> --request POST --header 'Content-Type: application/json'"
        " --data '{\"event\": \"${pactbroker.eventName}\"}'"
        f" --consumer {CONSUMER} --provider {PROVIDER} --contract-content-changed"
        " --description 'created by <f>'",
        check=answers("/webhooks", naming="created by <f>")),
    Row(B, "create-or-update-webhook",
        f"{HOOK}/updated-<f> --uuid accord-updated-hook-<f> --request POST"
        f" --provider {PROVIDER} --contract-published --description 'updated by <f>'",
        prepare=webhook("accord-updated-hook-<f>", PROVIDER),
        check=answers("/webhooks/accord-updated-hook-<f>", naming="updated by <f>")),
    Row(B, "test-webhook", "--uuid accord-tested-hook-<f>",
        prepare=webhook("accord-tested-hook-<f>", PROVIDER),
        check=received("/hook/accord-tested-hook-<f>")),
    Row(B, "delete-webhook", "--uuid accord-deleted-hook-<f>",
        prepare=webhook("accord-deleted-hook-<f>", PROVIDER),
        check=answers("/webhooks/accord-deleted-hook-<f>", status=404), flavours=RUST),
    Row("pactflow", "publish-provider-contract",
        f"<fixtures>/oas.yaml --provider {PROVIDER} --provider-app-version contract-<f>"
        " --branch contract-<f> --content-type application/yaml --verification-success"
        " --verification-results <fixtures>/verification-results.txt"
        " --verification-results-content-type text/plain --verifier accord-table",
        check=answers(f"/provider-contracts/provider/{PROVIDER}/version/contract-<f>")),
)
# fmt: on


def _publish_pact(world: World, pact: dict[str, Any]) -> None:
    content = base64.b64encode(json.dumps(pact).encode()).decode()
    world.done(
        "POST",
        "/contracts/publish",
        {
            "pacticipantName": pact["consumer"]["name"],
            "pacticipantVersionNumber": "1.0.0",
            "branch": "main",
            "contracts": [
                {
                    "consumerName": pact["consumer"]["name"],
                    "providerName": pact["provider"]["name"],
                    "specification": "pact",
                    "contentType": "application/json",
                    "content": content,
                }
            ],
        },
    )


def _fill(world: World) -> None:
    for path in sorted((FIXTURES / "pacts").glob("*.json")):
        _publish_pact(world, json.loads(path.read_text()))
    world.done(
        "POST",
        f"/provider-contracts/provider/{PROVIDER}/publish",
        {
            "pacticipantVersionNumber": "1",
            "branch": "main",
            "contract": {
                "content": base64.b64encode((FIXTURES / "oas.yaml").read_bytes()).decode(),
                "contentType": "application/yaml",
                "specification": "oas",
                "selfVerificationResults": {
                    "success": True,
                    "content": base64.b64encode(b"all passed").decode(),
                    "contentType": "text/plain",
                    "verifier": "setup",
                },
            },
        },
    )
    world.deploy(PROVIDER, "1")
    world.done("PUT", f"/pacticipants/{PROVIDER}/versions/1/tags/prod", {})
    world.done("PUT", f"{VERSION}/tags/setup", {})


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    with receiving() as listening:
        yield listening


@pytest.fixture(scope="module", params=BACKENDS)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, receiver: Receiver
) -> Iterator[World]:
    """A broker of this module's own on each backend (nothing else empties it), filled once."""
    ensure_installed()
    workdir = tmp_path_factory.mktemp(f"cli-table-{request.param}")
    with ExitStack() as stack:
        if request.param == "sqlite":
            database_url = f"sqlite:///{workdir / 'accord.db'}"
        else:
            server: str = request.getfixturevalue("postgres_server_dsn")
            database_url = asyncio.run(create_database(server))
            stack.callback(lambda: asyncio.run(drop_database(server, database_url)))
        url = stack.enter_context(
            running_broker(
                database_url,
                workdir,
                ACCORD_ADMIN_TOKEN=TOKEN,
                ACCORD_WEBHOOK_ALLOWED_HOSTS="127.0.0.1",
                ACCORD_WEBHOOK_SCHEMES="http,https",
            )
        )
        bare = World(url, TOKEN, "", receiver, workdir)
        production = bare.done("POST", "/environments", {"name": "production", "production": True})
        filled = World(url, TOKEN, production["uuid"], receiver, workdir)
        _fill(filled)
        yield filled


@pytest.mark.parametrize(("row", "flavour"), [param for row in TABLE for param in row.params()])
def test_the_subcommand_does_its_work_against_accord(row: Row, flavour: str, world: World) -> None:
    values = {
        "<production>": world.production,
        "<receiver>": world.receiver.url,
        "<fixtures>": str(FIXTURES),
        **row.prepare(world, flavour),
    }
    argv = row.argv(flavour, values)
    result = run(
        flavour, row.program, *argv, "--broker-base-url", world.url, PACT_BROKER_TOKEN=TOKEN
    )
    assert result.returncode == 0, (
        f"{row.program} {argv}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )
    if row.check is not None:
        row.check(world, flavour, result)


@pytest.mark.parametrize("program", ["pact-broker", "pactflow"])
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_the_table_covers_every_subcommand_the_help_lists(flavour: str, program: str) -> None:
    """A client release with a new subcommand fails here until the table has a row for it."""
    tabled = {row.subcommand for row in TABLE if row.program == program and flavour in row.flavours}
    offline = {command for (f, p, command) in OFFLINE if (f, p) == (flavour, program)}
    assert not tabled & offline
    assert listed_subcommands(flavour, program, groups_not_opened=offline) == tabled | offline
