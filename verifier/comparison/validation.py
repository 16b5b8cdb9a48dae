"""Validating a value against a prepared schema, with errors located as the comparator locates them.

The comparator's validator (Ajv, JSON Schema 2019-09) reports every error with the path into
the data and the path into the schema, following a `$ref` to where it points. jsonschema gives
us the same facts in another form; this module reshapes them: one error per missing or extra
property, the errors of each `anyOf`/`oneOf` branch before the combinator's own, and schema
paths that restart at a reference's target. Parameters and headers are text, so before their
schemas see them, values are coerced to the types the schema names (`"10"` to `10`).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

# jsonschema ships no type information (no py.typed); its objects are Any here.
from jsonschema import (  # type: ignore[import-untyped]
    Draft201909Validator,
    Draft202012Validator,
    ValidationError,
    validators,
)
from jsonschema.exceptions import UnknownType  # type: ignore[import-untyped]
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT201909

from verifier import _regex_schema
from verifier._errors import SpecError
from verifier.comparison.formats import checker
from verifier.comparison.schemas import dereference, get_path, split_ref

_MAX_REF_CHAIN = 32

# What validation raises part-way through a schema that is not JSON Schema: `properties: "x"`
# (AttributeError), `required: 3` (TypeError), `type: [5]` or `type: "foo"` (UnknownType),
# `multipleOf: 0` (ZeroDivisionError). Whoever catches one blames the document only when the
# meta-schema refuses the schema (`schema_problem`), and re-raises it otherwise.
MALFORMED_SCHEMA_FAULTS: tuple[type[Exception], ...] = (
    AttributeError,
    TypeError,
    ValueError,
    ArithmeticError,
    LookupError,
    UnknownType,
)


@dataclass(frozen=True, slots=True)
class SchemaError:
    """One way a value fails a schema: where in the value, where in the schema, and why."""

    instance_path: tuple[str | int, ...]
    schema_path: tuple[str, ...]
    message: str
    schema_value: Any
    undeclared: str | None = None
    """The property's name, when the error is a property the (closed) schema does not declare."""


def _follower(validator: Any) -> Callable[[Any], Any]:
    """Follows `$ref`s from where `validator` stands (jsonschema keeps its resolver private)."""

    def follow(node: Any) -> Any:
        for _ in range(_MAX_REF_CHAIN):
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                return node
            try:
                node = validator._resolver.lookup(node["$ref"]).contents
            except Unresolvable:
                return {}
        return {}

    return follow


def _discriminated_branch(
    schema: dict[str, Any], tag: str, follow: Callable[[Any], Any]
) -> int | None:
    """The `oneOf` branch a discriminator's tag value selects (const/enum, mapping, then name)."""
    name = schema["discriminator"]["propertyName"]
    mapping = schema["discriminator"].get("mapping") or {}
    for index, branch in enumerate(schema["oneOf"]):
        tag_schema = follow(get_path(follow(branch), ["properties", name]) or {})
        if isinstance(tag_schema, dict) and (
            tag_schema.get("const") == tag or tag in (tag_schema.get("enum") or [])
        ):
            return index
        ref = branch.get("$ref") if isinstance(branch, dict) else None
        if isinstance(ref, str) and (
            mapping.get(tag) == ref or (not mapping and ref.rsplit("/", 1)[-1] == tag)
        ):
            return index
    return None


def _discriminator(validator: Any, value: Any, instance: Any, schema: dict[str, Any]) -> Any:
    if not isinstance(instance, dict) or not isinstance(schema.get("oneOf"), list):
        return
    if not isinstance(value, dict) or not value.get("propertyName"):
        return
    tag = instance.get(value["propertyName"])
    if not isinstance(tag, str):
        yield ValidationError(
            f"the discriminator property {value['propertyName']} must be a string"
        )
        return
    index = _discriminated_branch(schema, tag, _follower(validator))
    if index is None:
        yield ValidationError(f"the discriminator value {tag!r} names none of the oneOf schemas")
        return
    yield from validator.descend(instance, schema["oneOf"][index], schema_path=index)


