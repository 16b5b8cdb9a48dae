"""`accord coverage` against a broker process: the INTEGRATION-TEST.md sections, targets by mode.

The world (tests/e2e/coverage_setup.py) has two HTTP consumers, one message consumer, a called
provider, probe-like API results, an event test and one E2E JUnit report.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.coverage_setup import build_world
from tests.e2e.test_cli import accord, ok

pytestmark = pytest.mark.e2e


def section(markdown: str, title: str) -> str:
    """The text of one `##` section, up to the next `##` heading."""
    start = markdown.index(f"## {title}\n")
    end = markdown.find("\n## ", start + 1)
    return markdown[start : end if end != -1 else len(markdown)]


def test_the_markdown_report_lists_points_coverage_and_gaps(
    broker_url: str, tmp_path: Path
) -> None:
    build_world(broker_url, tmp_path)
    text = ok(broker_url, "coverage", "--pacticipant", "Orders", "--output", "markdown")

    points = section(text, "Integration Points: Orders")
    assert "| Payments | /payments | POST | charge a card |" in points
    assert "| /orders/{id} | GET | Mobile, Web |" in points
    assert "| /orders | POST | Web |" in points
    assert "| /orders/{id}/invoice | GET | none |" in points
    assert "| /orders/{id} | DELETE | none |" in points
    assert "| an order created event | orders.created | Billing |" in points
    assert "### Events Consumed\n\nNone." in points

    covered = section(text, "Integration Test Coverage: Orders")
    assert "Coverage: 3 of 6 integration points in the target (50%)." in covered
    # 2 consumer interactions + auth.valid and not-found.
    assert (
        "| GET /orders/{id} | exposed | 4 | contract, auth, not found | unchanged | covered |"
        in covered
    )
    # 1 interaction + auth, validation and the (failed) rate-limit probe.
    assert (
        "| POST /orders | exposed | 4 | contract, auth, validation, rate limit | changed"
        " | covered |" in covered
    )
    # The skipped timeout probe does not count.
    assert (
        "| GET /orders/{id}/invoice | exposed | 1 | contract, auth | new | missing timeout |"
        in covered
    )
    assert "| DELETE /orders/{id} | exposed | 0 | none | unchanged | missing contract, auth |" in (
        covered
    )
    assert "| POST /payments | called (Payments) | 1 | contract | unchanged | covered |" in covered
    assert (
        "| an order created event | published | 2 | contract, idempotency | changed"
        " | missing ordering |" in covered
    )
    assert "| Order checkout | 2 | Web, Orders, Payments |" in covered

    gaps = section(text, "Coverage Gaps").splitlines()
    assert [line for line in gaps if line.startswith("- [ ] ")] == [
        "- [ ] DELETE /orders/{id}: no consumer pact or probe covers it",
        "- [ ] DELETE /orders/{id}: authentication never probed",
        "- [ ] GET /orders/{id}/invoice: timeout never tested",
        "- [ ] Event an order created event (published): no ordering check",
        "- [ ] Security scheme apiKey: never probed",
        "- [ ] Billing's pact was never verified by Orders 0.9.0",
        "- [ ] Mobile's pact was never verified by Orders 0.9.0",
    ]


@pytest.mark.parametrize(
    ("mode", "numbers"),
    [
        ("greenfield", (6, 3, 50.0)),
        ("brownfield-polish", (3, 1, 33.3)),
        ("brownfield-enterprise", (2, 1, 50.0)),
    ],
)
def test_each_mode_has_its_target(
    broker_url: str, tmp_path: Path, mode: str, numbers: tuple[int, int, float]
) -> None:
    """Target, covered points and percentage of the same data in each mode."""
    target, covered, _ = numbers
    build_world(broker_url, tmp_path)
    ok(broker_url, "set-mode", "--pacticipant", "Orders", "--mode", mode)
    report = json.loads(
        ok(
            broker_url,
            "coverage",
            "--pacticipant",
            "Orders",
            "--environment",
            "production",
            "--output",
            "json",
        )
    )
    assert (report["mode"], report["baseline"], report["version"]) == (mode, "0.9.0", "1.0.0")
    assert (report["target"], report["covered"], report["percentage"]) == numbers
    in_target = {p["name"] for p in report["points"] if p["inTarget"]}
    changed = {"POST /orders", "an order created event"}
    expected = {
        "greenfield": {p["name"] for p in report["points"]},
        "brownfield-polish": changed | {"GET /orders/{id}/invoice"},
        "brownfield-enterprise": changed,
    }[mode]
    assert in_target == expected
    markdown = ok(broker_url, "coverage", "--pacticipant", "Orders", "--environment", "production")
    assert f"Coverage: {covered} of {target} integration points in the target" in markdown
    assert f"mode {mode}, compared with 0.9.0 deployed in production." in markdown


def test_fail_under_exits_1_below_the_percentage(
    broker_url_each_backend: str, tmp_path: Path
) -> None:
    """On each backend: the report's reads are the same on SQLite and PostgreSQL."""
    broker_url = broker_url_each_backend
    build_world(broker_url, tmp_path)
    below = accord(broker_url, "coverage", "--pacticipant", "Orders", "--fail-under", "60")
    assert below.returncode == 1
    assert below.stdout.rstrip().endswith(
        "Coverage 50% is below --fail-under 60% (3 of 6 integration points in the target)"
    )
    at = accord(
        broker_url, "coverage", "--pacticipant", "Orders", "--fail-under", "50", "--output", "json"
    )
    assert at.returncode == 0, at.stderr
    assert json.loads(at.stdout)["percentage"] == 50.0
    wrong = accord(broker_url, "coverage", "--pacticipant", "Orders", "--fail-under", "150")
    assert wrong.returncode == 2
    assert "must be a percentage from 0 to 100" in wrong.stderr


