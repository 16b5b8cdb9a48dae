"""Which checks `accord probe` runs on which operation, with which requests: planned, not sent.

Pure: an OpenAPI document (a `Spec`), the credentials and the options in; a list of
`PlannedCheck` out, each with the exact requests it may send, the statuses that pass it and its
request bound, or the reason it is skipped. A check applies only where the document declares
what it tests:

    auth.missing, auth.invalid, auth.expired   an operation with a security requirement
                                               -> its declared 401 or 403 (401 when neither is)
    auth.forbidden                             ... that declares 403, with an `insufficient`
                                               credential -> 403
    auth.valid                                 ... with a `valid` credential -> a declared 2xx
    validation                                 a request schema (body, query, header, path)
                                               -> a declared 4xx (400 or 422 when none is)
    not-found                                  a path parameter and a declared 404 -> 404
    rate-limit                                 a declared 429 -> 429 within the burst
    timeout                                    a declared 503 or 504, a dependency named in
                                               `x-accord-dependencies` and given with
                                               --dependency -> 503/504 within the deadline

Request bounds, per operation: 1 request for each auth check, at most `MAX_VALIDATION_REQUESTS`
for validation, 1 for not-found, the burst limit + 2 for rate-limit (limit from the credentials
file, else `x-ratelimit-limit`, else 100, never more than 1,000), 1 per dependency for timeout.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import msgspec

from verifier._errors import VerifierError
from verifier.comparison import Spec
from verifier.comparison.shape import METHODS
from verifier.probe import samples

CHECKS = (
    "auth.missing",
    "auth.invalid",
    "auth.expired",
    "auth.forbidden",
    "auth.valid",
    "validation",
    "not-found",
    "rate-limit",
    "timeout",
)
MAX_VALIDATION_REQUESTS = 8
DEFAULT_RATE_LIMIT = 100
MAX_RATE_LIMIT = 1_000
INVALID_CREDENTIAL = "accord-probe-invalid"
MISSING_ID = "accord-probe-nothing-here"
_JSON_TYPES = ("application/json",)
_SUCCESS = range(200, 300)
_CLIENT_ERROR = range(400, 500)


class ProbeError(VerifierError):
    """The probe cannot run as asked (an unknown operation, unusable credentials)."""


class SchemeCredentials(msgspec.Struct, frozen=True, kw_only=True):
    """The credentials for one security scheme, from the credentials file."""

    valid: str | None = None
    expired: str | None = None
    insufficient: str | None = None


class Credentials(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """The credentials file: `{"schemes": {name: {valid, expired, insufficient}}, "rateLimit"}`."""

    schemes: dict[str, SchemeCredentials] = {}
    rate_limit: dict[str, int] = {}


class ProbeRequest(msgspec.Struct, frozen=True, kw_only=True):
    """One request a check sends, relative to the provider's base URL."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    body: Any = None
    has_body: bool = False
    description: str = ""


class PlannedCheck(msgspec.Struct, frozen=True, kw_only=True):
    """One check of one operation: what it sends and what passes it, or why it is skipped."""

    operation: str
    check: str
    expected: str = ""
    accepts: tuple[int, ...] = ()
    requests: tuple[ProbeRequest, ...] = ()
    max_requests: int = 0
    skip_reason: str = ""
    response_schemas: dict[int, Any] = {}
    burst: int = 0
    dependency: str = ""
    control_url: str = ""


class _Operation(msgspec.Struct, kw_only=True):
    name: str
    method: str
    path: str
    operation: dict[str, Any]
    parameters: list[dict[str, Any]]
    security: list[Any]
    statuses: set[int]
    response_schemas: dict[int, Any]


def parse_credentials(document: Any) -> Credentials:
    """The credentials file's content as `Credentials`; ProbeError naming the bad field."""
    problems = _credential_problems(document or {})
    if problems:
        raise ProbeError(f"The credentials file is not usable: {'; '.join(problems)}.")
    try:
        return msgspec.convert(document or {}, Credentials)
    except msgspec.ValidationError as error:
        raise ProbeError(f"The credentials file is not usable: {error}.") from None