def _if(validator: Any, if_schema: Any, instance: Any, schema: dict[str, Any]) -> Any:
    """`if`/`then`/`else`, reporting as Ajv does: the branch's errors, then one at `if`.

    jsonschema yields only the `then` (or `else`) errors; Ajv follows them with an error of the
    `if` keyword itself (`must match "then" schema`), whose schema path ends at `if`, and
    openapi-pact-comparator turns that one into a result of its own.
    """
    branch = "then" if validator.evolve(schema=if_schema).is_valid(instance) else "else"
    if branch not in schema:
        return
    failed = False
    for error in validator.descend(instance, schema[branch], schema_path=branch):
        failed = True
        yield error
    if failed:
        selected = "matches" if branch == "then" else "does not match"
        yield ValidationError(
            f'must match the "{branch}" schema (the value {selected} the "if" schema)',
            validator="if",
            validator_value=if_schema,
            schema_path=("if",),
        )


def _property_names(validator: Any, names: Any, instance: Any, schema: dict[str, Any]) -> Any:
    """`propertyNames` as Ajv reports it: each bad name's errors, then one for the name."""
    if not validator.is_type(instance, "object"):
        return
    for name in instance:
        errors = list(validator.descend(instance=name, schema=names))
        yield from errors
        if errors:
            yield ValidationError(f"the property name {name!r} is not valid")


def _contains(validator: Any, contains: Any, instance: Any, schema: dict[str, Any]) -> Any:
    """`contains` as Ajv reports it: too few matches lists why each other item failed first."""
    if not validator.is_type(instance, "array"):
        return
    at_least = schema.get("minContains", 1)
    at_most = schema.get("maxContains")
    matches = 0
    misses: list[ValidationError] = []
    for index, item in enumerate(instance):
        errors = list(validator.descend(item, contains, path=index))
        misses.extend(errors)
        matches += not errors
    if matches < at_least:
        yield from misses
        yield ValidationError(f"at least {at_least} item(s) must match the contains schema")
    elif isinstance(at_most, int) and matches > at_most:
        yield ValidationError(f"at most {at_most} item(s) may match the contains schema")


def _one_of(validator: Any, value: Any, instance: Any, schema: dict[str, Any]) -> Any:
    if isinstance(schema.get("discriminator"), dict) and schema["discriminator"].get(
        "propertyName"
    ):
        return  # the discriminator picks the branch (Ajv's `discriminator: true`)
    yield from Draft201909Validator.VALIDATORS["oneOf"](validator, value, instance, schema)


# The order Ajv evaluates keywords in, so errors come out in its order: keywords for any type,
# then those for numbers, strings, arrays and objects, then `unevaluated*`.
_GROUPS = {
    "number": ("maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum", "multipleOf"),
    "string": ("maxLength", "minLength", "pattern", "format"),
    # Ajv moves the item keywords before `uniqueItems`.
    "array": (
        "maxItems", "minItems", "additionalItems", "prefixItems", "items", "contains",
        "uniqueItems",
    ),
    "object": (
        "maxProperties", "minProperties", "required", "propertyNames", "additionalProperties",
        "dependencies", "properties", "patternProperties", "dependentRequired",
        "dependentSchemas", "discriminator",
    ),
}  # fmt: skip
_ORDER = (
    "$ref", "const", "enum", "not", "anyOf", "oneOf", "allOf", "if", "then", "else",
    *(keyword for group in _GROUPS.values() for keyword in group),
    "unevaluatedProperties", "unevaluatedItems",
)  # fmt: skip
_RANK = {keyword: rank for rank, keyword in enumerate(_ORDER)}
_LAST = len(_ORDER)


