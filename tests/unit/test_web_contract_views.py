"""What the provider contract and audit pages make of stored data (#15), without I/O."""

from __future__ import annotations

import json

from broker.services.document_work import MAX_OUTLINED_OPERATIONS, outline_document
from broker.web.activity_view import given_filters
from broker.web.provider_contract_view import read_findings, shown_document


def finding(kind: str, code: str, **more: object) -> dict[str, object]:
    return {"type": kind, "code": code, "message": f"about {code}", **more}


def test_findings_read_errors_first_with_where_in_the_pact_and_the_document() -> None:
    stored = json.dumps(
        [
            finding("warning", "request.header.unknown"),
            finding(
                "error",
                "response.status.unknown",
                mockDetails={
                    "interactionDescription": "a teapot",
                    "location": "[root].interactions[0].response.status",
                    "value": 418,
                },
                specDetails={"location": "[root].paths./users/{id}.get.responses"},
            ),
        ]
    )
    shown, total = read_findings(stored)
    assert total == 2
    assert [f.code for f in shown] == ["response.status.unknown", "request.header.unknown"]
    error = shown[0]
    assert (error.type, error.interaction, error.message) == (
        "error",
        "a teapot",
        "about response.status.unknown",
    )
    assert error.pact_location == "[root].interactions[0].response.status"
    assert error.spec_location == "[root].paths./users/{id}.get.responses"
    assert shown[1].pact_location == shown[1].spec_location == ""


def test_findings_are_bounded_and_odd_members_read_as_empty() -> None:
    many = json.dumps([finding("error", f"code.{n}") for n in range(500)])
    shown, total = read_findings(many, limit=10)
    assert (len(shown), total) == (10, 500)
    odd = json.dumps([{"type": 3, "code": ["x"], "mockDetails": "here"}, "not an object"])
    (only,), counted = read_findings(odd)
    assert counted == 1
    assert (only.type, only.code, only.interaction, only.pact_location) == ("info", "", "", "")
    assert read_findings("not json") == ([], 0)
    assert read_findings('{"an": "object"}') == ([], 0)


def test_a_long_document_is_cut_for_the_page_and_says_so() -> None:
    assert shown_document("openapi: 3.0.3", limit=100) == ("openapi: 3.0.3", False)
    assert shown_document("x" * 150, limit=100) == ("x" * 100, True)


def test_the_outline_lists_each_operation_with_its_summary_and_responses() -> None:
    document = json.dumps(
        {
            "openapi": "3.0.3",
            "info": {"title": "Users", "version": "2.1"},
            "paths": {
                "/users/{id}": {
                    "parameters": [],
                    "get": {
                        "summary": "One user",
                        "operationId": "getUser",
                        "responses": {"200": {"description": "ok"}, "404": {"description": "no"}},
                    },
                    "delete": {"deprecated": True, "responses": {"204": {"description": "gone"}}},
                }
            },
        }
    )
    outline = outline_document(document)
    assert (outline.title, outline.api_version, outline.openapi) == ("Users", "2.1", "3.0.3")
    assert outline.problem is None
    assert [
        (o.method, o.path, o.summary, o.operation_id, o.deprecated, o.responses)
        for o in outline.operations
    ] == [
        ("GET", "/users/{id}", "One user", "getUser", False, ("200", "404")),
        ("DELETE", "/users/{id}", "", "", True, ("204",)),
    ]
    assert outline.operation_total == 2


def test_the_outline_is_bounded_and_an_unreadable_document_says_why() -> None:
    paths = {
        f"/things/{n}": {"get": {"responses": {"200": {"description": "ok"}}}}
        for n in range(MAX_OUTLINED_OPERATIONS + 5)
    }
    outline = outline_document(
        json.dumps({"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": paths})
    )
    assert len(outline.operations) == MAX_OUTLINED_OPERATIONS
    assert outline.operation_total == MAX_OUTLINED_OPERATIONS + 5
    broken = outline_document("openapi: [unclosed")
    assert broken.problem is not None and broken.operations == ()
    assert "cannot be read" in broken.problem


def test_an_empty_field_of_the_audit_form_is_no_filter() -> None:
    sent = {"actor": "", "action": "pact.publish", "subject": "  ", "page": "2", "other": "x"}
    assert given_filters(sent) == {"action": "pact.publish"}