def test_publishing_results_prints_each_report_and_refuses_a_bomb(
    broker_url: str, tmp_path: Path
) -> None:
    report = tmp_path / "junit.xml"
    report.write_text(
        '<testsuite><testcase name="a"/><testcase name="b"><failure/></testcase></testsuite>'
    )
    printed = ok(
        broker_url,
        "publish-test-results",
        str(report),
        "--pacticipant",
        "Orders",
        "--version",
        "2.0.0",
        "--kind",
        "data",
        "--systems",
        "Orders, Warehouse",
    )
    assert printed == (
        "Published junit.xml (data): 2 tests, 1 failed, 0 skipped\nfor Orders version 2.0.0\n"
    )
    bomb = tmp_path / "bomb.xml"
    bomb.write_text('<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><testsuite name="&a;"/>')
    refused = accord(
        broker_url,
        "publish-test-results",
        str(bomb),
        "--pacticipant",
        "Orders",
        "--version",
        "2.0.0",
        "--kind",
        "api",
    )
    assert refused.returncode == 1
    assert "declares a document type" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_a_coverage_policy_makes_can_i_deploy_say_no(broker_url: str, tmp_path: Path) -> None:
    """Orders 1.0.0 covers 50% of its target; a policy of 60% holds it, `--off` lets it go."""
    build_world(broker_url, tmp_path)
    ask = ("can-i-deploy", "-a", "Orders", "-e", "1.0.0", "--to-environment", "production")
    set_policy = ok(broker_url, "set-coverage-policy", "--pacticipant", "Orders", "--minimum", "60")
    assert "less than 60%" in set_policy
    held = accord(broker_url, *ask)
    assert held.returncode == 1
    assert (
        "Orders 1.0.0 covers 50% of its integration test target (3 of 6 points), below its"
        " coverage policy of 60%" in held.stdout
    )
    ok(broker_url, "set-coverage-policy", "--pacticipant", "Orders", "--off")
    assert "coverage policy" not in accord(broker_url, *ask).stdout
