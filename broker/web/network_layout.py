"""Where the network page draws each pacticipant and integration: a layered layout, pure.

The steps of Sugiyama, Tagawa and Toda's method, each with a fixed bound on its work, so the
same graph always gets the same picture and a large one cannot keep a request busy:

1. break cycles: Eades, Lin and Smyth's greedy sequence (sinks last, sources first, else the
   node with most more edges out than in) turns the few edges against it around, for layering
   only (such an edge is still drawn pointing at its provider);
2. layers: each pacticipant goes in the first layer below all its consumers whose boxes still
   fit in `ROW_WIDTH`, so a wide network wraps into more layers; then one with more providers
   than consumers moves down towards its providers where there is room;
3. an edge spanning several layers passes through a *waypoint* in each layer between;
4. order within layers: barycentre sweeps, at most `MAX_SWEEPS`, keeping the order with the
   fewest crossings (counted exactly, in O(E log E) per pair of layers);
5. x: `X_PASSES` passes move each node towards the mean x of its neighbours, solved as an
   isotonic regression (pool adjacent violators), which keeps the order and the gaps;
6. edges leave from the bottom of a box and arrive at the top of the next layer's (or the
   reverse for an edge turned round), spread along the side in the order of their far ends.

Boxes never overlap: boxes of one layer keep `GAP` between them, layers keep `LAYER_GAP`.
Edges never cross a box: they go straight down through a layer at a waypoint, which keeps its
gap to the boxes beside it, and curve only in the space between layers.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable, Sequence

import msgspec

MAX_NODES = 300
MAX_EDGES = 600
MAX_WAYPOINTS = 2000  # edges' passes through layers: what the ordering's work grows with
MAX_SWEEPS = 12
PATIENCE = 2  # sweeps in a row without fewer crossings before the ordering stops
X_PASSES = 8
MAX_LABEL = 28  # characters shown in a box; the full name is in its title and link

NODE_HEIGHT = 34.0
LAYER_GAP = 96.0  # between the bottom of one layer and the top of the next
GAP = 24.0  # between boxes (and waypoints) of one layer
WAYPOINT_WIDTH = 12.0
MARGIN = 16.0
ROW_WIDTH = 1200.0  # pacticipants' boxes per layer, with their gaps, up to this width
CHAR_WIDTH = 7.6  # a wide estimate at 13px, so labels fit their boxes in common fonts
PADDING = 24.0
MIN_WIDTH = 72.0


class Box(msgspec.Struct, frozen=True, kw_only=True):
    """A pacticipant's box: its centre `x`, its top `y`, and the label written in it."""

    name: str
    label: str
    x: float
    y: float
    width: float
    height: float
    layer: int

    @property
    def left(self) -> float:
        """The box's left edge."""
        return self.x - self.width / 2

    @property
    def right(self) -> float:
        """The box's right edge."""
        return self.x + self.width / 2

    @property
    def bottom(self) -> float:
        """The box's bottom edge."""
        return self.y + self.height


Point = tuple[float, float]


class Route(msgspec.Struct, frozen=True, kw_only=True):
    """An integration's line from its consumer's box to its provider's box.

    `points` go from the consumer to the provider; the line curves between consecutive points
    that lie in different layers' rows and is straight within a row. `upward` is True for an
    edge that points up (it closes a cycle).
    """

    consumer: str
    provider: str
    points: tuple[Point, ...]
    upward: bool


class Loop(msgspec.Struct, frozen=True, kw_only=True):
    """A pacticipant with a pact with itself: drawn as a loop on its box's right side."""

    name: str


class Layout(msgspec.Struct, frozen=True, kw_only=True):
    """Where everything goes, and how much work the ordering took."""

    boxes: list[Box]
    routes: list[Route]
    loops: list[Loop]
    width: float
    height: float
    sweeps: int  # barycentre sweeps made (at most MAX_SWEEPS)
    crossings: int  # edge crossings between layers in the order chosen


class TooLargeError(ValueError):
    """The graph has more nodes or edges than the layout draws."""


def label(name: str) -> str:
    """The text in a pacticipant's box: the name, shortened with an ellipsis when too long."""
    return name if len(name) <= MAX_LABEL else name[: MAX_LABEL - 1] + "…"


def box_width(name: str) -> float:
    """A box wide enough for its label."""
    return max(MIN_WIDTH, round(len(label(name)) * CHAR_WIDTH + PADDING))


