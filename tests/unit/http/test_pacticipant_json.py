"""The wire JSON of pacticipant, version, tag and branch resources, member by member."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from broker.domain.model import Branch, Environment, Pacticipant, Page, Tag, Version
from broker.http.hal import Links
from broker.http.resources import labelled, pacticipant, pacticipants
from broker.http.version_resources import (
    branch,
    branch_version,
    branch_versions,
    branches,
    tag,
    version,
    versions,
)
from broker.services.pacticipants import PacticipantDetails
from broker.services.versions import BranchDetails, BranchHead, VersionDetails
from tests.unit.http.wire import assert_wire

T0 = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
T1 = T0 + timedelta(hours=1)
LINKS = Links("http://b")
BARE = Pacticipant(id=1, name="Orders", created_at=T0, updated_at=T0)
FULL = Pacticipant(
    id=2,
    name="Web",
    display_name="Web UI",
    repository_url="https://r",
    repository_name="rn",
    repository_namespace="ns",
    main_branch="main",
    created_at=T0,
    updated_at=T1,
)
V1 = Version(id=1, pacticipant_id=1, number="1.0", created_at=T0, updated_at=T0)
V2 = Version(
    id=2, pacticipant_id=1, number="2.0", build_url="http://ci/2", created_at=T0, updated_at=T1
)
PROD = Environment(
    uuid="u1", name="prod", display_name="Production", production=True, created_at=T0, updated_at=T0
)
TEST = Environment(
    uuid="u2", name="test", display_name="Test", production=False, created_at=T0, updated_at=T0
)
MAIN = Branch(id=1, pacticipant_id=1, name="main", created_at=T0)


def test_pacticipant_without_optional_members() -> None:
    """Unset attributes are null; no updatedAt, labels or latest version."""
    assert_wire(
        pacticipant(
            LINKS, PacticipantDetails(pacticipant=BARE, labels=[], latest_version_number=None)
        ),
        {
            "name": "Orders",
            "displayName": None,
            "repositoryUrl": None,
            "repositoryName": None,
            "repositoryNamespace": None,
            "mainBranch": None,
            "createdAt": "2024-01-02T03:04:05+00:00",
            "_embedded": {"labels": []},
            "_links": {
                "self": {
                    "href": "http://b/pacticipants/Orders",
                    "title": "Pacticipant",
                    "name": "Orders",
                },
                "pb:versions": {
                    "href": "http://b/pacticipants/Orders/versions",
                    "title": "Versions",
                },
                "pb:version": {
                    "href": "http://b/pacticipants/Orders/versions/{version}",
                    "title": "Version",
                    "templated": True,
                },
                "pb:version-tag": {
                    "href": "http://b/pacticipants/Orders/versions/{version}/tags/{tag}",
                    "title": "Version tag",
                    "templated": True,
                },
                "pb:branches": {
                    "href": "http://b/pacticipants/Orders/branches",
                    "title": "Branches",
                },
                "pb:branch-version": {
                    "href": "http://b/pacticipants/Orders/branches/{branch}/versions/{version}",
                    "title": "Branch version",
                    "templated": True,
                },
                "pb:latest-version": {
                    "href": "http://b/pacticipants/Orders/latest-version",
                    "title": "Latest version",
                },
                "pb:label": {
                    "href": "http://b/pacticipants/Orders/labels/{label}",
                    "title": "Label",
                    "templated": True,
                },
                "pb:can-i-deploy-badge": {
                    "href": "http://b/pacticipants/Orders/latest-version/{tag}/can-i-deploy/to/"
                    "{environment}/badge",
                    "title": "Can I Deploy badge of the latest version with a tag",
                    "templated": True,
                },
                "pb:can-i-deploy-branch-to-environment-badge": {
                    "href": "http://b/pacticipants/Orders/branches/{branch}/latest-version/"
                    "can-i-deploy/to-environment/{environment}/badge",
                    "title": "Can I Deploy badge of the latest version of a branch",
                    "templated": True,
                },
                "pb:notifications": {
                    "href": "http://b/pacticipants/Orders/notifications",
                    "title": "Notifications",
                },
                "accord:mode": {
                    "href": "http://b/pacticipants/Orders/mode",
                    "title": "Governance mode",
                },
                "accord:approval-policy": {
                    "href": "http://b/pacticipants/Orders/approval-policy",
                    "title": "Who approves its contract changes",
                },
                "accord:change-requests": {
                    "href": "http://b/change-requests?pacticipant=Orders",
                    "title": "Its change requests",
                },
                "versions": {"href": "http://b/pacticipants/Orders/versions", "title": "Versions"},
                "curies": [
                    {
                        "name": "pb",
                        "href": "http://b/doc/{rel}?context=pacticipant",
                        "templated": True,
                    }
                ],
            },
        },
    )


def test_pacticipant_with_every_member() -> None:
    """updatedAt once changed; labels; latestVersion under both names."""
    assert_wire(
        pacticipant(
            LINKS, PacticipantDetails(pacticipant=FULL, labels=["ui"], latest_version_number="1.0")
        ),
        {
            "name": "Web",
            "displayName": "Web UI",
            "repositoryUrl": "https://r",
            "repositoryName": "rn",
            "repositoryNamespace": "ns",
            "mainBranch": "main",
            "createdAt": "2024-01-02T03:04:05+00:00",
            "updatedAt": "2024-01-02T04:04:05+00:00",
            "_embedded": {
                "labels": [
                    {
                        "name": "ui",
                        "_links": {"self": {"href": "http://b/pacticipants/Web/labels/ui"}},
                    }
                ],
                "latestVersion": {
                    "number": "1.0",
                    "_links": {"self": {"href": "http://b/pacticipants/Web/versions/1.0"}},
                },
                "latest-version": {
                    "number": "1.0",
                    "_links": {"self": {"href": "http://b/pacticipants/Web/versions/1.0"}},
                },
            },
            "_links": {
                "self": {
                    "href": "http://b/pacticipants/Web",
                    "title": "Pacticipant",
                    "name": "Web",
                },
                "pb:versions": {"href": "http://b/pacticipants/Web/versions", "title": "Versions"},
                "pb:version": {
                    "href": "http://b/pacticipants/Web/versions/{version}",
                    "title": "Version",
                    "templated": True,
                },
                "pb:version-tag": {
                    "href": "http://b/pacticipants/Web/versions/{version}/tags/{tag}",
                    "title": "Version tag",
                    "templated": True,
                },
                "pb:branches": {"href": "http://b/pacticipants/Web/branches", "title": "Branches"},
                "pb:branch-version": {
                    "href": "http://b/pacticipants/Web/branches/{branch}/versions/{version}",
                    "title": "Branch version",
                    "templated": True,
                },
                "pb:latest-version": {
                    "href": "http://b/pacticipants/Web/latest-version",
                    "title": "Latest version",
                },
                "pb:label": {
                    "href": "http://b/pacticipants/Web/labels/{label}",
                    "title": "Label",
                    "templated": True,
                },
                "pb:can-i-deploy-badge": {
                    "href": "http://b/pacticipants/Web/latest-version/{tag}/can-i-deploy/to/"
                    "{environment}/badge",
                    "title": "Can I Deploy badge of the latest version with a tag",
                    "templated": True,
                },
                "pb:can-i-deploy-branch-to-environment-badge": {
                    "href": "http://b/pacticipants/Web/branches/{branch}/latest-version/"
                    "can-i-deploy/to-environment/{environment}/badge",
                    "title": "Can I Deploy badge of the latest version of a branch",
                    "templated": True,
                },
                "pb:notifications": {
                    "href": "http://b/pacticipants/Web/notifications",
                    "title": "Notifications",
                },
                "accord:mode": {
                    "href": "http://b/pacticipants/Web/mode",
                    "title": "Governance mode",
                },
                "accord:approval-policy": {
                    "href": "http://b/pacticipants/Web/approval-policy",
                    "title": "Who approves its contract changes",
                },
                "accord:change-requests": {
                    "href": "http://b/change-requests?pacticipant=Web",
                    "title": "Its change requests",
                },
                "versions": {"href": "http://b/pacticipants/Web/versions", "title": "Versions"},
                "curies": [
                    {
                        "name": "pb",
                        "href": "http://b/doc/{rel}?context=pacticipant",
                        "templated": True,
                    }
                ],
            },
        },
    )


def test_pacticipants_page_with_neighbours() -> None:
    """A middle page links to the pages before and after it."""
    assert_wire(
        pacticipants(LINKS, [FULL], Page(number=2, size=1), 3),
        {
            "page": {"number": 2, "size": 1, "totalElements": 3, "totalPages": 3},
            "_embedded": {
                "pacticipants": [
                    {
                        "name": "Web",
                        "displayName": "Web UI",
                        "repositoryUrl": "https://r",
                        "mainBranch": "main",
                        "createdAt": "2024-01-02T03:04:05+00:00",
                        "_links": {"self": {"href": "http://b/pacticipants/Web", "name": "Web"}},
                    }
                ]
            },
            "_links": {
                "self": {"href": "http://b/pacticipants"},
                "pb:pacticipants": [
                    {"href": "http://b/pacticipants/Web", "title": "Web UI", "name": "Web"}
                ],
                "pacticipants": [
                    {"href": "http://b/pacticipants/Web", "title": "Web UI", "name": "Web"}
                ],
                "previous": {
                    "href": "http://b/pacticipants?page=1&size=1",
                    "title": "Previous page",
                },
                "next": {"href": "http://b/pacticipants?page=3&size=1", "title": "Next page"},
            },
            "pacticipants": [
                {
                    "name": "Web",
                    "displayName": "Web UI",
                    "repositoryUrl": "https://r",
                    "mainBranch": "main",
                    "createdAt": "2024-01-02T03:04:05+00:00",
                    "_links": {"self": {"href": "http://b/pacticipants/Web", "name": "Web"}},
                    "title": "DEPRECATED - Please use the embedded pacticipants collection",
                }
            ],
        },
    )


def test_version_without_relations() -> None:
    """buildUrl null, no updatedAt, empty lists."""
    assert_wire(
        version(
            LINKS,
            VersionDetails(
                pacticipant=BARE,
                version=V1,
                tags=[],
                branches=[],
                environments=[],
                deployed_environment_ids=[],
                released_environment_ids=[],
            ),
        ),
        {
            "number": "1.0",
            "buildUrl": None,
            "createdAt": "2024-01-02T03:04:05+00:00",
            "_embedded": {"branchVersions": [], "tags": []},
            "_links": {
                "self": {
                    "href": "http://b/pacticipants/Orders/versions/1.0",
                    "title": "Version",
                    "name": "1.0",
                },
                "pb:pacticipant": {
                    "href": "http://b/pacticipants/Orders",
                    "title": "Pacticipant",
                    "name": "Orders",
                },
                "pb:tag": {
                    "href": "http://b/pacticipants/Orders/versions/1.0/tags/{tag}",
                    "title": "Get, create or delete a tag",
                    "templated": True,
                },
                "pb:deployed-environments": [],
                "pb:released-environments": [],
                "pb:record-deployment": [],
                "pb:record-release": [],
                "pb:latest-verification-results-where-pacticipant-is-consumer": {
                    "href": "http://b/verification-results/consumer/Orders/version/1.0/latest",
                    "title": "The newest verification result of each pact this version published",
                },
            },
        },
    )


def test_version_with_relations() -> None:
    """Tags, branches, and per-environment deployment and release links."""
    assert_wire(
        version(
            LINKS,
            VersionDetails(
                pacticipant=BARE,
                version=V2,
                tags=[Tag(version_id=2, name="prod", created_at=T1)],
                branches=[BranchHead(name="main", is_latest=True)],
                environments=[PROD, TEST],
                deployed_environment_ids=["u1"],
                released_environment_ids=["u2"],
            ),
        ),
        {
            "number": "2.0",
            "buildUrl": "http://ci/2",
            "createdAt": "2024-01-02T03:04:05+00:00",
            "updatedAt": "2024-01-02T04:04:05+00:00",
            "_embedded": {
                "branchVersions": [
                    {
                        "name": "main",
                        "latest": True,
                        "_links": {
                            "self": {
                                "href": "http://b/pacticipants/Orders/branches/main/versions/2.0"
                            }
                        },
                    }
                ],
                "tags": [
                    {
                        "name": "prod",
                        "createdAt": "2024-01-02T04:04:05+00:00",
                        "_links": {
                            "self": {
                                "href": "http://b/pacticipants/Orders/versions/2.0/tags/prod",
                                "title": "Tag",
                                "name": "prod",
                            },
                            "pb:version": {
                                "href": "http://b/pacticipants/Orders/versions/2.0",
                                "title": "Version",
                                "name": "2.0",
                            },
                            "pb:pacticipant": {
                                "href": "http://b/pacticipants/Orders",
                                "name": "Orders",
                            },
                        },
                    }
                ],
            },
            "_links": {
                "self": {
                    "href": "http://b/pacticipants/Orders/versions/2.0",
                    "title": "Version",
                    "name": "2.0",
                },
                "pb:pacticipant": {
                    "href": "http://b/pacticipants/Orders",
                    "title": "Pacticipant",
                    "name": "Orders",
                },
                "pb:tag": {
                    "href": "http://b/pacticipants/Orders/versions/2.0/tags/{tag}",
                    "title": "Get, create or delete a tag",
                    "templated": True,
                },
                "pb:deployed-environments": [
                    {"href": "http://b/environments/u1", "title": "Production", "name": "prod"}
                ],
                "pb:released-environments": [
                    {"href": "http://b/environments/u2", "title": "Test", "name": "test"}
                ],
                "pb:record-deployment": [
                    {
                        "href": "http://b/pacticipants/Orders/versions/2.0/deployed-versions/environment/u1",
                        "title": "Record deployment to Production",
                        "name": "prod",
                    },
                    {
                        "href": "http://b/pacticipants/Orders/versions/2.0/deployed-versions/environment/u2",
                        "title": "Record deployment to Test",
                        "name": "test",
                    },
                ],
                "pb:record-release": [
                    {
                        "href": "http://b/pacticipants/Orders/versions/2.0/released-versions/environment/u1",
                        "title": "Record release to Production",
                        "name": "prod",
                    },
                    {
                        "href": "http://b/pacticipants/Orders/versions/2.0/released-versions/environment/u2",
                        "title": "Record release to Test",
                        "name": "test",
                    },
                ],
                "pb:latest-verification-results-where-pacticipant-is-consumer": {
                    "href": "http://b/verification-results/consumer/Orders/version/2.0/latest",
                    "title": "The newest verification result of each pact this version published",
                },
            },
        },
    )


def test_versions_first_page() -> None:
    """The first page has a next link and no previous one."""
    assert_wire(
        versions(LINKS, BARE, [V1], Page(number=1, size=1), 2),
        {
            "page": {"number": 1, "size": 1, "totalElements": 2, "totalPages": 2},
            "_embedded": {
                "versions": [
                    {
                        "number": "1.0",
                        "buildUrl": None,
                        "createdAt": "2024-01-02T03:04:05+00:00",
                        "_links": {
                            "self": {
                                "href": "http://b/pacticipants/Orders/versions/1.0",
                                "name": "1.0",
                            }
                        },
                    }
                ]
            },
            "_links": {
                "self": {"href": "http://b/pacticipants/Orders/versions", "title": "Versions"},
                "pb:pacticipant": {"href": "http://b/pacticipants/Orders", "name": "Orders"},
                "next": {
                    "href": "http://b/pacticipants/Orders/versions?page=2&size=1",
                    "title": "Next page",
                },
            },
        },
    )


def test_tag() -> None:
    """A tag links to its version and pacticipant."""
    assert_wire(
        tag(LINKS, BARE, V1, Tag(version_id=1, name="prod", created_at=T0)),
        {
            "name": "prod",
            "createdAt": "2024-01-02T03:04:05+00:00",
            "_links": {
                "self": {
                    "href": "http://b/pacticipants/Orders/versions/1.0/tags/prod",
                    "title": "Tag",
                    "name": "prod",
                },
                "pb:version": {
                    "href": "http://b/pacticipants/Orders/versions/1.0",
                    "title": "Version",
                    "name": "1.0",
                },
                "pb:pacticipant": {"href": "http://b/pacticipants/Orders", "name": "Orders"},
            },
        },
    )


def test_branch_without_versions() -> None:
    """No _embedded until the branch has a version."""
    assert_wire(
        branch(LINKS, BranchDetails(pacticipant=BARE, branch=MAIN, head=None)),
        {
            "name": "main",
            "createdAt": "2024-01-02T03:04:05+00:00",
            "_links": {
                "self": {
                    "href": "http://b/pacticipants/Orders/branches/main",
                    "title": "Branch",
                    "name": "main",
                },
                "pb:versions": {
                    "href": "http://b/pacticipants/Orders/branches/main/versions",
                    "title": "Versions of the branch",
                },
                "pb:pacticipant": {"href": "http://b/pacticipants/Orders", "name": "Orders"},
            },
        },
    )


def test_branch_with_head() -> None:
    """The head version embedded as latestVersion."""
    assert_wire(
        branch(LINKS, BranchDetails(pacticipant=BARE, branch=MAIN, head=V1)),
        {
            "name": "main",
            "createdAt": "2024-01-02T03:04:05+00:00",
            "_embedded": {
                "latestVersion": {
                    "number": "1.0",
                    "buildUrl": None,
                    "createdAt": "2024-01-02T03:04:05+00:00",
                    "_links": {
                        "self": {"href": "http://b/pacticipants/Orders/versions/1.0", "name": "1.0"}
                    },
                }
            },
            "_links": {
                "self": {
                    "href": "http://b/pacticipants/Orders/branches/main",
                    "title": "Branch",
                    "name": "main",
                },
                "pb:versions": {
                    "href": "http://b/pacticipants/Orders/branches/main/versions",
                    "title": "Versions of the branch",
                },
                "pb:pacticipant": {"href": "http://b/pacticipants/Orders", "name": "Orders"},
            },
        },
    )


def test_branches_single_page() -> None:
    """One page: no previous or next."""
    assert_wire(
        branches(LINKS, BARE, [MAIN], Page(), 1),
        {
            "page": {"number": 1, "size": 100, "totalElements": 1, "totalPages": 1},
            "_embedded": {
                "branches": [
                    {
                        "name": "main",
                        "createdAt": "2024-01-02T03:04:05+00:00",
                        "_links": {"self": {"href": "http://b/pacticipants/Orders/branches/main"}},
                    }
                ]
            },
            "_links": {
                "self": {"href": "http://b/pacticipants/Orders/branches"},
                "pb:pacticipant": {"href": "http://b/pacticipants/Orders"},
            },
        },
    )


def test_branch_version() -> None:
    """A branch version says whether it is the branch's head."""
    assert_wire(
        branch_version(LINKS, BranchDetails(pacticipant=BARE, branch=MAIN, head=V2), V1),
        {
            "name": "main",
            "latest": False,
            "_embedded": {
                "version": {
                    "number": "1.0",
                    "buildUrl": None,
                    "createdAt": "2024-01-02T03:04:05+00:00",
                    "_links": {
                        "self": {"href": "http://b/pacticipants/Orders/versions/1.0", "name": "1.0"}
                    },
                }
            },
            "_links": {
                "self": {
                    "href": "http://b/pacticipants/Orders/branches/main/versions/1.0",
                    "title": "Branch version",
                },
                "pb:branch": {"href": "http://b/pacticipants/Orders/branches/main", "name": "main"},
                "pb:version": {"href": "http://b/pacticipants/Orders/versions/1.0", "name": "1.0"},
            },
        },
    )


