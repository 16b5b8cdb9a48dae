"""Request bodies: content type, size, UTF-8 and JSON checked before a handler sees them."""

from __future__ import annotations

import re
from typing import TypeVar

import msgspec
from litestar.exceptions import HTTPException

from broker.domain.errors import FieldError, InvalidInputError, nul_refused
from broker.http.hal import AnyRequest

T = TypeVar("T")

_JSON_TYPES = re.compile(r"^application/([\w.+-]+\+)?json$|^application/merge-patch\+json$")
# msgspec ends a validation message with "- at `$.a.b[0]`".
_AT = re.compile(r"^(?P<detail>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)


class UnsupportedMediaTypeError(HTTPException):
    """The body is not JSON."""

    status_code = 415


def pointer_of(path: str) -> str:
    """Msgspec's `.a.b[0]` as the JSON pointer `/a/b/0`."""
    parts = re.findall(r"\.([^.\[]+)|\[(\d+)\]", path)
    return "".join(
        "/" + (name or index).replace("~", "~0").replace("/", "~1") for name, index in parts
    )


def field_error(error: msgspec.ValidationError) -> FieldError:
    """A msgspec validation error as a field error."""
    match = _AT.match(str(error))
    assert match is not None  # the pattern matches any text
    path = match.group("path") or ""
    detail = match.group("detail")
    missing = re.match(r"Object missing required field `(?P<field>[^`]+)`", detail)
    if missing:
        return FieldError(f"{pointer_of(path)}/{missing.group('field')}", "is required")
    return FieldError(pointer_of(path), detail[0].lower() + detail[1:] if detail else "is invalid")


async def json_body(request: AnyRequest) -> bytes:
    """The raw body, refused unless it is declared as JSON; b"" when there is none.

    Raises:
        UnsupportedMediaTypeError: a body that is not declared as JSON.
    """
    body = await request.body()
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not body.strip():
        return b""
    if not _JSON_TYPES.match(content_type):
        raise UnsupportedMediaTypeError(
            detail="The body must be JSON (Content-Type: application/json), "
            f"not {content_type or 'untyped'}"
        )
    if _escapes_nul(body):
        raise nul_refused()
    return body


def _escapes_nul(body: bytes) -> bool:
    r"""Whether JSON text holds `\u0000` (after an escaped backslash, `\\u0000`, it does not).

    Each match looks back over its own run of backslashes only: linear in the body.
    """
    at = body.find(b"\\u0000")
    while at >= 0:
        start = at
        while start > 0 and body[start - 1] == ord("\\"):
            start -= 1
        if (at - start) % 2 == 0:
            return True
        at = body.find(b"\\u0000", at + 1)
    return False


async def read_json(request: AnyRequest, kind: type[T]) -> T:
    """Decode the body into `kind`; an empty body counts as `{}`.

    Raises:
        UnsupportedMediaTypeError: the body is not declared as JSON.
        InvalidInputError: malformed JSON, invalid UTF-8, or a field of the wrong type.
    """
    body = await json_body(request) or b"{}"
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidInputError(
            "The body is not valid UTF-8", [FieldError("", f"invalid UTF-8 at byte {error.start}")]
        ) from error
    try:
        return msgspec.json.decode(body, type=kind)
    except msgspec.ValidationError as error:
        raise InvalidInputError("The body has invalid fields", [field_error(error)]) from error
    except msgspec.DecodeError as error:
        raise InvalidInputError(
            "The body is not valid JSON", [FieldError("", f"malformed JSON: {error}")]
        ) from error
    except RecursionError:
        # msgspec stops where Python's recursion limit would: far deeper than any real body.
        raise InvalidInputError(
            "The body nests too deeply", [FieldError("", "nests too deeply to be read")]
        ) from None
