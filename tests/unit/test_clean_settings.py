"""`ACCORD_CLEAN_SCHEDULE` and `ACCORD_CLEAN_OPTIONS`: read and checked with the settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from broker.settings import Settings, SettingsError


def settings(**env: str) -> Settings:
    return Settings.from_env(env, cwd=Path("/srv"))


def test_no_schedule_by_default() -> None:
    assert (settings().clean_schedule, settings().clean_options) == (None, ())


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("24h", 86400), ("30m", 1800), ("90s", 90), ("3600", 3600), ("2d", 172800)],
)
def test_an_interval_in_seconds_minutes_hours_or_days(text: str, seconds: float) -> None:
    assert settings(ACCORD_CLEAN_SCHEDULE=text).clean_schedule == seconds


@pytest.mark.parametrize("text", ["0", "31d", "1y", "-5m", "soon", "1.5h"])
def test_other_intervals_are_refused(text: str) -> None:
    with pytest.raises(SettingsError, match="ACCORD_CLEAN_SCHEDULE must be an interval"):
        settings(ACCORD_CLEAN_SCHEDULE=text)


def test_options_are_the_commands_flags() -> None:
    chosen = settings(ACCORD_CLEAN_OPTIONS="--keep-latest-per-branch 20 --keep-newer-than '90d'")
    assert chosen.clean_options == ("--keep-latest-per-branch", "20", "--keep-newer-than", "90d")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("--keep-latest-per-branch 0", "--keep-latest-per-branch: must be at least 1"),
        ("--keep-newer-than soon", "--keep-newer-than: 'soon' is neither an age"),
        ("--keep-latest-per-branch x", "argument --keep-latest-per-branch: invalid int value"),
        ("--dry-rum", "unrecognized arguments: --dry-rum"),
        ("'unclosed", "No closing quotation"),
    ],
)
def test_bad_options_are_refused_before_the_broker_starts(text: str, problem: str) -> None:
    with pytest.raises(SettingsError) as raised:
        settings(ACCORD_CLEAN_OPTIONS=text)
    assert str(raised.value).startswith("ACCORD_CLEAN_OPTIONS: ")
    assert problem in str(raised.value)
