"""The result model as JSON with camelCase member names, as every `--output json` of accord has.

Only the names of the model's own fields are renamed: the values they hold (a pact's expected
body, a provider state's parameters) are the user's data and keep their keys as they are.
"""

from __future__ import annotations

import msgspec


def camel(name: str) -> str:
    """`provider_states` -> `providerStates`."""
    first, *rest = name.split("_")
    return first + "".join(part[:1].upper() + part[1:] for part in rest)


def camel_builtins(value: object) -> object:
    """`value` as JSON builtins, a struct's fields named in camelCase at every depth."""
    if isinstance(value, msgspec.Struct):
        return {
            camel(name): camel_builtins(getattr(value, name)) for name in value.__struct_fields__
        }
    if isinstance(value, (tuple, list)):
        return [camel_builtins(item) for item in value]
    return msgspec.to_builtins(value)
