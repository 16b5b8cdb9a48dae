"""A provider's OpenAPI document, read once, checked, indexed and kept by content hash.

`load_spec` reads OpenAPI 3.0, 3.1 or Swagger 2.0, as YAML or JSON, indexes its operations by
method and path template, and keeps the result: the same bytes load once per process. Schemas
are prepared and compiled only when an interaction needs them, then kept with the spec, so a
large spec (Stripe's 4 MB) costs its parse and its index, and each schema a pact touches costs
its preparation once.
"""

from __future__ import annotations

import copy
import hashlib
import threading
from collections import OrderedDict
from typing import Any, Literal

from verifier._errors import SpecError
from verifier.comparison import schemas
from verifier.comparison.asyncapi import document as asyncapi_documents
from verifier.comparison.asyncapi.document import AsyncApi, is_asyncapi
from verifier.comparison.documents import DocumentError, read_document
from verifier.comparison.routing import Operation, Router
from verifier.comparison.shape import METHODS, check_shape
from verifier.comparison.validation import MALFORMED_SCHEMA_FAULTS, CompiledSchema, schema_problem

Mode = Literal["request", "response"]
_CACHE_SIZE = 8  # a parsed Stripe-sized spec holds about 60 MB
_cache: OrderedDict[str, Spec] = OrderedDict()
_cache_lock = threading.Lock()


def load_spec(content: str | bytes) -> Spec:
    """The spec in `content` (JSON or YAML text), parsed and indexed once per distinct content.

    Raises:
        SpecError: the content is not JSON or YAML, or not an OpenAPI 3 / Swagger 2.0 document.
    """
    found = load_document(content)
    if isinstance(found, AsyncApi):
        raise SpecError("The spec is an AsyncAPI document, not an OpenAPI one.")
    return found


def load_document(content: str | bytes) -> Spec | AsyncApi:
    """An OpenAPI or an AsyncAPI document (by its `asyncapi` field), read once per content.

    Raises:
        SpecError: the content is not JSON or YAML, or neither an OpenAPI 3 / Swagger 2.0 nor an
            AsyncAPI 2.x / 3.x document.
    """
    raw = content.encode() if isinstance(content, str) else content
    digest = hashlib.sha256(raw).hexdigest()
    with _cache_lock:
        if digest in _cache:
            _cache.move_to_end(digest)
            return _cache[digest]
    found_asyncapi = asyncapi_documents.kept(digest)
    if found_asyncapi is not None:
        return found_asyncapi
    try:
        document = read_document(raw)
    except DocumentError as error:
        raise SpecError(f"The spec cannot be read: {error}.") from error
    if is_asyncapi(document):
        return asyncapi_documents.keep(digest, AsyncApi(document))
    spec = Spec(document, digest=digest)
    with _cache_lock:
        _cache[digest] = spec
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return spec


def _set_path(root: dict[str, Any], path: list[str], value: Any) -> None:
    node = root
    for part in path[:-1]:
        child = node.get(part)
        child = dict(child) if isinstance(child, dict) else {}
        node[part] = child
        node = child
    node[path[-1]] = value


