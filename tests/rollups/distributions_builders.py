"""Small scored worlds for the distribution tests, the access matrix and the query counts."""

from __future__ import annotations

from datetime import date
from typing import Any

from lde.assessments.models import (
    Assessment,
    AssessmentKind,
    AssessmentStatus,
    CriterionResponse,
)
from lde.frameworks.models import Criterion, CriterionKind, FrameworkVersion
from lde.frameworks.services import framework_load
from lde.partnerships.models import Partnership
from tests.factories import PartnershipFactory

FRAMEWORK = """
identifier: rollup-check
version: "{version}"
title: Roll-up check
status: current
summary: A small framework for roll-up tests.
source: {{document: The report, paragraphs: ["89"]}}
provenance: Written for tests.
scales:
  - identifier: maturity
    title: Maturity
    descriptors_written_by: platform
    levels:
      - {{value: 0, label: Not in place, descriptor: None.}}
      - {{value: 1, label: Developing, descriptor: Some.}}
      - {{value: 2, label: Established, descriptor: Routine.}}
      - {{value: 3, label: Embedded, descriptor: Usual.}}
      - {{value: 4, label: Leading, descriptor: Shared.}}
themes:
  - identifier: leadership
    title: Leadership
    paragraphs: ["92"]
    criteria:
      - {{identifier: ownership, title: Ownership, paragraphs: ["93"]}}
  - identifier: delivery
    title: Delivery
    paragraphs: ["100"]
    criteria:
      - {{identifier: projects, title: Projects, paragraphs: ["44"]}}
"""


def version(number: str = "1.0") -> FrameworkVersion:
    return framework_load(
        actor=None, text=FRAMEWORK.format(version=number), file_name=f"rollup-{number}.yaml"
    ).version


def scored(
    partnership: Partnership,
    framework_version: FrameworkVersion,
    leadership: int,
    delivery: int,
    *,
    year: int = 2024,
    status: str = AssessmentStatus.PUBLISHED,
) -> Assessment:
    """A self-assessment in the cycle starting in April `year`: each theme's one criterion at
    the given level of 0 to 4, so its theme scores 25% a level."""
    assessment = Assessment.objects.create(
        partnership=partnership,
        kind=AssessmentKind.SELF,
        framework_version=framework_version,
        title=f"Roll-up check {year}",
        period_start=date(year, 4, 1),
        period_end=date(year + 1, 3, 31),
        status=status,
        published_without_review=True,
    )
    criteria = dict(
        Criterion.objects.filter(
            framework_version=framework_version, kind=CriterionKind.CRITERION
        ).values_list("identifier", "pk")
    )
    CriterionResponse.objects.bulk_create(
        [
            CriterionResponse(
                assessment=assessment, criterion_id=criteria["ownership"], rating=leadership
            ),
            CriterionResponse(
                assessment=assessment, criterion_id=criteria["projects"], rating=delivery
            ),
        ]
    )
    return assessment


def region_of(
    region: str, levels: list[int], framework_version: FrameworkVersion, **kwargs: Any
) -> list[Partnership]:
    """A partnership in the region for each level, scored at that level on both themes."""
    made = []
    for level in levels:
        partnership = PartnershipFactory(region=region)
        scored(partnership, framework_version, level, level, **kwargs)
        made.append(partnership)
    return made
