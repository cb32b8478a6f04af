"""Builders shared by the assessment tests: an assessment started for a coordinator, and one
grown to a given size to show that query counts do not grow with it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import yaml
from django.utils import timezone

from lde.accounts.models import User
from lde.assessments import services
from lde.assessments.models import Assessment, AssessmentKind, AssessmentStatus, CriterionResponse
from lde.frameworks.services import framework_load
from lde.partnerships.models import Assignment, AssignmentKind, Role
from tests.factories import MembershipFactory, UserFactory


def start(coordinator: Any, version: Any, year: int = 2025, **kwargs: Any) -> Assessment:
    return services.assessment_start(
        actor=coordinator.user,
        partnership=coordinator.partnership,
        kind=AssessmentKind.SELF,
        framework_version=version,
        title=f"Self-assessment {year}",
        period_start=date(year, 4, 1),
        period_end=date(year + 1, 3, 31),
        **kwargs,
    )


def published(assessment: Assessment) -> Assessment:
    """The cycle as if moderated and published: only a published cycle is carried forward."""
    Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.PUBLISHED)
    assessment.refresh_from_db()
    return assessment


def framework_text(criteria: int) -> str:
    """A framework of `criteria` criteria over three themes, half with rubrics of their own."""
    themes = []
    for t in range(3):
        items: list[dict[str, Any]] = []
        for c in range(t, criteria, 3):
            item: dict[str, Any] = {
                "identifier": f"criterion-{c}",
                "title": f"Criterion {c}",
                "paragraphs": ["93"],
            }
            if c % 2:
                item["rubric_written_by"] = "platform"
                item["rubric"] = {1: "None.", 2: "Some.", 3: "Most.", 4: "All."}
            items.append(item)
        themes.append(
            {
                "identifier": f"theme-{t}",
                "title": f"Theme {t}",
                "paragraphs": ["92"],
                "criteria": items,
            }
        )
    return yaml.safe_dump(
        {
            "identifier": f"size-{criteria}",
            "version": "1.0",
            "title": f"Size {criteria}",
            "status": "current",
            "summary": "A framework for counting queries.",
            "source": {"document": "The report", "paragraphs": ["89"]},
            "provenance": "Written for tests.",
            "scales": [
                {
                    "identifier": "maturity",
                    "title": "Maturity",
                    "descriptors_written_by": "platform",
                    "levels": [
                        {"value": v, "label": f"Level {v}", "descriptor": f"Level {v}."}
                        for v in range(1, 5)
                    ],
                }
            ],
            "themes": themes,
        },
        sort_keys=False,
    )


def grown(coordinator: Any, criteria: int, raters: int, evidence: int) -> Assessment:
    version = framework_load(
        actor=None, text=framework_text(criteria), file_name=f"size-{criteria}.yaml"
    ).version
    assessment = start(coordinator, version)
    people = [
        MembershipFactory(partnership=coordinator.partnership, role=Role.BOARD_MEMBER).user
        for _ in range(raters)
    ]
    for index, response in enumerate(assessment.responses.select_related("criterion")):
        services.response_update(
            actor=coordinator.user,
            response=response,
            seen_revision=0,
            rating=1 + index % 4,
            target=4,
            commentary="Commentary.",
            consensus_reason="Agreed.",
        )
        for person in people:
            services.rater_rating_record(actor=person, response=response, rating=1 + index % 4)
        for number in range(evidence):
            services.evidence_add_link(
                actor=coordinator.user,
                response=response,
                title=f"Link {number}",
                url=f"https://example.org/{number}",
                effective_on=date(2025, 6, 1),
            )
        services.contribution_assign(
            actor=coordinator.user,
            assessment=assessment,
            criterion=response.criterion,
            organisation=coordinator.user.organisation,
        )
        services.contribution_assign(
            actor=coordinator.user,
            assessment=assessment,
            criterion=response.criterion,
            user=people[0] if people else coordinator.user,
        )
    for person in people[:2]:
        services.organisation_sign_off(
            actor=person, assessment=assessment, organisation=person.organisation
        )
    return assessment


def rate_all(actor: Any, assessment: Assessment, value: int) -> None:
    for response in assessment.responses.all():
        services.response_update(
            actor=actor,
            response=response,
            seen_revision=response.revision,
            rating=value,
            target=4,
            commentary="Seen in the board minutes.",
        )


def peer_reviewed(
    coordinator: Any, version: Any, year: int
) -> tuple[Assessment, Assessment, User, CriterionResponse]:
    """A submitted self-assessment rated 3 throughout, and a submitted peer review of it by an
    assigned peer reviewer that rates the "board" criterion 2 instead."""
    own = start(coordinator, version, year)
    rate_all(coordinator.user, own, 3)
    services.assessment_submit(
        actor=coordinator.user, assessment=own, no_personal_data_declared=True
    )
    peer = UserFactory()
    today = timezone.localdate()
    assignment = Assignment.objects.create(
        user=peer,
        kind=AssignmentKind.PEER_REVIEWER,
        title="Peer review",
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=30),
        subject_reference=f"assessment:{own.pk}",
    )
    assignment.partnerships.set([coordinator.partnership])
    review = services.assessment_start(
        actor=None,
        partnership=coordinator.partnership,
        kind=AssessmentKind.PEER_REVIEW,
        framework_version=version,
        title=f"Peer review {year}",
        reviews=own,
        period_start=own.period_start,
        period_end=own.period_end,
    )
    rate_all(peer, review, 3)
    board = review.responses.get(criterion__identifier="board")
    services.response_update(
        actor=peer,
        response=board,
        seen_revision=board.revision,
        rating=2,
        target=4,
        commentary="Less mature than claimed.",
    )
    services.assessment_submit(actor=peer, assessment=review, no_personal_data_declared=True)
    return own, review, peer, board