def layout(names: Iterable[str], edges: Iterable[tuple[str, str]]) -> Layout:
    """Lay out pacticipants `names` and (consumer, provider) `edges` for drawing.

    Names that edges mention are added; duplicate edges are drawn once.

    Raises:
        TooLargeError: more than `MAX_NODES` pacticipants or `MAX_EDGES` integrations, or
            edges that would pass through more than `MAX_WAYPOINTS` layers in all.
    """
    pairs = sorted(set(edges))
    everyone = sorted({*names, *(n for pair in pairs for n in pair)})
    if len(everyone) > MAX_NODES or len(pairs) > MAX_EDGES:
        raise TooLargeError(
            f"at most {MAX_NODES} pacticipants and {MAX_EDGES} integrations are drawn"
        )
    index = {name: i for i, name in enumerate(everyone)}
    loops = [Loop(name=c) for c, p in pairs if c == p]
    links = [(index[c], index[p]) for c, p in pairs if c != p]
    graph = _Graph(len(everyone), [box_width(n) for n in everyone])
    flipped = _feedback_edges(len(everyone), links)
    downward = [(p, c) if (c, p) in flipped else (c, p) for c, p in links]
    graph.assign_layers(downward)
    chains = [graph.add_chain(u, v) for u, v in downward]
    if len(graph.layer) - graph.real > MAX_WAYPOINTS:
        raise TooLargeError(
            f"the integrations would pass through more than {MAX_WAYPOINTS} layers in all"
        )
    sweeps, crossings = graph.order()
    graph.place()
    boxes = [
        Box(
            name=name,
            label=label(name),
            x=round(graph.x[i], 1),
            y=graph.top(graph.layer[i]),
            width=graph.width[i],
            height=NODE_HEIGHT,
            layer=graph.layer[i],
        )
        for i, name in enumerate(everyone)
    ]
    ends = graph.ports(chains)
    routes = []
    for (c, p), chain, (start, end) in zip(links, chains, ends, strict=True):
        points = [start, *graph.waypoints(chain), end]
        upward = (c, p) in flipped
        if upward:
            points.reverse()
        routes.append(
            Route(consumer=everyone[c], provider=everyone[p], points=tuple(points), upward=upward)
        )
    return Layout(
        boxes=boxes,
        routes=routes,
        loops=loops,
        width=round(graph.extent() + 2 * MARGIN + (40 if loops else 0), 1),
        height=max(0.0, graph.top(graph.layers) - LAYER_GAP + MARGIN),
        sweeps=sweeps,
        crossings=crossings,
    )


