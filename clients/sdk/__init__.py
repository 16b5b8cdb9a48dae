"""The Python SDK of the Accord broker (and of any Pact Broker).

    from clients.sdk import BrokerClient, BrokerError

    with BrokerClient("http://127.0.0.1:9292", token="...") as broker:
        broker.create_or_update_version("Orders", "1.2.0", branch="main")
        broker.record_deployment("Orders", "1.2.0", "production")

`AsyncBrokerClient` has the same methods, awaited. Every error the SDK raises is a
`ClientError` whose message is one sentence: `BrokerError` when the broker answered with an
error (its `errors` name the bad fields), `BrokerUnreachableError` when it did not answer.

This package is the SDK's API: every name in `__all__`, including each type a client method
takes or returns. The modules under it (`_client.py`, `_wire.py`, ...) are private.
"""

from clients.sdk._async_client import AsyncBrokerClient
from clients.sdk._audit import AuditEntry
from clients.sdk._client import BrokerClient
from clients.sdk._coverage import (
    Coverage,
    CoveragePoint,
    CoveragePolicy,
    TestResultReport,
    TestResults,
)
from clients.sdk._errors import (
    BrokerError,
    BrokerUnreachableError,
    ClientError,
    CrossOriginError,
    FieldError,
    NotFoundError,
    UnexpectedResponseError,
)
from clients.sdk._governance import ApprovalPolicy, ChangeRequest, PacticipantMode, Team
from clients.sdk._matrix import (
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
from clients.sdk._notifications import Notification
from clients.sdk._operations import Contract, Saved
from clients.sdk._provider_contracts import ProviderContract, SelfVerification
from clients.sdk._tokens import Token
from clients.sdk._users import User
from clients.sdk._webhook_deliveries import WebhookDelivery
from clients.sdk._wire import (
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
    "ApprovalPolicy",
    "AsyncBrokerClient",
    "AuditEntry",
    "BranchVersion",
    "BrokerClient",
    "BrokerError",
    "BrokerUnreachableError",
    "ChangeRequest",
    "ClientError",
    "Contact",
    "ContactDetails",
    "Contract",
    "Coverage",
    "CoveragePoint",
    "CoveragePolicy",
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
    "Notification",
    "Pacticipant",
    "PacticipantList",
    "PacticipantMode",
    "ProviderContract",
    "PublishedContracts",
    "ReleasedVersion",
    "ReleasedVersionList",
    "Saved",
    "SelfVerification",
    "Tag",
    "Team",
    "TestResultReport",
    "TestResults",
    "Token",
    "UnexpectedResponseError",
    "User",
    "Version",
    "VersionSelector",
    "WebhookDelivery",
]
