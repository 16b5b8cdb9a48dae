"""oasdiff's versioning policy: a breaking change needs a major version increase.

Judged after every other check, from what they found: silent unless a change is breaking and
both `info.version`s are semantic versions (a date or `v1` is left alone). Below 1.0.0 a minor
increase is enough, as semantic versioning says. The changes are INFO, as oasdiff rates them.
"""

from __future__ import annotations

import re
from typing import Any

from verifier.spec_diff.model import Change, Level, Target

INFO = Level.INFO
_SEMVER = re.compile(
    r"v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?"
)


_MAX_VERSION = 256  # longer is no version anyone writes; bounds the match


def _semver(document: dict[str, Any]) -> tuple[str, tuple[int, int, int]] | None:
    info = document.get("info")
    version = info.get("version") if isinstance(info, dict) else None
    if not isinstance(version, str) or len(version) > _MAX_VERSION:
        return None
    match = _SEMVER.fullmatch(version)
    if match is None:
        return None
    major, minor, patch = (int(group) for group in match.groups())
    return version, (major, minor, patch)


def versioning_changes(
    base: dict[str, Any], revision: dict[str, Any], changes: list[Change]
) -> list[Change]:
    """The changes of oasdiff's versioning policy, as INFO.

    A breaking change needs a major version increase (a minor one below 1.0.0). Silent unless
    both `info.version`s are semantic versions.
    """
    before, after = _semver(base), _semver(revision)
    if before is None or after is None or not any(c.is_breaking for c in changes):
        return []
    (old_text, old), (new_text, new) = before, after
    if old_text == new_text:
        change_id, text = "api-version-not-bumped", f"The version stayed {new_text}"
    elif new <= old:
        change_id, text = "api-version-decreased", f"The version went from {old_text} to {new_text}"
    elif (new[1] > old[1]) if old[0] == new[0] == 0 else (new[0] > old[0]):
        return []
    else:
        change_id, text = (
            "api-major-version-not-bumped",
            f"The version went from {old_text} to {new_text}",
        )
    text += ", yet the revision breaks clients: semantic versioning asks for a major increase."
    return [Change(change_id, INFO, "", "info.version", text, Target("api"))]
