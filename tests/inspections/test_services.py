"""Inspection programmes' writes (issue 17): a programme from draft to publication over one
site, through the assessments app's inspection cycle; the inspectors assigned through the
partnerships app; and each refusal, the interview notes' identifiers among them."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from lde.accounts.models import User
from lde.assessments.models import AssessmentKind, AssessmentStatus
from lde.core.access.policy import PermissionDenied403
from lde.core.audit.models import AuditEvent
from lde.core.refusals import Conflict
from lde.inspections import selectors, services
from lde.inspections.models import InterviewNote, ProgrammeStatus, SiteStatus, Visit
from lde.inspections.policies import interview_note_policy, site_reference
from lde.partnerships.models import Assignment, AssignmentKind, Role
from lde.partnerships.services import assignment_create
from tests.factories import MembershipFactory, PartnershipFactory, UserFactory
from tests.inspections.builders import InspectionWorld, inspection_world, site_to

pytestmark = pytest.mark.django_db


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def _visit(world: InspectionWorld) -> Visit:
    site_to(world, "visited")
    return Visit.objects.get(site=world.site)


def test_a_programme_runs_from_draft_to_published_through_the_assessment_cycle() -> None:
    world = inspection_world()
    assert world.programme.status == ProgrammeStatus.FIELDWORK
    assert world.programme.framework_version == world.version
    assignment = Assignment.objects.get(user=world.inspector)
    assert assignment.kind == AssignmentKind.INSPECTOR
    assert list(assignment.partnerships.all()) == [world.partnership]
    assert assignment.subject_reference == site_reference(world.site.pk)
    assert assignment.granted_by == world.lead
    site = site_to(world, "draft")
    assert site.assessment is not None
    assert site.assessment.kind == AssessmentKind.INSPECTION
    assert site.assessment.status == AssessmentStatus.DRAFT
    site = site_to(world, "accuracy")
    assert site.assessment is not None
    assert site.assessment.status == AssessmentStatus.SUBMITTED
    site = site_to(world, "published")
    site.assessment.refresh_from_db()  # type: ignore[union-attr]
    assert site.assessment.status == AssessmentStatus.PUBLISHED  # type: ignore[union-attr]
    assert list(site.transitions.values_list("to_status", flat=True)) == [
        "documents",
        "visited",
        "draft",
        "accuracy",
        "published",
    ]
    services.programme_advance(actor=world.lead, programme=world.programme)
    services.programme_advance(actor=world.lead, programme=world.programme)
    world.programme.refresh_from_db()
    assert world.programme.status == ProgrammeStatus.PUBLISHED
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {
        "INSPECTION_PROGRAMME_CREATED",
        "INSPECTION_SITE_ADDED",
        "ASSIGNMENT_CREATED",
        "INSPECTION_PROGRAMME_FIELDWORK",
        "INSPECTION_DOCUMENTS_REQUESTED",
        "INSPECTION_VISIT_RECORDED",
        "INSPECTION_SITE_PUBLISHED",
        "INSPECTION_PROGRAMME_PUBLISHED",
    } <= verbs


def test_only_a_programme_lead_plans_a_programme() -> None:
    inspection_world()  # loads the framework
    with pytest.raises(PermissionDenied403):
        services.programme_create(
            actor=UserFactory(is_site_administrator=True),
            title="Not mine",
            purpose="No.",
            starts_on=date(2027, 1, 1),
            ends_on=date(2027, 2, 1),
        )


def test_dates_in_the_wrong_order_and_a_name_in_the_purpose_are_refused_by_field() -> None:
    world = inspection_world()
    with pytest.raises(ValidationError) as error:
        services.programme_create(
            actor=world.lead,
            title="Backwards",
            purpose="Fine.",
            starts_on=date(2027, 2, 1),
            ends_on=date(2027, 1, 1),
        )
    assert set(error.value.message_dict) == {"ends_on"}
    with pytest.raises(ValidationError) as error:
        services.programme_create(
            actor=world.lead,
            title="Named",
            purpose="Ask Cllr Jones first.",
            starts_on=date(2027, 1, 1),
            ends_on=date(2027, 2, 1),
        )
    assert set(error.value.message_dict) == {"purpose"}


def test_fieldwork_needs_a_site_and_publication_every_report() -> None:
    world = inspection_world(fieldwork=False)
    empty = services.programme_create(
        actor=world.lead,
        title="Empty",
        purpose="Nothing yet.",
        starts_on=date(2027, 1, 1),
        ends_on=date(2027, 2, 1),
    )
    with pytest.raises(ValidationError) as error:
        services.programme_advance(actor=world.lead, programme=empty)
    assert "Add at least one site" in error.value.message_dict["status"][0]
    services.programme_advance(actor=world.lead, programme=world.programme)
    services.programme_advance(actor=world.lead, programme=world.programme)
    with pytest.raises(ValidationError) as error:
        services.programme_advance(actor=world.lead, programme=world.programme)
    assert error.value.message_dict["status"] == ["1 site report still to be published"]


def test_a_site_is_added_once_and_only_by_the_programmes_lead() -> None:
    world = inspection_world()
    with pytest.raises(Conflict):
        services.site_add(
            actor=world.lead, programme=world.programme, partnership=world.partnership
        )
    other_lead = UserFactory(is_programme_lead=True)
    with pytest.raises(PermissionDenied403):
        services.site_add(
            actor=other_lead, programme=world.programme, partnership=PartnershipFactory()
        )


def test_a_lead_assigns_inspectors_only_to_sites_of_their_own_programme_never_themselves() -> None:
    world = inspection_world()
    with pytest.raises(PermissionDenied403):
        services.inspector_assign(actor=world.lead, site=world.site, inspector=world.lead)
    with pytest.raises(Conflict):
        services.inspector_assign(actor=world.lead, site=world.site, inspector=world.inspector)
    other_lead = UserFactory(is_programme_lead=True)
    with pytest.raises(PermissionDenied403):
        services.inspector_assign(actor=other_lead, site=world.site, inspector=UserFactory())
    # The partnerships app's own service: a programme lead may assign an inspector only to a
    # site of their own programme, and only for that site's partnership.
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        assignment_create(
            actor=other_lead,
            user=UserFactory(),
            kind=AssignmentKind.INSPECTOR,
            title="Not theirs",
            partnerships=[world.partnership],
            starts_on=today,
            ends_on=today,
            subject_reference=site_reference(world.site.pk),
        )
    with pytest.raises(PermissionDenied):
        assignment_create(
            actor=world.lead,
            user=UserFactory(),
            kind=AssignmentKind.INSPECTOR,
            title="Another partnership",
            partnerships=[PartnershipFactory()],
            starts_on=today,
            ends_on=today,
            subject_reference=site_reference(world.site.pk),
        )
    with pytest.raises(PermissionDenied):
        assignment_create(
            actor=world.lead,
            user=UserFactory(),
            kind=AssignmentKind.PEER_REVIEWER,
            title="A peer review",
            partnerships=[world.partnership],
            starts_on=today,
            ends_on=today,
        )
    # Without the grant, the lead named on the programme assigns nobody.
    world.lead.is_programme_lead = False
    world.lead.save()
    with pytest.raises(PermissionDenied403):
        services.inspector_assign(
            actor=_fresh(world.lead), site=world.site, inspector=UserFactory()
        )


@pytest.mark.parametrize(
    "text, kind",
    [
        ("Contact on j.smith@example.org for the minutes.", "email address"),
        ("The co-ordinator's mobile is 07700 900123.", "phone number"),
        ("Mr Khan explained how the forum works.", "a person named by title"),
    ],
)
def test_interview_notes_with_identifiers_are_refused_naming_the_field(
    text: str, kind: str
) -> None:
    world = inspection_world()
    visit = _visit(world)
    with pytest.raises(ValidationError) as error:
        services.note_write(
            actor=_fresh(world.inspector),
            visit=visit,
            kind="interview",
            roles_present="Community safety manager",
            text=text,
            themes=["q1-local-plans"],
        )
    assert set(error.value.message_dict) == {"text"}
    assert kind in error.value.message_dict["text"][0].lower()
    assert not InterviewNote.objects.exists()


def test_notes_are_coded_to_the_framework_and_read_only_by_the_sites_inspectors_and_lead() -> None:
    world = inspection_world()
    visit = _visit(world)
    inspector = _fresh(world.inspector)
    with pytest.raises(ValidationError) as error:
        services.note_write(
            actor=inspector,
            visit=visit,
            kind="interview",
            roles_present="Youth workers",
            text="They know the local plan.",
            themes=["not-a-theme"],
        )
    assert set(error.value.message_dict) == {"themes"}
    with pytest.raises(ValidationError) as error:
        services.note_write(
            actor=inspector,
            visit=visit,
            kind="interview",
            roles_present="Youth workers",
            text="They know the local plan.",
            themes=[],
        )
    assert error.value.message_dict == {"themes": ["Choose at least one theme the notes speak to"]}
    note = services.note_write(
        actor=inspector,
        visit=visit,
        kind="focus_group",
        roles_present="Youth workers",
        text="They know the local plan and who leads it.",
        themes=["q1-local-plans", "q2c-leadership-and-structures"],
    )
    assert note.themes == ["q1-local-plans", "q2c-leadership-and-structures"]
    event = AuditEvent.objects.get(verb="INSPECTION_NOTE_WRITTEN")
    assert "They know" not in event.payload
    analyst = UserFactory(is_national_analyst=True)
    administrator = UserFactory(is_site_administrator=True)
    other_inspector = UserFactory()
    other_site = services.site_add(
        actor=world.lead, programme=world.programme, partnership=PartnershipFactory()
    )
    services.inspector_assign(actor=world.lead, site=other_site, inspector=other_inspector)
    # An ordinary inspector of the same partnership, not through this programme's site.
    plain = UserFactory()
    assignment_create(
        actor=UserFactory(is_site_administrator=True),
        user=plain,
        kind=AssignmentKind.INSPECTOR,
        title="Another inspection",
        partnerships=[world.partnership],
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(days=5),
    )
    readers = {
        "inspector": (inspector, True),
        "lead": (_fresh(world.lead), True),
        "coordinator": (world.coordinator, False),
        "board member": (world.board_member, False),
        "national analyst": (analyst, False),
        "site administrator": (administrator, False),
        "another site's inspector": (_fresh(other_inspector), False),
        "the partnership's other inspector": (_fresh(plain), False),
    }
    for who, (user, reads) in readers.items():
        assert interview_note_policy.user_can(user, "view", note) is reads, who
        assert list(selectors.notes_of(user=user, site=world.site)) == ([note] if reads else []), (
            who
        )


def test_a_coordinator_reads_their_site_and_schedule_but_not_the_analysis() -> None:
    world = inspection_world()
    visit = _visit(world)
    inspector = _fresh(world.inspector)
    services.schedule_item_add(
        actor=inspector,
        visit=visit,
        starts_at=time(10, 0),
        kind="interview",
        roles_met="Community safety manager",
    )
    services.analysis_write(
        actor=inspector, site=world.site, theme="q1-what-set-out-to-deliver", text="A clear plan."
    )
    coordinator = world.coordinator
    assert selectors.site_get(user=coordinator, site_id=world.site.pk) == world.site
    visits = selectors.visits_of(user=coordinator, site=world.site)
    assert [v.pk for v in visits] == [visit.pk]
    assert [i.roles_met for i in visits[0].schedule.all()] == ["Community safety manager"]
    assert selectors.analyses_of(user=coordinator, site=world.site) == []
    assert len(selectors.analyses_of(user=inspector, site=world.site)) == 1
    viewer = MembershipFactory(partnership=world.partnership, role=Role.VIEWER).user
    with pytest.raises(Http404):
        selectors.site_get(user=viewer, site_id=world.site.pk)


def test_the_roles_met_are_guarded_and_the_analysis_is_of_a_theme() -> None:
    world = inspection_world()
    visit = _visit(world)
    inspector = _fresh(world.inspector)
    with pytest.raises(ValidationError) as error:
        services.schedule_item_add(
            actor=inspector,
            visit=visit,
            starts_at=time(9, 0),
            kind="interview",
            roles_met="Imam Ali of the mosque",
        )
    assert set(error.value.message_dict) == {"roles_met"}
    with pytest.raises(ValidationError) as error:
        services.analysis_write(actor=inspector, site=world.site, theme="q1-local-plans", text="x")
    assert set(error.value.message_dict) == {"theme"}


def test_a_report_needs_a_submitted_self_assessment_and_a_factual_accuracy_check() -> None:
    world = inspection_world()
    site = site_to(world, "visited")
    world.partnership.assessments.all().delete()
    with pytest.raises(ValidationError) as error:
        services.report_start(actor=_fresh(world.inspector), site=site)
    assert set(error.value.message_dict) == {"assessment"}


def test_publication_waits_for_the_partnerships_factual_accuracy_check() -> None:
    world = inspection_world()
    site = site_to(world, "accuracy")
    with pytest.raises(ValidationError) as error:
        services.report_publish(actor=_fresh(world.inspector), site=site)
    assert set(error.value.message_dict) == {"factual_accuracy"}
    site.refresh_from_db()
    assert site.status == SiteStatus.FACTUAL_ACCURACY


def test_fieldwork_waits_for_the_programme_to_be_in_the_field() -> None:
    world = inspection_world(fieldwork=False)
    with pytest.raises(ValidationError) as error:
        services.document_request_send(
            actor=_fresh(world.inspector),
            site=world.site,
            items=["Plan"],
            due_on=timezone.localdate(),
        )
    assert set(error.value.message_dict) == {"status"}


def test_a_document_request_is_refused_without_items_and_its_items_are_marked_received() -> None:
    world = inspection_world()
    inspector = _fresh(world.inspector)
    with pytest.raises(ValidationError) as error:
        services.document_request_send(
            actor=inspector, site=world.site, items=["", "  "], due_on=timezone.localdate()
        )
    assert set(error.value.message_dict) == {"items"}
    request = services.document_request_send(
        actor=inspector,
        site=world.site,
        items=["Action plan", "Board minutes"],
        due_on=timezone.localdate(),
    )
    first = request.items.get(position=0)
    services.document_received_set(actor=inspector, document=first, received=True)
    first.refresh_from_db()
    assert first.received is True
    with pytest.raises(PermissionDenied403):
        services.document_received_set(actor=world.coordinator, document=first, received=False)
