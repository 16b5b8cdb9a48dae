"""The broker's own OpenAPI 3.1 document, generated from the application's route handlers.

Every route litestar serves is documented with no work beyond what its handler already says:
path and path parameter types from the route, the permission from `opt["need"]`
(`x-accord-permission`, and the security it implies), operation id and summary from the
handler's name and docstring. What a handler reads and writes by hand (its body, query and
answer) it declares with `operation_docs.documented`; without that, a Struct it returns is its
answer's schema, and a `Response[...]` it builds is any 2xx HAL+JSON body. HEAD is documented
beside every GET (`head.py` serves it); OPTIONS is litestar's own answer and is left out.

litestar's built-in generator is not used: our handlers decode bodies with `read_json` and
answer `Response[bytes]` built by `hal()`, so it would document every answer as a JSON string,
add error bodies we never send, and no request bodies or security. Schemas come from msgspec
(`msgspec.json.schema_components`), the library that encodes and decodes those bodies.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator, Mapping
from http import HTTPStatus
from importlib.metadata import version
from typing import Any, NamedTuple

import msgspec
from litestar import Litestar, Response
from litestar.handlers import HTTPRouteHandler
from litestar.response import Template
from litestar.routes import HTTPRoute

from broker.domain.auth import Need
from broker.http.operation_docs import HAL, HTML, JSON, NAME, Doc, Shape
from broker.http.permissions import ROLES_FOR, rule_of
from broker.http.problems import CHALLENGE, PROBLEM_JSON
from broker.http.responses import Problem

OPENAPI_VERSION = "3.1.0"
_REF = "#/components/schemas/{name}"
_BODY_METHODS = {"POST", "PUT", "PATCH"}
_PARAMETER_TYPES: dict[type, dict[str, str]] = {
    int: {"type": "integer"},
    float: {"type": "number"},
    # A segment is one line and not blank: the names written through paths are refused
    # otherwise (`domain/names.py`), and no other segment can be.
    str: {"type": "string", "pattern": NAME["pattern"]},
}
_SECURED: list[dict[str, list[str]]] = [{"bearer": []}, {"basic": []}]

_DESCRIPTION = """\
Accord, a contract broker that speaks the Pact Broker's API.

Resources are HAL+JSON. Errors are problem details (RFC 9457) as `application/problem+json`
when the request's Accept names it, else the same members as HAL+JSON with `errors` as
`{field: [messages]}`. A name inside a path segment writes `/` as `%2F`. Every GET also answers
HEAD, without the body; every path answers OPTIONS with its `Allow` header.

