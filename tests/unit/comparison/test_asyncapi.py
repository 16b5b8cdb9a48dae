"""The AsyncAPI comparison beyond what opc shows: V3 messages, bounds, coverage, bad input.

The `message.*` findings themselves are held to opc's by `tests/conformance/test_asyncapi_cases.py`.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from tests.conformance.asyncapi.cases import CASES
from verifier.comparison import (
    ComparisonPactError,
    SpecError,
    compare_with,
    load_asyncapi,
    uncovered,
)
from verifier.comparison.asyncapi import document as document_module
from verifier.comparison.asyncapi.document import (
    MAX_DOCUMENT_SCHEMA_NODES,
    MAX_OPERATION_MESSAGES,
    MAX_SCHEMA_NODES,
)

DOCUMENT = json.dumps(
    {
        "asyncapi": "3.0.0",
        "info": {"title": "t", "version": "1"},
        "operations": {
            "publishOrder": {
                "action": "send",
                "messages": [
                    {"payload": {"type": "object", "properties": {"id": {"type": "integer"}}}}
                ],
            }
        },
    }
)
REFERENCE = {"comments": {"references": {"AsyncAPI": {"operationId": "publishOrder"}}}}


def doubling(levels: int) -> dict[str, Any]:
    """Schemas S0 … S{levels}: each names the next twice, so S0 inlines to 2^levels leaves."""
    schemas: dict[str, Any] = {
        f"S{i}": {
            "type": "object",
            "properties": {
                "a": {"$ref": f"#/components/schemas/S{i + 1}"},
                "b": {"$ref": f"#/components/schemas/S{i + 1}"},
            },
        }
        for i in range(levels)
    }
    schemas[f"S{levels}"] = {"type": "string"}
    return schemas


def _messages_document(messages: list[Any], schemas: dict[str, Any]) -> dict[str, Any]:
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "t", "version": "1"},
        "operations": {"op": {"action": "send", "messages": messages}},
        "components": {"schemas": schemas},
    }


def _op_pact(content: Any) -> dict[str, Any]:
    """A pact with one message to the operation `op`, whose content is `content`."""
    return {
        "interactions": [
            {
                "type": "Asynchronous/Messages",
                "description": "an event",
                "contents": {"content": content, "contentType": "application/json"},
                "comments": {"references": {"AsyncAPI": {"operationId": "op"}}},
            }
        ]
    }


def _codes(pact: Any) -> list[tuple[str, str, str]]:
    found = compare_with(pact, asyncapi=load_asyncapi(DOCUMENT))
    return [(f.code, f.type, f.mock_details.location) for f in found]


def test_v3_messages_are_compared_where_opc_prints_nothing() -> None:
    pact = {
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
        "messages": [
            {"description": "fits", "contents": {"id": 1}, **REFERENCE},
            {"description": "text id", "contents": {"id": "x"}, **REFERENCE},
            {"description": "no reference", "contents": {"id": 1}},
        ],
    }
    assert _codes(pact) == [
        ("message.matched", "info", ""),
        ("message.no.match", "error", "[root].messages[1]"),
        ("message.references.missing", "error", "[root].messages[2].comments.references.AsyncAPI"),
    ]
    cause = compare_with(pact, asyncapi=load_asyncapi(DOCUMENT))[1].causes
    assert isinstance(cause, tuple)
    assert [c.mock_details.location for c in cause] == ["[root].messages[1].contents.id"]


def test_a_message_interaction_with_metadata_that_is_not_text_is_refused() -> None:
    pact = {
        "interactions": [
            {"type": "Asynchronous/Messages", "description": "d", "metadata": {"n": 1}, **REFERENCE}
        ]
    }
    with pytest.raises(ComparisonPactError, match="metadata must be an object of strings"):
        _codes(pact)


def test_references_that_double_at_each_level_are_refused_not_expanded() -> None:
    document = _messages_document([{"payload": {"$ref": "#/components/schemas/S0"}}], doubling(40))
    asyncapi = load_asyncapi(json.dumps(document))
    with pytest.raises(SpecError, match=f"more than {MAX_DOCUMENT_SCHEMA_NODES:,} nodes in all"):
        asyncapi.check_schemas()
    with pytest.raises(SpecError, match=f"a message schema .* more than {MAX_SCHEMA_NODES:,} "):
        compare_with(_op_pact({}), asyncapi=asyncapi)


def test_comparing_inlines_at_most_a_documents_budget_over_all_its_message_schemas(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A few kilobytes of messages each naming one large schema: each is under the bound of
    one schema, and together they are refused as a publication's check refuses them."""
    monkeypatch.setattr(document_module, "MAX_SCHEMA_NODES", 2_000)
    monkeypatch.setattr(document_module, "MAX_DOCUMENT_SCHEMA_NODES", 10_000)
    levels = 8  # S0 inlines to about 1,500 nodes: two references a level, 2^8 leaves
    schemas = doubling(levels)
    messages = [
        {"name": f"m{i}", "payload": {"$ref": "#/components/schemas/S0"}} for i in range(12)
    ]
    document = _messages_document(messages, schemas)
    pact = _op_pact({"a": 1})
    with pytest.raises(SpecError, match="more than 10,000 nodes in all"):
        compare_with(pact, asyncapi=load_asyncapi(json.dumps(document)))
    with pytest.raises(SpecError, match="more than 10,000 nodes in all"):
        load_asyncapi(json.dumps(document)).check_schemas()
    # Five such messages fit: compared again and again, each schema counts once.
    few = copy.deepcopy(document)
    few["operations"]["op"]["messages"] = messages[:5]
    asyncapi = load_asyncapi(json.dumps(few))
    asyncapi.check_schemas()
    for _ in range(3):
        compare_with(pact, asyncapi=asyncapi)


