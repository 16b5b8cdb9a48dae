"""The wire JSON of environments and of deployed and released versions, member by member."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from broker.domain.model import (
    Contact,
    DeployedVersion,
    Environment,
    Pacticipant,
    ReleasedVersion,
    Version,
)
from broker.http.deployment_resources import (
    deployed_list,
    deployed_version,
    environment,
    environments,
    released_list,
    released_version,
)
from broker.http.hal import Links
from broker.services.deployments import Deployment, Release
from tests.unit.http.wire import assert_wire

T0 = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
T1 = T0 + timedelta(hours=1)
LINKS = Links("http://b")
ORDERS = Pacticipant(id=1, name="Orders", created_at=T0, updated_at=T0)
V1 = Version(id=1, pacticipant_id=1, number="1.0", created_at=T0, updated_at=T0)
PROD = Environment(
    uuid="u1",
    name="prod",
    display_name="Production",
    production=True,
    contacts=(Contact(name="ops", details={"email": "o@x", "pager": None}), Contact(name="dev")),
    created_at=T0,
    updated_at=T1,
)
TEST = Environment(
    uuid="u2", name="test", display_name="Test", production=False, created_at=T0, updated_at=T0
)


def deployment(instance: str | None, undeployed: datetime | None) -> Deployment:
    record = DeployedVersion(
        uuid="d1",
        version_id=1,
        pacticipant_id=1,
        environment_id="u2",
        application_instance=instance,
        created_at=T0,
        undeployed_at=undeployed,
    )
    return Deployment(record=record, pacticipant=ORDERS, version=V1, environment=TEST)


def release(ended: datetime | None) -> Release:
    record = ReleasedVersion(
        uuid="r1",
        version_id=1,
        pacticipant_id=1,
        environment_id="u1",
        created_at=T0,
        support_ended_at=ended,
    )
    return Release(record=record, pacticipant=ORDERS, version=V1, environment=PROD)


def test_environment_unchanged() -> None:
    """No contacts, no updatedAt."""
    assert_wire(
        environment(LINKS, TEST),
        {
            "uuid": "u2",
            "name": "test",
            "displayName": "Test",
            "production": False,
            "contacts": [],
            "createdAt": "2024-01-02T03:04:05+00:00",
            "_links": {
                "self": {
                    "href": "http://b/environments/u2",
                    "title": "Environment",
                    "name": "test",
                },
                "pb:currently-deployed-deployed-versions": {
                    "href": "http://b/environments/u2/deployed-versions/currently-deployed",
                    "title": "Versions currently deployed",
                },
                "pb:currently-supported-released-versions": {
                    "href": "http://b/environments/u2/released-versions/currently-supported",
                    "title": "Versions currently supported",
                },
                "pb:environments": {"href": "http://b/environments", "title": "Environments"},
            },
        },
    )


def test_environments() -> None:
    """Contacts with their details; updatedAt once changed; named links."""
    assert_wire(
        environments(LINKS, [PROD, TEST]),
        {
            "_embedded": {
                "environments": [
                    {
                        "uuid": "u1",
                        "name": "prod",
                        "displayName": "Production",
                        "production": True,
                        "contacts": [
                            {"name": "ops", "details": {"email": "o@x", "pager": None}},
                            {"name": "dev", "details": {}},
                        ],
                        "createdAt": "2024-01-02T03:04:05+00:00",
                        "updatedAt": "2024-01-02T04:04:05+00:00",
                        "_links": {
                            "self": {
                                "href": "http://b/environments/u1",
                                "title": "Environment",
                                "name": "prod",
                            },
                            "pb:currently-deployed-deployed-versions": {
                                "href": "http://b/environments/u1/deployed-versions/currently-deployed",
                                "title": "Versions currently deployed",
                            },
                            "pb:currently-supported-released-versions": {
                                "href": "http://b/environments/u1/released-versions/currently-supported",
                                "title": "Versions currently supported",
                            },
                            "pb:environments": {
                                "href": "http://b/environments",
                                "title": "Environments",
                            },
                        },
                    },
                    {
                        "uuid": "u2",
                        "name": "test",
                        "displayName": "Test",
                        "production": False,
                        "contacts": [],
                        "createdAt": "2024-01-02T03:04:05+00:00",
                        "_links": {
                            "self": {
                                "href": "http://b/environments/u2",
                                "title": "Environment",
                                "name": "test",
                            },
                            "pb:currently-deployed-deployed-versions": {
                                "href": "http://b/environments/u2/deployed-versions/currently-deployed",
                                "title": "Versions currently deployed",
                            },
                            "pb:currently-supported-released-versions": {
                                "href": "http://b/environments/u2/released-versions/currently-supported",
                                "title": "Versions currently supported",
                            },
                            "pb:environments": {
                                "href": "http://b/environments",
                                "title": "Environments",
                            },
                        },
                    },
                ]
            },
            "_links": {
                "self": {"href": "http://b/environments", "title": "Environments"},
                "pb:environments": [
                    {"href": "http://b/environments/u1", "title": "Environment", "name": "prod"},
                    {"href": "http://b/environments/u2", "title": "Environment", "name": "test"},
                ],
            },
        },
    )


def test_environments_none() -> None:
    """An empty list."""
    assert_wire(
        environments(LINKS, []),
        {
            "_embedded": {"environments": []},
            "_links": {
                "self": {"href": "http://b/environments", "title": "Environments"},
                "pb:environments": [],
            },
        },
    )


def test_deployed_version_current() -> None:
    """Without an instance: applicationInstance, target and undeployedAt are null."""
    assert_wire(
        deployed_version(LINKS, deployment(None, None)),
        {
            "uuid": "d1",
            "currentlyDeployed": True,
            "applicationInstance": None,
            "target": None,
            "createdAt": "2024-01-02T03:04:05+00:00",
            "undeployedAt": None,
            "_embedded": {
                "pacticipant": {
                    "name": "Orders",
                    "_links": {"self": {"href": "http://b/pacticipants/Orders"}},
                },
                "version": {
                    "number": "1.0",
                    "buildUrl": None,
                    "createdAt": "2024-01-02T03:04:05+00:00",
                    "_links": {
                        "self": {"href": "http://b/pacticipants/Orders/versions/1.0", "name": "1.0"}
                    },
                },
                "environment": {
                    "uuid": "u2",
                    "name": "test",
                    "displayName": "Test",
                    "production": False,
                    "_links": {"self": {"href": "http://b/environments/u2", "name": "test"}},
                },
            },
            "_links": {
                "self": {"href": "http://b/deployed-versions/d1", "title": "Deployed version"},
                "pb:version": {"href": "http://b/pacticipants/Orders/versions/1.0"},
                "pb:environment": {"href": "http://b/environments/u2"},
            },
        },
    )


def test_deployed_list_undeployed() -> None:
    """An instance and the undeployment time."""
    assert_wire(
        deployed_list(LINKS, "http://b/l?x=1", [deployment("blue", T1)]),
        {
            "_embedded": {
                "deployedVersions": [
                    {
                        "uuid": "d1",
                        "currentlyDeployed": False,
                        "applicationInstance": "blue",
                        "target": "blue",
                        "createdAt": "2024-01-02T03:04:05+00:00",
                        "undeployedAt": "2024-01-02T04:04:05+00:00",
                        "_embedded": {
                            "pacticipant": {
                                "name": "Orders",
                                "_links": {"self": {"href": "http://b/pacticipants/Orders"}},
                            },
                            "version": {
                                "number": "1.0",
                                "buildUrl": None,
                                "createdAt": "2024-01-02T03:04:05+00:00",
                                "_links": {
                                    "self": {
                                        "href": "http://b/pacticipants/Orders/versions/1.0",
                                        "name": "1.0",
                                    }
                                },
                            },
                            "environment": {
                                "uuid": "u2",
                                "name": "test",
                                "displayName": "Test",
                                "production": False,
                                "_links": {
                                    "self": {"href": "http://b/environments/u2", "name": "test"}
                                },
                            },
                        },
                        "_links": {
                            "self": {
                                "href": "http://b/deployed-versions/d1",
                                "title": "Deployed version",
                            },
                            "pb:version": {"href": "http://b/pacticipants/Orders/versions/1.0"},
                            "pb:environment": {"href": "http://b/environments/u2"},
                        },
                    }
                ]
            },
            "_links": {"self": {"href": "http://b/l?x=1"}},
        },
    )


def test_released_version_supported() -> None:
    """supportEndedAt is null while supported."""
    assert_wire(
        released_version(LINKS, release(None)),
        {
            "uuid": "r1",
            "currentlySupported": True,
            "createdAt": "2024-01-02T03:04:05+00:00",
            "supportEndedAt": None,
            "_embedded": {
                "pacticipant": {
                    "name": "Orders",
                    "_links": {"self": {"href": "http://b/pacticipants/Orders"}},
                },
                "version": {
                    "number": "1.0",
                    "buildUrl": None,
                    "createdAt": "2024-01-02T03:04:05+00:00",
                    "_links": {
                        "self": {"href": "http://b/pacticipants/Orders/versions/1.0", "name": "1.0"}
                    },
                },
                "environment": {
                    "uuid": "u1",
                    "name": "prod",
                    "displayName": "Production",
                    "production": True,
                    "_links": {"self": {"href": "http://b/environments/u1", "name": "prod"}},
                },
            },
            "_links": {
                "self": {"href": "http://b/released-versions/r1", "title": "Released version"},
                "pb:version": {"href": "http://b/pacticipants/Orders/versions/1.0"},
                "pb:environment": {"href": "http://b/environments/u1"},
            },
        },
    )


def test_released_list_ended() -> None:
    """A release whose support ended."""
    assert_wire(
        released_list(LINKS, "http://b/l", [release(T1)]),
        {
            "_embedded": {
                "releasedVersions": [
                    {
                        "uuid": "r1",
                        "currentlySupported": False,
                        "createdAt": "2024-01-02T03:04:05+00:00",
                        "supportEndedAt": "2024-01-02T04:04:05+00:00",
                        "_embedded": {
                            "pacticipant": {
                                "name": "Orders",
                                "_links": {"self": {"href": "http://b/pacticipants/Orders"}},
                            },
                            "version": {
                                "number": "1.0",
                                "buildUrl": None,
                                "createdAt": "2024-01-02T03:04:05+00:00",
                                "_links": {
                                    "self": {
                                        "href": "http://b/pacticipants/Orders/versions/1.0",
                                        "name": "1.0",
                                    }
                                },
                            },
                            "environment": {
                                "uuid": "u1",
                                "name": "prod",
                                "displayName": "Production",
                                "production": True,
                                "_links": {
                                    "self": {"href": "http://b/environments/u1", "name": "prod"}
                                },
                            },
                        },
                        "_links": {
                            "self": {
                                "href": "http://b/released-versions/r1",
                                "title": "Released version",
                            },
                            "pb:version": {"href": "http://b/pacticipants/Orders/versions/1.0"},
                            "pb:environment": {"href": "http://b/environments/u1"},
                        },
                    }
                ]
            },
            "_links": {"self": {"href": "http://b/l"}},
        },
    )
