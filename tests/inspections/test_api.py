"""The fieldwork's API (issue 17, lde/inspections/api.py): one site run through the API from a
planned programme to a published report, each step by the person permissions.md names, with
the refusals a client meets on the way (the personal-data guard naming the field, a coordinator
kept from the notes, a lead of another programme seeing nothing)."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lde.accounts.models import User
from lde.accounts.services import api_token_create
from lde.assessments.models import AssessmentStatus
from lde.assessments.services import factual_accuracy_comment
from lde.core.audit.models import AuditEvent
from lde.inspections.models import InterviewNote, Site
from lde.partnerships.models import Role
from tests.factories import MembershipFactory, PartnershipFactory, UserFactory
from tests.inspections.builders import key_themes, submitted_self_assessment

pytestmark = pytest.mark.django_db

A = "/api/v1/inspections"
THEME = "q1-what-set-out-to-deliver"


class Caller:
    """One person's API client: their token on every request, JSON in and out."""

    def __init__(self, user: User) -> None:
        _, raw = api_token_create(actor=user, name="test")
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        self.client = Client()

    def get(self, path: str) -> Any:
        return self.client.get(f"{A}{path}", **self.headers)  # type: ignore[arg-type]

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(
            f"{A}{path}",
            body or {},
            content_type="application/json",
            **self.headers,  # type: ignore[arg-type]
        )

    def put(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.put(
            f"{A}{path}",
            body,
            content_type="application/json",
            **self.headers,  # type: ignore[arg-type]
        )


def test_one_site_runs_through_the_api_to_a_published_report() -> None:
    version = key_themes()
    lead_user = UserFactory(full_name="Lena Lead", is_programme_lead=True)
    inspector_user = UserFactory(full_name="Ivan Inspector", email="ivan@example.test")
    partnership = PartnershipFactory(name="Inspected partnership")
    coordinator_user = MembershipFactory(partnership=partnership, role=Role.COORDINATOR).user
    submitted_self_assessment(partnership, version)
    lead, inspector = Caller(lead_user), Caller(inspector_user)
    coordinator = Caller(coordinator_user)
    other_lead = Caller(UserFactory(is_programme_lead=True))
    today = timezone.localdate()

    # The lead plans the programme, adds the site, assigns the inspector and starts fieldwork.
    planned = lead.post(
        "/programmes",
        {
            "title": "Learning and development exercise",
            "purpose": "What works in local partnerships (¶19).",
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=120)).isoformat(),
        },
    )
    assert planned.status_code == 201, planned.json()
    programme = planned.json()
    assert (programme["status"], programme["lead_name"], programme["framework"]) == (
        "draft",
        "Lena Lead",
        "lde-key-themes",
    )
    p = f"/programmes/{programme['id']}"
    changed = lead.put(
        p,
        {
            "title": "Learning and development exercise 2027",
            "purpose": "What works (¶19).",
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=150)).isoformat(),
        },
    )
    assert changed.status_code == 200
    assert changed.json()["title"] == "Learning and development exercise 2027"
    added = lead.post(f"{p}/sites", {"partnership_id": partnership.pk})
    assert added.status_code == 201, added.json()
    site_id = added.json()["id"]
    s = f"/sites/{site_id}"
    assert lead.post(f"{p}/sites", {"partnership_id": partnership.pk}).status_code == 409
    assigned = lead.post(f"{s}/inspectors", {"email": "ivan@example.test"})
    assert assigned.status_code == 201, assigned.json()
    assert assigned.json()["inspector_name"] == "Ivan Inspector"
    assert lead.post(f"{p}/advance").json()["status"] == "fieldwork"
    # The assignment revoked the inspector's token (a token never gains access it was not made
    # with): they make a new one.
    assert inspector.get("/programmes").status_code == 401
    inspector = Caller(inspector_user)

    # A lead of another programme sees none of it; the coordinator sees their site.
    assert other_lead.get(p).status_code == 404
    assert other_lead.put(p, changed.json() | {"purpose": "Mine now."}).status_code == 404
    assert other_lead.get("/programmes").json() == {"count": 0, "items": []}
    listed = coordinator.get("/programmes").json()
    assert [item["id"] for item in listed["items"]] == [programme["id"]]
    assert coordinator.get(f"{p}/sites").json()[0]["inspectors"] == ["Ivan Inspector"]
    assert coordinator.post(f"{p}/advance").status_code == 403

    # The inspector asks for documents, marks one arrived, writes the analysis.
    asked = inspector.post(
        f"{s}/document-request",
        {
            "items": ["The partnership's Prevent action plan", "Board minutes"],
            "due_on": (today + timedelta(days=14)).isoformat(),
        },
    )
    assert asked.status_code == 201, asked.json()
    documents = asked.json()["request"]["documents"]
    assert [d["description"] for d in documents] == [
        "The partnership's Prevent action plan",
        "Board minutes",
    ]
    arrived = inspector.post(f"{s}/documents/{documents[0]['id']}/received", {"received": True})
    assert arrived.json() == {**documents[0], "received": True}
    assert coordinator.get(f"{s}/document-request").json()["request"]["documents"][0]["received"]
    written = inspector.put(f"{s}/analyses/{THEME}", {"text": "The plan is clear."})
    assert written.status_code == 200, written.json()
    assert inspector.put(f"{s}/analyses/no-such-theme", {"text": "x"}).json()["errors"] == {
        "theme": ["Choose a theme of the programme's framework"]
    }
    assert [a["theme"] for a in lead.get(f"{s}/analyses").json()] == [THEME]
    assert coordinator.get(f"{s}/analyses").status_code == 403

    # The visit, a slot of its schedule, and a note; personal data in a note is refused.
    visited = inspector.post(f"{s}/visits", {"visited_on": today.isoformat()})
    assert visited.status_code == 201, visited.json()
    v = f"/visits/{visited.json()['id']}"
    slot = inspector.post(
        f"{v}/schedule", {"starts_at": "09:30", "kind": "focus_group", "roles_met": "Youth workers"}
    )
    assert slot.status_code == 201, slot.json()
    refused = inspector.post(
        f"{v}/notes",
        {
            "kind": "interview",
            "roles_present": "Community safety manager",
            "text": "Call them on 07700 900123 about the plan.",
            "themes": ["q1-local-plans"],
        },
    )
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["text"]
    assert not InterviewNote.objects.exists()
    noted = inspector.post(
        f"{v}/notes",
        {
            "kind": "focus_group",
            "roles_present": "Youth workers",
            "text": "Referral pathways are understood by the youth service.",
            "themes": ["q1-local-plans"],
        },
    )
    assert noted.status_code == 201, noted.json()
    assert coordinator.get(f"{s}/visits").json()[0]["schedule"][0]["roles_met"] == "Youth workers"

    # The notes: the coordinator may not read them; the lead's reading is audited.
    before = AuditEvent.objects.filter(verb="INSPECTION_NOTES_READ").count()
    assert coordinator.get(f"{s}/notes").status_code == 403
    assert other_lead.get(f"{s}/notes").status_code == 404
    read = lead.get(f"{s}/notes")
    assert [n["text"] for n in read.json()] == [
        "Referral pathways are understood by the youth service."
    ]
    assert AuditEvent.objects.filter(verb="INSPECTION_NOTES_READ").count() == before + 1
    event = AuditEvent.objects.filter(verb="INSPECTION_NOTES_READ").latest("sequence")
    assert (event.actor_id, event.target_id) == (lead_user.pk, str(site_id))
    assert "Referral" not in event.payload

    # The report: started, sent for the check, checked by the coordinator, published.
    started = inspector.post(f"{s}/report/start")
    assert started.json()["status"] == "draft"
    assert (
        inspector.post(f"{s}/report/send-for-check", {"no_personal_data_declared": True}).json()[
            "status"
        ]
        == "accuracy"
    )
    early = inspector.post(f"{s}/report/publish")
    assert early.status_code == 400, early.json()
    site = Site.objects.select_related("assessment").get(pk=site_id)
    assert site.assessment is not None
    factual_accuracy_comment(
        actor=coordinator_user, assessment=site.assessment, body="Checked: accurate."
    )
    published = inspector.post(f"{s}/report/publish")
    assert published.status_code == 200, published.json()
    assert published.json()["status"] == "published"
    site.assessment.refresh_from_db()
    assert site.assessment.status == AssessmentStatus.PUBLISHED
    assert lead.post(f"{p}/advance").json()["status"] == "reporting"
    assert lead.post(f"{p}/advance").json()["status"] == "published"
    assert lead.put(p, changed.json()).status_code == 403


