"""The roll-call at any size: the counts from the database, then one page of those not yet
acknowledged (who a coordinator chases), the acknowledged on their own tab; the page and tab kept
by the refresh button and by the script's refresh; queries that do not grow with the cascade."""

from __future__ import annotations

import json
import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lde.accounts.services import api_token_create
from lde.consequence_management import selectors, services
from lde.consequence_management.models import Cascade, CascadeRecipient, MessageStatus
from tests.conftest import sign_in
from tests.consequence_management.builders import cascade_make, directory_make
from tests.tasks import tasks_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(cast: dict[str, Any]) -> dict[str, Any]:
    return directory_make(coordinator=cast["coordinator"], partnership=cast["partnership"])


def _ack(cast: dict[str, Any], cascade: Cascade, contact: Any) -> None:
    recipient = CascadeRecipient.objects.get(cascade=cascade, contact=contact)
    services.call_record(
        actor=cast["coordinator"], cascade=cascade, recipient=recipient, outcome="acknowledged"
    )


def _rows(html: str) -> list[str]:
    body = html.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    return re.findall(
        r"<tr class=\"govuk-table__row\">\s*<td class=\"govuk-table__cell\">([^<,]+)", body
    )


def test_the_counts_come_first_and_the_rows_are_those_not_yet_acknowledged(
    cast: dict[str, Any], directory: dict[str, Any]
) -> None:
    cascade = cascade_make(coordinator=cast["coordinator"], partnership=cast["partnership"])
    tasks_run()
    _ack(cast, cascade, directory["chair"])
    counts = selectors.roll_call_counts(cascade=cascade)
    # Six called; the five with a mobile or email were handed over; the caretaker is phone only.
    assert (counts.called, counts.acknowledged, counts.not_yet) == (6, 1, 5)
    assert counts.reached == 5
    assert (counts.escalated, counts.failed) == (0, 0)
    client = sign_in(Client(), cast["coordinator"])
    html = client.get(reverse("consequence_management:cascade-detail", args=[cascade.pk]))
    text = html.content.decode()
    assert "6 called, 5 reached, <strong>1 acknowledged</strong>, 5 not yet" in text
    assert "Chair" not in _rows(text)
    assert sorted(_rows(text)) == sorted(
        ["Strategic lead", "Tactical lead", "Delivery lead", "Vice-chair", "Caretaker"]
    )
    # The caretaker is chased by phone, from their row.
    assert re.search(r"Ring-round: \S+ – <a [^>]+>Record the call", text)
    acknowledged = client.get(
        reverse("consequence_management:cascade-detail", args=[cascade.pk]) + "?show=acknowledged"
    ).content.decode()
    assert _rows(acknowledged) == ["Chair"]


def test_a_failed_message_is_counted(cast: dict[str, Any], directory: dict[str, Any]) -> None:
    cascade = cascade_make(coordinator=cast["coordinator"], partnership=cast["partnership"])
    tasks_run()
    recipient = CascadeRecipient.objects.get(cascade=cascade, contact=directory["chair"])
    recipient.messages.update(status=MessageStatus.FAILED)
    counts = selectors.roll_call_counts(cascade=cascade)
    assert (counts.failed, counts.reached) == (1, 4)


def test_the_rows_are_paged_and_a_refresh_keeps_the_page_and_the_tab(
    cast: dict[str, Any], directory: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "ROLL_CALL_PAGE_SIZE", 2)
    cascade = cascade_make(coordinator=cast["coordinator"], partnership=cast["partnership"])
    client = sign_in(Client(), cast["coordinator"])
    page = reverse("consequence_management:cascade-detail", args=[cascade.pk])
    fragment = reverse("consequence_management:cascade-roll-call", args=[cascade.pk])
    seen: list[str] = []
    for number in (1, 2, 3):
        text = client.get(f"{page}?show=not-yet&page={number}").content.decode()
        rows = _rows(text)
        assert len(rows) == 2
        seen += rows
        # Without script: the refresh button asks for this same page of this same tab.
        assert f'href="{page}?show=not-yet&amp;page={number}">Refresh the roll-call' in text
        # With script: the fragment it fetches is of this same page and tab too.
        assert f'data-roll-call-url="{fragment}?show=not-yet&amp;page={number}"' in text
        assert f"{number} of 3" in text
    assert len(set(seen)) == 6
    # The fragment the script fetches keeps the page: the third page's rows, not the first's.
    third = client.get(f"{fragment}?show=not-yet&page=3").content.decode()
    assert _rows(third) == seen[4:]
    assert 'rel="prev"' in third and 'rel="next"' not in third