def _credential_problems(document: Any) -> list[str]:
    if not isinstance(document, dict):
        return ["it must be an object with schemes and rateLimit"]
    problems = [f"{key}: unknown field" for key in document if key not in {"schemes", "rateLimit"}]
    schemes = document.get("schemes", {})
    if not isinstance(schemes, dict):
        return [*problems, "schemes: must be an object of scheme names"]
    for name, roles in schemes.items():
        if not isinstance(roles, dict):
            problems.append(f"schemes.{name}: must be an object (valid, expired, insufficient)")
            continue
        for role, value in roles.items():
            if role not in {"valid", "expired", "insufficient"}:
                problems.append(f"schemes.{name}.{role}: unknown field")
            elif not isinstance(value, str):
                problems.append(f"schemes.{name}.{role}: must be a string")
    limit = document.get("rateLimit", {})
    count = limit.get("limit", 1) if isinstance(limit, dict) else None
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        problems.append("rateLimit.limit: must be a whole number of 1 or more")
    return problems


def operations(spec: Spec) -> list[_Operation]:
    """Every operation of the document, in document order, named by operationId or METHOD path."""
    found = []
    document = spec.document
    for template, path_item in (document.get("paths") or {}).items():
        item = spec.resolve(path_item)
        if not isinstance(item, dict):
            continue
        for method, operation in item.items():
            if method.lower() not in METHODS or not isinstance(operation, dict):
                continue
            parameters: dict[tuple[Any, Any], dict[str, Any]] = {}
            for parameter in [
                *(item.get("parameters") or []),
                *(operation.get("parameters") or []),
            ]:
                resolved = spec.resolve(parameter)
                if isinstance(resolved, dict):
                    parameters[(resolved.get("name"), resolved.get("in"))] = resolved
            statuses, schemas = _responses(spec, operation)
            security = operation.get("security", document.get("security")) or []
            found.append(
                _Operation(
                    name=str(operation.get("operationId") or f"{method.upper()} {template}"),
                    method=method.upper(),
                    path=str(template),
                    operation=operation,
                    parameters=list(parameters.values()),
                    security=security if isinstance(security, list) else [],
                    statuses=statuses,
                    response_schemas=schemas,
                )
            )
    return found


def _responses(spec: Spec, operation: dict[str, Any]) -> tuple[set[int], dict[int, Any]]:
    statuses: set[int] = set()
    schemas: dict[int, Any] = {}
    for key, declared in (operation.get("responses") or {}).items():
        text = str(key).upper()
        if text.isdigit():
            codes = [int(text)]
        elif len(text) == len("2XX") and text[0].isdigit() and text.endswith("XX"):
            codes = list(range(int(text[0]) * 100, int(text[0]) * 100 + 100))
        else:
            continue
        statuses.update(codes)
        response = spec.resolve(declared)
        schema = _json_schema(spec, response) if isinstance(response, dict) else None
        if schema is not None:
            schemas.update(dict.fromkeys(codes, schema))
    return statuses, schemas


def _json_schema(spec: Spec, holder: dict[str, Any]) -> Any:
    """The JSON schema of a response or request body (OpenAPI 3 `content`, Swagger 2 `schema`)."""
    if "schema" in holder:
        return holder["schema"]
    for media, content in (holder.get("content") or {}).items():
        base = str(media).split(";")[0].strip().lower()
        if (base in _JSON_TYPES or base.endswith("+json")) and isinstance(content, dict):
            return content.get("schema", {})
    return None


def _body(spec: Spec, operation: _Operation) -> tuple[bool, Any, Any]:
    """(has a JSON body, the body schema, a valid body)."""
    request_body = spec.resolve(operation.operation.get("requestBody"))
    holder: Any = request_body
    body_parameters = [p for p in operation.parameters if p.get("in") == "body"]  # Swagger 2
    if body_parameters:
        holder = body_parameters[0]
    if not isinstance(holder, dict):
        return False, None, None
    schema = _json_schema(spec, holder)
    if schema is None:
        return False, None, None
    media = next(iter((holder.get("content") or {}).values()), holder)
    has_example, example = samples.example_of(media, spec.resolve)
    return True, schema, example if has_example else samples.valid_value(schema, spec.resolve)


