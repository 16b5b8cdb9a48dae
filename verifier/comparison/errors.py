"""What the comparison engine raises when a comparison cannot run at all.

    ComparisonError       base class
    ├── SpecError         the OpenAPI document cannot be read or is not OpenAPI 3 / Swagger 2
    └── PactError         the pact cannot be read or its interactions are malformed

An interaction that disagrees with the spec is never an exception: it is a `Finding`.
"""

from __future__ import annotations


class ComparisonError(Exception):
    """The comparison cannot run; the message is one sentence saying why."""


class SpecError(ComparisonError):
    """The provider's OpenAPI document cannot be used."""


class PactError(ComparisonError):
    """The consumer's pact cannot be used."""
