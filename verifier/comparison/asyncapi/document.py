"""A producer's AsyncAPI document (2.x or 3.x), read once and indexed by operation id.

A message pact names the operation it exercises in `comments.references.AsyncAPI.operationId`
(openapi-pact-comparator's convention). In AsyncAPI 3 that is a key of `operations`, whose
`messages` (and `reply.messages`) list the messages it may carry; in 2.x it is the
`operationId` of a channel's `publish` or `subscribe` operation, whose `message` is one message
or `oneOf` several. Each operation becomes an `Operation`: its candidate messages, each with
the location findings give it (a referenced message is located where its last `$ref` points, an
inline one where it is written).

Schemas are used as openapi-pact-comparator uses them: every `$ref` inlined (a reference back
into itself becomes `{}`), then, for what the provider sends, closed (`schemas.close`). Inlining
is bounded: `MAX_SCHEMA_NODES` nodes and `MAX_SCHEMA_DEPTH` levels per schema, past which the
document is refused (`SpecError`), so a few references naming each other twice cannot stand for
billions of nodes.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import unquote

# jsonschema ships no type information (no py.typed); its objects are Any here.
from jsonschema import Draft201909Validator  # type: ignore[import-untyped]

from verifier._errors import SpecError
from verifier.comparison import schemas
from verifier.comparison.documents import DocumentError, read_document
from verifier.comparison.validation import (
    MALFORMED_SCHEMA_FAULTS,
    CompiledSchema,
    SchemaError,
)

Direction = Literal["request", "response"]

# A real message schema inlines to a few thousand nodes; this leaves room for far larger ones.
MAX_SCHEMA_NODES = 200_000
# Every message schema of one document together: what a publication's check inlines
# (`check_schemas`) and what comparisons may inline from it (`schema`). A 5 KB document of many
# messages each naming one 130,000-node schema took 0.25 s and 9 MB a message without it.
MAX_DOCUMENT_SCHEMA_NODES = 5 * MAX_SCHEMA_NODES
# Inlining nests one schema inside another; the validator recurses a few frames a level.
MAX_SCHEMA_DEPTH = 128
# The messages one operation may carry: each is tried against every message a pact says the
# operation sends. Real operations carry a handful; 100,000 took 40 s a comparison.
MAX_OPERATION_MESSAGES = 1_000
_CACHE_SIZE = 8
_cache: OrderedDict[str, AsyncApi] = OrderedDict()
_cache_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Candidate:
    """A message an operation may carry, and where findings locate it."""

    message: Any  # as written in the document, references unresolved inside it
    location: str


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation of the document, by the id a pact names it with."""

    id: str
    location: str  # `[root].operations.X` (3.x) or `[root].channels.C.publish` (2.x)
    raw: Any
    messages: list[Candidate]
    messages_location: str  # where a message that matches none is reported
    has_reply: bool = False
    reply_messages: list[Candidate] = field(default_factory=list)
    reply_value: Any = None  # `reply.messages` as written (None when absent)


def is_asyncapi(document: Any) -> bool:
    """Whether a parsed document says it is AsyncAPI (it has a top-level `asyncapi` field)."""
    return isinstance(document, dict) and "asyncapi" in document


def load_asyncapi(content: str | bytes) -> AsyncApi:
    """The AsyncAPI document in `content` (JSON or YAML), read and indexed once per content.

    Raises:
        SpecError: the content is not JSON or YAML, or not an AsyncAPI 2.x or 3.x document.
    """
    raw = content.encode() if isinstance(content, str) else content
    digest = hashlib.sha256(raw).hexdigest()
    found = kept(digest)
    if found is not None:
        return found
    try:
        document = read_document(raw)
    except DocumentError as error:
        raise SpecError(f"The AsyncAPI document cannot be read: {error}.") from error
    return keep(digest, AsyncApi(document))


def kept(digest: str) -> AsyncApi | None:
    """The document of that content, when it was read lately."""
    with _cache_lock:
        if digest in _cache:
            _cache.move_to_end(digest)
            return _cache[digest]
    return None


def keep(digest: str, found: AsyncApi) -> AsyncApi:
    """Keep a document read from the content of that digest (the last few are kept)."""
    with _cache_lock:
        _cache[digest] = found
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return found


def is_falsy(value: Any) -> bool:
    """Whether JavaScript would read `value` as false (the comparator's tests are JavaScript's)."""
    if value is None or value is False:
        return True
    return isinstance(value, int | float | str) and not isinstance(value, bool) and not value


