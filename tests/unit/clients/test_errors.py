from __future__ import annotations

import json
import socket

import httpx
import pytest

from clients.sdk import BrokerClient, BrokerError, BrokerUnreachableError, FieldError, NotFoundError
from clients.sdk._builder import broker_error

URL = "http://broker.test/environments"


def answer(status: int, body: object, content_type: str) -> httpx.Response:
    content = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    return httpx.Response(
        status,
        content=content,
        headers={"Content-Type": content_type},
        request=httpx.Request("POST", URL),
    )


def test_problem_details_give_title_detail_and_pointers() -> None:
    response = answer(
        400,
        {
            "type": "http://broker.test/problems/validation-error",
            "title": "Validation errors",
            "status": 400,
            "detail": "2 problems in the request",
            "errors": [
                {"pointer": "/name", "detail": "must be unique"},
                {"pointer": "/contacts/0/name", "detail": "is missing"},
            ],
        },
        "application/problem+json",
    )

    error = broker_error(response)

    assert type(error) is BrokerError
    assert error.status == 400
    assert error.title == "Validation errors"
    assert error.errors == (
        FieldError(pointer="/name", detail="must be unique"),
        FieldError(pointer="/contacts/0/name", detail="is missing"),
    )
    assert (
        str(error) == "2 problems in the request: name must be unique; contacts.0.name is missing."
    )


def test_hal_field_errors_become_pointers() -> None:
    response = answer(
        400,
        {
            "errors": {
                "name": ["has already been taken"],
                "contacts.name": ["is missing", "is blank"],
            }
        },
        "application/hal+json;charset=utf-8",
    )

    error = broker_error(response)

    assert error.errors == (
        FieldError(pointer="/name", detail="has already been taken"),
        FieldError(pointer="/contacts/name", detail="is missing"),
        FieldError(pointer="/contacts/name", detail="is blank"),
    )
    assert str(error) == (
        "The broker answered 400 Bad Request to POST http://broker.test/environments: "
        "name has already been taken; contacts.name is missing; contacts.name is blank."
    )


def test_a_hal_list_of_messages_has_no_pointers() -> None:
    error = broker_error(answer(400, {"errors": ["q is required"]}, "application/hal+json"))

    assert error.errors == (FieldError(pointer="", detail="q is required"),)


def test_a_hal_single_error_is_the_detail_and_404_is_not_found() -> None:
    error = broker_error(
        answer(404, {"error": "No environment with uuid x"}, "application/hal+json")
    )

    assert isinstance(error, NotFoundError)
    assert error.detail == "No environment with uuid x"
    assert str(error) == "No environment with uuid x."


def test_a_hal_server_error_gives_its_message() -> None:
    body = {"error": {"message": "An error occurred", "reference": "abc123"}}

    error = broker_error(answer(500, body, "application/hal+json"))

    assert error.status == 500
    assert str(error) == "An error occurred."


def test_a_plain_text_error_gives_its_first_line() -> None:
    error = broker_error(answer(409, "Duplicate pacticipant\nsecond line", "text/plain"))

    assert str(error) == "Duplicate pacticipant."


def test_an_empty_error_names_the_status_and_request() -> None:
    error = broker_error(answer(503, "", "text/plain"))

    assert str(error) == (
        "The broker answered 503 Service Unavailable to POST http://broker.test/environments."
    )


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_a_closed_port_is_unreachable_in_one_sentence() -> None:
    port = closed_port()

    with (
        BrokerClient(f"http://127.0.0.1:{port}") as broker,
        pytest.raises(BrokerUnreachableError) as raised,
    ):
        broker.list_environments()

    assert (
        str(raised.value)
        == f"Could not reach the broker at http://127.0.0.1:{port}: connection refused."
    )


def test_a_lone_error_copied_into_errors_is_not_repeated() -> None:
    body = {
        "title": "Conflict",
        "detail": "An environment named 'production' already exists",
        "errors": {"request": ["An environment named 'production' already exists"]},
        "error": "An environment named 'production' already exists",
    }

    error = broker_error(answer(409, body, "application/hal+json"))

    assert str(error) == "An environment named 'production' already exists."


def test_a_message_that_names_its_field_is_not_prefixed_again() -> None:
    body = {
        "detail": "The environment is not valid",
        "errors": [{"pointer": "/name", "detail": "name must not contain spaces"}],
    }

    error = broker_error(answer(400, body, "application/problem+json"))

    assert str(error) == "The environment is not valid: name must not contain spaces."
