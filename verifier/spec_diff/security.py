"""Changes to security: requirements (global and per operation) and the schemes they name.

oasdiff reports requirement and scheme changes as INFO; Accord keeps those levels and adds its
own ERR changes where a client's credentials stop working for sure: a requirement that now
asks for more schemes at once, an API key moved to another place or name, an HTTP scheme
changed (`basic` to `bearer`).
"""

from __future__ import annotations

from typing import Any

from verifier.spec_diff.model import Change, Level, Target

ERR, INFO = Level.ERR, Level.INFO
Requirement = frozenset[str]


def _requirements(security: Any) -> dict[Requirement, dict[str, list[str]]]:
    if not isinstance(security, list):
        return {}
    found: dict[Requirement, dict[str, list[str]]] = {}
    for requirement in security:
        if isinstance(requirement, dict):
            scopes = {str(k): [str(s) for s in v or []] for k, v in requirement.items()}
            found[frozenset(scopes)] = scopes
    return found


def requirement_changes(
    base: Any, revision: Any, *, scope: str, operation: str, location: str, target: Target
) -> list[Change]:
    """Requirements added, removed, grown or with scopes changed; `scope` is `global` or ""."""
    before, after = _requirements(base), _requirements(revision)
    prefix = "api-global-security" if scope == "global" else "api-security"
    changes: list[Change] = []

    def change(change_id: str, level: Level, text: str) -> None:
        changes.append(Change(change_id, level, operation, location, text, target))

    for names in before.keys() - after.keys():
        change(f"{prefix}-removed", INFO, f"The security requirement {_show(names)} was removed.")
    for names in after.keys() - before.keys():
        change(f"{prefix}-added", INFO, f"The security requirement {_show(names)} was added.")
        if any(old < names for old in before.keys() - after.keys()):
            change(
                "api-security-requirement-schemes-increased",
                ERR,
                f"The security requirement {_show(names)} asks for more schemes at once.",
            )
    for names in before.keys() & after.keys():
        for name in names:
            removed = set(before[names][name]) - set(after[names][name])
            added = set(after[names][name]) - set(before[names][name])
            for scope_name in sorted(added):
                change(
                    f"{prefix}-scope-added",
                    INFO,
                    f"The scope {scope_name} of {name} is now required.",
                )
            for scope_name in sorted(removed):
                change(
                    f"{prefix}-scope-removed",
                    INFO,
                    f"The scope {scope_name} of {name} is no longer required.",
                )
    return changes


def _show(names: Requirement) -> str:
    return " + ".join(sorted(names)) or "{} (anonymous)"


_OWN_FIELDS = (
    ("in", "api-security-component-in-changed", ERR),
    ("name", "api-security-component-name-changed", ERR),
    ("scheme", "api-security-component-scheme-changed", ERR),
    ("bearerFormat", "api-security-component-bearer-format-changed", INFO),
    ("openIdConnectUrl", "api-security-component-openid-connect-url-changed", INFO),
)


def scheme_changes(base: dict[str, Any], revision: dict[str, Any], location: str) -> list[Change]:
    """Security schemes added, removed, or changed in a way clients notice."""
    changes: list[Change] = []

    def change(change_id: str, level: Level, where: str, text: str) -> None:
        changes.append(Change(change_id, level, "", where, text, Target("api")))

    for name, scheme in base.items():
        where = f"{location}.{name}"
        if name not in revision:
            change(
                "api-security-component-removed",
                INFO,
                where,
                f"The security scheme {name} was removed.",
            )
            continue
        other = revision[name]
        if not isinstance(scheme, dict) or not isinstance(other, dict):
            continue
        if scheme.get("type") != other.get("type"):
            text = (
                f"The type of security scheme {name} changed "
                f"from {scheme.get('type')} to {other.get('type')}."
            )
            change("api-security-component-type-changed", INFO, where, text)
            continue
        for key, change_id, level in _OWN_FIELDS:
            if scheme.get(key) != other.get(key):
                change(change_id, level, where, f"The {key} of security scheme {name} changed.")
        changes.extend(_flows(scheme, other, name, where))
    for name in revision:
        if name not in base:
            change(
                "api-security-component-added",
                INFO,
                f"{location}.{name}",
                f"The security scheme {name} was added.",
            )
    return changes


def _flows(
    base: dict[str, Any], revision: dict[str, Any], name: str, location: str
) -> list[Change]:
    changes: list[Change] = []
    flows, other_flows = base.get("flows") or {}, revision.get("flows") or {}
    if base.get("type") == "oauth2" and "flow" in base:  # Swagger 2.0 keeps one flow inline
        flows, other_flows = {base["flow"]: base}, {revision.get("flow"): revision}
    for flow, settings in flows.items():
        other = other_flows.get(flow)
        if not isinstance(settings, dict) or not isinstance(other, dict):
            continue
        where = f"{location}.flows.{flow}"
        for key, change_id in (
            ("authorizationUrl", "api-security-component-oauth-url-changed"),
            ("tokenUrl", "api-security-component-oauth-token-url-changed"),
            ("refreshUrl", "api-security-component-oauth-url-changed"),
        ):
            if settings.get(key) != other.get(key):
                text = f"The {key} of the {flow} flow of security scheme {name} changed."
                changes.append(Change(change_id, INFO, "", where, text, Target("api")))
        scopes, other_scopes = settings.get("scopes") or {}, other.get("scopes") or {}
        for scope in scopes.keys() - other_scopes.keys():
            text = f"The scope {scope} of security scheme {name} was removed."
            changes.append(
                Change(
                    "api-security-component-oauth-scope-removed",
                    INFO,
                    "",
                    where,
                    text,
                    Target("api"),
                )
            )
        for scope in sorted(scopes.keys() & other_scopes.keys()):
            if scopes[scope] != other_scopes[scope]:
                text = f"The description of scope {scope} of security scheme {name} changed."
                changes.append(
                    Change(
                        "api-security-component-oauth-scope-changed",
                        INFO,
                        "",
                        where,
                        text,
                        Target("api"),
                    )
                )
        for scope in other_scopes.keys() - scopes.keys():
            text = f"The scope {scope} was added to security scheme {name}."
            changes.append(
                Change(
                    "api-security-component-oauth-scope-added", INFO, "", where, text, Target("api")
                )
            )
    return changes
