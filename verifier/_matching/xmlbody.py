"""XML bodies: elements compare by namespace-qualified name, attributes, text and children.

Paths follow the Pact convention: `$.people.person['@name']` for an attribute and
`$.people.person['#text']` for text. A child's path also holds its position among the
children of its name (`$.people.person[1]['@name']`), which a rule may name, match with `[*]`
or leave out, so `$.people.person['@name']`, `$.people.person[*]['@name']` and
`$.people.*['@name']` each cover every `person`. Mismatches show the position only where
several children share the name. Children group by name and compare in order within a group,
so order across different names is free. Responses may carry unexpected attributes and
children.
"""

from __future__ import annotations

from xml.etree import ElementTree
from xml.parsers import expat

from verifier._errors import VerifierError
from verifier._matching import rules, ruleset
from verifier._matching.engine import Walk, failed, mismatch
from verifier._matching.mismatch import Mismatch
from verifier._matching.paths import Segment
from verifier._matching.ruleset import RuleList
from verifier._matching.values import JSONValue, render


class XMLBodyError(VerifierError, ValueError):
    """A body that is not well-formed XML, or that declares a DTD."""


def _refuse_doctype(*_: object) -> None:
    raise XMLBodyError("XML bodies may not declare a DTD")


def parse(text: str | bytes) -> ElementTree.Element:
    """Parse an XML body, refusing DTDs.

    Bodies come from the provider under test, so they are untrusted. The standard library is
    used rather than defusedxml (not a dependency of accord): a first expat pass rejects any
    DOCTYPE, which rules out entity expansion ("billion laughs") and external entities, the
    attacks defusedxml guards against; Python's expat does not fetch external DTDs anyway.

    Raises:
        XMLBodyError: When the body is not well-formed or declares a DTD.
    """
    data = text.encode() if isinstance(text, str) else text
    guard = expat.ParserCreate()
    guard.StartDoctypeDeclHandler = _refuse_doctype
    guard.EntityDeclHandler = _refuse_doctype
    try:
        guard.Parse(data, True)
        return ElementTree.fromstring(data)  # noqa: S314 - checked above: no DTD, no entities
    except (expat.ExpatError, ElementTree.ParseError) as error:
        raise XMLBodyError(f"not well-formed XML: {error}") from error


def local_name(tag: str) -> str:
    """`{urn:x}name` -> `name`."""
    return tag.rpartition("}")[2]


def _text(element: ElementTree.Element) -> str:
    parts = [element.text or ""] + [child.tail or "" for child in element]
    return "".join(parts).strip()


class _Position(int):
    """The index of the only child of its name: it selects rules but is not shown."""


def _shown(path: tuple[Segment, ...]) -> tuple[Segment, ...]:
    return tuple(segment for segment in path if not isinstance(segment, _Position))


def _select(walk: Walk, path: tuple[Segment, ...]) -> ruleset.Selected | None:
    return ruleset.select(walk.rules, path, indexes_optional=True)


def _positions(children: list[ElementTree.Element]) -> list[Segment]:
    """Each child's index among the children of its name (hidden when it is the only one)."""
    counts: dict[str, int] = {}
    for child in children:
        counts[child.tag] = counts.get(child.tag, 0) + 1
    seen: dict[str, int] = {}
    found: list[Segment] = []
    for child in children:
        index = seen.get(child.tag, 0)
        seen[child.tag] = index + 1
        found.append(_Position(index) if counts[child.tag] == 1 else index)
    return found


def _type_like(selected: ruleset.Selected | None) -> RuleList | None:
    if selected is None:
        return None
    kept = tuple(m for m in selected.rules.matchers if rules.name_of(m) in rules.TYPE_LIKE)
    return RuleList(matchers=kept, combine=selected.rules.combine) if kept else None


def compare_documents(walk: Walk, expected: str | bytes, actual: str | bytes) -> list[Mismatch]:
    """Compare two XML bodies; a body that does not parse is one mismatch."""
    try:
        wanted = parse(expected)
    except XMLBodyError as error:
        return [mismatch(walk, (), None, None, f"the expected XML body cannot be read: {error}")]
    try:
        got = parse(actual)
    except XMLBodyError as error:
        return [mismatch(walk, (), render(expected), actual, f"expected an XML body; {error}")]
    return compare_elements(walk, wanted, got, (local_name(wanted.tag),))


def compare_elements(
    walk: Walk,
    expected: ElementTree.Element,
    actual: ElementTree.Element,
    path: tuple[Segment, ...],
    *,
    rules_only: bool = False,
) -> list[Mismatch]:
    """Compare one element and everything below it.

    With `rules_only`, only values a matching rule reaches are checked: this is how an actual
    child beyond the expected ones (allowed in responses) meets the rules that name every
    child of its name, such as `$.root.item[*]['@id']`.
    """
    if expected.tag != actual.tag:
        if rules_only:
            return []
        return [
            failed(
                walk, _shown(path), expected.tag, actual.tag, f"an element named {expected.tag!r}"
            )
        ]
    selected = _select(walk, path)
    structural = _type_like(selected)
    # Type-like rules on an element see its children, so `min`/`max` count them.
    children_wanted: list[JSONValue] = [child.tag for child in expected]
    children_got: list[JSONValue] = [child.tag for child in actual]
    if structural is not None and selected is not None:
        failure = rules.apply(structural, children_wanted, children_got, is_exact=selected.is_exact)
        if failure is not None:
            return [failed(walk, _shown(path), children_wanted, children_got, failure)]
    found = _compare_attributes(walk, expected, actual, path, rules_only=rules_only)
    found += _compare_text(walk, expected, actual, path, rules_only=rules_only)
    if structural is not None:
        found += _padded(walk, list(expected), list(actual), path, rules_only=rules_only)
    else:
        found += _grouped(walk, expected, actual, path, rules_only=rules_only)
    return found