def unbuildable(spec: Spec, operation: _Operation) -> str:
    """Why no request the provider should serve can be built from the document ('' when one can).

    A required body that is not JSON cannot be made, and a path parameter the document gives no
    example (nor default, nor enum) for would name a made-up resource.
    """
    request_body = spec.resolve(operation.operation.get("requestBody"))
    if isinstance(request_body, dict) and request_body.get("required"):
        has_body, _, _ = _body(spec, operation)
        if not has_body:
            media = ", ".join(map(str, request_body.get("content") or {})) or "no media type"
            return f"its required request body is not JSON ({media})"
    for parameter in operation.parameters:
        if parameter.get("in") != "path":
            continue
        has_example, _ = samples.example_of(parameter, spec.resolve)
        schema = samples.merged(parameter.get("schema", parameter), spec.resolve)
        if not has_example and not {"default", "enum", "const", "example"} & set(schema):
            name = parameter.get("name")
            return f"the document gives no example for the path parameter {name!r}"
    return ""


def _parameter_value(spec: Spec, parameter: dict[str, Any]) -> Any:
    has_example, example = samples.example_of(parameter, spec.resolve)
    if has_example:
        return example
    return samples.valid_value(parameter.get("schema", parameter), spec.resolve)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _request(
    spec: Spec,
    operation: _Operation,
    *,
    replace: Mapping[tuple[str, str], Any] | None = None,
    omit: tuple[str, str] | None = None,
    body: Any = None,
    use_body: bool = False,
    description: str = "",
) -> ProbeRequest:
    """The operation's valid request, with one parameter replaced or left out, or another body."""
    replace = replace or {}
    path = operation.path
    query: list[tuple[str, str]] = []
    headers: list[tuple[str, str]] = []
    for parameter in operation.parameters:
        name, where = str(parameter.get("name")), str(parameter.get("in"))
        key = (name, where)
        if key == omit or where in {"body", "formData"}:
            continue
        if where != "path" and not parameter.get("required") and key not in replace:
            continue
        value = replace[key] if key in replace else _parameter_value(spec, parameter)
        if where == "path":
            path = path.replace("{" + name + "}", quote(_text(value), safe=""))
        elif where == "query":
            query.append((name, _text(value)))
        elif where == "header":
            headers.append((name, _text(value)))
        elif where == "cookie":
            headers.append(("Cookie", f"{name}={quote(_text(value), safe='')}"))
    has_body, _, valid_body = _body(spec, operation)
    return ProbeRequest(
        method=operation.method,
        path=path,
        query=tuple(query),
        headers=tuple(headers),
        body=body if use_body else valid_body,
        has_body=has_body,
        description=description,
    )


def _credential_for(
    scheme: dict[str, Any], value: str, *, malformed: bool = False
) -> dict[str, Any]:
    """Where and how a credential of `scheme` goes: {"header"|"query": (name, text)}."""
    kind = str(scheme.get("type", "")).lower()
    http_scheme = str(scheme.get("scheme", "")).lower()
    if kind == "basic" or (kind == "http" and http_scheme == "basic"):
        token = "%%%" if malformed else base64.b64encode(value.encode()).decode()
        return {"header": ("Authorization", f"Basic {token}")}
    if kind == "apikey":
        name, where = str(scheme.get("name", "")), str(scheme.get("in", "header"))
        if where == "query":
            return {"query": (name, value)}
        if where == "cookie":
            return {"header": ("Cookie", f"{name}={quote(value, safe='')}")}
        return {"header": (name, value)}
    return {"header": ("Authorization", f"Bearer {value}")}  # bearer, oauth2, openIdConnect


def _with_credentials(request: ProbeRequest, placed: list[dict[str, Any]]) -> ProbeRequest:
    query, headers = list(request.query), list(request.headers)
    for place in placed:
        if "query" in place:
            query.append(place["query"])
        else:
            headers.append(place["header"])
    return msgspec.structs.replace(request, query=tuple(query), headers=tuple(headers))


