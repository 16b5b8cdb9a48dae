"""The network page's drawing (broker/web/network_view.py): edges as SVG, and the caps."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from broker.web.network_layout import MAX_EDGES
from broker.web.network_view import drawing
from broker.web.overview import IntegrationRow, LatestPact, LatestVerification, Status

NOW = datetime(2026, 12, 4, tzinfo=UTC)


def row(consumer: str, provider: str, status: Status, version: str | None = "1") -> IntegrationRow:
    return IntegrationRow(
        consumer=consumer,
        provider=provider,
        pact=None
        if version is None
        else LatestPact(consumer_version=version, published_at=NOW, sha="abc"),
        verification=LatestVerification(status=status),
        consumer_live={},
        provider_live={},
    )


def test_each_integration_is_an_edge_with_its_status_path_and_arrow() -> None:
    rows = [
        row("Web", "Orders", "success", "3.1"),
        row("Orders", "Payments", "failure"),
        row("Payments", "Orders", "unverified", None),
        row("Echo", "Echo", "success"),
    ]
    shown = drawing(rows, total=4)
    assert shown.too_large is None
    found = {(e.consumer, e.provider): e for e in shown.edges}
    assert {pair: e.status for pair, e in found.items()} == {
        ("Web", "Orders"): "success",
        ("Orders", "Payments"): "failure",
        ("Payments", "Orders"): "unverified",
        ("Echo", "Echo"): "success",
    }
    assert found[("Web", "Orders")].consumer_version == "3.1"
    assert found[("Payments", "Orders")].consumer_version is None
    number = r"-?\d+(?:\.\d)?"
    for edge in shown.edges:
        assert re.fullmatch(rf"M{number},{number}( [CL][-\d., ]+)+", edge.path), edge.path
        assert len(edge.arrow.split(" ")) == 3  # a triangle
    assert sorted(b.name for b in shown.boxes) == ["Echo", "Orders", "Payments", "Web"]
    assert shown.pacticipants == ["Echo", "Orders", "Payments", "Web"]
    assert (shown.count("success"), shown.count("failure"), shown.count("unverified")) == (2, 1, 1)
    assert shown.width > 0
    assert shown.height > 0


def test_a_network_past_the_caps_is_listed_but_not_drawn() -> None:
    rows = [row(f"C{i}", f"P{i}", "success") for i in range(MAX_EDGES + 1)]
    shown = drawing(rows, total=len(rows))
    assert shown.too_large is not None
    assert "too large to draw" in shown.too_large
    assert "Filter it" in shown.too_large
    assert (shown.boxes, shown.edges) == ([], [])
    assert len(shown.integrations) == MAX_EDGES + 1  # still listed in the table