def _pointer(ref: str) -> list[str] | None:
    """The segments of a local reference (`#/a/b` or `/a/b`), or None for any other."""
    if ref.startswith("#/"):
        text = ref[2:]
    elif ref.startswith("/"):
        text = ref[1:]
    else:
        return None
    return [unquote(part.replace("~1", "/").replace("~0", "~")) for part in text.split("/")]


def _location(ref: str) -> str:
    """A reference written as a finding's location: `#/a/b` is `[root].a.b`."""
    return "[root]." + (ref[2:] if ref.startswith("#/") else ref).replace("/", ".")


def _target(ref: str, document: Any) -> Any:
    path = _pointer(ref)
    return None if path is None else schemas.get_path(document, path)


def follow(node: Any, document: Any) -> tuple[Any, str | None]:
    """`node`'s chain of `$ref`s followed: (what it ends at, the chain's last reference).

    (None, None) when a reference leads nowhere or back into the chain.
    """
    seen: set[str] = set()
    last: str | None = None
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if ref in seen:
            return None, None
        seen.add(ref)
        last = ref
        node = _target(ref, document)
    return node, last


class _Budget:
    """Nodes left to inline: one schema's, or with `in_all` a whole document's."""

    def __init__(self, *, in_all: bool = False) -> None:
        self.limit = MAX_DOCUMENT_SCHEMA_NODES if in_all else MAX_SCHEMA_NODES
        self.left = self.limit
        self.in_all = in_all

    def spend(self, depth: int, count: int = 1) -> None:
        self.left -= count
        if self.left < 0:
            raise SpecError(
                f"The AsyncAPI document has message schemas that expand to more than"
                f" {self.limit:,} nodes in all through $ref."
                if self.in_all
                else f"The AsyncAPI document has a message schema that expands to more than"
                f" {self.limit:,} nodes through $ref."
            )
        if depth > MAX_SCHEMA_DEPTH:
            raise SpecError(
                f"The AsyncAPI document has a message schema that nests deeper than"
                f" {MAX_SCHEMA_DEPTH} levels through $ref."
            )


def inline(schema: Any, document: Any) -> Any:
    """`schema` with every `$ref` replaced by what it names (a reference within itself: `{}`).

    A reference that leads nowhere is left out (None at the top).

    Raises:
        SpecError: the result would hold more than `MAX_SCHEMA_NODES` nodes or nest deeper
            than `MAX_SCHEMA_DEPTH` levels.
    """
    return _inline(schema, document, frozenset(), _Budget(), 0)


def _inline(
    schema: Any, document: Any, visited: frozenset[str], budget: _Budget, depth: int
) -> Any:
    budget.spend(depth)
    if isinstance(schema, list):
        return [_inline(item, document, visited, budget, depth + 1) for item in schema]
    if not isinstance(schema, dict):
        return schema
    ref = schema.get("$ref")
    if isinstance(ref, str):
        if ref in visited:
            return {}
        # A reference followed counts as a level: a chain of thousands stops at the bound.
        return _inline(_target(ref, document), document, visited | {ref}, budget, depth + 1)
    inlined = {}
    for key, value in schema.items():
        resolved = _inline(value, document, visited, budget, depth + 1)
        if resolved is not None or value is None:
            inlined[key] = resolved
    return inlined


