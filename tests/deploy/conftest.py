"""Fixtures for deploy/: the wheel as the image builds it, installed as the image installs it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy.dockerfile import last_stage, stages
from tests.deploy.wheelhouse import requirements_of, wheelhouse

REPOSITORY = Path(__file__).resolve().parents[2]
DEPLOY = REPOSITORY / "deploy"
DOCKERFILE = DEPLOY / "docker" / "Dockerfile"


def tool(name: str) -> Path:
    """A command installed beside the test interpreter by the test extra (hadolint…)."""
    path = Path(sys.executable).with_name(name)
    if not path.exists():
        pytest.fail(f"{name} is missing: `pip install -e '.[test]'` installs it", pytrace=False)
    return path


@pytest.fixture(scope="session")
def image_root() -> Iterator[Path]:
    """A folder every user may read: pytest's own temporary folders are private to their owner,
    and the broker runs as another user here."""
    root = Path(tempfile.mkdtemp(prefix="accord-image-"))
    root.chmod(0o755)
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def reachable_by_anyone(path: Path) -> bool:
    """Whether any user may run the file: it and every folder above it are open to others."""
    real = path.resolve()
    if not real.is_file():
        return False
    return all(folder.stat().st_mode & 0o001 for folder in [real, *real.parents])


def base_interpreter(version: str) -> Path:
    """A Python the image's user could run, as the image's own /usr/local/bin/python.

    As root, the test interpreter may live under /root (pyenv), where the unprivileged user
    cannot read its standard library; a virtual environment built on it would half work. The
    Dockerfile's Python version is preferred; any 3.11+ the user can reach will do.
    """
    own = Path(getattr(sys, "_base_executable", sys.executable))
    if os.geteuid() != 0:
        return own
    candidates = [own, Path(f"/usr/local/bin/python{version}"), Path(f"/usr/bin/python{version}"),
                  Path("/usr/local/bin/python3"), Path("/usr/bin/python3")]  # fmt: skip
    for candidate in candidates:
        if reachable_by_anyone(candidate):
            checked = subprocess.run(
                [str(candidate), "-c", "import sys, venv; print(sys.version_info >= (3, 11))"],
                capture_output=True, text=True, timeout=30, check=False,
            )  # fmt: skip
            if checked.stdout.strip() == "True":
                return candidate
    pytest.skip(f"no Python 3.11+ with venv that an unprivileged user can run ({candidates})")


@pytest.fixture(scope="session")
def image_venv(image_root: Path) -> Path:
    """The image's build stage: `pip wheel` of the repository, then the wheel with the broker
    extra installed into a fresh virtual environment (not the editable checkout).

    The wheel's dependencies come from wheels of the distributions installed beside the test
    interpreter (tests/deploy/wheelhouse.py), not from the package index: resolving some fifty
    distributions online was most of this fixture's time. Only what the wheel declares is
    installed, and no file is downloaded.
    """
    wheels = image_root / "wheels"
    # What the build stage copies, copied here: the wheel holds nothing else, and parallel
    # test workers do not share setuptools' build folder in the checkout.
    source = image_root / "source"
    for copied, _ in stages(DOCKERFILE)[0].copies:
        for name in copied.split():
            origin = REPOSITORY / name
            if origin.is_dir():
                ignored = shutil.ignore_patterns("__pycache__", "*.pyc")
                shutil.copytree(origin, source / name, ignore=ignored)
            else:
                source.mkdir(exist_ok=True)
                shutil.copy(origin, source / name)
    # Built by the setuptools of the test venv (the test extra's `setuptools>=68`, what
    # pyproject.toml's build-system asks for) rather than one installed from the index into an
    # isolated build environment: the same backend, offline.
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(wheels), str(source)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = wheels.glob("accord-*.whl")
    venv = image_root / "venv"
    python = base_interpreter(last_stage(DOCKERFILE).python_version)
    # The test interpreter's pip installs into the new environment (`pip --python`): the
    # environment needs no pip of its own, which saves installing one there.
    subprocess.run([str(python), "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    target = venv / "bin" / "python"
    same_python = subprocess.run(
        [str(target), "-c", "import sys; print(sys.version_info[:2])"],
        capture_output=True, text=True, timeout=30, check=True,
    ).stdout.strip() == str(sys.version_info[:2])  # fmt: skip
    if same_python:
        # The installed wheels fit the new environment's interpreter: install offline.
        house = image_root / "wheelhouse"
        wheelhouse(requirements_of(wheel, "broker"), house)
        source_of_dependencies = ["--no-index", "--find-links", str(house)]
    else:
        source_of_dependencies = []  # another Python version: from the index, as the image
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(target), "install",
         "--disable-pip-version-check", "--quiet", "--no-compile", *source_of_dependencies,
         f"{wheel}[broker]"],
        capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "PIP_NO_INPUT": "1"},
    )  # fmt: skip
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return venv
