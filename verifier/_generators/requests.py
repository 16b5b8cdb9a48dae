"""Apply a request's generators before the verifier sends it.

A pact's request carries `generators` by category (V3 and V4 alike): `path` holds one generator,
`header` and `query` hold one per name, and `body` holds one per path expression (`$.id`,
`$.items[*].id`). Body generators apply to JSON bodies, or with `$` to a whole text body.
Response generators are never applied here: they serve the consumer's mock server, and the
verifier judges a response by the pact's matching rules, not by its examples.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Mapping

from verifier._errors import GeneratorError
from verifier._generators.values import Context, as_text, generate
from verifier._matching import paths
from verifier._matching.values import JSONObject, JSONValue

_CATEGORY_ALIASES = {"header": "header", "headers": "header", "query": "query", "path": "path"}
_CATEGORY_ALIASES |= {"body": "body", "content": "body", "method": "method"}
_V4_BODY_KEYS = frozenset({"content", "contentType", "encoded", "contentTypeHint"})


def request_generators(request: Mapping[str, JSONValue]) -> dict[str, JSONValue]:
    """The request's generators by category, names as written in the pact."""
    found = request.get("generators")
    if not isinstance(found, dict):
        return {}
    return {
        _CATEGORY_ALIASES[name]: value for name, value in found.items() if name in _CATEGORY_ALIASES
    }


def apply(request: Mapping[str, JSONValue], context: Context) -> JSONObject:
    """A copy of `request` with every generator's value in place of the example.

    Raises:
        GeneratorError: When a generator cannot make a value.
    """
    generated: JSONObject = copy.deepcopy(dict(request))
    categories = request_generators(request)
    generated.pop("generators", None)
    path_generator = categories.get("path")
    if isinstance(path_generator, dict) and "type" in path_generator:
        generated["path"] = as_text(generate(path_generator, generated.get("path"), context))
    for category in ("header", "query"):
        by_name = categories.get(category)
        key = "headers" if category == "header" else "query"
        if isinstance(by_name, dict) and generated.get(key) is None:
            generated[key] = {}  # a generator for a header or parameter the request lacks
        if isinstance(by_name, dict) and isinstance(generated.get(key), dict):
            _apply_named(generated[key], by_name, context, ignore_case=category == "header")  # type: ignore[arg-type]  # checked just above
    body_generators = categories.get("body")
    if isinstance(body_generators, dict) and "body" in generated:
        generated["body"] = _apply_body(generated["body"], body_generators, context)
    return generated


def _apply_named(
    values: JSONObject, generators: JSONObject, context: Context, *, ignore_case: bool
) -> None:
    names = {(name.lower() if ignore_case else name): name for name in values}
    for wanted, generator in generators.items():
        if not isinstance(generator, dict):
            continue
        name = names.get(wanted.lower() if ignore_case else wanted)
        if name is None:
            # As Pact-JVM does: the generator adds the header or query parameter it names.
            value = as_text(generate(generator, None, context))
            values[wanted] = value if ignore_case else [value]
            continue
        current = values[name]
        if isinstance(current, list):
            values[name] = [as_text(generate(generator, item, context)) for item in current]
        else:
            values[name] = as_text(generate(generator, current, context))


def _apply_body(body: JSONValue, generators: JSONObject, context: Context) -> JSONValue:
    if isinstance(body, dict) and body and body.keys() <= _V4_BODY_KEYS and "content" in body:
        if body.get("encoded") in {"base64", True}:
            return body
        return {**body, "content": _apply_body(body["content"], generators, context)}
    if isinstance(body, str):
        try:
            parsed: JSONValue = json.loads(body)
        except ValueError:
            whole = generators.get("$")
            return as_text(generate(whole, body, context)) if isinstance(whole, dict) else body
        if isinstance(parsed, dict | list):
            return json.dumps(_apply_json(parsed, generators, context))
        return body
    return _apply_json(body, generators, context)


def _apply_json(document: JSONValue, generators: JSONObject, context: Context) -> JSONValue:
    root: list[JSONValue] = [document]
    for expression, generator in generators.items():
        if not isinstance(generator, dict):
            continue
        try:
            tokens = paths.parse(expression)[1:]
        except paths.PathSyntaxError as error:
            raise GeneratorError(str(error)) from error
        for parent, key in list(_targets(root, 0, tokens)):
            parent[key] = generate(generator, parent[key], context)  # type: ignore[index]  # key fits parent by construction
    return root[0]


def _targets(
    container: JSONValue, key: str | int, tokens: tuple[paths.Token, ...]
) -> Iterator[tuple[JSONValue, str | int]]:
    """Each (parent, key) whose value the expression's remaining tokens name."""
    value = container[key]  # type: ignore[index]  # key fits container
    if not tokens:
        yield container, key
        return
    (kind, name), rest = tokens[0], tokens[1:]
    if isinstance(value, dict):
        if kind == "star":
            for child in list(value):
                yield from _targets(value, child, rest)
        elif kind == "field" and isinstance(name, str) and name in value:
            yield from _targets(value, name, rest)
    elif isinstance(value, list):
        if kind in {"star", "star-index"}:
            for index in range(len(value)):
                yield from _targets(value, index, rest)
        elif kind == "index" and isinstance(name, int) and name < len(value):
            yield from _targets(value, name, rest)
        elif kind == "field" and isinstance(name, str) and name.isdigit():
            index = int(name)
            yield from (_targets(value, index, rest) if index < len(value) else ())
