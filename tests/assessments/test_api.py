"""The assessments API: the full read, both versions on an edit conflict, the services' refusals
with the field named, the same answers as the pages' policies, and a query count that does not
grow with the number of criteria, raters or evidence items."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from ninja.responses import NinjaJSONEncoder

from lde.accounts.services import api_token_create
from lde.assessments import services
from lde.assessments.api import AssessmentDetailOut
from lde.assessments.models import Assessment, AssessmentKind, AssessmentStatus, CriterionResponse
from lde.partnerships.models import Assignment, AssignmentKind, Role
from tests import uploads
from tests.assessments.builders import grown, published, start
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

# A real PDF: uploads are judged by their content (lde.core.uploads).
PDF = uploads.pdf()


def api(user: Any) -> Client:
    _, raw = api_token_create(actor=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def put(client: Client, assessment: Assessment, response: CriterionResponse, **body: Any) -> Any:
    return client.put(
        f"/api/v1/assessments/{assessment.pk}/responses/{response.pk}",
        {"commentary": "", **body},
        content_type="application/json",
    )


@pytest.fixture
def board_member(coordinator: Any) -> Any:
    return MembershipFactory(
        partnership=coordinator.partnership,
        role=Role.BOARD_MEMBER,
        user__organisation=coordinator.user.organisation,
    )


# --- The full read -------------------------------------------------------------------------


def test_the_full_read_has_every_criterion_with_raters_evidence_and_history(
    coordinator, board_member, framework_version
):
    first = start(coordinator, framework_version, 2024)
    for response in first.responses.all():
        services.response_update(
            actor=coordinator.user,
            response=response,
            seen_revision=0,
            rating=2,
            target=3,
            commentary="Seen in the minutes.",
        )
    published(first)
    assessment = start(coordinator, framework_version, 2025)
    board = assessment.responses.get(criterion__identifier="board")
    services.rater_rating_record(actor=board_member.user, response=board, rating=3)
    services.rater_rating_record(actor=coordinator.user, response=board, rating=3)
    services.response_update(
        actor=coordinator.user,
        response=board,
        seen_revision=0,
        rating=3,
        target=4,
        commentary="The board decides.",
    )
    link = services.evidence_add_link(
        actor=coordinator.user,
        response=board,
        title="Minutes",
        url="https://example.org/minutes",
        effective_on=date(2025, 6, 1),
    )
    upload = SimpleUploadedFile("terms.pdf", PDF, content_type="application/pdf")
    file = services.evidence_add_file(
        actor=coordinator.user,
        response=board,
        title="Terms of reference",
        upload=upload,
        effective_on=date(2025, 5, 1),
    )
    services.contribution_assign(
        actor=coordinator.user,
        assessment=assessment,
        criterion=board.criterion,
        organisation=coordinator.user.organisation,
    )
    answer = api(coordinator.user).get(f"/api/v1/assessments/{assessment.pk}")
    assert answer.status_code == 200
    body = answer.json()
    assert body["title"] == "Self-assessment 2025"
    assert (body["kind"], body["status"], body["in_full"]) == ("self", "draft", True)
    assert body["framework"] == {
        "identifier": "cycle-check",
        "version": "1.0",
        "title": "Cycle check",
    }
    assert (body["period_start"], body["period_end"]) == ("2025-04-01", "2026-03-31")
    assert body["carried_from"] == {
        "id": first.pk,
        "title": "Self-assessment 2024",
        "kind": "self",
        "status": "published",
    }
    assert (body["reviews"], body["reviewed_by"], body["transitions"]) == (None, [], [])
    assert [c["criterion"] for c in body["criteria"]] == ["ownership", "board", "projects"]
    assert (body["criterion_count"], body["rated_count"], body["unconfirmed_count"]) == (3, 3, 2)
    ownership, row, projects = body["criteria"]
    assert ownership["carried_forward"] is True
    assert (ownership["rating"], ownership["target"], ownership["revision"]) == (2, 3, 0)
    assert ownership["commentary"] == "Seen in the minutes."
    assert ownership["evidence"] == []
    assert row["id"] == board.pk
    assert row["theme"] == "leadership"
    assert row["scale"] == "maturity"
    assert (row["rating"], row["target"], row["revision"]) == (3, 4, 1)
    assert row["carried_forward"] is False
    assert row["commentary"] == "The board decides."
    assert sorted(r["name"] for r in row["rater_ratings"]) == sorted(
        [coordinator.user.full_name, board_member.user.full_name]
    )
    assert {r["rating"] for r in row["rater_ratings"]} == {3}
    assert {r["rater_id"] for r in row["rater_ratings"]} == {
        coordinator.user.pk,
        board_member.user.pk,
    }
    assert row["evidence"] == [
        {
            "id": link.pk,
            "kind": "link",
            "title": "Minutes",
            "url": "https://example.org/minutes",
            "file_name": None,
            "size": None,
            "content_hash": "",
            "effective_on": "2025-06-01",
            "carried_forward": False,
        },
        {
            "id": file.pk,
            "kind": "file",
            "title": "Terms of reference",
            "url": f"/assessments/evidence/{file.pk}/",
            "file_name": "terms.pdf",
            "size": len(PDF),
            "content_hash": file.content_hash,
            "effective_on": "2025-05-01",
            "carried_forward": False,
        },
    ]
    assert len(file.content_hash) == 64
    assert row["contributions"] == [
        {
            "organisation_id": coordinator.user.organisation_id,
            "organisation_name": coordinator.user.organisation.name,
            "user_id": None,
            "user_name": None,
        }
    ]
    assert projects["theme"] == "delivery"


def test_the_history_and_the_reviews_are_in_the_read(coordinator, framework_version):
    assessment = start(coordinator, framework_version)
    client = api(coordinator.user)
    submitted = client.post(
        f"/api/v1/assessments/{assessment.pk}/submit",
        {"no_personal_data_declared": True},
        content_type="application/json",
    )
    assert submitted.status_code == 200
    review = services.assessment_start(
        actor=None,
        partnership=coordinator.partnership,
        kind=AssessmentKind.PEER_REVIEW,
        framework_version=framework_version,
        title="Peer review 2025",
        reviews=assessment,
        period_start=assessment.period_start,
        period_end=assessment.period_end,
    )
    body = client.get(f"/api/v1/assessments/{assessment.pk}").json()
    assert [(t["from_status"], t["to_status"], t["actor_name"]) for t in body["transitions"]] == [
        ("draft", "submitted", coordinator.user.full_name)
    ]
    assert body["reviewed_by"] == [
        {"id": review.pk, "title": "Peer review 2025", "kind": "peer_review", "status": "draft"}
    ]
    of_review = client.get(f"/api/v1/assessments/{review.pk}").json()
    assert of_review["reviews"]["id"] == assessment.pk
    assert of_review["reviews_id"] == assessment.pk


def test_a_community_reviewer_reads_only_the_published_summary(coordinator, framework_version):
    assessment = start(coordinator, framework_version)
    for response in assessment.responses.all():
        services.response_update(
            actor=coordinator.user,
            response=response,
            seen_revision=0,
            rating=3,
            target=4,
            commentary="Seen in the minutes.",
        )
    reviewer = MembershipFactory(partnership=coordinator.partnership, role=Role.COMMUNITY_REVIEWER)
    client = api(reviewer.user)
    assert client.get(f"/api/v1/assessments/{assessment.pk}").status_code == 404  # a draft
    Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.PUBLISHED)
    body = client.get(f"/api/v1/assessments/{assessment.pk}").json()
    assert body["in_full"] is False
    assert {c["rating"] for c in body["criteria"]} == {3}
    assert {c["commentary"] for c in body["criteria"]} == {None}
    assert {c["evidence"] is None and c["rater_ratings"] is None for c in body["criteria"]} == {
        True
    }


def _through_the_schema(body: dict[str, Any]) -> str:
    """The answer as the API's renderer writes a validated `AssessmentDetailOut`: every key
    the schema declares and no other, each value of the declared type."""
    validated = AssessmentDetailOut.model_validate(body, strict=False)
    return json.dumps(validated.model_dump(), cls=NinjaJSONEncoder, sort_keys=True)


@pytest.mark.parametrize("reader", ["coordinator", "coordinator, last year", "community reviewer"])
def test_the_full_read_is_exactly_what_its_schema_gives(coordinator, framework_version, reader):
    """The full read is written straight to JSON, without validating each row: it must be the
    same, key for key and value for value (booleans, dates and times included), as the
    schema-validated answer the OpenAPI document declares."""
    first = start(coordinator, framework_version, 2024)
    client = api(coordinator.user)
    for response in first.responses.all():
        assert put(client, first, response, revision=0, rating=2, target=3).status_code == 200
    submitted = client.post(
        f"/api/v1/assessments/{first.pk}/submit",
        {"no_personal_data_declared": True},
        content_type="application/json",
    )
    assert submitted.status_code == 200
    services.assessment_start(
        actor=None,
        partnership=coordinator.partnership,
        kind=AssessmentKind.PEER_REVIEW,
        framework_version=framework_version,
        title="Peer review 2024",
        reviews=first,
        period_start=first.period_start,
        period_end=first.period_end,
    )
    board = first.responses.get(criterion__identifier="board")
    services.evidence_add_link(
        actor=coordinator.user,
        response=board,
        title="Minutes <b>& more</b> \u00e9",
        url="https://example.org/minutes",
        effective_on=date(2024, 6, 1),
    )
    services.evidence_add_file(
        actor=coordinator.user,
        response=board,
        title="Terms of reference",
        upload=SimpleUploadedFile("terms.pdf", PDF, content_type="application/pdf"),
        effective_on=date(2024, 5, 1),
    )
    services.contribution_assign(
        actor=coordinator.user,
        assessment=first,
        criterion=board.criterion,
        organisation=coordinator.user.organisation,
    )
    published(first)
    assessment = start(coordinator, framework_version, 2025)  # carried forward from the first
    carried = assessment.responses.get(criterion__identifier="board")
    services.rater_rating_record(actor=coordinator.user, response=carried, rating=3)
    if reader == "coordinator":
        read = assessment
    elif reader == "coordinator, last year":
        read = first
    else:
        client = api(
            MembershipFactory(
                partnership=coordinator.partnership, role=Role.COMMUNITY_REVIEWER
            ).user
        )
        Assessment.objects.filter(pk=first.pk).update(status=AssessmentStatus.PUBLISHED)
        read = first
    answer = client.get(f"/api/v1/assessments/{read.pk}")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/json; charset=utf-8"
    body = answer.json()
    assert body["in_full"] is (reader != "community reviewer")
    if reader == "coordinator":
        assert body["carried_from"]["id"] == first.pk
        assert {len(c["evidence"]) for c in body["criteria"]} == {0, 2}
        assert any(c["rater_ratings"] for c in body["criteria"])
    elif reader == "coordinator, last year":
        assert body["transitions"] and body["reviewed_by"] and body["criteria"]
        assert any(c["contributions"] for c in body["criteria"])
    else:
        assert body["transitions"] and body["criteria"]
        assert {c["evidence"] for c in body["criteria"]} == {None}
    assert json.dumps(body, sort_keys=True) == _through_the_schema(body)


# --- The list ------------------------------------------------------------------------------


def test_the_list_has_only_what_the_user_may_see(coordinator, framework_version):
    mine = start(coordinator, framework_version)
    other = MembershipFactory(role=Role.COORDINATOR)
    start(other, framework_version)
    client = api(coordinator.user)
    body = client.get("/api/v1/assessments").json()
    assert body["count"] == 1
    assert [a["id"] for a in body["items"]] == [mine.pk]
    assert body["items"][0]["partnership_name"] == coordinator.partnership.name
    filtered = client.get(f"/api/v1/assessments?partnership_id={other.partnership_id}").json()
    assert filtered == {"count": 0, "items": []}
    own = client.get(f"/api/v1/assessments?partnership_id={coordinator.partnership_id}").json()
    assert own["count"] == 1


# --- Rating a criterion --------------------------------------------------------------------


def test_a_second_editor_is_told_and_shown_both_versions(
    coordinator, board_member, framework_version
):
    assessment = start(coordinator, framework_version)
    board = assessment.responses.get(criterion__identifier="board")
    first = put(
        api(coordinator.user), assessment, board, revision=0, rating=3, target=4, commentary="Mine."
    )
    assert first.status_code == 200
    assert first.json()["revision"] == 1
    assert first.json()["updated_by_name"] == coordinator.user.full_name
    second = put(
        api(board_member.user),
        assessment,
        board,
        revision=0,
        rating=2,
        target=None,
        commentary="Theirs.",
    )
    assert second.status_code == 409
    body = second.json()
    assert body["detail"].startswith("Someone else saved this criterion")
    assert body["theirs"]["revision"] == 1
    assert (body["theirs"]["rating"], body["theirs"]["commentary"]) == (3, "Mine.")
    assert body["theirs"]["updated_by_id"] == coordinator.user.pk
    assert body["theirs"]["criterion"] == "board"
    assert body["yours"] == {
        "revision": 0,
        "rating": 2,
        "target": None,
        "commentary": "Theirs.",
        "consensus_reason": "",
    }
    board.refresh_from_db()
    assert (board.rating, board.commentary, board.revision) == (3, "Mine.", 1)
    again = put(
        api(board_member.user),
        assessment,
        board,
        revision=1,
        rating=2,
        target=None,
        commentary="Theirs.",
    )
    assert again.status_code == 200
    assert again.json()["revision"] == 2


def test_a_rating_off_the_scale_is_refused_with_the_field_named(coordinator, framework_version):
    assessment = start(coordinator, framework_version)
    board = assessment.responses.get(criterion__identifier="board")
    client = api(coordinator.user)
    answer = put(client, assessment, board, revision=0, rating=9, target=None)
    assert answer.status_code == 400
    assert answer.json() == {
        "detail": "The request was refused.",
        "errors": {"rating": ["9 is not a level of this criterion's scale."]},
    }
    target = put(client, assessment, board, revision=0, rating=None, target=0)
    assert target.status_code == 400
    assert list(target.json()["errors"]) == ["target"]
    board.refresh_from_db()
    assert (board.rating, board.revision) == (None, 0)


def test_differing_raters_need_a_consensus_reason(coordinator, board_member, framework_version):
    assessment = start(coordinator, framework_version)
    board = assessment.responses.get(criterion__identifier="board")
    services.rater_rating_record(actor=coordinator.user, response=board, rating=2)
    services.rater_rating_record(actor=board_member.user, response=board, rating=4)
    client = api(coordinator.user)
    refused = put(client, assessment, board, revision=0, rating=3, target=None)
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["consensus_reason"]
    agreed = put(
        client, assessment, board, revision=0, rating=3, target=None, consensus_reason="Met."
    )
    assert agreed.status_code == 200
    assert agreed.json()["consensus_reason"] == "Met."


def test_schema_errors_answer_422(coordinator, framework_version):
    assessment = start(coordinator, framework_version)
    board = assessment.responses.get(criterion__identifier="board")
    answer = put(api(coordinator.user), assessment, board, rating="high", colour="red")
    assert answer.status_code == 422
    fields = sorted(str(e["loc"][-1]) for e in answer.json()["errors"])
    assert fields == ["colour", "rating", "revision", "target"]


def test_visible_but_not_allowed_is_403_and_a_contributor_rates_only_their_own(
    coordinator, framework_version
):
    assessment = start(coordinator, framework_version)
    board = assessment.responses.get(criterion__identifier="board")
    contributor = MembershipFactory(partnership=coordinator.partnership, role=Role.CONTRIBUTOR)
    client = api(contributor.user)
    refused = put(client, assessment, board, revision=0, rating=3, target=None)
    assert refused.status_code == 403
    assert "assigned" in refused.json()["detail"]
    services.contribution_assign(
        actor=coordinator.user,
        assessment=assessment,
        criterion=board.criterion,
        user=contributor.user,
    )
    assert put(client, assessment, board, revision=0, rating=3, target=None).status_code == 200
    submit = client.post(
        f"/api/v1/assessments/{assessment.pk}/submit",
        {"no_personal_data_declared": True},
        content_type="application/json",
    )
    assert submit.status_code == 403
    assert submit.json()["detail"].startswith("The coordinator submits")


def test_another_partnerships_assessment_is_404(coordinator, framework_version):
    theirs = start(MembershipFactory(role=Role.COORDINATOR), framework_version)
    response = theirs.responses.first()
    assert response is not None
    client = api(coordinator.user)
    assert client.get(f"/api/v1/assessments/{theirs.pk}").json() == {"detail": "Not found."}
    assert client.get(f"/api/v1/assessments/{theirs.pk}").status_code == 404
    assert put(client, theirs, response, revision=0, rating=3, target=None).status_code == 404
    submit = client.post(
        f"/api/v1/assessments/{theirs.pk}/submit",
        {"no_personal_data_declared": True},
        content_type="application/json",
    )
    assert submit.status_code == 404
    # A response of another assessment, under one the user may see, is not found either.
    mine = start(coordinator, framework_version)
    assert put(client, mine, response, revision=0, rating=3, target=None).status_code == 404
    assert client.get("/api/v1/assessments/999999").status_code == 404


def test_a_peer_reviewer_reads_the_assigned_assessment_until_the_end_date(
    coordinator, framework_version
):
    assessment = start(coordinator, framework_version)
    peer = UserFactory()
    today = timezone.localdate()
    assignment = Assignment.objects.create(
        user=peer,
        kind=AssignmentKind.PEER_REVIEWER,
        title="Peer review",
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=30),
        subject_reference=f"assessment:{assessment.pk}",
    )
    assignment.partnerships.set([coordinator.partnership])
    other = start(coordinator, framework_version, 2026)
    assert api(peer).get(f"/api/v1/assessments/{assessment.pk}").status_code == 200
    assert api(peer).get(f"/api/v1/assessments/{other.pk}").status_code == 404
    assert [a["id"] for a in api(peer).get("/api/v1/assessments").json()["items"]] == [
        assessment.pk
    ]
    Assignment.objects.filter(pk=assignment.pk).update(ends_on=today - timedelta(days=1))
    assert api(peer).get(f"/api/v1/assessments/{assessment.pk}").status_code == 404


# --- Submitting ----------------------------------------------------------------------------


def test_submitting_lists_the_services_problems_then_submits(coordinator, framework_version):
    first = start(coordinator, framework_version, 2024)
    for response in first.responses.all():
        services.response_update(
            actor=coordinator.user,
            response=response,
            seen_revision=0,
            rating=2,
            target=None,
            commentary="",
        )
    published(first)
    second = start(coordinator, framework_version, 2025)
    client = api(coordinator.user)
    url = f"/api/v1/assessments/{second.pk}/submit"
    refused = client.post(
        url, {"no_personal_data_declared": False}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert refused.json()["errors"] == {
        "carried_forward": ["3 carried-forward ratings still need confirming or changing."],
        "no_personal_data_declared": [
            "Confirm that the assessment holds no information about identifiable members of "
            "the public."
        ],
    }
    for response in second.responses.all():
        assert put(client, second, response, revision=0, rating=2, target=None).status_code == 200
    submitted = client.post(
        url, {"no_personal_data_declared": True}, content_type="application/json"
    )
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["carried_from_id"] == first.pk
    second.refresh_from_db()
    assert second.status == AssessmentStatus.SUBMITTED
    assert second.personal_data_declared_by == coordinator.user
    again = client.post(url, {"no_personal_data_declared": True}, content_type="application/json")
    assert again.status_code == 403
    assert client.post(url, {}, content_type="application/json").status_code == 422


# --- Query counts --------------------------------------------------------------------------


def test_the_full_read_makes_the_same_queries_whatever_its_size(coordinator):
    client = api(coordinator.user)
    small = grown(coordinator, criteria=3, raters=1, evidence=1)
    large = grown(coordinator, criteria=30, raters=5, evidence=4)
    # The token's first use writes when it was used; later ones within the minute do not.
    assert client.get("/api/v1/me").status_code == 200
    counts = []
    for assessment in (small, large):
        with CaptureQueriesContext(connection) as captured:
            answer = client.get(f"/api/v1/assessments/{assessment.pk}")
        assert answer.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
    body = client.get(f"/api/v1/assessments/{large.pk}").json()
    assert len(body["criteria"]) == 30
    assert sum(len(c["evidence"]) for c in body["criteria"]) == 120
    assert {len(c["rater_ratings"]) for c in body["criteria"]} == {5}
    assert {len(c["contributions"]) for c in body["criteria"]} == {2}
