"""One value per generator, as the Pact specification lists them (V3 and V4).

Each generator is the JSON object a pact carries (`{"type": "RandomInt", "min": 1, "max": 9}`);
`generate` returns the value that replaces the example. ProviderState fills `${name}` from the
values the provider state setup returned; MockServerURL only changes anything on the consumer
side, where a mock server URL is known, so on replay it keeps the example.
"""

from __future__ import annotations

import datetime
import random
import re
import string
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from verifier._errors import GeneratorError
from verifier._generators import dates, regexes
from verifier._matching.values import JSONValue
from verifier._regex import Dialect, RegexError, compile_regex

_EXPRESSION = re.compile(r"\$\{([^}]*)\}")
_DEFAULT_FORMATS = {"Date": "yyyy-MM-dd", "Time": "HH:mm:ss", "DateTime": "yyyy-MM-dd'T'HH:mm:ss"}
_KINDS: dict[str, dates.ExpressionKind] = {"Date": "date", "Time": "time", "DateTime": "datetime"}


@dataclass
class Context:
    """What generators may draw on while one request is made.

    Attributes:
        provider_state: The values the provider state setup returned, for `${name}`.
        now: The clock for Date, Time and DateTime.
        rng: The random source; seed it to make a replay repeatable.
        mock_server_url: The mock server's base URL (consumer side only; None on replay).
        notes: What could not be filled, such as a `${name}` no setup returned.
    """

    provider_state: Mapping[str, JSONValue] = field(default_factory=dict)
    now: datetime.datetime = field(default_factory=lambda: datetime.datetime.now(datetime.UTC))
    rng: random.Random = field(default_factory=random.Random)
    mock_server_url: str | None = None
    notes: list[str] = field(default_factory=list)


def _int(generator: Mapping[str, JSONValue], key: str, default: int) -> int:
    value = generator.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise GeneratorError(f"{generator.get('type')} needs a number for {key!r}, not {value!r}")
    try:
        return int(value)
    except ValueError as error:
        raise GeneratorError(f"{generator.get('type')} needs a number for {key!r}") from error


def _decimal(digits: int, rng: random.Random) -> float:
    digits = max(digits, 2)
    text = str(rng.randint(1, 9)) + "".join(rng.choice(string.digits) for _ in range(digits - 1))
    point = rng.randint(1, digits - 1)
    return float(f"{text[:point]}.{text[point:]}")


def _uuid(form: JSONValue, rng: random.Random) -> str:
    value = uuid.UUID(int=rng.getrandbits(128), version=4)
    shapes = {
        "simple": value.hex,
        "lower-case-hyphenated": str(value),
        "upper-case-hyphenated": str(value).upper(),
        "URN": value.urn,
    }
    if form is None:
        return str(value)
    if not isinstance(form, str) or form not in shapes:
        raise GeneratorError(f"Uuid format must be one of {sorted(shapes)}, not {form!r}")
    return shapes[form]


def _typed(value: JSONValue, data_type: JSONValue) -> JSONValue:
    """Convert a provider state value as the generator's `dataType` asks."""
    try:
        if data_type == "STRING":
            return value if isinstance(value, str) else _text(value)
        if data_type == "INTEGER":
            return int(str(value))
        if data_type in {"DECIMAL", "FLOAT"}:
            return float(str(value))
        if data_type == "BOOLEAN":
            return value if isinstance(value, bool) else str(value).lower() == "true"
    except ValueError as error:
        raise GeneratorError(f"{value!r} is not of the type {data_type}") from error
    return value


