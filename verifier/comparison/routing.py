"""Finding the operation a pact's method and path call: a tree of path segments per method.

Templates are indexed once per spec. A request path is walked segment by segment, a literal
segment before a templated one, backtracking when a branch leads nowhere, as the router behind
openapi-pact-comparator (find-my-way) does. Matching is case-sensitive unless the spec asks
otherwise, and a path that is not valid percent-encoding matches nothing.

A `*` (or `**`: runs of stars count as one) outside a `{parameter}` is a wildcard: it takes the
rest of the path, any number of segments, none included (`/files/**` matches `/files/`,
`/files/a` and `/files/a/b`, not `/files`), and may follow a literal prefix (`/files/v*`).
find-my-way tries a node's literal text before its parameters and a wildcard last, so a
wildcard after a literal prefix wins over a parameter with a shorter one. A star after a
parameter in its segment is literal text (`/a/{b}*` matches `/a/x*`). A wildcard must end the
template: openapi-pact-comparator refuses a spec with one anywhere else, and here such a
template matches no path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from verifier._errors import SpecError
from verifier._regex import Dialect, Regex, RegexError, compile_regex, escape

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
    # Templated segments and wildcards, in the order find-my-way tries them: the longer their
    # literal prefix in the segment, the sooner; at equal prefixes a parameter before a wildcard.
    branches: list[_Branch] = field(default_factory=list)
    operation: Operation | None = None


@dataclass(frozen=True, slots=True)
class _Branch:
    prefix: str
    pattern: tuple[Regex, list[str], _Node] | None = None
    wildcard: Operation | None = None

    @property
    def rank(self) -> tuple[int, bool]:
        return (-len(self.prefix), self.wildcard is not None)


_STARS = re.compile(r"\*+")
_SLASHES = re.compile(r"//+")


def _wildcard_at(segment: str) -> int | None:
    """Where a wildcard star stands in a segment: outside a parameter and before any."""
    star = segment.find("*")
    brace = segment.find("{")
    if star == -1 or (brace != -1 and brace < star):
        return None
    return star


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

    def __init__(
        self,
        *,
        case_sensitive: bool = True,
        ignore_trailing_slash: bool = False,
        ignore_duplicate_slashes: bool = False,
        literal_percent: bool = False,
    ) -> None:
        """A router with openapi-pact-comparator's options (`x-opc-config-*` in the spec's info).

        Args:
            case_sensitive: Literal text must match case (`case-insensitive` turns it off).
            ignore_trailing_slash: `/pets/` and `/pets` are one path, in templates and requests.
            ignore_duplicate_slashes: `//` counts as `/`, in templates and requests.
            literal_percent: A `%` in a request path is itself, not an escape
                (`no-percent-encoding`).
        """
        self._case_sensitive = case_sensitive
        self._ignore_trailing_slash = ignore_trailing_slash
        self._ignore_duplicate_slashes = ignore_duplicate_slashes
        self._literal_percent = literal_percent
        self._roots: dict[str, _Node] = {}

    def _normalised(self, path: str) -> str:
        if self._ignore_duplicate_slashes:
            path = _SLASHES.sub("/", path)
        if self._ignore_trailing_slash and len(path) > 1 and path.endswith("/"):
            path = path[:-1]
        return path

    def add(self, template: str, operation: Operation) -> None:
        """Index `operation` under its HTTP method and the full path `template`.

        Raises:
            SpecError: When a segment of the template is too long to match.
        """
        segments = self._normalised(_STARS.sub("*", template)).split("/")[1:]
        wildcards = [_wildcard_at(segment) for segment in segments]
        if any(at is not None for at in wildcards[:-1]) or (
            wildcards and wildcards[-1] not in {None, len(segments[-1]) - 1}
        ):
            return  # a wildcard before the end: find-my-way refuses the route
        node = self._roots.setdefault(operation.method.upper(), _Node())
        for segment, star in zip(segments, wildcards, strict=True):
            if star is not None:
                prefix = segment[:star] if self._case_sensitive else segment[:star].lower()
                if not any(b.wildcard and b.prefix == prefix for b in node.branches):
                    self._branch(node, _Branch(prefix=prefix, wildcard=operation))
                return
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
                self._branch(
                    node,
                    _Branch(prefix=segment[: segment.find("{")], pattern=(pattern, names, child)),
                )
                node = child
        if node.operation is None:
            node.operation = operation

    @staticmethod
    def _branch(node: _Node, branch: _Branch) -> None:
        node.branches.append(branch)
        node.branches.sort(key=lambda known: known.rank)

    def find(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        """The operation `method path` calls and its path parameters, or None."""
        root = self._roots.get(method.upper())
        if self._literal_percent:
            path = path.replace("%", "%25")
        if root is None or _BAD_ESCAPE.search(path):
            return None
        segments = self._normalised(path).split("/")[1:]
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
        for branch in node.branches:
            if branch.wildcard is not None:
                seen = decoded if self._case_sensitive else decoded.lower()
                if seen.startswith(branch.prefix):
                    return (branch.wildcard, params)
                continue
            if branch.pattern is None:
                continue
            pattern, names, child = branch.pattern
            groups = pattern.first_groups(raw, whole=True)
            if groups is not None and all(groups):
                values = {
                    name: unquote(value or "") for name, value in zip(names, groups, strict=True)
                }
                found = self._walk(child, segments, depth + 1, {**params, **values})
                if found:
                    return found
        return None
