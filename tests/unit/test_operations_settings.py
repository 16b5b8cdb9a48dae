"""`ACCORD_METRICS_TOKEN` and `ACCORD_DATABASE_STATEMENT_CACHE`, the session key replicas share,
and what `/metrics` labels a request with."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from broker.http.observed import request_id_of
from broker.metrics import route_label
from broker.services.auth import SessionSubject
from broker.settings import Settings, SettingsError
from broker.web.sessions import is_shared, signer_for

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def test_metrics_are_open_and_statements_cached_by_default(tmp_path: Path) -> None:
    settings = Settings.from_env({}, cwd=tmp_path)
    assert settings.metrics_token is None
    assert settings.database_statement_cache == 100


def test_the_statement_cache_may_be_turned_off_and_the_metrics_closed(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "ACCORD_DATABASE_STATEMENT_CACHE": "0",
            "ACCORD_METRICS_TOKEN": "a-scrape-token-of-some-length",
        },
        cwd=tmp_path,
    )
    assert settings.database_statement_cache == 0
    assert settings.metrics_token == "a-scrape-token-of-some-length"


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("ACCORD_DATABASE_STATEMENT_CACHE", "-1", "whole number"),
        ("ACCORD_DATABASE_STATEMENT_CACHE", "off", "whole number"),
        ("ACCORD_DATABASE_STATEMENT_CACHE", "100001", "from 0 to 100000"),
        ("ACCORD_METRICS_TOKEN", "short", "at least 16 characters"),
    ],
)
def test_bad_values_are_refused_naming_the_setting(
    tmp_path: Path, name: str, value: str, says: str
) -> None:
    with pytest.raises(SettingsError, match=name) as refused:
        Settings.from_env({name: value}, cwd=tmp_path)
    assert says in str(refused.value)


def test_brokers_sharing_the_admin_token_open_each_others_sessions() -> None:
    subject = SessionSubject(kind="token", key="abc")
    one, other = signer_for(None, "admin-token-1"), signer_for(None, "admin-token-1")
    assert other.open(one.seal(subject, NOW), NOW) is not None
    assert signer_for(None, "admin-token-2").open(one.seal(subject, NOW), NOW) is None
    assert signer_for("k" * 32, "admin-token-1").open(one.seal(subject, NOW), NOW) is None
    lonely = signer_for(None, None)
    assert signer_for(None, None).open(lonely.seal(subject, NOW), NOW) is None
    assert is_shared("k" * 32, None) and is_shared(None, "t") and not is_shared(None, None)


def test_routes_are_labelled_by_template_without_parameter_types() -> None:
    template = "/pacts/provider/{provider:str}/consumer/{consumer:str}/version/{version:str}"
    assert (
        route_label(template) == "/pacts/provider/{provider}/consumer/{consumer}/version/{version}"
    )
    assert route_label("/change-requests/{request_id:int}") == "/change-requests/{request_id}"


@pytest.mark.parametrize(
    ("headers", "kept"),
    [
        ([(b"x-request-id", b"abc-123")], True),
        ([(b"X-Request-Id", b"trace:1.2_3")], True),
        ([(b"x-request-id", b"a" * 64)], True),
        ([(b"x-request-id", b"a" * 65)], False),
        ([(b"x-request-id", b"")], False),
        ([(b"x-request-id", b"has space")], False),
        ([(b"x-request-id", b"new\nline")], False),
        ([(b"x-request-id", b"one"), (b"x-request-id", b"two")], False),
        ([], False),
    ],
)
def test_a_sane_incoming_request_id_is_kept_and_any_other_replaced(
    headers: list[tuple[bytes, bytes]], kept: bool
) -> None:
    # Only the headers matter here; a whole ASGI scope would hide what is checked.
    got = request_id_of({"headers": headers})  # type: ignore[arg-type]
    if kept:
        assert got == headers[0][1].decode()
    else:
        assert len(got) == 32
        assert all(c in "0123456789abcdef" for c in got)
