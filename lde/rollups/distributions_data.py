"""Published self-assessments written in bulk, for a national set of fictional scores: the
demo's national roll-up (`lde.rollups.demo`), the tests of distributions and `lde bench
rollups`.

They are written straight to the tables with `bulk_create`, not through the audited services:
hundreds of cycles through the workflow (start, rate, sign off, submit, publish) would take
minutes of hashing the audit chain for rows that record nothing real. Each is a self-assessment
published without review, titled as fictional, with a rating for every rated criterion drawn
round the partnership's own level (a fixed seed), so that scores spread as real ones would and
rise a little from one cycle to the next.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date

from lde.assessments import analysis
from lde.assessments.models import (
    Assessment,
    AssessmentKind,
    AssessmentStatus,
    CriterionResponse,
)
from lde.frameworks.models import FrameworkVersion
from lde.partnerships.models import Partnership

TITLE = "Fictional self-assessment {cycle} (national set)"


def scored_cycles(
    *,
    partnerships: Sequence[Partnership],
    version: FrameworkVersion,
    years: Sequence[int],
    seed: int = 17,
) -> int:
    """A published self-assessment of `version` for each partnership in each year (the
    financial year starting in April), rated round a level drawn for the partnership. Returns
    the number of assessments written. A partnership that already has one titled so in a year
    is left as it is, so that running it again writes nothing twice."""
    shape = analysis.version_shapes(versions=[version])[version.pk]
    criteria = [(node.id, shape.scale_of(node)) for node in shape.rated_criteria]
    titles = {y: TITLE.format(cycle=f"{y}-{(y + 1) % 100:02d}") for y in years}
    done = set(
        Assessment.objects.filter(
            partnership__in=list(partnerships), title__in=list(titles.values())
        ).values_list("partnership_id", "title")
    )
    rng = random.Random(seed)  # noqa: S311 - fictional scores, not secrets
    made: list[tuple[Assessment, float]] = []
    for partnership in partnerships:
        level = rng.betavariate(2.2, 2.0)  # where this partnership stands, 0 to 1
        for step, year in enumerate(sorted(years)):
            if (partnership.pk, titles[year]) in done:
                continue
            made.append(
                (
                    Assessment(
                        partnership=partnership,
                        kind=AssessmentKind.SELF,
                        framework_version=version,
                        title=titles[year],
                        period_start=date(year, 4, 1),
                        period_end=date(year + 1, 3, 31),
                        status=AssessmentStatus.PUBLISHED,
                        published_without_review=True,
                    ),
                    min(1.0, level + 0.04 * step),
                )
            )
    Assessment.objects.bulk_create([a for a, _ in made], batch_size=500)
    responses = []
    for assessment, level in made:
        for criterion_id, scale in criteria:
            if scale is None:
                continue
            values = [v for v, _ in scale.levels]
            drawn = min(len(values) - 1, max(0, round(rng.gauss(level, 0.18) * (len(values) - 1))))
            responses.append(
                CriterionResponse(
                    assessment=assessment,
                    criterion_id=criterion_id,
                    rating=values[drawn],
                    target=values[min(len(values) - 1, drawn + 1)],
                )
            )
    CriterionResponse.objects.bulk_create(responses, batch_size=2000)
    return len(made)


def demo_national_set() -> int:
    """The demo's national roll-up: the twenty fictional partnerships of the national picture
    (`data/demo.yaml`) each publish a self-assessment of the Prevent partnership model in the
    last two cycles, the same cycles as the main demo's three partnerships' latest, so that a
    national distribution shows figures (the main three alone would show only suppression)."""
    from lde.assessments.demo import FRAMEWORK, FRAMEWORK_VERSION, financial_year
    from lde.core.access.facts import today
    from lde.rollups.demo import TEXT

    version = FrameworkVersion.objects.filter(
        framework__identifier=FRAMEWORK, version=FRAMEWORK_VERSION
    ).first()
    if version is None:
        return 0
    names = [f"{entry['place']} Prevent Partnership" for entry in TEXT["partnerships"]]
    partnerships = list(Partnership.objects.filter(name__in=names).order_by("name"))
    this_year = financial_year(today())
    return scored_cycles(
        partnerships=partnerships, version=version, years=[this_year - 2, this_year - 1]
    )