@pytest.mark.parametrize("version", ["1.2.0", "4.0.0", 3, None])
def test_only_asyncapi_2_and_3_documents_are_read(version: object) -> None:
    with pytest.raises(SpecError, match=r"not AsyncAPI 2\.x or 3\.x"):
        load_asyncapi(json.dumps({"asyncapi": version, "info": {}}))


def test_with_an_asyncapi_document_http_interactions_are_uncovered_and_messages_are_not() -> None:
    pact = {
        "interactions": [
            {"type": "Synchronous/HTTP", "description": "http", "request": {}, "response": {}},
            {"type": "Asynchronous/Messages", "description": "async"},
            {"type": "Synchronous/Messages", "description": "sync"},
        ],
        "messages": [{"description": "v3"}],
    }
    assert [f.mock_details.location for f in uncovered(pact, openapi=False, asyncapi=True)] == [
        "[root].interactions[0]"
    ]
    assert [f.mock_details.location for f in uncovered(pact)] == [
        "[root].messages[0]",
        "[root].interactions[1]",
        "[root].interactions[2]",
    ]
    assert uncovered(pact, openapi=True, asyncapi=True) == []


def test_a_matched_message_encodes_without_mock_details() -> None:
    pact = {
        "interactions": [
            {
                "type": "Asynchronous/Messages",
                "contents": {"content": {"id": 1}, "contentType": "application/json"},
                **REFERENCE,
            }
        ]
    }
    (matched,) = compare_with(pact, asyncapi=load_asyncapi(DOCUMENT))
    assert matched.to_json() == {
        "code": "message.matched",
        "message": "Matched message at [root].operations.publishOrder.messages[0]",
        "specDetails": {
            "location": "[root].operations.publishOrder.messages[0]",
            "value": {"payload": {"type": "object", "properties": {"id": {"type": "integer"}}}},
        },
        "type": "info",
    }