def _compare_attributes(
    walk: Walk,
    expected: ElementTree.Element,
    actual: ElementTree.Element,
    path: tuple[Segment, ...],
    *,
    rules_only: bool,
) -> list[Mismatch]:
    found: list[Mismatch] = []
    for name, value in expected.attrib.items():
        where = (*path, "@" + local_name(name))
        selected = _select(walk, where)
        if rules_only and selected is None:
            continue
        if name not in actual.attrib:
            found.append(
                mismatch(
                    walk,
                    _shown(where),
                    value,
                    None,
                    f"expected {value!r} but the attribute was missing",
                )
            )
            continue
        got = actual.attrib[name]
        if selected is not None:
            failure = rules.apply(
                selected.rules, value, got, is_exact=selected.is_exact, is_text=True
            )
        else:
            failure = None if value == got else repr(value)
        if failure is not None:
            found.append(failed(walk, _shown(where), value, got, failure))
    if not walk.allow_unexpected_keys and not rules_only:
        for name in actual.attrib.keys() - expected.attrib.keys():
            where = _shown((*path, "@" + local_name(name)))
            got = actual.attrib[name]
            found.append(mismatch(walk, where, None, got, f"expected no attribute but got {got!r}"))
    return found


def _compare_text(
    walk: Walk,
    expected: ElementTree.Element,
    actual: ElementTree.Element,
    path: tuple[Segment, ...],
    *,
    rules_only: bool,
) -> list[Mismatch]:
    wanted, got = _text(expected), _text(actual)
    if not wanted and not got:
        return []
    where = (*path, "#text")
    selected = _select(walk, where)
    if rules_only and selected is None:
        return []
    if selected is not None:
        failure = rules.apply(selected.rules, wanted, got, is_exact=selected.is_exact, is_text=True)
    else:
        failure = None if wanted == got else repr(wanted)
    return [] if failure is None else [failed(walk, _shown(where), wanted, got, failure)]


def _padded(
    walk: Walk,
    expected: list[ElementTree.Element],
    actual: list[ElementTree.Element],
    path: tuple[Segment, ...],
    *,
    rules_only: bool,
) -> list[Mismatch]:
    """Under a type rule every actual child is like the first expected one."""
    if not expected:
        return []
    found: list[Mismatch] = []
    for index, (child, position) in enumerate(zip(actual, _positions(actual), strict=True)):
        example = expected[index] if index < len(expected) else expected[0]
        where = (*path, local_name(example.tag), position)
        found += compare_elements(walk, example, child, where, rules_only=rules_only)
    return found


def _grouped(
    walk: Walk,
    expected: ElementTree.Element,
    actual: ElementTree.Element,
    path: tuple[Segment, ...],
    *,
    rules_only: bool,
) -> list[Mismatch]:
    found: list[Mismatch] = []
    expected_tags = list(dict.fromkeys(child.tag for child in expected))
    for tag in expected_tags:
        wanted = [child for child in expected if child.tag == tag]
        got = [child for child in actual if child.tag == tag]
        where = (*path, local_name(tag))
        if _type_like(_select(walk, where)) is not None:
            found += _padded(walk, wanted, got, path, rules_only=rules_only)
            continue
        positions = _positions(got)
        for index, child in enumerate(got):
            if index < len(wanted):
                found += compare_elements(
                    walk, wanted[index], child, (*where, positions[index]), rules_only=rules_only
                )
            elif walk.allow_unexpected_keys:
                found += compare_elements(
                    walk, wanted[0], child, (*where, positions[index]), rules_only=True
                )
        if rules_only:
            continue
        where = _shown(where)
        if len(got) < len(wanted):
            found.append(
                mismatch(
                    walk,
                    where,
                    len(wanted),
                    len(got),
                    f"expected {len(wanted)} <{local_name(tag)}> element(s) but got {len(got)}",
                )
            )
        if len(got) > len(wanted) and not walk.allow_unexpected_keys:
            found.append(
                mismatch(
                    walk,
                    where,
                    len(wanted),
                    len(got),
                    f"expected {len(wanted)} <{local_name(tag)}> element(s) but got {len(got)}",
                )
            )
    if not walk.allow_unexpected_keys and not rules_only:
        for child in actual:
            if child.tag not in expected_tags:
                where = _shown((*path, local_name(child.tag)))
                found.append(
                    mismatch(walk, where, None, child.tag, f"expected no <{child.tag}> element")
                )
    return found
