"""Every valid schema example and every sample pact publishes and reads back unchanged.

The corpora (`../shared/corpora/pact-schemas/examples/*/pass`, ISC; `../shared/corpora/
sample-pacts`, MIT and Apache-2.0) are read in place; see their READMEs for sources.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from litestar.testing import AsyncTestClient

from broker.domain.pacts import parse_pact

Client = AsyncTestClient[Any]
CORPORA = (
    Path(os.environ.get("ACCORD_SHARED_DIR", Path(__file__).resolve().parents[3].parent / "shared"))
    / "corpora"
)
FILES = sorted(CORPORA.glob("pact-schemas/examples/*/pass/*.json")) + sorted(
    # verifier-results.schema.json sits among the samples but is a JSON Schema, not a pact.
    p
    for p in CORPORA.glob("sample-pacts/**/*.json")
    if not p.name.endswith(".schema.json")
)
BROKER_ADDED = {"_id", "_links", "createdAt", "updatedAt"}


def stripped(value: Any) -> Any:
    """The document without what a broker adds when serving it."""
    if isinstance(value, dict):
        return {k: stripped(v) for k, v in value.items() if k not in BROKER_ADDED}
    if isinstance(value, list):
        return [stripped(v) for v in value]
    return value


def as_published(path: Path) -> bytes:
    """The file as a client publishes it: a schema example declares its folder's version.

    Most examples have no metadata (upstream picks the schema by folder), and one without a
    version is read by its shape: `v3/pass/missing-interactions` would be a V1 pact, which
    must have interactions.
    """
    raw = path.read_bytes()
    folder = path.parent.parent.name
    if "pact-schemas" not in path.parts:
        return raw
    document = json.loads(raw)
    if "metadata" not in document:
        version = {"v1": "1.0.0", "v2": "2.0.0", "v3": "3.0.0"}[folder]
        document["metadata"] = {"pactSpecification": {"version": version}}
    return json.dumps(document).encode()


def test_the_corpora_are_there() -> None:
    assert len(FILES) > 200, f"corpora missing under {CORPORA}"


async def test_every_corpus_pact_round_trips(client: Client) -> None:
    failures: list[tuple[str, int | str, str]] = []
    for number, path in enumerate(FILES):
        raw = as_published(path)
        pact = parse_pact(raw)
        url = (
            f"/pacts/provider/{quote(pact.provider, safe='')}"
            f"/consumer/{quote(pact.consumer, safe='')}/version/{number}"
        )
        published = await client.put(url, content=raw, headers={"Content-Type": "application/json"})
        if published.status_code not in {200, 201}:
            failures.append((path.name, published.status_code, published.text[:300]))
            continue
        served = (await client.get(url)).json()
        if stripped(served) != stripped(json.loads(raw)):
            failures.append((path.name, "content differs", ""))
    assert failures == []


@pytest.mark.parametrize("name", ["v4-combined-pact.json", "v3-message-pact.json"])
async def test_message_and_mixed_v4_pacts_keep_their_interaction_types(
    client: Client, name: str
) -> None:
    path = next(CORPORA.glob(f"sample-pacts/**/{name}"))
    raw = path.read_bytes()
    pact = parse_pact(raw)
    provider, consumer = quote(pact.provider, safe=""), quote(pact.consumer, safe="")
    url = f"/pacts/provider/{provider}/consumer/{consumer}/version/1"
    assert (
        await client.put(url, content=raw, headers={"Content-Type": "application/json"})
    ).status_code == 201
    served = (await client.get(url)).json()
    section = "messages" if "messages" in served else "interactions"
    assert [i.get("type") for i in served[section]] == [
        i.get("type") for i in json.loads(raw)[section]
    ]
    assert all("_id" in i for i in served[section])
