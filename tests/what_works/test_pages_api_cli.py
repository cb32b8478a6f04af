"""The library's pages, API and command line: a case study found by a word from it with the word
highlighted, the ratings in words, the GOV.UK error summary on bad input, typed ratings in the
API with 400s naming the field, the CLI's search and export, and a search page whose query count
does not grow with the library."""

from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from lde.accounts.services import api_token_create
from lde.partnerships.models import Role
from lde.what_works import services
from lde.what_works.models import Entry, EntryStatus
from lde.what_works.report import report_entries_load
from tests.conftest import sign_in
from tests.what_works.conftest import DESCRIPTION, RATING

pytestmark = pytest.mark.django_db


def _token(user: Any) -> str:
    _, raw = api_token_create(actor=user, name="test")
    return f"Bearer {raw}"


def test_a_case_study_is_found_by_a_word_from_it_with_the_word_marked(
    client: Client, library: dict[str, Any]
) -> None:
    report_entries_load()
    sign_in(client, library["people"][Role.VIEWER])
    page = client.get(reverse("what_works:library"), {"q": "twinning"}).content.decode()
    assert "Kirklees: Schools <mark>Twinning</mark> Project" in page
    assert "1 entry found for “twinning”" in page
    filtered = client.get(
        reverse("what_works:library"), {"q": "twinning", "kind": "research_summary"}
    ).content.decode()
    assert "0 entries" in filtered


def test_markup_typed_into_a_search_or_a_title_is_shown_as_text(
    client: Client, library: dict[str, Any]
) -> None:
    services.entry_edit(
        actor=library["coordinator"], entry=library["local"], title="<b>Drama</b> workshops"
    )
    sign_in(client, library["coordinator"])
    page = client.get(reverse("what_works:library"), {"q": 'drama" OR *'}).content.decode()
    assert "&lt;b&gt;<mark>Drama</mark>&lt;/b&gt; workshops" in page
    assert "<b>Drama" not in page


def test_the_entry_explains_its_ratings_in_words(client: Client, library: dict[str, Any]) -> None:
    services.entry_rate(actor=library["coordinator"], entry=library["local"], **RATING)
    sign_in(client, library["people"][Role.BOARD_MEMBER])
    page = client.get(
        reverse("what_works:entry-detail", args=[library["local"].pk])
    ).content.decode()
    assert "Level 2: measured before and after" in page
    assert "Quality of the evidence: 2 of 4. Moderate evidence" in page
    assert "Edit" not in page.split("About the entry")[1]  # a board member reads only


def test_a_bad_local_evaluation_shows_the_error_summary(
    client: Client, library: dict[str, Any]
) -> None:
    sign_in(client, library["coordinator"])
    response = client.post(
        reverse("what_works:local-evaluation-add", args=[library["partnership"].pk]),
        {
            "project": library["project"].pk,
            "kind": "evaluation",
            "title": "Phone list",
            "summary": "Ring 07700 900123 for the mentor.",
            "strands": ["challenging"],
            "setting": "education",
            "source": "Our notes",
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "govuk-error-summary" in text
    assert "Summary must not hold a person&#x27;s details: the guard found" in text
    assert not Entry.objects.filter(title="Phone list").exists()


def test_publishing_asks_first_then_publishes(client: Client, library: dict[str, Any]) -> None:
    entry, admin = library["national"], library["admin"]
    services.entry_rate(actor=admin, entry=entry, **RATING)
    services.entry_submit(actor=admin, entry=Entry.objects.get(pk=entry.pk))
    sign_in(client, library["second_admin"])
    url = reverse("what_works:entry-publish", args=[entry.pk])
    assert "You cannot unpublish an entry." in client.get(url).content.decode()
    client.post(url, {"confirmed": "yes"})
    assert Entry.objects.get(pk=entry.pk).status == EntryStatus.PUBLISHED


def test_the_api_gives_typed_ratings_and_refuses_bad_ones_naming_the_field(
    client: Client, library: dict[str, Any]
) -> None:
    coordinator = library["coordinator"]
    headers = {"HTTP_AUTHORIZATION": _token(coordinator)}
    created = client.post(
        "/api/v1/what-works/entries",
        json.dumps(
            DESCRIPTION
            | {
                "title": "Mentoring review",
                "partnership_id": library["partnership"].pk,
                "project_id": library["project"].pk,
            }
        ),
        content_type="application/json",
        **headers,
    )
    assert created.status_code == 201, created.content
    entry_id = created.json()["id"]
    rated = client.put(
        f"/api/v1/what-works/entries/{entry_id}/rating",
        json.dumps(RATING | {"design": "randomised"}),
        content_type="application/json",
        **headers,
    )
    assert rated.status_code == 200, rated.content
    rating = rated.json()["rating"]
    assert (rating["maryland_level"], rating["effect"]["quality"]) == (5, 2)
    bad = client.put(
        f"/api/v1/what-works/entries/{entry_id}/rating",
        json.dumps(RATING | {"effect_direction": "not_measured", "effect_quality": 3}),
        content_type="application/json",
        **headers,
    )
    assert bad.status_code == 400
    assert list(bad.json()["errors"]) == ["effect_quality"]
    listed = client.get("/api/v1/what-works/entries", {"q": "mentoring"}, **headers).json()
    assert [item["title"] for item in listed["items"]] == ["Mentoring review"]
    outsider = {"HTTP_AUTHORIZATION": _token(library["outsider"])}
    assert client.get(f"/api/v1/what-works/entries/{entry_id}", **outsider).status_code == 404


def test_the_command_line_searches_and_exports_the_published_library(
    library: dict[str, Any], tmp_path: Path
) -> None:
    out = StringIO()
    call_command("what-works", "load-report", stdout=out)
    assert "entries added" in out.getvalue()
    out = StringIO()
    call_command("what-works", "search", "twinning", "--json", stdout=out)
    found = json.loads(out.getvalue())
    assert [e["title"] for e in found] == ["Kirklees: Schools Twinning Project"]
    assert found[0]["maryland_level"] is None
    target = tmp_path / "library.csv"
    call_command("what-works", "export", str(target), stdout=StringIO())
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    titles = {r["title"] for r in rows}
    assert "Kirklees: Schools Twinning Project" in titles
    assert library["local"].title not in titles  # a draft local evaluation stays private


def test_the_search_page_makes_the_same_queries_whatever_the_library_holds(
    client: Client, library: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    sign_in(client, library["coordinator"])
    url = reverse("what_works:library")
    client.get(url, {"q": "schools"})
    report_entries_load()
    for number in range(5):
        services.entry_add(
            actor=library["admin"], **(DESCRIPTION | {"title": f"Schools entry {number}"})
        )
    with django_assert_max_num_queries(12):
        response = client.get(url, {"q": "schools", "strand": "challenging"})
    assert response.status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
