"""`accord broker serve` and `accord broker migrate` as a user runs them."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import free_port, running_broker

pytestmark = pytest.mark.e2e


def accord(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the installed `accord` console script."""
    executable = Path(sys.executable).with_name("accord")
    return subprocess.run(
        [str(executable), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}, **env},
    )


def test_serve_defaults_to_a_sqlite_file_in_the_working_directory(tmp_path: Path) -> None:
    port = free_port()
    with subprocess.Popen(
        [str(Path(sys.executable).with_name("accord")), "broker", "serve", "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")},
    ) as process:
        try:
            assert process.stdout is not None
            first_line = process.stdout.readline()
            assert first_line.startswith(
                f"Accord broker listening on http://127.0.0.1:{port} using sqlite:///"
            )
            assert str(tmp_path / "accord.db") in first_line
            status = 0
            for _ in range(200):
                try:
                    status = httpx.get(
                        f"http://127.0.0.1:{port}/diagnostic/status/dependencies", timeout=1
                    ).status_code
                    break
                except httpx.TransportError:
                    time.sleep(0.05)
            assert status == 200
            assert (tmp_path / "accord.db").exists()
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_serve_hides_the_database_password(tmp_path: Path, postgres_database_url: str) -> None:
    url = postgres_database_url.replace("postgres@", "postgres:s3cret@")
    port = free_port()
    with subprocess.Popen(
        [sys.executable, "-m", "broker", "serve", "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "ACCORD_DATABASE_URL": url},
    ) as process:
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            assert "postgres:***@127.0.0.1:5432" in line
            assert "s3cret" not in line
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_migrate_applies_then_reports_up_to_date(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    first = accord("broker", "migrate", cwd=tmp_path, ACCORD_DATABASE_URL=url)
    assert first.returncode == 0, first.stderr
    from broker.storage.migrations import migrations_for

    known = migrations_for("sqlite")
    assert f"Applied {len(known)} migration(s)" in first.stdout
    assert all(f"{m.version:04d}_{m.name}" in first.stdout for m in known)
    second = accord("broker", "migrate", cwd=tmp_path, ACCORD_DATABASE_URL=url)
    assert second.returncode == 0
    assert "is up to date" in second.stdout


def test_a_database_from_a_newer_accord_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    db = tmp_path / "newer.db"
    url = f"sqlite:///{db}"
    assert accord("broker", "migrate", cwd=tmp_path, ACCORD_DATABASE_URL=url).returncode == 0
    with sqlite3.connect(db) as connection:
        connection.execute(
            "INSERT INTO schema_migrations VALUES (9999, 'from_the_future', '2030-01-01')"
        )
    migrate = accord("broker", "migrate", cwd=tmp_path, ACCORD_DATABASE_URL=url)
    assert migrate.returncode == 1
    assert "schema is at version 9999" in migrate.stderr
    assert "Traceback" not in migrate.stderr
    serve = accord(
        "broker", "serve", "--port", str(free_port()), cwd=tmp_path, ACCORD_DATABASE_URL=url
    )
    assert serve.returncode != 0
    assert "schema is at version 9999" in serve.stdout + serve.stderr
    assert "Traceback" not in serve.stdout + serve.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("ACCORD_DATABASE_URL", "mysql://x", "ACCORD_DATABASE_URL must start with"),
        ("ACCORD_LOG_LEVEL", "loud", "ACCORD_LOG_LEVEL must be"),
        ("ACCORD_LOG_FORMAT", "xml", "ACCORD_LOG_FORMAT must be"),
        ("ACCORD_BASE_URL", "ftp://x", "ACCORD_BASE_URL must be"),
        ("ACCORD_MAX_BODY_BYTES", "lots", "ACCORD_MAX_BODY_BYTES must be"),
    ],
)
def test_bad_settings_are_one_sentence_and_exit_1(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    result = accord("broker", "serve", cwd=tmp_path, **{variable: value})
    assert result.returncode == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_json_logs_are_one_object_per_line(tmp_path: Path) -> None:
    with running_broker(
        f"sqlite:///{tmp_path / 'j.db'}", tmp_path, ACCORD_LOG_FORMAT="json"
    ) as url:
        httpx.get(url + "/")
    log = next(tmp_path.glob("broker-*.log")).read_text().splitlines()
    entries = [json.loads(line) for line in log[1:] if line.strip()]  # the first line is the banner
    assert entries and all({"time", "level", "logger", "message"} <= set(e) for e in entries)


def test_base_url_setting_is_used_for_links(tmp_path: Path) -> None:
    with running_broker(
        f"sqlite:///{tmp_path / 'b.db'}", tmp_path, ACCORD_BASE_URL="https://pacts.example.com/"
    ) as url:
        links = httpx.get(url + "/").json()["_links"]
    assert links["pb:environments"]["href"] == "https://pacts.example.com/environments"


def test_concurrent_writes_never_fail(broker_url_each_backend: str) -> None:
    """Many clients creating the same pacticipants, branches and tags at once all succeed."""
    broker_url = broker_url_each_backend

    async def hammer() -> list[int]:
        async with httpx.AsyncClient(base_url=broker_url, timeout=60) as client:
            requests = [
                client.put(f"/pacticipants/P{i % 5}/branches/main/versions/{i % 40}", json={})
                for i in range(200)
            ] + [
                client.put(f"/pacticipants/P{i % 5}/versions/{i % 40}/tags/t{i % 3}", json={})
                for i in range(100)
            ]
            return [r.status_code for r in await asyncio.gather(*requests)]

    statuses = asyncio.run(hammer())
    assert set(statuses) <= {200, 201}, statuses
    numbers = [
        {
            v["number"]
            for v in httpx.get(f"{broker_url}/pacticipants/P{i}/versions").json()["_embedded"][
                "versions"
            ]
        }
        for i in range(5)
    ]
    assert [len(n) for n in numbers] == [8] * 5


def test_concurrent_deployments_leave_one_current_version(broker_url_each_backend: str) -> None:
    """Deploying many versions at once to one environment and instance keeps exactly one."""
    broker_url = broker_url_each_backend
    env = httpx.post(f"{broker_url}/environments", json={"name": "prod", "production": True}).json()
    for i in range(20):
        httpx.put(f"{broker_url}/pacticipants/A/versions/{i}", json={})

    async def deploy_all() -> list[int]:
        async with httpx.AsyncClient(base_url=broker_url, timeout=60) as client:
            calls = [
                client.post(
                    f"/pacticipants/A/versions/{i}/deployed-versions/environment/{env['uuid']}",
                    json={},
                )
                for i in range(20)
            ]
            return [r.status_code for r in await asyncio.gather(*calls)]

    assert set(asyncio.run(deploy_all())) == {201}
    current = httpx.get(
        f"{broker_url}/environments/{env['uuid']}/deployed-versions/currently-deployed"
    ).json()["_embedded"]["deployedVersions"]
    assert len(current) == 1


def test_two_brokers_share_one_sqlite_file(tmp_path: Path) -> None:
    """A second process (say, a migrate or another broker) on the same file waits, never errs."""
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    with running_broker(url, tmp_path) as one, running_broker(url, tmp_path) as two:

        async def both() -> list[int]:
            async with httpx.AsyncClient(timeout=60) as client:
                calls = [
                    client.put(f"{(one, two)[i % 2]}/pacticipants/A/versions/{i}/tags/t", json={})
                    for i in range(60)
                ]
                return [r.status_code for r in await asyncio.gather(*calls)]

        assert set(asyncio.run(both())) == {201}
        assert httpx.get(f"{one}/pacticipants/A/versions").json()["page"]["totalElements"] == 60


def test_allow_contract_modification_setting_must_be_true_or_false(tmp_path: Path) -> None:
    result = accord("broker", "serve", cwd=tmp_path, ACCORD_ALLOW_CONTRACT_MODIFICATION="maybe")
    assert result.returncode == 1
    assert "ACCORD_ALLOW_CONTRACT_MODIFICATION must be true or false" in result.stderr
