"""What a Dockerfile's last stage runs: its ENV, USER, WORKDIR, ENTRYPOINT, CMD and HEALTHCHECK.

The image cannot be built here (no Docker daemon), so the tests read these from the file itself
and run the same command, with the same environment, outside a container.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Stage:
    """The instructions of one `FROM` stage that decide how its container runs."""

    base: str
    env: dict[str, str] = field(default_factory=dict)
    user: str = "root"
    workdir: str = "/"
    entrypoint: list[str] = field(default_factory=list)
    cmd: list[str] = field(default_factory=list)
    healthcheck: list[str] = field(default_factory=list)
    # (sources separated by spaces, destination) of each COPY.
    copies: list[tuple[str, str]] = field(default_factory=list)
    exposed: list[str] = field(default_factory=list)

    @property
    def python_version(self) -> str:
        """`3.11` of `python:3.11-slim-bookworm`."""
        tag = self.base.partition(":")[2]
        return ".".join(tag.split("-")[0].split(".")[:2])

    @property
    def command(self) -> list[str]:
        """ENTRYPOINT followed by CMD, as the container starts."""
        return [*self.entrypoint, *self.cmd]


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined and comments dropped."""
    joined: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        joined.append(pending + line)
        pending = ""
    pairs = []
    for line in joined:
        keyword, _, rest = line.partition(" ")
        pairs.append((keyword.upper(), rest.strip()))
    return pairs


def _exec_form(arguments: str) -> list[str]:
    """The JSON (exec) form: a shell form would put `/bin/sh -c` between docker and the broker,
    and the shell, not the broker, would get SIGTERM."""
    value = json.loads(arguments)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"not an exec-form array: {arguments}")
    return value


def stages(path: Path) -> list[Stage]:
    """Each `FROM` stage of the file, in order."""
    found: list[Stage] = []
    args: dict[str, str] = {}
    for keyword, rest in instructions(path.read_text()):
        if keyword == "ARG" and not found:
            name, _, default = rest.partition("=")
            args[name] = default
        elif keyword == "FROM":
            image = rest.split()[0]
            for name, value in args.items():
                image = image.replace("${" + name + "}", value)
            found.append(Stage(base=image))
        elif found:
            _apply(found[-1], keyword, rest)
    if not found:
        raise ValueError(f"{path} has no FROM")
    return found


def last_stage(path: Path) -> Stage:
    """The stage the image runs: the last `FROM` and what follows it."""
    return stages(path)[-1]


def _apply(stage: Stage, keyword: str, rest: str) -> None:
    """Record one instruction of the stage (those that do not decide how it runs are skipped)."""
    if keyword == "ENV":
        for pair in shlex.split(rest):
            name, _, value = pair.partition("=")
            stage.env[name] = value
    elif keyword in {"USER", "WORKDIR"}:
        setattr(stage, keyword.lower(), rest)
    elif keyword in {"ENTRYPOINT", "CMD"}:
        setattr(stage, keyword.lower(), _exec_form(rest))
    elif keyword == "EXPOSE":
        stage.exposed.extend(rest.split())
    elif keyword == "HEALTHCHECK":
        stage.healthcheck = _exec_form(rest.partition("CMD ")[2])
    elif keyword == "COPY":
        words = [word for word in rest.split() if not word.startswith("--")]
        stage.copies.append((" ".join(words[:-1]), words[-1]))
