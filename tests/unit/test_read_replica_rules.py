"""The read replica's settings, and when browsing reads go to it (broker/storage/replica.py)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from broker.settings import Settings, SettingsError
from broker.storage.replica import (
    CHECK_INTERVAL,
    DECISION_LIFETIME,
    IN_USE,
    LAGGING,
    NOT_A_STANDBY,
    PAUSED,
    PRIMARY_UNREACHABLE,
    STARTING,
    UNREACHABLE,
    Freshness,
    Routing,
    Standby,
)

PRIMARY = "postgresql://accord:secret@db.internal/accord"
STANDBY = "postgresql://accord:secret@standby.internal/accord"


def settings(**environ: str) -> Settings:
    return Settings.from_env(environ, cwd=Path("/srv"))


def test_without_a_read_url_there_is_no_replica() -> None:
    chosen = settings(ACCORD_DATABASE_URL=PRIMARY)
    assert chosen.database_read_url is None
    # The bound alone changes nothing: a migration job shares the brokers' plain settings.
    alone = settings(ACCORD_DATABASE_URL=PRIMARY, ACCORD_DATABASE_READ_MAX_LAG="2")
    assert alone.database_read_url is None


def test_a_read_url_on_postgresql_is_taken_with_its_bound() -> None:
    chosen = settings(ACCORD_DATABASE_URL=PRIMARY, ACCORD_DATABASE_READ_URL=STANDBY)
    assert (chosen.database_read_url, chosen.database_read_max_lag) == (STANDBY, 5.0)
    bounded = settings(
        ACCORD_DATABASE_URL=PRIMARY,
        ACCORD_DATABASE_READ_URL=STANDBY,
        ACCORD_DATABASE_READ_MAX_LAG="0.5",
    )
    assert bounded.database_read_max_lag == 0.5


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        (
            {"ACCORD_DATABASE_READ_URL": STANDBY},
            "ACCORD_DATABASE_READ_URL needs ACCORD_DATABASE_URL on PostgreSQL",
        ),
        (
            {
                "ACCORD_DATABASE_URL": "sqlite:///accord.db",
                "ACCORD_DATABASE_READ_URL": STANDBY,
            },
            "SQLite has none",
        ),
        (
            {
                "ACCORD_DATABASE_URL": PRIMARY,
                "ACCORD_DATABASE_READ_URL": "mysql://accord:secret@replica/accord",
            },
            "must be a postgresql:// URL of a hot standby, not a mysql: URL",
        ),
        (
            {"ACCORD_DATABASE_URL": PRIMARY, "ACCORD_DATABASE_READ_URL": "standby.internal"},
            "not text without a scheme",
        ),
        (
            {
                "ACCORD_DATABASE_URL": PRIMARY,
                "ACCORD_DATABASE_READ_URL": STANDBY,
                "ACCORD_DATABASE_READ_MAX_LAG": "0",
            },
            "ACCORD_DATABASE_READ_MAX_LAG must be a number of seconds above 0",
        ),
        (
            {
                "ACCORD_DATABASE_URL": PRIMARY,
                "ACCORD_DATABASE_READ_URL": STANDBY,
                "ACCORD_DATABASE_READ_MAX_LAG": "soon",
            },
            "not 'soon'",
        ),
    ],
)
def test_a_read_replica_the_broker_cannot_use_is_refused_in_one_sentence(
    environ: dict[str, str], message: str
) -> None:
    with pytest.raises(SettingsError, match=message) as refused:
        settings(**environ)
    assert "secret" not in str(refused.value)
    assert "\n" not in str(refused.value)


def test_a_standby_is_as_old_as_the_newest_primary_position_it_has_replayed() -> None:
    freshness = Freshness(keep=10)
    freshness.primary_at(100.0, 1_000)
    freshness.primary_at(101.0, 1_500)
    freshness.primary_at(102.0, 2_000)
    assert freshness.lag(102.5, 2_000) == pytest.approx(0.5)
    assert freshness.lag(102.5, 1_999) == pytest.approx(1.5)
    assert freshness.lag(102.5, 1_000) == pytest.approx(2.5)
    # Behind everything remembered: older than the history can tell.
    assert freshness.lag(102.5, 999) is None


def test_an_idle_primary_leaves_its_standby_fresh_however_long_since_the_last_commit() -> None:
    freshness = Freshness(keep=10)
    for second in range(100):
        freshness.primary_at(float(second), 4_096)
    assert freshness.lag(99.2, 4_096) == pytest.approx(0.2)


def test_positions_older_than_the_history_are_forgotten() -> None:
    freshness = Freshness(keep=3)
    freshness.primary_at(0.0, 10)
    freshness.primary_at(5.0, 20)
    assert freshness.lag(5.0, 10) is None
    assert freshness.lag(5.0, 20) == 0


def standby(replayed: int, *, paused: bool = False, in_recovery: bool = True) -> Standby:
    return Standby(in_recovery=in_recovery, replay_lsn=replayed, paused=paused)


def test_reads_go_to_the_standby_only_once_a_check_finds_it_within_the_bound() -> None:
    routing = Routing(max_lag=5.0, description="standby")
    assert routing.state == STARTING and routing.due(0.0)
    assert not routing.use_replica(0.0)
    routing.observed(0.0, 100, 0.01, standby(100))
    assert routing.state == IN_USE and routing.lag == pytest.approx(0.01)
    assert routing.use_replica(0.5)
    assert not routing.due(0.5) and routing.due(0.01 + CHECK_INTERVAL)


def test_a_standby_behind_the_bound_sends_reads_to_the_primary_until_it_catches_up(
    caplog: pytest.LogCaptureFixture,
) -> None:
    routing = Routing(max_lag=2.0, description="standby")
    routing.observed(0.0, 100, 0.0, standby(100))
    caplog.set_level(logging.INFO, "broker.storage.replica")
    # The primary writes from second 1 on; the standby replays nothing more.
    for second in range(1, 4):
        routing.observed(float(second), 100 + second, float(second), standby(100))
    assert routing.state == LAGGING and not routing.use_replica(3.0)
    assert routing.lag == pytest.approx(3.0)
    assert "Browsing reads go to the primary, not the read replica standby" in caplog.text
    assert "3.0 s behind the primary (ACCORD_DATABASE_READ_MAX_LAG=2)" in routing.reason
    routing.observed(4.0, 104, 4.0, standby(104))
    assert routing.state == IN_USE and routing.use_replica(4.0)
    assert "go to the read replica standby again" in caplog.text


def test_a_paused_standby_serves_while_within_the_bound_then_is_reported_paused() -> None:
    routing = Routing(max_lag=2.0, description="standby")
    routing.observed(0.0, 100, 0.0, standby(100, paused=True))
    assert routing.state == IN_USE and routing.paused is True
    routing.observed(1.0, 200, 1.0, standby(100, paused=True))
    assert routing.state == IN_USE
    routing.observed(4.0, 200, 4.0, standby(100, paused=True))
    assert routing.state == PAUSED and not routing.use_replica(4.0)
    assert "replay is paused" in routing.reason


def test_a_server_out_of_recovery_is_not_read_from() -> None:
    routing = Routing(max_lag=5.0, description="standby")
    routing.observed(0.0, 100, 0.0, Standby(in_recovery=False, replay_lsn=None, paused=False))
    assert routing.state == NOT_A_STANDBY and not routing.use_replica(0.0)


def test_an_unreachable_standby_or_primary_sends_reads_to_the_primary() -> None:
    routing = Routing(max_lag=5.0, description="standby")
    routing.observed(0.0, 100, 0.0, standby(100))
    routing.unreachable(0.5, "ConnectionRefusedError")
    assert routing.state == UNREACHABLE and not routing.use_replica(0.5)
    assert "ConnectionRefusedError" in routing.reason
    routing.observed(1.5, 100, 1.5, standby(100))
    assert routing.use_replica(1.5)
    routing.primary_unreachable(2.5)
    assert routing.state == PRIMARY_UNREACHABLE and not routing.use_replica(2.5)


def test_a_decision_whose_check_is_stuck_expires() -> None:
    routing = Routing(max_lag=5.0, description="standby")
    routing.observed(0.0, 100, 0.0, standby(100))
    assert routing.use_replica(DECISION_LIFETIME)
    assert not routing.use_replica(DECISION_LIFETIME + 0.01)


def test_accord_broker_serve_refuses_a_read_replica_beside_sqlite_in_one_sentence(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from broker.__main__ import main

    monkeypatch.setenv("ACCORD_DATABASE_URL", f"sqlite:///{tmp_path / 'accord.db'}")
    monkeypatch.setenv("ACCORD_DATABASE_READ_URL", STANDBY)
    assert main(["serve"]) == 1
    said = capsys.readouterr()
    assert said.out == ""
    assert said.err == (
        "accord: ACCORD_DATABASE_READ_URL needs ACCORD_DATABASE_URL on PostgreSQL: a read"
        " replica is a standby of the PostgreSQL primary, and SQLite has none\n"
    )
    assert not (tmp_path / "accord.db").exists()
