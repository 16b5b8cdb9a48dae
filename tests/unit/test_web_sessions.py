"""Signed session cookies and CSRF tokens of the web interface (broker/web/sessions.py)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

from broker.services.auth import SessionSubject
from broker.web.sessions import SESSION_LIFETIME, Signer

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
SUBJECT = SessionSubject(kind="user", key="alice", proof="digest")


def test_a_sealed_session_opens_with_its_subject_until_it_expires() -> None:
    signer = Signer(b"k" * 32)
    sealed = signer.seal(SUBJECT, NOW)
    opened = signer.open(sealed, NOW + SESSION_LIFETIME - timedelta(seconds=1))
    assert opened is not None
    assert opened.subject == SUBJECT
    assert signer.open(sealed, NOW + SESSION_LIFETIME) is None


def test_a_session_signed_under_another_key_or_edited_does_not_open() -> None:
    sealed = Signer(b"k" * 32).seal(SUBJECT, NOW)
    assert Signer(b"x" * 32).open(sealed, NOW) is None
    payload, mac = sealed.split(".")
    forged = Signer(b"k" * 32).seal(SessionSubject(kind="token", key="admin"), NOW)
    assert Signer(b"k" * 32).open(f"{forged.split('.')[0]}.{mac}", NOW) is None
    assert Signer(b"k" * 32).open(payload, NOW) is None
    assert Signer(b"k" * 32).open("garbage.garbage", NOW) is None


def test_a_session_cookie_holds_only_whom_it_acts_for_and_its_end() -> None:
    """The token's hash or a user with a password digest: nothing that signs in elsewhere."""
    subject = SessionSubject(kind="token", key="sha-of-token")
    payload = Signer(b"k" * 32).seal(subject, NOW).split(".")[0]
    decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert decoded == {
        "subject": {"kind": "token", "key": "sha-of-token", "proof": ""},
        "expires_at": int((NOW + SESSION_LIFETIME).timestamp()),
    }


def test_a_csrf_token_matches_only_its_nonce_and_key() -> None:
    signer = Signer(b"k" * 32)
    token = signer.csrf_token("nonce-1")
    assert signer.csrf_matches("nonce-1", token)
    assert not signer.csrf_matches("nonce-2", token)
    assert not Signer(b"x" * 32).csrf_matches("nonce-1", token)
    assert not signer.csrf_matches(None, token)
    assert not signer.csrf_matches("nonce-1", None)
    assert not signer.csrf_matches("nonce-1", "")
