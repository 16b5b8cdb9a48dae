"""The SDK's matrix calls: the query string the pact-broker CLIs send, and the typed answer."""

from __future__ import annotations

import httpx
import pytest

from clients.sdk import (
    AsyncBrokerClient,
    BrokerClient,
    BrokerError,
    Matrix,
    MatrixQuery,
    MatrixSummary,
    VersionSelector,
)
from tests.unit.clients.conftest import BASE, StubBroker, hal

RESULT = f"{BASE}/pacts/provider/Orders/consumer/Web/pact-version/abc/verification-results"


def row(
    consumer: str = "Web",
    consumer_version: str = "1.0.0",
    provider: str = "Orders",
    provider_version: str | None = "2.0.0",
    *,
    success: bool | None = True,
    result: int = 1,
    ignored: bool = False,
) -> dict[str, object]:
    """One matrix row as the Pact Broker renders it; `success=None` means not verified."""
    found: dict[str, object] = {
        "consumer": {"name": consumer, "version": {"number": consumer_version}},
        "provider": {
            "name": provider,
            "version": None if provider_version is None else {"number": provider_version},
        },
        "pact": {"_links": {"self": {"href": f"{BASE}/pacts/provider/{provider}/consumer/x"}}},
        "verificationResult": None
        if success is None
        else {
            "success": success,
            "verifiedAt": "2026-01-02T03:04:05+00:00",
            "_links": {"self": {"href": f"{RESULT}/{result}"}},
        },
    }
    if ignored:
        found["ignored"] = True
    return found


def matrix(
    *rows: dict[str, object],
    deployable: bool | None,
    reason: str,
    notices: list[dict[str, str]] | None = None,
) -> dict[str, object]:
    """A `GET /matrix` answer whose counts follow its rows."""
    considered = [r for r in rows if not r.get("ignored")]
    results = [r["verificationResult"] for r in considered]
    return {
        "summary": {
            "deployable": deployable,
            "reason": reason,
            "success": sum(isinstance(r, dict) and r["success"] is True for r in results),
            "failed": sum(isinstance(r, dict) and r["success"] is False for r in results),
            "unknown": sum(r is None for r in results),
            "ignored": len(rows) - len(considered),
        },
        "notices": notices
        if notices is not None
        else [{"type": "success" if deployable else "error", "text": reason}],
        "matrix": list(rows),
        "_links": {"self": {"href": f"{BASE}/matrix"}},
    }


YES = matrix(
    row(), deployable=True, reason="All required verification results are published and successful"
)


def client(stub: StubBroker, base: str = BASE) -> BrokerClient:
    return BrokerClient(base, transport=stub.transport)


def test_can_i_deploy_to_an_environment_sends_one_request_as_the_clis_do(stub: StubBroker) -> None:
    query = "q[][pacticipant]=Web&q[][version]=1.0.0&latestby=cvpv&environment=production"
    stub.on(f"GET /matrix?{query}", hal(YES))

    answer = client(stub).can_i_deploy(
        VersionSelector("Web", version="1.0.0"), to_environment="production"
    )

    assert stub.sent == [f"GET /matrix?{query}"]
    assert answer.summary.deployable is True


def test_one_selector_without_a_target_is_checked_against_the_latest_versions(
    stub: StubBroker,
) -> None:
    query = "q[][pacticipant]=Web&q[][latest]=true&q[][tag]=dev&latestby=cvp&latest=true"
    stub.on(f"GET /matrix?{query}", hal(YES))

    client(stub).can_i_deploy(VersionSelector("Web", latest=True, tag="dev"))

    assert stub.sent == [f"GET /matrix?{query}"]


def test_a_tag_target_asks_for_the_latest_version_with_it(stub: StubBroker) -> None:
    query = "q[][pacticipant]=Web&q[][version]=1.0.0&latestby=cvp&latest=true&tag=prod"
    stub.on(f"GET /matrix?{query}", hal(YES))

    client(stub).can_i_deploy(VersionSelector("Web", version="1.0.0"), to="prod")

    assert stub.sent == [f"GET /matrix?{query}"]


def test_can_i_merge_targets_the_main_branches(stub: StubBroker) -> None:
    query = "q[][pacticipant]=Web&q[][version]=1.0.0&latestby=cvp&latest=true&mainBranch=true"
    stub.on(f"GET /matrix?{query}", hal(YES))

    client(stub).can_i_merge(VersionSelector("Web", version="1.0.0"))

    assert stub.sent == [f"GET /matrix?{query}"]


