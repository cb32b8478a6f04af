"""A partnership with people in every role, a small framework in two versions with a mapping
between them, and cycles of self-assessment to raise actions on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from lde.accounts.models import User
from lde.action_plans import services
from lde.action_plans.models import Action
from lde.assessments import services as assessment_services
from lde.assessments.models import Assessment, AssessmentKind
from lde.frameworks.models import FrameworkVersion
from lde.frameworks.services import framework_load, mapping_load
from lde.partnerships.models import Partnership, Role
from tests.factories import MembershipFactory, PartnershipFactory

SCALE = """
scales:
  - identifier: maturity
    title: Maturity
    descriptors_written_by: platform
    levels:
      - {value: 1, label: Not in place, descriptor: None.}
      - {value: 2, label: Developing, descriptor: Some.}
      - {value: 3, label: Established, descriptor: Routine.}
      - {value: 4, label: Leading, descriptor: Shared.}
"""

HEAD = """
identifier: plan-check
version: "VERSION"
title: Plan check
status: current
summary: A small framework for action plan tests.
source: {document: The report, paragraphs: ["89"]}
provenance: Written for tests.
"""

VERSION_1 = (
    HEAD.replace("VERSION", "1.0")
    + SCALE
    + """
themes:
  - identifier: leadership
    title: Leadership
    paragraphs: ["92"]
    criteria:
      - {identifier: ownership, title: Ownership, paragraphs: ["93"]}
      - {identifier: board, title: Board, paragraphs: ["108"]}
  - identifier: delivery
    title: Delivery
    paragraphs: ["100"]
    criteria:
      - {identifier: projects, title: Projects, paragraphs: ["44"]}
      - {identifier: reach, title: Reach, paragraphs: ["45"]}
      - {identifier: partners, title: Partners, paragraphs: ["46"]}
      - {identifier: training, title: Training, paragraphs: ["47"]}
"""
)

VERSION_2 = (
    HEAD.replace("VERSION", "2.0")
    + SCALE
    + """
themes:
  - identifier: leadership
    title: Leadership
    paragraphs: ["92"]
    criteria:
      - {identifier: ownership, title: Ownership, paragraphs: ["93"]}
      - {identifier: governance, title: Governance, paragraphs: ["108"]}
  - identifier: delivery
    title: Delivery
    paragraphs: ["100"]
    criteria:
      - {identifier: projects-local, title: Local projects, paragraphs: ["44"]}
      - {identifier: projects-partners, title: Partners' projects, paragraphs: ["44"]}
      - {identifier: engagement, title: Engagement, paragraphs: ["45"]}
      - {identifier: evaluation, title: Evaluation, paragraphs: ["170"]}
"""
)

MAPPING = """
framework: plan-check
from_version: "1.0"
to_version: "2.0"
changes:
  - {kind: same, from: [ownership], to: [ownership]}
  - {kind: renamed, from: [board], to: [governance]}
  - {kind: split, from: [projects], to: [projects-local, projects-partners]}
  - {kind: merged, from: [reach, partners], to: [engagement]}
  - {kind: retired, from: [training], to: []}
  - {kind: new, from: [], to: [evaluation]}
"""


@dataclass
class World:
    partnership: Partnership
    coordinator: User
    board_member: User
    contributor: User
    viewer: User
    community_reviewer: User
    version: FrameworkVersion

    def cycle(
        self,
        year: int,
        ratings: dict[str, int | None],
        *,
        publish: bool = True,
        version: FrameworkVersion | None = None,
    ) -> Assessment:
        return cycle(self.partnership, version or self.version, year, ratings, publish=publish)

    def raise_action(self, assessment: Assessment, *identifiers: str, **kwargs: Any) -> Action:
        criteria = list(assessment.framework_version.criteria.filter(identifier__in=identifiers))
        values: dict[str, Any] = {
            "actor": self.coordinator,
            "assessment": assessment,
            "criteria": criteria,
            "title": "Refresh the narrative",
            "description": "Rewrite it with partners and the reference group.",
            "owner": self.contributor,
            "owner_organisation": self.partnership.lead_council,
            "due_on": timezone.localdate() + timedelta(days=30),
        }
        values.update(kwargs)
        return services.action_raise(**values)


def cycle(
    partnership: Partnership,
    version: FrameworkVersion,
    year: int,
    ratings: dict[str, int | None],
    *,
    publish: bool = True,
) -> Assessment:
    """A self-assessment of the year starting in April `year`, rated as given (other criteria
    not rated), submitted and published after the board's sign-off."""
    assessment = assessment_services.assessment_start(
        actor=None,
        partnership=partnership,
        kind=AssessmentKind.SELF,
        framework_version=version,
        title=f"Self-assessment {year}",
        period_start=date(year, 4, 1),
        period_end=date(year + 1, 3, 31),
        carry_forward=False,
    )
    for response in assessment.responses.select_related("criterion"):
        rating = ratings.get(response.criterion.identifier)
        assessment_services.response_update(
            actor=None,
            response=response,
            seen_revision=response.revision,
            rating=rating,
            target=4,
            commentary="Seen in the board minutes.",
        )
    if publish:
        assessment = assessment_services.assessment_submit(
            actor=None, assessment=assessment, no_personal_data_declared=True
        )
        assessment = assessment_services.board_sign_off(actor=None, assessment=assessment)
        assessment_services.assessment_publish(actor=None, assessment=assessment)
    return Assessment.objects.get(pk=assessment.pk)


@pytest.fixture
def world() -> World:
    version = framework_load(actor=None, text=VERSION_1, file_name="plan-check-1.0.yaml").version
    partnership = PartnershipFactory()
    people = {
        role: MembershipFactory(
            partnership=partnership, role=role, user__organisation=partnership.lead_council
        ).user
        for role in Role.values
    }
    return World(
        partnership=partnership,
        coordinator=people[Role.COORDINATOR],
        board_member=people[Role.BOARD_MEMBER],
        contributor=people[Role.CONTRIBUTOR],
        viewer=people[Role.VIEWER],
        community_reviewer=people[Role.COMMUNITY_REVIEWER],
        version=version,
    )


@pytest.fixture
def version_2(world: World) -> FrameworkVersion:
    version = framework_load(actor=None, text=VERSION_2, file_name="plan-check-2.0.yaml").version
    mapping_load(actor=None, text=MAPPING, file_name="plan-check-1.0-2.0.yaml")
    return version
