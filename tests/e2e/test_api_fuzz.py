"""schemathesis against the broker's own `/openapi.json`, on each backend, as each caller (#19).

A broker process (its admin token set, the login throttle off: the fuzzer sends bad credentials
on purpose) is fuzzed by `tests/support/api_fuzz.py` as the admin token and as a token of each
other role: every operation's examples, boundary and negative cases, random cases and the
document's links, a few of each (a fixed seed, so a run is repeatable); a role's token on what
the role may not do, so each of its answers is a 403. Every answer must
conform to the document (a 403 for a role without the permission included), none may be a
5xx, and no refused write may change the database. `benchmarks/fuzz_api.py` runs the same for
longer. Each fault the fuzzer found is also pinned by a plain test in
tests/integration/http/test_api_fuzz_faults.py.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import BrokerPool
from tests.support.api_fuzz import BROKER_ENV, CALLERS, Profile, fuzz_api, token_of

pytestmark = pytest.mark.e2e

# A few cases of each operation: its examples, one random case (valid or not) and the links.
# The coverage phase (boundary and negative cases of every parameter, thousands of requests)
# runs in benchmarks/fuzz_api.py only.
BOUNDED = Profile(examples=1, seed=19, phases=("examples", "fuzzing", "stateful"), stateful_steps=4)


@pytest.mark.parametrize("caller", CALLERS)
def test_the_api_answers_as_its_document_says(
    brokers: BrokerPool, backend_database_url: str | None, caller: str
) -> None:
    shared = brokers.broker(backend_database_url, **BROKER_ENV)
    url = shared.emptied()
    # A role's token is fuzzed on what the role may not do (its 403s); the rest, through the
    # same handlers, as the admin.
    refused_only = None if caller == "admin" else caller
    token = token_of(url, caller)
    report = fuzz_api(url, token, shared.database_url, BOUNDED, only_refused_to=refused_only)
    assert report.clean, report.summary()
    # It did fuzz: operations by the hundred, writes among them, the refused ones checked.
    assert report.requests > (250 if caller == "admin" else 50), report.summary()
    assert report.refused_writes > 20, report.summary()
    if caller == "admin":
        assert report.accepted_writes > 0, report.summary()
        # The stateful phase ran: it follows the links the document declares.
        assert report.phase_status.get("stateful") == "success", report.phase_status
    else:
        # Every write this role may not make was refused, and none stored anything.
        assert report.accepted_writes == 0, report.summary()
