"""`accord verify` as a user runs it: a subprocess, pact files, a real provider, exit codes."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.verifier.conftest import PROVIDER, user_pact, without_broken, write_pact
from tests.support.provider_app import TOKEN, create_app, running_provider

pytestmark = pytest.mark.e2e


@pytest.fixture
def provider_url() -> Iterator[str]:
    with running_provider(create_app()) as url:
        yield url


def accord(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "clients.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def against(provider_url: str, *args: str) -> list[str]:
    return [
        "verify", *args,
        "--provider", PROVIDER,
        "--provider-base-url", provider_url,
        "--provider-states-setup-url", f"{provider_url}/_pact/provider-states",
        "--custom-header", f"Authorization: Bearer {TOKEN}",
    ]  # fmt: skip


def test_a_passing_pact_file_exits_0(provider_url: str, tmp_path: Path) -> None:
    pact = write_pact(tmp_path, without_broken(user_pact()))
    done = accord(*against(provider_url, str(pact)))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 interactions in 1 pacts: 3 passed; verification passed." in done.stdout


def test_a_broken_provider_exits_1_naming_interaction_path_and_difference(
    provider_url: str, tmp_path: Path
) -> None:
    pact = write_pact(tmp_path, user_pact())
    done = accord(*against(provider_url, str(tmp_path)))
    assert done.returncode == 1
    assert "a request for the broken resource ... FAILED" in done.stdout
    assert '$.body.id: expected an integer but got "seven"' in done.stdout
    assert done.stderr == ""
    assert pact.exists()


def test_junit_output_for_ci(provider_url: str, tmp_path: Path) -> None:
    pact = write_pact(tmp_path, user_pact())
    done = accord(*against(provider_url, str(pact), "--output", "junit", "--sequential"))
    assert done.returncode == 1
    assert done.stdout.startswith("<?xml")
    assert 'tests="4" failures="1" errors="0" skipped="0"' in done.stdout


@pytest.mark.parametrize(
    ("extra", "sentence"),
    [
        (["--publish"], "--publish needs --provider-app-version."),
        (["--custom-header", "NoColon"], "--custom-header 'NoColon' is not 'Name: value'."),
        (["missing.json"], "missing.json is neither a pact file, a folder nor a URL."),
        (
            ["--broker-url", "http://127.0.0.1:9", "--consumer-version-selectors", "{nope"],
            "--consumer-version-selectors '{nope' is not JSON.",
        ),
    ],
)
def test_bad_usage_is_one_sentence_and_exit_1(
    provider_url: str, tmp_path: Path, extra: list[str], sentence: str
) -> None:
    pact = write_pact(tmp_path, user_pact())
    sources = [] if extra[0] in {"missing.json", "--broker-url"} else [str(pact)]
    done = accord(*against(provider_url, *sources, *extra))
    assert (done.returncode, done.stderr) == (1, sentence + "\n")


def test_a_file_that_is_not_a_pact_is_one_sentence(provider_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    done = accord(*against(provider_url, str(bad)))
    assert done.returncode == 1
    assert done.stderr.startswith(f"The file {bad} is not a pact: it is not JSON")
    assert len(done.stderr.splitlines()) == 1
