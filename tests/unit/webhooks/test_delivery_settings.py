"""`ACCORD_WEBHOOK_*` settings of the delivery worker: defaults, parsing, and refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from broker.domain.webhooks import DEFAULT_RETRY_SCHEDULE
from broker.settings import Settings, SettingsError
from broker.webhooks.worker import DeliveryConfig


def test_delivery_is_on_with_a_day_of_retries_by_default(tmp_path: Path) -> None:
    settings = Settings.from_env({}, cwd=tmp_path)
    assert settings.webhook_delivery is True
    assert settings.webhook_timeout == 10.0
    assert settings.webhook_retry_schedule == DEFAULT_RETRY_SCHEDULE
    assert settings.webhook_concurrency == 4
    assert settings.webhook_poll_interval == 1.0


def test_the_worker_is_configured_from_the_environment(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "ACCORD_WEBHOOK_DELIVERY": "FALSE",
            "ACCORD_WEBHOOK_TIMEOUT": "2.5",
            "ACCORD_WEBHOOK_RETRY_SCHEDULE": " 0.05, 1 ,600",
            "ACCORD_WEBHOOK_CONCURRENCY": "16",
            "ACCORD_WEBHOOK_POLL_INTERVAL": "0.2",
        },
        cwd=tmp_path,
    )
    assert settings.webhook_delivery is False
    assert DeliveryConfig.from_settings(settings) == DeliveryConfig(
        timeout=2.5, retry_schedule=(0.05, 1.0, 600.0), concurrency=16, poll_interval=0.2
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ACCORD_WEBHOOK_DELIVERY", "yes"),
        ("ACCORD_WEBHOOK_TIMEOUT", "0"),
        ("ACCORD_WEBHOOK_TIMEOUT", "soon"),
        ("ACCORD_WEBHOOK_RETRY_SCHEDULE", "10,,20"),
        ("ACCORD_WEBHOOK_RETRY_SCHEDULE", "10,-1"),
        ("ACCORD_WEBHOOK_RETRY_SCHEDULE", "1e3"),
        ("ACCORD_WEBHOOK_RETRY_SCHEDULE", "999999"),
        ("ACCORD_WEBHOOK_RETRY_SCHEDULE", ",".join(["1"] * 51)),
        ("ACCORD_WEBHOOK_CONCURRENCY", "0"),
        ("ACCORD_WEBHOOK_CONCURRENCY", "65"),
        ("ACCORD_WEBHOOK_CONCURRENCY", "four"),
        ("ACCORD_WEBHOOK_POLL_INTERVAL", "-1"),
    ],
)
def test_a_bad_value_is_refused_naming_its_variable(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value}, cwd=tmp_path)
