"""The broker's settings: read once at start from flags and the environment, then passed down."""

from __future__ import annotations

import importlib.util
import ipaddress
import re
import shlex
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import msgspec

from broker.domain.governance import MODES
from broker.domain.webhooks import DEFAULT_RETRY_SCHEDULE
from broker.services.login_throttle import (
    DEFAULT_FAILURES_PER_ADDRESS,
    DEFAULT_FAILURES_PER_USER,
    DEFAULT_WINDOW_SECONDS,
)
from broker.webhooks.guard import KNOWN_METHODS, KNOWN_SCHEMES, allowed_host_entry

DEFAULT_DATABASE_FILE = "accord.db"
DEFAULT_PORT = 9292
MAX_PORT = 65535
DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024
DEFAULT_DATABASE_TIMEOUT = 10.0
# asyncpg's own default: prepared statements kept per connection.
DEFAULT_STATEMENT_CACHE = 100
DEFAULT_READ_MAX_LAG = 5.0
MAX_STATEMENT_CACHE = 100_000
MIN_AUDIT_KEY_LENGTH = 32
MIN_METRICS_TOKEN_LENGTH = 16
DEFAULT_WORKERS = 2
DEFAULT_WORK_BUDGET = 30.0
MAX_WORKERS = 64
DEFAULT_WEBHOOK_TIMEOUT = 10.0
DEFAULT_WEBHOOK_CONCURRENCY = 4
DEFAULT_WEBHOOK_POLL_INTERVAL = 1.0
MAX_WEBHOOK_CONCURRENCY = 64
MAX_RETRY_DELAY = 7 * 24 * 3600.0
MAX_RETRIES = 50


