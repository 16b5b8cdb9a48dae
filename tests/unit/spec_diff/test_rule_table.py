"""The whole of oasdiff's `rules.json` (509 rules): the two halves of the table together.

`rules_request.py` and `rules_response.py` each own a set of id prefixes; here the halves are
checked as one table: every rule belongs to exactly one half, at least 95 % of all rules have a
passing case (each case is run by its half's test module), the rest are listed with reasons, and
no case makes Accord report an id that is neither oasdiff's nor one of `OWN_IDS`.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.unit.spec_diff import rules_request, rules_response
from verifier.spec_diff import OWN_IDS, diff_specs

Case = rules_request.Case | rules_response.Case
CASES: list[Case] = [*rules_request.CASES, *rules_response.CASES]

RULES_FILE = Path(__file__).resolve().parents[4] / "shared" / "corpora" / "oasdiff" / "rules.json"
RULES = {rule["id"]: rule for rule in json.loads(RULES_FILE.read_text())["rules"]}


def test_every_rule_belongs_to_exactly_one_half() -> None:
    """The halves' prefixes split `rules.json` without overlap or gap."""
    request = {rule for rule in RULES if rule.startswith(rules_request.PREFIXES)}
    response = {rule for rule in RULES if rule.startswith(rules_response.OWNED_PREFIXES)}
    assert not request & response, sorted(request & response)
    assert request | response == RULES.keys(), sorted(RULES.keys() - request - response)


def test_at_least_95_percent_of_all_rules_have_a_case() -> None:
    """Tested and not-applicable rules cover all 509; the tested share is at least 95 %."""
    tested = {case.rule for case in CASES}
    set_aside = {**rules_request.NOT_APPLICABLE, **rules_response.NOT_APPLICABLE}
    assert tested <= RULES.keys(), sorted(tested - RULES.keys())
    assert not tested & set_aside.keys()
    assert RULES.keys() - tested - set_aside.keys() == set()
    assert len(RULES) == 509
    print(  # noqa: T201  # the figure is this test's report
        f"\noasdiff rules: {len(RULES)}, tested {len(tested)} ({len(tested) / len(RULES):.1%}), "
        f"not applicable {len(set_aside)}"
    )
    assert len(tested) / len(RULES) >= 0.95


def test_no_case_reports_an_unknown_id() -> None:
    """Every id any case reports is in `rules.json` or in `OWN_IDS`, never in both."""
    assert not OWN_IDS & RULES.keys(), sorted(OWN_IDS & RULES.keys())
    seen: set[str] = set()
    for case in [*CASES, *rules_request.EXTRA_CASES]:
        changes = diff_specs(
            json.dumps(case.base),
            json.dumps(case.revision),
            today=rules_response.TODAY,
            **case.options,
        )
        seen.update(change.id for change in changes)
    assert seen - RULES.keys() <= OWN_IDS, sorted(seen - RULES.keys() - OWN_IDS)
