"""Interaction filters: which interactions a narrowed run verifies, as pact_ffi selects them."""

from __future__ import annotations

import pytest

from verifier import FilterError, Interaction, InteractionFilter, ProviderState


def interaction(description: str, *states: str) -> Interaction:
    return Interaction(
        description=description,
        kind="http",
        provider_states=tuple(ProviderState(name=state) for state in states),
    )


ALL = [
    interaction("get a user", "a user exists"),
    interaction("get a missing user", "no users"),
    interaction("list users"),
    interaction("an order event", "an order exists", "a user exists"),
]


def selected(narrowing: InteractionFilter) -> list[str]:
    return [item.description for item in ALL if narrowing.selects(item)]


def test_trust_01_filters_select_by_description_state_or_no_state() -> None:
    assert selected(InteractionFilter(description="user")) == [
        "get a user",
        "get a missing user",
        "list users",
    ]
    assert selected(InteractionFilter(state="^a user")) == ["get a user", "an order event"]
    assert selected(InteractionFilter(no_state=True)) == ["list users"]
    assert selected(InteractionFilter(state="")) == ["list users"]
    both = InteractionFilter(description="^get", state="^a user")
    assert selected(both) == ["get a user"]
    assert str(both) == "description matching '^get' and a provider state matching '^a user'"


def test_trust_01_an_empty_filter_selects_everything_and_does_not_narrow() -> None:
    assert not InteractionFilter().is_narrowing
    assert len(selected(InteractionFilter())) == len(ALL)
    assert InteractionFilter(no_state=True).is_narrowing


def test_trust_01_filters_come_from_pact_ffis_environment_variables() -> None:
    found = InteractionFilter.from_environment(
        {"PACT_DESCRIPTION": "order", "PACT_PROVIDER_NO_STATE": "TRUE"}
    )
    assert (found.description, found.state, found.no_state) == ("order", None, True)
    assert not InteractionFilter.from_environment({"PACT_DESCRIPTION": ""}).is_narrowing


def test_trust_01_a_filter_that_is_not_a_regular_expression_is_refused() -> None:
    with pytest.raises(FilterError, match=r"The description filter '\(' is not a regular"):
        InteractionFilter(description="(")
