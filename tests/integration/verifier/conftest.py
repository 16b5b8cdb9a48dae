"""A real provider on 127.0.0.1 and the pacts its consumer wrote."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar

from tests.support.provider_app import create_app, running_provider

CONSUMER = "UserWeb"
PROVIDER = "Users"


def user_pact() -> dict[str, Any]:
    """A V3 pact the provider app honours, but for its `/broken` interaction."""
    return {
        "consumer": {"name": CONSUMER},
        "provider": {"name": PROVIDER},
        "interactions": [
            {
                "description": "a request for a user",
                "providerStates": [{"name": "a user exists", "params": {"id": 7, "name": "Ada"}}],
                "request": {
                    "method": "GET",
                    "path": "/users/1",
                    "generators": {
                        "path": {"type": "ProviderState", "expression": "/users/${userId}"}
                    },
                },
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": "application/json"},
                    "body": {"id": 1, "name": "Ada", "email": "someone@example.com"},
                    "matchingRules": {
                        "body": {
                            "$.id": {"matchers": [{"match": "integer"}]},
                            "$.email": {"matchers": [{"match": "regex", "regex": r"^\S+@\S+$"}]},
                        }
                    },
                },
            },
            {
                "description": "a request for a missing user",
                "providerStates": [{"name": "a user does not exist", "params": {"id": 5}}],
                "request": {"method": "GET", "path": "/users/5"},
                "response": {"status": 404},
            },
            {
                "description": "a request to create a user",
                "request": {
                    "method": "POST",
                    "path": "/users",
                    "headers": {"Content-Type": "application/json"},
                    "body": {"name": "Grace", "email": "x"},
                    "generators": {
                        "body": {"$.email": {"type": "Regex", "regex": "[a-z]{5}@example\\.com"}}
                    },
                },
                "response": {
                    "status": 201,
                    "body": {"id": 1, "name": "Grace"},
                    "matchingRules": {"body": {"$.id": {"matchers": [{"match": "integer"}]}}},
                },
            },
            {
                "description": "a request for the broken resource",
                "request": {"method": "GET", "path": "/broken"},
                "response": {
                    "status": 200,
                    "body": {"id": 7, "name": "Ada"},
                    "matchingRules": {"body": {"$.id": {"matchers": [{"match": "integer"}]}}},
                },
            },
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


def without_broken(pact: dict[str, Any]) -> dict[str, Any]:
    """The same pact without the interaction the provider breaks on purpose."""
    kept = [item for item in pact["interactions"] if "broken" not in item["description"]]
    return {**pact, "interactions": kept}


def write_pact(folder: Path, pact: dict[str, Any], name: str = "UserWeb-Users.json") -> Path:
    path = folder / name
    path.write_text(json.dumps(pact))
    return path


@pytest.fixture
def provider_app() -> Litestar:
    return create_app()


@pytest.fixture
def provider_url(provider_app: Litestar) -> Iterator[str]:
    """The provider app served on a free port."""
    with running_provider(provider_app) as url:
        yield url
