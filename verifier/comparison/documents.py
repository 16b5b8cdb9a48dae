"""Reading JSON or YAML documents (specs and pacts) into plain Python values.

JSON goes through msgspec, which reads a 4 MB spec in a few hundredths of a second. Anything
else is YAML, read with libyaml when it is there. YAML 1.1 would turn unquoted dates into
`datetime.date` objects, which neither JSON Schema nor JSON output expect, so our loader keeps
them as strings. A JSON document that is not strict JSON (a trailing comma, which the
swagger-mock-validator corpus has) is YAML too, and is read that way.
"""

from __future__ import annotations

from typing import Any

import msgspec
import yaml

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]  # chosen at import time
    """A safe YAML loader that leaves timestamps as strings."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


class DocumentError(ValueError):
    """The text is neither JSON nor YAML."""


def read_document(content: str | bytes) -> Any:
    """The JSON or YAML document in `content`.

    Raises:
        DocumentError: the content is not valid JSON or YAML (the message says where).
    """
    raw = content.encode() if isinstance(content, str) else content
    if raw.lstrip()[:1] in {b"{", b"["}:
        try:
            return msgspec.json.decode(raw)
        except msgspec.DecodeError:
            pass  # not strict JSON: YAML may still read it
    try:
        return yaml.load(raw, Loader=_Loader)  # noqa: S506  # _Loader is a SafeLoader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or "unreadable"
        raise DocumentError(f"it is neither JSON nor YAML ({problem}{where})") from error
    except UnicodeDecodeError as error:
        raise DocumentError("it is not UTF-8 text") from error
