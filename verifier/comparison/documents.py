"""Reading JSON or YAML documents (specs and pacts) into plain Python values.

JSON goes through msgspec, which reads a 4 MB spec in a few hundredths of a second. Anything
else is YAML, read with libyaml when it is there. YAML 1.1 would turn unquoted dates into
`datetime.date` objects, which neither JSON Schema nor JSON output expect, so our loader keeps
them as strings. A JSON document that is not strict JSON (a trailing comma, which the
swagger-mock-validator corpus has) is YAML too, and is read that way.

Every document is hostile until measured: YAML aliases share one node between many places, so
744 bytes can stand for billions of nodes once a walk or a comparison expands them. A document
is refused when, expanded, it holds more than `MAX_NODES` nodes or nests deeper than
`MAX_DEPTH` containers; measuring visits each distinct node once.
Plain scalars resolve by the YAML 1.2 core schema, as js-yaml (openapi-pact-comparator) and
Go's yaml.v3 (oasdiff) read them, not by PyYAML's YAML 1.1 rules: `on`, `off`, `yes` and `no`
stay strings (a property named `on`, `enum: [yes, no]`), `017` is seventeen, `0o17` fifteen,
`1e5` a number, and `12:30` or `1_000` strings.
"""

from __future__ import annotations

import re
import sys
from typing import Any

import msgspec
import yaml

from verifier._errors import VerifierError

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]  # chosen at import time
    """A safe YAML loader that leaves timestamps as strings."""


_YAML_11_ONLY = {
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
}
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _YAML_11_ONLY]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
# https://yaml.org/spec/1.2.2/#1032-tag-resolution (the core schema)
_CORE_SCALARS = (
    ("tag:yaml.org,2002:bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
    ("tag:yaml.org,2002:int", r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
        "-+.0123456789",
    ),
)
for _tag, _pattern, _first in _CORE_SCALARS:
    _Loader.add_implicit_resolver(_tag, re.compile(f"^(?:{_pattern})$"), list(_first))


def _construct_int(loader: Any, node: Any) -> int:
    text = str(loader.construct_scalar(node))
    try:
        if text.startswith("0o"):
            return int(text[2:], 8)
        return int(text, 16) if text.startswith("0x") else int(text)
    except ValueError:  # an explicit `!!int` in a YAML 1.1 form (0b1, 1_000, 1:30)
        return int(yaml.SafeLoader.construct_yaml_int(loader, node))


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)


# A 5 MB OpenAPI document (Stripe's) holds about 80,000 nodes; a million leaves room for far
# larger ones while keeping every walk of the expanded document under a few seconds.
MAX_NODES = 1_000_000
# Real schemas and pact bodies nest a few dozen levels; the recursive walks (copying, schema
# preparation, validation) need a few frames a level and Python allows 1,000.
MAX_DEPTH = 128


class DocumentError(VerifierError, ValueError):
    """The text is neither JSON nor YAML, or it is too large once expanded."""


def check_bounds(document: Any, *, max_nodes: int = MAX_NODES, max_depth: int = MAX_DEPTH) -> None:
    """Refuse a parsed document that expands to too many nodes or nests too deeply.

    A node shared through a YAML alias counts once per place it appears, as every walk meets
    it; each distinct node is measured once, so a bomb costs its size in bytes, not its
    expansion.

    Raises:
        DocumentError: the expanded document holds more than `max_nodes` nodes or nests
            deeper than `max_depth` containers.
    """
    sizes: dict[int, tuple[int, int]] = {}  # id -> (expanded nodes, depth) of a container
    on_path: set[int] = set()
    stack: list[tuple[Any, bool]] = [(document, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            total, deepest = 1, 0
            for child in _children(node):
                size, depth = sizes.get(id(child), (1, 0))
                total += size
                deepest = max(deepest, depth)
            if total > max_nodes:
                raise DocumentError(
                    f"it expands to more than {max_nodes:,} nodes (through YAML aliases or"
                    " sheer size)"
                )
            sizes[key] = (total, deepest + 1)
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise DocumentError("it contains itself (a recursive YAML alias)")
        if len(on_path) >= max_depth:
            raise DocumentError(f"it nests deeper than {max_depth} levels")
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if isinstance(child, dict | list))


def check_tree_bounds(
    document: Any, *, max_nodes: int = MAX_NODES, max_depth: int = MAX_DEPTH
) -> None:
    """`check_bounds` for a document just decoded from JSON, where no container is shared.

    Each container is met once, so it is walked level by level without remembering any:
    about four times faster than `check_bounds`, which the verifier feels on every pact and
    every response body. Given a shared node, it counts it once per place as `check_bounds`
    does; a cycle is refused as nesting too deeply.

    Raises:
        DocumentError: as `check_bounds` does.
    """
    nodes = 1
    level = [document] if isinstance(document, dict | list) else []
    depth = 0
    while level:
        depth += 1
        if depth > max_depth:
            raise DocumentError(f"it nests deeper than {max_depth} levels")
        below: list[Any] = []
        for node in level:
            children = node.values() if isinstance(node, dict) else node
            nodes += len(children)
            below += [child for child in children if isinstance(child, dict | list)]
        if nodes > max_nodes:
            raise DocumentError(
                f"it expands to more than {max_nodes:,} nodes (through YAML aliases or sheer size)"
            )
        level = below


def _children(node: Any) -> Any:
    if isinstance(node, dict):
        return node.values()
    return node if isinstance(node, list) else ()


def read_document(content: str | bytes) -> Any:
    """The JSON or YAML document in `content`.

    Raises:
        DocumentError: the content is not valid JSON or YAML (the message says where), or it
            is too large or too deep once expanded (`check_bounds`).
    """
    document = _parse(content.encode() if isinstance(content, str) else content)
    check_bounds(document)
    return document


def _parse(raw: bytes) -> Any:
    if raw.lstrip()[:1] in {b"{", b"["}:
        try:
            return msgspec.json.decode(raw)
        except msgspec.DecodeError:
            pass  # not strict JSON: YAML may still read it
        except RecursionError:
            raise DocumentError(f"it nests deeper than {MAX_DEPTH} levels") from None
    try:
        return yaml.load(raw, Loader=_Loader)  # noqa: S506  # _Loader is a SafeLoader
    except RecursionError:
        raise DocumentError(f"it nests deeper than {MAX_DEPTH} levels") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or "unreadable"
        raise DocumentError(f"it is neither JSON nor YAML ({problem}{where})") from error
    except UnicodeDecodeError as error:
        raise DocumentError("it is not UTF-8 text") from error
    except ValueError as error:
        # A YAML integer is built from its digits: past Python's limit that is a ValueError.
        if "digits" in str(error):
            limit = f"{sys.get_int_max_str_digits():,}"
            raise DocumentError(f"it holds a number of more than {limit} digits") from error
        raise DocumentError(f"it holds a value that cannot be read ({error})") from error
