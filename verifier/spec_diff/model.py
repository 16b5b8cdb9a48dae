"""What a spec diff reports: a `Change` per difference, with oasdiff's id and level.

A change also carries a `Target`: which part of which operation it concerns (a parameter, a
request body field, a response status or field). The target is what `impact` matches against
consumers' interactions; it is not part of the JSON a user sees.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

TargetKind = Literal["api", "operation", "parameter", "request", "response"]


class Level(StrEnum):
    """How much a change matters to clients, in oasdiff's three levels."""

    INFO = "INFO"
    WARN = "WARN"
    ERR = "ERR"

    @property
    def rank(self) -> int:
        """0 for INFO, 1 for WARN, 2 for ERR, to compare levels."""
        return ("INFO", "WARN", "ERR").index(self.value)


@dataclass(frozen=True, slots=True)
class Target:
    """The part of the API a change concerns, in terms a pact interaction can be matched to.

    Attributes:
        kind: `api` (the whole document), `operation`, `parameter` (`name` and `where` say
            which), `request` (the request body) or `response` (`status` says which).
        method: the operation's HTTP method in upper case ("" for `api`).
        path: the operation's path template in the base spec (the revision's for new ones).
        name: the parameter or header name.
        where: the parameter's location (`query`, `header`, `path`, `cookie`).
        status: the response status key (`200`, `4XX`, `default`).
        field: the property names from the body's root to the changed property (`[]` is an
            array's items).
        absent: the change hurts interactions that leave the field out (a new required
            property) rather than those that carry it.
        also: other paths from the body's root to the same place (a shared schema reached
            several ways), for `impact` to match as well.
    """

    kind: TargetKind
    method: str = ""
    path: str = ""
    name: str = ""
    where: str = ""
    status: str = ""
    field: tuple[str, ...] = ()
    absent: bool = False
    also: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between two versions of a spec.

    Attributes:
        id: oasdiff's change id where one fits (`request-property-became-required`), else an
            id of ours in the same grammar (listed in `verifier.spec_diff.rules.OWN_IDS`).
        level: ERR breaks clients, WARN may, INFO does not.
        operation: `METHOD /path/template`, or "" for a change to the whole document.
        location: where in the spec (the revision's, or the base's for what was removed), as
            dotted keys: `paths./pets.get.parameters.query.limit`.
        text: one sentence saying what changed.
        target: what `impact` matches interactions against.
    """

    id: str
    level: Level
    operation: str
    location: str
    text: str
    target: Target = field(default_factory=lambda: Target("api"), compare=False)

    @property
    def is_breaking(self) -> bool:
        """True for an ERR change."""
        return self.level is Level.ERR

    def to_json(self) -> dict[str, str]:
        """The change as the JSON object `accord diff-spec --output json` prints."""
        return {
            "id": self.id,
            "level": self.level.value,
            "operation": self.operation,
            "location": self.location,
            "text": self.text,
        }