class Spec:
    """An indexed OpenAPI document; build it with `load_spec` to share it between comparisons."""

    def __init__(self, document: Any, *, digest: str = "") -> None:
        """Check and index `document`, an already parsed OpenAPI document.

        Raises:
            SpecError: the document is not OpenAPI 3 or Swagger 2.0.
        """
        check_shape(document)
        schemas.check_expansion(document)
        self.document: dict[str, Any] = document
        self.digest = digest
        self.is_swagger2 = document.get("swagger") == "2.0"
        info = document["info"]
        self.security_schemes: dict[str, Any] = (
            document.get("securityDefinitions")
            or (document.get("components") or {}).get("securitySchemes")
            or {}
        )
        self.router = Router(
            case_sensitive=not info.get("x-opc-config-case-insensitive", False),
            ignore_trailing_slash=bool(info.get("x-opc-config-ignore-trailing-slash", False)),
            ignore_duplicate_slashes=bool(info.get("x-opc-config-ignore-duplicate-slashes", False)),
            literal_percent=bool(info.get("x-opc-config-no-percent-encoding", False)),
        )
        base_path = str(info.get("x-opc-config-base-path") or document.get("basePath") or "")
        self._index(base_path.rstrip("/"))
        self._prepared: dict[tuple[Mode, str], Any] = {}
        self._references: dict[str, list[str]] = {}
        self._compiled: dict[tuple[Mode, str], CompiledSchema] = {}
        self._lock = threading.Lock()

    def _index(self, base_path: str) -> None:
        for template, item in (self.document.get("paths") or {}).items():
            if not isinstance(item, dict):
                continue
            shared = item.get("parameters") or []
            for method, operation in item.items():
                if method.lower() not in METHODS or not isinstance(operation, dict):
                    continue
                parameters: list[dict[str, Any]] = []
                seen: set[tuple[Any, Any]] = set()
                for parameter in [*(operation.get("parameters") or []), *shared]:
                    resolved = self.resolve(parameter)
                    if not isinstance(resolved, dict):
                        continue
                    key = (resolved.get("name"), resolved.get("in"))
                    if key not in seen:
                        seen.add(key)
                        parameters.append(resolved)
                self.router.add(
                    base_path + template,
                    Operation(
                        method=method,
                        path=template,
                        operation=operation,
                        parameters=parameters,
                        consumes=self._inherited(operation, "consumes"),
                        produces=self._inherited(operation, "produces"),
                        security=self._inherited(operation, "security"),
                    ),
                )

    def _inherited(self, operation: dict[str, Any], key: str) -> Any:
        value = operation.get(key)
        return self.document.get(key) if value is None else value

    def resolve(self, node: Any) -> Any:
        """`node` with its local `$ref` chain followed."""
        return schemas.dereference(node, self.document)

    def compiled(self, schema_id: str, schema: Any, mode: Mode) -> CompiledSchema:
        """The compiled validation root of `schema`, kept under its location and mode."""
        key = (mode, schema_id)
        compiled = self._compiled.get(key)
        if compiled is None:
            json_schema_2020 = schemas.is_openapi31(self.document)
            with self._lock:
                try:
                    root = self._root(schema, mode)
                except MALFORMED_SCHEMA_FAULTS as error:
                    problem = schema_problem(
                        self.resolve(schema), json_schema_2020=json_schema_2020
                    )
                    if problem is None:
                        raise
                    raise SpecError(
                        f"The spec's schema {schema_id} is not JSON Schema: {problem}."
                    ) from error
                compiled = CompiledSchema(root, json_schema_2020=json_schema_2020, name=schema_id)
            self._compiled[key] = compiled
        return compiled

    def _root(self, schema: Any, mode: Mode) -> Any:
        top = schemas.minimum(schema, self.document)
        closure = self._closure(schemas.references(top))
        root = schemas.flatten(top, self._minimum)
        if mode == "response":
            root = copy.deepcopy(root)
            schemas.close(root)
        if not isinstance(root, dict) or not closure:
            return root
        root = dict(root)
        for ref in closure:
            path = schemas.split_ref(ref)
            if path:
                _set_path(root, path, self._fragment(ref, mode))
        return root

    def _closure(self, start: list[str]) -> list[str]:
        found = list(dict.fromkeys(start))
        position = 0
        while position < len(found):
            self._minimum(found[position])
            for ref in self._references[found[position]]:
                if ref not in found:
                    found.append(ref)
            position += 1
        return found

    def _minimum(self, ref: str) -> Any:
        key: tuple[Mode, str] = ("request", "minimum:" + ref)
        if key not in self._prepared:
            target = schemas.get_path(self.document, schemas.split_ref(ref) or [])
            if schemas.refers_to_itself(target, self.document):
                # a chain of references that comes back to itself: no schema to validate by
                raise SpecError(f"The spec has a $ref that only refers to itself: {ref}.")
            prepared = schemas.minimum({} if target is None else target, self.document)
            self._references[ref] = schemas.references(prepared)
            self._prepared[key] = prepared
        return self._prepared[key]

    def _fragment(self, ref: str, mode: Mode) -> Any:
        key = (mode, ref)
        if key not in self._prepared:
            if mode == "request":
                flat = schemas.flatten(self._minimum(ref), self._minimum, frozenset({ref}))
                self._prepared[key] = flat
            else:
                closed = copy.deepcopy(self._fragment(ref, "request"))
                schemas.close(closed)
                self._prepared[key] = closed
        return self._prepared[key]
