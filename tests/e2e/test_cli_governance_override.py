"""The break-glass override and describe-pacticipant's governance lines, with `accord` as a process.

The broker runs with `ACCORD_ALLOW_OVERRIDE=true`; the author's pipeline cannot override, an
admin can with a reason, and `accord can-i-deploy` then says yes and names the override.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import BrokerPool
from tests.e2e.governance_setup import (
    ADMIN,
    CONSUMER,
    ENVIRONMENT,
    ORDER_INTERACTION,
    PROVIDER,
    accord,
    accord_ok,
    deploy,
    pact,
    publish_pact,
    secured_broker,
    teams_and_tokens,
    verify,
)

pytestmark = pytest.mark.e2e


def test_trust_16_an_admin_overrides_a_held_change_from_the_command_line(
    brokers: BrokerPool, backend_database_url: str | None
) -> None:
    with secured_broker(brokers, backend_database_url, ACCORD_ALLOW_OVERRIDE="true") as broker:
        token = teams_and_tokens(broker)
        accord_ok(
            broker, ADMIN, "set-mode", "--pacticipant", CONSUMER, "--mode", "brownfield-enterprise"
        )
        publish_pact(broker, token["web-ci"], "1.0.1", pact(ORDER_INTERACTION))
        verify(broker, token["orders-ci"], "1.0.1", "2.0.1")
        deploy(broker, token["orders-ci"], PROVIDER, "2.0.1")
        ask = ("can-i-deploy", "--pacticipant", CONSUMER, "--version", "1.0.1")
        held = accord(broker, token["web-ci"], *ask, "--to-environment", ENVIRONMENT)
        assert held.returncode == 1, held.stdout + held.stderr

        described = accord_ok(broker, token["web-ci"], "describe-pacticipant", "--name", CONSUMER)
        assert "Mode: brownfield-enterprise\n" in described
        assert "Owning teams: web-team\n" in described

        refused = accord(broker, token["web-ci"], "override-change", "1", "--reason", "mine")
        assert refused.returncode != 0
        assert refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr
        done = accord_ok(broker, ADMIN, "override-change", "1", "--reason", "hotfix")
        assert done.startswith("Overrode change request 1: the pact of Web with Orders"), done

        allowed = accord(broker, token["web-ci"], *ask, "--to-environment", ENVIRONMENT)
        assert allowed.returncode == 0, allowed.stdout + allowed.stderr
        assert "Change request 1 was overridden by ACCORD_ADMIN_TOKEN" in allowed.stdout
        assert "hotfix" in allowed.stdout
