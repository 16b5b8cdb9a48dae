"""What the pacticipant page shows of a webhook's target: its host, never the rest."""

from __future__ import annotations

import pytest

from broker.web.pacticipant_view import target_host


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://ci.example.com/builds/1?token=abc", "ci.example.com"),
        ("https://user:secret@ci.example.com:8443/hook", "ci.example.com:8443"),
        ("http://[2001:db8::1]:8080/x", "[2001:db8::1]:8080"),
        (
            "https://${pactbroker.providerName}.example.com/x",
            "${pactbroker.providername}.example.com",
        ),
        ("https://ci.example.com:notaport/x", "(not a valid URL)"),
        ("/relative/path", "(no host)"),
    ],
)
def test_only_the_host_and_port_of_a_webhook_target_are_shown(url: str, shown: str) -> None:
    assert target_host(url) == shown
    assert "secret" not in target_host(url)
    assert "token" not in target_host(url)
