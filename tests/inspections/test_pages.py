"""The fieldwork pages of an inspection programme (issue 17): a programme run on the pages alone
over two sites to published reports, the GOV.UK error summary on bad input to every form, the
personal-data guard's refusal of a note shown on its field, the notes kept from the partnership
and their reading audited, the steps that cannot be undone asked first, and each page's
queries constant in the number of sites, visits and notes."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lde.assessments.models import Assessment
from lde.assessments.services import factual_accuracy_comment
from lde.core.audit.models import AuditEvent
from lde.inspections import services
from lde.inspections.models import (
    DocumentRequest,
    InterviewNote,
    Programme,
    ProgrammeStatus,
    RequestedDocument,
    ScheduleItem,
    Site,
    SiteStatus,
    Visit,
)
from lde.partnerships.models import Assignment, Role
from tests.conftest import sign_in
from tests.factories import MembershipFactory, PartnershipFactory, UserFactory
from tests.inspections.builders import (
    InspectionWorld,
    inspection_world,
    site_to,
    submitted_self_assessment,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> InspectionWorld:
    return inspection_world()


def _date(prefix: str, day: Any) -> dict[str, str]:
    return {
        f"{prefix}-day": str(day.day),
        f"{prefix}-month": str(day.month),
        f"{prefix}-year": str(day.year),
    }


def _summary(response: Any) -> str:
    page = response.content.decode()
    assert response.status_code == 400, page[:400]
    assert "govuk-error-summary" in page
    return page


def _confirm(client: Client, url: str, **data: str) -> Any:
    return client.post(url, {"confirmed": "yes", **data})


def _top_theme(world: InspectionWorld) -> str:
    from lde.inspections.selectors import themes_of

    return themes_of(version_id=world.version.pk)[0].identifier


def test_a_programme_is_run_on_the_pages_over_two_sites_to_publication(client: Client) -> None:
    world = inspection_world(fieldwork=False, assigned=False)
    second = PartnershipFactory(name="Second partnership")
    second_coordinator = MembershipFactory(partnership=second, role=Role.COORDINATOR).user
    submitted_self_assessment(second, world.version)
    today = timezone.localdate()
    sign_in(client, world.lead)
    assert "Plan a programme" in client.get(reverse("inspections:programme-list")).text
    planned = client.post(
        reverse("inspections:programme-create"),
        {
            "title": "Exercise on the pages",
            "purpose": "What works, learnt across two sites.",
            **_date("starts_on", today),
            **_date("ends_on", today + timedelta(days=90)),
        },
    )
    programme = Programme.objects.get(title="Exercise on the pages")
    assert planned["Location"] == reverse("inspections:programme-detail", args=[programme.pk])
    inspector = world.inspector
    for partnership in (world.partnership, second):
        added = client.post(
            reverse("inspections:site-add", args=[programme.pk]),
            {"partnership": str(partnership.pk)},
        )
        assert added.status_code == 302
        site = Site.objects.get(programme=programme, partnership=partnership)
        assigned = client.post(
            reverse("inspections:inspector-assign", args=[site.pk]),
            {"inspector": str(inspector.pk)},
        )
        assert assigned.status_code == 302
    advance = reverse("inspections:programme-advance", args=[programme.pk])
    assert "Start the fieldwork" in client.get(advance).text
    assert _confirm(client, advance).status_code == 302
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.FIELDWORK

    theme = _top_theme(world)
    for site, coordinator in (
        (programme.sites.get(partnership=world.partnership), world.coordinator),
        (programme.sites.get(partnership=second), second_coordinator),
    ):
        sign_in(client, inspector)
        page = client.get(reverse("inspections:site-detail", args=[site.pk])).text
        assert "Send the document request" in page
        sent = client.post(
            reverse("inspections:document-request-send", args=[site.pk]),
            {"items": "Prevent action plan\nBoard minutes", **_date("due_on", today)},
        )
        assert sent.status_code == 302
        first = RequestedDocument.objects.filter(request__site=site).order_by("position").first()
        assert first is not None
        recorded = client.post(
            reverse("inspections:documents-received", args=[site.pk]), {"received": [first.pk]}
        )
        assert recorded.status_code == 302
        assert list(
            RequestedDocument.objects.filter(request__site=site)
            .order_by("position")
            .values_list("received", flat=True)
        ) == [True, False]
        written = client.post(
            reverse("inspections:analysis-write", args=[site.pk]),
            {"theme": theme, "text": "The plan names its partners."},
        )
        assert written.status_code == 302
        visited = client.post(
            reverse("inspections:visit-record", args=[site.pk]), _date("visited_on", today)
        )
        assert visited.status_code == 302
        visit = Visit.objects.get(site=site)
        slot = client.post(
            reverse("inspections:schedule-item-add", args=[visit.pk]),
            {"starts_at": "10:30", "kind": "focus_group", "roles_met": "Youth workers"},
        )
        assert slot.status_code == 302
        noted = client.post(
            reverse("inspections:note-write", args=[visit.pk]),
            {
                "kind": "focus_group",
                "roles_present": "Youth workers",
                "text": "The forum meets monthly and hears concerns early.",
                "themes": [theme],
            },
        )
        assert noted.status_code == 302
        start = reverse("inspections:report-start", args=[site.pk])
        assert _confirm(client, start).status_code == 302
        site.refresh_from_db()
        assert site.status == SiteStatus.DRAFT_REPORT and site.assessment is not None
        send = reverse("inspections:report-send", args=[site.pk])
        sent_check = _confirm(client, send, no_personal_data_declared="on")
        assert sent_check.status_code == 302
        factual_accuracy_comment(
            actor=coordinator,
            assessment=Assessment.objects.get(pk=site.assessment.pk),
            body="Checked: accurate.",
        )
        publish = reverse("inspections:report-publish", args=[site.pk])
        assert "Publish this inspection report" in client.get(publish).text
        assert _confirm(client, publish).status_code == 302
        site.refresh_from_db()
        assert site.status == SiteStatus.PUBLISHED

    sign_in(client, world.lead)
    for expected, banner in (
        (ProgrammeStatus.REPORTING, "The programme is now in reporting."),
        (ProgrammeStatus.PUBLISHED, "The programme is published."),
    ):
        moved = _confirm(client, advance)
        assert moved.status_code == 302
        programme.refresh_from_db()
        assert programme.status == expected
        assert banner in client.get(moved["Location"]).text
    listed = client.get(reverse("inspections:programme-list")).text
    assert "Exercise on the pages" in listed


def test_each_form_shows_the_error_summary_on_bad_input(
    client: Client, world: InspectionWorld
) -> None:
    sign_in(client, world.lead)
    page = _summary(
        client.post(
            reverse("inspections:programme-create"),
            {"title": "", "purpose": "x" * 5_001, **_date("starts_on", timezone.localdate())},
        )
    )
    assert "Enter the programme&#x27;s title" in page
    assert "Purpose must be 5,000 characters or fewer" in page or "5000" in page
    assert "Enter the end date" in page
    today = timezone.localdate()
    page = _summary(
        client.post(
            reverse("inspections:programme-update", args=[world.programme.pk]),
            {
                "title": "Renamed",
                "purpose": "Still.",
                **_date("starts_on", today),
                **_date("ends_on", today - timedelta(days=1)),
            },
        )
    )
    assert "The end date must be on or after the start date" in page
    page = _summary(
        client.post(
            reverse("inspections:site-add", args=[world.programme.pk]),
            {"partnership": str(world.partnership.pk)},
        )
    )
    assert "Select one of the options given for the partnership" in page
    page = _summary(
        client.post(
            reverse("inspections:inspector-assign", args=[world.site.pk]),
            {"inspector": str(world.inspector.pk)},
        )
    )
    assert "is already an inspector of this site" in page

    site, inspector = world.site, world.inspector
    sign_in(client, inspector)
    page = _summary(
        client.post(
            reverse("inspections:document-request-send", args=[site.pk]),
            {"items": "Ask the youth lead on 07700 900123", **_date("due_on", today)},
        )
    )
    assert "the guard found" in page
    assert not DocumentRequest.objects.exists()
    page = _summary(
        client.post(
            reverse("inspections:document-request-send", args=[site.pk]),
            {"items": "Board minutes", **_date("due_on", today - timedelta(days=1))},
        )
    )
    assert "The date the documents are due must be today or later" in page
    site = site_to(world, SiteStatus.VISITED)
    page = _summary(
        client.post(
            reverse("inspections:analysis-write", args=[site.pk]),
            {"theme": "not-a-theme", "text": ""},
        )
    )
    assert "Select one of the options given for the theme" in page
    assert "Enter the analysis" in page
    page = _summary(
        client.post(reverse("inspections:visit-record", args=[site.pk]), {"visited_on-day": "31"})
    )
    assert "Date of the visit must include a month and year" in page
    visit = Visit.objects.get(site=site)
    page = _summary(
        client.post(
            reverse("inspections:schedule-item-add", args=[visit.pk]),
            {"starts_at": "25:99", "kind": "party", "roles_met": ""},
        )
    )
    assert "Enter the time it starts in 24-hour time, like 14:30" in page
    assert "Enter the roles met, such as youth workers" in page
    assert not ScheduleItem.objects.exists()
    page = _summary(
        client.post(
            reverse("inspections:note-write", args=[visit.pk]),
            {"kind": "", "roles_present": "", "text": "", "themes": []},
        )
    )
    assert "Select interview or focus group" in page
    assert "Enter the notes" in page
    assert "Select at least one theme or criterion" in page
    page = _summary(
        client.post(reverse("inspections:documents-received", args=[site.pk]), {"received": "0"})
    )
    assert "Select one of the options given for the documents received" in page


def test_a_note_with_personal_data_is_refused_on_its_field(
    client: Client, world: InspectionWorld
) -> None:
    site = site_to(world, SiteStatus.VISITED)
    visit = Visit.objects.get(site=site)
    sign_in(client, world.inspector)
    response = client.post(
        reverse("inspections:note-write", args=[visit.pk]),
        {
            "kind": "interview",
            "roles_present": "Community safety manager",
            "text": "Mrs Patel said the forum was useful; call her on 07700 900123.",
            "themes": [_top_theme(world)],
        },
    )
    page = _summary(response)
    assert 'href="#id_text"' in page
    assert "The notes must not hold a person" in page or "Notes must not hold" in page
    assert 'id="id_text-error"' in page
    assert not InterviewNote.objects.exists()


def _note(world: InspectionWorld, text: str = "The forum hears concerns early.") -> Site:
    site = site_to(world, SiteStatus.VISITED)
    services.note_write(
        actor=world.inspector,
        visit=Visit.objects.get(site=site),
        kind="focus_group",
        roles_present="Youth workers",
        text=text,
        themes=[_top_theme(world)],
    )
    return site


def test_the_partnership_sees_its_site_but_never_the_notes_or_the_analysis(
    client: Client, world: InspectionWorld
) -> None:
    site = _note(world, "A note only the team reads.")
    services.analysis_write(
        actor=world.inspector, site=site, theme=_top_theme(world), text="Team-only analysis."
    )
    for reader in (world.coordinator, world.board_member):
        sign_in(client, reader)
        page = client.get(reverse("inspections:site-detail", args=[site.pk]))
        assert page.status_code == 200
        assert "Board minutes" in page.text  # the document request is theirs to read
        assert "Team-only analysis." not in page.text
        assert "Pre-visit analysis" not in page.text
        assert reverse("inspections:site-notes", args=[site.pk]) not in page.text
        assert client.get(reverse("inspections:site-notes", args=[site.pk])).status_code == 403
        assert (
            client.get(reverse("inspections:note-write", args=[site.visits.get().pk])).status_code
            == 403
        )
    other = MembershipFactory(role=Role.COORDINATOR).user
    sign_in(client, other)
    assert client.get(reverse("inspections:site-detail", args=[site.pk])).status_code == 404
    assert client.get(reverse("inspections:site-notes", args=[site.pk])).status_code == 404


def test_reading_the_notes_is_audited_for_the_inspector_and_the_lead(
    client: Client, world: InspectionWorld
) -> None:
    site = _note(world, "A note only the team reads.")
    site_note = InterviewNote.objects.get()
    url = reverse("inspections:site-notes", args=[site.pk])
    for reader in (world.inspector, world.lead):
        sign_in(client, reader)
        before = AuditEvent.objects.filter(verb="INSPECTION_NOTES_READ").count()
        page = client.get(url)
        assert page.status_code == 200
        assert "A note only the team reads." in page.text
        event = AuditEvent.objects.filter(verb="INSPECTION_NOTES_READ").latest("sequence")
        assert AuditEvent.objects.filter(verb="INSPECTION_NOTES_READ").count() == before + 1
        assert event.actor_id == reader.pk
        assert event.target_id == str(site.pk)
        assert event.partnership_id == site.partnership_id
        assert json.loads(event.payload)["detail"] == {"notes": [site_note.pk]}


def test_the_steps_that_cannot_be_undone_are_asked_first(
    client: Client, world: InspectionWorld
) -> None:
    site = site_to(world, SiteStatus.VISITED)
    sign_in(client, world.inspector)
    detail = client.get(reverse("inspections:site-detail", args=[site.pk])).text
    start = reverse("inspections:report-start", args=[site.pk])
    assert f'href="{start}"' in detail  # a link to the confirmation page, not a form
    asked = client.get(start)
    assert asked.status_code == 200
    assert "The site does not go back to visited once its report is started." in asked.text
    # A POST without the confirmation's own field only shows the confirmation again.
    assert client.post(start).status_code == 200
    site.refresh_from_db()
    assert site.status == SiteStatus.VISITED
    assert _confirm(client, start).status_code == 302
    send = reverse("inspections:report-send", args=[site.pk])
    refused = _confirm(client, send)
    assert refused.status_code == 400
    assert "govuk-error-summary" in refused.text
    site.refresh_from_db()
    assert site.status == SiteStatus.DRAFT_REPORT
    assert _confirm(client, send, no_personal_data_declared="on").status_code == 302
    publish = reverse("inspections:report-publish", args=[site.pk])
    # Before the partnership's factual-accuracy comment, publication is refused and said so.
    early = _confirm(client, publish)
    assert early.status_code == 400
    assert "govuk-error-summary" in early.text
    site.refresh_from_db()
    assert site.status == SiteStatus.FACTUAL_ACCURACY


def test_advancing_a_programme_without_sites_says_why(client: Client) -> None:
    lead = UserFactory(is_programme_lead=True)
    inspection_world(fieldwork=False)  # loads the framework
    today = timezone.localdate()
    programme = services.programme_create(
        actor=lead, title="Empty", purpose="No sites.", starts_on=today, ends_on=today
    )
    sign_in(client, lead)
    url = reverse("inspections:programme-advance", args=[programme.pk])
    refused = _confirm(client, url)
    assert refused.status_code == 400
    assert "Add at least one site before the fieldwork starts" in refused.text
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.DRAFT


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _grow(world: InspectionWorld, site: Site, size: int) -> None:
    """`size` more sites (each with an inspector), schedule slots and notes."""
    visit = Visit.objects.get(site=site)
    for _ in range(size):
        partnership = PartnershipFactory()
        extra = services.site_add(
            actor=world.lead, programme=world.programme, partnership=partnership
        )
        services.inspector_assign(actor=world.lead, site=extra, inspector=UserFactory())
        services.schedule_item_add(
            actor=world.inspector,
            visit=visit,
            starts_at=timezone.now().time().replace(microsecond=0),
            kind="interview",
            roles_met="School governors",
        )
        services.note_write(
            actor=world.inspector,
            visit=visit,
            kind="interview",
            roles_present="School governors",
            text="Governors know the referral route.",
            themes=[_top_theme(world)],
        )


@pytest.mark.parametrize(
    ("page", "reader", "expected"),
    [
        ("programme-list", "lead", 10),
        ("programme-list", "inspector", 11),
        ("programme-detail", "lead", 12),
        ("programme-detail", "inspector", 14),
        ("site-detail", "lead", 20),
        ("site-detail", "inspector", 21),
        ("site-detail", "coordinator", 18),
        ("site-notes", "inspector", 20),
    ],
)
def test_page_queries_do_not_grow_with_sites_or_notes(
    client: Client, world: InspectionWorld, page: str, reader: str, expected: int
) -> None:
    site = site_to(world, SiteStatus.VISITED)
    services.analysis_write(actor=world.inspector, site=site, theme=_top_theme(world), text="Read.")
    url = reverse(
        f"inspections:{page}",
        args=[]
        if page == "programme-list"
        else [world.programme.pk]
        if page == "programme-detail"
        else [site.pk],
    )
    sign_in(client, getattr(world, reader))
    _grow(world, site, 2)
    small = _count(client, url)
    _grow(world, site, 6)
    large = _count(client, url)
    assert (small, large) == (expected, expected)


def test_assignment_made_on_the_page_is_the_partnerships_own(
    client: Client, world: InspectionWorld
) -> None:
    other = UserFactory(full_name="Second Inspector")
    sign_in(client, world.lead)
    end = timezone.localdate() + timedelta(days=30)
    response = client.post(
        reverse("inspections:inspector-assign", args=[world.site.pk]),
        {"inspector": str(other.pk), **_date("ends_on", end)},
    )
    assert response.status_code == 302
    made = Assignment.objects.get(user=other)
    assert made.ends_on == end
    assert made.subject_reference == f"inspection-site:{world.site.pk}"
    assert list(made.partnerships.all()) == [world.partnership]
    page = client.get(reverse("inspections:programme-detail", args=[world.programme.pk])).text
    assert "Second Inspector" in page
