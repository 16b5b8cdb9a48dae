"""The Python SDK of the Accord broker (and of any Pact Broker).

    from clients.sdk import BrokerClient, BrokerError

    with BrokerClient("http://127.0.0.1:9292", token="...") as broker:
        broker.create_or_update_version("Orders", "1.2.0", branch="main")
        broker.record_deployment("Orders", "1.2.0", "production")

`AsyncBrokerClient` has the same methods, awaited. Every error the SDK raises is a
`ClientError` whose message is one sentence: `BrokerError` when the broker answered with an
error (its `errors` name the bad fields), `BrokerUnreachableError` when it did not answer.
"""

from clients.sdk.async_client import AsyncBrokerClient
from clients.sdk.client import BrokerClient
from clients.sdk.errors import (
    BrokerError,
    BrokerUnreachableError,
    ClientError,
    CrossOriginError,
    FieldError,
    NotFoundError,
    UnexpectedResponseError,
)
from clients.sdk.matrix import (
    Matrix,
    MatrixPact,
    MatrixPacticipant,
    MatrixQuery,
    MatrixRow,
    MatrixSummary,
    MatrixVerificationResult,
    MatrixVersion,
    VersionSelector,
)
from clients.sdk.operations import Contract, Saved
from clients.sdk.provider_contracts import SelfVerification
from clients.sdk.wire import (
    BranchVersion,
    Contact,
    ContactDetails,
    DeployedVersion,
    DeployedVersionList,
    Environment,
    EnvironmentList,
    LatestPact,
    LatestPactList,
    Link,
    Notice,
    Pacticipant,
    PacticipantList,
    PublishedContracts,
    ReleasedVersion,
    ReleasedVersionList,
    Tag,
    Version,
)

__all__ = [
    "AsyncBrokerClient",
    "BranchVersion",
    "BrokerClient",
    "BrokerError",
    "BrokerUnreachableError",
    "ClientError",
    "Contact",
    "ContactDetails",
    "Contract",
    "CrossOriginError",
    "DeployedVersion",
    "DeployedVersionList",
    "Environment",
    "EnvironmentList",
    "FieldError",
    "LatestPact",
    "LatestPactList",
    "Link",
    "Matrix",
    "MatrixPact",
    "MatrixPacticipant",
    "MatrixQuery",
    "MatrixRow",
    "MatrixSummary",
    "MatrixVerificationResult",
    "MatrixVersion",
    "NotFoundError",
    "Notice",
    "Pacticipant",
    "PacticipantList",
    "PublishedContracts",
    "ReleasedVersion",
    "ReleasedVersionList",
    "Saved",
    "SelfVerification",
    "Tag",
    "UnexpectedResponseError",
    "Version",
    "VersionSelector",
]
