"""The assessment cycle through its services: start, carry forward, rate, submit, moderate,
publish; with concurrency, consensus and the transition map."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lde.assessments import services
from lde.assessments.models import (
    AssessmentKind,
    AssessmentStatus,
    AssessmentTransition,
    Evidence,
)
from lde.core.access.policy import PermissionDenied403
from lde.core.audit.models import AuditEvent
from lde.partnerships.models import Assignment, AssignmentKind, Role
from tests import uploads
from tests.assessments.builders import peer_reviewed, published, rate_all, start
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_starting_makes_one_unrated_response_per_rated_criterion(
    coordinator, framework_version
) -> None:
    assessment = start(coordinator, framework_version, 2024)
    rows = list(
        assessment.responses.order_by("criterion__position").values_list(
            "criterion__identifier", "rating", "carried_forward"
        )
    )
    assert rows == [("ownership", None, False), ("board", None, False), ("projects", None, False)]
    assert AuditEvent.objects.filter(verb="ASSESSMENT_STARTED").count() == 1


def test_the_next_cycle_carries_ratings_and_evidence_forward_until_confirmed(
    coordinator, framework_version
) -> None:
    first = start(coordinator, framework_version, 2024)
    rate_all(coordinator.user, first, 2)
    board = first.responses.get(criterion__identifier="board")
    services.evidence_add_link(
        actor=coordinator.user,
        response=board,
        title="Minutes",
        url="https://example.org/minutes",
        effective_on=date(2024, 6, 1),
    )
    published(first)
    second = start(coordinator, framework_version, 2025)
    assert second.carried_from == first
    carried = second.responses.get(criterion__identifier="board")
    assert (carried.rating, carried.carried_forward) == (2, True)
    assert [(e.title, e.carried_forward) for e in carried.evidence.all()] == [("Minutes", True)]
    with pytest.raises(ValidationError, match="3 carried-forward ratings"):
        services.assessment_submit(
            actor=coordinator.user, assessment=second, no_personal_data_declared=True
        )
    services.response_update(
        actor=coordinator.user,
        response=carried,
        seen_revision=carried.revision,
        rating=2,
        target=3,
        commentary="Confirmed.",
    )
    assert [r.criterion.identifier for r in services.unconfirmed(second)] == [
        "ownership",
        "projects",
    ]


def test_a_second_editor_is_told_and_shown_both_versions(coordinator, framework_version) -> None:
    assessment = start(coordinator, framework_version, 2024)
    board_member = MembershipFactory(
        partnership=coordinator.partnership, role=Role.BOARD_MEMBER
    ).user
    response = assessment.responses.get(criterion__identifier="ownership")
    opened_at = response.revision
    services.response_update(
        actor=coordinator.user,
        response=response,
        seen_revision=opened_at,
        rating=3,
        target=4,
        commentary="Coordinator's view.",
    )
    with pytest.raises(services.EditConflict) as conflict:
        services.response_update(
            actor=board_member,
            response=response,
            seen_revision=opened_at,
            rating=1,
            target=4,
            commentary="Board member's view.",
        )
    assert conflict.value.theirs.commentary == "Coordinator's view."
    assert conflict.value.yours["commentary"] == "Board member's view."
    response.refresh_from_db()
    assert (response.rating, response.commentary) == (3, "Coordinator's view.")


def test_ratings_off_the_scale_are_refused(coordinator, framework_version) -> None:
    assessment = start(coordinator, framework_version, 2024)
    response = assessment.responses.first()
    with pytest.raises(ValidationError, match="7 is not a level"):
        services.response_update(
            actor=coordinator.user,
            response=response,
            seen_revision=0,
            rating=7,
            target=None,
            commentary="",
        )


def test_differing_raters_need_a_consensus_reason(coordinator, framework_version) -> None:
    assessment = start(coordinator, framework_version, 2024)
    response = assessment.responses.get(criterion__identifier="board")
    board_member = MembershipFactory(
        partnership=coordinator.partnership, role=Role.BOARD_MEMBER
    ).user
    services.rater_rating_record(actor=coordinator.user, response=response, rating=2)
    services.rater_rating_record(actor=board_member, response=response, rating=4)
    with pytest.raises(ValidationError, match="say why this is the consensus"):
        services.response_update(
            actor=coordinator.user,
            response=response,
            seen_revision=0,
            rating=3,
            target=4,
            commentary="",
        )
    saved = services.response_update(
        actor=coordinator.user,
        response=response,
        seen_revision=0,
        rating=3,
        target=4,
        commentary="",
        consensus_reason="Split the difference after discussion.",
    )
    assert saved.rating == 3


def test_contributors_rate_only_what_is_assigned_to_them(coordinator, framework_version) -> None:
    assessment = start(coordinator, framework_version, 2024)
    contributor = MembershipFactory(partnership=coordinator.partnership, role=Role.CONTRIBUTOR).user
    mine = assessment.responses.get(criterion__identifier="projects")
    other = assessment.responses.get(criterion__identifier="board")
    services.contribution_assign(
        actor=coordinator.user, assessment=assessment, criterion=mine.criterion, user=contributor
    )
    services.response_update(
        actor=contributor,
        response=mine,
        seen_revision=0,
        rating=2,
        target=3,
        commentary="Our projects.",
    )
    with pytest.raises(PermissionDenied403):
        services.response_update(
            actor=contributor, response=other, seen_revision=0, rating=2, target=3, commentary=""
        )


def test_evidence_files_are_hashed_and_checked(coordinator, framework_version) -> None:
    assessment = start(coordinator, framework_version, 2024)
    response = assessment.responses.first()
    data = uploads.pdf()
    # The type kept is the one the content shows, not the one the browser sent.
    upload = SimpleUploadedFile("minutes.pdf", data, content_type="application/octet-stream")
    evidence = services.evidence_add_file(
        actor=coordinator.user,
        response=response,
        title="Minutes",
        upload=upload,
        effective_on=date(2024, 5, 1),
    )
    assert evidence.content_hash == hashlib.sha256(data).hexdigest()
    assert (evidence.content_type, evidence.size) == ("application/pdf", len(data))
    assert services.evidence_path(evidence).read_bytes() == data
    bad = SimpleUploadedFile("run.exe", b"MZ", content_type="application/x-msdownload")
    with pytest.raises(ValidationError, match="not a type of file you can upload here"):
        services.evidence_add_file(
            actor=coordinator.user,
            response=response,
            title="Bad",
            upload=bad,
            effective_on=date(2024, 5, 1),
        )


def test_an_evidence_file_over_20_mb_is_refused_before_it_is_read(
    coordinator, framework_version
) -> None:
    """ASVS V12.1.1: the size is checked before any of the file is read or written."""
    assessment = start(coordinator, framework_version, 2024)
    upload = SimpleUploadedFile("large.pdf", uploads.pdf(), content_type="application/pdf")
    upload.size = services.MAX_EVIDENCE_BYTES + 1
    with pytest.raises(ValidationError, match="smaller than 20 MB"):
        services.evidence_add_file(
            actor=coordinator.user,
            response=assessment.responses.first(),
            title="Large",
            upload=upload,
            effective_on=date(2024, 5, 1),
        )
    assert not Evidence.objects.filter(title="Large").exists()


def test_self_assessment_without_review_is_published_after_board_sign_off(
    coordinator, framework_version
) -> None:
    assessment = start(coordinator, framework_version, 2024)
    rate_all(coordinator.user, assessment, 3)
    with pytest.raises(ValidationError, match="identifiable members of the public"):
        services.assessment_submit(
            actor=coordinator.user, assessment=assessment, no_personal_data_declared=False
        )
    services.assessment_submit(
        actor=coordinator.user, assessment=assessment, no_personal_data_declared=True
    )
    assessment.refresh_from_db()
    with pytest.raises(ValidationError, match="board must sign off"):
        services.assessment_publish(actor=coordinator.user, assessment=assessment)
    board_member = MembershipFactory(
        partnership=coordinator.partnership, role=Role.BOARD_MEMBER
    ).user
    services.board_sign_off(actor=board_member, assessment=assessment)
    published = services.assessment_publish(actor=coordinator.user, assessment=assessment)
    assert (published.status, published.published_without_review) == (
        AssessmentStatus.PUBLISHED,
        True,
    )
    history = list(
        AssessmentTransition.objects.filter(assessment=assessment).values_list(
            "from_status", "to_status"
        )
    )
    assert history == [("draft", "submitted"), ("submitted", "published")]


def test_moderation_against_a_peer_review(coordinator, framework_version) -> None:
    own, review, peer, board = peer_reviewed(coordinator, framework_version, 2024)
    own.refresh_from_db()
    rows = services.moderation_rows(own)
    assert [
        (r["criterion"].identifier, r["self_rating"], r["review_rating"], r["differs"])
        for r in rows
    ] == [("ownership", 3, 3, False), ("board", 3, 2, True), ("projects", 3, 3, False)]
    with pytest.raises(ValidationError, match="1 differing criterion"):
        services.assessment_moderate(actor=coordinator.user, assessment=own)
    services.moderation_decide(
        actor=peer,
        assessment=own,
        criterion=board.criterion,
        agreed_rating=2,
        reason="The board rarely decides.",
    )
    services.assessment_moderate(actor=coordinator.user, assessment=own)
    own.refresh_from_db()
    assert own.status == AssessmentStatus.MODERATED
    review.refresh_from_db()
    with pytest.raises(ValidationError, match="factual accuracy"):
        services.assessment_publish(actor=peer, assessment=review)
    services.factual_accuracy_comment(
        actor=coordinator.user, assessment=review, body="Paragraph 3 names the wrong board chair."
    )
    services.assessment_publish(actor=peer, assessment=review)
    services.assessment_publish(actor=coordinator.user, assessment=own)
    own.refresh_from_db()
    assert (own.status, own.published_without_review) == (AssessmentStatus.PUBLISHED, False)


def test_the_transition_map_refuses_everything_else(coordinator, framework_version) -> None:
    assessment = start(coordinator, framework_version, 2024)
    with pytest.raises(ValidationError, match="cannot go from draft to published"):
        services.assessment_publish(actor=coordinator.user, assessment=assessment)
    with pytest.raises(ValidationError, match="Say why"):
        services.assessment_return_to_draft(
            actor=coordinator.user, assessment=assessment, reason=" "
        )


def test_a_coordinator_invites_a_peer_review_and_an_inspector_starts_an_inspection(
    coordinator, framework_version
) -> None:
    own = start(coordinator, framework_version, 2024)
    with pytest.raises(PermissionDenied403):
        services.review_start(
            actor=coordinator.user, assessment=own, kind=AssessmentKind.PEER_REVIEW
        )  # still a draft
    rate_all(coordinator.user, own, 3)
    services.assessment_submit(
        actor=coordinator.user, assessment=own, no_personal_data_declared=True
    )
    own.refresh_from_db()
    review = services.review_start(
        actor=coordinator.user, assessment=own, kind=AssessmentKind.PEER_REVIEW
    )
    assert (review.kind, review.reviews, review.framework_version) == (
        AssessmentKind.PEER_REVIEW,
        own,
        framework_version,
    )
    assert review.responses.count() == 3
    with pytest.raises(PermissionDenied403):
        services.review_start(
            actor=coordinator.user, assessment=own, kind=AssessmentKind.INSPECTION
        )
    inspector = UserFactory()
    today = timezone.localdate()
    assignment = Assignment.objects.create(
        user=inspector,
        kind=AssignmentKind.INSPECTOR,
        title="Inspection",
        starts_on=today,
        ends_on=today + timedelta(days=30),
    )
    assignment.partnerships.set([coordinator.partnership])
    inspection = services.review_start(
        actor=inspector, assessment=own, kind=AssessmentKind.INSPECTION
    )
    assert inspection.title == "Inspection of Self-assessment 2024"


def test_only_board_members_sign_off_for_the_board(coordinator, framework_version) -> None:
    own = start(coordinator, framework_version, 2024)
    rate_all(coordinator.user, own, 3)
    services.assessment_submit(
        actor=coordinator.user, assessment=own, no_personal_data_declared=True
    )
    own.refresh_from_db()
    with pytest.raises(PermissionDenied403):
        services.board_sign_off(actor=coordinator.user, assessment=own)
