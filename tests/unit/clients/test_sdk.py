"""Each SDK call's request sequence against a broker double on httpx.MockTransport."""

from __future__ import annotations

import base64

import httpx
import pytest

from clients.sdk import BrokerClient, Contact, ContactDetails, CrossOriginError, NotFoundError
from clients.sdk._origins import origin
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


def client(
    stub: StubBroker, *, token: str | None = None, username: str | None = None
) -> BrokerClient:
    return BrokerClient(
        BASE, transport=stub.transport, token=token, username=username, password="pw"
    )


def test_every_request_accepts_hal_and_json_and_writes_send_json(stub: StubBroker) -> None:
    stub.on("POST /environments", hal(environment("test"), status=201))

    client(stub).create_environment("test")

    get, post = stub.requests
    assert get.headers["Accept"] == "application/hal+json, application/json"
    assert "Content-Type" not in get.headers
    assert post.headers["Accept"] == "application/hal+json, application/json"
    assert post.headers["Content-Type"] == "application/json"


def test_a_token_is_sent_as_bearer(stub: StubBroker) -> None:
    stub.on("GET /environments", hal(environment_list()))
    client(stub, token="s3cret").list_environments()

    assert stub.requests[0].headers["Authorization"] == "Bearer s3cret"


def test_a_username_and_password_are_sent_as_basic(stub: StubBroker) -> None:
    stub.on("GET /environments", hal(environment_list()))
    client(stub, username="ci").list_environments()

    expected = base64.b64encode(b"ci:pw").decode()
    assert stub.requests[0].headers["Authorization"] == f"Basic {expected}"


def test_a_base_url_path_prefix_is_kept_for_relative_hrefs() -> None:
    index = {"_links": {"pb:environments": {"href": "/environments"}}}
    stub = StubBroker(
        routes={"GET /pact/": hal(index), "GET /pact/environments": hal(environment_list())}
    )

    BrokerClient(f"{BASE}/pact", transport=stub.transport).list_environments()

    assert stub.sent == ["GET /pact/", "GET /pact/environments"]


def test_trust_09_a_link_to_another_origin_is_not_followed_with_the_token() -> None:
    """The token goes to the broker's origin only; the refusal names both origins."""
    index = {"_links": {"pb:environments": {"href": "http://other.example:8080/environments"}}}
    stub = StubBroker(routes={"GET /": hal(index)})

    with pytest.raises(CrossOriginError) as caught:
        BrokerClient(BASE, transport=stub.transport, token="s3cret").list_environments()

    assert stub.sent == ["GET /"]
    assert "http://other.example:8080" in str(caught.value)
    assert origin(BASE) in str(caught.value)


def test_trust_09_without_credentials_a_link_to_another_origin_is_followed() -> None:
    """Nothing to leak: an open broker whose links name another address keeps working."""
    index = {"_links": {"pb:environments": {"href": "http://other.example:8080/environments"}}}
    stub = StubBroker(routes={"GET /": hal(index), "GET /environments": hal(environment_list())})

    BrokerClient(BASE, transport=stub.transport).list_environments()

    assert stub.requests[-1].url == "http://other.example:8080/environments"
    assert "Authorization" not in stub.requests[-1].headers


def test_the_index_is_fetched_once_per_client(stub: StubBroker) -> None:
    stub.on("GET /environments", hal(environment_list()))
    broker = client(stub)

    broker.list_environments()
    broker.list_environments()

    assert stub.sent == ["GET /", "GET /environments", "GET /environments"]


def test_create_environment_posts_name_production_and_contacts(stub: StubBroker) -> None:
    stub.on("POST /environments", hal(environment("staging"), status=201))

    created = client(stub).create_environment(
        "staging",
        display_name="Staging",
        contacts=[Contact(name="Team", details=ContactDetails(email_address="team@example.com"))],
    )

    assert created.name == "staging"
    assert stub.sent == ["GET /", "POST /environments"]
    assert stub.body(1) == {
        "name": "staging",
        "production": False,
        "displayName": "Staging",
        "contacts": [{"name": "Team", "details": {"emailAddress": "team@example.com"}}],
    }