Each operation's `x-accord-permission` names what it needs: `open` (no credentials), `read`,
`write`, `approve` or `admin`, and `x-accord-roles` the roles that have it; `x-accord-owner`
names the path parameter holding the pacticipant a write changes, whose owning teams the
caller must belong to. A broker with no credentials configured lets every caller in as an
admin.
"""


class _Operation(NamedTuple):
    """One method of one route, as litestar holds it."""

    path: str
    method: str
    handler: HTTPRouteHandler
    parameters: dict[str, type]


def _operations(app: Litestar) -> Iterator[_Operation]:
    """Every (path, method) the application routes, OPTIONS aside, sorted."""
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for method, (handler, _) in route.route_handler_map.items():
            if method == "OPTIONS":
                continue
            types = {name: p.type for name, p in route.path_parameters.items()}
            found.append(_Operation(route.path_format, method, handler, types))
    # litestar keeps a route's methods in a set: sort, so two builds give the same bytes.
    yield from sorted(found, key=lambda o: (o.path, o.method))


def _operation_ids(operations: list[_Operation]) -> dict[tuple[str, str], str]:
    """The handler's name, made unique by its path's last segment when it serves two paths."""
    ids: dict[tuple[str, str], str] = {}
    taken: set[str] = set()
    for op in operations:
        name = op.handler.handler_name
        if name in taken:
            last = op.path.rstrip("/").rsplit("/", 1)[-1]
            name = f"{name}_{re.sub(r'[^A-Za-z0-9]+', '_', last).strip('_')}"
            suffix = 2
            while name in taken:
                name, suffix = f"{name}_{suffix}", suffix + 1
        taken.add(name)
        ids[op.path, op.method] = name
    return ids


def _doc_of(handler: HTTPRouteHandler) -> Doc:
    """What the handler declares, or else what litestar knows of what it returns.

    A handler returning a Struct (litestar encodes it) answers with that Struct, in its media
    type, with its decorator's status; one returning a `Template` answers HTML; one returning
    `Response[...]` (as `hal()` builds it) may answer anything, which `Doc()` says loosely.
    """
    doc = handler.opt.get("doc")
    if isinstance(doc, Doc):
        return doc
    returned = handler.parsed_fn_signature.return_type
    status = (handler.status_code,)
    media_type = str(getattr(handler.media_type, "value", handler.media_type) or JSON)
    if returned.is_subclass_of(Template):
        return Doc(media_types=(HTML,), statuses=status)
    if returned.is_subclass_of(Response) or returned.is_none_type:
        return Doc()
    if returned.is_subclass_of(msgspec.Struct):
        return Doc(returns=returned.annotation, media_types=(media_type,), statuses=status)
    return Doc(media_types=(media_type,), statuses=status)


def _texts(handler: HTTPRouteHandler) -> tuple[str, str]:
    """The summary (the docstring's first line) and the description (the rest)."""
    text = inspect.cleandoc(handler.fn.__doc__ or "")
    if not text:
        return handler.handler_name.replace("_", " ").capitalize(), ""
    first, _, rest = text.partition("\n")
    return first.strip(), rest.strip()


def _tag(handler: HTTPRouteHandler) -> str:
    """The handler's controller, as `PacticipantController` gives `Pacticipant`."""
    owner = handler.fn.__qualname__.rsplit(".", 1)[0] if "." in handler.fn.__qualname__ else ""
    return owner.removesuffix("Controller") or "Broker"


class _Schemas:
    """Struct shapes as `$ref`s to components, which msgspec names (by module on a clash).

    A schema written by hand may hold a Struct class wherever a schema goes; it becomes a
    `$ref` too.
    """

    def __init__(self, shapes: list[Shape]) -> None:
        structs: set[type] = {Problem}
        pending: list[object] = list(shapes)
        while pending:
            node = pending.pop()
            if isinstance(node, type):
                structs.add(node)
            elif isinstance(node, Mapping):
                pending.extend(node.values())
            elif isinstance(node, list | tuple):
                pending.extend(node)
        ordered = sorted(structs, key=lambda s: (s.__name__, s.__module__))
        refs, components = msgspec.json.schema_components(
            ordered, ref_template=_REF, schema_hook=_any_json
        )
        self.refs: dict[type, dict[str, Any]] = dict(zip(ordered, refs, strict=True))
        self.components = dict(sorted(components.items()))

    def of(self, shape: object) -> Any:
        """A schema for `shape`, its Struct classes replaced by `$ref`s."""
        if isinstance(shape, type):
            return dict(self.refs[shape])
        if isinstance(shape, Mapping):
            return {key: self.of(value) for key, value in shape.items()}
        if isinstance(shape, list | tuple):
            return [self.of(value) for value in shape]
        return shape


def _any_json(kind: type) -> dict[str, Any]:
    """`JSONValue` (an alias of `object`): any JSON value."""
    if kind is object:
        return {"description": "Any JSON value"}
    raise NotImplementedError


def _is_json(media_type: str) -> bool:
    return media_type == JSON or media_type.endswith("+json")


def _error_responses(schemas: _Schemas) -> dict[str, Any]:
    """The answers every operation shares, once each with a body and once for HEAD."""
    schema = schemas.of(Problem)
    problem = {"content": {PROBLEM_JSON: {"schema": schema}, HAL: {"schema": schema}}}
    challenge = {
        "WWW-Authenticate": {"description": f"`{CHALLENGE}`", "schema": {"type": "string"}}
    }
    shared: dict[str, Any] = {}
    for suffix, body in (("", problem), ("Head", {})):
        shared["Unauthenticated" + suffix] = {
            "description": "No credentials, or credentials not accepted",
            "headers": challenge,
            **body,
        }
        shared["Throttled" + suffix] = {
            "description": "Too many failed logins for the username or from the address",
            "headers": {
                "Retry-After": {
                    "description": "Seconds to wait before trying again.",
                    "schema": {"type": "integer"},
                }
            },
            **body,
        }
        shared["Forbidden" + suffix] = {
            "description": "The caller's role or teams do not allow this",
            **body,
        }
        shared["Problem" + suffix] = {"description": "An error, as problem details", **body}
    # A page of the web interface shows a refused form again, in HTML, with the refusal's status.
    page_problem = {"content": {**problem["content"], HTML: {"schema": {"type": "string"}}}}
    for suffix, body in (("", page_problem), ("Head", {})):
        shared["PageProblem" + suffix] = {
            "description": "An error, as problem details, or the page again with the refusal",
            **body,
        }
    return shared


def _shared(name: str, *, head: bool) -> dict[str, str]:
    return {"$ref": f"#/components/responses/{name}{'Head' if head else ''}"}


def _responses(op: _Operation, doc: Doc, schemas: _Schemas, *, with_bodies: bool) -> dict[str, Any]:
    # A handler that declares its answer, or answers 204 (it returns nothing, so litestar
    # sends its decorator's status), answers with its decorator's status unless it says more.
    no_content = op.handler.status_code == HTTPStatus.NO_CONTENT
    declared = "doc" in op.handler.opt or no_content
    statuses = doc.statuses or ((op.handler.status_code,) if declared else ())
    success: dict[str, Any] = {"description": "Success"}
    # 204 has no body, and a redirect's body (303 after a form) says nothing a client reads.
    bodiless = any(
        s == HTTPStatus.NO_CONTENT or HTTPStatus.MULTIPLE_CHOICES <= s < HTTPStatus.BAD_REQUEST
        for s in statuses
    )
    if with_bodies and not bodiless:
        content: dict[str, Any] = {}
        for media_type in doc.media_types:
            if not _is_json(media_type):
                content[media_type] = {"schema": {"type": "string"}}
            elif doc.returns is not None:
                content[media_type] = {"schema": schemas.of(doc.returns)}
            else:
                content[media_type] = {}
        success["content"] = content
    if with_bodies and doc.links:
        success["links"] = {
            link.operation_id: {
                "operationId": link.operation_id,
                "parameters": dict(link.parameters),
            }
            for link in doc.links
        }
    responses: dict[str, Any] = {str(s): dict(success) for s in statuses} or {"2XX": success}
    rule = rule_of(op.handler)
    head = not with_bodies
    if rule is not None and rule.need is not Need.OPEN:
        responses["401"] = _shared("Unauthenticated", head=head)
        responses["429"] = _shared("Throttled", head=head)
        if rule.need is not Need.READ or rule.owner is not None:
            responses["403"] = _shared("Forbidden", head=head)
    responses["default"] = _shared(
        "PageProblem" if HTML in doc.media_types else "Problem", head=head
    )
    return responses


def _parameters(op: _Operation, doc: Doc) -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": dict(_PARAMETER_TYPES.get(kind, {"type": "string"})),
        }
        for name, kind in op.parameters.items()
    ]
    for query in doc.query:
        schema = dict(query.schema)
        parameter: dict[str, Any] = {"name": query.name, "in": "query"}
        if query.description:
            parameter["description"] = query.description
        if query.required:
            parameter["required"] = True
        if query.repeated:
            schema = {"type": "array", "items": schema}
            parameter.update(style="form", explode=True)
        parameter["schema"] = schema
        parameters.append(parameter)
    return parameters


