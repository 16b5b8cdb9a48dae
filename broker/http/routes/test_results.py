"""`/pacticipants/{p}/versions/{v}/test-results`: a version's published JUnit reports."""

from __future__ import annotations

from litestar import Controller, Response, get, post

from broker.http.body import read_json
from broker.http.context import LinksDep, PathName, ServicesDep
from broker.http.hal import AnyRequest, hal
from broker.http.operation_docs import HAL_RESOURCE, documented
from broker.http.permissions import read, write
from broker.http.test_result_resources import PublishTestResultsBody, test_results, to_publish


class TestResultController(Controller):
    """Publishing and listing a version's test results."""

    __test__ = False

    path = "/pacticipants/{pacticipant:str}/versions/{version:str}/test-results"

    @post(
        "/",
        opt=write(owner="pacticipant")
        | documented(body=PublishTestResultsBody, body_required=True, returns=HAL_RESOURCE),
    )
    async def publish_test_results(
        self,
        pacticipant: PathName,
        version: PathName,
        request: AnyRequest,
        services: ServicesDep,
        links: LinksDep,
    ) -> Response[bytes]:
        """Store JUnit XML reports of the version's API, event, data or E2E tests (201)."""
        body = await read_json(request, PublishTestResultsBody)
        outcome = await services.test_results.publish(to_publish(pacticipant, version, body))
        return hal(test_results(links, outcome.pacticipant, outcome.version, outcome.runs), 201)

    @get("/", opt=read() | documented(returns=HAL_RESOURCE))
    async def list_test_results(
        self, pacticipant: PathName, version: PathName, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """The reports the version published, oldest first; 404 for an unknown version."""
        found, number, runs = await services.test_results.list_runs(pacticipant, version)
        return hal(test_results(links, found, number, runs))
