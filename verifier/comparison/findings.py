"""The result of a comparison: one `Finding` per problem, shaped as openapi-pact-comparator's.

A finding encodes (`msgspec.json.encode`, or `Finding.to_json()`) to the JSON object PactFlow's
comparator prints, so tools that read its output read ours::

    {"code": "response.status.unknown", "message": "…", "type": "error",
     "mockDetails": {"interactionDescription": "…", "interactionState": "[none]",
                     "location": "[root].interactions[2].response.status", "value": 302},
     "specDetails": {"location": "[root].paths./animal.get.responses", "pathMethod": "get",
                     "pathName": "/animal", "value": {"200": {…}}}}

`value` is left out where there is nothing to show (a missing body is not `null`), as in the
original. Locations use the `[root].a.b[0].c` notation. A finding about the document alone
(`message.matched`) has no `mockDetails` (its `mock_details` is `NO_MOCK_DETAILS`, left out
when encoded), and `message.no.match` carries, as `causes`, the errors of every message tried.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

FindingType = Literal["error", "warning", "info"]

#: Marks a value that is absent, as opposed to JSON `null`.
UNSET = msgspec.UNSET
Unset = msgspec.UnsetType


class MockDetails(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """Where in the pact the problem is."""

    interaction_description: str | Unset = UNSET
    interaction_state: str = "[none]"
    location: str
    value: Any = UNSET


class SpecDetails(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """Where in the OpenAPI document the rule that was broken is."""

    location: str
    path_method: str | Unset | None = UNSET
    path_name: str | Unset | None = UNSET
    value: Any = UNSET


#: The mock details of a finding that is about the document alone: omitted when encoded.
NO_MOCK_DETAILS = MockDetails(location="")


class Finding(msgspec.Struct, frozen=True, kw_only=True, rename="camel", omit_defaults=True):
    """One problem an interaction has with the spec (or, for `info`, a fact worth telling)."""

    code: str
    message: str
    mock_details: MockDetails = NO_MOCK_DETAILS
    spec_details: SpecDetails
    type: FindingType
    causes: tuple[Finding, ...] | Unset = UNSET

    @property
    def is_error(self) -> bool:
        """Whether this finding makes the comparison fail (warnings and infos do not)."""
        return self.type == "error"

    def to_json(self) -> dict[str, Any]:
        """The finding as plain JSON values, in openapi-pact-comparator's shape."""
        return msgspec.to_builtins(self)  # type: ignore[no-any-return]  # a dict by construction


def encode(findings: list[Finding]) -> str:
    """The findings of one pact as one JSON array on one line."""
    return msgspec.json.encode(findings).decode()
