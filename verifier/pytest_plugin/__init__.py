r"""Accord's pytest plugin: each interaction of the pacts to verify becomes a test item.

Installed with Accord (the `pytest11` entry point); it does nothing until `--accord-pact` or
`--accord-broker-url` is given:

    pytest --accord-provider-url http://127.0.0.1:8000 --accord-pact pacts/
    pytest --accord-provider-url http://127.0.0.1:8000 --accord-broker-url https://broker \
        --accord-provider Users --accord-consumer-version-selectors '{"mainBranch": true}' \
        --accord-enable-pending --accord-publish --accord-provider-version "$GIT_SHA" \
        --accord-provider-branch main

A provider the tests start themselves comes from the `accord_provider` fixture; override it in
the root conftest.py (where the items, which hang off the session, can see it). Provider states
are fixtures too, registered with `@provider_state("an order exists")` (see
`verifier.pytest_plugin.states`): what the function returns or yields feeds ProviderState
generators, and a generator function tears down after its `yield`. The messages of message
interactions come from `@message_producer("an order paid event")` functions (see
`verifier.pytest_plugin.producers`), else from `--accord-message-producer-url`. A provider with
an HTTP API and an event, in its root conftest.py:

    import json
    import threading
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    import pytest

    from verifier import Message, Provider
    from verifier.pytest_plugin import message_producer, provider_state

    ORDERS = {}


    def orders_api(environ, start_response):
        order = ORDERS.get(environ["PATH_INFO"].removeprefix("/orders/"))
        status = "200 OK" if order else "404 Not Found"
        start_response(status, [("Content-Type", "application/json")])
        return [json.dumps(order).encode()] if order else []


    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args):
            pass


    @pytest.fixture(scope="session")
    def accord_provider():
        server = make_server("127.0.0.1", 0, orders_api, handler_class=QuietHandler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        yield Provider(name="Orders", base_url=f"http://127.0.0.1:{server.server_port}")
        server.shutdown()
        server.server_close()


    @provider_state("an order exists")
    def order_exists(params):
        ORDERS[str(params["id"])] = {"id": params["id"], "status": "paid"}
        yield {"orderId": params["id"]}
        ORDERS.clear()


    @message_producer("an order paid event")
    def order_paid(call):
        order = ORDERS[str(call.state_values["orderId"])]
        return Message(contents={"orderId": order["id"]}, metadata={"topic": "orders"})

Run it with:

    pytest --accord-pact pacts/

A consumer of messages checks, in process, that it copes with duplicates, messages out of order
and malformed messages with the `accord_event_check` fixture (see
`verifier.pytest_plugin.events`): it needs no `--accord-*` option.

A failure's message is the mismatch tree (the interaction, each path and difference). An
interaction that was not verified (a message without a producer; with
`--accord-require-provider-states`, a provider state nothing sets up) fails, with the reason.
Failures of pending pacts and interactions are reported as xfail. With `--accord-openapi FILE`
(or `--accord-openapi-provider-version V`, from the broker) each response is also validated
against the provider's OpenAPI document. Results are published (`--accord-publish`) only for
pacts whose every interaction ran: a run narrowed with `-k`, `-m`, node ids or pact_ffi's
`PACT_DESCRIPTION`, `PACT_PROVIDER_STATE` and `PACT_PROVIDER_NO_STATE` publishes nothing for the
pacts it cut, and says so.
"""

from __future__ import annotations

import pytest

from verifier._replay import Provider
from verifier.pytest_plugin.events import EventCheck
from verifier.pytest_plugin.options import add_options, is_requested, read_settings
from verifier.pytest_plugin.producers import message_producer
from verifier.pytest_plugin.states import provider_state

__all__ = [
    "EventCheck",
    "accord_event_check",
    "accord_provider",
    "message_producer",
    "provider_state",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the `--accord-*` options."""
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    """Register the `accord` marker, and the verification when the options ask for one."""
    config.addinivalue_line("markers", "accord: a pact interaction verified by Accord")
    if is_requested(config):
        from verifier.pytest_plugin.session import AccordRun  # noqa: PLC0415 - only when asked

        config.pluginmanager.register(AccordRun(read_settings(config)), "accord-run")


@pytest.fixture(scope="session")
def accord_provider(pytestconfig: pytest.Config) -> Provider:
    """The provider under verification, from the `--accord-*` options; override to start one.

    Without `--accord-provider-url` its `base_url` is empty: message interactions need none,
    and HTTP interactions then fail, asking for it.
    """
    settings = read_settings(pytestconfig)
    return Provider(
        name=settings.provider,
        base_url=settings.provider_url or "",
        state_change_url=settings.states_url,
        custom_headers=settings.custom_headers,
    )


@pytest.fixture
def accord_event_check() -> EventCheck:
    """Event checks of a consumer in process: `accord_event_check(pact, handle=..., ...)`."""
    return EventCheck()
