"""Matching-rule path expressions (`$.a.*`, `$.items[*].id`, `$['key with dots']`) and weights.

A rule applies to a value when its expression matches the value's path or a prefix of it, so a
rule on an array reaches its elements. When several rules apply, the most specific wins, as the
V3 specification says: each token scores 2 when it names the exact key or index and 1 when it is
a wildcard, the scores multiply, and ties go to the longer expression.
See https://github.com/pact-foundation/pact-specification/tree/version-3#matchers
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import TypeAlias

from verifier._errors import VerifierError

Segment: TypeAlias = str | int
"""One step of a concrete path: an object key (or XML name) or an array index."""

Token: TypeAlias = tuple[str, str | int]
"""One step of an expression: ("root", ""), ("field", name), ("index", n), ("star", ""),
or ("star-index", "")."""

_INDEX = re.compile(r"\[\s*(\d+)\s*\]")
_STAR_INDEX = re.compile(r"\[\s*\*\s*\]")
_QUOTED = re.compile(r"""\[\s*(['"])(.*?)\1\s*\]""")
_NAME = re.compile(r"[^.\[\]]+")


class PathSyntaxError(VerifierError, ValueError):
    """A matching-rule path that cannot be read."""


@functools.lru_cache(maxsize=4096)
def parse(expression: str) -> tuple[Token, ...]:
    """Read a rule path expression into tokens.

    Args:
        expression: For example `$.animals[*].name` or `$['two']['@str']`.

    Returns:
        The tokens, starting with the root.

    Raises:
        PathSyntaxError: When the expression is not a path.
    """
    text = expression.strip()
    if not text.startswith("$"):
        raise PathSyntaxError(f"a matching rule path starts with '$', not {expression!r}")
    tokens: list[Token] = [("root", "")]
    position = 1
    while position < len(text):
        if text[position] == ".":
            found = _NAME.match(text, position + 1)
            if found is None:
                raise PathSyntaxError(f"no name after '.' at {position} in {expression!r}")
            name = found.group()
            tokens.append(("star", "") if name == "*" else ("field", name))
            position = found.end()
            continue
        for pattern, kind in ((_INDEX, "index"), (_STAR_INDEX, "star-index"), (_QUOTED, "field")):
            found = pattern.match(text, position)
            if found is None:
                continue
            if kind == "index":
                tokens.append(("index", int(found.group(1))))
            elif kind == "star-index":
                tokens.append(("star-index", ""))
            else:
                tokens.append(("field", found.group(2)))
            position = found.end()
            break
        else:
            raise PathSyntaxError(f"unexpected {text[position]!r} at {position} in {expression!r}")
    return tuple(tokens)


def _token_weight(token: Token, segment: Segment) -> int:
    kind, value = token
    if kind == "star":
        return 1
    if kind == "star-index":
        return 1 if isinstance(segment, int) else 0
    if kind == "index":
        return 2 if segment == value else 0
    # A field token also names an index when it is a number (`$.animals.0`), as in V2 pacts.
    return 2 if str(segment) == value else 0


def weight(expression: str, path: Sequence[Segment]) -> tuple[int, int]:
    """Score how specifically `expression` matches `path` (without its root); (0, n) if not.

    Args:
        expression: The rule's path expression.
        path: The concrete path below the root, as keys and indexes.

    Returns:
        (weight, number of tokens): compare tuples to pick the most specific rule.
    """
    try:
        tokens = parse(expression)
    except PathSyntaxError:
        return (0, 0)
    steps = tokens[1:]
    if len(steps) > len(path):
        return (0, len(tokens))
    score = 2
    for token, segment in zip(steps, path, strict=False):
        score *= _token_weight(token, segment)
        if score == 0:
            break
    return (score, len(tokens))


def is_exact(expression: str, path: Sequence[Segment]) -> bool:
    """Whether `expression` matches the whole of `path`, not only a prefix of it."""
    try:
        return len(parse(expression)) - 1 == len(path)
    except PathSyntaxError:
        return False


def weight_skipping_indexes(expression: str, path: Sequence[Segment]) -> tuple[int, int, bool]:
    """`weight` for a path whose indexes an expression may name or leave out (XML bodies).

    An XML element's path carries its position among same-named siblings
    (`$.root.item[2]['@id']`), but pacts name repeated elements both ways: pact_ffi and
    pact-jvm write `$.root.item['@id']`, the V2 specification's cases and pact_matching's
    planner `$.root.item[*]['@id']`. Each index of `path` is matched by a step of the
    expression or skipped; the best-scoring way counts.

    Returns:
        (weight, number of tokens, whether the expression names the whole path, skipped
        trailing indexes aside).
    """
    try:
        steps = parse(expression)[1:]
    except PathSyntaxError:
        return (0, 0, False)
    # Past the last name, only indexes remain: an expression that gets there names the path.
    last_name = max(
        (at for at, segment in enumerate(path) if not isinstance(segment, int)), default=-1
    )
    memo: dict[tuple[int, int], tuple[int, bool]] = {}

    def best(i: int, j: int) -> tuple[int, bool]:
        """The highest score of steps[i:] against path[j:], and whether it is exact."""
        if i == len(steps):
            return (1, j > last_name)
        if j == len(path):
            return (0, False)
        if (i, j) not in memo:
            factor = _token_weight(steps[i], path[j])
            found = (0, False)
            if factor:
                taken = best(i + 1, j + 1)
                found = (factor * taken[0], taken[1]) if taken[0] else (0, False)
            if isinstance(path[j], int):
                found = max(found, best(i, j + 1))
            memo[(i, j)] = found
        return memo[(i, j)]

    score, exact = best(0, 0)
    return (2 * score, len(steps) + 1, exact and score > 0)


def ends_in_wildcard(expression: str) -> bool:
    """Whether the expression's last step is `*` or `[*]`."""
    try:
        return parse(expression)[-1][0] in {"star", "star-index"}
    except PathSyntaxError:
        return False


_PLAIN = re.compile(r"[A-Za-z_][\w-]*")


def render(path: Sequence[Segment], root: str = "$") -> str:
    """Write a concrete path for people: `$.body.items[2]['key with dots']`."""
    parts = [root]
    for segment in path:
        if isinstance(segment, int):
            parts.append(f"[{segment}]")
        elif _PLAIN.fullmatch(segment):
            parts.append(f".{segment}")
        else:
            escaped = segment.replace("'", "\\'")
            parts.append(f"['{escaped}']")
    return "".join(parts)