def _request_body(op: _Operation, doc: Doc, schemas: _Schemas) -> dict[str, Any] | None:
    if op.method not in _BODY_METHODS or doc.takes_no_body:
        return None
    if doc.body is None:
        return {"description": "A JSON body (its fields are not documented)", "content": {JSON: {}}}
    schema = schemas.of(doc.body)
    # `read_json` reads an empty body as `{}`: a Struct with required fields refuses it.
    required = doc.body_required or (
        isinstance(doc.body, type)
        and any(f.required for f in msgspec.inspect.type_info(doc.body).fields)  # type: ignore[attr-defined]
    )
    return {
        "required": required,
        "content": {media_type: {"schema": schema} for media_type in doc.body_media_types},
    }


def _operation(
    op: _Operation, operation_id: str, schemas: _Schemas, *, head: bool = False
) -> dict[str, Any]:
    doc = _doc_of(op.handler)
    summary, description = _texts(op.handler)
    if head:
        description = "GET's answer without the body." + (
            f"\n\n{description}" if description else ""
        )
    operation: dict[str, Any] = {
        "operationId": f"{operation_id}_head" if head else operation_id,
        "summary": summary,
    }
    if description:
        operation["description"] = description
    operation["tags"] = [_tag(op.handler)]
    if parameters := _parameters(op, doc):
        operation["parameters"] = parameters
    if not head and (body := _request_body(op, doc, schemas)) is not None:
        operation["requestBody"] = body
    operation["responses"] = _responses(op, doc, schemas, with_bodies=not head)
    rule = rule_of(op.handler)
    if rule is not None:
        operation["security"] = [] if rule.need is Need.OPEN else list(_SECURED)
        operation["x-accord-permission"] = rule.need.value
        if rule.need is not Need.OPEN:
            operation["x-accord-roles"] = list(ROLES_FOR[rule.need])
        if rule.owner is not None:
            operation["x-accord-owner"] = rule.owner
    return operation