def _type_rank(schema: dict[str, Any]) -> float:
    """Ajv reports a wrong type first, unless the schema has keywords for that one type."""
    kind = schema.get("type")
    group = _GROUPS.get(kind) if isinstance(kind, str) else None
    if group and any(keyword in schema for keyword in group):
        return _RANK[group[-1]] + 0.5
    return -1


def _in_ajv_order(schema: Any) -> list[tuple[str, Any]]:
    if not isinstance(schema, dict):
        return []
    items = list(schema.items())
    items.sort(
        key=lambda item: _type_rank(schema) if item[0] == "type" else _RANK.get(item[0], _LAST)
    )
    return items


def _not_fetched(uri: str) -> Resource[Any]:
    """A reference to another document: never fetched (the engine is pure), so not checked.

    jsonschema's default registry would fetch it with urllib (`http://`, `https://` and
    `file://` alike); `schemas.minimum` drops such references where it walks, and this
    covers every other place a schema can hold one (`patternProperties`, `if`, `$defs`…).
    """
    del uri
    return Resource.from_contents({}, default_specification=DRAFT201909)


# attrs names the field `_retrieve` and takes it as `retrieve`, which mypy's plugin misses.
_LOCAL_ONLY: Registry[Any] = Registry(retrieve=_not_fetched)  # type: ignore[call-arg]


def _items(validator: Any, items: Any, instance: Any, schema: dict[str, Any]) -> Any:
    """`items` as the comparator's Ajv (2019-09) reads it, or after 2020-12's `prefixItems`.

    With `prefixItems` in the schema, `items` checks the items after those only.
    """
    if isinstance(items, list) or not isinstance(schema.get("prefixItems"), list):
        yield from Draft201909Validator.VALIDATORS["items"](validator, items, instance, schema)
    else:
        yield from Draft202012Validator.VALIDATORS["items"](validator, items, instance, schema)


def _unevaluated_items(validator: Any, value: Any, instance: Any, schema: dict[str, Any]) -> Any:
    """`unevaluatedItems` counting 2020-12's `prefixItems` as evaluated.

    With 2019-09's tuple `items`, the items count as the comparator's Ajv counts them.
    """
    draft = Draft201909Validator if isinstance(schema.get("items"), list) else Draft202012Validator
    yield from draft.VALIDATORS["unevaluatedItems"](validator, value, instance, schema)


# OpenAPI 3.1 adds JSON Schema 2020-12's `prefixItems` to the keywords the comparator's
# 2019-09 validator knows; `$dynamicRef`s are resolved when the schema is prepared.
_KEYWORDS_2020 = {
    "prefixItems": Draft202012Validator.VALIDATORS["prefixItems"],
    "items": _items,
    "unevaluatedItems": _unevaluated_items,
}


def _validator_class(extra: dict[str, Any]) -> Any:
    """A 2019-09 validator with the comparator's reporting, and `extra` keywords.

    The reporting is Ajv's: its keyword order, its `if`, `contains`, `propertyNames` and
    discriminator errors; RE2 runs the patterns.
    """
    draft = Draft201909Validator
    created = validators.create(
        meta_schema=draft.META_SCHEMA,
        validators={
            **draft.VALIDATORS,
            **extra,
            "if": _if,
            "propertyNames": _property_names,
            "contains": _contains,
            "oneOf": _one_of,
            "discriminator": _discriminator,
            # Patterns come from the published document: RE2 runs them (verifier/_regex.py).
            **_regex_schema.KEYWORDS,
        },
        type_checker=draft.TYPE_CHECKER,
        format_checker=draft.FORMAT_CHECKER,
        id_of=draft.ID_OF,
        applicable_validators=_in_ajv_order,
    )
    to_schemas = created.descend  # its own: it closes over the class's keyword order

    def descend(  # noqa: PLR0917 - jsonschema's own signature
        self: Any,
        instance: Any,
        schema: Any,
        path: Any = None,
        schema_path: Any = None,
        resolver: Any = None,
    ) -> Any:
        _spend()
        if schema is not False:
            yield from to_schemas(self, instance, schema, path, schema_path, resolver)
        else:
            yield _false_schema(instance, path, schema_path)

    iterate = created.iter_errors

    def iter_errors(self: Any, instance: Any) -> Any:
        _spend()  # `is_valid` starts here: `if` and the unevaluated keywords call it per branch
        yield from iterate(self, instance)

    created.descend = descend
    created.iter_errors = iter_errors
    return created