class _Auth(msgspec.Struct, kw_only=True):
    """The chosen security requirement of an operation and the credentials for it."""

    schemes: list[tuple[str, dict[str, Any]]]
    credentials: Credentials
    optional: bool

    def valid(self) -> list[dict[str, Any]] | None:
        placed = []
        for name, scheme in self.schemes:
            value = self.credentials.schemes.get(name, SchemeCredentials()).valid
            if value is None:
                return None
            placed.append(_credential_for(scheme, value))
        return placed

    def first(self, role: str) -> tuple[str, list[dict[str, Any]] | None]:
        """The first scheme's name, and every credential with that one's set to `role`."""
        name, scheme = self.schemes[0]
        rest = (self.valid() or [])[1:] if len(self.schemes) > 1 else []
        if role == "missing":
            return name, rest
        if role == "invalid":
            return name, [_credential_for(scheme, INVALID_CREDENTIAL, malformed=True), *rest]
        value = getattr(self.credentials.schemes.get(name, SchemeCredentials()), role)
        if value is None:
            return name, None
        return name, [_credential_for(scheme, value), *rest]


def _auth(spec: Spec, operation: _Operation, credentials: Credentials) -> _Auth | None:
    requirements = [each for each in operation.security if isinstance(each, dict)]
    if not requirements:
        return None
    optional = any(not each for each in requirements)
    named = [each for each in requirements if each]
    if not named:
        return None
    chosen = next(
        (each for each in named if all(name in credentials.schemes for name in each)), named[0]
    )
    schemes = [(str(name), spec.resolve(spec.security_schemes.get(name)) or {}) for name in chosen]
    return _Auth(schemes=schemes, credentials=credentials, optional=optional)


def _successes(operation: _Operation) -> list[int]:
    return sorted(code for code in operation.statuses if code in _SUCCESS)


def _statuses(codes: Sequence[int]) -> str:
    return " or ".join(str(code) for code in codes)


def plan(
    spec: Spec,
    credentials: Credentials,
    *,
    selected: Sequence[str] = (),
    dependencies: Mapping[str, str] | None = None,
) -> list[PlannedCheck]:
    """Every check of every operation (or of the `selected` operation ids), planned.

    Raises:
        ProbeError: a selected operation is not in the document.
    """
    dependencies = dependencies or {}
    every = operations(spec)
    names = {operation.name for operation in every}
    unknown = [name for name in selected if name not in names]
    if unknown:
        known = ", ".join(sorted(names)) or "none"
        raise ProbeError(f"No operation {', '.join(unknown)} in the document (it has: {known}).")
    planned: list[PlannedCheck] = []
    for operation in every:
        if selected and operation.name not in selected:
            continue
        planned += _plan_operation(spec, operation, credentials, dependencies)
    return planned


def _plan_operation(
    spec: Spec, operation: _Operation, credentials: Credentials, dependencies: Mapping[str, str]
) -> list[PlannedCheck]:
    auth = _auth(spec, operation, credentials)
    base = PlannedCheck(
        operation=operation.name, check="", response_schemas=operation.response_schemas
    )
    request = _request(spec, operation)
    cannot = unbuildable(spec, operation)
    checks = _auth_checks(operation, auth, base, request, cannot)
    valid = auth.valid() if auth else []
    if auth is not None and valid is None:
        scheme = auth.schemes[0][0]
        reason = f"the credentials file gives no valid credential for the scheme {scheme}"
        for check in ("validation", "not-found", "rate-limit", "timeout"):
            checks.append(msgspec.structs.replace(base, check=check, skip_reason=reason))
        return checks
    placed = valid or []
    checks.append(_validation(spec, operation, base, placed))
    checks.append(_not_found(spec, operation, base, placed))
    if cannot:
        reason = f"no valid request can be built: {cannot}"
        for check in ("rate-limit", "timeout"):
            checks.append(msgspec.structs.replace(base, check=check, skip_reason=reason))
        return checks
    checks.append(_rate_limit(operation, base, credentials, _with_credentials(request, placed)))
    checks += _timeouts(operation, base, dependencies, _with_credentials(request, placed))
    return checks


