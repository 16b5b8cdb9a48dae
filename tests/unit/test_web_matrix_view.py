"""The matrix page's form (broker/web/matrix_view.py): read as the API reads its query."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from broker.domain.matrix import Target
from broker.http.routes.matrix import parse
from broker.services.can_i_deploy import VersionSelector
from broker.web.matrix_view import MAX_SELECTORS, api_query, field_id, question, read_form


def test_the_form_keeps_filled_rows_and_offers_blank_ones() -> None:
    query = urlencode(
        [
            ("q[][pacticipant]", "Web"),
            ("q[][version]", ""),
            ("q[][tag]", "prod"),
            ("q[][latest]", "true"),
            ("q[][pacticipant]", ""),
            ("q[][version]", ""),
            ("environment", "production"),
            ("ignore[][pacticipant]", "Audit"),
        ]
    )
    form, top, groups, ignores = read_form(query)
    assert [(s.pacticipant, s.tag, s.latest) for s in form.selectors] == [
        ("Web", "prod", True),
        ("", "", False),  # room for the next selector
    ]
    assert [(i.pacticipant, i.version) for i in form.ignores] == [("Audit", ""), ("", "")]
    assert form.environment == "production"
    assert top == {"environment": "production"}
    assert groups == [{"pacticipant": "Web", "version": "", "tag": "prod", "latest": "true"}]
    assert ignores == [{"pacticipant": "Audit"}]


def test_the_api_query_reads_back_to_the_same_selection() -> None:
    sent = urlencode(
        [
            ("q[][pacticipant]", "Web"),
            ("q[][version]", "1"),
            ("q[][branch]", ""),
            ("q[][pacticipant]", ""),
            ("q[][branch]", ""),
            ("q[][pacticipant]", "Orders"),
            ("q[][branch]", "main"),
            ("environment", "production"),
            ("tag", ""),
        ]
    )
    _, top, groups, ignores = read_form(sent)
    again = api_query(top, groups, ignores)
    selectors, target, ignore = parse(again)
    assert selectors == [
        VersionSelector(pacticipant="Web", version="1"),
        VersionSelector(pacticipant="Orders", branch="main"),
    ]
    assert target == Target(kind="environment", name="production")
    assert ignore == []
    assert ("tag", "") not in parse_qsl(again, keep_blank_values=True)


def test_the_form_shows_at_most_its_bound_of_rows() -> None:
    query = urlencode([("q[][pacticipant]", f"P{i}") for i in range(MAX_SELECTORS + 5)])
    form, _, groups, _ = read_form(query)
    assert len(groups) == MAX_SELECTORS + 5  # all read, so the bound can be reported
    assert len(form.selectors) == MAX_SELECTORS + 1


def test_errors_point_at_their_fields() -> None:
    assert field_id("/q/2/pacticipant") == "q-2-pacticipant"
    assert field_id("/q/1") == "q-1-pacticipant"
    assert field_id("/q") == "q-0-pacticipant"
    assert field_id("/environment") == "to-environment"
    assert field_id("/latest") == "to-latest"
    assert field_id("/limit") == "matrix-form"


def test_the_question_in_words() -> None:
    web = VersionSelector(pacticipant="Web", version="1.0.0")
    orders = VersionSelector(pacticipant="Orders", main_branch=True)
    production = Target(kind="environment", name="production")
    assert question([web], production) == "Can Web 1.0.0 be deployed to production?"
    assert question([web, orders], Target(kind="latest")) == (
        "Do Web 1.0.0 and Orders (the head of its main branch) work together?"
    )
    tagged = VersionSelector(pacticipant="Web", tag="prod", latest=True)
    assert question([tagged], Target(kind="tag", name="prod")) == (
        "Can Web (the latest with tag prod) be deployed beside the latest versions tagged prod?"
    )
