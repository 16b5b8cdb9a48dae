"""The verifier's public surface: everything in `__all__` is importable and nothing more."""

from __future__ import annotations

import inspect

import verifier


def test_every_public_name_is_exported_and_defined_by_the_verifier() -> None:
    public = {
        name
        for name in dir(verifier)
        if not name.startswith("_") and not inspect.ismodule(getattr(verifier, name))
    }
    assert public == set(verifier.__all__)
    for name in verifier.__all__:
        member = getattr(verifier, name)
        if inspect.isclass(member) or inspect.isfunction(member):
            assert member.__module__.startswith("verifier."), name
