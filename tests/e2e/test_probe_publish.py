"""`accord probe` with a broker process: the document it stores, and `--publish` of the results.

The provider is the one `tests/e2e/test_probe.py` probes (tests/support/probe_provider.py), its
document published to the broker as the provider contract of Orders 1.0.0. Probing without
`--openapi` reads that document and gives the same results as the file; `--publish` stores
them as api test results, which the coverage report then counts per operation.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import pytest

from tests.e2e.accord_cli import environment_for, run_accord
from tests.e2e.conftest import free_port
from tests.e2e.test_cli import ok
from tests.e2e.test_probe import DEADLINE_MS, provider
from tests.support import probe_provider

pytestmark = pytest.mark.e2e

EXIT_USAGE = 2
EXIT_NOT_PUBLISHED = 3
EXIT_UNREADABLE = 125


def _files(tmp_path: Path) -> tuple[Path, Path]:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(probe_provider.document_yaml())
    credentials = tmp_path / "credentials.json"
    credentials.write_text(json.dumps(probe_provider.CREDENTIALS))
    return spec, credentials


def _probe(
    tmp_path: Path, broker_url: str, provider_url: str, proxy_url: str, *extra: str
) -> tuple[int, str, str]:
    _, credentials = _files(tmp_path)
    argv = ["probe", "--provider-base-url", provider_url, "--credentials", str(credentials)]
    argv += ["--deadline-ms", str(DEADLINE_MS), "--dependency", f"warehouse={proxy_url}"]
    argv += ["--output", "json", *extra]
    result = run_accord(argv, environment_for(broker_url))
    return result.returncode, result.stdout, result.stderr


def _outcomes(out: str) -> list[tuple[str, str, str, str, int]]:
    return sorted(
        (r["operation"], r["check"], r["outcome"], r["expected"], r["requests"])
        for r in json.loads(out)
    )


def test_probing_the_brokers_document_and_publishing_feeds_the_coverage_report(
    broker_url: str, tmp_path: Path
) -> None:
    spec, _ = _files(tmp_path)
    ok(
        broker_url,
        "publish-provider-contract",
        str(spec),
        "--provider",
        "Orders",
        "--provider-app-version",
        "1.0.0",
    )
    before = httpx.get(f"{broker_url}/pacticipants/Orders/coverage", params={"version": "1.0.0"})
    assert before.status_code == 200, before.text
    assert all(point["tests"] == 0 for point in before.json()["points"])

    # A provider each: its rate limit window starts afresh for each probe.
    (tmp_path / "stored").mkdir()
    with provider(tmp_path / "stored") as (provider_url, proxy_url):
        code, stored_out, err = _probe(
            tmp_path,
            broker_url,
            provider_url,
            proxy_url,
            *("--provider", "Orders", "--provider-app-version", "1.0.0"),
            *("--publish", "--branch", "main"),
        )
    assert code == 0, stored_out + err
    assert err == ""
    (tmp_path / "file").mkdir()
    with provider(tmp_path / "file") as (provider_url, proxy_url):
        code, file_out, err = _probe(
            tmp_path, broker_url, provider_url, proxy_url, "--openapi", str(spec)
        )
    assert code == 0, file_out + err
    assert _outcomes(stored_out) == _outcomes(file_out)

    results = httpx.get(f"{broker_url}/pacticipants/Orders/versions/1.0.0/test-results")
    assert results.status_code == 200, results.text
    reports = results.json()["_embedded"]["testResults"]
    assert [(r["kind"], r["branch"], r["systems"]) for r in reports] == [
        ("api", "main", ["Orders"])
    ]
    assert reports[0]["tests"] == len(json.loads(stored_out))
    assert reports[0]["failures"] == 0

    report = httpx.get(f"{broker_url}/pacticipants/Orders/coverage", params={"version": "1.0.0"})
    assert report.status_code == 200, report.text
    scenarios = {
        point["name"]: set(point["scenarios"])
        for point in report.json()["points"]
        if point["direction"] == "exposed"
    }
    assert scenarios["GET /orders"] >= {"auth", "rate limit"}
    assert scenarios["POST /orders"] >= {"auth", "validation"}
    assert scenarios["GET /orders/{orderId}"] >= {"auth", "validation", "not found"}
    assert scenarios["GET /stock"] >= {"auth", "timeout"}


def test_a_version_without_a_stored_document_is_one_sentence_and_125(
    broker_url: str, tmp_path: Path
) -> None:
    _, credentials = _files(tmp_path)
    argv = ["probe", "--provider-base-url", "http://127.0.0.1:9", "--credentials"]
    argv += [str(credentials), "--provider", "Orders", "--spec-version", "9.9.9"]
    result = run_accord(argv, environment_for(broker_url))
    assert result.returncode == EXIT_UNREADABLE, result.stdout + result.stderr
    assert result.stderr.startswith(
        "The OpenAPI document of Orders version 9.9.9 cannot be read from the broker: "
    )
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""


def test_a_publish_that_fails_prints_the_results_one_sentence_and_exits_3(
    tmp_path: Path,
) -> None:
    spec, _ = _files(tmp_path)
    nobody = f"http://127.0.0.1:{free_port()}"
    with provider(tmp_path) as (provider_url, proxy_url):
        code, out, err = _probe(
            tmp_path,
            nobody,
            provider_url,
            proxy_url,
            *("--openapi", str(spec), "--operation", "getOrder"),
            *("--publish", "--provider", "Orders", "--provider-app-version", "1.0.0"),
        )
    assert code == EXIT_NOT_PUBLISHED, out + err
    assert {r["operation"] for r in json.loads(out)} == {"getOrder"}
    assert err.startswith("The probe results of Orders version 1.0.0 were not published: ")
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("flags", "sentence"),
    [
        (["--spec-version", "1.0.0", "--openapi", "x.yaml"], "Give either --openapi or"),
        (["--openapi", "x.yaml", "--provider", "Orders"], "--provider is only used with"),
        (["--openapi", "x.yaml", "--branch", "main"], "--branch is only used with"),
        (["--provider-app-version", "1.0.0"], "Probing without --openapi needs --provider."),
        (["--provider", "Orders"], "Without --openapi, give --provider-app-version or"),
        (["--openapi", "x.yaml", "--publish", "--provider", "O"], "--publish needs --provider-app"),
        (["--provider", "O", "--spec-version", "1", "--branch", "m"], "--branch is only used with"),
        (["--provider", "O", "--spec-version", "1"], "Probing without --openapi needs --broker"),
    ],
)
def test_flags_that_do_not_go_together_are_one_sentence_and_exit_2(
    flags: list[str], sentence: str
) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PACT_BROKER_")}
    argv = ["probe", "--provider-base-url", "http://127.0.0.1:9", *flags]
    result = run_accord(argv, env)
    assert result.returncode == EXIT_USAGE, result.stderr
    assert result.stderr.startswith(sentence)
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""
