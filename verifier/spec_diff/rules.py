"""The change ids Accord reports that oasdiff has no rule for, with why each exists.

Every other id is one of oasdiff's change rules (its `checker/rules.go`), with the level oasdiff
gives it. These fill gaps where a change stops clients working for certain (openapi-diff counts
most of them as incompatible) or where oasdiff has the rule for parameters or bodies only.
"""

from __future__ import annotations

OWN_IDS: frozenset[str] = frozenset(
    {
        # parameter serialisation: a client encodes the value the old way
        "request-parameter-style-changed",
        "request-parameter-explode-changed",
        "request-parameter-allow-empty-value-removed",
        "response-header-serialisation-changed",
        # credentials that stop working
        "api-security-requirement-schemes-increased",
        "api-security-component-in-changed",
        "api-security-component-name-changed",
        "api-security-component-scheme-changed",
        "api-security-component-bearer-format-changed",
        "api-security-component-openid-connect-url-changed",
    }
    # JSON Schema 2020-12 (OpenAPI 3.1): oasdiff reports `unevaluatedProperties` and
    # `unevaluatedItems` added or removed; one switched between `false` and a schema stays
    # present, yet refuses (narrowed) or admits (widened) the values the other keywords left.
    | {
        f"{direction}-{part}-unevaluated-{kind}-{action}"
        for direction in ("request", "response")
        for part in ("body", "property")
        for kind in ("properties", "items")
        for action in ("narrowed", "widened")
    }
    # an `if` that changed: which of `then` and `else` applies may change, for better or worse
    | {
        f"{direction}-{part}-if-changed"
        for direction in ("request", "response")
        for part in ("body", "property")
    }
    # a property wrapped in a oneOf breaks clients as a body wrapped so does (oasdiff's
    # `*-body-wrapped-in-one-of`, which it has for bodies only); a response wrapped in an anyOf
    # may now be one of the other alternatives, which oasdiff's INFO `any-of-added` understates
    # (`verifier.spec_diff.structure`)
    | {"request-property-wrapped-in-one-of", "response-property-wrapped-in-one-of"}
    | {"response-body-wrapped-in-any-of", "response-property-wrapped-in-any-of"}
    # oasdiff has length rules for strings and for minItems; Accord extends them to maxItems
    # and to an object's number of properties, with the same direction rule.
    | {
        f"{direction}-{part}-{keyword}-{action}"
        for direction in ("request", "response")
        for part in ("body", "property")
        for keyword in ("max-items", "min-properties", "max-properties")
        for action in ("increased", "decreased")
    }
    # an object parameter's number of properties, by the same rule (later oasdiff releases
    # report `request-parameter-min-properties-increased` and the rest, in checker/bound_rules.go)
    | {
        f"request-parameter-{keyword}-{action}"
        for keyword in ("min-properties", "max-properties")
        for action in ("increased", "decreased")
    }
    # loosenings oasdiff's rules.json (commit 4553c69) does not list and later releases report
    # with these ids at INFO (checker/check_request_body_enum_value_added.go, bound_rules.go):
    # a value a request body may now carry, fewer items a request array must now have
    | {
        "request-body-enum-value-added",
        "request-body-min-items-decreased",
        "request-property-min-items-decreased",
    }
)
