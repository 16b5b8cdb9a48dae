"""Every write route refuses bad input with a 4xx naming the bad fields, and stores nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
import pytest_asyncio
from litestar.testing import AsyncTestClient

from broker.app import asgi_app
from tests.conftest import BACKENDS, create_database, drop_database, migrated_sqlite_file
from tests.integration.http.conftest import broker_app, dump_database, settings_for

Client = AsyncTestClient[Any]
JSON = "application/json"
ENV = "{env}"  # stands for the uuid of the seeded environment "test"
DEPLOYED = "{deployed}"
RELEASED = "{released}"
VERSION = "/pacticipants/A/versions/1"


class Case(msgspec.Struct, frozen=True):
    """One bad request and the answer it must get."""

    id: str
    method: str
    path: str
    body: bytes | None
    status: int
    field: str | None = None  # a key expected in the HAL `errors` object
    content_type: str = JSON


def case(  # noqa: PLR0917 - a table row reads best positionally
    id: str,
    method: str,
    path: str,
    body: str | bytes | None,
    status: int,
    field: str | None = None,
    content_type: str = JSON,
) -> Case:
    raw = body.encode() if isinstance(body, str) else body
    return Case(id, method, path, raw, status, field, content_type)


CASES = [
    # POST /pacticipants
    case("pacticipant-malformed-json", "POST", "/pacticipants", '{"name": ', 400, "request"),
    case("pacticipant-wrong-type", "POST", "/pacticipants", '{"name": 42}', 400, "name"),
    case("pacticipant-missing-name", "POST", "/pacticipants", '{"displayName": "x"}', 400, "name"),
    case("pacticipant-empty-name", "POST", "/pacticipants", '{"name": "  "}', 400, "name"),
    case("pacticipant-multiline-name", "POST", "/pacticipants", '{"name": "a\\nb"}', 400, "name"),
    case(
        "pacticipant-invalid-utf8", "POST", "/pacticipants", b'{"name": "\xff\xfe"}', 400, "request"
    ),
    case("pacticipant-not-an-object", "POST", "/pacticipants", "[1, 2]", 400, "request"),
    case("pacticipant-duplicate", "POST", "/pacticipants", '{"name": "A"}', 409, "request"),
    case(
        "pacticipant-xml",
        "POST",
        "/pacticipants",
        "<name>x</name>",
        415,
        "request",
        "application/xml",
    ),
    case(
        "pacticipant-form",
        "POST",
        "/pacticipants",
        "name=x",
        415,
        "request",
        "application/x-www-form-urlencoded",
    ),
    case(
        "pacticipant-main-branch-space",
        "POST",
        "/pacticipants",
        '{"name": "B", "mainBranch": "a b"}',
        400,
        "mainBranch",
    ),
    case(
        "pacticipant-display-name-type",
        "PATCH",
        "/pacticipants/A",
        '{"displayName": ["x"]}',
        400,
        "displayName",
    ),
    case("pacticipant-patch-other-name", "PATCH", "/pacticipants/A", '{"name": "B"}', 400, "name"),
    case("pacticipant-put-missing", "PUT", "/pacticipants/Nobody", "{}", 404, "request"),
    case("label-blank", "PUT", "/pacticipants/A/labels/%20", "{}", 400, "label"),
    case("label-unknown-pacticipant", "PUT", "/pacticipants/Nobody/labels/x", "{}", 404, "request"),
    # versions, tags, branches
    case(
        "version-blank-pacticipant", "PUT", "/pacticipants/%20/versions/2", "{}", 400, "pacticipant"
    ),
    case("version-blank-number", "PUT", "/pacticipants/A/versions/%20", "{}", 400, "version"),
    case(
        "version-build-url-type",
        "PUT",
        "/pacticipants/A/versions/2",
        '{"buildUrl": 5}',
        400,
        "buildUrl",
    ),
    case("version-tags-type", "PUT", "/pacticipants/A/versions/2", '{"tags": "prod"}', 400, "tags"),
    case(
        "version-tag-without-name",
        "PATCH",
        "/pacticipants/A/versions/2",
        '{"tags": [{}]}',
        400,
        "tags.0.name",
    ),
    case("version-malformed", "PUT", "/pacticipants/A/versions/2", "{,}", 400, "request"),
    case("version-invalid-utf8-path", "PUT", "/pacticipants/A/versions/%FF", "{}", 404, "request"),
    case("tag-blank", "PUT", VERSION + "/tags/%20", "{}", 400, "tag"),
    case("tag-text-body", "PUT", VERSION + "/tags/t", "tag", 415, "request", "text/plain"),
    case("branch-blank", "PUT", "/pacticipants/A/branches/%20/versions/1", "{}", 400, "branch"),
    case(
        "branch-malformed", "PUT", "/pacticipants/A/branches/main/versions/2", "{", 400, "request"
    ),
    # environments
    case(
        "environment-missing-production",
        "POST",
        "/environments",
        '{"name": "x"}',
        400,
        "production",
    ),
    case("environment-missing-name", "POST", "/environments", '{"production": false}', 400, "name"),
    case(
        "environment-name-space",
        "POST",
        "/environments",
        '{"name": "a b", "production": false}',
        400,
        "name",
    ),
    case(
        "environment-production-string",
        "POST",
        "/environments",
        '{"name": "x", "production": "no"}',
        400,
        "production",
    ),
    case(
        "environment-contact-type",
        "POST",
        "/environments",
        '{"name": "x", "production": false, "contacts": {}}',
        400,
        "contacts",
    ),
    case(
        "environment-contact-blank",
        "POST",
        "/environments",
        '{"name": "x", "production": false, "contacts": [{"name": ""}]}',
        400,
        "contacts.0.name",
    ),
    case(
        "environment-duplicate",
        "POST",
        "/environments",
        '{"name": "test", "production": true}',
        409,
        "request",
    ),
    case(
        "environment-rename-to-taken",
        "PUT",
        "/environments/" + "{other}",
        '{"name": "test", "production": false}',
        409,
        "request",
    ),
    case(
        "environment-put-unknown",
        "PUT",
        "/environments/nope",
        '{"name": "y", "production": false}',
        404,
        "request",
    ),
    case("environment-delete-unknown", "DELETE", "/environments/nope", None, 404, "request"),
    # deployments and releases
    case(
        "deploy-unknown-version",
        "POST",
        f"/pacticipants/A/versions/9/deployed-versions/environment/{ENV}",
        "{}",
        404,
        "request",
    ),
    case(
        "deploy-unknown-pacticipant",
        "POST",
        f"/pacticipants/Z/versions/1/deployed-versions/environment/{ENV}",
        "{}",
        404,
        "request",
    ),
    case(
        "deploy-unknown-environment",
        "POST",
        VERSION + "/deployed-versions/environment/nope",
        "{}",
        404,
        "request",
    ),
    case(
        "deploy-instance-type",
        "POST",
        VERSION + f"/deployed-versions/environment/{ENV}",
        '{"applicationInstance": 1}',
        400,
        "applicationInstance",
    ),
    case(
        "deploy-text",
        "POST",
        VERSION + f"/deployed-versions/environment/{ENV}",
        "blue",
        415,
        "request",
        "text/plain",
    ),
    case(
        "release-unknown-environment",
        "POST",
        VERSION + "/released-versions/environment/nope",
        "{}",
        404,
        "request",
    ),
    case(
        "undeploy-missing-field",
        "PATCH",
        f"/deployed-versions/{DEPLOYED}",
        "{}",
        400,
        "currentlyDeployed",
    ),
    case(
        "undeploy-true",
        "PATCH",
        f"/deployed-versions/{DEPLOYED}",
        '{"currentlyDeployed": true}',
        422,
        "request",
    ),
    case(
        "undeploy-unknown",
        "PATCH",
        "/deployed-versions/nope",
        '{"currentlyDeployed": false}',
        404,
        "request",
    ),
    case(
        "support-ended-type",
        "PATCH",
        f"/released-versions/{RELEASED}",
        '{"currentlySupported": "no"}',
        400,
        "currentlySupported",
    ),
    case(
        "support-ended-true",
        "PATCH",
        f"/released-versions/{RELEASED}",
        '{"currentlySupported": true}',
        422,
        "request",
    ),
    # provider contracts
    case(
        "provider-contract-malformed",
        "POST",
        "/provider-contracts/provider/P/publish",
        '{"pacticipantVersionNumber": ',
        400,
        "request",
    ),
    case(
        "provider-contract-missing-contract",
        "POST",
        "/provider-contracts/provider/P/publish",
        '{"pacticipantVersionNumber": "1"}',
        400,
        "contract",
    ),
    case(
        "provider-contract-not-base64",
        "POST",
        "/provider-contracts/provider/P/publish",
        '{"pacticipantVersionNumber": "1", "contract": {"content": "%%%"}}',
        400,
        "contract.content",
    ),
    case(
        "provider-contract-not-openapi",
        "POST",
        "/provider-contracts/provider/P/publish",
        '{"pacticipantVersionNumber": "1", "contract": {"content": "aGVsbG86IHdvcmxkCg=="}}',
        400,
        "contract.content",
    ),
    case(
        "provider-contract-raml",
        "POST",
        "/provider-contracts/provider/P/publish",
        '{"pacticipantVersionNumber": "1",'
        ' "contract": {"content": "aGVsbG86IHdvcmxkCg==", "specification": "raml"}}',
        400,
        "contract.specification",
    ),
    case(
        "provider-contract-asyncapi-not-asyncapi",
        "POST",
        "/provider-contracts/provider/P/publish",
        '{"pacticipantVersionNumber": "1",'
        ' "contract": {"content": "aGVsbG86IHdvcmxkCg==", "specification": "asyncapi"}}',
        400,
        "contract.content",
    ),
    case(
        "provider-contract-blank-version",
        "POST",
        "/provider-contracts/provider/P/publish",
        '{"pacticipantVersionNumber": " ", "contract": {"content": "aGVsbG86IHdvcmxkCg=="}}',
        400,
        "pacticipantVersionNumber",
    ),
    # test results
    case("test-results-malformed", "POST", f"{VERSION}/test-results", '{"kind": ', 400, "request"),
    case(
        "test-results-missing-kind",
        "POST",
        f"{VERSION}/test-results",
        '{"reports": []}',
        400,
        "kind",
    ),
    case(
        "test-results-bad-kind",
        "POST",
        f"{VERSION}/test-results",
        '{"kind": "smoke", "reports": [{"name": "a.xml", "content": "<testsuite/>"}]}',
        400,
        "kind",
    ),
    case(
        "test-results-entity",
        "POST",
        f"{VERSION}/test-results",
        '{"kind": "api", "reports": [{"name": "a.xml",'
        ' "content": "<!DOCTYPE t [<!ENTITY e \\"x\\">]><testsuite name=\\"&e;\\"/>"}]}',
        400,
        "reports.0.content",
    ),
    case(
        "coverage-policy-too-high",
        "PUT",
        "/pacticipants/A/coverage-policy",
        '{"minimum": 101}',
        400,
        "minimum",
    ),
    case("coverage-policy-empty", "PUT", "/pacticipants/A/coverage-policy", "{}", 400, "minimum"),
    # pacts
    case("publish-malformed", "POST", "/contracts/publish", '{"pacticipantName": ', 400, "request"),
    case(
        "publish-missing-version",
        "POST",
        "/contracts/publish",
        '{"pacticipantName": "A", "contracts": []}',
        400,
        "pacticipantVersionNumber",
    ),
    case(
        "publish-contracts-type",
        "POST",
        "/contracts/publish",
        '{"pacticipantName": "A", "pacticipantVersionNumber": "2", "contracts": {}}',
        400,
        "contracts",
    ),
    case("publish-xml", "POST", "/contracts/publish", "<x/>", 415, "request", "application/xml"),
    case("pact-put-not-json", "PUT", "/pacts/provider/P/consumer/A/version/2", "{", 400, "request"),
    case(
        "pact-put-text",
        "PUT",
        "/pacts/provider/P/consumer/A/version/2",
        "pact",
        415,
        "request",
        "text/plain",
    ),
    case("pact-put-empty", "PUT", "/pacts/provider/P/consumer/A/version/2", "", 400, "request"),
    case(
        "pact-put-wrong-consumer",
        "PUT",
        "/pacts/provider/P/consumer/A/version/2",
        '{"consumer": {"name": "B"}, "provider": {"name": "P"}, "interactions": []}',
        400,
        "consumer.name",
    ),
    case(
        "pact-patch-no-provider",
        "PATCH",
        "/pacts/provider/P/consumer/A/version/2",
        '{"consumer": {"name": "A"}, "interactions": []}',
        400,
        "provider",
    ),
    case(
        "pact-delete-unknown",
        "DELETE",
        "/pacts/provider/P/consumer/A/version/1",
        None,
        404,
        "request",
    ),
    # verification results
    case(
        "verification-unknown-pact",
        "POST",
        "/pacts/provider/P/consumer/A/pact-version/abc/verification-results",
        '{"success": true, "providerApplicationVersion": "1"}',
        404,
        "request",
    ),
    case(
        "verification-metadata-unknown-pact",
        "POST",
        "/pacts/provider/P/consumer/A/pact-version/abc/metadata/m/verification-results",
        '{"success": true, "providerApplicationVersion": "1"}',
        404,
        "request",
    ),
    case(
        "verification-missing-success",
        "POST",
        "/pacts/provider/P/consumer/A/pact-version/abc/verification-results",
        '{"providerApplicationVersion": "1"}',
        400,
        "success",
    ),
    # pacts for verification
    case(
        "for-verification-unknown-provider",
        "POST",
        "/pacts/provider/Nobody/for-verification",
        "{}",
        404,
        "request",
    ),
    case(
        "for-verification-selectors-type",
        "POST",
        "/pacts/provider/A/for-verification",
        '{"consumerVersionSelectors": {}}',
        400,
        "consumerVersionSelectors",
    ),
    # routing
    case("unknown-route", "POST", "/no/such/route", "{}", 404, "request"),
    case("wrong-method", "DELETE", "/", None, 405, "request"),
    case("wrong-method-on-version-list", "POST", "/pacticipants/A/versions", "{}", 405, "request"),
    case("page-not-a-number", "GET", "/pacticipants?page=x", None, 400, "page"),
    case("size-too-large", "GET", "/pacticipants?size=100000", None, 400, "size"),
    case("delete-unknown-pacticipant", "DELETE", "/pacticipants/Nobody", None, 404, "request"),
    case("delete-version-unknown", "DELETE", "/pacticipants/A/versions/9", None, 404, "request"),
    case("delete-tag-unknown", "DELETE", VERSION + "/tags/none", None, 404, "request"),
    case("delete-label-unknown", "DELETE", "/pacticipants/A/labels/none", None, 404, "request"),
    case("delete-branch-unknown", "DELETE", "/pacticipants/A/branches/none", None, 404, "request"),
    case(
        "integration-delete-unknown",
        "DELETE",
        "/integrations/provider/Nobody/consumer/A",
        None,
        404,
        "request",
    ),
    case(
        "delete-branch-version-unknown",
        "DELETE",
        "/pacticipants/A/branches/none/versions/1",
        None,
        404,
        "request",
    ),
    # Webhook executions and deliveries (#14)
    case("webhook-execute-unknown", "POST", "/webhooks/nope/execute", "{}", 404, "request"),
    case("webhook-execute-unknown-no-body", "POST", "/webhooks/nope/execute", None, 404, "request"),
    case(
        "delivery-redrive-unknown", "POST", "/triggered-webhooks/nope/redrive", None, 404, "request"
    ),
    case("executions-limit-zero", "GET", "/webhooks/nope/executions?limit=0", None, 400, "limit"),
    case(
        "deliveries-unknown-status",
        "GET",
        "/admin/webhook-deliveries?status=lost",
        None,
        400,
        "status",
    ),
    case(
        "deliveries-limit-too-large",
        "GET",
        "/admin/webhook-deliveries?limit=100000",
        None,
        400,
        "limit",
    ),
    # The admin API (an open broker lets anyone use it)
    case(
        "token-unknown-role", "POST", "/admin/tokens", '{"name": "ci", "role": "boss"}', 400, "role"
    ),
    case(
        "token-expired-already",
        "POST",
        "/admin/tokens",
        '{"name": "ci", "role": "read", "expiresAt": "2001-01-01T00:00:00Z"}',
        400,
        "expiresAt",
    ),
    case("token-revoke-unknown", "DELETE", "/admin/tokens/999", None, 404, "request"),
    case(
        "user-short-password",
        "POST",
        "/admin/users",
        '{"username": "u", "password": "short", "role": "read"}',
        400,
        "password",
    ),
    case(
        "user-disabled-not-bool",
        "PATCH",
        "/admin/users/nobody",
        '{"disabled": "yes"}',
        400,
        "disabled",
    ),
    case("user-delete-unknown", "DELETE", "/admin/users/nobody", None, 404, "request"),
    case("user-password-missing", "PUT", "/admin/users/nobody/password", "{}", 400, "password"),
    case("team-wrong-type", "PUT", "/admin/teams/T", '{"pacticipants": "A"}', 400, "pacticipants"),
    # Governance
    case("mode-unknown", "PUT", "/pacticipants/A/mode", '{"mode": "strict"}', 400, "mode"),
    case("mode-missing", "PUT", "/pacticipants/A/mode", "{}", 400, "mode"),
    case(
        "policy-more-than-its-teams",
        "PUT",
        "/pacticipants/A/approval-policy",
        '{"teams": ["a"], "required": 2}',
        400,
        "required",
    ),
    case(
        "policy-no-teams",
        "PUT",
        "/pacticipants/A/approval-policy",
        '{"teams": [], "required": 1}',
        400,
        "teams",
    ),
    case(
        "policy-required-not-a-number",
        "PUT",
        "/pacticipants/A/approval-policy",
        '{"teams": ["a"], "required": "one"}',
        400,
        "required",
    ),
    # webhooks (the seed has pacticipant A; https://1.2.3.4 passes the guard with no DNS)
    case("webhook-not-an-object", "POST", "/webhooks", "[1]", 400, "request"),
    case("webhook-no-request", "POST", "/webhooks", '{"description": "x"}', 400, "request"),
    case(
        "webhook-no-url",
        "POST",
        "/webhooks",
        '{"request": {"method": "POST"}}',
        400,
        "request.url",
    ),
    case(
        "webhook-no-method",
        "POST",
        "/webhooks",
        '{"request": {"url": "https://1.2.3.4/x"}}',
        400,
        "request.method",
    ),
    case(
        "webhook-method-not-allowed",
        "POST",
        "/webhooks",
        '{"request": {"method": "DELETE", "url": "https://1.2.3.4/x"}}',
        400,
        "request.method",
    ),
    case(
        "webhook-http-url",
        "POST",
        "/webhooks",
        '{"request": {"method": "POST", "url": "http://1.2.3.4/x"}}',
        400,
        "request.url",
    ),
    case(
        "webhook-loopback-url",
        "POST",
        "/webhooks",
        '{"request": {"method": "POST", "url": "https://127.0.0.1/x"}}',
        400,
        "request.url",
    ),
    case(
        "webhook-private-url",
        "POST",
        "/webhooks",
        '{"request": {"method": "POST", "url": "https://10.0.0.1/x"}}',
        400,
        "request.url",
    ),
    case(
        "webhook-metadata-url",
        "POST",
        "/webhooks",
        '{"request": {"method": "POST", "url": "https://169.254.169.254/latest"}}',
        400,
        "request.url",
    ),
    case(
        "webhook-template-in-host",
        "POST",
        "/webhooks",
        '{"request": {"method": "POST", "url": "https://${pactbroker.consumerName}.io/"}}',
        400,
        "request.url",
    ),
    case(
        "webhook-unknown-event",
        "POST",
        "/webhooks",
        '{"events": [{"name": "pact_changed"}], '
        '"request": {"method": "POST", "url": "https://1.2.3.4/x"}}',
        400,
        "events.0.name",
    ),
    case(
        "webhook-no-events",
        "POST",
        "/webhooks",
        '{"events": [], "request": {"method": "POST", "url": "https://1.2.3.4/x"}}',
        400,
        "events",
    ),
    case(
        "webhook-name-and-label",
        "POST",
        "/webhooks",
        '{"consumer": {"name": "A", "label": "x"}, '
        '"request": {"method": "POST", "url": "https://1.2.3.4/x"}}',
        400,
        "consumer",
    ),
    case(
        "webhook-unknown-consumer",
        "POST",
        "/webhooks",
        '{"consumer": {"name": "Nobody"}, '
        '"request": {"method": "POST", "url": "https://1.2.3.4/x"}}',
        400,
        "consumer.name",
    ),
    case(
        "webhook-header-not-a-string",
        "POST",
        "/webhooks",
        '{"request": {"method": "POST", "url": "https://1.2.3.4/x", "headers": {"X": 1}}}',
        400,
        "request.headers.X",
    ),
    case(
        "webhook-header-line-break",
        "POST",
        "/webhooks",
        '{"request": {"method": "POST", "url": "https://1.2.3.4/x", "headers": {"X": "a\\nB: c"}}}',
        400,
        "request.headers.X",
    ),
    case(
        "webhook-password-not-a-string",
        "POST",
        "/webhooks",
        '{"request": {"method": "POST", "url": "https://1.2.3.4/x", "password": 5}}',
        400,
        "request.password",
    ),
    case(
        "webhook-enabled-not-a-boolean",
        "POST",
        "/webhooks",
        '{"enabled": "yes", "request": {"method": "POST", "url": "https://1.2.3.4/x"}}',
        400,
        "enabled",
    ),
    case(
        "webhook-xml",
        "POST",
        "/webhooks",
        "<webhook/>",
        415,
        "request",
        "application/xml",
    ),
    case(
        "webhook-put-short-uuid",
        "PUT",
        "/webhooks/short",
        '{"request": {"method": "POST", "url": "https://1.2.3.4/x"}}',
        400,
        "uuid",
    ),
    case(
        "webhook-put-no-url",
        "PUT",
        "/webhooks/a-uuid-long-enough-1",
        '{"request": {"method": "POST"}}',
        400,
        "request.url",
    ),
    case(
        "webhook-delete-unknown", "DELETE", "/webhooks/a-uuid-long-enough-1", None, 404, "request"
    ),
    case(
        "webhook-provider-unknown",
        "POST",
        "/webhooks/provider/Nobody",
        '{"request": {"method": "POST", "url": "https://1.2.3.4/x"}}',
        404,
        "request",
    ),
    case(
        "webhook-provider-other-in-body",
        "POST",
        "/webhooks/provider/A",
        '{"provider": {"name": "B"}, "request": {"method": "POST", "url": "https://1.2.3.4/x"}}',
        400,
        "provider.name",
    ),
    case(
        "webhook-consumer-no-url",
        "POST",
        "/webhooks/consumer/A",
        '{"request": {"method": "POST"}}',
        400,
        "request.url",
    ),
    case(
        "webhook-pair-unknown-consumer",
        "POST",
        "/webhooks/provider/A/consumer/Nobody",
        '{"request": {"method": "POST", "url": "https://1.2.3.4/x"}}',
        404,
        "request",
    ),
    case(
        "webhook-pair-label-in-body",
        "POST",
        "/webhooks/provider/A/consumer/A",
        '{"consumer": {"label": "x"}, "request": {"method": "POST", "url": "https://1.2.3.4/x"}}',
        400,
        "consumer.name",
    ),
    case("approve-unknown", "POST", "/change-requests/999/approve", "{}", 404, "request"),
    case(
        "reject-unknown", "POST", "/change-requests/999/reject", '{"reason": "no"}', 404, "request"
    ),
    case(
        "override-reason-not-text",
        "POST",
        "/change-requests/1/override",
        '{"reason": 5}',
        400,
        "reason",
    ),
    case(
        "reject-reason-not-text",
        "POST",
        "/change-requests/1/reject",
        '{"reason": 5}',
        400,
        "reason",
    ),
]


async def seed(client: Client) -> dict[str, str]:
    """A pacticipant A with version 1 deployed and released to `test`; an environment `other`."""
    env = (await client.post("/environments", json={"name": "test", "production": False})).json()
    other = (await client.post("/environments", json={"name": "other", "production": False})).json()
    await client.put(VERSION, json={})
    deployed = await client.post(f"{VERSION}/deployed-versions/environment/{env['uuid']}", json={})
    released = await client.post(f"{VERSION}/released-versions/environment/{env['uuid']}", json={})
    assert deployed.status_code == released.status_code == 201
    return {
        "env": env["uuid"],
        "other": other["uuid"],
        "deployed": deployed.json()["uuid"],
        "released": released.json()["uuid"],
    }


@pytest.fixture
async def seeded(database_url: str) -> AsyncIterator[tuple[Client, dict[str, str]]]:
    async with AsyncTestClient(app=broker_app(settings_for(database_url))) as client:
        yield client, await seed(client)


@pytest.fixture(scope="module", params=BACKENDS)
def cases_database_url(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    migrated_sqlite_template: Path,
    postgres_server_dsn: str,
) -> Iterator[str]:
    """A database of the module's own on each backend (other tests here empty the session one)."""
    if request.param == "sqlite":
        folder = tmp_path_factory.mktemp("bad-input")
        yield f"sqlite:///{migrated_sqlite_file(migrated_sqlite_template, folder)}"
        return
    url = asyncio.run(create_database(postgres_server_dsn))
    try:
        yield url
    finally:
        asyncio.run(drop_database(postgres_server_dsn, url))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def seeded_once(cases_database_url: str) -> AsyncIterator[tuple[Client, dict[str, str]]]:
    """One broker per backend, seeded once for every case: each must leave it as it was."""
    async with AsyncTestClient(app=broker_app(settings_for(cases_database_url))) as client:
        yield client, await seed(client)


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("accept", ["application/hal+json", "application/problem+json"])
@pytest.mark.parametrize("bad", CASES, ids=[c.id for c in CASES])
async def test_bad_request_is_refused_and_changes_nothing(
    bad: Case, accept: str, seeded_once: tuple[Client, dict[str, str]], cases_database_url: str
) -> None:
    client, ids = seeded_once
    database_url = cases_database_url
    path = bad.path
    for key, value in ids.items():
        path = path.replace("{" + key + "}", value)
    before = await dump_database(database_url)
    headers = {"Accept": accept}
    if bad.body is not None:
        headers["Content-Type"] = bad.content_type
    response = await client.request(bad.method, path, content=bad.body, headers=headers)

    assert response.status_code == bad.status, response.text
    body = response.json()
    assert body["status"] == bad.status
    assert body["detail"]
    if accept == "application/problem+json":
        assert response.headers["content-type"].startswith("application/problem+json")
        assert body["type"].endswith("/problems/" + body["type"].rsplit("/", 1)[1])
        assert body["errors"] and all({"pointer", "detail"} <= set(e) for e in body["errors"])
        if bad.field and bad.field != "request":
            assert "/" + bad.field.replace(".", "/") in [e["pointer"] for e in body["errors"]]
    else:
        assert response.headers["content-type"].startswith("application/hal+json")
        assert isinstance(body["errors"], dict)
        assert bad.field in body["errors"], body["errors"]
        assert all(isinstance(m, str) for msgs in body["errors"].values() for m in msgs)
    assert await dump_database(database_url) == before