def test_bad_input_is_refused_naming_the_field() -> None:
    key_themes()
    lead = Caller(UserFactory(is_programme_lead=True))
    today = timezone.localdate().isoformat()
    body = {"title": "A", "purpose": "B", "starts_on": today, "ends_on": "2000-01-01"}
    backwards = lead.post("/programmes", body)
    assert backwards.status_code == 400
    assert list(backwards.json()["errors"]) == ["ends_on"]
    too_long = lead.post("/programmes", body | {"title": "x" * 5000, "ends_on": today})
    assert too_long.status_code == 422
    assert too_long.json()["errors"][0]["loc"][-1] == "title"
    named = lead.post("/programmes", body | {"purpose": "Ask Mr Smith.", "ends_on": today})
    assert named.status_code == 400
    assert list(named.json()["errors"]) == ["purpose"]
    assert Caller(UserFactory()).post("/programmes", body | {"ends_on": today}).status_code == 403
    assert Client().get(f"{A}/programmes").status_code == 401


def _queries(caller: Caller, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert caller.get(path).status_code == 200
    return len(captured)


def test_the_lists_make_the_same_queries_whatever_they_hold() -> None:
    """The programmes, a programme's sites and a site's visits: queries do not grow with rows."""
    from lde.inspections import services
    from tests.inspections.builders import inspection_world, site_to

    world = inspection_world()
    site_to(world, "visited")
    lead = Caller(world.lead)
    paths = [
        "/programmes",
        f"/programmes/{world.programme.pk}/sites",
        f"/sites/{world.site.pk}/visits",
    ]
    before = [_queries(lead, path) for path in paths]
    for n in range(4):
        services.programme_create(
            actor=world.lead,
            title=f"Programme {n}",
            purpose="More rows.",
            starts_on=world.programme.starts_on,
            ends_on=world.programme.ends_on,
        )
        site = services.site_add(
            actor=world.lead, programme=world.programme, partnership=PartnershipFactory()
        )
        services.inspector_assign(actor=world.lead, site=site, inspector=UserFactory())
        visit = services.visit_record(
            actor=world.inspector, site=world.site, visited_on=world.programme.starts_on
        )
        services.schedule_item_add(
            actor=world.inspector,
            visit=visit,
            starts_at=time(9, n),
            kind="interview",
            roles_met="Teachers",
        )
    lead = Caller(User.objects.get(pk=world.lead.pk))
    assert [_queries(lead, path) for path in paths] == before
