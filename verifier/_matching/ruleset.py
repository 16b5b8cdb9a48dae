"""Matching rules of V2, V3 and V4 pacts, read into one shape and looked up by path.

V2 keys every rule by a path that includes the part (`"$.body.name"`, `"$.headers.Accept"`,
`"$.query.q"`, `"$.path"`); V3 and V4 group rules by category (`body`, `header`, `query`,
`path`, `status`, `metadata`) with a list of matchers and a `combine` of AND or OR. V1 and V1.1
have no matching rules at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal, TypeAlias

import msgspec

from verifier._matching import paths
from verifier._matching.paths import Segment
from verifier._matching.values import JSONObject, JSONValue

Combine: TypeAlias = Literal["AND", "OR"]

# Category names as pact files write them -> the name used here.
_CATEGORY_ALIASES = {
    "body": "body",
    "content": "body",
    "contents": "body",
    "header": "header",
    "headers": "header",
    "query": "query",
    "path": "path",
    "status": "status",
    "metadata": "metadata",
}


class RuleList(msgspec.Struct, frozen=True, kw_only=True):
    """The matchers one path expression carries, and how their verdicts combine."""

    matchers: tuple[JSONObject, ...]
    combine: Combine = "AND"


class Selected(msgspec.Struct, frozen=True, kw_only=True):
    """The rule list that wins for a path, and whether its expression names that exact path."""

    rules: RuleList
    expression: str
    is_exact: bool


Category: TypeAlias = dict[str, RuleList]
"""Path expression (body) or name (header, query, metadata) -> its rules."""

NO_RULES: Category = {}


def _rule_list(raw: JSONValue) -> RuleList | None:
    if not isinstance(raw, dict):
        return None
    listed = raw.get("matchers")
    if isinstance(listed, list):
        matchers = tuple(item for item in listed if isinstance(item, dict))
        combine: Combine = "OR" if str(raw.get("combine", "AND")).upper() == "OR" else "AND"
        return RuleList(matchers=matchers, combine=combine) if matchers else None
    # A V2 rule is the matcher itself.
    return RuleList(matchers=(raw,))


def _v2_rules(raw: Mapping[str, JSONValue]) -> dict[str, Category]:
    categories: dict[str, Category] = {}
    for key, value in raw.items():
        rules = _rule_list(value)
        if rules is None:
            continue
        try:
            tokens = paths.parse(key)
        except paths.PathSyntaxError:
            continue
        if len(tokens) < 2 or tokens[1][0] != "field":  # noqa: PLR2004 - root and part
            continue
        part = _CATEGORY_ALIASES.get(str(tokens[1][1]))
        if part == "body":
            categories.setdefault("body", {})[_rebase(key)] = rules
        elif part in {"header", "query", "metadata"} and len(tokens) > 2:  # noqa: PLR2004
            categories.setdefault(part, {})[str(tokens[2][1])] = rules
        elif part in {"path", "status"}:
            categories.setdefault(part, {})[""] = rules
    return categories


def _rebase(expression: str) -> str:
    """`$.body.a[0]` -> `$.a[0]`: V2 body rules without the part's name."""
    rest = expression.strip()[1:].lstrip()
    for prefix in (".body", "['body']", '["body"]'):
        if rest.startswith(prefix):
            return "$" + rest[len(prefix) :]
    return expression


def read(part: Mapping[str, JSONValue], spec: str) -> dict[str, Category]:
    """The matching rules of a request, response or message, by category.

    Args:
        part: The interaction part, with its optional `matchingRules`.
        spec: The specification version ("1" to "4").

    Returns:
        Category name (body, header, query, path, status, metadata) -> rules.
    """
    raw = part.get("matchingRules")
    if spec in {"1", "1.1"} or not isinstance(raw, dict) or not raw:
        return {}
    if any(key.startswith("$") for key in raw):
        return _v2_rules(raw)
    categories: dict[str, Category] = {}
    for name, entries in raw.items():
        category = _CATEGORY_ALIASES.get(name)
        if category is None or not isinstance(entries, dict):
            continue
        if "matchers" in entries:  # `path` and `status` hold one rule list directly
            rules = _rule_list(entries)
            if rules is not None:
                categories.setdefault(category, {})[""] = rules
            continue
        for key, value in entries.items():
            rules = _rule_list(value)
            if rules is not None:
                categories.setdefault(category, {})[key] = rules
    return categories


def select(
    category: Category, path: Sequence[Segment], *, indexes_optional: bool = False
) -> Selected | None:
    """The most specific body rule for a concrete path, or None when no rule reaches it.

    With `indexes_optional` (XML bodies), an expression may name or leave out each index of
    the path: see `paths.weight_skipping_indexes`.
    """
    best: tuple[tuple[int, int], str, bool] | None = None
    for expression in category:
        if indexes_optional:
            weight, count, exact = paths.weight_skipping_indexes(expression, path)
            score = (weight, count)
        else:
            score = paths.weight(expression, path)
            exact = False
        if score[0] > 0 and (best is None or score > best[0]):
            best = (score, expression, exact)
    if best is None:
        return None
    _, expression, exact = best
    return Selected(
        rules=category[expression],
        expression=expression,
        is_exact=exact if indexes_optional else paths.is_exact(expression, path),
    )


def for_name(category: Category, name: str, *, ignore_case: bool = False) -> RuleList | None:
    """The rules of a header, query parameter or metadata key (also keyed as `$.name`)."""
    wanted = name.lower() if ignore_case else name
    for key, rules in category.items():
        candidates = {key}
        if key.startswith("$"):
            try:
                tokens = paths.parse(key)
            except paths.PathSyntaxError:
                continue
            candidates = {str(tokens[-1][1])} if len(tokens) == 2 else set()  # noqa: PLR2004
        if any((item.lower() if ignore_case else item) == wanted for item in candidates):
            return rules
    return None


def sub_category(raw: JSONValue) -> Category:
    """Rules nested in a matcher (the variants of arrayContains): expression -> rules."""
    if not isinstance(raw, dict):
        return {}
    found: Category = {}
    for key, value in raw.items():
        rules = _rule_list(value)
        if rules is not None:
            found[key] = rules
    return found
