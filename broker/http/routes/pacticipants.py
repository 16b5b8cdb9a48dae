"""Pacticipants and their labels (pact-broker-api §3)."""

from __future__ import annotations

import msgspec
from litestar import Controller, Response, delete, get, patch, post, put
from litestar.datastructures import State

from broker.domain.errors import FieldError, InvalidInputError, NotFoundError
from broker.http import resources
from broker.http.body import read_json
from broker.http.context import PathName, links_for, page_of, services_of
from broker.http.hal import AnyRequest, hal
from broker.http.wire import EmptyBody, PacticipantBody


class PacticipantController(Controller):
    """`/pacticipants` and `/pacticipants/{name}`."""

    path = "/pacticipants"

    @get("/")
    async def list_pacticipants(self, request: AnyRequest, state: State) -> Response[bytes]:
        """Pacticipants ordered by name, paginated."""
        page = page_of(request)
        items, total = await services_of(state).pacticipants.list_pacticipants(page)
        return hal(resources.pacticipants(links_for(request, state), items, page, total))

    @post("/")
    async def create_pacticipant(self, request: AnyRequest, state: State) -> Response[bytes]:
        """Create a pacticipant; 409 when the name is taken."""
        body = await read_json(request, PacticipantBody)
        if body.name is msgspec.UNSET:
            raise InvalidInputError(
                "The pacticipant needs a name", [FieldError("/name", "is required")]
            )
        details = await services_of(state).pacticipants.create(body.name, body.changes())
        links = links_for(request, state)
        resource = resources.pacticipant(links, details)
        return hal(resource, status=201, headers={"Location": resource["_links"]["self"]["href"]})

    @get("/{name:str}")
    async def get_pacticipant(
        self, name: PathName, request: AnyRequest, state: State
    ) -> Response[bytes]:
        """One pacticipant."""
        details = await services_of(state).pacticipants.get(name)
        return hal(resources.pacticipant(links_for(request, state), details))

    @patch("/{name:str}")
    async def patch_pacticipant(
        self, name: PathName, request: AnyRequest, state: State
    ) -> Response[bytes]:
        """Merge the given attributes; creates a missing pacticipant, as the Pact Broker does."""
        body = await read_json(request, PacticipantBody)
        _same_name(name, body)
        details, created = await services_of(state).pacticipants.update(
            name, body.changes(), create_if_missing=True
        )
        return hal(
            resources.pacticipant(links_for(request, state), details),
            status=201 if created else 200,
        )

    @put("/{name:str}")
    async def put_pacticipant(
        self, name: PathName, request: AnyRequest, state: State
    ) -> Response[bytes]:
        """Replace the attributes of an existing pacticipant (404 if missing)."""
        body = await read_json(request, PacticipantBody)
        _same_name(name, body)
        details, _ = await services_of(state).pacticipants.update(
            name, body.replacement(), create_if_missing=False
        )
        return hal(resources.pacticipant(links_for(request, state), details))

    @delete("/{name:str}", status_code=204)
    async def delete_pacticipant(self, name: PathName, state: State) -> None:
        """Remove a pacticipant with its versions, branches, tags, deployments and releases."""
        await services_of(state).pacticipants.delete(name)

    @get("/label/{label:str}")
    async def with_label(
        self, label: PathName, request: AnyRequest, state: State
    ) -> Response[bytes]:
        """Pacticipants carrying a label."""
        items = await services_of(state).pacticipants.with_label(label)
        links = links_for(request, state)
        return hal(
            {
                "_embedded": {
                    "pacticipants": [resources.pacticipant_summary(links, p) for p in items]
                },
                "_links": {"self": links.link(links.path("/pacticipants/label/{l}", l=label))},
            }
        )

    @get("/{name:str}/labels/{label:str}")
    async def get_label(
        self, name: PathName, label: PathName, request: AnyRequest, state: State
    ) -> Response[bytes]:
        """A label of a pacticipant (404 if it does not carry it)."""
        service = services_of(state).pacticipants
        if not await service.has_label(name, label):
            raise NotFoundError(f"Pacticipant {name!r} has no label {label!r}")
        return hal(_label(request, state, name, label))

    @put("/{name:str}/labels/{label:str}")
    async def put_label(
        self, name: PathName, label: PathName, request: AnyRequest, state: State
    ) -> Response[bytes]:
        """Label a pacticipant; idempotent (201 new, 200 existing)."""
        await read_json(request, EmptyBody)
        added = await services_of(state).pacticipants.add_label(name, label)
        return hal(_label(request, state, name, label), status=201 if added else 200)

    @delete("/{name:str}/labels/{label:str}", status_code=204)
    async def delete_label(self, name: PathName, label: PathName, state: State) -> None:
        """Remove a label."""
        await services_of(state).pacticipants.remove_label(name, label)


def _same_name(name: PathName, body: PacticipantBody) -> None:
    if body.name is not msgspec.UNSET and body.name != name:
        raise InvalidInputError(
            "The name in the body differs from the name in the URL",
            [FieldError("/name", f"must be {name!r}, the name in the URL, or absent")],
        )


def _label(request: AnyRequest, state: State, name: PathName, label: PathName) -> dict[str, object]:
    links = links_for(request, state)
    return {
        "name": label,
        "_links": {
            "self": links.link(links.path("/pacticipants/{p}/labels/{l}", p=name, l=label)),
            "pb:pacticipant": links.link(links.path("/pacticipants/{p}", p=name), name=name),
        },
    }
