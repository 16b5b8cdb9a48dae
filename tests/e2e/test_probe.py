"""`accord probe` against a provider written for the tests, run as a process on 127.0.0.1.

The provider (`tests/support/probe_provider.py`) passes every probe; each seeded bug fails
exactly its own check. Its dependency is reached through `accord fault-proxy`, which the
timeout check slows. The provider counts the requests each operation gets: the probe never
sends more than the documented bound, and exactly what its results say it sent.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.e2e.accord_cli import run_accord
from tests.e2e.conftest import free_port
from tests.support import probe_provider
from tests.support.processes import fault_proxy, running_process
from verifier.probe.plan import MAX_VALIDATION_REQUESTS

AUTH_CHECKS = 5
DEADLINE_MS = 4000  # the provider gives up on its dependency after 1.5 s


@contextmanager
def provider(tmp_path: Path, bug: str | None = None) -> Iterator[tuple[str, str]]:
    """The test provider behind its fault proxy: (provider URL, fault proxy URL)."""
    provider_port, proxy_port = free_port(), free_port()
    provider_url = f"http://127.0.0.1:{provider_port}"
    with fault_proxy(proxy_port, provider_url, tmp_path / "proxy.log") as proxy_url:
        argv = ["-m", "tests.support.probe_provider", "--port", str(provider_port)]
        argv += ["--dependency-url", proxy_url, *(["--bug", bug] if bug else [])]
        with running_process(argv, f"{provider_url}/__counts", tmp_path / "provider.log"):
            yield provider_url, proxy_url


def probe(tmp_path: Path, provider_url: str, proxy_url: str, *extra: str) -> tuple[int, str, str]:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(probe_provider.document_yaml())
    credentials = tmp_path / "credentials.json"
    credentials.write_text(json.dumps(probe_provider.CREDENTIALS))
    argv = ["probe", "--openapi", str(spec), "--provider-base-url", provider_url]
    argv += ["--credentials", str(credentials), "--deadline-ms", str(DEADLINE_MS)]
    argv += ["--dependency", f"warehouse={proxy_url}", *extra]
    result = run_accord(argv, dict(os.environ))
    return result.returncode, result.stdout, result.stderr


def documented_bound(operation: dict[str, object]) -> int:
    """The README's bound: 1 per auth check, validation's cap, 1 not-found, burst + 2, 1 timeout."""
    bound = AUTH_CHECKS + MAX_VALIDATION_REQUESTS + 1 + 1
    responses = operation["responses"]
    assert isinstance(responses, dict)
    if "429" in responses:
        bound += probe_provider.RATE_LIMIT + 2
    return bound


def test_the_correct_provider_passes_every_probe_within_the_request_bound(tmp_path: Path) -> None:
    with provider(tmp_path) as (provider_url, proxy_url):
        code, out, err = probe(tmp_path, provider_url, proxy_url, "--output", "json")
        counts = httpx.get(f"{provider_url}/__counts").json()
    assert code == 0, out + err
    results = json.loads(out)
    outcomes = {(r["operation"], r["check"]): r["outcome"] for r in results}
    passed = {key for key, outcome in outcomes.items() if outcome == "passed"}
    assert passed == {
        *(
            (op, f"auth.{role}")
            for op in ("listOrders", "createOrder", "getOrder", "getStock")
            for role in ("missing", "invalid", "expired", "valid")
        ),
        ("createOrder", "auth.forbidden"),
        ("createOrder", "validation"),
        ("getOrder", "validation"),
        ("getOrder", "not-found"),
        ("listOrders", "rate-limit"),
        ("getStock", "timeout"),
    }
    assert "failed" not in outcomes.values(), out
    assert all(r["detail"] for r in results if r["outcome"] == "skipped")
    assert outcomes[("listOrders", "not-found")] == "skipped"
    paths = probe_provider.DOCUMENT["paths"]
    operations = {
        details["operationId"]: details for item in paths.values() for details in item.values()
    }
    for name, operation in operations.items():
        sent = sum(r["requests"] for r in results if r["operation"] == name)
        assert counts[name] == sent, name
        assert counts[name] <= documented_bound(operation), name


@pytest.mark.parametrize(
    ("bug", "check"),
    [
        ("expired-accepted", "auth.expired"),
        ("missing-token-500", "auth.missing"),
        ("required-field-500", "validation"),
        ("no-429", "rate-limit"),
        ("dependency-hang", "timeout"),
        ("error-body-schema", "validation"),
    ],
)
def test_each_seeded_bug_fails_exactly_its_own_check(tmp_path: Path, bug: str, check: str) -> None:
    with provider(tmp_path, bug) as (provider_url, proxy_url):
        code, out, err = probe(tmp_path, provider_url, proxy_url, "--output", "json")
    assert code == 1, out + err
    failed = [r for r in json.loads(out) if r["outcome"] == "failed"]
    assert failed
    assert {r["check"] for r in failed} == {check}, json.dumps(failed, indent=1)
    for result in failed:
        assert result["detail"].startswith(f"{result['operation']} {check}: ")


def test_the_error_body_bug_is_named_with_the_broken_member(tmp_path: Path) -> None:
    with provider(tmp_path, "error-body-schema") as (provider_url, proxy_url):
        code, out, _ = probe(
            tmp_path, provider_url, proxy_url, "--operation", "createOrder", "--output", "text"
        )
    assert code == 1
    assert "FAILED  createOrder  validation" in out
    assert "breaks its declared schema" in out
    assert "'error' is missing" in out


def test_junit_output_has_a_testcase_per_check(tmp_path: Path) -> None:
    with provider(tmp_path, "dependency-hang") as (provider_url, proxy_url):
        code, out, _ = probe(
            tmp_path, provider_url, proxy_url, "--operation", "getStock", "--output", "junit"
        )
    assert code == 1
    suite = ET.fromstring(out).find("testsuite")
    assert suite is not None
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert len(cases) == 9
    failure = cases["getStock timeout"].find("failure")
    assert failure is not None
    assert "no answer within the deadline" in (failure.text or "")
    assert cases["getStock auth.valid"].find("failure") is None


def test_an_unknown_operation_is_refused_with_the_known_ones(tmp_path: Path) -> None:
    code, _, err = probe(
        tmp_path, "http://127.0.0.1:9", "http://127.0.0.1:9", "--operation", "nope"
    )
    assert code == 125
    assert "No operation nope in the document" in err
    assert "createOrder" in err