@pytest.mark.parametrize(
    "query", ["?page=abc", "?page=999", "?page=-1", "?show=everyone", "?show=&page="]
)
def test_a_page_or_tab_that_does_not_exist_shows_a_page_that_does(
    cast: dict[str, Any], directory: dict[str, Any], query: str
) -> None:
    cascade = cascade_make(coordinator=cast["coordinator"], partnership=cast["partnership"])
    client = sign_in(Client(), cast["coordinator"])
    for name in ("cascade-detail", "cascade-roll-call"):
        response = client.get(reverse(f"consequence_management:{name}", args=[cascade.pk]) + query)
        assert response.status_code == 200
        assert len(_rows(response.content.decode())) == 6


def test_everyone_acknowledged_says_so(cast: dict[str, Any], directory: dict[str, Any]) -> None:
    cascade = cascade_make(
        coordinator=cast["coordinator"],
        partnership=cast["partnership"],
        contacts=[directory["chair"]],
    )
    _ack(cast, cascade, directory["chair"])
    client = sign_in(Client(), cast["coordinator"])
    text = client.get(
        reverse("consequence_management:cascade-roll-call", args=[cascade.pk])
    ).content.decode()
    assert "Everyone called has acknowledged." in text


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_roll_call_asks_as_many_queries_for_six_recipients_as_for_two(
    cast: dict[str, Any], directory: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "ROLL_CALL_PAGE_SIZE", 2)
    small = cascade_make(
        coordinator=cast["coordinator"],
        partnership=cast["partnership"],
        contacts=[directory["chair"], directory["strategic"]],
        key="small-cascade-key",
    )
    large = cascade_make(
        coordinator=cast["coordinator"], partnership=cast["partnership"], key="large-cascade-key"
    )
    tasks_run()
    client = sign_in(Client(), cast["coordinator"])
    for name in ("cascade-detail", "cascade-roll-call"):
        for show in ("not-yet", "acknowledged"):
            urls = [
                reverse(f"consequence_management:{name}", args=[c.pk]) + f"?show={show}"
                for c in (small, large)
            ]
            _queries(client, urls[0])  # warm the session and the caches alike
            assert _queries(client, urls[0]) == _queries(client, urls[1])


# --- The API's roll-call and `lde cascades status`, paged as the page is ---------------------


class _Api:
    """A script's client: the coordinator's personal API token as a Bearer token."""

    def __init__(self, user: Any) -> None:
        _, raw = api_token_create(actor=user, name="roll-call")
        self.client = Client(headers={"Authorization": f"Bearer {raw}"})

    def get(self, url: str) -> Any:
        return self.client.get(url)


def _api(client: _Api, cascade: Cascade, query: str = "") -> Any:
    return client.get(f"/api/v1/consequence-management/cascades/{cascade.pk}{query}")


def test_the_api_gives_the_counts_and_one_page_of_the_tab_with_next(
    cast: dict[str, Any], directory: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "ROLL_CALL_PAGE_SIZE", 2)
    cascade = cascade_make(coordinator=cast["coordinator"], partnership=cast["partnership"])
    tasks_run()
    _ack(cast, cascade, directory["chair"])
    client = _Api(cast["coordinator"])
    seen: list[int] = []
    number: int | None = 1
    while number is not None:
        body = _api(client, cascade, f"?filter=not-yet&page={number}").json()
        assert (body["called"], body["acknowledged"], body["not_yet"]) == (6, 1, 5)
        assert (body["filter"], body["page"], body["pages"], body["listed"]) == (
            "not-yet",
            number,
            3,
            5,
        )
        assert body["page_size"] == 2
        assert len(body["roll_call"]) == (2 if number < 3 else 1)
        seen += [row["recipient_id"] for row in body["roll_call"]]
        number = body["next"]
    chair = CascadeRecipient.objects.get(cascade=cascade, contact=directory["chair"])
    assert len(set(seen)) == 5 and chair.pk not in seen
    # The default is the first page of those not yet acknowledged, as on the page.
    default = _api(client, cascade).json()
    assert (default["filter"], default["page"], default["next"]) == ("not-yet", 1, 2)
    acknowledged = _api(client, cascade, "?filter=acknowledged").json()
    assert [row["recipient_id"] for row in acknowledged["roll_call"]] == [chair.pk]
    assert acknowledged["next"] is None
    # A page past the last gives the last, as the page does.
    assert _api(client, cascade, "?page=999").json()["page"] == 3


