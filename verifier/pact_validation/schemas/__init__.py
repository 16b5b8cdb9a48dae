"""The Pact file JSON Schemas V1 to V4 (pactflow/pact-schemas, ISC; see NOTICE), as package data.

Each schema is read once, on first use.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Literal, TypeAlias

SchemaVersion: TypeAlias = Literal["1", "2", "3", "4"]
SCHEMA_VERSIONS: tuple[SchemaVersion, ...] = ("1", "2", "3", "4")


@functools.cache
def load_schema(version: SchemaVersion) -> dict[str, object]:
    """The schema for pacts of specification `version` (V1.1 pacts use the V1 schema).

    Args:
        version: the major specification version.

    Returns:
        The decoded schema; the same object on every call, so do not change it.
    """
    text = resources.files(__name__).joinpath(f"pact-schema-v{version}.json").read_text("utf-8")
    schema: dict[str, object] = json.loads(text)
    return schema
