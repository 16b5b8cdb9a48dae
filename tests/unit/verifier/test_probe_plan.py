"""The probe's planning, pure: which checks apply, with which requests, within which bound."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest

from tests.support import probe_provider
from verifier.comparison.spec import Spec
from verifier.probe import PlannedCheck, ProbeError, parse_credentials, plan
from verifier.probe.plan import MAX_RATE_LIMIT, MAX_VALIDATION_REQUESTS
from verifier.probe.report import render_text
from verifier.probe.run import ProbeResult, fault_control_url, retry_after

CREDENTIALS = parse_credentials(probe_provider.CREDENTIALS)


def document() -> dict[str, Any]:
    return copy.deepcopy(probe_provider.DOCUMENT)


def by_key(planned: list[PlannedCheck]) -> dict[tuple[str, str], PlannedCheck]:
    return {(check.operation, check.check): check for check in planned}


def test_every_operation_gets_every_check_applied_or_skipped_with_a_reason() -> None:
    planned = plan(Spec(document()), CREDENTIALS)
    assert len(planned) == 4 * 9
    for check in planned:
        assert bool(check.skip_reason) != bool(check.requests), (check.operation, check.check)
        assert len(check.requests) <= check.max_requests or check.check == "rate-limit"


def test_auth_checks_send_each_credential_in_the_bearer_header() -> None:
    checks = by_key(plan(Spec(document()), CREDENTIALS))
    headers = {
        role: dict(checks[("createOrder", f"auth.{role}")].requests[0].headers)
        for role in ("missing", "invalid", "expired", "forbidden", "valid")
    }
    assert "Authorization" not in headers["missing"]
    assert headers["invalid"]["Authorization"] == "Bearer accord-probe-invalid"
    assert headers["expired"]["Authorization"] == "Bearer expired-token"
    assert headers["forbidden"]["Authorization"] == "Bearer read-only-token"
    assert headers["valid"]["Authorization"] == "Bearer valid-token"
    assert checks[("createOrder", "auth.missing")].accepts == (401, 403)
    assert checks[("getOrder", "auth.missing")].accepts == (401,)
    assert checks[("createOrder", "auth.valid")].accepts == (201,)
    assert checks[("getOrder", "auth.forbidden")].skip_reason == "the operation declares no 403"


def test_api_keys_and_basic_credentials_go_where_the_scheme_says() -> None:
    spec = document()
    spec["components"]["securitySchemes"] = {
        "key": {"type": "apiKey", "in": "query", "name": "api_key"},
        "login": {"type": "http", "scheme": "basic"},
    }
    spec["security"] = [{"key": [], "login": []}]
    credentials = parse_credentials(
        {"schemes": {"key": {"valid": "k1", "expired": "k0"}, "login": {"valid": "u:p"}}}
    )
    checks = by_key(plan(Spec(spec), credentials, selected=["getOrder"]))
    expired = checks[("getOrder", "auth.expired")].requests[0]
    assert expired.query == (("api_key", "k0"),)
    assert dict(expired.headers)["Authorization"] == "Basic dTpw"
    missing = checks[("getOrder", "auth.missing")].requests[0]
    assert missing.query == ()


def test_optional_security_skips_the_checks_that_expect_a_refusal() -> None:
    spec = document()
    spec["security"] = [{"bearer": []}, {}]
    checks = by_key(plan(Spec(spec), CREDENTIALS, selected=["listOrders"]))
    assert "optional" in checks[("listOrders", "auth.missing")].skip_reason
    assert checks[("listOrders", "auth.valid")].requests


def test_without_a_valid_credential_the_other_checks_are_skipped_naming_the_scheme() -> None:
    checks = by_key(plan(Spec(document()), parse_credentials({}), selected=["createOrder"]))
    assert checks[("createOrder", "validation")].skip_reason == (
        "the credentials file gives no valid credential for the scheme bearer"
    )
    assert checks[("createOrder", "auth.missing")].requests


def test_validation_breaks_one_field_at_a_time_within_its_bound() -> None:
    checks = by_key(plan(Spec(document()), CREDENTIALS))
    validation = checks[("createOrder", "validation")]
    assert [request.description for request in validation.requests] == [
        "the body without its required field 'item'",
        "the body field 'item' given a number for a string",
        "the body field 'item' given longer than its maxLength 40",
        "the body field 'colour' given a value outside its enum",
    ]
    assert validation.requests[0].body == {"quantity": 2, "colour": "red"}
    assert validation.accepts == (400,)
    path = checks[("getOrder", "validation")]
    assert [request.path for request in path.requests] == ["/orders/not-a-number", "/orders/0"]
    assert path.accepts == (400, 404)
    assert validation.max_requests <= MAX_VALIDATION_REQUESTS


def test_the_burst_takes_its_limit_from_the_credentials_then_the_extension_capped() -> None:
    spec = document()
    spec["paths"]["/orders"]["get"]["x-ratelimit-limit"] = 50_000
    from_extension = by_key(plan(Spec(spec), parse_credentials({}), selected=["listOrders"]))
    assert from_extension[("listOrders", "rate-limit")].skip_reason  # no valid credential
    credentials = parse_credentials({"schemes": {"bearer": {"valid": "v"}}})
    capped = by_key(plan(Spec(spec), credentials))[("listOrders", "rate-limit")]
    assert capped.burst == MAX_RATE_LIMIT + 1
    assert capped.max_requests == MAX_RATE_LIMIT + 2
    given = by_key(plan(Spec(spec), CREDENTIALS))[("listOrders", "rate-limit")]
    assert given.max_requests == probe_provider.RATE_LIMIT + 2


def test_the_timeout_check_needs_the_named_dependency() -> None:
    without = by_key(plan(Spec(document()), CREDENTIALS))[("getStock", "timeout")]
    assert without.skip_reason == "no --dependency warehouse=CONTROL_URL was given"
    given = plan(Spec(document()), CREDENTIALS, dependencies={"warehouse": "http://127.0.0.1:1"})
    check = by_key(given)[("getStock", "timeout")]
    assert check.control_url == "http://127.0.0.1:1"
    assert check.accepts == (504,)
    assert check.max_requests == 1


def test_an_unknown_operation_is_a_probe_error_listing_the_known_ones() -> None:
    with pytest.raises(ProbeError, match="No operation nope in the document"):
        plan(Spec(document()), CREDENTIALS, selected=["nope"])


def test_a_credentials_file_of_the_wrong_shape_names_the_field() -> None:
    with pytest.raises(ProbeError) as raised:
        parse_credentials({"schemes": {"bearer": {"valid": 3, "old": "x"}}, "rateLimit": {}})
    assert str(raised.value) == (
        "The credentials file is not usable: schemes.bearer.valid: must be a string;"
        " schemes.bearer.old: unknown field."
    )
    with pytest.raises(ProbeError, match=r"rateLimit\.limit: must be a whole number"):
        parse_credentials({"rateLimit": {"limit": 0}})


def test_retry_after_reads_seconds_dates_and_ratelimit_headers() -> None:
    assert retry_after(httpx.Headers({"Retry-After": "2"})) == 2
    assert retry_after(httpx.Headers({"RateLimit-Reset": "3"})) == 3
    assert retry_after(httpx.Headers({"RateLimit": "limit=5, remaining=0, reset=4"})) == 4
    assert retry_after(httpx.Headers({})) is None
    assert fault_control_url("http://h:1") == "http://h:1/__fault/"
    assert fault_control_url("http://h:1/__fault/") == "http://h:1/__fault/"


def test_cyclic_and_wide_schemas_are_planned_within_bounds() -> None:
    """A schema that refers to itself (oneOf, required members) still gives a bounded request."""
    spec = document()
    schemas = spec["components"]["schemas"]
    schemas["Loop"] = {"oneOf": [{"$ref": "#/components/schemas/Loop"}]}
    names = [f"m{index}" for index in range(20)]
    schemas["Wide"] = {
        "type": "object",
        "required": names,
        "properties": {name: {"$ref": "#/components/schemas/Wide"} for name in names},
    }
    body = spec["paths"]["/orders"]["post"]["requestBody"]["content"]["application/json"]
    body.pop("example")
    body["schema"] = {
        "type": "object",
        "required": ["loop", "wide"],
        "properties": {
            "loop": {"$ref": "#/components/schemas/Loop"},
            "wide": {"$ref": "#/components/schemas/Wide"},
        },
    }
    checks = by_key(plan(Spec(spec), CREDENTIALS, selected=["createOrder"]))
    sent = checks[("createOrder", "auth.valid")].requests[0].body
    assert set(sent) == {"loop", "wide"}
    assert len(str(sent)) < 200_000


def test_a_request_the_document_cannot_describe_skips_the_checks_that_need_one() -> None:
    """No example for a path parameter: auth.valid, rate-limit and timeout say why they skip."""
    spec = document()
    del spec["paths"]["/orders/{orderId}"]["get"]["parameters"][0]["example"]
    spec["paths"]["/orders/{orderId}"]["get"]["responses"]["429"] = {"description": "slow down"}
    checks = by_key(plan(Spec(spec), CREDENTIALS, selected=["getOrder"]))
    reason = "no valid request can be built: the document gives no example for the path parameter"
    for check in ("auth.valid", "rate-limit", "timeout"):
        assert checks[("getOrder", check)].skip_reason.startswith(reason), check
    assert checks[("getOrder", "auth.missing")].requests
    assert checks[("getOrder", "not-found")].requests


def test_query_parameters_are_broken_by_omission_type_range_and_enum() -> None:
    spec = document()
    spec["paths"]["/orders"]["get"]["parameters"] = [
        {"name": "page", "in": "query", "required": True,
         "schema": {"type": "integer", "maximum": 50}, "example": 2},
        {"name": "sort", "in": "query", "schema": {"type": "string", "enum": ["new", "old"]}},
    ]  # fmt: skip
    checks = by_key(plan(Spec(spec), CREDENTIALS, selected=["listOrders"]))
    validation = checks[("listOrders", "validation")]
    assert [request.query for request in validation.requests] == [
        (),
        (("page", "not-a-number"),),
        (("page", "51"),),
        (("page", "2"), ("sort", "accord-probe-unknown-value")),
    ]


def test_the_text_report_names_operation_and_check_on_each_line() -> None:
    results = [
        ProbeResult(operation="getOrder", check="auth.valid", outcome="passed",
                    expected="200", actual="200", detail="the valid credential (bearer)"),
        ProbeResult(operation="getOrder", check="auth.expired", outcome="failed",
                    expected="401", actual="200",
                    detail="getOrder auth.expired: the expired credential (bearer): expected 401,"
                    " got 200"),
        ProbeResult(operation="getOrder", check="rate-limit", outcome="skipped",
                    expected="", actual="", detail="the operation declares no 429"),
    ]  # fmt: skip
    assert render_text(results) == (
        "PASSED  getOrder  auth.valid\n"
        "FAILED  getOrder  auth.expired\n"
        "    expected 401, got 200\n"
        "    getOrder auth.expired: the expired credential (bearer): expected 401, got 200\n"
        "SKIPPED getOrder  rate-limit: the operation declares no 429\n"
        "3 checks: 1 passed, 1 failed, 1 skipped"
    )