class AsyncApi:
    """An indexed AsyncAPI document; build it with `load_asyncapi` to share it."""

    def __init__(self, document: Any) -> None:
        """Check and index `document`, an already parsed AsyncAPI document.

        Raises:
            SpecError: the document is not AsyncAPI 2.x or 3.x.
        """
        if not isinstance(document, dict):
            raise SpecError("The AsyncAPI document is not an object.")
        if "asyncapi" not in document:
            raise SpecError("The document is not AsyncAPI: it has no `asyncapi` field.")
        version = document.get("asyncapi")
        if not isinstance(version, str) or not version.startswith(("2.", "3.")):
            raise SpecError(
                f"The document is not AsyncAPI 2.x or 3.x: its `asyncapi` field is {version!r}."
            )
        self.document: dict[str, Any] = document
        self.version = version
        self.is_v2 = version.startswith("2.")
        self.operations: dict[str, Operation] = {}
        self.operations_location = "[root].channels" if self.is_v2 else "[root].operations"
        if self.is_v2:
            self._index_v2()
        else:
            self._index_v3()
        self._compiled: dict[tuple[str, Direction], CompiledSchema | None] = {}
        self._in_all = _Budget(in_all=True)  # what `schema` has inlined, each schema once
        self._charged: set[str] = set()
        self._lock = threading.Lock()

    def _messages(self, listed: Any, inline_base: str) -> list[Candidate]:
        if isinstance(listed, list) and len(listed) > MAX_OPERATION_MESSAGES:
            raise SpecError(
                f"The AsyncAPI document's {inline_base} lists more than"
                f" {MAX_OPERATION_MESSAGES:,} messages."
            )
        found = []
        for index, item in enumerate(listed if isinstance(listed, list) else []):
            if not isinstance(item, dict | list):
                continue
            if isinstance(item, dict) and isinstance(item.get("$ref"), str):
                message, last = follow(item, self.document)
                if is_falsy(message) or last is None:
                    continue
                found.append(Candidate(message=message, location=_location(last)))
            else:
                found.append(Candidate(message=item, location=f"{inline_base}[{index}]"))
        return found

    def _index_v3(self) -> None:
        operations = self.document.get("operations")
        for name, operation in (operations if isinstance(operations, dict) else {}).items():
            if is_falsy(operation):
                continue
            where = f"[root].operations.{name}"
            raw = operation if isinstance(operation, dict) else {}
            reply = raw.get("reply")
            reply_messages = reply.get("messages") if isinstance(reply, dict) else None
            self.operations[str(name)] = Operation(
                id=str(name),
                location=where,
                raw=operation,
                messages=self._messages(raw.get("messages"), f"{where}.messages"),
                messages_location=f"{where}.messages",
                has_reply=not is_falsy(reply),
                reply_messages=self._messages(reply_messages, f"{where}.reply.messages"),
                reply_value=reply_messages,
            )

    def _index_v2(self) -> None:
        channels = self.document.get("channels")
        for channel, item in (channels if isinstance(channels, dict) else {}).items():
            if not isinstance(item, dict):
                continue
            for verb in ("publish", "subscribe"):
                operation = item.get(verb)
                if not isinstance(operation, dict):
                    continue
                name = operation.get("operationId")
                if not isinstance(name, str) or not name or name in self.operations:
                    continue
                where = f"[root].channels.{channel}.{verb}"
                self.operations[name] = Operation(
                    id=name,
                    location=where,
                    raw=operation,
                    messages=self._v2_messages(operation.get("message"), f"{where}.message"),
                    messages_location=f"{where}.message",
                )

    def _v2_messages(self, message: Any, where: str) -> list[Candidate]:
        """A 2.x operation's `message`: one message, or `oneOf` several (either referenced)."""
        if not isinstance(message, dict):
            return []
        resolved, last = follow(message, self.document)
        if not isinstance(resolved, dict):
            return []
        at = where if last is None else _location(last)
        if isinstance(resolved.get("oneOf"), list):
            return self._messages(resolved["oneOf"], f"{at}.oneOf")
        return [Candidate(message=resolved, location=at)]

    def foreign_format(self, candidate: Candidate) -> str | None:
        """A 2.x message's `schemaFormat` when it is not JSON Schema (Avro, RAML, Protobuf).

        Such a payload is no JSON schema: it is not checked (a warning says so). AsyncAPI 3
        documents are read as openapi-pact-comparator reads them: the payload as a schema.
        """
        message = candidate.message
        found = message.get("schemaFormat") if isinstance(message, dict) else None
        if not self.is_v2 or not isinstance(found, str):
            return None
        json_schema = ("application/vnd.aai.asyncapi", "application/schema+")
        return None if found.startswith(json_schema) else found

    def schema(
        self, candidate: Candidate, part: str, direction: Direction
    ) -> CompiledSchema | None:
        """The compiled `payload` or `headers` schema of a message; None when it has none.

        Raises:
            SpecError: the schema expands or nests too far through its references.
        """
        key = (f"{candidate.location}.{part}", direction)
        if key in self._compiled:
            return self._compiled[key]
        raw = candidate.message.get(part) if isinstance(candidate.message, dict) else None
        schema = None if is_falsy(raw) else self._inlined(raw, f"{candidate.location}.{part}")
        compiled = None
        if not is_falsy(schema) and not isinstance(schema, dict | bool):
            raise SpecError(
                f"The AsyncAPI document's {part} schema of {candidate.location} is not JSON"
                f" Schema: it is {type(schema).__name__}, not an object or a boolean."
            )
        if not is_falsy(schema):
            if direction == "response":
                schemas.close(schema)  # `inline` built a copy: the document is untouched
            with self._lock:
                compiled = CompiledSchema(schema)
        self._compiled[key] = compiled
        return compiled

    def _inlined(self, raw: Any, where: str) -> Any:
        """`inline(raw)`, its nodes counted once per schema against the document's budget.

        Raises:
            SpecError: the schema expands or nests too far, or the document's schemas so far
                expand to more than `MAX_DOCUMENT_SCHEMA_NODES` nodes in all.
        """
        alone = _Budget()
        schema = _inline(raw, self.document, frozenset(), alone, 0)
        with self._lock:
            if where not in self._charged:
                self._charged.add(where)
                self._in_all.spend(0, alone.limit - alone.left)
        return schema

    def errors(
        self, compiled: CompiledSchema, candidate: Candidate, part: str, value: Any
    ) -> list[SchemaError]:
        """Every way `value` fails a message's compiled `payload` or `headers` schema.

        A schema that is not JSON Schema (`properties: "x"`, `type: 5`) makes the validator fail
        part-way; the document is then refused, naming the schema. Only a schema the meta-schema
        refuses is blamed, so a fault of our own is never reported as the document's.

        Raises:
            SpecError: the schema is not valid JSON Schema.
        """
        try:
            return compiled.errors(value)
        except MALFORMED_SCHEMA_FAULTS as error:
            meta = Draft201909Validator(Draft201909Validator.META_SCHEMA)
            problem = _first_problem(meta, compiled.root, part)
            if problem is None:
                raise
            raise SpecError(
                f"The AsyncAPI document's {part} schema of {candidate.location} is not JSON"
                f" Schema: {problem}."
            ) from error

    def check_schemas(self) -> None:
        """Inline and check every message schema of every operation now (a publication's check).

        The meta-schema checks each schema as written and each schema it references once,
        not the inlined copies: a schema named by many messages (or many times in one) would
        be checked once per use, and 40 messages naming a 130,000-node schema took 100 s.

        Raises:
            SpecError: a schema expands or nests too far through its references, or is not
                JSON Schema.
        """
        budget = _Budget(in_all=True)
        seen: set[str] = set()
        checked: set[str] = set()  # references whose schema the meta-schema has checked
        meta = Draft201909Validator(Draft201909Validator.META_SCHEMA)
        for operation in self.operations.values():
            for candidate in [*operation.messages, *operation.reply_messages]:
                if candidate.location in seen or not isinstance(candidate.message, dict):
                    continue
                seen.add(candidate.location)
                for part in ("payload", "headers"):
                    if is_falsy(candidate.message.get(part)) or (
                        part == "payload" and self.foreign_format(candidate) is not None
                    ):
                        continue
                    raw = candidate.message[part]
                    schema = _inline(raw, self.document, frozenset(), budget, 0)
                    problem = (
                        None
                        if isinstance(schema, bool) or is_falsy(schema)
                        else f"it is {type(schema).__name__}, not an object or a boolean"
                        if not isinstance(schema, dict)
                        else _written_problem(meta, raw, part, self.document, checked)
                    )
                    if problem is not None:
                        raise SpecError(
                            f"The AsyncAPI document's {part} schema of {candidate.location} is"
                            f" not JSON Schema: {problem}."
                        )


