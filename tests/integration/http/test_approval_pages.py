"""The approvals inbox and change request pages in-process, on both backends (#15 item 7).

Teams own the pacticipants (`web-team` Web, `orders-team` Orders); Web is in enterprise mode,
so its changed pacts open change requests that `orders-team` must approve. People sign in
through the sign-in form (a session cookie) and use the pages as a browser does.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient

from broker.web import approvals_view
from tests.integration.http.conftest import broker_app, settings_for
from tests.integration.http.test_auth import ADMIN, bearer, new_token
from tests.integration.http.test_pacts import body, pact
from tests.integration.http.test_web_pages import AS_BROWSER, CSRF

Client = AsyncTestClient[Any]

PEOPLE = {
    "web-ci": ("write", "web-team"),
    "orders-approver": ("approver", "orders-team"),
    "web-approver": ("approver", "web-team"),
    "reader": ("read", "orders-team"),
}


class Desk:
    """The application, a token per person, and a browser (cookies) signed in as one of them."""

    def __init__(self, client: Client, tokens: dict[str, str]) -> None:
        self.client = client
        self.tokens = tokens

    async def publish(self, version: str, *descriptions: str, consumer: str = "Web") -> None:
        response = await self.client.post(
            "/contracts/publish",
            json=body(pact(*descriptions, consumer=consumer), version),
            headers=bearer(self.tokens["web-ci"]),
        )
        assert response.status_code == 200, response.text

    async def change_request(self, request_id: int) -> dict[str, Any]:
        response = await self.client.get(f"/change-requests/{request_id}", headers=bearer(ADMIN))
        assert response.status_code == 200, response.text
        found: dict[str, Any] = response.json()
        return found

    async def open_ids(self) -> list[int]:
        response = await self.client.get("/change-requests?status=open", headers=bearer(ADMIN))
        return [r["id"] for r in response.json()["_embedded"]["changeRequests"]]

    async def sign_in(self, who: str) -> None:
        """Sign the browser in with `who`'s token through the sign-in form."""
        self.client.cookies.clear()
        form = await self.client.get("/ui/sign-in", headers=AS_BROWSER)
        token = CSRF.search(form.text)
        assert token is not None
        signed = await self.client.post(
            "/ui/sign-in",
            data={
                "csrf_token": token[1],
                "next": "/ui",
                "method": "token",
                "token": self.tokens[who],
            },
            headers=AS_BROWSER,
        )
        assert signed.status_code == 303, signed.text

    async def page(self, path: str) -> httpx.Response:
        response = await self.client.get(path, headers=AS_BROWSER)
        assert response.status_code == 200, response.text
        return response

    async def post_form(self, path: str, **fields: str) -> httpx.Response:
        """Send a form as the page would, with the CSRF token of the page it is on."""
        shown = await self.client.get(path.rsplit("/", 1)[0], headers=AS_BROWSER)
        token = CSRF.search(shown.text)
        assert token is not None
        return await self.client.post(
            path, data={"csrf_token": token[1], **fields}, headers=AS_BROWSER
        )


@pytest.fixture
async def desk(database_url: str) -> AsyncIterator[Desk]:
    app = broker_app(settings_for(database_url, admin_token=ADMIN))
    async with AsyncTestClient(app=app) as client:
        client.follow_redirects = False
        admin = bearer(ADMIN)
        for team, owned in (("web-team", ["Web", "Web2", "Web3"]), ("orders-team", ["Orders"])):
            saved = await client.put(
                f"/admin/teams/{team}", json={"pacticipants": owned}, headers=admin
            )
            assert saved.status_code == 200, saved.text
        tokens = {
            name: await new_token(client, role, team) for name, (role, team) in PEOPLE.items()
        }
        for consumer in ("Web", "Web2", "Web3"):
            moded = await client.put(
                f"/pacticipants/{consumer}/mode",
                json={"mode": "brownfield-enterprise"},
                headers=admin,
            )
            assert moded.status_code == 200, moded.text
        yield Desk(client, tokens)


def listed(html: str, section: str) -> list[int]:
    """The change request ids a section of the inbox lists, in order."""
    start = html.index(f'<section aria-labelledby="{section}">')
    end = html.index("</section>", start)
    return [int(i) for i in re.findall(r'data-change-request="(\d+)"', html[start:end])]


async def test_the_inbox_lists_what_awaits_the_callers_teams(desk: Desk) -> None:
    await desk.publish("1", "a")
    [request_id] = await desk.open_ids()

    await desk.sign_in("orders-approver")
    inbox = (await desk.page("/ui/approvals")).text
    assert listed(inbox, "yours") == [request_id]
    assert listed(inbox, "open") == [request_id]
    assert listed(inbox, "decided") == []
    assert "Awaits you: orders-team" in inbox
    assert 'aria-current="page">Approvals</a>' in inbox  # the navigation's link

    # Another team's approver sees it among the open ones only.
    await desk.sign_in("web-approver")
    inbox = (await desk.page("/ui/approvals")).text
    assert listed(inbox, "yours") == []
    assert "Nothing awaits your teams." in inbox
    assert listed(inbox, "open") == [request_id]

    # A reader of the awaited team sees it awaits the team, and that they may not sign it off.
    await desk.sign_in("reader")
    inbox = (await desk.page("/ui/approvals")).text
    assert listed(inbox, "yours") == [request_id]
    assert "Your role may read change requests but not approve or reject them." in inbox


