"""One error tree: every exception the verifier defines is a `VerifierError`, drawn in the tree."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import verifier
import verifier.comparison
from verifier import _errors
from verifier._errors import VerifierError


def defined_exceptions() -> list[type[BaseException]]:
    """Every exception class defined in a module of the verifier package, found by importing all."""
    modules = [verifier] + [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(verifier.__path__, prefix="verifier.")
    ]
    found: dict[str, type[BaseException]] = {}
    for module in modules:
        for _, member in inspect.getmembers(module, inspect.isclass):
            if issubclass(member, BaseException) and member.__module__ == module.__name__:
                found[f"{member.__module__}.{member.__qualname__}"] = member
    return list(found.values())


EXCEPTIONS = defined_exceptions()


def test_the_walk_finds_the_errors_inside_subpackages() -> None:
    names = {error.__name__ for error in EXCEPTIONS}
    assert {"SourceError", "PathSyntaxError", "InteractionFailedError", "DocumentError"} <= names


@pytest.mark.parametrize("error", EXCEPTIONS, ids=lambda error: error.__qualname__)
def test_every_exception_of_the_verifier_is_a_verifier_error(error: type[BaseException]) -> None:
    assert issubclass(error, VerifierError), f"{error.__module__}.{error.__qualname__}"


@pytest.mark.parametrize("error", EXCEPTIONS, ids=lambda error: error.__qualname__)
def test_every_exception_is_drawn_in_the_tree_with_its_module(error: type[BaseException]) -> None:
    blocks = (_errors.__doc__ or "").split("\n\n")
    tree = next(block for block in blocks if block.startswith("    VerifierError\n"))
    # A line draws the class that follows its branch ("├── "), or the root.
    drawn = [
        line for line in tree.splitlines() if line.split("── ")[-1].split()[0] == error.__name__
    ]
    assert len(drawn) == 1, f"draw {error.__name__} once in verifier/_errors.py's docstring"
    if error.__module__ != _errors.__name__:
        path = error.__module__.removeprefix("verifier.").replace(".", "/") + ".py"
        assert drawn[0].rstrip().endswith(path), f"{error.__name__} is defined in {path}"


def test_no_two_exceptions_share_a_name() -> None:
    names = [error.__name__ for error in EXCEPTIONS]
    assert sorted(names) == sorted(set(names))


def test_one_pact_error_for_the_verifier_and_the_comparison() -> None:
    assert verifier.comparison.PactError is verifier.PactError
    assert issubclass(verifier.comparison.ComparisonPactError, verifier.comparison.ComparisonError)
    assert issubclass(verifier.comparison.ComparisonPactError, verifier.PactError)


def test_the_errors_users_catch_are_exported() -> None:
    for name in (
        "VerifierError",
        "SourceError",
        "PactError",
        "FilterError",
        "OpenAPIDocumentError",
        "StateChangeError",
        "ProducerError",
    ):
        assert name in verifier.__all__
    for name in ("ComparisonError", "SpecError", "ComparisonPactError", "PactError"):
        assert name in verifier.comparison.__all__
