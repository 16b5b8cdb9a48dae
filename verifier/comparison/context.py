"""What every check of one interaction needs: the operation it calls and a way to report.

`Context.finding` builds a `Finding` with the interaction's description, provider state and
the operation's location filled in, so each check states only what is particular to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from verifier.comparison.findings import UNSET, Finding, FindingType, MockDetails, SpecDetails
from verifier.comparison.pacts import Interaction
from verifier.comparison.routing import Operation
from verifier.comparison.spec import Spec


def lower_headers(headers: Any) -> dict[str, str]:
    """Headers keyed by lower-case name, in name order, as the Fetch `Headers` class keeps them."""
    found: dict[str, str] = {}
    if isinstance(headers, dict):
        for name, value in headers.items():
            key = str(name).lower()
            found[key] = f"{found[key]}, {value}" if key in found else str(value)
    return dict(sorted(found.items()))


@dataclass(frozen=True, slots=True)
class Context:
    """One interaction and the operation its method and path matched."""

    spec: Spec
    operation: Operation
    interaction: Interaction
    path_parameters: dict[str, str]
    query_string: str

    @property
    def mock(self) -> str:
        """The location of the interaction in the pact."""
        return f"[root].interactions[{self.interaction.index}]"

    @property
    def at(self) -> str:
        """The location of the operation in the spec."""
        return f"[root].paths.{self.operation.path}.{self.operation.method}"

    @property
    def is_successful(self) -> bool:
        """Whether the interaction expects success: a failed request need not be valid."""
        return self.interaction.status < 400  # noqa: PLR2004  # 4xx and 5xx

    @property
    def request_headers(self) -> dict[str, str]:
        """The request's headers keyed by lower-case name."""
        return lower_headers(self.interaction.request_headers)

    def finding(
        self,
        code: str,
        kind: FindingType,
        message: str,
        *,
        mock_location: str,
        mock_value: Any = UNSET,
        spec_location: str | None = None,
        spec_value: Any = UNSET,
        names_operation: bool = True,
    ) -> Finding:
        """A finding about this interaction and operation (`names_operation=False`: none)."""
        return Finding(
            code=code,
            message=message,
            mock_details=MockDetails(
                interaction_description=self.interaction.description,
                interaction_state=self.interaction.state,
                location=mock_location,
                value=mock_value,
            ),
            spec_details=SpecDetails(
                location=self.at if spec_location is None else spec_location,
                path_method=self.operation.method if names_operation else None,
                path_name=self.operation.path if names_operation else None,
                value=spec_value,
            ),
            type=kind,
        )


def dotted(path: tuple[Any, ...]) -> str:
    """A data or schema path in the `.a.0.b` form locations use (empty for the root).

    Each part is a JSON Pointer token, as Ajv's paths are: `x/y` is `x~1y`, `t~n` is `t~0n`.
    """
    return "".join(f".{str(part).replace('~', '~0').replace('/', '~1')}" for part in path)


def is_truthy(value: Any) -> bool:
    """Whether a body counts as present: the comparator skips absent, null, "", 0 and false."""
    if value is UNSET or value is None or value is False:
        return False
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        return bool(value)
    return True
