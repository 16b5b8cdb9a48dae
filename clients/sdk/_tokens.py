"""The broker's admin API for bearer tokens, as the SDK uses it (`/admin/tokens`, admin role)."""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from clients.sdk._operations import Operation, Session
from clients.sdk._wire import Resource


class Token(Resource, frozen=True, kw_only=True):
    """A bearer token as the broker lists it; `token` (the secret) only in the creation answer."""

    id: int
    name: str
    role: str
    teams: list[str] = msgspec.field(default_factory=list)
    created_at: str
    expires_at: str | None = None
    revoked_at: str | None = None
    user: str | None = None  # the user it acts for: one person with that user to governance
    token: str | None = None


class TokenEmbedded(msgspec.Struct, frozen=True, kw_only=True):
    """`_embedded` of the token list."""

    tokens: list[Token] = msgspec.field(default_factory=list)


class TokenList(Resource, frozen=True, kw_only=True):
    """`GET /admin/tokens`."""

    embedded: TokenEmbedded = msgspec.field(default_factory=TokenEmbedded, name="_embedded")


def create_token(
    session: Session,
    name: str,
    *,
    role: str,
    teams: Iterable[str],
    expires_at: str | None,
    user: str | None = None,
) -> Operation[Token]:
    """`POST /admin/tokens`: the answer carries the secret, once."""
    body: dict[str, object] = {"name": name, "role": role, "teams": list(teams)}
    if expires_at is not None:
        body["expiresAt"] = expires_at
    if user is not None:
        body["user"] = user
    return (yield from session.fetch("POST", "/admin/tokens", Token, body=body))


def list_tokens(session: Session) -> Operation[list[Token]]:
    """`GET /admin/tokens`: every token, without secrets."""
    listed = yield from session.fetch("GET", "/admin/tokens", TokenList)
    return list(listed.embedded.tokens)


def revoke_token(session: Session, token_id: int) -> Operation[None]:
    """`DELETE /admin/tokens/{id}`."""
    yield from session.send("DELETE", f"/admin/tokens/{token_id}")
