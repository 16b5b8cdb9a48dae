"""The matrix as the Pact Broker's plain-text table (pact-broker-api §12.3)."""

from __future__ import annotations

from typing import Any

from broker.http.matrix_text import matrix_text


def row(consumer: str, version: str, result: dict[str, Any] | None, **extra: Any) -> Any:
    return {
        "consumer": {"name": consumer, "version": {"number": version}},
        "provider": {"name": "P", "version": None},
        "verificationResult": result,
        **extra,
    }


def test_ignored_rows_unknown_sides_and_commit_like_versions() -> None:
    url = "http://broker/r/1"
    body = {
        "matrix": [
            row("LongConsumerName", "v-" + "a" * 40 + "-x", {"success": True}),
            row("C", "2", {"success": False, "_links": {"self": {"href": url}}}, ignored=True),
        ]
    }
    assert matrix_text(body) == (
        "CONSUMER         | C.VERSION   | PROVIDER | P.VERSION | SUCCESS?        | RESULT#\n"
        "-----------------|-------------|----------|-----------|-----------------|--------\n"
        "LongConsumerName | v-aaaaaaa-x | P        | ???       | true            |        \n"
        "C                | 2           | P        | ???       | false [ignored] | 1      \n"
        "\n"
        "VERIFICATION RESULTS\n"
        "--------------------\n"
        f"1. {url} (failure)"
    )


def test_no_rows_no_text() -> None:
    assert matrix_text({"matrix": []}) == ""
