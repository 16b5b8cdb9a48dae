"""The SDK's expectations of the broker, written with pact-python's consumer DSL.

`record` declares the interactions a pipeline's calls of `BrokerClient` make, serves them
with pact-python's mock server, runs the real SDK against it and writes the V4 pact. Values
are examples under matchers (types, regular expressions for URLs and timestamps), so the pact
holds what the SDK reads, not what one broker happened to answer.

The broker's links are absolute, and the SDK follows them only on the broker's origin when it
holds a token. Each href therefore carries pact's MockServerURL generator: the mock server
answers with its own origin, and the provider side matches any origin by regular expression.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from pathlib import Path

from pact import Pact, generate, match
from pact.match.matcher import AbstractMatcher, GenericMatcher

from clients.sdk import (
    BrokerClient,
    DeployedVersion,
    Matrix,
    Pacticipant,
    PublishedContracts,
    VersionSelector,
)

CONSUMER = "AccordSDK"
PROVIDER = "AccordBroker"

# The story every interaction tells: Orders 1.2.0 (main) has a pact with Inventory, which
# version 2.0.0 verified and which runs in production.
ORDERS = "Orders"
ORDERS_VERSION = "1.2.0"
INVENTORY = "Inventory"
INVENTORY_VERSION = "2.0.0"
ENVIRONMENT = "production"
BRANCH = "main"

# The pact that Orders publishes, byte for byte: the provider states publish the same bytes,
# so the broker treats a second publication as the same pact, not a changed one.
ORDERS_PACT = json.dumps(
    {
        "consumer": {"name": ORDERS},
        "provider": {"name": INVENTORY},
        "interactions": [
            {
                "description": "a request for the stock of an item",
                "request": {"method": "GET", "path": "/stock/1"},
                "response": {"status": 200, "body": {"id": 1, "count": 4}},
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    },
    sort_keys=True,
).encode()

# An example origin the mock server replaces with its own.
_EXAMPLE_ORIGIN = "http://127.0.0.1:9292"
# ISO 8601 with a zone, as the broker writes `createdAt` and `verifiedAt`.
_TIMESTAMP = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)$"
_UUID = "[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}"
_EXAMPLE_UUID = "3e1f4bd4-7c3a-4f5e-9a57-2c1d8e6b0f42"


def broker_url(path_pattern: str, example_path: str) -> AbstractMatcher[str]:
    """An absolute href on the broker: any origin, then a path matching `path_pattern`.

    On the consumer side the mock server puts its own origin in front of the path.
    """
    pattern = rf"^https?://[^/]+({path_pattern})$"
    example = _EXAMPLE_ORIGIN + example_path
    return GenericMatcher(
        "regex",
        value=example,
        regex=pattern,
        generator=generate.mock_server_url(regex=pattern, example=example),
    )


def timestamp(example: str = "2026-12-03T14:00:00+00:00") -> AbstractMatcher[str]:
    """A timestamp as the broker writes it."""
    return match.regex(example, regex=_TIMESTAMP)


def declare(pact: Pact) -> None:
    """Add the interactions of a pipeline's SDK calls to `pact`, in the order they happen."""
    for interactions in (
        index,
        get_pacticipant,
        publish_contracts,
        can_i_deploy,
        record_deployment,
    ):
        interactions(pact)


def index(pact: Pact) -> None:
    """`GET /`: every call starts from the index's relations (only those the SDK uses)."""
    (
        pact.upon_receiving("a request for the index")
        .with_request("GET", "/")
        .will_respond_with(200)
        .with_body(
            {
                "_links": {
                    "pb:pacticipant": {
                        "href": broker_url(
                            r"/pacticipants/\{pacticipant\}", "/pacticipants/{pacticipant}"
                        )
                    },
                    "pb:pacticipant-version": {
                        "href": broker_url(
                            r"/pacticipants/\{pacticipant\}/versions/\{version\}",
                            "/pacticipants/{pacticipant}/versions/{version}",
                        )
                    },
                    "pb:publish-contracts": {
                        "href": broker_url("/contracts/publish", "/contracts/publish")
                    },
                }
            },
            content_type="application/hal+json",
        )
    )


def get_pacticipant(pact: Pact) -> None:
    """`get_pacticipant`: the pacticipant's `pb:pacticipant` resource."""
    (
        pact.upon_receiving("a request for a pacticipant")
        .given("a pacticipant exists", name=ORDERS, mainBranch=BRANCH)
        .with_request("GET", f"/pacticipants/{ORDERS}")
        .will_respond_with(200)
        .with_body(
            {
                "name": ORDERS,
                "mainBranch": match.str(BRANCH),
                "createdAt": timestamp(),
                "_links": {
                    "self": {
                        "href": broker_url(f"/pacticipants/{ORDERS}", f"/pacticipants/{ORDERS}")
                    }
                },
            },
            content_type="application/hal+json",
        )
    )


def publish_contracts(pact: Pact) -> None:
    """`publish_contracts`: one consumer version's pact, with its branch."""
    (
        pact.upon_receiving("a request to publish a consumer version's pacts")
        .with_request("POST", "/contracts/publish")
        .with_body(
            {
                "pacticipantName": ORDERS,
                "pacticipantVersionNumber": ORDERS_VERSION,
                "branch": BRANCH,
                "tags": [],
                "contracts": [
                    {
                        "consumerName": ORDERS,
                        "providerName": INVENTORY,
                        "specification": "pact",
                        "contentType": "application/json",
                        # Any Base64 text: the SDK encodes what it is given.
                        "content": match.regex(
                            base64.b64encode(ORDERS_PACT).decode("ascii"),
                            regex="^[A-Za-z0-9+/]+=*$",
                        ),
                        "onConflict": "overwrite",
                    }
                ],
            },
            content_type="application/json",
        )
        .will_respond_with(200)
        .with_body(
            {
                "notices": match.each_like(
                    {
                        "type": match.str("success"),
                        "text": match.str("Pact successfully published for Orders version 1.2.0"),
                    }
                ),
                "_embedded": {
                    "pacticipant": {"name": ORDERS},
                    "version": {"number": ORDERS_VERSION},
                },
            },
            content_type="application/hal+json",
        )
    )