class _Graph:
    """Nodes (pacticipants first, then waypoints) in layers, with their order and x."""

    def __init__(self, real: int, widths: list[float]) -> None:
        self.real = real
        self.width = list(widths)
        self.layer = [0] * real
        self.layers = 0
        self.up: list[list[int]] = [[] for _ in range(real)]  # neighbours one layer above
        self.down: list[list[int]] = [[] for _ in range(real)]  # neighbours one layer below
        self.rows: list[list[int]] = []
        self.x: list[float] = []

    def assign_layers(self, downward: Sequence[tuple[int, int]]) -> None:
        """Each node in the first layer below its predecessors with room (Kahn's order)."""
        predecessors: list[list[int]] = [[] for _ in range(self.real)]
        successors: list[list[int]] = [[] for _ in range(self.real)]
        for u, v in downward:
            successors[u].append(v)
            predecessors[v].append(u)
        waiting = [len(p) for p in predecessors]
        ready = [i for i in range(self.real) if waiting[i] == 0]
        heapq.heapify(ready)
        filled: list[float] = []  # the width of each layer's boxes and gaps so far
        placed: list[int] = []
        while ready:
            node = heapq.heappop(ready)
            placed.append(node)
            at = max((self.layer[p] + 1 for p in predecessors[node]), default=0)
            wide = self.width[node] + GAP
            while at < len(filled) and filled[at] and filled[at] + wide > ROW_WIDTH:
                at += 1
            if at == len(filled):
                filled.append(0.0)
            filled[at] += wide
            self.layer[node] = at
            for successor in successors[node]:
                waiting[successor] -= 1
                if waiting[successor] == 0:
                    heapq.heappush(ready, successor)
        # Then, from the bottom up, a node with more providers than consumers moves down
        # towards its nearest provider while there is room: its edges get shorter.
        for node in reversed(placed):
            if len(successors[node]) <= len(predecessors[node]):
                continue
            wide = self.width[node] + GAP
            lowest = min(self.layer[s] for s in successors[node]) - 1
            while self.layer[node] < lowest and filled[self.layer[node] + 1] + wide <= ROW_WIDTH:
                filled[self.layer[node]] -= wide
                self.layer[node] += 1
                filled[self.layer[node]] += wide
        used = sorted({self.layer[node] for node in range(self.real)})
        renumbered = {at: i for i, at in enumerate(used)}
        self.layer = [renumbered[at] for at in self.layer]
        self.layers = len(used)
        self.rows = [[] for _ in range(self.layers)]
        for node in range(self.real):
            self.rows[self.layer[node]].append(node)

    def add_chain(self, u: int, v: int) -> list[int]:
        """The nodes an edge from u down to v passes: u, a waypoint per layer between, v."""
        chain = [u]
        for at in range(self.layer[u] + 1, self.layer[v]):
            waypoint = len(self.layer)
            self.layer.append(at)
            self.width.append(WAYPOINT_WIDTH)
            self.up.append([])
            self.down.append([])
            self.rows[at].append(waypoint)
            chain.append(waypoint)
        chain.append(v)
        for a, b in itertools.pairwise(chain):
            self.down[a].append(b)
            self.up[b].append(a)
        return chain

    def order(self) -> tuple[int, int]:
        """Barycentre sweeps down and up; keeps the order with the fewest crossings."""
        best = [list(row) for row in self.rows]
        fewest = self._crossings()
        sweeps = 0
        stale = 0
        while sweeps < MAX_SWEEPS and fewest and stale < PATIENCE:
            sweeps += 1
            for at in range(1, self.layers):
                self._sort_by_barycentre(at, self.up)
            for at in range(self.layers - 2, -1, -1):
                self._sort_by_barycentre(at, self.down)
            found = self._crossings()
            if found < fewest:
                fewest, best, stale = found, [list(row) for row in self.rows], 0
            else:
                stale += 1
        self.rows = best
        return sweeps, fewest

    def _sort_by_barycentre(self, at: int, fixed: list[list[int]]) -> None:
        position = self._positions()
        row = self.rows[at]

        def key(i: int) -> tuple[float, int]:
            neighbours = fixed[row[i]]
            if not neighbours:
                return float(i), i
            return sum(position[n] for n in neighbours) / len(neighbours), i

        self.rows[at] = [row[i] for i in sorted(range(len(row)), key=key)]

    def _positions(self) -> list[int]:
        position = [0] * len(self.layer)
        for row in self.rows:
            for i, node in enumerate(row):
                position[node] = i
        return position

    def _crossings(self) -> int:
        position = self._positions()
        total = 0
        for row in self.rows[:-1]:
            ends = sorted((position[a], position[b]) for a in row for b in self.down[a])
            total += _inversions([b for _, b in ends])
        return total

    def place(self) -> None:
        """Place each node: packed, then pulled towards its neighbours' mean `X_PASSES` times."""
        self.x = [0.0] * len(self.layer)
        for row in self.rows:
            self._settle(row, [self.x[n] for n in row])
        for sweep in range(X_PASSES):
            layers = range(self.layers) if sweep % 2 == 0 else range(self.layers - 1, -1, -1)
            for at in layers:
                row = self.rows[at]
                wanted = []
                for node in row:
                    near = self.up[node] + self.down[node]
                    wanted.append(
                        sum(self.x[n] for n in near) / len(near) if near else self.x[node]
                    )
                self._settle(row, wanted)
        left = min((self.x[n] - self.width[n] / 2 for n in range(len(self.x))), default=0.0)
        self.x = [x - left + MARGIN for x in self.x]

    def _settle(self, row: list[int], wanted: list[float]) -> None:
        """The x closest to `wanted` (least squares) keeping the row's order and gaps."""
        offsets = [0.0]
        for a, b in itertools.pairwise(row):
            offsets.append(offsets[-1] + (self.width[a] + self.width[b]) / 2 + GAP)
        fitted = _isotonic([w - o for w, o in zip(wanted, offsets, strict=True)])
        for node, value, offset in zip(row, fitted, offsets, strict=True):
            self.x[node] = value + offset

    def top(self, at: int) -> float:
        """The y of the top of layer `at`'s boxes."""
        return MARGIN + at * (NODE_HEIGHT + LAYER_GAP)

    def extent(self) -> float:
        """The width from the leftmost box's left edge to the rightmost box's right edge."""
        if not self.x:
            return 0.0
        right = max(self.x[n] + self.width[n] / 2 for n in range(len(self.x)))
        return right - MARGIN

    def waypoints(self, chain: list[int]) -> list[Point]:
        """Where an edge enters and leaves each layer it passes (straight down at a waypoint)."""
        points: list[Point] = []
        for waypoint in chain[1:-1]:
            x = round(self.x[waypoint], 1)
            top = self.top(self.layer[waypoint])
            points += [(x, top), (x, top + NODE_HEIGHT)]
        return points

    def ports(self, chains: list[list[int]]) -> list[tuple[Point, Point]]:
        """Each edge's start (bottom of its upper box) and end (top of its lower box).

        Edges sharing a side of a box are spread along it in the order of their far ends.
        """
        bottoms: dict[int, list[tuple[float, int]]] = {}
        tops: dict[int, list[tuple[float, int]]] = {}
        for k, chain in enumerate(chains):
            bottoms.setdefault(chain[0], []).append((self.x[chain[1]], k))
            tops.setdefault(chain[-1], []).append((self.x[chain[-2]], k))
        starts: dict[int, float] = {}
        ends: dict[int, float] = {}
        for spread, sides in ((starts, bottoms), (ends, tops)):
            for node, attached in sides.items():
                attached.sort()
                usable = self.width[node] - 16
                for slot, (_, k) in enumerate(attached):
                    shift = usable * ((slot + 1) / (len(attached) + 1) - 0.5)
                    spread[k] = round(self.x[node] + shift, 1)
        result = []
        for k, chain in enumerate(chains):
            upper, lower = chain[0], chain[-1]
            start = (starts[k], self.top(self.layer[upper]) + NODE_HEIGHT)
            end = (ends[k], self.top(self.layer[lower]))
            result.append((start, end))
        return result


