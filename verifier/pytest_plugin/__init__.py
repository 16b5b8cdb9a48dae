r"""Accord's pytest plugin: each interaction of the pacts to verify becomes a test item.

Installed with Accord (the `pytest11` entry point); it does nothing until `--accord-pact` or
`--accord-broker-url` is given:

    pytest --accord-provider-url http://127.0.0.1:8000 --accord-pact pacts/
    pytest --accord-provider-url http://127.0.0.1:8000 --accord-broker-url https://broker \
        --accord-provider Users --accord-consumer-version-selectors '{"mainBranch": true}' \
        --accord-enable-pending --accord-publish --accord-provider-version "$GIT_SHA" \
        --accord-provider-branch main

A provider the tests start themselves comes from the `accord_provider` fixture; override it in
the root conftest.py (where the items, which hang off the session, can see it):

    @pytest.fixture(scope="session")
    def accord_provider():
        with serve(app) as url:
            yield Provider(name="Users", base_url=url)

Provider states are fixtures too, registered with `@provider_state("a user exists")` (see
`verifier.pytest_plugin.states`); what the function returns feeds ProviderState generators.
States without one go to `--accord-provider-states-setup-url` when given. A failure's message
is the mismatch tree (the interaction, each path and difference); failures of pending pacts and
interactions are reported as xfail; with `--accord-openapi FILE` (or
`--accord-openapi-provider-version V`, from the broker) each response is also validated
against the provider's OpenAPI document.
"""

from __future__ import annotations

import pytest

from verifier._replay import Provider
from verifier.pytest_plugin.options import add_options, is_requested, read_settings
from verifier.pytest_plugin.states import provider_state

__all__ = ["accord_provider", "provider_state"]


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
    """The provider under verification, from the `--accord-*` options; override to start one."""
    settings = read_settings(pytestconfig)
    if not settings.provider_url:
        pytest.fail(
            "Give --accord-provider-url, or override the accord_provider fixture.", pytrace=False
        )
    return Provider(
        name=settings.provider,
        base_url=settings.provider_url,
        state_change_url=settings.states_url,
        custom_headers=settings.custom_headers,
    )
