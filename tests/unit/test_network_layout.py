"""The network page's layout (broker/web/network_layout.py): deterministic, readable, bounded."""

from __future__ import annotations

import itertools
import random

import pytest

from broker.web.network_layout import (
    GAP,
    MAX_EDGES,
    MAX_LABEL,
    MAX_NODES,
    MAX_SWEEPS,
    MAX_WAYPOINTS,
    NODE_HEIGHT,
    ROW_WIDTH,
    Box,
    Layout,
    TooLargeError,
    _inversions,
    _isotonic,
    label,
    layout,
)
from tests.support.network_graph import network


def random_network(seed: int, nodes: int, edges: int) -> tuple[list[str], list[tuple[str, str]]]:
    rng = random.Random(seed)
    names = [f"pacticipant-{i}-{'x' * rng.randint(0, 20)}" for i in range(nodes)]
    pairs: set[tuple[str, str]] = set()
    while len(pairs) < edges:
        consumer, provider = rng.sample(names, 2)
        pairs.add((consumer, provider))
    return names, sorted(pairs)


def overlapping(a: Box, b: Box) -> bool:
    return a.left < b.right and b.left < a.right and a.y < b.bottom and b.y < a.bottom


def assert_readable(drawn: Layout, names: list[str], edges: list[tuple[str, str]]) -> None:
    """No boxes overlap; each edge runs from its consumer's box to its provider's, around boxes."""
    assert sorted(b.name for b in drawn.boxes) == sorted(set(names))
    for a, b in itertools.combinations(drawn.boxes, 2):
        assert not overlapping(a, b), (a, b)
    for box in drawn.boxes:
        assert box.left >= 0 and box.right <= drawn.width
        assert box.y >= 0 and box.bottom <= drawn.height
    boxes = {b.name: b for b in drawn.boxes}
    assert sorted((r.consumer, r.provider) for r in drawn.routes) == sorted(edges)
    for route in drawn.routes:
        consumer, provider = boxes[route.consumer], boxes[route.provider]
        (x0, y0), (x1, y1) = route.points[0], route.points[-1]
        assert consumer.left <= x0 <= consumer.right
        assert provider.left <= x1 <= provider.right
        if route.upward:  # from the consumer's top up to the provider's bottom
            assert (y0, y1) == (consumer.y, provider.bottom)
        else:
            assert (y0, y1) == (consumer.bottom, provider.y)
        # Within a layer's row an edge goes straight down or up beside the boxes, never
        # through one; between rows it only curves in the free space.
        for (xa, ya), (xb, yb) in itertools.pairwise(route.points[1:-1]):
            if xa == xb and abs(ya - yb) == NODE_HEIGHT:
                top = min(ya, yb)
                for box in drawn.boxes:
                    if box.y == top:
                        assert not box.left - GAP / 2 < xa < box.right + GAP / 2, (route, box)


def test_the_same_graph_always_gets_the_same_layout_whatever_the_order_given() -> None:
    names, edges = network()
    first = layout(names, edges)
    shuffled = list(edges)
    random.Random(1).shuffle(shuffled)
    assert layout(list(reversed(names)), shuffled) == first
    assert layout(names, edges) == first


def test_fifty_pacticipants_and_a_hundred_and_twenty_integrations_are_readable() -> None:
    names, edges = network()
    assert (len(names), len(edges)) == (50, 120)
    drawn = layout(names, edges)
    assert_readable(drawn, names, edges)
    assert drawn.sweeps <= MAX_SWEEPS
    # Rows wrap: no layer's boxes are wider than a screen.
    rows: dict[int, list[Box]] = {}
    for box in drawn.boxes:
        rows.setdefault(box.layer, []).append(box)
    for row in rows.values():
        assert len(row) == 1 or sum(b.width + GAP for b in row) <= ROW_WIDTH
    # Labels stay legible: no name is cut in this network, and each box holds its label.
    assert all(b.label == b.name for b in drawn.boxes)


