"""A provider written for `accord probe` tests: bearer auth, a 429 limiter, a slow dependency.

`python -m tests.support.probe_provider --port N --dependency-url URL [--bug NAME]` serves it.
Its OpenAPI document is `DOCUMENT` (`document_yaml()`); every probe passes against it, and each
`--bug` breaks exactly one behaviour the probe checks:

    expired-accepted      the expired token is accepted as the valid one      -> auth.expired
    missing-token-500     a request without a token is answered 500          -> auth.missing
    required-field-500    a body without a required field is answered 500    -> validation
    no-429                the limiter never limits                            -> rate-limit
    dependency-hang       the dependency is waited for without a timeout     -> timeout
    error-body-schema     400 bodies lack the `error` member the schema needs -> validation

Tokens: `valid-token` (scopes read and write), `read-only-token` (read only: createOrder is 403),
`expired-token`. `GET /stock` asks the dependency (`--dependency-url`, the fault proxy in front
of this same process's `/warehouse/stock`) and answers 504 when it takes over 1.5 s.
`GET /__counts` gives the requests each operation received (not in the document).
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

import httpx
import uvicorn
import yaml
from litestar import Litestar, Request, Response, get, post

BUGS = (
    "expired-accepted",
    "missing-token-500",
    "required-field-500",
    "no-429",
    "dependency-hang",
    "error-body-schema",
)
RATE_LIMIT = 5
DEPENDENCY_TIMEOUT_SECONDS = 1.5
_ERROR = {"$ref": "#/components/schemas/Error"}


def _responses(*statuses: int, ok: int = 200) -> dict[str, Any]:
    answers: dict[str, Any] = {str(ok): {"description": "done"}}
    for status in statuses:
        answers[str(status)] = {
            "description": "an error",
            "content": {"application/json": {"schema": _ERROR}},
        }
    return answers


DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Orders", "version": "1.0.0"},
    "security": [{"bearer": []}],
    "paths": {
        "/orders": {
            "get": {
                "operationId": "listOrders",
                "x-ratelimit-limit": RATE_LIMIT,
                "responses": _responses(401, 429),
            },
            "post": {
                "operationId": "createOrder",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/NewOrder"},
                            "example": {"item": "lamp", "quantity": 2, "colour": "red"},
                        }
                    },
                },
                "responses": _responses(400, 401, 403, ok=201),
            },
        },
        "/orders/{orderId}": {
            "get": {
                "operationId": "getOrder",
                "parameters": [
                    {
                        "name": "orderId",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 1},
                        "example": 1,
                    }
                ],
                "responses": _responses(400, 401, 404),
            }
        },
        "/stock": {
            "get": {
                "operationId": "getStock",
                "x-accord-dependencies": ["warehouse"],
                "responses": _responses(401, 504),
            }
        },
    },
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {
                    "error": {"type": "string"},
                    "fields": {"type": "array", "items": {"type": "string"}},
                },
            },
            "NewOrder": {
                "type": "object",
                "required": ["item", "quantity"],
                "properties": {
                    "item": {"type": "string", "minLength": 1, "maxLength": 40},
                    "quantity": {"type": "integer", "minimum": 1, "maximum": 100},
                    "colour": {"type": "string", "enum": ["red", "blue"]},
                },
            },
        },
    },
}
CREDENTIALS = {
    "schemes": {
        "bearer": {
            "valid": "valid-token",
            "expired": "expired-token",
            "insufficient": "read-only-token",
        }
    },
    "rateLimit": {"limit": RATE_LIMIT},
}


def document_yaml() -> str:
    """The provider's OpenAPI document as YAML."""
    return yaml.safe_dump(DOCUMENT, sort_keys=False)


