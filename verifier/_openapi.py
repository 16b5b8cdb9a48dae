"""Each replayed response checked against the provider's OpenAPI document too (openapi-core).

`OpenAPICheck` is a `ResponseCheck`: given to `Verifier(response_checks=[...])`, it validates
every response the provider gave (status, headers, content type, body schema) against the
operation of the request's method and path, and reports each problem as a `Finding` whose
`source` is `openapi`. The document comes from a file, from bytes, or from the provider
contract a provider version published to the broker
(`/provider-contracts/provider/{p}/version/{v}`, the document in its `content`). Only
references inside the document are followed: a `$ref` to a URL or file is refused, not fetched.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import httpx
import msgspec

from clients.sdk import ClientError
from clients.sdk._builder import RequestBuilder, unreachable
from verifier import _files
from verifier._errors import OpenAPIDocumentError
from verifier._files import UnreadableFileError
from verifier._matching.values import JSONObject, JSONValue
from verifier._pact import Interaction
from verifier._results import Finding
from verifier.comparison.documents import DocumentError, read_document

if TYPE_CHECKING:
    from verifier._openapi_validation import CompiledDocument


class OpenAPICheck:
    """Validates each replayed response against an OpenAPI 3.0 or 3.1 document.

    Args:
        document: The decoded OpenAPI document.
        origin: Where it came from (a file, a broker URL), for messages.

    Raises:
        OpenAPIDocumentError: When the document is not a valid OpenAPI document.
    """

    def __init__(self, document: JSONValue, *, origin: str = "the OpenAPI document") -> None:
        if not isinstance(document, dict):
            raise OpenAPIDocumentError(f"{origin} is not an OpenAPI document (not an object).")
        # openapi-core takes 0.4 s to import: only runs that check a document load it.
        from verifier import _openapi_validation as validation  # noqa: PLC0415

        self.origin = origin
        self._validation = validation
        try:
            self._compiled: CompiledDocument = validation.compile_document(document)
        except validation.OutsideReferenceError as error:
            raise OpenAPIDocumentError(f"{origin} {error}.") from error
        except validation.InvalidDocumentError as error:
            reason = f"{origin} is not a valid OpenAPI document: {error}"
            raise OpenAPIDocumentError(reason) from error

    @classmethod
    def from_bytes(cls, content: bytes | str, *, origin: str) -> OpenAPICheck:
        """The check of a JSON or YAML document's text.

        Raises:
            OpenAPIDocumentError: When it is neither JSON nor YAML, or not an OpenAPI document.
        """
        try:
            document = read_document(content)
        except DocumentError as error:
            raise OpenAPIDocumentError(f"{origin} cannot be read: {error}.") from error
        return cls(document, origin=origin)

    @classmethod
    def from_file(cls, path: str | Path) -> OpenAPICheck:
        """The check of the document in a JSON or YAML file.

        Raises:
            OpenAPIDocumentError: When the file cannot be read or is not an OpenAPI document.
        """
        try:
            content = _files.read_file(path, _files.MAX_DOCUMENT_BYTES)
        except UnreadableFileError as error:
            raise OpenAPIDocumentError(f"The OpenAPI file {error}.") from None
        return cls.from_bytes(content, origin=f"The OpenAPI file {path}")

    @classmethod
    def from_broker(
        cls,
        broker_url: str,
        provider: str,
        version: str,
        *,
        token: str | None = None,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
    ) -> OpenAPICheck:
        """The check of the provider contract `provider` version `version` published.

        Raises:
            OpenAPIDocumentError: When the broker has none, cannot be reached, or it is not OpenAPI.
        """
        builder = RequestBuilder(
            broker_url, token=token, username=username, password=password, timeout=timeout
        )
        href = f"/provider-contracts/provider/{quote(provider, safe='')}/version/"
        request = builder.request("GET", href + quote(version, safe=""))
        origin = f"The provider contract of {provider} version {version}"
        try:
            with httpx.Client() as client:
                try:
                    response = client.send(request)
                except httpx.TransportError as error:
                    raise unreachable(builder, error) from error
            builder.check(response)
            found: JSONValue = msgspec.json.decode(response.content)
        except (ClientError, msgspec.DecodeError) as error:
            raise OpenAPIDocumentError(f"{origin} could not be fetched: {error}") from error
        except RecursionError:
            raise OpenAPIDocumentError(f"{origin} nests too deeply to be read.") from None
        content = found.get("content") if isinstance(found, dict) else None
        if not isinstance(content, str):
            raise OpenAPIDocumentError(f"{origin} has no document in its content.")
        return cls.from_bytes(content, origin=origin)

    def __call__(
        self, interaction: Interaction, request: JSONObject, response: JSONObject
    ) -> list[Finding]:
        """The ways `response` (to `request`) differs from the document."""
        del interaction  # the operation is found from the request that was sent
        return self._validation.validate(self._compiled, request, response)
