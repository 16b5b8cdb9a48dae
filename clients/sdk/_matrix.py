"""The matrix: can-i-deploy, can-i-merge and the pacts between versions, as `GET /matrix` answers.

    from clients.sdk import BrokerClient, VersionSelector

    with BrokerClient("http://127.0.0.1:9292") as broker:
        matrix = broker.can_i_deploy(VersionSelector("Orders", version="1.2.0"),
                                     to_environment="production")
        matrix.summary.deployable    # True, False, or None while a result is missing

The query is the one both pact-broker CLIs send (pact-broker-api §12.1): Rack's nested
`q[][pacticipant]=…` syntax with literal brackets, `latestby`, then the target and the `ignore`
selectors. There is no index lookup: the CLIs ask `/matrix` under the base URL directly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

import httpx
import msgspec

from clients.sdk._errors import BrokerError
from clients.sdk._operations import Operation, Session
from clients.sdk._wire import Notice, Resource


class VersionSelector(msgspec.Struct, frozen=True):
    """Which version(s) of a pacticipant a matrix query is about (`q[]` or `ignore[]`).

    Give a `version` number, or `latest=True` (with a `tag` for the latest version with that
    tag), or a `branch` or `main_branch=True` with `latest=True` for the head of that branch.
    An ignore selector needs only the pacticipant (every version) or a version too.
    """

    pacticipant: str
    version: str | None = None
    latest: bool = False
    tag: str | None = None
    branch: str | None = None
    main_branch: bool = False

    def pairs(self, prefix: str) -> list[tuple[str, str]]:
        """This selector as `prefix[][key]=value` pairs, in the order the Ruby CLI sends."""
        values = [
            ("pacticipant", self.pacticipant),
            ("version", self.version),
            ("latest", "true" if self.latest else None),
            ("tag", self.tag),
            ("branch", self.branch),
            ("mainBranch", "true" if self.main_branch else None),
        ]
        return [(f"{prefix}[][{key}]", value) for key, value in values if value is not None]


@dataclass(frozen=True)
class MatrixQuery:
    """One `GET /matrix` question: the selectors, at most one target, and what to ignore.

    With no target and one selector, the other side is its latest versions (`latest=true`),
    as in the Ruby CLI; with several selectors and no target, the matrix is the pacts between
    the versions they name.
    """

    selectors: Sequence[VersionSelector]
    to_environment: str | None = None
    to_tag: str | None = None
    main_branch: bool = False
    ignore: Sequence[VersionSelector] = field(default_factory=tuple)
    limit: int | None = None

    def __post_init__(self) -> None:
        if not self.selectors:
            msg = "A matrix query needs at least one version selector"
            raise ValueError(msg)
        targets = [self.to_environment is not None, self.to_tag is not None, self.main_branch]
        if sum(targets) > 1:
            msg = "Give at most one of an environment, a tag and the main branch as the target"
            raise ValueError(msg)

    def pairs(self) -> list[tuple[str, str]]:
        """The query parameters, in the order the pact-broker CLIs send them."""
        found = [pair for selector in self.selectors for pair in selector.pairs("q")]
        # cvpv keeps every provider version: with an environment several may be live (§12.2.4).
        several = len(self.selectors) > 1 or self.to_environment is not None
        found.append(("latestby", "cvpv" if several else "cvp"))
        if self.limit is not None:
            found.append(("limit", str(self.limit)))
        if self.to_environment is not None:
            found.append(("environment", self.to_environment))
        elif self.to_tag is not None:
            found.extend([("latest", "true"), ("tag", self.to_tag)])
        elif self.main_branch:
            found.extend([("latest", "true"), ("mainBranch", "true")])
        elif len(self.selectors) == 1:
            found.append(("latest", "true"))
        found.extend(pair for selector in self.ignore for pair in selector.pairs("ignore"))
        return found

    def query_string(self) -> str:
        """The pairs joined with literal brackets in the keys, as both CLIs send them."""
        return "&".join(f"{key}={quote(value, safe='')}" for key, value in self.pairs())


class MatrixVersion(Resource, frozen=True, kw_only=True, omit_defaults=True):
    """A version on one side of a matrix row."""

    number: str
    branch: str | None = None


class MatrixPacticipant(Resource, frozen=True, kw_only=True):
    """The consumer or provider of a row; `version` is None when no version of it applies."""

    name: str
    version: MatrixVersion | None = None


class MatrixPact(Resource, frozen=True, kw_only=True, omit_defaults=True):
    """The pact of a row; `_links.self` is the pact's URL."""

    created_at: str | None = None


class MatrixVerificationResult(Resource, frozen=True, kw_only=True, omit_defaults=True):
    """The verification result of a row; `_links.self` is the result's URL."""

    success: bool | None = None
    verified_at: str | None = None


class MatrixRow(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """A pact between a consumer version and a provider version, and its verification result.

    `verification_result` is None while the provider version has not verified the pact.
    """

    consumer: MatrixPacticipant
    provider: MatrixPacticipant
    pact: MatrixPact | None = None
    verification_result: MatrixVerificationResult | None = None
    ignored: bool = False


class MatrixSummary(msgspec.Struct, frozen=True, kw_only=True):
    """The broker's verdict: `deployable` is None (unknown) while a result is missing.

    `unknown` is None from a broker too old to count the missing results.
    """

    deployable: bool | None = None
    reason: str = ""
    success: int = 0
    failed: int = 0
    unknown: int | None = None
    ignored: int = 0


class Matrix(Resource, frozen=True, kw_only=True):
    """`GET /matrix`: the summary, the broker's notices, and the rows behind them."""

    summary: MatrixSummary
    notices: list[Notice] = msgspec.field(default_factory=list)
    rows: list[MatrixRow] = msgspec.field(default_factory=list, name="matrix")

    @property
    def is_unknown(self) -> bool:
        """Whether a verification result is still missing (what `--retry-while-unknown` polls)."""
        if self.summary.unknown is None:
            return self.summary.deployable is None
        return self.summary.unknown > 0


def selectors_of(
    selectors: VersionSelector | Iterable[VersionSelector],
) -> tuple[VersionSelector, ...]:
    """One selector or several, as a tuple."""
    if isinstance(selectors, VersionSelector):
        return (selectors,)
    return tuple(selectors)


def get_matrix(session: Session, query: MatrixQuery) -> Operation[Matrix]:
    """`GET /matrix?…` under the base URL, as the CLIs send it (no index lookup).

    Raises:
        BrokerError: the broker refused the query (400: an unknown pacticipant or
            environment, conflicting options), with its reasons in one sentence.
    """
    try:
        return (yield from session.fetch("GET", f"/matrix?{query.query_string()}", Matrix))
    except BrokerError as error:
        if error.status != httpx.codes.BAD_REQUEST or not error.errors:
            raise
        reasons = "; ".join(item.detail.rstrip(".") for item in error.errors)
        raise BrokerError(
            f"The broker refused the matrix query: {reasons}.",
            status=error.status,
            title=error.title,
            detail=error.detail,
            errors=error.errors,
            notices=error.notices,
            url=error.url,
        ) from error
