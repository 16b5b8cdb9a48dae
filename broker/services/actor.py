"""Who is making the current request, for the audit log and the permission checks.

The HTTP layer sets `current_actor` once per request (from the bearer token or basic-auth user
it authenticated); services read it when they record what they did. Outside a request (the
command line, tests) it is "anonymous".
"""

from __future__ import annotations

from contextvars import ContextVar

import msgspec


class Actor(msgspec.Struct, frozen=True, kw_only=True):
    """The authenticated caller: a token's or user's name, its role and its teams."""

    name: str
    role: str = "admin"  # read | write | approver | admin; an open broker lets everyone admin
    teams: tuple[str, ...] = ()
    user: str | None = None  # the user a token acts for ("user:alice"), when it has one

    @property
    def person(self) -> str:
        """Who stands behind the request: a user and each of their tokens are one person.

        Governance counts approvals and recognises a change's author by person, so two tokens
        of one user cannot approve twice, nor approve what the other published.
        """
        return self.user or self.name


ANONYMOUS = Actor(name="anonymous")

current_actor: ContextVar[Actor] = ContextVar("current_actor", default=ANONYMOUS)