def _inversions(values: list[int]) -> int:
    """Pairs i < j with values[i] > values[j] (a Fenwick tree: O(n log n))."""
    if not values:
        return 0
    size = max(values) + 2
    tree = [0] * size
    total = 0
    for seen, value in enumerate(values):
        # How many earlier values are <= value; the rest are greater.
        i, not_greater = value + 1, 0
        while i > 0:
            not_greater += tree[i]
            i -= i & -i
        total += seen - not_greater
        i = value + 1
        while i < size:
            tree[i] += 1
            i += i & -i
    return total


def _isotonic(values: list[float]) -> list[float]:
    """The non-decreasing sequence nearest `values` in least squares (pool adjacent violators)."""
    blocks: list[list[float]] = []  # [mean, count]
    for value in values:
        blocks.append([value, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean, count = blocks.pop()
            before = blocks[-1]
            total = before[1] + count
            before[0] = (before[0] * before[1] + mean * count) / total
            before[1] = total
    fitted: list[float] = []
    for mean, count in blocks:
        fitted += [mean] * int(count)
    return fitted


def _feedback_edges(count: int, links: Sequence[tuple[int, int]]) -> set[tuple[int, int]]:
    """Eades, Lin and Smyth's heuristic: the edges against a sequence with few of them."""
    out: list[set[int]] = [set() for _ in range(count)]
    into: list[set[int]] = [set() for _ in range(count)]
    for c, p in links:
        out[c].add(p)
        into[p].add(c)
    left = set(range(count))
    head: list[int] = []
    tail: list[int] = []

    def remove(node: int) -> None:
        left.discard(node)
        for n in out[node]:
            into[n].discard(node)
        for n in into[node]:
            out[n].discard(node)

    while left:
        changed = True
        while changed:
            changed = False
            for node in sorted(left):
                if not out[node]:
                    tail.append(node)
                    remove(node)
                    changed = True
                elif not into[node]:
                    head.append(node)
                    remove(node)
                    changed = True
        if left:
            node = max(sorted(left), key=lambda n: len(out[n]) - len(into[n]))
            head.append(node)
            remove(node)
    rank = {node: i for i, node in enumerate(head + tail[::-1])}
    return {(c, p) for c, p in links if rank[c] > rank[p]}