def _auth_checks(
    operation: _Operation,
    auth: _Auth | None,
    base: PlannedCheck,
    request: ProbeRequest,
    cannot: str,
) -> list[PlannedCheck]:
    if auth is None:
        reason = "the operation declares no security requirement"
        return [
            msgspec.structs.replace(base, check=f"auth.{role}", skip_reason=reason)
            for role in ("missing", "invalid", "expired", "forbidden", "valid")
        ]
    declared = [code for code in (401, 403) if code in operation.statuses] or [401]
    success = _successes(operation) or list(_SUCCESS)
    checks = []
    for role, accepts, description in (
        ("missing", declared, "no credential"),
        ("invalid", declared, "a malformed credential"),
        ("expired", declared, "the expired credential"),
        ("forbidden", [403], "a credential without the required scope"),
        ("valid", success, "the valid credential"),
    ):
        check = f"auth.{role}"
        scheme, placed = auth.first({"forbidden": "insufficient"}.get(role, role))
        reason = ""
        if role in {"missing", "invalid", "expired"} and auth.optional:
            reason = "the security requirement is optional ({} is among its alternatives)"
        elif role == "valid" and cannot:
            reason = f"no valid request can be built: {cannot}"
        elif role == "forbidden" and HTTPStatus.FORBIDDEN not in operation.statuses:
            reason = "the operation declares no 403"
        elif placed is None:
            field = {"forbidden": "insufficient"}.get(role, role)
            reason = f"the credentials file gives no {field} credential for the scheme {scheme}"
        if reason:
            checks.append(msgspec.structs.replace(base, check=check, skip_reason=reason))
            continue
        sent = msgspec.structs.replace(
            _with_credentials(request, placed or []), description=f"{description} ({scheme})"
        )
        expected = "a 2xx" if accepts == list(_SUCCESS) else _statuses(accepts)
        checks.append(
            msgspec.structs.replace(
                base,
                check=check,
                expected=expected,
                accepts=tuple(accepts),
                requests=(sent,),
                max_requests=1,
            )
        )
    return checks


def _client_errors(operation: _Operation, *, path: bool) -> list[int]:
    left_out = {401, 403, 429} | (set() if path else {404})
    declared = sorted(c for c in operation.statuses if c in _CLIENT_ERROR and c not in left_out)
    return declared or [400, 422]


def _validation(
    spec: Spec, operation: _Operation, base: PlannedCheck, placed: list[dict[str, Any]]
) -> PlannedCheck:
    resolve = spec.resolve
    broken: list[ProbeRequest] = []
    has_body, schema, valid_body = _body(spec, operation)
    body_schema = samples.merged(schema, resolve) if has_body else {}
    properties = body_schema.get("properties") or {}
    if has_body and isinstance(valid_body, dict):
        required = [n for n in body_schema.get("required") or [] if n in valid_body]
        if required:
            body = {k: v for k, v in valid_body.items() if k != required[0]}
            broken.append(
                _request(
                    spec,
                    operation,
                    body=body,
                    use_body=True,
                    description=f"the body without its required field {required[0]!r}",
                )
            )
        for make in (samples.wrong_type, samples.out_of_range, samples.unknown_enum):
            for name, property_schema in properties.items():
                made = make(property_schema, resolve)
                if made is not None:
                    body = {**valid_body, name: made[0]}
                    broken.append(
                        _request(
                            spec,
                            operation,
                            body=body,
                            use_body=True,
                            description=f"the body field {name!r} given {made[1]}",
                        )
                    )
                    break
    path_broken = 0
    for parameter in operation.parameters:
        where, name = str(parameter.get("in")), str(parameter.get("name"))
        if where not in {"path", "query", "header"}:
            continue
        if parameter.get("required") and where != "path":
            broken.append(
                _request(
                    spec,
                    operation,
                    omit=(name, where),
                    description=f"without the required {where} parameter {name!r}",
                )
            )
        parameter_schema = parameter.get("schema", parameter)
        made = samples.wrong_type(parameter_schema, resolve)
        # Any text in a path, query or header is a string: only other types can be broken.
        is_text = samples.schema_type(samples.merged(parameter_schema, resolve)) == "string"
        if made is not None and not is_text:
            broken.append(
                _request(
                    spec,
                    operation,
                    replace={(name, where): made[0]},
                    description=f"the {where} parameter {name!r} given {made[1]}",
                )
            )
            path_broken += where == "path"
        for make in (samples.out_of_range, samples.unknown_enum):
            made = make(parameter_schema, resolve)
            # An empty path segment would route to another operation.
            if made is not None and not (where == "path" and made[0] == ""):
                broken.append(
                    _request(
                        spec,
                        operation,
                        replace={(name, where): made[0]},
                        description=f"the {where} parameter {name!r} given {made[1]}",
                    )
                )
                path_broken += where == "path"
                break
    if not broken:
        return msgspec.structs.replace(
            base,
            check="validation",
            skip_reason="the document declares no request schema a request could break",
        )
    broken = [_with_credentials(each, placed) for each in broken[:MAX_VALIDATION_REQUESTS]]
    accepts = _client_errors(operation, path=bool(path_broken))
    return msgspec.structs.replace(
        base,
        check="validation",
        expected=f"a declared 4xx ({_statuses(accepts)}), never a 5xx",
        accepts=tuple(accepts),
        requests=tuple(broken),
        max_requests=len(broken),
    )


