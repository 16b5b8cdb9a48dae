"""Finding the operation a pact's method and path call: a tree of path segments per method.

Templates are indexed once per spec. A request path is walked segment by segment, a literal
segment before a templated one, backtracking when a branch leads nowhere, as the router behind
openapi-pact-comparator does. Matching is case-sensitive unless the spec asks otherwise, and a
path that is not valid percent-encoding matches nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from verifier._regex import Dialect, Regex, RegexError, compile_regex, escape
from verifier.comparison.errors import SpecError

_TEMPLATE = re.compile(r"\{([.;]?)([^}*]+?)\*?\}")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation of the spec, with what the checks need already looked up."""

    method: str
    path: str
    operation: dict[str, Any]
    parameters: list[dict[str, Any]]
    consumes: list[str] | None
    produces: list[str] | None
    security: list[Any] | None


@dataclass(slots=True)
class _Node:
    literals: dict[str, _Node] = field(default_factory=dict)
    patterns: list[tuple[Regex, list[str], _Node]] = field(default_factory=list)
    operation: Operation | None = None


def parameter_key(name: str) -> str:
    """How a path parameter's name is keyed once matched (the router drops hyphens)."""
    return name.replace("-", "")


def _segment_pattern(segment: str, *, case_sensitive: bool) -> tuple[Regex, list[str]]:
    """A segment's template as a pattern with a group per parameter.

    RE2 runs it: a segment such as `{a}{b}{c}{d}x` is `(.+)(.+)(.+)(.+)x`, which a backtracking
    engine tries in n^4 ways on a long path segment without the `x`.
    """
    names: list[str] = []
    pattern, position = "", 0
    for found in _TEMPLATE.finditer(segment):
        pattern += escape(segment[position : found.start()]) + escape(found.group(1))
        names.append(parameter_key(found.group(2)))
        pattern += "(.+)"
        position = found.end()
    pattern += escape(segment[position:])
    return compile_regex(pattern if case_sensitive else f"(?i){pattern}", Dialect.RE2), names


class Router:
    """The spec's operations, indexed by method and path template."""

    def __init__(self, *, case_sensitive: bool = True) -> None:
        self._case_sensitive = case_sensitive
        self._roots: dict[str, _Node] = {}

    def add(self, template: str, operation: Operation) -> None:
        """Index `operation` under its HTTP method and the full path `template`.

        Raises:
            SpecError: When a segment of the template is too long to match.
        """
        node = self._roots.setdefault(operation.method.upper(), _Node())
        for segment in template.split("/")[1:]:
            if "{" not in segment:
                key = segment if self._case_sensitive else segment.lower()
                node = node.literals.setdefault(key, _Node())
                continue
            try:
                pattern, names = _segment_pattern(segment, case_sensitive=self._case_sensitive)
            except RegexError as error:
                message = f"The path {template!r} cannot be routed: its segment {error.reason}."
                raise SpecError(message) from error
            for known, _, child in node.patterns:
                if known.pattern == pattern.pattern:
                    node = child
                    break
            else:
                child = _Node()
                node.patterns.append((pattern, names, child))
                node = child
        if node.operation is None:
            node.operation = operation

    def find(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        """The operation `method path` calls and its path parameters, or None."""
        root = self._roots.get(method.upper())
        if root is None or _BAD_ESCAPE.search(path):
            return None
        segments = path.split("/")[1:]
        return self._walk(root, segments, 0, {})

    def _walk(
        self, node: _Node, segments: list[str], depth: int, params: dict[str, str]
    ) -> tuple[Operation, dict[str, str]] | None:
        if depth == len(segments):
            return (node.operation, params) if node.operation else None
        raw = segments[depth]
        decoded = unquote(raw)
        literal = node.literals.get(decoded if self._case_sensitive else decoded.lower())
        if literal is not None:
            found = self._walk(literal, segments, depth + 1, params)
            if found:
                return found
        for pattern, names, child in node.patterns:
            groups = pattern.first_groups(raw, whole=True)
            if groups is not None and all(groups):
                values = {
                    name: unquote(value or "") for name, value in zip(names, groups, strict=True)
                }
                found = self._walk(child, segments, depth + 1, {**params, **values})
                if found:
                    return found
        return None
