"""How pages write times (broker/web/formatting.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from broker.web.formatting import age, timestamp

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("ago", "text"),
    [
        (timedelta(seconds=59), "just now"),
        (timedelta(minutes=1), "1 minute ago"),
        (timedelta(minutes=59), "59 minutes ago"),
        (timedelta(hours=1), "1 hour ago"),
        (timedelta(hours=25), "1 day ago"),
        (timedelta(days=45), "1 month ago"),
        (timedelta(days=800), "2 years ago"),
    ],
)
def test_an_age_reads_in_its_largest_whole_unit(ago: timedelta, text: str) -> None:
    assert age(NOW - ago, NOW) == text


def test_a_timestamp_is_written_in_utc() -> None:
    other_zone = NOW.astimezone(timezone(timedelta(hours=5, minutes=30)))
    assert timestamp(other_zone) == "2026-12-03 12:00 UTC"
