"""Pacticipants and their labels (pact-broker-api §3)."""

from __future__ import annotations

import msgspec
from litestar import Controller, Response, delete, get, patch, post, put

from broker.domain.errors import FieldError, InvalidInputError, NotFoundError
from broker.http import resources
from broker.http.body import read_json
from broker.http.context import LinksDep, PathName, ServicesDep, page_of
from broker.http.hal import AnyRequest, hal
from broker.http.operation_docs import JSON, MERGE_PATCH, PAGING, documented, links_to
from broker.http.permissions import read, write
from broker.http.responses import Label
from broker.http.wire import EmptyBody, PacticipantBody


class PacticipantController(Controller):
    """`/pacticipants` and `/pacticipants/{name}`."""

    path = "/pacticipants"

    @get("/", opt=read() | documented(query=PAGING, returns=resources.PacticipantsPage))
    async def list_pacticipants(
        self, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """Pacticipants ordered by name, paginated."""
        page = page_of(request)
        items, total = await services.pacticipants.list_pacticipants(page)
        return hal(resources.pacticipants(links, items, page, total))

    # The body names the pacticipant: the service checks its owner.
    @post(
        "/",
        opt=write()
        | documented(
            body={"allOf": [PacticipantBody], "required": ["name"]},
            body_required=True,
            returns=resources.PacticipantResource,
            statuses=(201,),
            # Not to PATCH: it creates a missing pacticipant (as the Pact Broker does), so after
            # a DELETE it answers 201, which a stateful tester reads as "deleted yet still there".
            links=links_to("get_pacticipant", "delete_pacticipant", name="$response.body#/name"),
        ),
    )
    async def create_pacticipant(
        self, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """Create a pacticipant; 409 when the name is taken."""
        body = await read_json(request, PacticipantBody)
        if body.name is msgspec.UNSET:
            raise InvalidInputError(
                "The pacticipant needs a name", [FieldError("/name", "is required")]
            )
        details = await services.pacticipants.create(body.name, body.changes())
        resource = resources.pacticipant(links, details)
        return hal(resource, status=201, headers={"Location": resource.links.self_.href})

    @get("/{name:str}", opt=read() | documented(returns=resources.PacticipantResource))
    async def get_pacticipant(
        self, name: PathName, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """One pacticipant."""
        details = await services.pacticipants.get(name)
        return hal(resources.pacticipant(links, details))

    @patch(
        "/{name:str}",
        opt=write(owner="name")
        | documented(
            body=PacticipantBody,
            body_media_types=(JSON, MERGE_PATCH),
            returns=resources.PacticipantResource,
            statuses=(200, 201),
        ),
    )
    async def patch_pacticipant(
        self, name: PathName, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """Merge the given attributes; creates a missing pacticipant, as the Pact Broker does."""
        body = await read_json(request, PacticipantBody)
        _same_name(name, body)
        details, created = await services.pacticipants.update(
            name, body.changes(), create_if_missing=True
        )
        return hal(
            resources.pacticipant(links, details),
            status=201 if created else 200,
        )

    @put(
        "/{name:str}",
        opt=write(owner="name")
        | documented(body=PacticipantBody, returns=resources.PacticipantResource),
    )
    async def put_pacticipant(
        self, name: PathName, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """Replace the attributes of an existing pacticipant (404 if missing)."""
        body = await read_json(request, PacticipantBody)
        _same_name(name, body)
        details, _ = await services.pacticipants.update(
            name, body.replacement(), create_if_missing=False
        )
        return hal(resources.pacticipant(links, details))

    @delete("/{name:str}", status_code=204, opt=write(owner="name"))
    async def delete_pacticipant(self, name: PathName, services: ServicesDep) -> None:
        """Remove a pacticipant with its versions, branches, tags, deployments and releases."""
        await services.pacticipants.delete(name)

    @get("/label/{label:str}", opt=read() | documented(returns=resources.Labelled))
    async def with_label(
        self, label: PathName, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """Pacticipants carrying a label."""
        items = await services.pacticipants.with_label(label)
        return hal(resources.labelled(links, label, items))

    @get("/{name:str}/labels", opt=read() | documented(returns=resources.Labels))
    async def list_labels(
        self, name: PathName, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """The labels of a pacticipant (404 if it does not exist)."""
        names = await services.pacticipants.labels(name)
        return hal(resources.labels(links, name, names))

    @get("/{name:str}/labels/{label:str}", opt=read() | documented(returns=Label))
    async def get_label(
        self, name: PathName, label: PathName, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """A label of a pacticipant (404 if it does not carry it)."""
        service = services.pacticipants
        if not await service.has_label(name, label):
            raise NotFoundError(f"Pacticipant {name!r} has no label {label!r}")
        return hal(resources.label(links, name, label))

    @put(
        "/{name:str}/labels/{label:str}",
        opt=write(owner="name") | documented(body=EmptyBody, returns=Label, statuses=(200, 201)),
    )
    async def put_label(
        self,
        name: PathName,
        label: PathName,
        request: AnyRequest,
        services: ServicesDep,
        links: LinksDep,
    ) -> Response[bytes]:
        """Label a pacticipant; idempotent (201 new, 200 existing)."""
        await read_json(request, EmptyBody)
        added = await services.pacticipants.add_label(name, label)
        return hal(resources.label(links, name, label), status=201 if added else 200)

    @delete("/{name:str}/labels/{label:str}", status_code=204, opt=write(owner="name"))
    async def delete_label(self, name: PathName, label: PathName, services: ServicesDep) -> None:
        """Remove a label."""
        await services.pacticipants.remove_label(name, label)


def _same_name(name: PathName, body: PacticipantBody) -> None:
    if body.name is not msgspec.UNSET and body.name != name:
        raise InvalidInputError(
            "The name in the body differs from the name in the URL",
            [FieldError("/name", f"must be {name!r}, the name in the URL, or absent")],
        )
