"""Which Pact specification a pact is written in: declared in its metadata, or read from its shape.

Writers have spelled the declaration three ways over the years; a pact that declares nothing
usable is judged by the features it uses, newest first, instead of being assumed to be V3
(Pact specification, "Version 1" to "Version 4" READMEs).
"""

from __future__ import annotations

import re
from typing import Literal, TypeAlias

JSONValue: TypeAlias = object
SpecificationMajor: TypeAlias = Literal["1", "1.1", "2", "3", "4"]
SPECIFICATIONS: tuple[SpecificationMajor, ...] = ("1", "1.1", "2", "3", "4")

_VERSION = re.compile(r"^\s*v?(\d+)(?:\.(\d+))?")
# V3 groups matching rules (and generators) by category; V2 keys them by `$.` paths.
_RULE_CATEGORIES = frozenset({"body", "header", "headers", "query", "path", "metadata", "content"})


def declared_version(document: JSONValue) -> str | None:
    """The specification version a pact declares, under any of the keys writers have used.

    `pactSpecification.version` is current; `pact-specification` (an object, or in some old
    pact-jvm files a bare string) and `pactSpecificationVersion` are older spellings that the
    Rust and JVM readers still accept.
    """
    metadata = document.get("metadata") if isinstance(document, dict) else None
    if not isinstance(metadata, dict):
        return None
    for key in ("pactSpecification", "pact-specification", "pactSpecificationVersion"):
        value = metadata.get(key)
        if isinstance(value, dict):
            value = value.get("version")
        if isinstance(value, str) and value.strip():
            return value
    return None


def major_of(version: str | None) -> SpecificationMajor | None:
    """The major version of a version string: "1.1.0" -> "1.1", "4.0" -> "4"; None if unknown."""
    match = _VERSION.match(version or "")
    if match is None:
        return None
    major, minor = match.group(1), match.group(2)
    if major == "1":
        return "1.1" if minor == "1" else "1"
    for known in ("2", "3", "4"):
        if major == known:
            return known
    return None


def specification_of(document: JSONValue) -> tuple[SpecificationMajor, str | None]:
    """The major specification version of a pact, and the version string it declares.

    A declared version that cannot be read (missing, `null`, "5.0") leaves the major to be
    inferred from the document's shape (`inferred_specification`).
    """
    declared = declared_version(document)
    return major_of(declared) or inferred_specification(document), declared


def inferred_specification(document: JSONValue) -> SpecificationMajor:
    """The oldest specification that has every feature the pact uses.

    - V4: an interaction has a `type` (V4 specification, "Interactions").
    - V3: a `messages` list (V3 message pacts), or an interaction with `providerStates`,
      `generators`, a query written as a map, or matching rules grouped by category.
    - V2: matching rules, keyed by `$.` paths (V2 specification, "Matching rules"), or empty.
    - V1 otherwise: V1.1 differs from V1 only in how a query string is compared, which the
      document does not show.
    """
    if not isinstance(document, dict):
        return "1"
    items = document.get("interactions")
    interactions = [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []
    if any("type" in i for i in interactions):
        return "4"
    if "messages" in document or any(_has_v3_features(i) for i in interactions):
        return "3"
    if any(_has_v2_rules(i) for i in interactions):
        return "2"
    return "1"


def _parts(interaction: dict[str, JSONValue]) -> list[dict[str, JSONValue]]:
    return [
        p for p in (interaction.get("request"), interaction.get("response")) if isinstance(p, dict)
    ]


def _has_v3_features(interaction: dict[str, JSONValue]) -> bool:
    if "providerStates" in interaction or "generators" in interaction:
        return True
    for part in _parts(interaction):
        if "generators" in part or isinstance(part.get("query"), dict):
            return True
        rules = part.get("matchingRules")
        if isinstance(rules, dict) and any(key in _RULE_CATEGORIES for key in rules):
            return True
    return False


def _has_v2_rules(interaction: dict[str, JSONValue]) -> bool:
    """Matching rules, even none: V1 has no `matchingRules` member (V3 ones are seen first)."""
    return any("matchingRules" in part for part in _parts(interaction))