# How many subschemas checking one value may enter, beyond a few per node of the value. Nested
# `anyOf`s under `unevaluatedProperties` make a validator re-check every branch at every level
# (2^n work for n levels, linear in the document's size); real schemas stay far below this.
MAX_STEPS = 100_000
_STEPS_PER_NODE = 20
_budget = threading.local()


def _spend() -> None:
    left = getattr(_budget, "left", None)
    if left is None:
        return
    if left <= 0:
        raise SpecError(
            "The spec has a schema that takes too much work to check one value (more than"
            f" {MAX_STEPS:,} subschemas): nested anyOf/oneOf under unevaluatedProperties or"
            " unevaluatedItems, most likely."
        )
    _budget.left = left - 1


def _nodes(value: Any) -> int:
    count, pending = 0, [value]
    while pending:
        node = pending.pop()
        count += 1
        if isinstance(node, dict):
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return count


def _false_schema(instance: Any, path: Any, schema_path: Any) -> ValidationError:
    """A `false` subschema's error, kept where it is, as Ajv reports it.

    jsonschema yields a `false` schema's error without the data path and schema path it was
    reached by (`properties.gone`, `items` at index 1); Ajv reports both, and `false schema`
    after the schema path. `descend` is replaced on our own validator classes only: jsonschema
    deprecates subclassing its validator classes.
    """
    error = ValidationError(
        "no value is allowed here (the schema is false)",
        validator="false schema",
        validator_value=False,
        instance=instance,
        schema=False,
    )
    if path is not None:
        error.path.appendleft(path)
    error.schema_path.append("false schema")
    if schema_path is not None:
        error.schema_path.appendleft(schema_path)
    return error


# Every document is read as JSON Schema 2019-09, as the comparator's Ajv reads it; OpenAPI
# 3.1 documents with 2020-12's `prefixItems` too.
_Validator = _validator_class({})
_Validator2020 = _validator_class(_KEYWORDS_2020)


def _describe(error: ValidationError) -> str:
    keyword = error.validator
    if keyword == "type":
        wanted = error.validator_value
        return f"expected type {' or '.join(wanted) if isinstance(wanted, list) else wanted}"
    if keyword == "enum":
        return "not one of the values the spec allows"
    if keyword == "anyOf":
        return "none of the anyOf schemas fits"
    if keyword == "oneOf":
        return "not exactly one of the oneOf schemas fits"
    message = str(error.message)
    return message if len(message) <= 200 else message[:197] + "..."  # noqa: PLR2004


def schema_problem(schema: Any, *, json_schema_2020: bool = False) -> str | None:
    """The first way `schema` breaks JSON Schema's meta-schema, or None when it is valid.

    The answer reads `at .properties, 'x' is not of type 'object'`. It is asked after validation
    failed part-way on a document's schema, to blame the document only when the document is at
    fault (a fault of our own is never reported as the document's).
    """
    if isinstance(schema, bool):
        return None
    if not isinstance(schema, dict):
        return f"it is {type(schema).__name__}, not an object or a boolean"
    draft = Draft202012Validator if json_schema_2020 else Draft201909Validator
    problem = next(draft(draft.META_SCHEMA).iter_errors(schema), None)
    if problem is None:
        return None
    where = "".join(f".{segment}" for segment in problem.absolute_path)
    return f"at {where or 'its top'}, {problem.message}"