# Keywords whose values are data, not schemas: a `$ref` inside one is not a schema's. Under
# the keywords mapping names to schemas, the same words are names, and followed.
_DATA_KEYWORDS = frozenset({"const", "default", "enum", "example", "examples"})
_NAMED_SCHEMAS = frozenset(
    {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
)


def _written_problem(
    meta: Any, schema: Any, part: str, document: Any, checked: set[str]
) -> str | None:
    """The first way `schema`, or a schema it references, is not JSON Schema, as written.

    Each reference is followed once per document (`checked`), so the work is the document's
    size, however often its schemas are named.
    """
    pending: list[tuple[Any, str]] = [(schema, part)]
    while pending:
        node, where = pending.pop()
        problem = _first_problem(meta, node, where)
        if problem is not None:
            return problem
        for ref in _references(node):
            target = _target(ref, document)
            if ref not in checked and target is not None:
                checked.add(ref)
                pending.append((target, ref))
    return None


def _references(node: Any) -> list[str]:
    """Every `$ref` within a schema as written, outside the keywords holding data."""
    found: list[str] = []
    pending: list[tuple[Any, bool]] = [(node, False)]  # (node, whether its keys are names)
    while pending:
        current, named = pending.pop()
        if isinstance(current, list):
            pending += [(item, False) for item in current]
        elif isinstance(current, dict):
            if not named and isinstance(current.get("$ref"), str):
                found.append(current["$ref"])
            pending += [
                (value, not named and key in _NAMED_SCHEMAS)
                for key, value in current.items()
                if named or key not in _DATA_KEYWORDS
            ]
    return found


def _first_problem(meta: Any, schema: Any, part: str) -> str | None:
    problem = next(meta.iter_errors(schema), None)
    if problem is None:
        return None
    where = "".join(f".{segment}" for segment in problem.absolute_path)
    return f"at {part}{where}, {problem.message}"
