"""The matrix page: its form, read as `GET /matrix` reads the CLIs' query, and the answer.

The page's query string is the API's (`q[][pacticipant]=A&q[][version]=1&environment=prod`), so
a `pact-broker can-i-deploy` query pasted after `/ui/matrix?` shows what the CLI would print.
A form sends every field of every row, so rows left blank are dropped before the query is read
by the API's own `selection` and judged by the API's own `judged`: same rows, same summary,
same reasons, and the same errors, which the page shows beside the form.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode

import msgspec

from broker.domain.errors import FieldError, InvalidInputError
from broker.domain.matrix import Target
from broker.http.context import Services
from broker.http.query import nested
from broker.http.routes.matrix import judged, selection
from broker.services.can_i_deploy import Answer, VersionSelector

MAX_SELECTORS = 20  # rows of each kind the page reads; a pipeline names two or three
SELECTOR_FIELDS = ("pacticipant", "version", "branch", "tag", "latest", "mainBranch")
_POINTER = re.compile(r"/q/(\d+)(?:/(\w+))?")


class SelectorRow(msgspec.Struct, frozen=True, kw_only=True):
    """One `--pacticipant` of the form, with how its version is chosen."""

    pacticipant: str = ""
    version: str = ""
    branch: str = ""
    tag: str = ""
    latest: bool = False
    main_branch: bool = False


class IgnoreRow(msgspec.Struct, frozen=True, kw_only=True):
    """One `--ignore` of the form."""

    pacticipant: str = ""
    version: str = ""


class MatrixForm(msgspec.Struct, frozen=True, kw_only=True):
    """The form as sent (or blank): its rows, with room for one more of each, and the target."""

    selectors: list[SelectorRow]
    ignores: list[IgnoreRow]
    environment: str = ""
    tag: str = ""
    main_branch: bool = False
    latest: bool = False


class MatrixPage(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the matrix page shows."""

    form: MatrixForm
    asked: bool  # whether a query was sent (else the page shows the blank form only)
    answer: Answer | None
    target: Target | None
    question: str  # what was asked, in words
    message: str | None  # the API's error, when the query is not valid
    errors: list[FieldError]
    api_query: str  # the same query for `GET /matrix`

    @property
    def error_links(self) -> list[tuple[str, str, str]]:
        """Each error's pointer and detail, with the id of the form field it names."""
        return [(e.pointer, e.detail, field_id(e.pointer)) for e in self.errors]

    @property
    def invalid(self) -> dict[str, str]:
        """Each form field's id that an error names, with the error."""
        found: dict[str, str] = {}
        for error in self.errors:
            found.setdefault(field_id(error.pointer), error.detail)
        return found


def field_id(pointer: str) -> str:
    """The form field an error's JSON pointer names (the first selector for `/q`)."""
    matched = _POINTER.fullmatch(pointer)
    if matched:
        field = matched.group(2) or "pacticipant"
        return f"q-{matched.group(1)}-{field if field in SELECTOR_FIELDS else 'pacticipant'}"
    if pointer == "/q":
        return "q-0-pacticipant"
    if pointer in {"/environment", "/latest"}:
        return "to-" + pointer.removeprefix("/")
    return "matrix-form"


def _flag(value: str | None) -> bool:
    return value is not None and value.lower() == "true"


def _filled(items: list[dict[str, str]]) -> list[dict[str, str]]:
    """The rows with anything in them (a form also sends its blank rows)."""
    return [i for i in items if any(i.values())]


def read_form(
    query: str,
) -> tuple[MatrixForm, dict[str, str], list[dict[str, str]], list[dict[str, str]]]:
    """The form as sent, and the query's members and filled `q[]` and `ignore[]` rows."""
    pairs = parse_qsl(query, keep_blank_values=True)
    top = {k: v for k, v in pairs if not k.startswith(("q[", "ignore["))}
    groups = _filled(nested(pairs, "q"))
    ignores = _filled(nested(pairs, "ignore"))
    form = MatrixForm(
        selectors=[
            SelectorRow(
                pacticipant=g.get("pacticipant", ""),
                version=g.get("version", ""),
                branch=g.get("branch", ""),
                tag=g.get("tag", ""),
                latest=_flag(g.get("latest")),
                main_branch=_flag(g.get("mainBranch")),
            )
            for g in groups[:MAX_SELECTORS]
        ]
        + [SelectorRow()] * max(1, 2 - len(groups)),
        ignores=[
            IgnoreRow(pacticipant=i.get("pacticipant", ""), version=i.get("version", ""))
            for i in ignores[:MAX_SELECTORS]
        ]
        + [IgnoreRow()],
        environment=top.get("environment", ""),
        tag=top.get("tag", ""),
        main_branch=_flag(top.get("mainBranch")),
        latest=_flag(top.get("latest")),
    )
    return form, top, groups, ignores


def api_query(
    top: dict[str, str], groups: list[dict[str, str]], ignores: list[dict[str, str]]
) -> str:
    """The filled rows and members as `GET /matrix` reads them (each row's pacticipant first)."""
    pairs = [(k, v) for k, v in top.items() if v]
    for prefix, rows in (("q", groups), ("ignore", ignores)):
        for row in rows:
            pairs.append((f"{prefix}[][pacticipant]", row.get("pacticipant", "")))
            pairs += [(f"{prefix}[][{k}]", v) for k, v in row.items() if k != "pacticipant" and v]
    return urlencode(pairs)


async def matrix_page(services: Services, query: str) -> MatrixPage:
    """The form, and the answer `GET /matrix` gives for the same query when one was sent."""
    form, top, groups, ignores = read_form(query)
    blank = MatrixPage(
        form=form,
        asked=False,
        answer=None,
        target=None,
        question="",
        message=None,
        errors=[],
        api_query=api_query(top, groups, ignores),
    )
    if not query.strip():
        return blank
    asked = msgspec.structs.replace(blank, asked=True)
    too_many = [
        FieldError(f"/{name}", f"at most {MAX_SELECTORS} rows are read here")
        for name, rows in (("q", groups), ("ignore", ignores))
        if len(rows) > MAX_SELECTORS
    ]
    try:
        if too_many:
            raise InvalidInputError("The matrix query is not valid", too_many)
        chosen = selection(top, groups, ignores)
        answer = await judged(services, chosen)
    except InvalidInputError as error:
        return msgspec.structs.replace(asked, message=error.message, errors=list(error.errors))
    return msgspec.structs.replace(
        asked, answer=answer, target=chosen[1], question=question(chosen[0], chosen[1])
    )


def question(selectors: list[VersionSelector], target: Target) -> str:
    """What the matrix answers, in words: "Can Web 1.0.0 be deployed to production?"."""
    named = [_version(s) for s in selectors]
    versions = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    if target.kind == "environment":
        return f"Can {versions} be deployed to {target.name}?"
    if target.kind == "tag":
        return f"Can {versions} be deployed beside the latest versions tagged {target.name}?"
    if target.kind == "main_branch":
        return f"Can {versions} be deployed beside the heads of the main branches?"
    if len(selectors) == 1:
        return f"Can {versions} be deployed beside the latest versions?"
    return f"Do {versions} work together?"


def _version(s: VersionSelector) -> str:
    if s.version is not None:
        return f"{s.pacticipant} {s.version}"
    if s.main_branch:
        return f"{s.pacticipant} (the head of its main branch)"
    if s.branch is not None:
        return f"{s.pacticipant} (the head of branch {s.branch})"
    if s.tag is not None:
        return f"{s.pacticipant} (the latest with tag {s.tag})"
    return f"{s.pacticipant} (the latest)"
