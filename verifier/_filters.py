"""Narrowing a run to some interactions, as the Pact verifiers' filters do.

A description filter and a state filter are regular expressions searched in the interaction's
description and in each of its provider states' names (an empty state filter, or `no_state`,
selects interactions without provider states); given both, an interaction must match both. The
environment variables are pact_ffi's: `PACT_DESCRIPTION`, `PACT_PROVIDER_STATE` and
`PACT_PROVIDER_NO_STATE=true`. A narrowed run verifies what it selects but publishes nothing:
the broker would take a part for the whole.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from verifier._errors import FilterError
from verifier._pact import Interaction


def _compiled(option: str, pattern: str | None) -> re.Pattern[str] | None:
    if pattern is None:
        return None
    try:
        return re.compile(pattern)
    except re.error as error:
        raise FilterError(f"{option} {pattern!r} is not a regular expression: {error}.") from error


@dataclass(frozen=True, kw_only=True)
class InteractionFilter:
    """Which interactions a run verifies.

    Attributes:
        description: A regular expression searched in each interaction's description.
        state: A regular expression searched in the names of its provider states; `""`
            selects interactions without provider states.
        no_state: Select only interactions without provider states.

    Raises:
        FilterError: When a pattern is not a regular expression.
    """

    description: str | None = None
    state: str | None = None
    no_state: bool = False
    _description: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    _state: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Compile the patterns once, refusing bad ones before anything runs."""
        description = _compiled("The description filter", self.description)
        object.__setattr__(self, "_description", description)
        state = None if self.no_state or not self.state else self.state
        object.__setattr__(self, "_state", _compiled("The provider state filter", state))

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> InteractionFilter:
        """The filter of `PACT_DESCRIPTION`, `PACT_PROVIDER_STATE`, `PACT_PROVIDER_NO_STATE`.

        Raises:
            FilterError: When a pattern is not a regular expression.
        """
        return cls(
            description=environ.get("PACT_DESCRIPTION") or None,
            state=environ.get("PACT_PROVIDER_STATE") or None,
            no_state=environ.get("PACT_PROVIDER_NO_STATE", "").lower() in {"true", "1", "yes"},
        )

    @property
    def is_narrowing(self) -> bool:
        """Whether it leaves any interaction out (an empty filter selects everything)."""
        return self.description is not None or self.state is not None or self.no_state

    def selects(self, interaction: Interaction) -> bool:
        """Whether the run verifies `interaction`."""
        if self._description is not None and not self._description.search(interaction.description):
            return False
        if self.no_state or self.state == "":
            return not interaction.provider_states
        if self._state is not None:
            return any(self._state.search(state.name) for state in interaction.provider_states)
        return True

    def __str__(self) -> str:
        """The filters in words, for the report: `description ~ 'x', no provider state`."""
        parts = []
        if self.description is not None:
            parts.append(f"description matching {self.description!r}")
        if self.no_state or self.state == "":
            parts.append("no provider state")
        elif self.state is not None:
            parts.append(f"a provider state matching {self.state!r}")
        return " and ".join(parts) or "everything"