async def test_a_body_over_the_default_limit_is_413(client: Client, database_url: str) -> None:
    before = await dump_database(database_url)
    big = b'{"name": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    response = await client.post("/pacticipants", content=big, headers={"Content-Type": JSON})
    assert response.status_code == 413
    assert response.json()["errors"]
    assert await dump_database(database_url) == before


async def test_the_body_limit_is_configurable(database_url: str) -> None:
    app = asgi_app(settings_for(database_url, max_body_bytes=100))
    async with AsyncTestClient(app=app) as client:
        body = '{"name": "A", "repositoryUrl": "' + "u" * 120 + '"}'
        response = await client.post("/pacticipants", content=body, headers={"Content-Type": JSON})
        assert response.status_code == 413
        assert (await client.post("/pacticipants", json={"name": "A"})).status_code == 201


async def test_no_error_leaks_a_stack_trace(seeded: tuple[Client, dict[str, str]]) -> None:
    client, _ = seeded
    for bad in CASES:
        response = await client.request(
            bad.method, bad.path, content=bad.body, headers={"Content-Type": bad.content_type}
        )
        assert "Traceback" not in response.text
        assert response.status_code < 500, (bad.id, response.text)


# Writes with nothing a caller could get wrong: no body, no query, no path parameter (who may
# call them is the authorisation matrix's business).
TAKES_NO_INPUT = {("DELETE", "/integrations")}
# The web interface's forms answer pages, not problem documents: their bad input (no CSRF
# token, a wrong token or password, a missing field) is tested in test_web_pages.py.
WEB_FORMS = {("POST", "/ui/sign-in"), ("POST", "/ui/sign-out")}
# The admin pages' forms show refused input on their page: test_admin_pages.py.
WEB_FORMS = WEB_FORMS | {
    ("POST", "/ui/admin/tokens"),
    ("POST", "/ui/admin/tokens/{token_id:int}/revoke"),
    ("POST", "/ui/admin/users"),
    ("POST", "/ui/admin/users/{username:str}/disable"),
    ("POST", "/ui/admin/users/{username:str}/enable"),
    ("POST", "/ui/admin/users/{username:str}/delete"),
    ("POST", "/ui/admin/users/{username:str}/password"),
    ("POST", "/ui/admin/teams"),
    ("POST", "/ui/admin/teams/{name:str}/assign"),
    ("POST", "/ui/admin/teams/{name:str}/unassign"),
    ("POST", "/ui/admin/modes/mode"),
    ("POST", "/ui/admin/modes/policy"),
    ("POST", "/ui/admin/webhooks/{uuid:str}/deliveries/{delivery_uuid:str}/redrive"),
}
# The change request page's forms (a reject without a reason, an unknown team) show refused
# input on the page, nothing stored: test_approval_pages.py.
WEB_FORMS = WEB_FORMS | {
    ("POST", "/ui/change-requests/{request_id:int}/approve"),
    ("POST", "/ui/change-requests/{request_id:int}/reject"),
}


def test_every_write_route_has_a_case() -> None:
    """The table covers each write route (method and path) the application serves."""
    import re

    from broker.app import create_app

    app = create_app(settings_for("sqlite:///unused.db"))
    write_routes = {
        (method, route.path)
        for route in app.routes
        for method in getattr(route, "methods", set())
        if method in {"POST", "PUT", "PATCH", "DELETE"}
    }
    concrete = [(bad.method, re.sub(r"\{\w+\}", "X", bad.path).split("?")[0]) for bad in CASES]
    uncovered = []
    for method, template in sorted(write_routes - TAKES_NO_INPUT - WEB_FORMS):
        pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$")
        if not any(m == method and pattern.match(path) for m, path in concrete):
            uncovered.append(f"{method} {template}")
    assert not uncovered, uncovered