@pytest.mark.parametrize("query", ["?filter=everyone", "?page=0", "?page=abc", "?page=-1"])
def test_the_api_refuses_a_filter_or_page_that_cannot_be(
    cast: dict[str, Any], directory: dict[str, Any], query: str
) -> None:
    cascade = cascade_make(coordinator=cast["coordinator"], partnership=cast["partnership"])
    client = _Api(cast["coordinator"])
    response = _api(client, cascade, query)
    assert 400 <= response.status_code < 500
    assert ("filter" if "filter" in query else "page") in response.content.decode()


def test_the_api_and_the_command_ask_as_many_queries_for_six_recipients_as_for_two(
    cast: dict[str, Any], directory: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "ROLL_CALL_PAGE_SIZE", 2)
    small = cascade_make(
        coordinator=cast["coordinator"],
        partnership=cast["partnership"],
        contacts=[directory["chair"], directory["strategic"]],
        key="small-cascade-key",
    )
    large = cascade_make(
        coordinator=cast["coordinator"], partnership=cast["partnership"], key="large-cascade-key"
    )
    tasks_run()
    client = _Api(cast["coordinator"])
    for show in ("not-yet", "acknowledged"):
        urls = [
            f"/api/v1/consequence-management/cascades/{c.pk}?filter={show}" for c in (small, large)
        ]
        _queries(client.client, urls[0])
        assert _queries(client.client, urls[0]) == _queries(client.client, urls[1])

    def command(cascade: Cascade) -> int:
        with CaptureQueriesContext(connection) as captured:
            call_command(
                "cascades",
                "status",
                str(cascade.pk),
                "--as",
                cast["coordinator"].email,
                stdout=StringIO(),
            )
        return len(captured)

    command(small)
    assert command(small) == command(large)


def _status(cast: dict[str, Any], cascade: Cascade, *args: str) -> str:
    out = StringIO()
    call_command(
        "cascades", "status", str(cascade.pk), "--as", cast["coordinator"].email, *args, stdout=out
    )
    return out.getvalue()


def test_the_command_lists_a_page_or_every_page(
    cast: dict[str, Any], directory: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "ROLL_CALL_PAGE_SIZE", 2)
    cascade = cascade_make(coordinator=cast["coordinator"], partnership=cast["partnership"])
    tasks_run()
    _ack(cast, cascade, directory["chair"])
    second = _status(cast, cascade, "--page", "2")
    assert "6 called, 5 reached, 1 acknowledged, 5 not yet" in second
    assert "not-yet, page 2 of 3 (5 listed):" in second
    assert len([line for line in second.splitlines() if line.startswith("  ")]) == 2
    assert f"Next: lde cascades status {cascade.pk} " in second and "--page 3" in second
    every = _status(cast, cascade, "--all")
    rows = [line for line in every.splitlines() if line.startswith("  ")]
    assert len(rows) == 5 and "Next:" not in every
    assert not any(line.split(":")[1].strip().startswith("Chair") for line in rows)
    acknowledged = _status(cast, cascade, "--filter", "acknowledged")
    assert "acknowledged, page 1 of 1 (1 listed):" in acknowledged and "Chair" in acknowledged
    document = json.loads(_status(cast, cascade, "--all", "--json"))
    assert (document["not_yet"], document["listed"], len(document["recipients"])) == (5, 5, 5)
    assert document["page"] is None and document["next"] is None
    one = json.loads(_status(cast, cascade, "--json"))
    assert (one["page"], one["next"], len(one["recipients"])) == (1, 2, 2)


@pytest.mark.parametrize(
    ("args", "words"),
    [(("--page", "9"), "--page: page 9 does not exist"), (("--page", "x"), "--page: 'x'")],
)
def test_the_command_names_a_page_that_does_not_exist(
    cast: dict[str, Any], directory: dict[str, Any], args: tuple[str, ...], words: str
) -> None:
    cascade = cascade_make(coordinator=cast["coordinator"], partnership=cast["partnership"])
    with pytest.raises(CommandError, match=re.escape(words)):
        _status(cast, cascade, *args)