async def test_the_request_page_shows_the_diff_the_affected_interactions_and_who_approves(
    desk: Desk,
) -> None:
    await desk.publish("1", "a")
    [first] = await desk.open_ids()
    await desk.sign_in("orders-approver")
    approved = await desk.post_form(f"/ui/change-requests/{first}/approve")
    assert approved.status_code == 303, approved.text
    await desk.publish("2", "a", "b")
    [second] = await desk.open_ids()

    shown = (await desk.page(f"/ui/change-requests/{second}")).text
    api = await desk.change_request(second)
    # The API's diff, line by line, each marked by what it says.
    for line in api["diff"].splitlines():
        assert line.replace("'", "&#39;") in shown
    assert re.search(r'class="change-line change-added">.*interaction &#39;b&#39;', shown)
    assert '<li data-affected="Orders">' in shown
    assert '<li class="interaction-name">b</li>' in shown
    assert '<tr data-requirement="Orders">' in shown
    assert "1 approval from a member of orders-team (for Orders)" in shown
    assert "Nobody has approved it yet." in shown
    assert "Web is in brownfield-enterprise mode." in shown
    assert 'href="http://testserver.local/ui/pacts/provider/Orders/consumer/Web/version/2"' in shown
    # The first request, approved, says by whom.
    decided = (await desk.page(f"/ui/change-requests/{first}")).text
    assert "Approved" in decided
    assert "for orders-team (Orders)" in decided
    assert "Approve change request" not in decided


async def test_approving_from_the_page_makes_the_content_take_effect(desk: Desk) -> None:
    await desk.publish("1", "a")
    [request_id] = await desk.open_ids()
    await desk.sign_in("orders-approver")
    page = (await desk.page(f"/ui/change-requests/{request_id}")).text
    assert f"Approve change request {request_id}" in page
    assert "Your approval counts for orders-team." in page

    done = await desk.post_form(f"/ui/change-requests/{request_id}/approve")
    assert done.status_code == 303
    assert done.headers["location"].endswith(f"/ui/change-requests/{request_id}?done=approved")
    assert (await desk.change_request(request_id))["status"] == "approved"
    shown = (await desk.page(f"/ui/change-requests/{request_id}?done=approved")).text
    assert "Your approval was recorded." in shown
    inbox = (await desk.page("/ui/approvals")).text
    assert (listed(inbox, "yours"), listed(inbox, "decided")) == ([], [request_id])


async def test_a_reject_without_a_reason_is_refused_and_stores_nothing(desk: Desk) -> None:
    await desk.publish("1", "a")
    [request_id] = await desk.open_ids()
    await desk.sign_in("orders-approver")

    refused = await desk.post_form(f"/ui/change-requests/{request_id}/reject", reason="   ")
    assert refused.status_code == 400  # the API's status for the same refusal
    assert "A rejection needs a reason. Nothing was recorded." in refused.text
    assert "must say why the change is rejected" in refused.text
    assert 'aria-invalid="true"' in refused.text
    assert (await desk.change_request(request_id))["status"] == "open"

    rejected = await desk.post_form(
        f"/ui/change-requests/{request_id}/reject", reason="drops the order id"
    )
    assert rejected.status_code == 303
    after = await desk.change_request(request_id)
    assert (after["status"], after["rejectionReason"]) == ("rejected", "drops the order id")
    shown = (await desk.page(f"/ui/change-requests/{request_id}?done=rejected")).text
    assert "You rejected this change request." in shown
    assert '<dd id="rejection-reason">drops the order id</dd>' in shown


async def test_a_read_only_session_sees_no_buttons_and_its_forged_post_gets_403(
    desk: Desk,
) -> None:
    await desk.publish("1", "a")
    [request_id] = await desk.open_ids()
    await desk.sign_in("reader")
    page = (await desk.page(f"/ui/change-requests/{request_id}")).text
    assert "Approve change request" not in page
    assert "Reject change request" not in page
    assert "Your role may not approve or reject change requests" in page

    for verb in ("approve", "reject"):
        forged = await desk.post_form(f"/ui/change-requests/{request_id}/{verb}", reason="forged")
        assert forged.status_code == 403, forged.text
        assert "Not allowed" in forged.text
    unchanged = await desk.change_request(request_id)
    assert (unchanged["status"], unchanged["approvals"]) == ("open", [])


