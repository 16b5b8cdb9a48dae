"""The result of matching: one `Mismatch` per difference, as data rather than an exception."""

from __future__ import annotations

from typing import Literal, TypeAlias

import msgspec

from verifier._matching.values import JSONValue

MismatchKind: TypeAlias = Literal[
    "method", "path", "query", "header", "body", "status", "metadata", "content-type"
]


class Mismatch(msgspec.Struct, frozen=True, kw_only=True):
    """One difference between what the pact expects and what came.

    Attributes:
        kind: The part of the request, response or message that differs.
        path: Where: a body path such as `$.body.items[2].id`, a header or query parameter
            name, `$.metadata.<key>`, or the part itself (`method`, `path`, `status`).
        expected: The expected value, or the matcher's description when a rule decided.
        actual: The value that came (`None` when it was missing).
        description: A sentence for people that names what was expected and what came.
    """

    kind: MismatchKind
    path: str
    expected: JSONValue
    actual: JSONValue
    description: str