def test_update_environment_puts_the_merged_whole_object(stub: StubBroker) -> None:
    current = environment("staging", contacts=[{"name": "Team", "details": {"slack": "#team"}}])
    stub.on(f"GET /environments/{ENV_UUID}", hal(current))
    stub.on(f"PUT /environments/{ENV_UUID}", hal(environment("staging", displayName="Stage")))

    updated = client(stub).update_environment(ENV_UUID, display_name="Stage")

    assert updated.display_name == "Stage"
    assert stub.sent == ["GET /", f"GET /environments/{ENV_UUID}", f"PUT /environments/{ENV_UUID}"]
    assert stub.body(2) == {
        "name": "staging",
        "displayName": "Stage",
        "production": False,
        "contacts": [{"name": "Team", "details": {"slack": "#team"}}],
    }


def test_find_environment_follows_the_link_named_after_it(stub: StubBroker) -> None:
    other = environment("test", uuid="other")
    stub.on("GET /environments", hal(environment_list(other, environment())))
    stub.on(f"GET /environments/{ENV_UUID}", hal(environment()))

    found = client(stub).find_environment("production")

    assert found.uuid == ENV_UUID
    assert stub.sent == ["GET /", "GET /environments", f"GET /environments/{ENV_UUID}"]


def test_find_environment_names_the_missing_environment(stub: StubBroker) -> None:
    stub.on("GET /environments", hal(environment_list(environment("test", uuid="other"))))

    with pytest.raises(NotFoundError, match=r"^Environment production does not exist\.$"):
        client(stub).find_environment("production")


def test_delete_environment(stub: StubBroker) -> None:
    stub.on(f"DELETE /environments/{ENV_UUID}", httpx.Response(204))

    client(stub).delete_environment(ENV_UUID)

    assert stub.sent == ["GET /", f"DELETE /environments/{ENV_UUID}"]


def test_a_missing_pacticipant_is_created_with_post(stub: StubBroker) -> None:
    stub.on("POST /pacticipants", hal({"name": "Order Service", "mainBranch": "main"}, status=201))

    saved = client(stub).create_or_update_pacticipant("Order Service", main_branch="main")

    assert saved.created
    assert saved.resource.main_branch == "main"
    assert stub.sent == ["GET /", "GET /pacticipants/Order%20Service", "POST /pacticipants"]
    assert stub.body(2) == {"name": "Order Service", "mainBranch": "main"}


def test_an_existing_pacticipant_is_patched_as_a_merge_patch(stub: StubBroker) -> None:
    existing = {"name": "Orders", "_links": {"self": {"href": f"{BASE}/pacticipants/Orders"}}}
    stub.on("GET /pacticipants/Orders", hal(existing))
    stub.on("PATCH /pacticipants/Orders", hal({**existing, "displayName": "Orders API"}))

    saved = client(stub).create_or_update_pacticipant("Orders", display_name="Orders API")

    assert not saved.created
    assert stub.sent == ["GET /", "GET /pacticipants/Orders", "PATCH /pacticipants/Orders"]
    assert stub.requests[2].headers["Content-Type"] == "application/merge-patch+json"
    assert stub.body(2) == {"displayName": "Orders API"}


def test_create_or_update_version_puts_version_branch_and_tags(stub: StubBroker) -> None:
    path = "/pacticipants/Orders/versions/1.0.0"
    stub.on(f"PUT {path}", hal(version(), status=201))
    stub.on(
        "PUT /pacticipants/Orders/branches/feature%2Fx/versions/1.0.0",
        hal({"name": "feature/x"}, 201),
    )
    stub.on(f"PUT {path}/tags/prod", hal({"name": "prod"}, status=201))
    stub.on(f"PUT {path}/tags/release%201", hal({"name": "release 1"}, status=201))
    stub.on(f"GET {path}", hal(version(tags=("prod", "release 1"), branches=("feature/x",))))

    saved = client(stub).create_or_update_version(
        "Orders", "1.0.0", branch="feature/x", tags=["prod", "release 1"], build_url="http://ci/1"
    )

    assert saved.created
    assert [tag.name for tag in saved.resource.embedded.tags] == ["prod", "release 1"]
    assert stub.sent == [
        "GET /",
        f"PUT {path}",
        "PUT /pacticipants/Orders/branches/feature%2Fx/versions/1.0.0",
        f"PUT {path}/tags/prod",
        f"PUT {path}/tags/release%201",
        f"GET {path}",
    ]
    assert stub.body(1) == {"buildUrl": "http://ci/1"}