def test_branch_versions_past_the_end() -> None:
    """An empty last page keeps its previous link."""
    assert_wire(
        branch_versions(
            LINKS,
            BranchDetails(pacticipant=BARE, branch=MAIN, head=V1),
            [],
            Page(number=2, size=5),
            5,
        ),
        {
            "page": {"number": 2, "size": 5, "totalElements": 5, "totalPages": 1},
            "_embedded": {"versions": []},
            "_links": {
                "self": {"href": "http://b/pacticipants/Orders/branches/main/versions"},
                "previous": {
                    "href": "http://b/pacticipants/Orders/branches/main/versions?page=1&size=5",
                    "title": "Previous page",
                },
            },
        },
    )


def test_pacticipants_with_a_label() -> None:
    """Every pacticipant carrying a label, unpaged; the label is one path segment."""
    assert_wire(
        labelled(LINKS, "a/b", [BARE]),
        {
            "_embedded": {
                "pacticipants": [
                    {
                        "name": "Orders",
                        "displayName": None,
                        "repositoryUrl": None,
                        "mainBranch": None,
                        "createdAt": "2024-01-02T03:04:05+00:00",
                        "_links": {
                            "self": {"href": "http://b/pacticipants/Orders", "name": "Orders"}
                        },
                    }
                ]
            },
            "_links": {"self": {"href": "http://b/pacticipants/label/a%2Fb"}},
        },
    )
