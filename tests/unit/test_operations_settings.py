"""`ACCORD_METRICS_TOKEN` and `ACCORD_DATABASE_STATEMENT_CACHE`, the session key replicas share,
and what `/metrics` labels a request with."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from broker.http.observed import request_id_of
from broker.metrics import Metrics, route_label
from broker.services.auth import SessionSubject
from broker.settings import Settings, SettingsError
from broker.web.sessions import is_shared, signer_for

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def test_metrics_are_open_and_statements_cached_by_default(tmp_path: Path) -> None:
    settings = Settings.from_env({}, cwd=tmp_path)
    assert settings.metrics_token is None
    assert settings.database_statement_cache == 100
    assert settings.otel_endpoint is None


def test_the_statement_cache_may_be_turned_off_and_the_metrics_closed(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "ACCORD_DATABASE_STATEMENT_CACHE": "0",
            "ACCORD_METRICS_TOKEN": "a-scrape-token-of-some-length",
            "ACCORD_OTEL_ENDPOINT": "http://127.0.0.1:4318/v1/traces",
        },
        cwd=tmp_path,
    )
    assert settings.otel_endpoint == "http://127.0.0.1:4318/v1/traces"
    assert settings.database_statement_cache == 0
    assert settings.metrics_token == "a-scrape-token-of-some-length"


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("ACCORD_DATABASE_STATEMENT_CACHE", "-1", "whole number"),
        ("ACCORD_DATABASE_STATEMENT_CACHE", "off", "whole number"),
        ("ACCORD_DATABASE_STATEMENT_CACHE", "100001", "from 0 to 100000"),
        ("ACCORD_METRICS_TOKEN", "short", "at least 16 characters"),
        ("ACCORD_OTEL_ENDPOINT", "collector:4318", "http(s) URL"),
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


def test_statement_times_are_a_cumulative_histogram_per_operation() -> None:
    metrics = Metrics()
    for seconds in (0.0001, 0.0002, 0.0003, 0.004, 20.0):
        metrics.observe_query("execute", seconds)
    metrics.observe_query("fetch", 0.001)
    families = {
        family.name: family
        for family in text_string_to_metric_families(metrics.exposition().decode())
    }
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for sample in families["accord_db_query_duration_seconds"].samples
    }

    def bucket(operation: str, le: str) -> float:
        name = "accord_db_query_duration_seconds_bucket"
        return samples[name, (("le", le), ("operation", operation))]

    assert bucket("execute", "0.0002") == 2  # a bound counts what equals it
    assert bucket("execute", "0.0005") == 3
    assert bucket("execute", "0.005") == 4
    assert bucket("execute", "10.0") == 4
    assert bucket("execute", "+Inf") == 5
    assert samples["accord_db_query_duration_seconds_count", (("operation", "execute"),)] == 5
    total = samples["accord_db_query_duration_seconds_sum", (("operation", "execute"),)]
    assert abs(total - 20.0046) < 1e-9
    assert bucket("fetch", "0.001") == 1
    assert bucket("insert", "+Inf") == 0  # every operation is there from the start