def openapi_document(app: Litestar) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every route `app` serves, in a stable order."""
    operations = list(_operations(app))
    ids = _operation_ids(operations)
    docs = [_doc_of(op.handler) for op in operations]
    schemas = _Schemas([shape for d in docs for shape in (d.body, d.returns) if shape is not None])
    paths: dict[str, dict[str, Any]] = {}
    tags: dict[str, str] = {}
    for op in operations:
        item = paths.setdefault(op.path, {})
        item[op.method.lower()] = _operation(op, ids[op.path, op.method], schemas)
        if op.method == "GET" and "HEAD" not in {o.method for o in operations if o.path == op.path}:
            item["head"] = _operation(op, ids[op.path, op.method], schemas, head=True)
        tags.setdefault(_tag(op.handler), _controller_doc(op.handler))
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Accord",
            "version": version("accord"),
            "description": _DESCRIPTION,
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
        },
        "tags": [{"name": name, "description": tags[name]} for name in sorted(tags)],
        "paths": {path: dict(sorted(paths[path].items())) for path in sorted(paths)},
        "components": {
            "responses": _error_responses(schemas),
            "schemas": schemas.components,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token (`POST /admin/tokens`) or the admin token.",
                },
                "basic": {
                    "type": "http",
                    "scheme": "basic",
                    "description": "A user's name and password.",
                },
            },
        },
        "security": list(_SECURED),
    }


def _controller_doc(handler: HTTPRouteHandler) -> str:
    module = inspect.getmodule(handler.fn)
    owner = getattr(module, handler.fn.__qualname__.rsplit(".", 1)[0], None)
    return inspect.cleandoc(getattr(owner, "__doc__", None) or "")


def openapi_json(app: Litestar) -> bytes:
    """The document as JSON bytes, built once per application."""
    cached = app.state.get("openapi_json")
    if not isinstance(cached, bytes):
        cached = msgspec.json.encode(openapi_document(app))
        app.state["openapi_json"] = cached
    return cached
