"""Consumer version selectors: which pacts a provider verifies (pact-broker-api §7.2, §7.3).

Pure rules: validation of a selector list and the words that describe a selector to a person.
"""

from __future__ import annotations

import msgspec

from broker.domain.errors import FieldError


class Selector(msgspec.Struct, frozen=True, kw_only=True):
    """One consumer version selector; unset fields are None."""

    main_branch: bool | None = None
    branch: str | None = None
    matching_branch: bool | None = None
    fallback_branch: str | None = None
    tag: str | None = None
    fallback_tag: str | None = None
    latest: bool | None = None
    consumer: str | None = None
    deployed: bool | None = None
    released: bool | None = None
    deployed_or_released: bool | None = None
    environment: str | None = None

    @property
    def uses_environments(self) -> bool:
        """Whether the selector picks versions by where they run."""
        return bool(
            self.environment is not None
            or self.deployed
            or self.released
            or self.deployed_or_released
        )


_BRANCH_FAMILY = (
    "latest",
    "tag",
    "fallback_tag",
    "branch",
    "fallback_branch",
    "matching_branch",
    "main_branch",
)


def selector_problems(  # noqa: PLR0912 - one check per rule of §7.2, in its order
    selectors: list[Selector], provider_branch: str | None, known_environments: set[str]
) -> list[FieldError]:
    """What is wrong with each selector, as the Pact Broker validates them (§7.2)."""
    problems: list[FieldError] = []
    for index, s in enumerate(selectors):
        where = f"/consumerVersionSelectors/{index}"

        def bad(detail: str, where: str = where) -> None:
            problems.append(FieldError(where, detail))

        chooses = (
            s.main_branch
            or s.tag is not None
            or s.branch is not None
            or s.environment is not None
            or s.matching_branch
            or s.deployed
            or s.released
            or s.deployed_or_released
            or s.latest
        )
        if not chooses:
            bad(
                "must set one of mainBranch, branch, matchingBranch, tag, latest, environment, "
                "deployed, released or deployedOrReleased"
            )
            continue
        if s.main_branch is False or s.matching_branch is False:
            bad("mainBranch and matchingBranch can only be true")
        if s.main_branch and (s.tag or s.branch or s.matching_branch or s.latest is False):
            bad("mainBranch can only be combined with consumer and latest")
        if s.matching_branch:
            if s.tag or s.branch or s.main_branch:
                bad("matchingBranch can only be combined with consumer")
            if not provider_branch:
                bad("matchingBranch needs providerVersionBranch")
        if s.tag is not None and s.branch is not None:
            bad("tag and branch cannot both be set")
        families = any(getattr(s, f) is not None for f in _BRANCH_FAMILY)
        if families and s.uses_environments:
            bad("branch, tag and latest cannot be combined with environment, deployed or released")
        if s.fallback_tag is not None and (s.tag is None or s.latest is not True):
            bad("fallbackTag needs tag and latest: true")
        if s.fallback_branch is not None and (s.branch is None or s.latest is False):
            bad("fallbackBranch needs branch, and latest cannot be false")
        if s.branch is not None and s.latest is False:
            bad("branch always selects the latest version: latest cannot be false")
        if s.environment is not None and s.environment not in known_environments:
            bad(f"no environment named {s.environment!r} exists")
        if sum(bool(x) for x in (s.deployed, s.released, s.deployed_or_released)) > 1:
            bad("deployed, released and deployedOrReleased exclude each other")
        if s.consumer is not None and not s.consumer.strip():
            bad("consumer must not be blank")
        for name in ("branch", "tag", "fallback_tag", "fallback_branch", "environment"):
            value = getattr(s, name)
            if isinstance(value, str) and not value.strip():
                bad(f"{name} must not be blank")
    return problems


def describe(selector: Selector, provider_branch: str | None = None) -> str:
    """The words for a selector, as they appear in `shortDescription` and notices."""
    s = selector
    who = f" of {s.consumer}" if s.consumer else ""
    if s.main_branch:
        text = "latest version from the main branch"
    elif s.matching_branch:
        text = f"latest version from the branch matching the provider's ({provider_branch})"
    elif s.branch is not None:
        text = f"latest version from branch {s.branch}"
        if s.fallback_branch:
            text += f" (or {s.fallback_branch})"
    elif s.tag is not None:
        text = f"latest version with tag {s.tag}" if s.latest else f"all versions with tag {s.tag}"
        if s.fallback_tag:
            text += f" (or {s.fallback_tag})"
    elif s.uses_environments:
        where = f" to {s.environment}" if s.environment else ""
        if s.deployed:
            text = f"currently deployed{where}"
        elif s.released:
            text = f"currently released{where}"
        else:
            text = f"currently deployed or released{where}"
    else:
        text = "latest version"
    return text + who


DEFAULT_SELECTORS = (
    Selector(main_branch=True),
    Selector(deployed=True),
    Selector(released=True),
)
"""What a provider verifies when it names no selectors (§7.3, last row): each consumer's main
branch head (or, without one, its latest pact), and whatever is deployed or released."""
