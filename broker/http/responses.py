"""Response bodies with a fixed shape, as msgspec structs.

Members are named as the clients read them (`_links`, `entryHash`, `pb:pacticipant`); a member
with a default is left out while it holds it, so an absent member stays absent rather than
becoming `null`. A member without a default is always sent, `null` included. The HAL resources
built from domain objects live beside their builders (`resources.py` and its siblings);
bodies shaped by their data (pact documents, the matrix) stay dicts.
"""

from __future__ import annotations

import msgspec


class _Response(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Base of response structs."""


class Link(_Response):
    """A HAL link object."""

    href: str
    title: str | None = None
    name: str | None = None


class TemplatedLink(msgspec.Struct, kw_only=True):
    """A templated HAL link: `templated` is always sent (the Rust verifier needs it to expand)."""

    href: str
    title: str
    templated: bool = True


class SelfLinks(_Response):
    """`_links` holding only `self`."""

    self_: Link = msgspec.field(name="self")


class Resource(_Response, rename="camel"):
    """Base of HAL resources: members in camelCase unless named otherwise."""


class Ref(Resource):
    """Something named, with a link to itself (a label, a pacticipant inside another resource)."""

    name: str
    links: SelfLinks = msgspec.field(name="_links")


class VersionRef(Resource):
    """A version number with a link to the version."""

    number: str
    links: SelfLinks = msgspec.field(name="_links")


class PageInfo(Resource):
    """The `page` member of one page of a list."""

    number: int
    size: int
    total_elements: int
    total_pages: int


class ListLinks(Resource):
    """`_links` of a page: itself, and the pages before and after it when there are."""

    self_: Link = msgspec.field(name="self")
    previous: Link | None = None
    next: Link | None = None


class OwnedListLinks(Resource):
    """`_links` of a page of what one pacticipant owns."""

    self_: Link = msgspec.field(name="self")
    pacticipant: Link = msgspec.field(name="pb:pacticipant")
    previous: Link | None = None
    next: Link | None = None


class Heartbeat(_Response):
    """`GET /diagnostic/status/heartbeat`."""

    ok: bool
    links: SelfLinks = msgspec.field(name="_links")


class Health(_Response):
    """One dependency's health: `error` only when it is down."""

    ok: bool
    error: str | None = None


class ReplicaHealth(_Response):
    """The read replica (`ACCORD_DATABASE_READ_URL`): `ok` while browsing reads go to it.

    Its being down never makes the broker unready: reads then go to the primary.
    """

    ok: bool
    state: str
    reason: str
    lag_seconds: float | None = msgspec.field(default=None, name="lagSeconds")
    replay_paused: bool | None = msgspec.field(default=None, name="replayPaused")


class Dependencies(_Response):
    """What the broker depends on."""

    database: Health
    read_replica: ReplicaHealth | None = msgspec.field(default=None, name="readReplica")


class DependencyStatus(_Response):
    """`GET /diagnostic/status/dependencies`."""

    ok: bool
    dependencies: Dependencies


class AuditHeadLinks(_Response):
    """`_links` of the audit head."""

    self_: Link = msgspec.field(name="self")
    audit: Link = msgspec.field(name="accord:audit")


class AuditHead(_Response):
    """`GET /audit/head`: the newest entry's place and hash; `mac` is null without a key."""

    seq: int
    entry_hash: str = msgspec.field(name="entryHash")
    head: str
    mac: str | None
    links: AuditHeadLinks = msgspec.field(name="_links")


class LabelLinks(_Response):
    """`_links` of a label."""

    self_: Link = msgspec.field(name="self")
    pacticipant: Link = msgspec.field(name="pb:pacticipant")


class Label(_Response):
    """`/pacticipants/{name}/labels/{label}`."""

    name: str
    links: LabelLinks = msgspec.field(name="_links")


class FieldProblem(_Response):
    """One bad field of a problem+json answer: a JSON pointer and what is wrong there."""

    pointer: str
    detail: str


class NoticeBody(_Response):
    """A notice carried by an error (why a pact waits for approval, say)."""

    type: str
    text: str


class Problem(_Response, kw_only=True):
    """An error answer: RFC 9457 problem details, with the Pact Broker's members for HAL.

    Under `application/problem+json`, `errors` lists `FieldProblem`s; otherwise it is the Pact
    Broker's `{field: [messages]}` object and `error` repeats `detail`.
    """

    type: str
    title: str
    status: int
    detail: str
    instance: str
    notices: list[NoticeBody] | None = None
    errors: list[FieldProblem] | dict[str, list[str]]
    error: str | None = None


class TokenResource(_Response):
    """A bearer token as the admin API shows it; `token` (the secret) only when just created."""

    id: int
    name: str
    role: str
    teams: list[str]
    user: str | None
    created_at: str = msgspec.field(name="createdAt")
    expires_at: str | None = msgspec.field(name="expiresAt")
    revoked_at: str | None = msgspec.field(name="revokedAt")
    links: SelfLinks = msgspec.field(name="_links")
    token: str | None = None


class TeamResource(_Response):
    """A team and the pacticipants it owns."""

    name: str
    pacticipants: list[str]
    links: SelfLinks = msgspec.field(name="_links")


class UserLinks(_Response):
    """`_links` of a user."""

    self_: Link = msgspec.field(name="self")
    password: Link = msgspec.field(name="accord:password")


class UserResource(_Response):
    """A basic-auth user as the admin API shows it: never its password or hash."""

    username: str
    role: str
    teams: list[str]
    disabled: bool
    disabled_at: str | None = msgspec.field(name="disabledAt")
    created_at: str = msgspec.field(name="createdAt")
    updated_at: str = msgspec.field(name="updatedAt")
    links: UserLinks = msgspec.field(name="_links")
