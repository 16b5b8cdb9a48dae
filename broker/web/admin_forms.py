"""What the admin pages read from a form, and how a refused form is shown again.

Form fields carry the names of the API's JSON members (`name`, `role`, `teams`, `expiresAt`…),
so a service's `FieldError` pointer (`/teams/0`) names the form control it is about; the page
shows each problem under the control's label. Every field is bounded before a service sees it:
a hostile form costs no more than a well-formed one.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import msgspec
from litestar.datastructures import FormMultiDict

from broker.domain.errors import (
    ConflictError,
    DomainError,
    FieldError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    UnprocessableError,
)
from broker.http.hal import AnyRequest
from broker.http.problems import domain_error_handler

MAX_FIELD = 1024  # characters of one text field (a password's own limit is the same)
MAX_NAMES = 100  # names in one list field (teams, pacticipants)
_SEPARATORS = re.compile(r"[,\n]")

# What a service refuses a form's change with, shown on the form's page with the API's status.
# A failed sign-in (401) or the database being down (503) take the error page instead.
REFUSALS = (InvalidInputError, ConflictError, NotFoundError, UnprocessableError, ForbiddenError)

# The label of each form control, by the API member its field carries.
LABELS = {
    "name": "Name",
    "role": "Role",
    "teams": "Teams",
    "expiresAt": "Expires at",
    "user": "Acts for user",
    "username": "Username",
    "password": "Password",
    "pacticipant": "Pacticipant",
    "pacticipants": "Pacticipants",
    "mode": "Mode",
    "required": "Approvals required",
    "confirm": "Confirm",
    "status": "Status",
}


class Shown(msgspec.Struct, frozen=True, kw_only=True):
    """A refusal as a page shows it: the sentence, and each bad field by its label."""

    message: str
    problems: tuple[tuple[str, str], ...]  # (label, what is wrong)
    fields: frozenset[str]  # the form fields to mark invalid


def shown(error: DomainError) -> Shown:
    """A domain error's message and field errors, named by the form's labels."""
    problems = []
    fields = set()
    for problem in error.errors:
        field = _field_of(problem)
        if field:
            fields.add(field)
        problems.append((LABELS.get(field, field or "Form"), problem.detail))
    return Shown(message=error.message, problems=tuple(problems), fields=frozenset(fields))


def status_of(request: AnyRequest, error: DomainError) -> int:
    """The status the API answers this error with (`broker/http/problems.py`)."""
    return domain_error_handler(request, error).status_code or 400


def _field_of(problem: FieldError) -> str:
    return problem.pointer.lstrip("/").split("/", 1)[0]


def text(form: FormMultiDict, name: str, *, strip: bool = True) -> str:
    """One text field ("" when absent); `InvalidInputError` naming it when it is too long."""
    value = form.get(name)
    if not isinstance(value, str):
        return ""
    if len(value) > MAX_FIELD:
        raise InvalidInputError(
            f"The {LABELS.get(name, name).lower()} is too long",
            [FieldError(f"/{name}", f"must have at most {MAX_FIELD} characters")],
        )
    return value.strip() if strip else value


def names(form: FormMultiDict, name: str) -> tuple[str, ...]:
    """A list field: names separated by commas or lines, blanks left out, order kept."""
    found = tuple(part.strip() for part in _SEPARATORS.split(text(form, name)) if part.strip())
    if len(found) > MAX_NAMES:
        raise InvalidInputError(
            f"Too many {LABELS.get(name, name).lower()}",
            [FieldError(f"/{name}", f"must name at most {MAX_NAMES}")],
        )
    return found


def optional_moment(form: FormMultiDict, name: str) -> datetime | None:
    """An ISO 8601 time, UTC when it has no offset (a `datetime-local` control's value)."""
    raw = text(form, name)
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInputError(
            f"The {LABELS.get(name, name).lower()} is not a time",
            [FieldError(f"/{name}", f"must be a time such as 2030-01-31T12:00, not {raw!r}")],
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def whole_number(raw: str) -> object:
    """The integer a field holds, else the text itself, for the service to refuse by name."""
    return int(raw) if re.fullmatch(r"-?\d{1,9}", raw) else raw


def kept(form: FormMultiDict, *fields: str) -> dict[str, str]:
    """What the form held in `fields`, cut to MAX_FIELD, to fill a refused form in again.

    Never pass a password field: a refused form asks for it again.
    """
    values = {}
    for name in fields:
        value = form.get(name)
        values[name] = value[:MAX_FIELD] if isinstance(value, str) else ""
    return values