class CompiledSchema:
    """A validation root, ready to check values; built once and cached by the spec.

    A schema that is not JSON Schema (`properties: "x"`, `type: 5`) makes validation fail
    part-way: `errors` then raises `SpecError` naming the schema by `name` (without a name, the
    caller names it).
    """

    def __init__(self, root: Any, *, json_schema_2020: bool = False, name: str = "") -> None:
        self.root = root
        self.name = name
        self._json_schema_2020 = json_schema_2020
        if json_schema_2020:
            self._validator = _Validator2020(root, format_checker=checker, registry=_LOCAL_ONLY)
        else:
            self._validator = _Validator(root, format_checker=checker, registry=_LOCAL_ONLY)
        self._references: dict[int, bool] = {}

    def errors(self, value: Any) -> list[SchemaError]:
        """Every way `value` fails the schema; empty when it passes."""
        found: list[SchemaError] = []
        reported: set[tuple[Any, ...]] = set()
        outer = getattr(_budget, "left", None)
        _budget.left = MAX_STEPS + _STEPS_PER_NODE * _nodes(value)
        try:
            for error in self._validator.iter_errors(value):
                self._collect(error, found, reported)
        except Unresolvable as error:
            raise SpecError(f"The spec has a $ref that leads nowhere: {error.ref}.") from error
        except MALFORMED_SCHEMA_FAULTS as error:
            problem = schema_problem(self.root, json_schema_2020=self._json_schema_2020)
            if problem is None or not self.name:
                raise  # a fault of ours, or a caller that names the schema itself
            raise SpecError(
                f"The spec's schema {self.name} is not JSON Schema: {problem}."
            ) from error
        finally:
            _budget.left = outer
        return found

    def _collect(
        self, error: ValidationError, found: list[SchemaError], reported: set[tuple[Any, ...]]
    ) -> None:
        for branch_error in error.context or ():
            self._collect(branch_error, found, reported)
        instance_path = tuple(error.absolute_path)
        located = self._locate(list(error.absolute_schema_path))
        schema_value = get_path(self.root, list(located))
        schema_path = tuple(_as_ajv_shows(segment) for segment in located)
        if error.validator == "false schema":  # Ajv's own words, after the escaped path
            schema_path = (*schema_path[:-1], "false schema")
        keyword = error.validator
        if keyword == "required":
            # jsonschema reports each missing property with the whole list: report the list once.
            if (instance_path, schema_path) in reported:
                return
            reported.add((instance_path, schema_path))
            found.extend(
                SchemaError(
                    instance_path,
                    schema_path,
                    f"the required property '{name}' is missing",
                    schema_value,
                )
                for name in error.validator_value
                if isinstance(error.instance, dict) and name not in error.instance
            )
            return
        if keyword == "additionalProperties" and isinstance(error.instance, dict):
            for name in _regex_schema.additional_names(error.instance, error.schema):
                message = f"the property '{name}' is not declared"
                found.append(
                    SchemaError(instance_path, schema_path, message, schema_value, undeclared=name)
                )
            return
        found.append(SchemaError(instance_path, schema_path, _describe(error), schema_value))

    def _has_reference(self, node: Any) -> bool:
        key = id(node)
        if key not in self._references:
            self._references[key] = _has_reference(node)
        return self._references[key]

    def _locate(self, path: list[Any]) -> tuple[str, ...]:
        """The schema path of an error as Ajv gives it: restarting at each `$ref` target."""
        pointer: list[str] = []
        node = self.root
        index = 0
        while index < len(path):
            key = path[index]
            if (
                key == "discriminator"
                and index + 1 < len(path)
                and isinstance(path[index + 1], int)
            ):
                key = "oneOf"
            if (isinstance(node, dict) and key in node and key != "$ref") or (
                isinstance(node, list) and isinstance(key, int) and key < len(node)
            ):
                pointer.append(str(key))
                node = node[key]
            elif isinstance(node, dict) and isinstance(node.get("$ref"), str):
                target = split_ref(node["$ref"]) or []
                node = get_path(self.root, target)
                # Ajv inlines a referenced schema that has no references of its own, and
                # reports its errors under the reference's path; any other it compiles apart,
                # and reports its errors from that schema's own root.
                pointer = [] if self._has_reference(node) else list(target)
                continue
            else:
                pointer.append(str(key))
                node = None
            index += 1
        return tuple(pointer)