def create_app(bug: str | None, dependency_url: str) -> Litestar:  # noqa: PLR0915  # one provider
    """The provider, with `bug` seeded (one of `BUGS`, or None)."""
    counts: dict[str, int] = {}
    limiter = {"served": 0, "blocked_until": 0.0}
    timeout = None if bug == "dependency-hang" else DEPENDENCY_TIMEOUT_SECONDS
    client = httpx.AsyncClient(timeout=timeout, trust_env=False)

    def error(status: int, message: str, fields: list[str] | None = None) -> Response[Any]:
        body: dict[str, Any] = {"error": message, "fields": fields or []}
        if status == 400 and bug == "error-body-schema":
            body = {"message": message}
        return Response(body, status_code=status)

    def authorise(request: Request[Any, Any, Any], *, write: bool = False) -> Response[Any] | None:
        header = request.headers.get("authorization")
        if header is None:
            if bug == "missing-token-500":
                return Response({"error": "boom"}, status_code=500)
            return error(401, "a bearer token is required")
        token = header.removeprefix("Bearer ")
        valid = {"valid-token": {"read", "write"}, "read-only-token": {"read"}}
        if bug == "expired-accepted":
            valid["expired-token"] = {"read", "write"}
        if token == "expired-token" and token not in valid:
            return error(401, "the token has expired")
        if not header.startswith("Bearer ") or token not in valid:
            return error(401, "the token is not valid")
        if write and "write" not in valid[token]:
            return error(403, "the token lacks the write scope")
        return None

    def count(operation: str) -> None:
        counts[operation] = counts.get(operation, 0) + 1

    @get("/__counts", sync_to_thread=False)
    def show_counts() -> dict[str, int]:
        return counts

    @get("/orders", sync_to_thread=False)
    def list_orders(request: Request[Any, Any, Any]) -> Response[Any]:
        count("listOrders")
        refused = authorise(request)
        if refused is not None:
            return refused
        now = time.monotonic()
        if bug != "no-429":
            if limiter["blocked_until"] and now >= limiter["blocked_until"]:
                limiter["served"], limiter["blocked_until"] = 0, 0.0
            if limiter["blocked_until"] or limiter["served"] >= RATE_LIMIT:
                limiter["blocked_until"] = limiter["blocked_until"] or now + 1
                response = error(429, "too many requests")
                response.headers["Retry-After"] = "1"
                return response
            limiter["served"] += 1
        return Response([{"id": 1, "item": "lamp"}])

    @post("/orders")
    async def create_order(request: Request[Any, Any, Any]) -> Response[Any]:
        count("createOrder")
        refused = authorise(request, write=True)
        if refused is not None:
            return refused
        try:
            body = json.loads(await request.body())
        except ValueError:
            return error(400, "the body is not JSON")
        if not isinstance(body, dict):
            return error(400, "the body must be an object")
        missing = [name for name in ("item", "quantity") if name not in body]
        if missing and bug == "required-field-500":
            return Response({"error": "KeyError"}, status_code=500)
        problems = [f"{name}: required" for name in missing]
        item, quantity = body.get("item", "x"), body.get("quantity", 1)
        if not isinstance(item, str) or not 1 <= len(item) <= 40:
            problems.append("item: a string of 1 to 40 characters")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= 100:
            problems.append("quantity: an integer from 1 to 100")
        if body.get("colour", "red") not in {"red", "blue"}:
            problems.append("colour: red or blue")
        if problems:
            return error(400, "the order is not valid", problems)
        return Response({"id": 2, **body}, status_code=201)

    @get("/orders/{order_id:str}", sync_to_thread=False)
    def get_order(request: Request[Any, Any, Any], order_id: str) -> Response[Any]:
        count("getOrder")
        refused = authorise(request)
        if refused is not None:
            return refused
        if not order_id.isdigit():
            return error(400, "orderId must be a number", ["orderId"])
        if order_id != "1":
            return error(404, f"no order {order_id}")
        return Response({"id": 1, "item": "lamp"})

    @get("/stock")
    async def get_stock(request: Request[Any, Any, Any]) -> Response[Any]:
        count("getStock")
        refused = authorise(request)
        if refused is not None:
            return refused
        try:
            answer = await client.get(f"{dependency_url}/warehouse/stock")
        except httpx.TimeoutException:
            return error(504, "the warehouse did not answer in time")
        return Response(answer.json())

    @get("/warehouse/stock", sync_to_thread=False)
    def warehouse() -> dict[str, int]:
        return {"lamp": 3}

    return Litestar(
        [show_counts, list_orders, create_order, get_order, get_stock, warehouse],
        on_shutdown=[client.aclose],
    )


def main() -> None:
    """Serve the provider (`--port`, `--dependency-url`, `--bug`)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dependency-url", required=True)
    parser.add_argument("--bug", choices=BUGS)
    args = parser.parse_args()
    app = create_app(args.bug, args.dependency_url.rstrip("/"))
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
