"""What deploy/docker/Dockerfile's image runs, run here without Docker.

The wheel with the broker extra in a fresh virtual environment, started as a user without
privileges with the Dockerfile's own ENV, ENTRYPOINT and CMD; the smoke test a platform team
runs against a new image (publish a pact, fetch it, can-i-deploy); the HEALTHCHECK command; and
SIGTERM in the middle of a request: the request finishes, then the process exits 0.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.deploy.conftest import DOCKERFILE, REPOSITORY, tool
from tests.deploy.dockerfile import Stage, last_stage
from tests.e2e.conftest import free_port

pytestmark = pytest.mark.e2e

TOKEN = "image-smoke-test-admin-token"
NOBODY = 65534
IMAGE_VENV = "/opt/accord"


def pact(description: str) -> dict[str, Any]:
    return {
        "consumer": {"name": "Web"},
        "provider": {"name": "Orders"},
        "interactions": [
            {
                "description": description,
                "request": {"method": "GET", "path": "/orders/1"},
                "response": {"status": 200, "body": {"id": 1}},
            }
        ],
        "metadata": {"pactSpecification": {"version": "2.0.0"}},
    }


def test_hadolint_passes_on_the_dockerfile() -> None:
    linted = subprocess.run(
        [str(tool("hadolint")), "--failure-threshold", "info", str(DOCKERFILE)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_the_image_runs_the_broker_as_an_unprivileged_user_configured_by_accord_variables() -> None:
    stage = last_stage(DOCKERFILE)
    assert stage.base.startswith("python:") and "slim" in stage.base
    assert stage.user.split(":")[0] not in {"root", "0"}
    assert stage.command == ["accord", "broker", "serve", "--host", "0.0.0.0"]
    assert stage.healthcheck == ["python", f"{IMAGE_VENV}/healthcheck.py"]
    settings = {name for name in stage.env if name not in {"PATH"}}
    assert {name for name in settings if not name.startswith("ACCORD_")} <= {
        "PYTHONUNBUFFERED",
        "PYTHONDONTWRITEBYTECODE",
    }
    assert stage.env["ACCORD_PORT"] in stage.exposed


@dataclass
class Container:
    """The image's process run here: its folders stand in for the image's."""

    stage: Stage
    venv: Path
    data: Path
    port: int

    def path(self, text: str) -> str:
        """A value of the Dockerfile with the image's folders mapped to this run's."""
        return text.replace(IMAGE_VENV, str(self.venv)).replace(self.stage.workdir, str(self.data))

    def environment(self, **extra: str) -> dict[str, str]:
        """What `docker run -e ACCORD_ADMIN_TOKEN=… -e ACCORD_PORT=…` gives the process."""
        env = {
            "PATH": f"{self.venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
            "HOME": str(self.data),
            "LANG": "C.UTF-8",
        }
        env.update({name: self.path(value) for name, value in self.stage.env.items()})
        env["PATH"] = f"{self.venv / 'bin'}:/usr/local/bin:/usr/bin:/bin"
        env.update({"ACCORD_ADMIN_TOKEN": TOKEN, "ACCORD_PORT": str(self.port), **extra})
        return env

    def as_user(self, command: list[str]) -> list[str]:
        """The command as the image's unprivileged user would run it (here: nobody)."""
        if os.geteuid() != 0:
            return command  # already unprivileged
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv (util-linux) to drop to nobody")
        return [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command]

    @contextmanager
    def running(self) -> Iterator[subprocess.Popen[str]]:
        """The CMD started in the WORKDIR; yields once the heartbeat answers."""
        log = (self.data / "broker.log").open("a")
        process = subprocess.Popen(
            self.as_user(self.stage.command),
            cwd=self.data,
            env=self.environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            deadline = time.monotonic() + 60
            # One client polls: a new one per attempt would load the CA bundle each time.
            with httpx.Client(timeout=1) as client:
                while not self.answers(client):
                    if process.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(f"the broker did not start:\n{self.log()}", pytrace=False)
                    time.sleep(0.05)
            yield process
        finally:
            if process.poll() is None:
                process.kill()
            process.wait(30)
            log.close()

    def answers(self, client: httpx.Client) -> bool:
        try:
            return client.get(f"{self.url}/diagnostic/status/heartbeat").status_code == 200
        except httpx.TransportError:
            return False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return (self.data / "broker.log").read_text()

    def accord(self, *args: str) -> subprocess.CompletedProcess[str]:
        """The image's own `accord` command, as a pipeline would run it against the broker."""
        return subprocess.run(
            [str(self.venv / "bin" / "accord"), *args],
            cwd=self.data,
            env={
                "PATH": os.environ["PATH"],
                "PACT_BROKER_BASE_URL": self.url,
                "PACT_BROKER_TOKEN": TOKEN,
            },
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip

    def healthcheck(self) -> int:
        command = [self.path(word) for word in self.stage.healthcheck]
        return subprocess.run(
            self.as_user(command), env=self.environment(), capture_output=True, timeout=30,
            check=False,
        ).returncode  # fmt: skip


@pytest.fixture
def container(image_venv: Path, image_root: Path, tmp_path: Path) -> Container:
    stage = last_stage(DOCKERFILE)
    for source, destination in stage.copies:
        if destination.startswith(IMAGE_VENV + "/"):  # the HEALTHCHECK script
            shutil.copy(REPOSITORY / source, destination.replace(IMAGE_VENV, str(image_venv)))
    data = image_root / f"data-{tmp_path.name}"
    data.mkdir()
    if os.geteuid() == 0:
        os.chown(data, NOBODY, NOBODY)
    return Container(stage=stage, venv=image_venv, data=data, port=free_port())


def owner_of(pid: int) -> int:
    """The real user id of a running process."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Uid:"):
            return int(line.split()[1])
    raise AssertionError(f"no Uid line for process {pid}")


def test_the_image_serves_publish_fetch_and_can_i_deploy_as_a_user_without_privileges(
    container: Container,
) -> None:
    (container.data / "pacts").mkdir()
    (container.data / "pacts" / "Web-Orders.json").write_text(json.dumps(pact("an order")))
    with container.running() as process:
        assert owner_of(process.pid) != 0
        assert container.healthcheck() == 0
        assert (container.data / "accord.db").exists()  # the image's default database

        published = container.accord(
            "publish", str(container.data / "pacts"), "--consumer-app-version", "1.0.0",
            "--branch", "main",
        )  # fmt: skip
        assert published.returncode == 0, published.stderr + container.log()
        headers = {"Authorization": f"Bearer {TOKEN}"}
        with httpx.Client(base_url=container.url, headers=headers, timeout=30) as http:
            assert http.get("/pacts/provider/Orders/consumer/Web/latest").status_code == 200
            assert httpx.get(f"{container.url}/pacticipants", timeout=30).status_code == 401
            fetched = http.get("/pacts/provider/Orders/consumer/Web/version/1.0.0")
            assert fetched.status_code == 200
            assert fetched.json()["interactions"][0]["description"] == "an order"
            results = fetched.json()["_links"]["pb:publish-verification-results"]["href"]
            verified = http.post(
                results, json={"success": True, "providerApplicationVersion": "2.0.0"}
            )
            assert verified.status_code == 201, verified.text

        for args in (
            ("create-environment", "--name", "production", "--production"),
            ("record-deployment", "--pacticipant", "Orders", "--version", "2.0.0",
             "--environment", "production"),
        ):  # fmt: skip
            done = container.accord(*args)
            assert done.returncode == 0, done.stdout + done.stderr
        allowed = container.accord(
            "can-i-deploy", "--pacticipant", "Web", "--version", "1.0.0",
            "--to-environment", "production",
        )  # fmt: skip
        assert allowed.returncode == 0, allowed.stdout + allowed.stderr
        (container.data / "pacts" / "Web-Orders.json").write_text(json.dumps(pact("a refund")))
        assert container.accord(
            "publish", str(container.data / "pacts"), "--consumer-app-version", "1.0.1",
        ).returncode == 0  # fmt: skip
        refused = container.accord(
            "can-i-deploy", "--pacticipant", "Web", "--version", "1.0.1",
            "--to-environment", "production",
        )  # fmt: skip
        assert refused.returncode == 1, refused.stdout + refused.stderr


def read_head(connection: socket.socket) -> bytes:
    """One response's status line and headers, read byte by byte (the body is left unread)."""
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        byte = connection.recv(1)
        if not byte:
            break
        head += byte
    return head


def refused(port: int) -> bool:
    """Whether a new connection to the port is refused (the server stopped listening)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return False
    except ConnectionRefusedError:
        return True


def test_sigterm_lets_the_request_in_flight_finish_then_the_broker_exits_cleanly(
    container: Container,
) -> None:
    body = json.dumps(pact("published during shutdown")).encode()
    head = (
        f"PUT /pacts/provider/Orders/consumer/Web/version/3.0.0 HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{container.port}\r\nAuthorization: Bearer {TOKEN}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        "Expect: 100-continue\r\n\r\n"
    ).encode()
    with container.running() as process:
        with socket.create_connection(("127.0.0.1", container.port), timeout=60) as request:
            request.sendall(head)
            # The server says "100 Continue" when the handler first asks for the body: from
            # here the request is in flight inside the application.
            assert read_head(request).startswith(b"HTTP/1.1 100"), container.log()
            request.sendall(body[: len(body) // 2])
            process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 30
            while not refused(container.port):  # it stopped accepting new connections
                assert time.monotonic() < deadline, container.log()
                time.sleep(0.05)
            assert process.poll() is None  # but still serves the request it has
            request.sendall(body[len(body) // 2 :])
            answer = read_head(request)
        assert answer.startswith(b"HTTP/1.1 201"), answer.decode(errors="replace")
        # uvicorn finishes its shutdown, then re-raises the signal it caught so the parent sees
        # how the process ended (docker reports 143); older versions exit 0.
        assert process.wait(timeout=60) in {0, -signal.SIGTERM}, container.log()
        assert container.healthcheck() == 1  # nothing answers the heartbeat now
    log = container.log()
    assert "Traceback" not in log
    # The publication was written before the application (and its webhook worker) shut down.
    assert log.index("audit head 1:") < log.index("Application shutdown complete")

    with container.running():  # the publication made during shutdown was committed
        fetched = httpx.get(
            f"{container.url}/pacts/provider/Orders/consumer/Web/version/3.0.0",
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=30,
        )
        assert fetched.status_code == 200
        assert fetched.json()["interactions"][0]["description"] == "published during shutdown"