def can_i_deploy(pact: Pact) -> None:
    """`can_i_deploy` to an environment: the matrix query both CLIs send."""
    verified: dict[str, object] = {
        "consumer": ORDERS,
        "consumerVersion": ORDERS_VERSION,
        "provider": INVENTORY,
        "providerVersion": INVENTORY_VERSION,
        "environment": ENVIRONMENT,
    }
    (
        pact.upon_receiving("a can-i-deploy question for a version and an environment")
        .given(
            "a pact verified by a provider version deployed to an environment",
            verified,
        )
        .with_request("GET", "/matrix")
        .with_query_parameters(
            [
                ("q[][pacticipant]", ORDERS),
                ("q[][version]", ORDERS_VERSION),
                ("latestby", "cvpv"),
                ("environment", ENVIRONMENT),
            ]
        )
        .will_respond_with(200)
        .with_body(
            {
                "summary": {
                    "deployable": True,
                    "reason": match.str(
                        "All required verification results are published and successful"
                    ),
                    "success": match.int(1),
                    "failed": match.int(0),
                    "unknown": match.int(0),
                },
                "matrix": match.each_like(
                    {
                        "consumer": {"name": ORDERS, "version": {"number": ORDERS_VERSION}},
                        "provider": {
                            "name": INVENTORY,
                            "version": {"number": match.str(INVENTORY_VERSION)},
                        },
                        "verificationResult": {"success": True, "verifiedAt": timestamp()},
                    }
                ),
            },
            content_type="application/hal+json",
        )
    )


def record_deployment(pact: Pact) -> None:
    """`record_deployment`: the version's named link, then a POST to it."""
    deployable: dict[str, object] = {
        "pacticipant": ORDERS,
        "version": ORDERS_VERSION,
        "environment": ENVIRONMENT,
    }
    deployment_path = (
        f"/pacticipants/{ORDERS}/versions/{re.escape(ORDERS_VERSION)}"
        f"/deployed-versions/environment/{_UUID}"
    )
    example_deployment_path = (
        f"/pacticipants/{ORDERS}/versions/{ORDERS_VERSION}"
        f"/deployed-versions/environment/{_EXAMPLE_UUID}"
    )
    (
        pact.upon_receiving("a request for a version")
        .given("a version and an environment exist", deployable)
        .with_request("GET", f"/pacticipants/{ORDERS}/versions/{ORDERS_VERSION}")
        .will_respond_with(200)
        .with_body(
            {
                "number": ORDERS_VERSION,
                "_links": {
                    "pb:record-deployment": [
                        {
                            "name": ENVIRONMENT,
                            "href": broker_url(deployment_path, example_deployment_path),
                        }
                    ]
                },
            },
            content_type="application/hal+json",
        )
    )

    (
        pact.upon_receiving("a request to record a deployment")
        .given("a version and an environment exist", deployable)
        .with_request(
            "POST",
            # The environment's uuid is the broker's: the provider state hands it over.
            GenericMatcher(
                "regex",
                value=example_deployment_path,
                regex=f"^{deployment_path}$",
                generator=generate.provider_state(
                    f"/pacticipants/{ORDERS}/versions/{ORDERS_VERSION}"
                    "/deployed-versions/environment/${environmentUuid}"
                ),
            ),
        )
        .with_body({}, content_type="application/json")
        .will_respond_with(201)
        .with_body(
            {
                "uuid": match.uuid(_EXAMPLE_UUID, format="lowercase"),
                "currentlyDeployed": True,
                "createdAt": timestamp(),
                "_embedded": {
                    "version": {"number": ORDERS_VERSION},
                    "environment": {"name": ENVIRONMENT},
                },
            },
            content_type="application/hal+json",
        )
    )


@dataclass(frozen=True)
class Answers:
    """What the SDK made of the mock server's answers."""

    pacticipant: Pacticipant
    published: PublishedContracts
    matrix: Matrix
    deployment: DeployedVersion


def run_sdk(base_url: str) -> Answers:
    """A pipeline's calls through the real SDK: one client, one index fetch."""
    with BrokerClient(base_url, token="pipeline-token") as broker:
        pacticipant = broker.get_pacticipant(ORDERS)
        published = broker.publish_contracts(
            ORDERS, ORDERS_VERSION, [(ORDERS, INVENTORY, ORDERS_PACT)], branch=BRANCH
        )
        matrix = broker.can_i_deploy(
            VersionSelector(ORDERS, version=ORDERS_VERSION), to_environment=ENVIRONMENT
        )
        deployment = broker.record_deployment(ORDERS, ORDERS_VERSION, ENVIRONMENT)
    return Answers(pacticipant, published, matrix, deployment)


def record(directory: Path) -> tuple[Path, Answers]:
    """Run the SDK against the mock server; write the pact into `directory`.

    Returns:
        The pact file's path and what the SDK read.
    """
    pact = Pact(CONSUMER, PROVIDER).with_specification("V4")
    declare(pact)
    with pact.serve(addr="127.0.0.1") as server:
        answers = run_sdk(str(server.url))
    pact.write_file(directory, overwrite=True)
    return directory / f"{CONSUMER}-{PROVIDER}.json", answers
