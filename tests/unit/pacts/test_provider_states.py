"""The distinct provider states of a provider's pacts."""

from __future__ import annotations

import json
from typing import Any

from broker.domain.provider_states import ProviderState, aggregate, states_in


def document(*interactions: dict[str, Any], key: str = "interactions") -> str:
    return json.dumps({key: list(interactions)})


def test_v2_and_v3_states_with_and_without_params() -> None:
    assert states_in(
        document(
            {"providerState": "a"},
            {"providerStates": [{"name": "b", "params": {"id": 1}}, {"name": "c"}]},
            {"description": "no state"},
        )
    ) == [("a", None), ("b", {"id": 1}), ("c", None)]
    assert states_in(document({"providerStates": [{"name": "m"}]}, key="messages")) == [("m", None)]


def test_unreadable_documents_and_odd_shapes_have_no_states() -> None:
    assert states_in("not json") == []
    assert states_in("[]") == []
    assert states_in(json.dumps({"interactions": {"x": 1}})) == []
    assert (
        states_in(document({"providerStates": [{"params": {}}, "x"]}, {"providerState": 3})) == []
    )


def test_aggregate_merges_consumers_of_the_same_state_and_params() -> None:
    web = document({"providerState": "a"}, {"providerStates": [{"name": "b", "params": {"x": 1}}]})
    mobile = document({"providerStates": [{"name": "a"}, {"name": "b", "params": {"x": 2}}]})
    assert aggregate([("Web", web), ("Mobile", mobile), ("Web", web)]) == [
        ProviderState(name="a", consumers=("Mobile", "Web")),
        ProviderState(name="b", params={"x": 1}, consumers=("Web",)),
        ProviderState(name="b", params={"x": 2}, consumers=("Mobile",)),
    ]
