"""oasdiff's response and API rules: each case yields exactly its id at oasdiff's level.

The table is `rules_response.py`; every owned rule of `rules.json` is a case or listed as not
applicable, with the reason.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.spec_diff.rules_response import (
    CASES,
    NOT_APPLICABLE,
    OWNED_PREFIXES,
    TODAY,
    Case,
)
from verifier.spec_diff import diff_specs

RULES_FILE = Path(__file__).resolve().parents[4] / "shared" / "corpora" / "oasdiff" / "rules.json"
RULES = {r["id"]: r for r in json.loads(RULES_FILE.read_text())["rules"]}
# the request side owns `request-…`, `new-…`, `optional-request…`, `required-request…`
OWNED = {rule for rule in RULES if rule.startswith(OWNED_PREFIXES)}


@pytest.mark.parametrize("case", CASES, ids=[case.rule for case in CASES])
def test_rule(case: Case) -> None:
    """The revision yields the rule's id at rules.json's level, and nothing else."""
    assert case.level == RULES[case.rule]["level"]
    changes = diff_specs(
        json.dumps(case.base), json.dumps(case.revision), today=TODAY, **case.options
    )
    found = sorted((change.id, change.level.value) for change in changes)
    expected = sorted(
        [(case.rule, case.level), *((other, RULES[other]["level"]) for other in case.also)]
    )
    assert found == expected


def test_every_owned_rule_is_tested_or_not_applicable() -> None:
    """No owned rule is left out, none is both tested and set aside, and the table is ours."""
    tested = {case.rule for case in CASES}
    assert OWNED - tested - NOT_APPLICABLE.keys() == set()
    assert tested & NOT_APPLICABLE.keys() == set()
    assert (tested | NOT_APPLICABLE.keys()) - OWNED == set()
    assert len(tested) == len(CASES)  # one case per rule
    assert all(reason.strip() for reason in NOT_APPLICABLE.values())
    assert len(tested) / len(OWNED) >= 0.97
