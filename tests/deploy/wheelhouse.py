"""Wheels of the distributions installed beside the test interpreter, for offline installs.

The image's build stage installs the accord wheel with its broker extra from the package index.
Resolving and downloading some fifty distributions from the index was most of the time of
tests/deploy, and needs the network; the test venv already holds every one of them, installed
from that same index by `pip install -e '.[test]'`. `wheelhouse` packs the installed files of
the distributions some requirements need (and theirs, recursively) back into wheels, so that
`pip install --no-index --find-links WHEELHOUSE 'accord-….whl[broker]'` resolves the wheel's own
declared dependencies offline: a dependency the wheel forgets to declare is still missing from
the fresh environment, as it would be from the image.
"""

from __future__ import annotations

import base64
import hashlib
import re
import sys
import zipfile
from collections.abc import Iterable
from email.parser import Parser
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.tags import sys_tags
from packaging.utils import canonicalize_name

# What an installer writes into a dist-info folder; the wheel it came from had none of them.
_INSTALLER_FILES = {"INSTALLER", "REQUESTED", "direct_url.json", "RECORD"}


def needed(requirements: Iterable[str]) -> dict[str, metadata.Distribution]:
    """The installed distributions that `requirements` need, with their own needs, by name."""
    found: dict[str, metadata.Distribution] = {}
    pending = [(Requirement(text), "") for text in requirements]
    while pending:
        requirement, extra = pending.pop()
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": extra}):
            continue
        name = canonicalize_name(requirement.name)
        first_visit = name not in found
        if first_visit:
            found[name] = metadata.distribution(requirement.name)
        version = found[name].version
        assert requirement.specifier.contains(version, prereleases=True), (requirement, version)
        # Each extra asked for adds its own requirements, even on a distribution already seen.
        for wanted in [""] * first_visit + sorted(requirement.extras):
            pending.extend((Requirement(text), wanted) for text in found[name].requires or [])
    return found


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def _wheel_tag(dist: metadata.Distribution) -> str:
    wheel = dist.read_text("WHEEL") or ""
    tags: list[str] = re.findall(r"^Tag: (\S+)$", wheel, flags=re.MULTILINE)
    assert tags, f"{dist.metadata['Name']} was not installed from a wheel"
    # A wheel made for several tags (py2.py3) lists each: name the one this interpreter takes.
    supported = {str(tag) for tag in sys_tags()}
    return next((tag for tag in tags if tag in supported), tags[0])


def pack(dist: metadata.Distribution, folder: Path) -> Path:
    """The installed distribution as a wheel in `folder` (stored, not compressed: it is read
    once, here)."""
    name = re.sub(r"[-_.]+", "_", dist.metadata["Name"])
    version = dist.version
    data_folder = f"{name}-{version}.data/data"
    scripts = {
        entry.name
        for entry in dist.entry_points
        if entry.group in {"console_scripts", "gui_scripts"}
    }
    prefix = Path(sys.prefix).resolve()
    path = folder / f"{name}-{version}-{_wheel_tag(dist)}.whl"
    records = []
    dist_info = None
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as wheel:
        for file in dist.files or []:
            located = Path(str(dist.locate_file(file))).resolve()
            if file.parts[0] == "..":
                # Outside site-packages: console scripts the installer writes from the entry
                # points again, or data files (headers, binaries) under the environment's prefix.
                if file.parent.name == "bin" and file.name in scripts:
                    continue
                archived = f"{data_folder}/{located.relative_to(prefix).as_posix()}"
            elif "__pycache__" in file.parts or file.suffix == ".pyc":
                continue
            elif file.parent.name.endswith(".dist-info") and file.name in _INSTALLER_FILES:
                dist_info = file.parent.as_posix()
                continue
            else:
                archived = file.as_posix()
            content = located.read_bytes()
            info = zipfile.ZipInfo(archived)
            info.external_attr = (located.stat().st_mode & 0o777 | 0o100000) << 16
            wheel.writestr(info, content)
            records.append(_record_line(archived, content))
        assert dist_info is not None, f"{name} has no RECORD"
        records.append(f"{dist_info}/RECORD,,")
        wheel.writestr(f"{dist_info}/RECORD", "\n".join(records) + "\n")
    return path


def requirements_of(wheel: Path, extra: str) -> list[str]:
    """What the wheel declares it requires when installed with `extra` (its Requires-Dist)."""
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if re.fullmatch(r"[^/]+\.dist-info/METADATA", n)]
        declared = Parser().parsestr(archive.read(name).decode()).get_all("Requires-Dist") or []
    wanted = []
    for text in declared:
        requirement = Requirement(text)
        if requirement.marker is None or requirement.marker.evaluate({"extra": extra}):
            requirement.marker = None  # met here: the requirement holds unconditionally
            wanted.append(str(requirement))
    return wanted


def wheelhouse(requirements: Iterable[str], folder: Path) -> list[Path]:
    """Wheels in `folder` of every installed distribution that `requirements` need."""
    folder.mkdir(parents=True, exist_ok=True)
    return [pack(dist, folder) for dist in needed(requirements).values()]
