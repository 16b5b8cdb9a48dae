"""The current git branch, for `--tag-with-git-branch`.

Like the Ruby pact-broker CLI, CI variables come first (a CI checkout is often a detached
HEAD), then `git rev-parse --abbrev-ref HEAD`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping

from clients.cli.errors import CommandError

# In the order the Ruby CLI's GitHelper tries them.
_CI_BRANCH_VARIABLES = (
    "GITHUB_HEAD_REF",
    "GITHUB_REF_NAME",
    "BUILDKITE_BRANCH",
    "CIRCLE_BRANCH",
    "TRAVIS_BRANCH",
    "GIT_BRANCH",
    "GIT_LOCAL_BRANCH",
    "APPVEYOR_REPO_BRANCH",
    "CI_COMMIT_REF_NAME",
    "BITBUCKET_BRANCH",
    "BUILD_SOURCEBRANCHNAME",
    "CIRCLE_TAG",
)


def current_branch(environ: Mapping[str, str] | None = None) -> str:
    """The branch being built.

    Raises:
        CommandError: no CI variable names a branch and git cannot tell.
    """
    env = os.environ if environ is None else environ
    for variable in _CI_BRANCH_VARIABLES:
        if env.get(variable):
            return env[variable]
    git = shutil.which("git")
    if git is not None:
        completed = subprocess.run(  # noqa: S603 - fixed arguments, git found on PATH
            [git, "rev-parse", "--abbrev-ref", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        )
        branch = completed.stdout.strip()
        if completed.returncode == 0 and branch and branch != "HEAD":
            return branch
    msg = "Could not find the git branch: set GIT_BRANCH or run inside a git checkout."
    raise CommandError(msg)