async def test_an_approver_the_request_does_not_need_is_told_why_and_refused(desk: Desk) -> None:
    await desk.publish("1", "a")
    [request_id] = await desk.open_ids()
    await desk.sign_in("web-approver")
    page = (await desk.page(f"/ui/change-requests/{request_id}")).text
    assert "Approve change request" not in page
    assert "is not in a team that must approve change request" in page

    refused = await desk.post_form(f"/ui/change-requests/{request_id}/approve")
    assert refused.status_code == 403  # as `POST /change-requests/{id}/approve` answers
    assert "needs orders-team" in refused.text
    assert (await desk.change_request(request_id))["approvals"] == []


async def test_the_history_is_paged(desk: Desk) -> None:
    """Each new content supersedes the open request before it: 21 decided, one open."""
    for number in range(22):
        await desk.publish(str(number), f"interaction {number}")
    await desk.sign_in("orders-approver")
    first = (await desk.page("/ui/approvals")).text
    decided = listed(first, "decided")
    assert len(decided) == approvals_view.INBOX_PAGE_SIZE
    assert "21 decided, newest first." in first
    assert 'href="http://testserver.local/ui/approvals?decided=2#decided"' in first
    second = (await desk.page("/ui/approvals?decided=2")).text
    [oldest] = listed(second, "decided")
    assert oldest < min(decided)
    assert listed(second, "yours") == listed(first, "yours") != []
    bad = await desk.client.get("/ui/approvals?decided=0&open=x", headers=AS_BROWSER)
    assert bad.status_code == 400
    assert "The page numbers are not valid" in bad.text


async def test_the_inbox_checks_a_bounded_number_of_open_requests(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(approvals_view, "SCAN_PAGE_SIZE", 1)
    monkeypatch.setattr(approvals_view, "MAX_OPEN_SCANNED", 2)
    for consumer in ("Web", "Web2", "Web3"):
        await desk.publish("1", "a", consumer=consumer)
    ids = await desk.open_ids()
    assert len(ids) == 3
    await desk.sign_in("orders-approver")
    inbox = (await desk.page("/ui/approvals")).text
    assert listed(inbox, "yours") == ids[:2]  # the newest two
    assert "Only the newest 2 of 3 open change requests were checked" in inbox
    # Narrowed to one pacticipant, everything is checked.
    narrowed = (await desk.page("/ui/approvals?pacticipant=Web")).text
    assert listed(narrowed, "yours") == [ids[2]]
    assert "were checked" not in narrowed


async def test_a_missing_change_request_is_a_404_page(desk: Desk) -> None:
    await desk.sign_in("orders-approver")
    missing = await desk.client.get("/ui/change-requests/999", headers=AS_BROWSER)
    assert missing.status_code == 404
    assert "No change request 999" in missing.text


async def test_an_approver_in_two_needed_teams_chooses_which_one_it_counts_for(
    desk: Desk,
) -> None:
    admin = bearer(ADMIN)
    for team in ("audit-team", "risk-team"):
        saved = await desk.client.put(
            f"/admin/teams/{team}", json={"pacticipants": []}, headers=admin
        )
        assert saved.status_code == 200, saved.text
    policy = await desk.client.put(
        "/pacticipants/Web/approval-policy",
        json={"teams": ["audit-team", "risk-team", "orders-team"], "required": 2},
        headers=admin,
    )
    assert policy.status_code == 200, policy.text
    desk.tokens["both"] = await new_token(desk.client, "approver", "audit-team", "risk-team")
    await desk.publish("1", "a")
    [request_id] = await desk.open_ids()
    await desk.sign_in("both")
    page = (await desk.page(f"/ui/change-requests/{request_id}")).text
    assert '<label for="team">Counts for the team</label>' in page
    assert re.findall(r'<option value="([^"]+)">', page) == ["audit-team", "risk-team"]
    assert "2 of the teams audit-team, risk-team, orders-team approve each change." in page

    done = await desk.post_form(f"/ui/change-requests/{request_id}/approve", team="risk-team")
    assert done.status_code == 303, done.text
    [given] = (await desk.change_request(request_id))["approvals"]
    assert given["countsFor"] == "risk-team"
    # One person counts once: approving again records nothing, and the page says so.
    again = await desk.post_form(f"/ui/change-requests/{request_id}/approve", team="audit-team")
    assert again.status_code == 200, again.text
    assert "has approved change request" in again.text
    assert "This approval changes nothing and was not recorded." in again.text
    assert len((await desk.change_request(request_id))["approvals"]) == 1


async def test_a_bad_pacticipant_filter_is_a_400_naming_it(desk: Desk) -> None:
    await desk.sign_in("orders-approver")
    bad = await desk.client.get("/ui/approvals", params={"pacticipant": "a\nb"}, headers=AS_BROWSER)
    assert bad.status_code == 400
    assert "The pacticipant name is not valid" in bad.text