def test_create_or_update_version_alone_is_one_put(stub: StubBroker) -> None:
    stub.on("PUT /pacticipants/Orders/versions/1.0.0", hal(version()))

    saved = client(stub).create_or_update_version("Orders", "1.0.0")

    assert not saved.created
    assert stub.sent == ["GET /", "PUT /pacticipants/Orders/versions/1.0.0"]
    assert stub.body(1) == {}


def test_get_latest_version_with_a_tag(stub: StubBroker) -> None:
    stub.on("GET /pacticipants/Orders/latest-version/prod", hal(version(number="2.0.0")))

    assert client(stub).get_latest_version("Orders", "prod").number == "2.0.0"


def test_get_latest_version_without_any_says_so(stub: StubBroker) -> None:
    with pytest.raises(NotFoundError, match=r"^Orders has no versions\.$"):
        client(stub).get_latest_version("Orders")


def test_tagging_a_missing_version_says_it_does_not_exist(stub: StubBroker) -> None:
    with pytest.raises(NotFoundError, match=r"^Version 9 of Orders does not exist\.$"):
        client(stub).create_version_tag("Orders", "9", ["prod"])

    assert stub.sent == ["GET /", "GET /pacticipants/Orders/versions/9"]


def test_tagging_with_auto_create_version_does_not_check_the_version(stub: StubBroker) -> None:
    stub.on("PUT /pacticipants/Orders/versions/9/tags/prod", hal({"name": "prod"}, status=201))

    tags = client(stub).create_version_tag("Orders", "9", ["prod"], auto_create_version=True)

    assert [tag.name for tag in tags] == ["prod"]
    assert stub.sent == ["GET /", "PUT /pacticipants/Orders/versions/9/tags/prod"]


def test_record_deployment_posts_to_the_link_named_after_the_environment(stub: StubBroker) -> None:
    path = "/pacticipants/Orders/versions/1.0.0"
    stub.on(f"GET {path}", hal(version(environments=("test", "production"))))
    stub.on(
        f"POST {path}/deployed-versions/environment/{ENV_UUID}",
        hal(deployed_version(instance="blue"), 201),
    )

    deployed = client(stub).record_deployment(
        "Orders", "1.0.0", "production", application_instance="blue"
    )

    assert deployed.application_instance == "blue"
    assert stub.sent == [
        "GET /",
        f"GET {path}",
        f"POST {path}/deployed-versions/environment/{ENV_UUID}",
    ]
    assert stub.body(2) == {"applicationInstance": "blue"}


def test_record_deployment_without_instance_posts_an_empty_object(stub: StubBroker) -> None:
    path = "/pacticipants/Orders/versions/1.0.0"
    stub.on(f"GET {path}", hal(version()))
    stub.on(f"POST {path}/deployed-versions/environment/{ENV_UUID}", hal(deployed_version(), 201))

    client(stub).record_deployment("Orders", "1.0.0", "production")

    assert stub.body(2) == {}


def test_record_deployment_to_an_unknown_environment_names_it(stub: StubBroker) -> None:
    stub.on("GET /pacticipants/Orders/versions/1.0.0", hal(version()))

    with pytest.raises(NotFoundError, match=r"^Environment staging does not exist\.$"):
        client(stub).record_deployment("Orders", "1.0.0", "staging")


def test_record_release_posts_an_empty_object(stub: StubBroker) -> None:
    path = "/pacticipants/Orders/versions/1.0.0"
    stub.on(f"GET {path}", hal(version()))
    stub.on(f"POST {path}/released-versions/environment/{ENV_UUID}", hal(released_version(), 201))

    released = client(stub).record_release("Orders", "1.0.0", "production")

    assert released.currently_supported
    assert stub.sent[-1] == f"POST {path}/released-versions/environment/{ENV_UUID}"
    assert stub.body(2) == {}