def _as_ajv_shows(segment: str) -> str:
    """A schema path segment URI-encoded, as Ajv's `schemaPath` writes it (`a b` is `a%20b`).

    `~` and `/` stay: `context.dotted` writes every location part as a JSON Pointer token.
    """
    return quote(segment, safe="-_.!~*'()/")


def _has_reference(node: Any) -> bool:
    """Whether a schema holds a `$ref` anywhere inside it."""
    if isinstance(node, dict):
        return "$ref" in node or any(_has_reference(value) for value in node.values())
    if isinstance(node, list):
        return any(_has_reference(item) for item in node)
    return False


def _is_type(value: Any, name: str) -> bool:
    if name == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer()
        )
    kinds: dict[str, Any] = {
        "string": str,
        "number": (int, float),
        "boolean": bool,
        "null": type(None),
        "array": list,
        "object": dict,
    }
    expected = kinds.get(name)
    if expected is None:
        return True
    if name == "number" and isinstance(value, bool):
        return False
    return isinstance(value, expected)


_NOT_COERCED = object()
# `\d+(?:\.\d*)?`, not `\d+\.?\d*`: the latter splits a run of digits n ways, so a long
# number followed by a letter took quadratic time (2 s for 5,000 digits).
_NUMERIC_TEXT = re.compile(r"^\s*[+-]?(\d+(?:\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$")


def _to_number(value: Any, *, integer: bool) -> Any:
    if isinstance(value, bool) or value is None:
        return int(bool(value))
    if isinstance(value, str) and _NUMERIC_TEXT.match(value):
        number = float(value)
        if number.is_integer():
            return int(number)
        return _NOT_COERCED if integer else number
    return _NOT_COERCED


def _to_string(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return "" if value is None else _NOT_COERCED


def _to_boolean(value: Any) -> Any:
    if value is None or value == "false" or (type(value) is int and value == 0):
        return False
    if value == "true" or (type(value) is int and value == 1):
        return True
    return _NOT_COERCED


def _to_null(value: Any) -> Any:
    if value == "" or value is False or (type(value) in {int, float} and value == 0):
        return None
    return _NOT_COERCED


def _coerce_to(value: Any, name: str) -> Any:
    """`value` as type `name` by Ajv's `coerceTypes` rules, or `_NOT_COERCED`."""
    if name in {"number", "integer"}:
        return _to_number(value, integer=name == "integer")
    converters = {"string": _to_string, "boolean": _to_boolean, "null": _to_null}
    return converters[name](value) if name in converters else _NOT_COERCED


def coerce(value: Any, schema: Any, root: Any) -> Any:
    """`value` converted to the types `schema` names where text can be read as them."""
    schema = dereference(schema, root)
    if not isinstance(schema, dict):
        return value
    types = schema.get("type")
    names = types if isinstance(types, list) else [types] if isinstance(types, str) else []
    if names and not any(_is_type(value, name) for name in names):
        for name in names:
            converted = _coerce_to(value, name)
            if converted is not _NOT_COERCED:
                value = converted
                break
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        value = [coerce(item, schema["items"], root) for item in value]
    if isinstance(value, dict) and isinstance(schema.get("properties"), dict):
        properties = schema["properties"]
        value = {
            k: coerce(v, properties[k], root) if k in properties else v for k, v in value.items()
        }
    return value