def test_several_selectors_ignores_and_a_limit_follow_the_ruby_cli_order(stub: StubBroker) -> None:
    query = (
        "q[][pacticipant]=Web&q[][version]=1.0.0"
        "&q[][pacticipant]=Orders&q[][latest]=true&q[][branch]=main"
        "&latestby=cvpv&limit=5"
        "&ignore[][pacticipant]=Audit&ignore[][pacticipant]=Mail&ignore[][version]=3"
    )
    stub.on(f"GET /matrix?{query}", hal(YES))

    client(stub).get_matrix(
        [
            VersionSelector("Web", version="1.0.0"),
            VersionSelector("Orders", latest=True, branch="main"),
        ],
        ignore=[VersionSelector("Audit"), VersionSelector("Mail", version="3")],
        limit=5,
    )

    assert stub.sent == [f"GET /matrix?{query}"]


def test_names_are_percent_encoded_and_the_base_path_is_kept(stub: StubBroker) -> None:
    query = (
        "q[][pacticipant]=My%20Web&q[][latest]=true&q[][branch]=feature%2Fx%26y"
        "&latestby=cvp&latest=true"
    )
    stub.on(f"GET /pact/matrix?{query}", hal(YES))

    client(stub, f"{BASE}/pact").get_matrix(
        VersionSelector("My Web", latest=True, branch="feature/x&y")
    )

    assert stub.sent == [f"GET /pact/matrix?{query}"]


def test_the_answer_is_typed_rows_summary_and_notices(stub: StubBroker) -> None:
    body = matrix(
        row(success=False),
        row(provider="Audit", provider_version=None, success=None),
        deployable=False,
        reason="1 verification failed and 1 verification result is missing",
        notices=[{"type": "error", "text": "The verification for the pact between … failed"}],
    )
    stub.on(
        "GET /matrix?q[][pacticipant]=Web&q[][version]=1.0.0&latestby=cvp&latest=true", hal(body)
    )

    answer = client(stub).get_matrix(VersionSelector("Web", version="1.0.0"))

    assert answer.summary.deployable is False
    assert (answer.summary.failed, answer.summary.unknown, answer.summary.success) == (1, 1, 0)
    failed, unverified = answer.rows
    assert failed.consumer.name == "Web"
    assert failed.provider.version is not None
    assert failed.provider.version.number == "2.0.0"
    assert failed.verification_result is not None
    assert failed.verification_result.success is False
    assert failed.verification_result.verified_at == "2026-01-02T03:04:05+00:00"
    assert unverified.provider.version is None
    assert unverified.verification_result is None
    assert [n.type for n in answer.notices] == ["error"]
    assert answer.is_unknown


def test_unknown_is_a_missing_result_or_else_a_null_deployable() -> None:
    assert not Matrix(summary=MatrixSummary(deployable=True, unknown=0)).is_unknown
    assert Matrix(summary=MatrixSummary(deployable=None, unknown=2)).is_unknown
    # A broker too old to count unknown results: a null `deployable` is the sign.
    assert Matrix(summary=MatrixSummary(deployable=None, unknown=None)).is_unknown
    assert not Matrix(summary=MatrixSummary(deployable=False, unknown=None)).is_unknown


def test_a_refused_query_is_one_sentence_with_the_broker_reasons(stub: StubBroker) -> None:
    refusal = {
        "title": "The matrix query is not valid",
        "errors": {"q.0.pacticipant": ["no pacticipant named 'Nope'"]},
    }
    stub.on(
        "GET /matrix?q[][pacticipant]=Nope&q[][version]=1&latestby=cvpv&environment=production",
        hal(refusal, status=400),
    )

    with pytest.raises(BrokerError) as raised:
        client(stub).can_i_deploy(VersionSelector("Nope", version="1"), to_environment="production")

    assert str(raised.value) == "The broker refused the matrix query: no pacticipant named 'Nope'."
    assert raised.value.status == httpx.codes.BAD_REQUEST


def test_a_query_needs_a_selector_and_at_most_one_target() -> None:
    with pytest.raises(ValueError, match="at least one version selector"):
        MatrixQuery(())
    with pytest.raises(ValueError, match="at most one"):
        MatrixQuery((VersionSelector("Web", version="1"),), to_environment="prod", to_tag="prod")


async def test_the_async_client_sends_the_same_query(stub: StubBroker) -> None:
    query = "q[][pacticipant]=Web&q[][version]=1.0.0&latestby=cvp&latest=true&mainBranch=true"
    stub.on(f"GET /matrix?{query}", hal(YES))

    async with AsyncBrokerClient(BASE, transport=stub.transport) as broker:
        answer = await broker.can_i_merge(VersionSelector("Web", version="1.0.0"))

    assert stub.sent == [f"GET /matrix?{query}"]
    assert answer.summary.deployable is True
    assert answer.rows[0].verification_result is not None