class SettingsError(ValueError):
    """A setting has a value the broker cannot use; the message says which and why."""


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the broker is configured with.

    Environment variables: `ACCORD_DATABASE_URL` (`postgresql://…` or `sqlite:///path`;
    default a SQLite file `accord.db` in the working directory), `ACCORD_BASE_URL` (public URL
    behind a proxy), `ACCORD_LOG_LEVEL` (`debug`, `info`, `warning`, `error`; default `info`),
    `ACCORD_LOG_FORMAT` (`plain` or `json`; default `plain`), `ACCORD_MAX_BODY_BYTES`
    (default 10 MiB), `ACCORD_ALLOW_CONTRACT_MODIFICATION` (`true` lets a consumer version's
    pact change content; default `false`, as the Pact Broker's
    `allow_dangerous_contract_modification`), `ACCORD_ADMIN_TOKEN` (a bearer token with the
    admin role; default none), `ACCORD_ALLOW_ANONYMOUS` (`true` lets a broker without
    credentials listen on a non-loopback address; default `false`), `ACCORD_DEFAULT_MODE`
    (the mode of a pacticipant that has none of its own: `greenfield`, `brownfield-polish` or
    `brownfield-enterprise`; default `greenfield`), `ACCORD_AUDIT_KEY` (a secret of at least
    32 characters; each audit entry then carries an HMAC under it; default none),
    `ACCORD_DATABASE_TIMEOUT` (seconds to wait for the database to connect or answer a
    statement before answering 503; default 10), `ACCORD_ALLOW_OVERRIDE` (`true` lets an
    admin override a change request, break glass; default `false`),
    `ACCORD_LOGIN_FAILURES_PER_USER` and
    `ACCORD_LOGIN_FAILURES_PER_ADDRESS` (failed basic-auth logins within
    `ACCORD_LOGIN_FAILURE_WINDOW` seconds before the username or address gets 429; defaults
    10, 30 and 60; 0 turns a limit off), `ACCORD_TRUSTED_PROXIES` (comma-separated addresses
    or networks of reverse proxies whose `X-Forwarded-For` names the caller; default none),
    `ACCORD_STRICT_PACTS` (`true` refuses every pact the Pact JSON Schema refuses, the faults
    real clients write too; default `false`, which accepts those with a warning notice),
    `ACCORD_WORKERS` (processes that compare, diff and read uploaded documents; default 2),
    `ACCORD_WORK_TIMEOUT` (seconds one such task may take before it is stopped and reported as
    not computed; default 30), `ACCORD_WEBHOOK_SCHEMES` (comma-separated schemes webhook URLs
    may use, of `http` and `https`; default `https`), `ACCORD_WEBHOOK_METHODS` (comma-separated
    HTTP methods webhooks may use; default `POST`), `ACCORD_WEBHOOK_ALLOWED_HOSTS`
    (comma-separated host names, addresses and CIDR networks webhooks may reach although they
    are loopback, private, link-local…; default none), `ACCORD_WEBHOOK_DELIVERY` (`false`
    makes this broker API-only: it stores webhook deliveries but another replica makes them;
    default `true`), `ACCORD_WEBHOOK_TIMEOUT` (seconds one webhook call may take; default
    10), `ACCORD_WEBHOOK_RETRY_SCHEDULE` (comma-separated seconds to wait before each retry of
    a failed call, after which the delivery is dead; default 10, 30, 60, 300, 900, 1800,
    3600, 7200, 14400, 28800, 28800: about a day), `ACCORD_WEBHOOK_CONCURRENCY` (calls this
    broker makes at once; default 4), `ACCORD_WEBHOOK_POLL_INTERVAL` (seconds between looks
    for due deliveries when idle; default 1), `ACCORD_SESSION_KEY` (a secret of at least 32
    characters that signs the web interface's session cookies; give every broker process behind
    one address the same key; default a random key per process, so a restart signs everyone
    out), `ACCORD_PORT` (the port to listen on when `--port` is not given; default 9292),
    `ACCORD_CLEAN_SCHEDULE` (an interval such as `24h`: the broker runs `accord broker
    clean` that often, one replica at a time; default none) and `ACCORD_CLEAN_OPTIONS` (its
    flags, such as `--keep-latest-per-branch 20 --keep-newer-than 90d`; default none: the
    command's defaults), `ACCORD_METRICS_TOKEN` (a bearer token `GET /metrics` then asks
    for; default none: `/metrics` is open, as the heartbeat is),
    `ACCORD_DATABASE_STATEMENT_CACHE` (prepared statements asyncpg keeps per PostgreSQL
    connection; 0 behind PgBouncer in transaction mode; default 100), `ACCORD_OTEL_ENDPOINT`
    (an OTLP/HTTP traces URL such as `http://collector:4318/v1/traces`: spans for requests and
    SQL statements go there; needs the `otel` extra; default none, no tracing),
    `ACCORD_DATABASE_READ_URL` (a `postgresql://` URL of a hot standby of the database:
    browsing reads go there while it is at most `ACCORD_DATABASE_READ_MAX_LAG` seconds behind;
    default none, every read on the primary) and `ACCORD_DATABASE_READ_MAX_LAG` (default 5).
    """

    host: str = "127.0.0.1"
    port: int = 9292
    database_url: str
    base_url: str | None = None
    log_level: str = "info"
    log_format: str = "plain"
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    allow_contract_modification: bool = False
    admin_token: str | None = None
    allow_anonymous: bool = False
    default_mode: str = "greenfield"
    audit_key: str | None = None
    database_timeout: float = DEFAULT_DATABASE_TIMEOUT
    login_failures_per_user: int = DEFAULT_FAILURES_PER_USER
    login_failures_per_address: int = DEFAULT_FAILURES_PER_ADDRESS
    login_failure_window: int = DEFAULT_WINDOW_SECONDS
    trusted_proxies: tuple[str, ...] = ()
    allow_override: bool = False
    strict_pacts: bool = False
    workers: int = DEFAULT_WORKERS
    work_budget: float = DEFAULT_WORK_BUDGET
    webhook_schemes: frozenset[str] = frozenset({"https"})
    webhook_methods: frozenset[str] = frozenset({"POST"})
    webhook_allowed_hosts: tuple[str, ...] = ()
    webhook_delivery: bool = True
    webhook_timeout: float = DEFAULT_WEBHOOK_TIMEOUT
    webhook_retry_schedule: tuple[float, ...] = DEFAULT_RETRY_SCHEDULE
    webhook_concurrency: int = DEFAULT_WEBHOOK_CONCURRENCY
    webhook_poll_interval: float = DEFAULT_WEBHOOK_POLL_INTERVAL
    session_key: str | None = None
    clean_schedule: float | None = None
    clean_options: tuple[str, ...] = ()
    metrics_token: str | None = None
    database_statement_cache: int = DEFAULT_STATEMENT_CACHE
    otel_endpoint: str | None = None
    database_read_url: str | None = None
    database_read_max_lag: float = DEFAULT_READ_MAX_LAG

    @classmethod
    def from_env(  # noqa: PLR0915 - one statement or two per variable, in the order documented
        cls,
        environ: Mapping[str, str],
        *,
        cwd: Path,
        host: str | None = None,
        port: int | None = None,
    ) -> Settings:
        """Settings from environment variables, with command-line values taking precedence."""
        database_url = (
            environ.get("ACCORD_DATABASE_URL") or f"sqlite:///{cwd / DEFAULT_DATABASE_FILE}"
        )
        check_database_url(database_url)
        log_level = environ.get("ACCORD_LOG_LEVEL", "info").lower()
        if log_level not in {"debug", "info", "warning", "error"}:
            raise SettingsError(
                f"ACCORD_LOG_LEVEL must be debug, info, warning or error, not {log_level!r}"
            )
        log_format = environ.get("ACCORD_LOG_FORMAT", "plain").lower()
        if log_format not in {"plain", "json"}:
            raise SettingsError(f"ACCORD_LOG_FORMAT must be plain or json, not {log_format!r}")
        raw_limit = environ.get("ACCORD_MAX_BODY_BYTES", str(DEFAULT_MAX_BODY_BYTES))
        if not raw_limit.isdigit() or int(raw_limit) <= 0:
            raise SettingsError(
                f"ACCORD_MAX_BODY_BYTES must be a positive integer, not {raw_limit!r}"
            )
        modification = _flag(environ, "ACCORD_ALLOW_CONTRACT_MODIFICATION")
        anonymous = _flag(environ, "ACCORD_ALLOW_ANONYMOUS")
        default_mode = environ.get("ACCORD_DEFAULT_MODE", "greenfield").lower()
        if default_mode not in MODES:
            raise SettingsError(
                f"ACCORD_DEFAULT_MODE must be one of {', '.join(MODES)}, not {default_mode!r}"
            )
        audit_key = environ.get("ACCORD_AUDIT_KEY") or None
        if audit_key is not None and len(audit_key) < MIN_AUDIT_KEY_LENGTH:
            raise SettingsError(
                f"ACCORD_AUDIT_KEY must be at least {MIN_AUDIT_KEY_LENGTH} characters long"
            )
        database_timeout = _positive_seconds(
            "ACCORD_DATABASE_TIMEOUT", environ.get("ACCORD_DATABASE_TIMEOUT")
        )
        per_user = _count(environ, "ACCORD_LOGIN_FAILURES_PER_USER", DEFAULT_FAILURES_PER_USER)
        per_address = _count(
            environ, "ACCORD_LOGIN_FAILURES_PER_ADDRESS", DEFAULT_FAILURES_PER_ADDRESS
        )
        window = _count(environ, "ACCORD_LOGIN_FAILURE_WINDOW", DEFAULT_WINDOW_SECONDS)
        if window == 0:
            raise SettingsError("ACCORD_LOGIN_FAILURE_WINDOW must be a positive number of seconds")
        try:
            trusted_proxies = parse_networks(environ.get("ACCORD_TRUSTED_PROXIES", ""))
        except ValueError as error:
            raise SettingsError(f"ACCORD_TRUSTED_PROXIES: {error}") from error
        allow_override = _flag(environ, "ACCORD_ALLOW_OVERRIDE")
        strict_pacts = _flag(environ, "ACCORD_STRICT_PACTS")
        workers, work_budget = _work_settings(environ)
        webhook_schemes, webhook_methods, webhook_allowed_hosts = _webhook_settings(environ)
        webhook_delivery = _flag(environ, "ACCORD_WEBHOOK_DELIVERY", default=True)
        webhook_timeout = _positive_seconds(
            "ACCORD_WEBHOOK_TIMEOUT",
            environ.get("ACCORD_WEBHOOK_TIMEOUT"),
            default=DEFAULT_WEBHOOK_TIMEOUT,
        )
        webhook_poll_interval = _positive_seconds(
            "ACCORD_WEBHOOK_POLL_INTERVAL",
            environ.get("ACCORD_WEBHOOK_POLL_INTERVAL"),
            default=DEFAULT_WEBHOOK_POLL_INTERVAL,
        )
        webhook_retry_schedule = retry_schedule(environ.get("ACCORD_WEBHOOK_RETRY_SCHEDULE"))
        webhook_concurrency = _count(
            environ, "ACCORD_WEBHOOK_CONCURRENCY", DEFAULT_WEBHOOK_CONCURRENCY
        )
        if not 1 <= webhook_concurrency <= MAX_WEBHOOK_CONCURRENCY:
            raise SettingsError(
                f"ACCORD_WEBHOOK_CONCURRENCY must be from 1 to {MAX_WEBHOOK_CONCURRENCY},"
                f" not {webhook_concurrency}"
            )
        session_key = environ.get("ACCORD_SESSION_KEY") or None
        if session_key is not None and len(session_key) < MIN_AUDIT_KEY_LENGTH:
            raise SettingsError(
                f"ACCORD_SESSION_KEY must be at least {MIN_AUDIT_KEY_LENGTH} characters long"
            )
        base_url = environ.get("ACCORD_BASE_URL") or None
        if base_url is not None:
            parts = urlsplit(base_url)
            if parts.scheme not in {"http", "https"} or not parts.netloc:
                raise SettingsError(f"ACCORD_BASE_URL must be an http(s) URL, not {base_url!r}")
            base_url = base_url.rstrip("/")
        clean_schedule, clean_options = _clean_settings(environ)
        return cls(
            host=host or "127.0.0.1",
            port=_port(environ) if port is None else port,
            database_url=database_url,
            base_url=base_url,
            log_level=log_level,
            log_format=log_format,
            max_body_bytes=int(raw_limit),
            allow_contract_modification=modification,
            admin_token=environ.get("ACCORD_ADMIN_TOKEN") or None,
            allow_anonymous=anonymous,
            default_mode=default_mode,
            audit_key=audit_key,
            database_timeout=database_timeout,
            login_failures_per_user=per_user,
            login_failures_per_address=per_address,
            login_failure_window=window,
            trusted_proxies=trusted_proxies,
            allow_override=allow_override,
            strict_pacts=strict_pacts,
            workers=workers,
            work_budget=work_budget,
            webhook_schemes=webhook_schemes,
            webhook_methods=webhook_methods,
            webhook_allowed_hosts=webhook_allowed_hosts,
            webhook_delivery=webhook_delivery,
            webhook_timeout=webhook_timeout,
            webhook_retry_schedule=webhook_retry_schedule,
            webhook_concurrency=webhook_concurrency,
            webhook_poll_interval=webhook_poll_interval,
            session_key=session_key,
            clean_schedule=clean_schedule,
            clean_options=clean_options,
            **_operations_settings(environ),
            **_read_replica_settings(environ, database_url),
        )


_INTERVAL = re.compile(r"(?P<amount>[0-9]{1,7})(?P<unit>[smhd]?)")
_INTERVAL_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
MAX_CLEAN_INTERVAL = 30 * 86400


def _clean_settings(environ: Mapping[str, str]) -> tuple[float | None, tuple[str, ...]]:
    """`ACCORD_CLEAN_SCHEDULE` (an interval: `24h`, `30m`, `86400`) and `ACCORD_CLEAN_OPTIONS`.

    The options are `accord broker clean`'s flags (`--keep-latest-per-branch 20 …`), checked
    now so that a broker with bad ones does not start.
    """
    raw = environ.get("ACCORD_CLEAN_SCHEDULE", "").strip()
    schedule = None
    if raw:
        found = _INTERVAL.fullmatch(raw)
        seconds = int(found["amount"]) * _INTERVAL_UNITS[found["unit"]] if found else 0
        if not 1 <= seconds <= MAX_CLEAN_INTERVAL:
            raise SettingsError(
                "ACCORD_CLEAN_SCHEDULE must be an interval from 1s to 30d such as 24h, 30m or"
                f" 86400 (seconds), not {raw!r}"
            )
        schedule = float(seconds)
    try:
        options = tuple(shlex.split(environ.get("ACCORD_CLEAN_OPTIONS", "")))
    except ValueError as error:
        raise SettingsError(f"ACCORD_CLEAN_OPTIONS: {error}") from error
    if options:
        from broker.clean_command import check_options  # noqa: PLC0415 - only when asked

        problem = check_options(options)
        if problem:
            raise SettingsError(f"ACCORD_CLEAN_OPTIONS: {problem}")
    return schedule, options


def _read_replica_settings(environ: Mapping[str, str], database_url: str) -> dict[str, Any]:
    """`ACCORD_DATABASE_READ_URL` (a PostgreSQL hot standby) and `ACCORD_DATABASE_READ_MAX_LAG`."""
    read_url = environ.get("ACCORD_DATABASE_READ_URL", "").strip() or None
    raw_lag = environ.get("ACCORD_DATABASE_READ_MAX_LAG", "").strip()
    if read_url is None:
        # The bound alone is allowed: a migration job shares the brokers' plain settings.
        return {}
    scheme = urlsplit(read_url).scheme
    if scheme not in {"postgresql", "postgres"}:
        given = f"a {scheme}: URL" if scheme else "text without a scheme"
        raise SettingsError(
            f"ACCORD_DATABASE_READ_URL must be a postgresql:// URL of a hot standby, not {given}"
        )
    if urlsplit(database_url).scheme not in {"postgresql", "postgres"}:
        raise SettingsError(
            "ACCORD_DATABASE_READ_URL needs ACCORD_DATABASE_URL on PostgreSQL: a read replica"
            " is a standby of the PostgreSQL primary, and SQLite has none"
        )
    max_lag = _positive_seconds(
        "ACCORD_DATABASE_READ_MAX_LAG", raw_lag, default=DEFAULT_READ_MAX_LAG
    )
    return {"database_read_url": read_url, "database_read_max_lag": max_lag}


def _operations_settings(environ: Mapping[str, str]) -> dict[str, Any]:
    """`ACCORD_METRICS_TOKEN`, `ACCORD_DATABASE_STATEMENT_CACHE` and `ACCORD_OTEL_ENDPOINT`."""
    metrics_token = environ.get("ACCORD_METRICS_TOKEN") or None
    if metrics_token is not None and len(metrics_token) < MIN_METRICS_TOKEN_LENGTH:
        raise SettingsError(
            f"ACCORD_METRICS_TOKEN must be at least {MIN_METRICS_TOKEN_LENGTH} characters long"
        )
    statement_cache = _count(environ, "ACCORD_DATABASE_STATEMENT_CACHE", DEFAULT_STATEMENT_CACHE)
    if statement_cache > MAX_STATEMENT_CACHE:
        raise SettingsError(
            f"ACCORD_DATABASE_STATEMENT_CACHE must be from 0 to {MAX_STATEMENT_CACHE},"
            f" not {statement_cache}"
        )
    otel_endpoint = environ.get("ACCORD_OTEL_ENDPOINT") or None
    if otel_endpoint is not None:
        parts = urlsplit(otel_endpoint)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise SettingsError(
                f"ACCORD_OTEL_ENDPOINT must be an http(s) URL, not {otel_endpoint!r}"
            )
        if importlib.util.find_spec("opentelemetry.sdk") is None:
            raise SettingsError(
                "ACCORD_OTEL_ENDPOINT needs the OpenTelemetry packages: pip install 'accord[otel]'"
            )
    return {
        "otel_endpoint": otel_endpoint,
        "metrics_token": metrics_token,
        "database_statement_cache": statement_cache,
    }


def _flag(environ: Mapping[str, str], name: str, *, default: bool = False) -> bool:
    """A `true`/`false` setting (any case; `default` when unset)."""
    value = environ.get(name, "true" if default else "false").lower()
    if value not in {"true", "false"}:
        raise SettingsError(f"{name} must be true or false, not {value!r}")
    return value == "true"


def _port(environ: Mapping[str, str]) -> int:
    """`ACCORD_PORT`, the port to listen on when `--port` is not given: 1 to 65535."""
    port = _count(environ, "ACCORD_PORT", DEFAULT_PORT)
    if not 1 <= port <= MAX_PORT:
        raise SettingsError(f"ACCORD_PORT must be from 1 to {MAX_PORT}, not {port}")
    return port


def _count(environ: Mapping[str, str], name: str, default: int) -> int:
    """A whole number of at least 0 from the environment."""
    raw = environ.get(name, str(default)).strip()
    if not raw.isdigit() or len(raw) > 9:  # noqa: PLR2004 - a billion is no limit anyway
        raise SettingsError(f"{name} must be a whole number of at least 0, not {raw!r}")
    return int(raw)


def parse_networks(text: str) -> tuple[str, ...]:
    """Comma-separated addresses or CIDR networks, normalised; `ValueError` names a bad one."""
    networks = []
    for item in (part.strip() for part in text.split(",")):
        if item:
            try:
                networks.append(str(ipaddress.ip_network(item, strict=False)))
            except ValueError as error:
                raise ValueError(f"{item!r} is not an IP address or network") from error
    return tuple(networks)


def _positive_seconds(
    name: str, raw: str | None, *, default: float = DEFAULT_DATABASE_TIMEOUT
) -> float:
    """A number of seconds from the environment: positive and finite (the default if unset)."""
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value < 3600:  # noqa: PLR2004 - an hour is no longer a timeout
        raise SettingsError(
            f"{name} must be a number of seconds above 0 and below 3600, not {raw!r}"
        )
    return value


def retry_schedule(raw: str | None) -> tuple[float, ...]:
    """`ACCORD_WEBHOOK_RETRY_SCHEDULE`: comma-separated seconds before each retry.

    Unset or blank: `DEFAULT_RETRY_SCHEDULE`. Each delay is from 0 to a week; at most
    `MAX_RETRIES` of them.
    """
    if raw is None or not raw.strip():
        return DEFAULT_RETRY_SCHEDULE
    delays = []
    for item in (part.strip() for part in raw.split(",")):
        if not re.fullmatch(r"[0-9]{1,7}(\.[0-9]{1,6})?", item) or float(item) > MAX_RETRY_DELAY:
            raise SettingsError(
                "ACCORD_WEBHOOK_RETRY_SCHEDULE must be comma-separated numbers of seconds"
                f" from 0 to {MAX_RETRY_DELAY:g}, not {item!r}"
            )
        delays.append(float(item))
    if len(delays) > MAX_RETRIES:
        raise SettingsError(
            f"ACCORD_WEBHOOK_RETRY_SCHEDULE may hold at most {MAX_RETRIES} delays,"
            f" not {len(delays)}"
        )
    return tuple(delays)


def _work_settings(environ: Mapping[str, str]) -> tuple[int, float]:
    """`ACCORD_WORKERS` (1 to `MAX_WORKERS`) and `ACCORD_WORK_TIMEOUT` (seconds, above 0)."""
    raw_workers = environ.get("ACCORD_WORKERS", str(DEFAULT_WORKERS))
    if not re.fullmatch(r"[0-9]{1,2}", raw_workers) or not 1 <= int(raw_workers) <= MAX_WORKERS:
        raise SettingsError(
            f"ACCORD_WORKERS must be an integer from 1 to {MAX_WORKERS}, not {raw_workers!r}"
        )
    raw_budget = environ.get("ACCORD_WORK_TIMEOUT", str(DEFAULT_WORK_BUDGET))
    if not re.fullmatch(r"[0-9]{1,5}(\.[0-9]+)?", raw_budget) or float(raw_budget) <= 0:
        raise SettingsError(
            f"ACCORD_WORK_TIMEOUT must be a positive number of seconds, not {raw_budget!r}"
        )
    return int(raw_workers), float(raw_budget)


def _webhook_settings(
    environ: Mapping[str, str],
) -> tuple[frozenset[str], frozenset[str], tuple[str, ...]]:
    """`ACCORD_WEBHOOK_SCHEMES`, `ACCORD_WEBHOOK_METHODS` and `ACCORD_WEBHOOK_ALLOWED_HOSTS`."""
    schemes = _choices(environ, "ACCORD_WEBHOOK_SCHEMES", "https", KNOWN_SCHEMES, str.lower)
    methods = _choices(environ, "ACCORD_WEBHOOK_METHODS", "POST", KNOWN_METHODS, str.upper)
    allowed_hosts = []
    for item in environ.get("ACCORD_WEBHOOK_ALLOWED_HOSTS", "").split(","):
        if item.strip():
            try:
                allowed_hosts.append(allowed_host_entry(item))
            except ValueError as error:
                raise SettingsError(f"ACCORD_WEBHOOK_ALLOWED_HOSTS: {error}") from error
    return schemes, methods, tuple(dict.fromkeys(allowed_hosts))


def _choices(
    environ: Mapping[str, str],
    name: str,
    default: str,
    known: frozenset[str],
    normalise: Callable[[str], str],
) -> frozenset[str]:
    """A comma-separated subset of `known` (the default when unset or blank)."""
    raw = environ.get(name, "").strip() or default
    chosen = frozenset(normalise(item.strip()) for item in raw.split(",") if item.strip())
    if unknown := sorted(chosen - known):
        raise SettingsError(
            f"{name} may name only {', '.join(sorted(known))}, not {', '.join(unknown)}"
        )
    return chosen


def check_database_url(url: str) -> None:
    """Refuse a database URL that is neither SQLite nor PostgreSQL."""
    scheme = urlsplit(url).scheme
    if scheme not in {"sqlite", "postgresql", "postgres"}:
        raise SettingsError(
            "ACCORD_DATABASE_URL must start with postgresql:// or sqlite:///, "
            f"not {scheme or url!r}"
        )
    if scheme == "sqlite" and not sqlite_path(url):
        raise SettingsError(
            "ACCORD_DATABASE_URL sqlite:/// needs a file path, e.g. sqlite:///accord.db"
        )


def sqlite_path(url: str) -> str:
    """The file path in `sqlite:///relative/path` or `sqlite:////absolute/path` (as SQLAlchemy)."""
    return url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else ""


def redacted(url: str) -> str:
    """The URL with any password replaced by `***`, fit for logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}{port}"))
