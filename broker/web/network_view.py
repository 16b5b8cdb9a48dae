"""What the network page draws, gathered from the services (no HTTP).

The home page's integrations, each with the same latest verification status, laid out as a graph.

The drawing is computed here, in Python, and written by the template as inline SVG: the page
needs no JavaScript, and the layout (`network_layout.py`) is deterministic and bounded.
"""

from __future__ import annotations

import msgspec

from broker.http.context import Services
from broker.web.network_layout import NODE_HEIGHT, Box, Layout, Point, Route, TooLargeError, layout
from broker.web.overview import Filter, IntegrationRow, Status, overview

ARROW = 9.0  # length of an arrowhead
LOOP = 28.0  # how far a pacticipant's loop to itself reaches right of its box


class Edge(msgspec.Struct, frozen=True, kw_only=True):
    """An integration as drawn: its line (`path`, SVG path data) and arrowhead (`arrow`)."""

    consumer: str
    provider: str
    status: Status
    consumer_version: str | None  # of the latest pact, which the edge links to
    path: str
    arrow: str


class Network(msgspec.Struct, frozen=True, kw_only=True):
    """The network page: the drawing (unless too large) and the integrations it draws."""

    integrations: list[IntegrationRow]
    total: int  # integrations before filtering
    boxes: list[Box]
    edges: list[Edge]
    width: float
    height: float
    too_large: str | None  # why there is no drawing, when the graph is too large

    @property
    def pacticipants(self) -> list[str]:
        """Every pacticipant of the integrations shown, by name."""
        return sorted({n for i in self.integrations for n in (i.consumer, i.provider)})

    def count(self, status: Status) -> int:
        """How many integrations have that latest verification status."""
        return sum(1 for i in self.integrations if i.verification.status == status)


async def network(services: Services, keep: Filter) -> Network:
    """The integrations `keep` lets through (as on the home page), drawn."""
    shown = await overview(services, keep, details=False)
    return drawing(shown.integrations, shown.total)


def drawing(rows: list[IntegrationRow], total: int) -> Network:
    """The integrations drawn, or why not when the layout refuses them as too large."""
    try:
        drawn = layout((), ((r.consumer, r.provider) for r in rows))
    except TooLargeError as error:
        return Network(
            integrations=rows,
            total=total,
            boxes=[],
            edges=[],
            width=0,
            height=0,
            too_large=f"The network is too large to draw: {error}. Filter it to draw a part.",
        )
    return Network(
        integrations=rows,
        total=total,
        boxes=drawn.boxes,
        edges=edges(drawn, rows),
        width=drawn.width,
        height=drawn.height,
        too_large=None,
    )


def edges(drawn: Layout, rows: list[IntegrationRow]) -> list[Edge]:
    """Each integration's line and arrowhead, with its row's status and latest pact."""
    by_pair = {(r.consumer, r.provider): r for r in rows}
    boxes = {b.name: b for b in drawn.boxes}
    found = []
    for route in drawn.routes:
        path, arrow = _line(route)
        found.append(_edge(by_pair[(route.consumer, route.provider)], path, arrow))
    for loop in drawn.loops:
        path, arrow = _loop(boxes[loop.name])
        found.append(_edge(by_pair[(loop.name, loop.name)], path, arrow))
    return found


def _edge(row: IntegrationRow, path: str, arrow: str) -> Edge:
    return Edge(
        consumer=row.consumer,
        provider=row.provider,
        status=row.verification.status,
        consumer_version=None if row.pact is None else row.pact.consumer_version,
        path=path,
        arrow=arrow,
    )


def _n(value: float) -> str:
    """A coordinate as short, stable SVG text."""
    return f"{value:.1f}".removesuffix(".0")


def _xy(point: Point) -> str:
    return f"{_n(point[0])},{_n(point[1])}"


def _line(route: Route) -> tuple[str, str]:
    """Curves between layers, straight lines through them; the arrow at the provider."""
    points = list(route.points)
    towards = -1.0 if route.upward else 1.0  # the arrow points down, or up for an upward edge
    tip = points[-1]
    # The line stops at the arrowhead's base, so its end does not show past the tip.
    points[-1] = (tip[0], tip[1] - towards * ARROW)
    parts = [f"M{_xy(points[0])}"]
    for k in range(1, len(points)):
        (x1, y1), (x2, y2) = points[k - 1], points[k]
        if k % 2 == 0:  # through a layer, at a waypoint
            parts.append(f"L{_xy((x2, y2))}")
        else:  # between layers: leave and arrive vertically
            middle = (y1 + y2) / 2
            parts.append(f"C{_xy((x1, middle))} {_xy((x2, middle))} {_xy((x2, y2))}")
    return " ".join(parts), _arrow(tip, towards)


def _arrow(tip: Point, towards: float) -> str:
    x, y = tip
    base = y - towards * ARROW
    return f"{_xy((x - 5, base))} {_xy((x + 5, base))} {_xy(tip)}"


def _loop(box: Box) -> tuple[str, str]:
    """A pact of a pacticipant with itself: out of its right side and back into it."""
    right = box.right
    top, bottom = box.y + 8, box.y + NODE_HEIGHT - 8
    path = (
        f"M{_xy((right, top))} C{_xy((right + LOOP, top - 10))} "
        f"{_xy((right + LOOP, bottom + 10))} {_xy((right + ARROW, bottom))}"
    )
    arrow = " ".join(_xy(p) for p in ((right + ARROW, bottom - 5), (right + ARROW, bottom + 5)))
    arrow += f" {_xy((right, bottom))}"
    return path, arrow