def test_comparing_leaves_the_document_as_it_was_read() -> None:
    """Closing a schema for what the provider sends works on a copy, not on the document."""
    folder = CASES / "v3-sync-reply-mismatch"
    content = (folder / "asyncapi.yaml").read_bytes()
    asyncapi = load_asyncapi(content)
    before = copy.deepcopy(asyncapi.document)
    compare_with((folder / "pact.json").read_bytes(), asyncapi=asyncapi)
    assert asyncapi.document == before
    assert "additionalProperties" not in json.dumps(before)


def test_a_long_chain_of_references_is_refused_not_followed_to_the_stack_limit() -> None:
    chain = {f"S{i}": {"$ref": f"#/components/schemas/S{i + 1}"} for i in range(3000)}
    document = _messages_document(
        [{"payload": {"$ref": "#/components/schemas/S0"}}],
        {**chain, "S3000": {"type": "string"}},
    )
    with pytest.raises(SpecError, match="nests deeper than 128 levels"):
        load_asyncapi(json.dumps(document)).check_schemas()


@pytest.mark.parametrize(
    ("payload", "says"),
    [
        ("a string", "it is str, not an object or a boolean"),
        ([1, 2], "it is list, not an object or a boolean"),
        ({"type": "object", "properties": "x"}, "at payload.properties, 'x' is not of type"),
        ({"type": 5}, "at payload.type"),
        ({"allOf": "x"}, "at payload.allOf"),
        ({"type": [5]}, "at payload.type"),  # UnknownType, not a TypeError
        ({"properties": {"id": {"multipleOf": 0}}}, "at payload.properties.id.multipleOf"),
    ],
)
def test_a_payload_schema_that_is_not_json_schema_is_named_not_a_crash(
    payload: object, says: str
) -> None:
    document = json.dumps(
        {
            "asyncapi": "3.0.0",
            "info": {},
            "operations": {"op": {"messages": [{"payload": payload}]}},
        }
    )
    pact = {
        "interactions": [
            {
                "type": "Asynchronous/Messages",
                "contents": {"content": {"id": 1}, "contentType": "application/json"},
                "comments": {"references": {"AsyncAPI": {"operationId": "op"}}},
            }
        ]
    }
    with pytest.raises(SpecError, match=r"payload schema of .* is not JSON Schema") as raised:
        compare_with(pact, asyncapi=load_asyncapi(document))
    assert says in str(raised.value)


def test_a_publication_check_refuses_a_message_schema_that_is_not_json_schema() -> None:
    document = {
        "asyncapi": "2.6.0",
        "info": {},
        "channels": {
            "orders": {
                "subscribe": {
                    "operationId": "op",
                    "message": {"headers": {"type": "object", "required": "traceId"}},
                }
            }
        },
    }
    with pytest.raises(SpecError, match=r"headers schema of \[root\]\.channels\.orders"):
        load_asyncapi(json.dumps(document)).check_schemas()
    document["channels"]["orders"]["subscribe"]["message"]["headers"]["required"] = ["traceId"]  # type: ignore[index]
    load_asyncapi(json.dumps(document)).check_schemas()


def test_a_2x_payload_in_avro_is_not_checked_and_a_warning_says_so() -> None:
    avro = {"type": "record", "name": "Order", "fields": [{"name": "id", "type": "long"}]}
    document = {
        "asyncapi": "2.6.0",
        "info": {},
        "channels": {
            "orders": {
                "subscribe": {
                    "operationId": "op",
                    "message": {
                        "schemaFormat": "application/vnd.apache.avro;version=1.9.0",
                        "payload": avro,
                    },
                }
            }
        },
    }
    asyncapi = load_asyncapi(json.dumps(document))
    asyncapi.check_schemas()
    pact = {
        "interactions": [
            {
                "type": "Asynchronous/Messages",
                "contents": {"content": {"id": 1}, "contentType": "application/json"},
                "comments": {"references": {"AsyncAPI": {"operationId": "op"}}},
            }
        ]
    }
    found = compare_with(pact, asyncapi=asyncapi)
    assert [(f.code, f.type, f.spec_details.location) for f in found] == [
        (
            "message.payload.unvalidatable",
            "warning",
            "[root].channels.orders.subscribe.message.schemaFormat",
        ),
        ("message.matched", "info", "[root].channels.orders.subscribe.message"),
    ]