@pytest.mark.parametrize("seed", range(6))
def test_random_networks_are_drawn_without_overlaps(seed: int) -> None:
    names, edges = random_network(seed, 50, 120)
    assert_readable(layout(names, edges), names, edges)


def test_orderings_that_cross_less_are_kept() -> None:
    """Two chains drawn crosswise at first are untangled."""
    edges = [("a", "z"), ("b", "y"), ("c", "x"), ("z", "p"), ("y", "q"), ("x", "r")]
    drawn = layout([], edges)
    assert drawn.crossings == 0


def test_a_cycle_is_drawn_with_one_edge_pointing_up() -> None:
    edges = [("Web", "Orders"), ("Orders", "Payments"), ("Payments", "Orders")]
    drawn = layout([], edges)
    assert_readable(drawn, ["Web", "Orders", "Payments"], edges)
    assert sum(r.upward for r in drawn.routes) == 1


def test_a_pact_with_itself_is_a_loop_and_a_lone_pacticipant_a_box() -> None:
    drawn = layout(["Alone"], [("Echo", "Echo")])
    assert [loop.name for loop in drawn.loops] == ["Echo"]
    assert drawn.routes == []
    assert sorted(b.name for b in drawn.boxes) == ["Alone", "Echo"]
    assert drawn.width > max(b.right for b in drawn.boxes)  # room for the loop


def test_an_empty_network_has_nothing_to_draw() -> None:
    drawn = layout([], [])
    assert (drawn.boxes, drawn.routes, drawn.loops) == ([], [], [])
    assert drawn.height >= 0


def test_long_names_are_cut_with_an_ellipsis() -> None:
    name = "a-very-long-pacticipant-name-from-a-monorepo-service"
    assert label(name) == name[: MAX_LABEL - 1] + "…"
    assert len(label(name)) == MAX_LABEL
    assert label("Orders") == "Orders"


def test_work_is_bounded_by_the_caps() -> None:
    """Past the caps the layout refuses at once, so a request cannot be kept busy."""
    names = [f"p{i}" for i in range(MAX_NODES + 1)]
    with pytest.raises(TooLargeError, match="pacticipants"):
        layout(names, [])
    pairs = [(f"c{i}", f"p{i}") for i in range(MAX_EDGES + 1)]
    with pytest.raises(TooLargeError):
        layout([], pairs)
    # A long chain and an edge across all of it: the edge would pass every layer.
    chain = [(f"n{i:03d}", f"n{i + 1:03d}") for i in range(MAX_NODES - 1)]
    crossing = [(f"n{0:03d}", f"n{j:03d}") for j in range(2, MAX_NODES, 2)]
    with pytest.raises(TooLargeError, match=str(MAX_WAYPOINTS)):
        layout([], chain + crossing[:60])


def test_the_ordering_stops_after_its_sweep_budget() -> None:
    """Every consumer of eight with every provider of eight: crossings never reach zero."""
    edges = [(f"c{i}", f"p{j}") for i in range(8) for j in range(8)]
    drawn = layout([], edges)
    assert drawn.crossings > 0
    assert 1 <= drawn.sweeps <= MAX_SWEEPS


def test_inversions_count_crossing_pairs() -> None:
    rng = random.Random(4)
    for _ in range(50):
        values = [rng.randint(0, 9) for _ in range(rng.randint(0, 15))]
        expected = sum(
            1 for i, j in itertools.combinations(range(len(values)), 2) if values[i] > values[j]
        )
        assert _inversions(values) == expected


def test_isotonic_regression_keeps_the_order_and_the_least_squares() -> None:
    assert _isotonic([1.0, 3.0, 2.0, 4.0]) == [1.0, 2.5, 2.5, 4.0]
    assert _isotonic([5.0, 1.0]) == [3.0, 3.0]
    fitted = _isotonic([3.0, 1.0, 2.0, 0.0, 7.0])
    assert all(a <= b for a, b in itertools.pairwise(fitted))
    assert sum(fitted) == pytest.approx(13.0)  # the blocks keep their means