def _not_found(
    spec: Spec, operation: _Operation, base: PlannedCheck, placed: list[dict[str, Any]]
) -> PlannedCheck:
    path_parameters = [p for p in operation.parameters if p.get("in") == "path"]
    reason = ""
    if not path_parameters:
        reason = "the operation has no path parameter"
    elif HTTPStatus.NOT_FOUND not in operation.statuses:
        reason = "the operation declares no 404"
    if reason:
        return msgspec.structs.replace(base, check="not-found", skip_reason=reason)
    parameter = path_parameters[-1]
    kind = samples.schema_type(samples.merged(parameter.get("schema", parameter), spec.resolve))
    nothing: Any = 2_147_483_000 if kind in {"integer", "number"} else MISSING_ID
    request = _request(
        spec,
        operation,
        replace={(str(parameter["name"]), "path"): nothing},
        description=f"the path parameter {parameter['name']!r} naming nothing ({nothing})",
    )
    return msgspec.structs.replace(
        base,
        check="not-found",
        expected="404",
        accepts=(404,),
        requests=(_with_credentials(request, placed),),
        max_requests=1,
    )


def burst_limit(operation: dict[str, Any], credentials: Credentials) -> int:
    """The requests a burst may send before a 429 is due (capped at `MAX_RATE_LIMIT`)."""
    limit = credentials.rate_limit.get("limit")
    if limit is None:
        extension = operation.get("x-ratelimit-limit")
        limit = (
            extension if isinstance(extension, int) and not isinstance(extension, bool) else None
        )
    return max(1, min(int(limit if limit is not None else DEFAULT_RATE_LIMIT), MAX_RATE_LIMIT))


def _rate_limit(
    operation: _Operation, base: PlannedCheck, credentials: Credentials, request: ProbeRequest
) -> PlannedCheck:
    if HTTPStatus.TOO_MANY_REQUESTS not in operation.statuses:
        return msgspec.structs.replace(
            base, check="rate-limit", skip_reason="the operation declares no 429"
        )
    limit = burst_limit(operation.operation, credentials)
    success = _successes(operation) or [200]
    return msgspec.structs.replace(
        base,
        check="rate-limit",
        expected=f"429 with Retry-After within {limit + 1} requests, then {_statuses(success)}",
        accepts=tuple(success),
        requests=(msgspec.structs.replace(request, description="the valid request"),),
        burst=limit + 1,
        max_requests=limit + 2,
    )


def _timeouts(
    operation: _Operation,
    base: PlannedCheck,
    dependencies: Mapping[str, str],
    request: ProbeRequest,
) -> list[PlannedCheck]:
    declared = [code for code in (503, 504) if code in operation.statuses]
    named = operation.operation.get("x-accord-dependencies")
    names = [str(each) for each in named] if isinstance(named, list) else []
    reason = ""
    if not declared:
        reason = "the operation declares no 503 or 504"
    elif not names:
        reason = "the operation names no dependency in x-accord-dependencies"
    if reason:
        return [msgspec.structs.replace(base, check="timeout", skip_reason=reason)]
    checks = []
    for name in names:
        if name not in dependencies:
            reason = f"no --dependency {name}=CONTROL_URL was given"
            checks.append(
                msgspec.structs.replace(base, check="timeout", dependency=name, skip_reason=reason)
            )
            continue
        checks.append(
            msgspec.structs.replace(
                base,
                check="timeout",
                expected=f"{_statuses(declared)} within the deadline",
                accepts=tuple(declared),
                requests=(msgspec.structs.replace(request, description=f"{name} slowed"),),
                max_requests=1,
                dependency=name,
                control_url=dependencies[name],
            )
        )
    return checks
