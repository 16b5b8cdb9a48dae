"""ACCORD_WEBHOOK_SCHEMES, ACCORD_WEBHOOK_METHODS and ACCORD_WEBHOOK_ALLOWED_HOSTS."""

from __future__ import annotations

from pathlib import Path

import pytest

from broker.settings import Settings, SettingsError
from broker.webhooks.guard import WebhookPolicy


def test_webhooks_default_to_https_post_and_no_allowed_hosts(tmp_path: Path) -> None:
    settings = Settings.from_env({}, cwd=tmp_path)
    assert settings.webhook_schemes == frozenset({"https"})
    assert settings.webhook_methods == frozenset({"POST"})
    assert settings.webhook_allowed_hosts == ()
    assert WebhookPolicy.from_settings(settings) == WebhookPolicy()


def test_webhook_settings_come_from_the_environment(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "ACCORD_WEBHOOK_SCHEMES": "HTTPS, http",
            "ACCORD_WEBHOOK_METHODS": "post,Put",
            "ACCORD_WEBHOOK_ALLOWED_HOSTS": " CI.Internal , 127.0.0.1, 10.1.0.0/16,::1,ci.internal",
        },
        cwd=tmp_path,
    )
    assert WebhookPolicy.from_settings(settings) == WebhookPolicy(
        schemes=frozenset({"http", "https"}),
        methods=frozenset({"POST", "PUT"}),
        allowed_hosts=("ci.internal", "127.0.0.1/32", "10.1.0.0/16", "::1/128"),
    )


def test_blank_webhook_settings_keep_the_defaults(tmp_path: Path) -> None:
    blank = {
        "ACCORD_WEBHOOK_SCHEMES": " ",
        "ACCORD_WEBHOOK_METHODS": "",
        "ACCORD_WEBHOOK_ALLOWED_HOSTS": " , ",
    }
    settings = Settings.from_env(blank, cwd=tmp_path)
    assert WebhookPolicy.from_settings(settings) == WebhookPolicy()


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("ACCORD_WEBHOOK_SCHEMES", "https,ftp", "may name only http, https, not ftp"),
        ("ACCORD_WEBHOOK_SCHEMES", "file", "not file"),
        ("ACCORD_WEBHOOK_METHODS", "POST,CONNECT", "not CONNECT"),
        ("ACCORD_WEBHOOK_METHODS", "FETCH", "not FETCH"),
        ("ACCORD_WEBHOOK_ALLOWED_HOSTS", "10.0.0.0/33", "'10.0.0.0/33' is not an IP address"),
        ("ACCORD_WEBHOOK_ALLOWED_HOSTS", "ci.internal,*.internal", "'\\*.internal' is not a host"),
        ("ACCORD_WEBHOOK_ALLOWED_HOSTS", "999.0.0.1", "'999.0.0.1' is not an IP address"),
    ],
)
def test_a_bad_webhook_setting_is_refused_by_name(
    tmp_path: Path, name: str, value: str, message: str
) -> None:
    with pytest.raises(SettingsError, match=f"{name}.*{message}"):
        Settings.from_env({name: value}, cwd=tmp_path)
