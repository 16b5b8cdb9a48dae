"""A small real provider for verifier tests: litestar, bearer auth, state-dependent data.

Routes (all but the state change need `Authorization: Bearer <token>`):

    POST /_pact/provider-states   {state, params, action}: set up or tear down a provider state
    GET  /users/{id}              a user set up by the state "a user exists"; 404 after
                                  "a user does not exist" (each state touches only its id, so
                                  interactions with different states may run side by side)
    GET  /users                   every user
    POST /users                   create one; 201 with its id
    GET  /items/{id}              an item set up by the state "an item exists" (benchmark data)
    GET  /broken                  breaks its contract on purpose: `id` is a string

`bugs` lists item ids whose `price` comes back as a string, to seed failures; `delay` makes
every request take that many seconds, as a real service does. `python -m
tests.support.provider_app --port N` serves it in its own process (the benchmark does).
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from litestar import Litestar, Request, Response, get, post
from litestar.enums import ScopeType
from litestar.middleware.base import DefineMiddleware
from litestar.params import FromPath
from litestar.types import (
    ASGIApp,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    Receive,
    Scope,
    Send,
)

TOKEN = "provider-secret"


@dataclass
class ProviderData:
    """The provider's in-memory data, changed by provider states."""

    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    items: dict[int, dict[str, Any]] = field(default_factory=dict)
    states_seen: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    next_id: int = 100
    in_flight: int = 0
    most_in_flight: int = 0


def bearer_auth(app: ASGIApp) -> ASGIApp:
    """Answer 401 to requests without the bearer token (the state change is exempt)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP and not scope["path"].startswith("/_pact/"):
            headers = dict(scope["headers"])
            if headers.get(b"authorization") != f"Bearer {TOKEN}".encode():
                start: HTTPResponseStartEvent = {
                    "type": "http.response.start",
                    "status": 401,
                    "headers": [(b"content-type", b"application/json")],
                }
                body: HTTPResponseBodyEvent = {
                    "type": "http.response.body",
                    "body": b'{"error":"unauthorised"}',
                    "more_body": False,
                }
                await send(start)
                await send(body)
                return
        await app(scope, receive, send)

    return middleware


def create_app(*, bugs: frozenset[int] = frozenset(), delay: float = 0.0) -> Litestar:
    """The provider application with fresh data."""
    data = ProviderData()

    async def pause() -> None:
        """Take `delay` seconds, counting how many requests wait at once."""
        if delay:
            data.in_flight += 1
            data.most_in_flight = max(data.most_in_flight, data.in_flight)
            try:
                await asyncio.sleep(delay)
            finally:
                data.in_flight -= 1

    @post("/_pact/provider-states", status_code=200)
    async def change_state(request: Request[Any, Any, Any]) -> dict[str, Any]:
        body = await request.json()
        state, params, action = body.get("state"), body.get("params") or {}, body.get("action")
        data.states_seen.append((state, action, params))
        await pause()
        if action == "teardown":
            return {}
        if state == "a user exists":
            user_id = int(params.get("id", data.next_id))
            data.users[user_id] = {
                "id": user_id,
                "name": params.get("name", "Ada"),
                "email": "ada@example.com",
            }
            return {"userId": user_id}
        if state == "a user does not exist":
            data.users.pop(int(params.get("id", 0)), None)
        if state == "an item exists":
            item_id = int(params["id"])
            data.items[item_id] = {"id": item_id, "name": f"item {item_id}", "price": item_id * 1.5}
        return {}

    @get("/users/{user_id:int}")
    async def get_user(user_id: FromPath[int]) -> Response[dict[str, Any]]:
        await pause()
        if user_id not in data.users:
            return Response({"error": "not found"}, status_code=404)
        return Response(data.users[user_id])

    @get("/users")
    async def list_users() -> dict[str, Any]:
        await pause()
        return {"users": list(data.users.values())}

    @post("/users")
    async def create_user(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
        body = await request.json()
        await pause()
        if not isinstance(body, dict) or not isinstance(body.get("name"), str):
            return Response({"error": "name is required"}, status_code=400)
        data.next_id += 1
        data.users[data.next_id] = {
            "id": data.next_id,
            "name": body["name"],
            "email": body.get("email"),
        }
        return Response(data.users[data.next_id], status_code=201)

    @get("/items/{item_id:int}")
    async def get_item(item_id: FromPath[int]) -> Response[dict[str, Any]]:
        await pause()
        item = data.items.get(item_id)
        if item is None:
            return Response({"error": "not found"}, status_code=404)
        if item_id in bugs:
            return Response({**item, "price": str(item["price"])})
        return Response(item)

    @get("/broken")
    async def broken() -> dict[str, Any]:
        await pause()
        return {"id": "seven", "name": "Ada"}

    app = Litestar(
        route_handlers=[change_state, get_user, list_users, create_user, get_item, broken],
        middleware=[DefineMiddleware(bearer_auth)],
        debug=False,
    )
    app.state.provider_data = data
    return app


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running_provider(
    app: Litestar, *, certificate: str | None = None, key: str | None = None
) -> Iterator[str]:
    """Serve `app` on a free port of 127.0.0.1 in a thread; yield its base URL.

    With a certificate and key (PEM files) it serves HTTPS.
    """
    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="off",
        ssl_certfile=certificate,
        ssl_keyfile=key,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the provider app did not start")
        time.sleep(0.01)
    try:
        yield f"{'https' if certificate else 'http'}://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def main() -> None:
    """Serve the provider in this process (used by the benchmark)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--delay-ms", type=float, default=0.0)
    parser.add_argument("--bugs", default="", help="comma-separated item ids that break")
    args = parser.parse_args()
    bugs = frozenset(int(item) for item in args.bugs.split(",") if item)
    app = create_app(bugs=bugs, delay=args.delay_ms / 1000)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", lifespan="off")


if __name__ == "__main__":
    main()