@pytest.mark.parametrize("version", ["3.0.0", "2.6.0"])
def test_an_operation_with_more_messages_than_the_bound_is_refused(version: str) -> None:
    """Every message of an operation is tried for each pact message naming it: 100,000 of
    them took 40 s a comparison."""
    messages = [{"payload": {"type": "object"}}] * (MAX_OPERATION_MESSAGES + 1)
    document: dict[str, Any] = (
        {"asyncapi": version, "operations": {"op": {"messages": messages}}}
        if version.startswith("3")
        else {
            "asyncapi": version,
            "channels": {"c": {"publish": {"operationId": "op", "message": {"oneOf": messages}}}},
        }
    )
    with pytest.raises(SpecError, match="lists more than 1,000 messages"):
        load_asyncapi(json.dumps(document))
    fewer = copy.deepcopy(document)
    if version.startswith("3"):
        fewer["operations"]["op"]["messages"] = messages[:MAX_OPERATION_MESSAGES]
    else:
        fewer["channels"]["c"]["publish"]["message"]["oneOf"] = messages[:MAX_OPERATION_MESSAGES]
    assert len(load_asyncapi(json.dumps(fewer)).operations["op"].messages) == 1_000


def test_a_publication_check_names_the_referenced_schema_that_is_not_json_schema() -> None:
    schemas = {
        "Order": {"type": "object", "properties": {"id": {"$ref": "#/components/schemas/Id"}}},
        "Id": {"type": "integer", "multipleOf": 0},
    }
    document = _messages_document([{"payload": {"$ref": "#/components/schemas/Order"}}], schemas)
    with pytest.raises(SpecError, match="is not JSON Schema") as raised:
        load_asyncapi(json.dumps(document)).check_schemas()
    assert "at #/components/schemas/Id.multipleOf" in str(raised.value)
    # A property named like a data keyword is a schema all the same, and is checked.
    named = {"type": "object", "properties": {"enum": {"$ref": "#/components/schemas/Id"}}}
    document = _messages_document([{"payload": named}], schemas)
    with pytest.raises(SpecError, match=r"at #/components/schemas/Id\.multipleOf"):
        load_asyncapi(json.dumps(document)).check_schemas()


def test_a_reference_inside_data_keywords_is_data_not_a_schema_to_check() -> None:
    payload = {
        "type": "object",
        "default": {"$ref": "#/components/schemas/NotASchema"},
        "examples": [{"$ref": "#/components/schemas/NotASchema"}],
    }
    document = _messages_document([{"payload": payload}], {"NotASchema": {"type": 5}})
    load_asyncapi(json.dumps(document)).check_schemas()


def test_a_publication_check_reads_each_schema_once_however_many_messages_name_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """40 messages naming one schema of 2^10 leaves: the meta-schema checks the document as
    written, not 40 inlined copies (those took 100 s at 2^17)."""
    checked: list[int] = []
    first_problem = document_module._first_problem

    def counting(meta: Any, schema: Any, part: str) -> str | None:
        checked.append(len(json.dumps(schema)))
        return first_problem(meta, schema, part)

    monkeypatch.setattr(document_module, "_first_problem", counting)
    levels = 10
    schemas = doubling(levels)
    messages = [
        {"name": f"m{i}", "payload": {"$ref": "#/components/schemas/S0"}} for i in range(40)
    ]
    written = json.dumps(_messages_document(messages, schemas))
    load_asyncapi(written).check_schemas()
    assert sum(checked) < len(written)  # each schema once: less than the document itself
    assert len(checked) == 40 + levels + 1
