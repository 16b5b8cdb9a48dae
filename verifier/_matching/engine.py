"""The JSON walk: compare an expected value with an actual one under matching rules.

Pure: values and rules in, a list of `Mismatch` out. Without rules, objects compare key by key
(unexpected keys are allowed only in responses and messages), arrays item by item with equal
lengths, and everything else by equality. A rule that reaches a value decides it; type-like
rules on an array compare every actual item with the first example, so one example stands for
any number of items.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from verifier._matching import paths, rules, ruleset
from verifier._matching.mismatch import Mismatch, MismatchKind
from verifier._matching.paths import Segment
from verifier._matching.ruleset import Category, RuleList, Selected
from verifier._matching.values import JSONObject, JSONValue, kind_of, render, same_value

_PADDED = rules.TYPE_LIKE | {"notEmpty", "values", "eachValue"}


class Walk(msgspec.Struct, frozen=True, kw_only=True):
    """What stays the same during one walk.

    Attributes:
        rules: The category's rules: path expression -> rule list.
        allow_unexpected_keys: True for responses and messages (Postel's law), False for
            requests, as every Pact specification version says.
        root: How paths start in mismatches (`$.body`, `$.metadata`).
        kind: The kind the walk's mismatches get.
    """

    rules: Category
    allow_unexpected_keys: bool
    root: str = "$.body"
    kind: MismatchKind = "body"


def mismatch(
    walk: Walk, path: Sequence[Segment], expected: object, actual: object, description: str
) -> Mismatch:
    """A mismatch at `path` whose description starts with the path."""
    where = paths.render(path, root=walk.root)
    return Mismatch(
        kind=walk.kind,
        path=where,
        expected=_jsonable(expected),
        actual=_jsonable(actual),
        description=f"{where}: {description}",
    )


def _jsonable(value: object) -> JSONValue:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if value is None or isinstance(value, str | int | float | bool | list | dict):
        return value
    return str(value)


def failed(
    walk: Walk, path: Sequence[Segment], expected: object, actual: object, phrase: str
) -> Mismatch:
    """A mismatch for a value that failed a rule or an equality: "expected X but got Y"."""
    return mismatch(walk, path, expected, actual, f"expected {phrase} but got {render(actual)}")


def compare(
    walk: Walk,
    expected: JSONValue,
    actual: JSONValue,
    path: tuple[Segment, ...] = (),
    override: RuleList | None = None,
) -> list[Mismatch]:
    """Compare two JSON values at `path`.

    Args:
        walk: Rules and settings of this walk.
        expected: The example from the pact.
        actual: What came.
        path: Where the values are, below the root.
        override: Rules that replace the lookup (the inner rules of `eachValue`).

    Returns:
        The mismatches found, empty when the values match.
    """
    selected = (
        Selected(rules=override, expression="", is_exact=True)
        if override is not None
        else _inherited(ruleset.select(walk.rules, path))
    )
    if selected is not None:
        failure = rules.apply(selected.rules, expected, actual, is_exact=selected.is_exact)
        if failure is not None:
            return [failed(walk, path, expected, actual, failure)]
    if isinstance(expected, dict) and isinstance(actual, dict):
        return _compare_objects(walk, expected, actual, path, selected)
    if isinstance(expected, list) and isinstance(actual, list):
        return _compare_arrays(walk, expected, actual, path, selected)
    # A rule that passed decides a scalar; without one, scalars must be equal.
    return [] if selected is not None else _compare_scalars(walk, expected, actual, path)


def _inherited(selected: Selected | None) -> Selected | None:
    """The rules a value gets from a parent's rule.

    Collection matchers stay with the collection they name, except `values`, whose entries
    are like the example by type.
    """
    if selected is None or selected.is_exact:
        return selected
    kept: list[JSONObject] = []
    for matcher in selected.rules.matchers:
        name = rules.name_of(matcher)
        if name == "values":
            kept.append({"match": "type"})
        elif name not in rules.COLLECTION:
            kept.append(matcher)
    if not kept:
        return None
    return Selected(
        rules=RuleList(matchers=tuple(kept), combine=selected.rules.combine),
        expression=selected.expression,
        is_exact=False,
    )


def _compare_scalars(
    walk: Walk, expected: JSONValue, actual: JSONValue, path: tuple[Segment, ...]
) -> list[Mismatch]:
    """Without rules, values other than two objects or two arrays must be equal."""
    if same_value(expected, actual):
        return []
    if kind_of(expected) == kind_of(actual):
        return [failed(walk, path, expected, actual, render(expected))]
    description = (
        f"expected a {kind_of(expected)} ({render(expected)}) "
        f"but got a {kind_of(actual)} ({render(actual)})"
    )
    return [mismatch(walk, path, expected, actual, description)]


def _names(selected: Selected | None) -> set[str]:
    if selected is None:
        return set()
    return {rules.name_of(matcher) for matcher in selected.rules.matchers}


def _matcher(selected: Selected | None, name: str) -> JSONObject | None:
    if selected is None or not selected.is_exact:
        return None
    for matcher in selected.rules.matchers:
        if rules.name_of(matcher) == name:
            return matcher
    return None


def _inner_rules(matcher: JSONObject | None) -> RuleList | None:
    if matcher is None:
        return None
    listed = matcher.get("rules")
    found = (
        tuple(item for item in listed if isinstance(item, dict)) if isinstance(listed, list) else ()
    )
    return RuleList(matchers=found) if found else None


def _compare_arrays(
    walk: Walk,
    expected: list[JSONValue],
    actual: list[JSONValue],
    path: tuple[Segment, ...],
    selected: Selected | None,
) -> list[Mismatch]:
    contains = _matcher(selected, "arrayContains")
    if contains is not None:
        return _array_contains(walk, contains, expected, actual, path)
    found: list[Mismatch] = []
    if _names(selected) & _PADDED:
        if not expected:
            return []
        override = _inner_rules(_matcher(selected, "eachValue"))
        for index, item in enumerate(actual):
            example = expected[index] if index < len(expected) else expected[0]
            found += compare(walk, example, item, (*path, index), override)
        return found
    for index, item in enumerate(actual[: len(expected)]):
        found += compare(walk, expected[index], item, (*path, index))
    for index in range(len(actual), len(expected)):
        found.append(
            mismatch(
                walk,
                (*path, index),
                expected[index],
                None,
                f"expected {render(expected[index])} but the array has only {len(actual)} item(s)",
            )
        )
    for index in range(len(expected), len(actual)):
        found.append(
            mismatch(
                walk,
                (*path, index),
                None,
                actual[index],
                f"expected an array of {len(expected)} item(s) but got the unexpected item "
                f"{render(actual[index])}",
            )
        )
    return found


def _array_contains(
    walk: Walk,
    matcher: JSONObject,
    expected: list[JSONValue],
    actual: list[JSONValue],
    path: tuple[Segment, ...],
) -> list[Mismatch]:
    """`arrayContains`: each variant matches some item, in any order (V4)."""
    found: list[Mismatch] = []
    variants = matcher.get("variants")
    for number, variant in enumerate(variants if isinstance(variants, list) else []):
        if not isinstance(variant, dict):
            continue
        index = variant.get("index", number)
        if not isinstance(index, int) or not 0 <= index < len(expected):
            continue
        inner = Walk(
            rules=ruleset.sub_category(variant.get("rules")),
            allow_unexpected_keys=walk.allow_unexpected_keys,
            root=paths.render(path, root=walk.root) + "[*]",
            kind=walk.kind,
        )
        if not any(not compare(inner, expected[index], item) for item in actual):
            found.append(
                failed(
                    walk,
                    path,
                    expected[index],
                    actual,
                    f"an array containing an item like {render(expected[index])} "
                    f"(variant {number})",
                )
            )
    return found


def _compare_objects(
    walk: Walk,
    expected: JSONObject,
    actual: JSONObject,
    path: tuple[Segment, ...],
    selected: Selected | None,
) -> list[Mismatch]:
    names = _names(selected) if selected is not None and selected.is_exact else set()
    if names & {"values", "eachKey", "eachValue"}:
        return _compare_entries(walk, expected, actual, path, selected)
    found: list[Mismatch] = []
    for key, example in expected.items():
        if key in actual:
            found += compare(walk, example, actual[key], (*path, key))
        else:
            found.append(
                mismatch(
                    walk,
                    (*path, key),
                    example,
                    None,
                    f"expected {render(example)} but the key {key!r} was missing",
                )
            )
    if walk.allow_unexpected_keys:
        return found
    # In a request, a key the pact does not name is a mismatch, unless a wildcard rule
    # (`$.person.*`) names it: then it must be like the pact's first value.
    first = next(iter(expected.values()), None)
    for key in actual.keys() - expected.keys():
        child = (*path, key)
        wildcard = ruleset.select(walk.rules, child)
        if (
            wildcard is not None
            and wildcard.is_exact
            and paths.ends_in_wildcard(wildcard.expression)
        ):
            found += compare(walk, first, actual[key], child)
        else:
            found.append(
                mismatch(
                    walk,
                    child,
                    None,
                    actual[key],
                    f"expected no key {key!r} but got {render(actual[key])}",
                )
            )
    return found


def _compare_entries(
    walk: Walk,
    expected: JSONObject,
    actual: JSONObject,
    path: tuple[Segment, ...],
    selected: Selected | None,
) -> list[Mismatch]:
    """`values`, `eachKey`, `eachValue`: keys are free; each value is like an example."""
    found: list[Mismatch] = []
    key_rules = _inner_rules(_matcher(selected, "eachKey"))
    value_rules = _inner_rules(_matcher(selected, "eachValue"))
    first = next(iter(expected.values()), None)
    for key, value in actual.items():
        child = (*path, key)
        if key_rules is not None:
            failure = rules.apply(key_rules, key, key, is_text=True)
            if failure is not None:
                found.append(
                    mismatch(
                        walk, child, None, key, f"expected a key that is {failure} but got {key!r}"
                    )
                )
        if key in expected or value_rules is not None or "values" in _names(selected):
            found += compare(walk, expected.get(key, first), value, child, value_rules)
    return found
