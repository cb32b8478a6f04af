"""The roll-call at any size: the counts from the database, then one page of those not yet
acknowledged (who a coordinator chases), the acknowledged on their own tab; the page and tab kept
by the refresh button and by the script's refresh; queries that do not grow with the cascade."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

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