def _with_production(stub: StubBroker) -> None:
    stub.on("GET /environments", hal(environment_list(environment())))
    stub.on(f"GET /environments/{ENV_UUID}", hal(environment()))


def test_record_undeployment_patches_only_the_matching_instance(stub: StubBroker) -> None:
    _with_production(stub)
    listing = f"/environments/{ENV_UUID}/deployed-versions/currently-deployed?pacticipant=Orders"
    stub.on(
        f"GET {listing}",
        hal(
            {
                "_embedded": {
                    "deployedVersions": [
                        deployed_version("d1", instance="blue"),
                        deployed_version("d2", instance="green"),
                        deployed_version("d3", pacticipant="Billing", instance="blue"),
                    ]
                }
            }
        ),
    )
    stub.on(
        "PATCH /deployed-versions/d1",
        hal(deployed_version("d1", instance="blue", currently_deployed=False)),
    )

    undeployed = client(stub).record_undeployment(
        "Orders", "production", application_instance="blue"
    )

    assert [d.currently_deployed for d in undeployed] == [False]
    assert stub.sent == [
        "GET /",
        "GET /environments",
        f"GET /environments/{ENV_UUID}",
        f"GET {listing}",
        "PATCH /deployed-versions/d1",
    ]
    assert stub.requests[-1].headers["Content-Type"] == "application/merge-patch+json"
    assert stub.body(4) == {"currentlyDeployed": False}


def test_record_undeployment_without_instance_matches_only_the_null_instance(
    stub: StubBroker,
) -> None:
    _with_production(stub)
    listing = f"/environments/{ENV_UUID}/deployed-versions/currently-deployed?pacticipant=Orders"
    stub.on(
        f"GET {listing}",
        hal({"_embedded": {"deployedVersions": [deployed_version("d1", instance="blue")]}}),
    )

    with pytest.raises(NotFoundError) as raised:
        client(stub).record_undeployment("Orders", "production")

    assert str(raised.value) == "Orders is not currently deployed to environment production."


def test_record_undeployment_names_the_instance_when_nothing_matches(stub: StubBroker) -> None:
    _with_production(stub)
    listing = f"/environments/{ENV_UUID}/deployed-versions/currently-deployed?pacticipant=Orders"
    stub.on(f"GET {listing}", hal({"_embedded": {"deployedVersions": []}}))

    with pytest.raises(NotFoundError) as raised:
        client(stub).record_undeployment("Orders", "production", application_instance="blue")

    assert str(raised.value) == (
        "Orders is not currently deployed to environment production (application instance blue)."
    )


def test_record_support_ended_patches_the_released_version(stub: StubBroker) -> None:
    _with_production(stub)
    listing = (
        f"/environments/{ENV_UUID}/released-versions/currently-supported"
        "?pacticipant=Orders&version=1.0.0"
    )
    stub.on(
        f"GET {listing}",
        hal(
            {
                "_embedded": {
                    "releasedVersions": [
                        released_version("r1"),
                        released_version("r2", number="2.0.0"),
                    ]
                }
            }
        ),
    )
    stub.on("PATCH /released-versions/r1", hal(released_version("r1", supported=False)))

    ended = client(stub).record_support_ended("Orders", "1.0.0", "production")

    assert [r.currently_supported for r in ended] == [False]
    assert stub.sent[-2:] == [f"GET {listing}", "PATCH /released-versions/r1"]
    assert stub.body(4) == {"currentlySupported": False}


def test_record_support_ended_for_an_unreleased_version_says_so(stub: StubBroker) -> None:
    _with_production(stub)
    listing = (
        f"/environments/{ENV_UUID}/released-versions/currently-supported"
        "?pacticipant=Orders&version=1.0.0"
    )
    stub.on(f"GET {listing}", hal({"_embedded": {"releasedVersions": []}}))

    with pytest.raises(
        NotFoundError, match=r"^Version 1\.0\.0 of Orders is not currently released"
    ):
        client(stub).record_support_ended("Orders", "1.0.0", "production")
