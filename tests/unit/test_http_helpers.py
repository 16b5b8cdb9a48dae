"""Pure helpers of the HTTP layer: paths with %2F, msgspec errors as pointers, settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import msgspec
import pytest

from broker.http.body import field_error, pointer_of
from broker.http.client_address import client_address
from broker.http.hal import segment
from broker.http.paths import SLASH_STAND_IN, InvalidPathError, decoded_path
from broker.services.environments import default_display_name
from broker.settings import Settings, SettingsError, redacted, sqlite_path


def test_encoded_slashes_stay_inside_their_segment() -> None:
    assert (
        decoded_path(b"/pacticipants/a%2Fb/versions/1%202")
        == f"/pacticipants/a{SLASH_STAND_IN}b/versions/1 2"
    )
    assert decoded_path(b"/environments?name=x%2Fy") == "/environments"


def test_a_path_that_is_not_utf8_is_refused() -> None:
    with pytest.raises(InvalidPathError):
        decoded_path(b"/pacticipants/%FF")


@pytest.mark.parametrize(
    ("path", "pointer"),
    [("", ""), (".name", "/name"), (".contacts[2].name", "/contacts/2/name"), (".a/b", "/a~1b")],
)
def test_msgspec_paths_become_json_pointers(path: str, pointer: str) -> None:
    assert pointer_of(path) == pointer


class _Body(msgspec.Struct):
    name: str
    tags: list[str] = []


def test_missing_fields_point_at_the_field() -> None:
    with pytest.raises(msgspec.ValidationError) as caught:
        msgspec.json.decode(b'{"tags": []}', type=_Body)
    error = field_error(caught.value)
    assert (error.pointer, error.detail) == ("/name", "is required")


def test_wrong_types_point_at_the_element() -> None:
    with pytest.raises(msgspec.ValidationError) as caught:
        msgspec.json.decode(b'{"name": "a", "tags": ["x", 3]}', type=_Body)
    assert field_error(caught.value).pointer == "/tags/1"


def test_environment_display_names_are_titled() -> None:
    assert default_display_name("prod-eu_west") == "Prod Eu West"


def test_settings_defaults(tmp_path: Path) -> None:
    settings = Settings.from_env({}, cwd=tmp_path)
    assert (settings.host, settings.port) == ("127.0.0.1", 9292)
    assert sqlite_path(settings.database_url) == str(tmp_path / "accord.db")
    assert settings.max_body_bytes == 10 * 1024 * 1024


def test_flags_win_over_defaults(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {"ACCORD_BASE_URL": "https://b.example/"}, cwd=tmp_path, host="0.0.0.0", port=1
    )
    assert (settings.host, settings.port, settings.base_url) == ("0.0.0.0", 1, "https://b.example")


def test_the_default_mode_is_greenfield_unless_set(tmp_path: Path) -> None:
    assert Settings.from_env({}, cwd=tmp_path).default_mode == "greenfield"
    chosen = Settings.from_env({"ACCORD_DEFAULT_MODE": "Brownfield-Enterprise"}, cwd=tmp_path)
    assert chosen.default_mode == "brownfield-enterprise"
    with pytest.raises(SettingsError, match="ACCORD_DEFAULT_MODE must be one of"):
        Settings.from_env({"ACCORD_DEFAULT_MODE": "strict"}, cwd=tmp_path)


def test_trust_08_login_throttling_limits_come_from_the_environment(tmp_path: Path) -> None:
    default = Settings.from_env({}, cwd=tmp_path)
    assert (
        default.login_failures_per_user,
        default.login_failures_per_address,
        default.login_failure_window,
    ) == (10, 30, 60)
    chosen = Settings.from_env(
        {
            "ACCORD_LOGIN_FAILURES_PER_USER": "0",
            "ACCORD_LOGIN_FAILURES_PER_ADDRESS": "100",
            "ACCORD_LOGIN_FAILURE_WINDOW": "300",
        },
        cwd=tmp_path,
    )
    assert (chosen.login_failures_per_user, chosen.login_failures_per_address) == (0, 100)
    assert chosen.login_failure_window == 300
    for name, value in [
        ("ACCORD_LOGIN_FAILURES_PER_USER", "-1"),
        ("ACCORD_LOGIN_FAILURES_PER_ADDRESS", "many"),
        ("ACCORD_LOGIN_FAILURE_WINDOW", "0"),
    ]:
        with pytest.raises(SettingsError, match=name):
            Settings.from_env({name: value}, cwd=tmp_path)


def test_trust_13_strict_pact_validation_is_off_unless_set(tmp_path: Path) -> None:
    assert Settings.from_env({}, cwd=tmp_path).strict_pacts is False
    assert Settings.from_env({"ACCORD_STRICT_PACTS": "TRUE"}, cwd=tmp_path).strict_pacts is True
    with pytest.raises(SettingsError, match="ACCORD_STRICT_PACTS must be true or false"):
        Settings.from_env({"ACCORD_STRICT_PACTS": "yes"}, cwd=tmp_path)


def test_sqlite_urls_follow_sqlalchemy() -> None:
    assert sqlite_path("sqlite:///relative.db") == "relative.db"
    assert sqlite_path("sqlite:////abs/olute.db") == "/abs/olute.db"


def test_a_sqlite_url_without_a_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsError):
        Settings.from_env({"ACCORD_DATABASE_URL": "sqlite:///"}, cwd=tmp_path)


def test_passwords_are_redacted() -> None:
    assert redacted("postgresql://u:pw@db:5433/x") == "postgresql://u:***@db:5433/x"
    assert redacted("sqlite:///a.db") == "sqlite:///a.db"


def _scope(peer: str, *forwarded: str) -> Any:
    headers = [(b"x-forwarded-for", value.encode()) for value in forwarded]
    return {"type": "http", "client": (peer, 5000), "headers": headers}


def test_trust_08_the_callers_address_is_read_through_trusted_proxies_only() -> None:
    proxies = ("10.0.0.0/8", "::1/128")
    # Without trusted proxies, a forwarded header is anyone's to forge: the peer counts.
    assert client_address(_scope("203.0.113.9", "198.51.100.1"), ()) == "203.0.113.9"
    assert client_address(_scope("203.0.113.9", "198.51.100.1"), proxies) == "203.0.113.9"
    # Through trusted proxies, the rightmost hop that is not one of them.
    forged = "1.2.3.4, 198.51.100.7, 10.1.1.1"
    assert client_address(_scope("10.0.0.2", forged), proxies) == "198.51.100.7"
    assert client_address(_scope("::1", "198.51.100.7", "10.1.1.1"), proxies) == "198.51.100.7"
    assert client_address(_scope("10.0.0.2"), proxies) == "10.0.0.2"
    assert client_address(_scope("10.0.0.2", "10.3.3.3"), proxies) == "10.3.3.3"


def test_trust_08_trusted_proxies_come_from_the_environment(tmp_path: Path) -> None:
    chosen = Settings.from_env(
        {"ACCORD_TRUSTED_PROXIES": "10.0.0.1, 172.16.0.0/12,::1"}, cwd=tmp_path
    )
    assert chosen.trusted_proxies == ("10.0.0.1/32", "172.16.0.0/12", "::1/128")
    assert Settings.from_env({}, cwd=tmp_path).trusted_proxies == ()
    with pytest.raises(SettingsError, match=r"ACCORD_TRUSTED_PROXIES: 'proxy\.local'"):
        Settings.from_env({"ACCORD_TRUSTED_PROXIES": "proxy.local"}, cwd=tmp_path)


def test_trust_16_the_override_is_off_unless_the_operator_turns_it_on(tmp_path: Path) -> None:
    assert Settings.from_env({}, cwd=tmp_path).allow_override is False
    assert Settings.from_env({"ACCORD_ALLOW_OVERRIDE": "TRUE"}, cwd=tmp_path).allow_override
    with pytest.raises(SettingsError, match="ACCORD_ALLOW_OVERRIDE must be true or false"):
        Settings.from_env({"ACCORD_ALLOW_OVERRIDE": "yes"}, cwd=tmp_path)


def test_work_settings_default_and_parse(tmp_path: Path) -> None:
    defaults = Settings.from_env({}, cwd=tmp_path)
    assert (defaults.workers, defaults.work_budget) == (2, 30.0)
    chosen = Settings.from_env({"ACCORD_WORKERS": "4", "ACCORD_WORK_TIMEOUT": "2.5"}, cwd=tmp_path)
    assert (chosen.workers, chosen.work_budget) == (4, 2.5)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ACCORD_WORKERS", "0"),
        ("ACCORD_WORKERS", "²"),
        ("ACCORD_WORKERS", "65"),
        ("ACCORD_WORK_TIMEOUT", "0"),
        ("ACCORD_WORK_TIMEOUT", "-1"),
        ("ACCORD_WORK_TIMEOUT", "nan"),
    ],
)
def test_bad_work_settings_are_refused(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value}, cwd=tmp_path)


def test_a_segment_is_what_quote_gives_with_or_without_characters_to_encode() -> None:
    values = ["", "backend-47", "a_b.c~d", "a/b", "a b", "é", "100%", "x?y#z", "A-Za-z0-9", "\n"]
    for value in values:
        assert segment(value) == quote(value, safe="")