def _text(value: JSONValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _provider_state(
    generator: Mapping[str, JSONValue], current: JSONValue, context: Context
) -> JSONValue:
    expression = generator.get("expression")
    if not isinstance(expression, str):
        raise GeneratorError("a ProviderState generator needs an expression")
    names = _EXPRESSION.findall(expression)
    missing = [name for name in names if name.strip() not in context.provider_state]
    if missing:
        context.notes.append(
            f"the provider state setup returned no value for {', '.join(missing)}; "
            f"the pact's example is sent instead of {expression!r}"
        )
        return current
    whole = _EXPRESSION.fullmatch(expression)
    if whole is not None:
        value = context.provider_state[whole.group(1).strip()]
    else:
        value = _EXPRESSION.sub(
            lambda found: _text(context.provider_state[found.group(1).strip()]), expression
        )
    return _typed(value, generator.get("dataType"))


def _mock_server_url(
    generator: Mapping[str, JSONValue], current: JSONValue, context: Context
) -> JSONValue:
    example, pattern = generator.get("example", current), generator.get("regex")
    if context.mock_server_url is None or not isinstance(example, str):
        return current
    try:
        groups = (
            compile_regex(pattern, Dialect.JAVA).first_groups(example, whole=False)
            if isinstance(pattern, str)
            else None
        )
    except RegexError:
        return current
    if not groups or groups[0] is None:
        return current
    return context.mock_server_url.rstrip("/") + groups[0]


def _moment(generator: Mapping[str, JSONValue], kind: str, context: Context) -> str:
    pattern = generator.get("format") or _DEFAULT_FORMATS[kind]
    expression = generator.get("expression") or ""
    if not isinstance(pattern, str) or not isinstance(expression, str):
        raise GeneratorError(f"a {kind} generator's format and expression must be strings")
    try:
        moment = dates.evaluate(expression, context.now, _KINDS[kind])
        return dates.format_moment(moment, pattern)
    except dates.ExpressionError as error:
        raise GeneratorError(str(error)) from error


def _random_int(generator: Mapping[str, JSONValue], _current: JSONValue, context: Context) -> int:
    low, high = _int(generator, "min", 0), _int(generator, "max", 2_147_483_647)
    return context.rng.randint(min(low, high), max(low, high))


def _random_decimal(
    generator: Mapping[str, JSONValue], _current: JSONValue, context: Context
) -> float:
    return _decimal(_int(generator, "digits", 10), context.rng)


def _random_hexadecimal(
    generator: Mapping[str, JSONValue], _current: JSONValue, context: Context
) -> str:
    digits = _int(generator, "digits", 10)
    return "".join(context.rng.choice("0123456789abcdef") for _ in range(digits))


def _random_string(
    generator: Mapping[str, JSONValue], _current: JSONValue, context: Context
) -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(context.rng.choice(alphabet) for _ in range(_int(generator, "size", 20)))


def _random_boolean(
    _generator: Mapping[str, JSONValue], _current: JSONValue, context: Context
) -> bool:
    return context.rng.random() < 0.5  # noqa: PLR2004 - a fair coin


def _regex(generator: Mapping[str, JSONValue], _current: JSONValue, context: Context) -> str:
    pattern = generator.get("regex")
    if not isinstance(pattern, str):
        raise GeneratorError("a Regex generator needs a regex")
    try:
        return regexes.generate(pattern, context.rng)
    except regexes.RegexGenerationError as error:
        raise GeneratorError(str(error)) from error


def _uuid_generator(
    generator: Mapping[str, JSONValue], _current: JSONValue, context: Context
) -> str:
    return _uuid(generator.get("format"), context.rng)


def _date(generator: Mapping[str, JSONValue], _current: JSONValue, context: Context) -> str:
    return _moment(generator, "Date", context)


def _time(generator: Mapping[str, JSONValue], _current: JSONValue, context: Context) -> str:
    return _moment(generator, "Time", context)


def _date_time(generator: Mapping[str, JSONValue], _current: JSONValue, context: Context) -> str:
    return _moment(generator, "DateTime", context)


_GENERATORS: dict[str, Callable[[Mapping[str, JSONValue], JSONValue, Context], JSONValue]] = {
    "RandomInt": _random_int,
    "RandomDecimal": _random_decimal,
    "RandomHexadecimal": _random_hexadecimal,
    "RandomString": _random_string,
    "RandomBoolean": _random_boolean,
    "Regex": _regex,
    "Uuid": _uuid_generator,
    "Date": _date,
    "Time": _time,
    "DateTime": _date_time,
    "ProviderState": _provider_state,
    "MockServerURL": _mock_server_url,
}

GENERATOR_TYPES = frozenset(_GENERATORS)
"""The generator types this module makes values for."""


def generate(generator: Mapping[str, JSONValue], current: JSONValue, context: Context) -> JSONValue:
    """The value `generator` makes in place of `current` (the pact's example).

    Raises:
        GeneratorError: When the generator cannot make a value.
    """
    kind = generator.get("type")
    make = _GENERATORS.get(kind) if isinstance(kind, str) else None
    if make is None:
        raise GeneratorError(f"unknown generator type {kind!r}")
    return make(generator, current, context)


def as_text(value: JSONValue) -> str:
    """A generated value as it goes into a path, header or query string."""
    return _text(value)
