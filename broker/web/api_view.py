"""What the API reference pages show, read from the broker's own OpenAPI document (no HTTP).

The list groups operations by tag; an operation's page renders its parameters, request body
and responses, each schema as nested lists to a bounded depth. A `$ref` to a component schema
is not expanded in place: it links to the component, listed once further down the page with
every component it refers to in turn.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import msgspec

SCHEMA_PREFIX = "#/components/schemas/"
RESPONSE_PREFIX = "#/components/responses/"
MAX_DEPTH = 8
MAX_COMPONENTS = 200
_CONSTRAINTS = (
    "format",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "default",
)


class OperationSummary(msgspec.Struct, frozen=True, kw_only=True):
    """One operation, as the list shows it."""

    operation_id: str
    method: str
    path: str
    summary: str
    tag: str
    permission: str
    parameters: list[str]  # "name (in)"
    body_media_types: list[str]
    responses: list[tuple[str, list[str]]]  # (status, media types)


class Group(msgspec.Struct, frozen=True, kw_only=True):
    """The operations of one tag."""

    name: str
    description: str
    operations: list[OperationSummary]


class Reference(msgspec.Struct, frozen=True, kw_only=True):
    """The API reference: groups of the operations matching the filter."""

    title: str
    version: str
    description: str
    groups: list[Group]
    shown: int
    total: int


class SchemaNode(msgspec.Struct, frozen=True, kw_only=True):
    """One schema as a list item: its name where it sits, its type, and what it holds."""

    label: str | None = None
    kind: str = ""
    ref: str | None = None  # a component schema's name
    required: bool = False
    description: str = ""
    constraints: list[str] = []
    children: list[SchemaNode] = []
    cut: bool = False  # deeper than MAX_DEPTH: not shown


class Content(msgspec.Struct, frozen=True, kw_only=True):
    """A body in one media type."""

    media_type: str
    schema: SchemaNode | None


class ParameterView(msgspec.Struct, frozen=True, kw_only=True):
    """A path or query parameter."""

    name: str
    location: str
    required: bool
    description: str
    schema: SchemaNode


class ResponseView(msgspec.Struct, frozen=True, kw_only=True):
    """One answer of an operation."""

    status: str
    description: str
    shared: str | None  # the shared response it is, when it is one
    headers: list[tuple[str, str]]
    contents: list[Content]


class Component(msgspec.Struct, frozen=True, kw_only=True):
    """A component schema a `$ref` leads to."""

    name: str
    schema: SchemaNode


class OperationView(msgspec.Struct, frozen=True, kw_only=True):
    """Everything an operation's page shows."""

    operation_id: str
    method: str
    path: str
    summary: str
    description: str
    tag: str
    permission: str
    roles: list[str]
    owner: str | None
    parameters: list[ParameterView]
    body_required: bool
    body: list[Content]
    responses: list[ResponseView]
    components: list[Component]


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                yield path, method.upper(), operation


def _response(
    document: dict[str, Any], answer: dict[str, Any]
) -> tuple[dict[str, Any], str | None]:
    """A response object, its `$ref` to a shared response followed, and that response's name."""
    ref = answer.get("$ref")
    if isinstance(ref, str) and ref.startswith(RESPONSE_PREFIX):
        name = ref.removeprefix(RESPONSE_PREFIX)
        return document["components"]["responses"].get(name, {}), name
    return answer, None


def _summary(
    document: dict[str, Any], path: str, method: str, op: dict[str, Any]
) -> OperationSummary:
    responses = []
    for status, answer in op.get("responses", {}).items():
        resolved, _ = _response(document, answer)
        responses.append((status, list(resolved.get("content", {}))))
    return OperationSummary(
        operation_id=op["operationId"],
        method=method,
        path=path,
        summary=op.get("summary", ""),
        tag=(op.get("tags") or ["Broker"])[0],
        permission=op.get("x-accord-permission", ""),
        parameters=[f"{p['name']} ({p['in']})" for p in op.get("parameters", [])],
        body_media_types=list(op.get("requestBody", {}).get("content", {})),
        responses=responses,
    )


def reference(document: dict[str, Any], text: str = "") -> Reference:
    """The operations of `document` holding `text`, grouped by tag.

    `text` (any case) is looked for in the method, path, summary, operation id, tag and
    permission.
    """
    wanted = text.strip().lower()
    described = {t["name"]: t.get("description", "") for t in document.get("tags", [])}
    groups: dict[str, list[OperationSummary]] = {}
    total = 0
    for path, method, op in _operations(document):
        total += 1
        shown = _summary(document, path, method, op)
        haystack = " ".join(
            (
                shown.method,
                shown.path,
                shown.summary,
                shown.operation_id,
                shown.tag,
                shown.permission,
            )
        ).lower()
        if wanted in haystack:
            groups.setdefault(shown.tag, []).append(shown)
    info = document.get("info", {})
    return Reference(
        title=info.get("title", ""),
        version=info.get("version", ""),
        description=info.get("description", ""),
        groups=[
            Group(name=name, description=described.get(name, ""), operations=groups[name])
            for name in sorted(groups)
        ],
        shown=sum(len(ops) for ops in groups.values()),
        total=total,
    )


