"""The cross-site learning's writes: each one's rule, its refusals of bad input (a finding with
an identifier, feedback from someone not the site's coordinator, an advisory member named by
themselves) and the audit event it records."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from lde.core.access.policy import PermissionDenied403
from lde.core.audit.models import AuditEvent
from lde.core.refusals import Conflict
from lde.inspections import learning_services as services
from lde.inspections.models import ProgrammeStatus
from lde.inspections.models_learning import (
    AdvisoryMember,
    CaseStudyStatus,
    Finding,
    FindingKind,
    SiteFeedback,
)
from lde.what_works.models import Design, EntryKind, EntryStatus
from tests.inspections.learning_builders import OTHER_THEME, THEME, World, world_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return world_build()


def _verbs() -> list[str]:
    return list(AuditEvent.objects.order_by("pk").values_list("verb", flat=True))


def _finding(world: World, **overrides: object) -> Finding:
    fields: dict = {
        "theme": THEME,
        "kind": FindingKind.WORKS,
        "text": "Partners shared what they knew of communities through a standing forum.",
        "sites": [world.first, world.second],
    }
    fields |= overrides
    return services.finding_add(actor=world.lead, programme=world.programme, **fields)


def test_the_lead_adds_a_finding_coded_by_theme_and_kind_drawing_on_sites(world: World) -> None:
    finding = _finding(world)
    assert (finding.theme, finding.kind, finding.written_by) == (
        THEME,
        FindingKind.WORKS,
        world.lead,
    )
    assert set(finding.sites.all()) == {world.first, world.second}
    assert _verbs()[-1] == "INSPECTION_FINDING_ADDED"


def test_an_inspector_of_a_site_adds_and_changes_findings(world: World) -> None:
    finding = services.finding_add(
        actor=world.inspector,
        programme=world.programme,
        theme=THEME,
        kind=FindingKind.BARRIER,
        text="Short-term funding stood in the way of planning beyond one year.",
        sites=[world.first],
    )
    services.finding_edit(
        actor=world.inspector,
        finding=finding,
        theme=OTHER_THEME,
        kind=FindingKind.LOOKS_PROMISING,
        text="Mainstream budgets began to carry the work.",
        sites=[],
    )
    finding.refresh_from_db()
    assert (finding.theme, finding.kind, finding.sites.count()) == (
        OTHER_THEME,
        FindingKind.LOOKS_PROMISING,
        0,
    )
    assert _verbs()[-1] == "INSPECTION_FINDING_CHANGED"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Raised by the youth lead (jo.bloggs@example.org) at the forum.", "email"),
        ("The worker on 07700 900123 said the project was welcome.", "phone"),
        ("A young man, DOB 12/03/1990, was referred.", "date of birth"),
    ],
)
def test_a_finding_with_an_identifier_is_refused_naming_what_the_guard_found(
    world: World, text: str, found: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        _finding(world, text=text)
    message = refused.value.message_dict["text"][0]
    assert message.startswith("Finding must not hold a person's details: the guard found")
    assert found in message
    assert not Finding.objects.exists()


def test_a_finding_needs_a_theme_of_the_framework_a_known_kind_and_its_own_sites(
    world: World,
) -> None:
    from lde.inspections.models import Programme, Site

    elsewhere = Programme.objects.create(
        title="Another",
        purpose="Another programme.",
        framework_version=world.programme.framework_version,
        lead=world.lead,
        starts_on=world.programme.starts_on,
        ends_on=world.programme.ends_on,
    )
    foreign = Site.objects.create(programme=elsewhere, partnership=world.partnership)
    with pytest.raises(ValidationError) as refused:
        _finding(world, theme="not-a-theme", kind="excellent", text="", sites=[foreign])
    assert refused.value.message_dict == {
        "theme": ["Theme must be a criterion of the programme's key-themes framework"],
        "kind": ["Kind must be one of: Works, Doesn't work, Looks promising, Barrier"],
        "text": ["Enter finding"],
        "sites": ["Select sites of this programme"],
    }


@pytest.mark.parametrize("who", ["coordinator", "board_member", "adviser", "stranger"])
def test_only_the_lead_and_inspectors_write_findings(world: World, who: str) -> None:
    with pytest.raises(PermissionDenied403):
        services.finding_add(
            actor=getattr(world, who),
            programme=world.programme,
            theme=THEME,
            kind=FindingKind.WORKS,
            text="A finding.",
        )


def test_nothing_is_written_once_the_programme_is_published(world: World) -> None:
    finding = _finding(world)
    world.programme.status = ProgrammeStatus.PUBLISHED
    world.programme.save()
    with pytest.raises(PermissionDenied403):
        services.finding_delete(actor=world.lead, finding=finding)
    with pytest.raises(PermissionDenied403):
        _finding(world)


def test_key_learning_draws_on_the_programmes_findings(world: World) -> None:
    finding = _finding(world)
    learning = services.key_learning_add(
        actor=world.lead,
        programme=world.programme,
        text="Knowledge of communities grows where partners meet them routinely.",
        findings=[finding],
    )
    assert list(learning.findings.all()) == [finding]
    with pytest.raises(ValidationError) as refused:
        services.key_learning_add(
            actor=world.lead, programme=world.programme, text="Call 020 7946 0000", findings=[999]
        )
    assert set(refused.value.message_dict) == {"text", "findings"}
    services.key_learning_delete(actor=world.lead, learning=learning)
    assert _verbs()[-2:] == ["INSPECTION_KEY_LEARNING_ADDED", "INSPECTION_KEY_LEARNING_REMOVED"]


CASE_STUDY = {
    "title": "A standing forum with community organisations",
    "theme": THEME,
    "summary": "The council and police met community organisations monthly.",
    "what_was_done": "A forum chaired in turn by its members, with an agreed agenda.",
    "outcome": "Partners said they understood local concerns earlier.",
    "strand": "resilience",
    "setting": "community",
}


def test_a_case_study_goes_to_the_library_through_its_own_services(world: World) -> None:
    case_study = services.case_study_add(
        actor=world.inspector, programme=world.programme, site=world.first, **CASE_STUDY
    )
    with pytest.raises(PermissionDenied403):
        services.case_study_send(actor=world.inspector, case_study=case_study)
    with pytest.raises(PermissionDenied403):
        services.case_study_take(actor=world.site_administrator, case_study=case_study)
    services.case_study_send(actor=world.lead, case_study=case_study)
    assert (case_study.status, case_study.sent_by) == (CaseStudyStatus.SENT, world.lead)
    with pytest.raises(PermissionDenied403):
        services.case_study_edit(actor=world.lead, case_study=case_study, title="Changed")
    with pytest.raises(PermissionDenied403):
        services.case_study_take(actor=world.lead, case_study=case_study)
    taken = services.case_study_take(actor=world.site_administrator, case_study=case_study)
    entry = taken.library_entry
    assert taken.status == CaseStudyStatus.IN_LIBRARY
    assert (entry.kind, entry.title, entry.status, entry.design, entry.partnership) == (
        EntryKind.CASE_STUDY,
        CASE_STUDY["title"],
        EntryStatus.DRAFT,
        Design.CASE_STUDY,
        None,
    )
    assert entry.summary.startswith(CASE_STUDY["summary"])
    assert entry.rated_by == world.site_administrator
    assert {"WHAT_WORKS_ENTRY_ADDED", "INSPECTION_CASE_STUDY_TAKEN"} <= set(_verbs())
    with pytest.raises(PermissionDenied403):
        services.case_study_take(actor=world.site_administrator, case_study=taken)


def test_a_case_study_with_an_identifier_or_an_unknown_strand_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        services.case_study_add(
            actor=world.lead,
            programme=world.programme,
            site=None,
            **(CASE_STUDY | {"outcome": "Ask NI number AB123456C", "strand": "nonsense"}),
        )
    assert set(refused.value.message_dict) == {"outcome", "strand", "site"}


def test_the_sites_coordinator_gives_its_feedback_once_and_may_change_it(world: World) -> None:
    feedback = services.site_feedback_give(
        actor=world.coordinator,
        site=world.first,
        useful=4,
        what_helped="The document request was clear.",
        what_to_change="More notice of the visit.",
    )
    assert (feedback.useful, feedback.given_by) == (4, world.coordinator)
    services.site_feedback_give(
        actor=world.coordinator, site=world.first, useful=5, what_helped="", what_to_change=""
    )
    assert SiteFeedback.objects.get().useful == 5
    assert _verbs()[-2:] == ["INSPECTION_SITE_FEEDBACK_GIVEN", "INSPECTION_SITE_FEEDBACK_CHANGED"]


@pytest.mark.parametrize("who", ["lead", "inspector", "board_member", "other_coordinator"])
def test_feedback_from_someone_not_the_sites_coordinator_is_refused(world: World, who: str) -> None:
    with pytest.raises(PermissionDenied403) as refused:
        services.site_feedback_give(
            actor=getattr(world, who), site=world.first, useful=3, what_helped="", what_to_change=""
        )
    assert refused.value.who_can.startswith("The coordinators of the site's partnership")
    assert not SiteFeedback.objects.exists()


def test_feedback_is_a_usefulness_from_one_to_five_and_guarded(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        services.site_feedback_give(
            actor=world.coordinator,
            site=world.first,
            useful=9,
            what_helped="Email me at a.person@example.org",
            what_to_change="",
        )
    assert set(refused.value.message_dict) == {"useful", "what_helped"}


def test_feedback_waits_until_the_programme_has_begun(world: World) -> None:
    world.programme.status = ProgrammeStatus.DRAFT
    world.programme.save()
    with pytest.raises(PermissionDenied403):
        services.site_feedback_give(
            actor=world.coordinator, site=world.first, useful=3, what_helped="", what_to_change=""
        )


def test_the_lead_names_advisory_members_never_themselves(world: World) -> None:
    member = services.advisory_member_name(
        actor=world.lead, programme=world.programme, email=world.stranger.email.upper()
    )
    assert (member.user, member.named_by) == (world.stranger, world.lead)
    with pytest.raises(ValidationError) as refused:
        services.advisory_member_name(
            actor=world.lead, programme=world.programme, email=world.lead.email
        )
    assert refused.value.message_dict == {
        "email": ["You cannot name yourself to the advisory group: name someone else"]
    }
    with pytest.raises(Conflict):
        services.advisory_member_name(
            actor=world.lead, programme=world.programme, email=world.stranger.email
        )
    with pytest.raises(ValidationError):
        services.advisory_member_name(
            actor=world.lead, programme=world.programme, email="nobody@example.test"
        )


@pytest.mark.parametrize("who", ["adviser", "stranger", "inspector", "site_administrator"])
def test_an_advisory_member_or_anyone_else_naming_themselves_is_refused(
    world: World, who: str
) -> None:
    person = getattr(world, who)
    with pytest.raises(PermissionDenied403):
        services.advisory_member_name(actor=person, programme=world.programme, email=person.email)
    assert not AdvisoryMember.objects.filter(named_by=person).exists()


def test_advisory_members_comment_until_the_programme_is_published(world: World) -> None:
    comment = services.advisory_comment_add(
        actor=world.adviser, programme=world.programme, text="The barriers need more evidence."
    )
    assert comment.author == world.adviser
    with pytest.raises(PermissionDenied403):
        services.advisory_comment_add(actor=world.lead, programme=world.programme, text="Mine")
    world.programme.status = ProgrammeStatus.PUBLISHED
    world.programme.save()
    with pytest.raises(PermissionDenied403):
        services.advisory_comment_add(actor=world.adviser, programme=world.programme, text="Late")
