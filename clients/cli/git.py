"""The git branch, commit and CI build URL being built, for `--auto-detect-version-properties`.

Like the pact-broker CLIs, CI variables come first (a CI checkout is often a detached HEAD),
then git itself: `git rev-parse --abbrev-ref HEAD` and `git rev-parse --short HEAD`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from clients.cli.errors import CommandError

# In the order the Ruby CLI's GitHelper tries them; BRANCH_NAME is Jenkins multibranch's.
_CI_BRANCH_VARIABLES = (
    "GITHUB_HEAD_REF",
    "GITHUB_REF_NAME",
    "BUILDKITE_BRANCH",
    "CIRCLE_BRANCH",
    "TRAVIS_BRANCH",
    "GIT_BRANCH",
    "GIT_LOCAL_BRANCH",
    "BRANCH_NAME",
    "APPVEYOR_REPO_BRANCH",
    "CI_COMMIT_REF_NAME",
    "BITBUCKET_BRANCH",
    "BUILD_SOURCEBRANCHNAME",
    "CIRCLE_TAG",
)

_CI_COMMIT_VARIABLES = (
    "GITHUB_SHA",
    "BUILDKITE_COMMIT",
    "CIRCLE_SHA1",
    "TRAVIS_COMMIT",
    "GIT_COMMIT",
    "APPVEYOR_REPO_COMMIT",
    "CI_COMMIT_SHA",
    "CI_COMMIT_ID",
    "BITBUCKET_COMMIT",
    "BUILD_SOURCEVERSION",
)

_CI_BUILD_URL_VARIABLES = (
    "BUILDKITE_BUILD_URL",
    "CIRCLE_BUILD_URL",
    "TRAVIS_BUILD_WEB_URL",
    "CI_JOB_URL",
    "BUILD_URL",
)


def current_branch(environ: Mapping[str, str] | None = None, cwd: Path | None = None) -> str:
    """The branch being built.

    Raises:
        CommandError: no CI variable names a branch and git cannot tell.
    """
    env = os.environ if environ is None else environ
    for variable in _CI_BRANCH_VARIABLES:
        if env.get(variable):
            return env[variable]
    branch = _git(["rev-parse", "--abbrev-ref", "HEAD"], cwd)
    if branch and branch != "HEAD":
        return branch
    msg = "Could not find the git branch: set GIT_BRANCH or run inside a git checkout."
    raise CommandError(msg)


def current_commit(environ: Mapping[str, str] | None = None, cwd: Path | None = None) -> str:
    """The commit being built: a CI variable's full SHA, else git's short one.

    Raises:
        CommandError: no CI variable names a commit and git cannot tell.
    """
    env = os.environ if environ is None else environ
    for variable in _CI_COMMIT_VARIABLES:
        if env.get(variable):
            return env[variable]
    commit = _git(["rev-parse", "--short", "HEAD"], cwd)
    if commit:
        return commit
    msg = (
        "Could not find the git commit: give --consumer-app-version, set GIT_COMMIT "
        "or run inside a git checkout with at least one commit."
    )
    raise CommandError(msg)


def build_url(environ: Mapping[str, str] | None = None) -> str | None:
    """The CI build's URL, when a known CI variable (or GitHub Actions' run) gives one."""
    env = os.environ if environ is None else environ
    for variable in _CI_BUILD_URL_VARIABLES:
        if env.get(variable):
            return env[variable]
    parts = [env.get(name) for name in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID")]
    if all(parts):
        server, repository, run_id = parts
        return f"{server}/{repository}/actions/runs/{run_id}"
    return None


def _git(arguments: Sequence[str], cwd: Path | None) -> str | None:
    """Git's one-line answer, or None when git is missing or fails."""
    git = shutil.which("git")
    if git is None:
        return None
    completed = subprocess.run(  # noqa: S603 - fixed arguments, git found on PATH
        [git, *arguments],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )
    answer = completed.stdout.strip()
    return answer if completed.returncode == 0 and answer else None
