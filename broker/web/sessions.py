"""Signed session cookies and CSRF tokens: pure values and HMAC, no HTTP.

A session cookie carries whom the browser acts for (a `SessionSubject`: a token's hash, or a
user with a digest of the password hash; never a secret that would sign in elsewhere) and when
the session ends, signed with HMAC-SHA256 under the broker's session key. Every request checks
the subject again (`AuthService.resume`), so a revoked token or a disabled user ends the
session at once.

CSRF protection is a signed double submit: a random nonce lives in its own cookie, and each
form carries HMAC(key, nonce). A cross-site page can make the browser send the cookie but can
neither read it nor compute the token (OWASP CSRF Prevention Cheat Sheet, "Signed Double-Submit
Cookie").
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

import msgspec

from broker.services.auth import SessionSubject

SESSION_COOKIE = "accord_session"
CSRF_COOKIE = "accord_csrf"
CSRF_FIELD = "csrf_token"
SESSION_LIFETIME = timedelta(hours=8)


class Session(msgspec.Struct, frozen=True, kw_only=True):
    """A signed-in browser: whom it acts for, and until when (seconds since the epoch)."""

    subject: SessionSubject
    expires_at: int


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_nonce() -> str:
    """A fresh random CSRF nonce for the cookie."""
    return secrets.token_urlsafe(32)


class Signer:
    """Seals and opens session cookies and derives CSRF tokens under one key."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def _mac(self, purpose: bytes, message: str) -> str:
        return _b64(hmac.new(self._key, purpose + message.encode(), hashlib.sha256).digest())

    def seal(self, subject: SessionSubject, now: datetime) -> str:
        """The cookie value of a session for `subject` beginning at `now`."""
        ends = int((now + SESSION_LIFETIME).timestamp())
        payload = _b64(msgspec.json.encode(Session(subject=subject, expires_at=ends)))
        return f"{payload}.{self._mac(b'session:', payload)}"

    def open(self, value: str, now: datetime) -> Session | None:
        """The session a cookie value holds, or None when it is forged, garbled or over."""
        payload, _, mac = value.partition(".")
        if not hmac.compare_digest(mac.encode(), self._mac(b"session:", payload).encode()):
            return None
        try:
            session = msgspec.json.decode(_unb64(payload), type=Session)
        except (binascii.Error, ValueError, msgspec.DecodeError):
            return None
        return session if session.expires_at > now.timestamp() else None

    def csrf_token(self, nonce: str) -> str:
        """The token forms carry for the nonce in the browser's CSRF cookie."""
        return self._mac(b"csrf:", nonce)

    def csrf_matches(self, nonce: str | None, token: str | None) -> bool:
        """Whether a submitted form's token belongs to the browser's nonce."""
        if not nonce or not token:
            return False
        return hmac.compare_digest(token.encode(), self.csrf_token(nonce).encode())


def signer_for(configured: str | None, admin_token: str | None = None) -> Signer:
    """The signer under `ACCORD_SESSION_KEY`, the admin token's derived key, or a random one.

    Replicas behind one address must share the key, or a browser signed in through one is
    a stranger to the next. Brokers configured alike share `ACCORD_ADMIN_TOKEN`, so the key
    derived from it (HMAC-SHA256 under the token, of a fixed label: the token cannot be
    recovered from it) is shared too; rotating the token then signs every browser out. The
    key is never kept in the database, whose readers could then forge sessions.
    """
    if configured:
        return Signer(configured.encode())
    if admin_token:
        return Signer(hmac.new(admin_token.encode(), _DERIVED_LABEL, hashlib.sha256).digest())
    return Signer(secrets.token_bytes(32))


_DERIVED_LABEL = b"accord session key v1"


def is_shared(configured: str | None, admin_token: str | None) -> bool:
    """Whether `signer_for` gives every broker configured alike the same key."""
    return bool(configured or admin_token)