def operation(document: dict[str, Any], operation_id: str) -> OperationView | None:
    """The page of the operation `operation_id`, or None when the document has none by it."""
    for path, method, op in _operations(document):
        if op["operationId"] == operation_id:
            return _operation(document, path, method, op)
    return None


def _operation(
    document: dict[str, Any], path: str, method: str, op: dict[str, Any]
) -> OperationView:
    refs: list[str] = []
    parameters = [
        ParameterView(
            name=p["name"],
            location=p["in"],
            required=bool(p.get("required")),
            description=p.get("description", ""),
            schema=schema_node(p.get("schema", {}), refs),
        )
        for p in op.get("parameters", [])
    ]
    body = op.get("requestBody", {})
    responses = []
    for status, answer in op.get("responses", {}).items():
        resolved, shared = _response(document, answer)
        headers = [
            (name, header.get("description", ""))
            for name, header in resolved.get("headers", {}).items()
        ]
        responses.append(
            ResponseView(
                status=status,
                description=resolved.get("description", ""),
                shared=shared,
                headers=headers,
                contents=_contents(resolved.get("content", {}), refs),
            )
        )
    return OperationView(
        operation_id=op["operationId"],
        method=method,
        path=path,
        summary=op.get("summary", ""),
        description=op.get("description", ""),
        tag=(op.get("tags") or ["Broker"])[0],
        permission=op.get("x-accord-permission", ""),
        roles=list(op.get("x-accord-roles", [])),
        owner=op.get("x-accord-owner"),
        parameters=parameters,
        body_required=bool(body.get("required")),
        body=_contents(body.get("content", {}), refs),
        responses=responses,
        components=_components(document, refs),
    )


def _contents(content: dict[str, Any], refs: list[str]) -> list[Content]:
    return [
        Content(
            media_type=media_type,
            schema=schema_node(item["schema"], refs) if "schema" in item else None,
        )
        for media_type, item in content.items()
    ]


def _components(document: dict[str, Any], refs: list[str]) -> list[Component]:
    """Every component `refs` names, and those they name in turn (up to MAX_COMPONENTS)."""
    schemas = document.get("components", {}).get("schemas", {})
    shown: dict[str, Component] = {}
    index = 0
    while index < len(refs) and len(shown) < MAX_COMPONENTS:
        name = refs[index]
        index += 1
        if name in shown or name not in schemas:
            continue
        shown[name] = Component(name=name, schema=schema_node(schemas[name], refs))
    return sorted(shown.values(), key=lambda c: c.name)


def _json(value: object) -> str:
    """A value as JSON writes it (`null`, `true`), strings without their quotes."""
    return value if isinstance(value, str) else msgspec.json.encode(value).decode()


def schema_node(
    schema: Any,
    refs: list[str],
    *,
    label: str | None = None,
    required: bool = False,
    depth: int = 0,
) -> SchemaNode:
    """`schema` as a tree of list items; each component it refers to is added to `refs`."""
    if not isinstance(schema, dict):
        return SchemaNode(label=label, kind="any", required=required)
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
        name = ref.removeprefix(SCHEMA_PREFIX)
        refs.append(name)
        return SchemaNode(label=label, kind=name, ref=name, required=required)
    constraints = [f"{key}: {_json(schema[key])}" for key in _CONSTRAINTS if key in schema]
    if "enum" in schema:
        constraints.append("one of: " + ", ".join(_json(v) for v in schema["enum"]))
    if "const" in schema:
        constraints.append(f"always: {_json(schema['const'])}")
    kind = schema.get("type", "")
    kind = " or ".join(kind) if isinstance(kind, list) else str(kind)
    if depth >= MAX_DEPTH:
        return SchemaNode(label=label, kind=kind, required=required, cut=True)
    children: list[SchemaNode] = []
    needed = set(schema.get("required", []))
    for name, child in schema.get("properties", {}).items():
        children.append(
            schema_node(child, refs, label=name, required=name in needed, depth=depth + 1)
        )
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        children.append(schema_node(extra, refs, label="any other member", depth=depth + 1))
    if "items" in schema:
        children.append(schema_node(schema["items"], refs, label="each item", depth=depth + 1))
    for key, word in (("anyOf", "any of"), ("oneOf", "one of"), ("allOf", "all of")):
        if key in schema:
            kind = kind or word
            for number, child in enumerate(schema[key], start=1):
                children.append(
                    schema_node(child, refs, label=f"{word} #{number}", depth=depth + 1)
                )
    return SchemaNode(
        label=label,
        kind=kind or ("any" if not children else ""),
        required=required,
        description=str(schema.get("description") or schema.get("title") or ""),
        constraints=constraints,
        children=children,
    )
