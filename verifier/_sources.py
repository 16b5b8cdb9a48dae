"""Where pacts come from: files, folders, pact URLs, and a broker's pacts for verification.

Each source is a small description; `load` turns a list of them into `LoadedPact`s, each with
what the broker said about it (pending, WIP, why it was selected) and its links, which say
where to publish the result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from clients.sdk import ClientError
from clients.sdk._origins import same_origin
from verifier import _files
from verifier._broker import BrokerAccess
from verifier._errors import PactError, SourceError
from verifier._files import UnreadableFileError
from verifier._matching.values import JSONValue
from verifier._pact import Pact, decode_pact, read_pact


@dataclass(frozen=True)
class PactFile:
    """A pact file, or a folder whose `*.json` pacts for the provider are all verified."""

    path: str | Path


@dataclass(frozen=True, kw_only=True)
class PactUrl:
    """A pact at a URL, such as the one a broker webhook hands to a provider build."""

    url: str
    token: str | None = None
    username: str | None = None
    password: str | None = None

    @classmethod
    def with_broker_credentials(
        cls,
        url: str,
        *,
        broker_url: str | None,
        token: str | None = None,
        username: str | None = None,
        password: str | None = None,
    ) -> PactUrl:
        """A pact URL given with the broker's credentials, which go only to the broker's origin.

        A URL on another origin than `broker_url` is fetched without them (it is not the
        broker); with no broker URL known, the credentials are taken to be the URL's own.
        """
        if broker_url and not same_origin(url, broker_url):
            return cls(url=url)
        return cls(url=url, token=token, username=username, password=password)


@dataclass(frozen=True, kw_only=True)
class BrokerSource:
    """The pacts a broker selects for the provider (pacts for verification).

    Attributes:
        url: The broker's base URL.
        token: A bearer token; wins over username and password.
        username: For basic auth.
        password: For basic auth.
        selectors: Consumer version selectors (`{"mainBranch": true}`, `{"deployed": true}`…);
            none lets the broker choose its defaults.
        enable_pending: Ask which pacts are pending, so their failures do not fail the run.
        include_wip_pacts_since: A date (`2024-01-31`) from which to include WIP pacts.
        provider_version_branch: The branch of the provider version being verified.
        provider_version_tags: Its tags (the older alternative to a branch).
    """

    url: str
    token: str | None = None
    username: str | None = None
    password: str | None = None
    selectors: Sequence[Mapping[str, JSONValue]] = ()
    enable_pending: bool = False
    include_wip_pacts_since: str | None = None
    provider_version_branch: str | None = None
    provider_version_tags: Sequence[str] = field(default_factory=tuple)

    def access(self, timeout: float) -> BrokerAccess:
        """A client of this broker with its credentials."""
        return BrokerAccess(
            self.url,
            token=self.token,
            username=self.username,
            password=self.password,
            timeout=timeout,
        )


Source = PactFile | PactUrl | BrokerSource


@dataclass(frozen=True, kw_only=True)
class LoadedPact:
    """A pact to verify, with what its source said about it."""

    pact: Pact
    source: str
    short_description: str | None = None
    is_pending: bool = False
    is_wip: bool = False
    notices: tuple[str, ...] = ()
    broker: BrokerAccess | None = None


def _read_file(path: Path) -> Pact:
    try:
        return decode_pact(_files.read_file(path, _files.MAX_DOCUMENT_BYTES))
    except UnreadableFileError as error:
        raise SourceError(f"The pact file {error}.") from None
    except PactError as error:
        raise SourceError(f"The file {path} is not a pact: {error}") from error


def load_files(source: PactFile, provider: str) -> list[LoadedPact]:
    """The pact file, or the pacts for `provider` in the folder (sorted by name).

    Raises:
        SourceError: A file that cannot be read, a pact for another provider, an empty folder.
    """
    path = Path(source.path)
    if not path.is_dir():
        pact = _read_file(path)
        if pact.provider != provider:
            message = f"The pact {path} is for the provider {pact.provider!r}, not {provider!r}"
            raise SourceError(message)
        return [LoadedPact(pact=pact, source=str(path))]
    loaded = []
    for file in sorted(path.glob("*.json")):
        pact = _read_file(file)
        if pact.provider == provider:
            loaded.append(LoadedPact(pact=pact, source=str(file)))
    if not loaded:
        raise SourceError(f"The folder {path} holds no pact for the provider {provider!r}")
    return loaded


async def fetch_pact(access: BrokerAccess, url: str) -> Pact:
    """Fetch and read the pact at `url`.

    Raises:
        SourceError: When it cannot be fetched or is not a pact.
    """
    try:
        document = await access.request("GET", url)
        return read_pact(document)
    except ClientError as error:
        raise SourceError(f"The pact at {url} could not be fetched: {error}") from error
    except (PactError, msgspec.ValidationError) as error:
        raise SourceError(f"The document at {url} is not a pact: {error}") from error


async def load_url(source: PactUrl, timeout: float) -> LoadedPact:
    """The pact at a URL, fetched with the source's credentials."""
    access = BrokerAccess(
        source.url,
        token=source.token,
        username=source.username,
        password=source.password,
        timeout=timeout,
    )
    try:
        pact = await fetch_pact(access, source.url)
    except BaseException:
        await access.aclose()
        raise
    return LoadedPact(pact=pact, source=source.url, broker=access)


async def load_broker(source: BrokerSource, provider: str, timeout: float) -> list[LoadedPact]:
    """The pacts the broker selects for `provider`, each fetched.

    Raises:
        SourceError: When the broker refused or could not be reached.
    """
    access = source.access(timeout)
    try:
        return await _fetch_selected(access, source, provider)
    except BaseException:
        await access.aclose()
        raise


async def _fetch_selected(
    access: BrokerAccess, source: BrokerSource, provider: str
) -> list[LoadedPact]:
    try:
        selected = await access.pacts_for_verification(
            provider,
            selectors=source.selectors,
            include_pending=source.enable_pending,
            include_wip_pacts_since=source.include_wip_pacts_since,
            provider_version_branch=source.provider_version_branch,
            provider_version_tags=source.provider_version_tags,
        )
    except ClientError as error:
        message = f"The pacts for verification of {provider!r} could not be fetched: {error}"
        raise SourceError(message) from error
    loaded = []
    for entry in selected:
        pact = await fetch_pact(access, entry.url)
        loaded.append(
            LoadedPact(
                pact=pact,
                source=entry.url,
                short_description=entry.short_description or None,
                is_pending=entry.is_pending,
                is_wip=entry.is_wip,
                notices=entry.notices,
                broker=access,
            )
        )
    return loaded
