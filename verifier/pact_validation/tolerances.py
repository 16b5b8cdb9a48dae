"""The schema faults real Pact clients write, by name: all that the lenient profile lets through.

Each entry names the writer and a file in `shared/corpora/sample-pacts` (or a pact that
pact-python 4.2 writes) that shows it. A rule matches one shape exactly: an unknown member is
tolerated only under its known name and in its known place, a matcher only in its known
spelling. Anything else the schema refuses is an error in both profiles.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import msgspec

from verifier.pact_validation.schemas import SchemaVersion
from verifier.pact_validation.versions import JSONValue, SpecificationMajor, major_of

Path = tuple[str | int, ...]


class Tolerance(msgspec.Struct, frozen=True, kw_only=True):
    """A schema fault that a real Pact client writes, which the lenient profile accepts.

    Attributes:
        name: a stable identifier, shown in `accord validate-pact` output.
        summary: what the fault is, in the words of the warning notice.
        writers: which clients write it, with a sample file that shows it.
    """

    name: str
    summary: str
    writers: str


class Site(NamedTuple):
    """One schema error at one place, as a tolerance rule sees it.

    Attributes:
        kind: the JSON Schema keyword that failed (`required`, `additionalProperties`, `anyOf`…).
        path: where the failing value is.
        instance: the failing value (for a member fault, the object that holds the member).
        member: the missing or unexpected member, for `required` and `additionalProperties`.
        major: the specification version the pact is validated as.
        document: the whole pact.
        conforms: whether a value fits a subschema of a schema version, apart from tolerated
            faults: `conforms(version, pointer, value, path)`.
    """

    kind: str
    path: Path
    instance: JSONValue
    member: str | None
    major: SpecificationMajor
    document: JSONValue
    conforms: Callable[[SchemaVersion, str, JSONValue, Path], bool]


TOLERANCES: tuple[Tolerance, ...] = (
    Tolerance(
        name="broker-interaction-id",
        summary="an `_id` on an interaction (a pact read back from a Pact Broker)",
        writers="a Pact Broker adds it; pact-jvm and the Rust core keep it when a pact fetched "
        "from a broker is published again (pact-jvm v2-pact-broker.json, pact_verifier "
        "pact-one.json)",
    ),
    Tolerance(
        name="legacy-provider-state",
        summary="a single `provider_state` string in a V2 pact, or `providerState` in a V3 "
        "or V4 one",
        writers="pact-jvm 2 and the Ruby pact gem (pact-jvm test_pact_v3_old_provider_state.json, "
        "v2-pact-broker.json)",
    ),
    Tolerance(
        name="message-provider-states",
        summary="`providerStates` on a V3 message (the V3 schema knows only `providerState`)",
        writers="pact-python 4.2 and the Rust core, pact-jvm (pact_matching v3-message-pact.json)",
    ),
    Tolerance(
        name="message-content",
        summary="a V3 message's `contents` spelt `content`",
        writers="pact-jvm before 3.5 (pact-jvm message-pact-broker.json)",
    ),
    Tolerance(
        name="old-matching-rules-members",
        summary="`requestMatchingRules`/`responseMatchingRules` instead of `matchingRules`",
        writers="pact-jvm 2 (pact-jvm test_pact_matchers_old_format.json)",
    ),
    Tolerance(
        name="v4-body-content-type-hint",
        summary="a V4 body without `contentTypeHint`, or with `DEFAULT`",
        writers="pact-python 4.2, pact-js and every client on the Rust core, pact-jvm "
        "(pact-jvm v4-http-pact.json, pact_ffi missing-plugin-pact.json)",
    ),
    Tolerance(
        name="v4-transport",
        summary="a V4 interaction's `transport`",
        writers="the Rust core with plugins (pact_ffi missing-plugin-pact.json)",
    ),
    Tolerance(
        name="v2-pact-with-v3-rules",
        summary="V3 matchers, matching rule categories or generators in a V2 pact",
        writers="pact-python 4.2 and pact-js (the Rust core) writing V2 "
        '(`{"match": "integer"}`, `"generators": null`), pact_verifier issue396.json',
    ),
    Tolerance(
        name="type-matcher-without-match",
        summary='a `{"min": N}` or `{"max": N}` matcher without `match`',
        writers="pact-jvm (pact-jvm v2-pact-broker.json, v3-pact-broker.json, pact_matching "
        "more-specific-request.json)",
    ),
    Tolerance(
        name="timestamp-matcher",
        summary="a `timestamp`, `date` or `time` matcher with its format under its own name",
        writers="pact-jvm 3 and the Rust core (pact_verifier pact_with_special_chars.json)",
    ),
    Tolerance(
        name="message-rule-categories",
        summary="message matching rules or generators under `content` or `metadata` "
        "instead of `body`",
        writers="pact-jvm and the Rust core (pact-jvm v4-message-pact.json, pact_verifier "
        "message-pact-with-metadata-matchingrule.json)",
    ),
    Tolerance(
        name="generator-key",
        summary="a body generator keyed by a name that is not a `$` path",
        writers="pact-jvm and the Rust core (pact-jvm test_pact_generators.json, pact_ffi "
        "missing-plugin-pact.json)",
    ),
    Tolerance(
        name="provider-state-generator",
        summary="a `ProviderState` generator in a V3 pact",
        writers="pact-jvm (pact-jvm encoded-values-pact.json)",
    ),
    Tolerance(
        name="each-key-value-example",
        summary="an `eachKey`/`eachValue` matcher whose `value` is an example, not a `$` path",
        writers="pact-python 4.2 and pact-js (the Rust core)",
    ),
    Tolerance(
        name="query-with-equals-in-value",
        summary="a V1/V2 query string with `=` inside a value (legal, RFC 3986 §3.4)",
        writers="pact-jvm (pact-jvm v2_pact_query.json)",
    ),
    Tolerance(
        name="unreadable-metadata-version",
        summary="`pact-specification` written as a bare string, or its version as null",
        writers="pact-jvm (pact-jvm pact-invalid-version.json, test_pact_no_version.json)",
    ),
)
BY_NAME = {t.name: t for t in TOLERANCES}


def tolerance_of(site: Site) -> str | None:
    """The name of the real-client fault `site` is, or None when it is none of them."""
    for name, rule in _RULES:
        if rule(site):
            return name
    return None


def _member_value(site: Site) -> JSONValue:
    return site.instance.get(site.member) if isinstance(site.instance, dict) else None


Step = str | type[int] | type[str] | tuple[str, ...]


def _shape(path: Path, *steps: Step) -> bool:
    """Whether `path` has exactly these steps.

    A step is a name, `int` (any index), `str` (any member name) or a tuple of names.
    """
    if len(path) != len(steps):
        return False
    for part, step in zip(path, steps, strict=True):
        if isinstance(step, tuple):
            matched = part in step
        elif isinstance(step, type):
            matched = isinstance(part, step)
        else:
            matched = part == step
        if not matched:
            return False
    return True


def _is_interaction(path: Path, *sections: str) -> bool:
    return _shape(path, sections, int)


def _unknown(site: Site, *names: str) -> bool:
    return site.kind == "additionalProperties" and site.member in names


def _broker_interaction_id(site: Site) -> bool:
    return (
        _unknown(site, "_id")
        and _is_interaction(site.path, "interactions", "messages")
        and isinstance(_member_value(site), str)
    )


def _legacy_provider_state(site: Site) -> bool:
    """`provider_state` in a V2 pact (V1 allows it), `providerState` in a V3 or V4 one."""
    spelling = "provider_state" if site.major in ("1", "1.1", "2") else "providerState"
    return (
        _unknown(site, spelling)
        and _is_interaction(site.path, "interactions")
        and isinstance(_member_value(site), str)
        and isinstance(site.instance, dict)
        and "providerStates" not in site.instance
    )


def _message_provider_states(site: Site) -> bool:
    states = _member_value(site)
    return (
        _unknown(site, "providerStates")
        and _is_interaction(site.path, "messages")
        and isinstance(states, list)
        and all(
            isinstance(s, dict)
            and isinstance(s.get("name"), str)
            and isinstance(s.get("params", {}), dict)
            for s in states
        )
    )


def _message_content(site: Site) -> bool:
    if not _is_interaction(site.path, "messages") or not isinstance(site.instance, dict):
        return False
    if _unknown(site, "content"):
        return "contents" not in site.instance
    return site.kind == "required" and site.member == "contents" and "content" in site.instance


def _old_matching_rules_members(site: Site) -> bool:
    path = site.path
    return (
        (_shape(path, "interactions", int, "request") and _unknown(site, "requestMatchingRules"))
        or (
            _shape(path, "interactions", int, "response")
            and _unknown(site, "responseMatchingRules")
        )
    ) and isinstance(_member_value(site), dict)


def _content_type_hint(site: Site) -> bool:
    if site.major != "4":
        return False
    if site.kind == "required":
        return site.member == "contentTypeHint"
    return (
        site.member is None
        and site.path[-1:] == ("contentTypeHint",)
        and (site.instance == "DEFAULT")
    )


def _transport(site: Site) -> bool:
    return (
        site.major == "4"
        and _unknown(site, "transport")
        and _is_interaction(site.path, "interactions")
        and isinstance(_member_value(site), str)
    )


# A V3 matcher (one item of `matchers`), and what each V3 category holds.
_V3_MATCHER = "/definitions/matchers/properties/matchers/items"
_V3_CATEGORY = {
    "body": "/definitions/bodyMatcher",
    "header": "/definitions/recordMatcher",
    "query": "/definitions/recordMatcher",
    "path": "/definitions/matchers",
}


def _v2_pact_with_v3_rules(site: Site) -> bool:
    """V3 vocabulary inside a V2 HTTP request or response, checked against the V3 schema."""
    path, part = site.path, ("request", "response")
    if site.major not in ("1", "1.1", "2"):
        return False
    if _shape(path, "interactions", int, part) and _unknown(site, "generators"):
        # pact-python 4.2 writes `"generators": null` where a V2 pact cannot hold one.
        pointer, value = "/definitions/request/properties/generators", _member_value(site)
        return value is None or site.conforms("3", pointer, value, (*path, "generators"))
    if _shape(path, "interactions", int, part, "matchingRules"):
        category = _V3_CATEGORY.get(site.member or "")
        return (
            category is not None
            and site.kind == "additionalProperties"
            and site.conforms("3", category, _member_value(site), (*path, str(site.member)))
        )
    if _shape(path, "interactions", int, part, "matchingRules", str):
        return site.kind == "oneOf" and site.conforms("3", _V3_MATCHER, site.instance, path)
    return False


def _in_rules(path: Path) -> bool:
    return "matchingRules" in path


def _type_matcher_without_match(site: Site) -> bool:
    instance = site.instance
    return (
        site.kind == "required"
        and site.member == "match"
        and _in_rules(site.path)
        and isinstance(instance, dict)
        and bool(instance)
        and set(instance) <= {"min", "max"}
        and all(_is_number(v) for v in instance.values())
    )


def _timestamp_matcher(site: Site) -> bool:
    instance = site.instance
    if site.member is not None or not _in_rules(site.path) or not isinstance(instance, dict):
        return False
    name = instance.get("match")
    return (
        name in ("timestamp", "date", "time")
        and isinstance(instance.get(name), str)
        and set(instance) <= {"match", name, "format"}
    )


def _message_container(site: Site) -> tuple[Path, str] | None:
    """The message `matchingRules`/`generators` object a site is on, and which of the two."""
    path = site.path
    for index, part in enumerate(path):
        if part in ("matchingRules", "generators"):
            owner = path[:index]
            if _shape(owner, "messages", int) or (
                _shape(owner[:2], "interactions", int) and _is_message(site, owner[1])
            ):
                return path[: index + 1], str(part)
            return None
    return None


def _is_message(site: Site, index: str | int) -> bool:
    items = site.document.get("interactions") if isinstance(site.document, dict) else None
    if not isinstance(items, list) or not isinstance(index, int) or index >= len(items):
        return False
    item = items[index]
    return isinstance(item, dict) and item.get("type") in (
        "Asynchronous/Messages",
        "Synchronous/Messages",
    )


_MESSAGE_CATEGORY = {
    ("matchingRules", "content"): "/definitions/bodyMatcher",
    ("matchingRules", "metadata"): "/definitions/recordMatcher",
    ("generators", "content"): "/definitions/bodyGenerator",
}


def _message_rule_categories(site: Site) -> bool:
    found = _message_container(site)
    if found is None or site.path != found[0] or site.major not in ("3", "4"):
        return False
    kind = found[1]
    if site.kind == "required":
        return (
            site.member == "body"
            and isinstance(site.instance, dict)
            and set(site.instance) <= {"content", "metadata"}
        )
    pointer = _MESSAGE_CATEGORY.get((kind, site.member or ""))
    version: SchemaVersion = "4" if site.major == "4" else "3"
    return (
        site.kind == "additionalProperties"
        and pointer is not None
        and site.conforms(version, pointer, _member_value(site), (*site.path, str(site.member)))
    )


def _generator_key(site: Site) -> bool:
    path, value = site.path, _member_value(site)
    return (
        site.major in ("3", "4")
        and site.kind == "additionalProperties"
        and site.member is not None
        and not site.member.startswith("$")
        and path[-2:] in (("generators", "body"), ("generators", "content"))
        and isinstance(value, dict)
        and isinstance(value.get("type"), str)
    )


def _provider_state_generator(site: Site) -> bool:
    instance = site.instance
    return (
        site.major == "3"
        and site.member is None
        and "generators" in site.path
        and isinstance(instance, dict)
        and instance.get("type") == "ProviderState"
        and isinstance(instance.get("expression"), str)
        and set(instance) <= {"type", "expression", "dataType"}
    )


def _each_key_value_example(site: Site) -> bool:
    instance = site.instance
    return (
        site.major == "4"
        and site.member is None
        and _in_rules(site.path)
        and isinstance(instance, dict)
        and instance.get("match") in ("eachKey", "eachValue")
        and isinstance(instance.get("rules"), list)
        and set(instance) <= {"match", "rules", "value"}
    )


def _query_with_equals_in_value(site: Site) -> bool:
    """A parameter without a name or without `=` (`a=1&&`, `flag`) is still refused."""
    query = site.instance
    if site.kind != "pattern" or site.path[-1:] != ("query",) or not isinstance(query, str):
        return False
    parameters = query.removesuffix("&").split("&")
    return all(p.partition("=")[0] and "=" in p for p in parameters)


def _unreadable_metadata_version(site: Site) -> bool:
    if site.kind != "type":
        return False
    if site.path == ("metadata", "pact-specification"):
        return isinstance(site.instance, str) and major_of(site.instance) is not None
    return site.path == ("metadata", "pact-specification", "version") and site.instance is None


def _is_number(value: JSONValue) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_RULES: tuple[tuple[str, Callable[[Site], bool]], ...] = (
    ("broker-interaction-id", _broker_interaction_id),
    ("legacy-provider-state", _legacy_provider_state),
    ("message-provider-states", _message_provider_states),
    ("message-content", _message_content),
    ("old-matching-rules-members", _old_matching_rules_members),
    ("v4-body-content-type-hint", _content_type_hint),
    ("v4-transport", _transport),
    ("v2-pact-with-v3-rules", _v2_pact_with_v3_rules),
    ("type-matcher-without-match", _type_matcher_without_match),
    ("timestamp-matcher", _timestamp_matcher),
    ("message-rule-categories", _message_rule_categories),
    ("generator-key", _generator_key),
    ("provider-state-generator", _provider_state_generator),
    ("each-key-value-example", _each_key_value_example),
    ("query-with-equals-in-value", _query_with_equals_in_value),
    ("unreadable-metadata-version", _unreadable_metadata_version),
)
assert [name for name, _ in _RULES] == [t.name for t in TOLERANCES], "one rule per tolerance"
