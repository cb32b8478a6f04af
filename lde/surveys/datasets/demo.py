"""The demo's public survey: a fictional Harrowfield residents' survey, weighted, stratified by
ward and clustered by street, generated here with a fixed seed (no real data, nothing
downloaded), uploaded by the partnership's coordinator through the same service as the page,
with saved estimates and one attached as evidence to a progress-measures criterion.

The questions follow the household survey of ¶175 (Birmingham's asked about confidence in
reporting hate crime, belonging and trust): whether a resident would feel confident reporting a
hate crime, how strongly they feel they belong to their neighbourhood, and how much they trust
the police, each on its scale, with the resident's age band and tenure. No row names or
identifies anyone; the respondents are invented numbers.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import numpy as np

from lde.accounts.models import User
from lde.assessments import services as assessment_services
from lde.assessments.models import (
    OPEN_STATUSES,
    Assessment,
    AssessmentKind,
    AssessmentStatus,
    CriterionResponse,
    Evidence,
)
from lde.frameworks.models import CriterionKind, FrameworkVersion
from lde.partnerships.models import Membership, Partnership, Role
from lde.surveys.datasets import services
from lde.surveys.models import LonelyPsu, Statistic, SurveyDataSet

PARTNERSHIP = "Harrowfield Prevent Partnership"
TITLE = "Harrowfield residents' survey 2025"
SEED = 175  # the report's paragraph on community surveys
# Fictional wards: (name, households in the ward, streets in the ward, streets sampled).
WARDS = (
    ("Northgate", 9_800, 140, 11),
    ("Riverside", 8_200, 120, 10),
    ("Castle Hill", 6_400, 95, 9),
    ("Millbrook", 5_100, 80, 8),
)
HOUSEHOLDS_PER_STREET = 40
# Each ward's residents lean a little differently, so that the estimates differ by ward.
LEAN = {"Northgate": 0.2, "Riverside": -0.1, "Castle Hill": 0.35, "Millbrook": -0.3}
AGE_BANDS = ("16-34", "35-54", "55 and over")
TENURES = ("Owned", "Rented privately", "Social housing", "Other")
COLUMNS = (
    "respondent",
    "ward",
    "street",
    "streets_in_ward",
    "weight",
    "age_band",
    "tenure",
    "confident_reporting_hate_crime",
    "belonging",
    "trust_police",
)
# The estimates the demo saves: (statistic, outcome, value, by).
ESTIMATES = (
    (Statistic.PROPORTION, "confident_reporting_hate_crime", "Yes", "ward"),
    (Statistic.MEAN, "belonging", "", ""),
    (Statistic.MEAN, "trust_police", "", "tenure"),
    (Statistic.MEDIAN, "trust_police", "", ""),
)
PROGRESS_MEASURES = "progress-measures"
# The criterion the survey's confidence in reporting hate crime speaks to (¶174–175).
CRITERION = "community-capacity-and-resilience"


def survey_rows(seed: int = SEED) -> list[list[str]]:
    """About 1,500 invented responses: in each ward a sample of streets, and in each street
    between 30 and 45 households that answered; weighted to the ward's households, with a
    small adjustment for non-response. The same every time for the same seed."""
    rng = np.random.default_rng(seed)
    rows: list[list[str]] = []
    respondent = 0
    for ward, households, streets, sampled in WARDS:
        answered = [int(rng.integers(30, 46)) for _ in range(sampled)]
        in_ward = sum(answered)
        for street_number in range(1, sampled + 1):
            street_lean = float(rng.normal(0, 0.35))
            for _ in range(answered[street_number - 1]):
                respondent += 1
                lean = LEAN[ward] + street_lean
                age = AGE_BANDS[int(rng.choice(3, p=(0.3, 0.38, 0.32)))]
                # Rarely "Other": a domain with fewer than 10 responses, withheld outside.
                tenure = TENURES[int(rng.choice(4, p=(0.55, 0.22, 0.226, 0.004)))]
                age_lean = {"16-34": -0.25, "35-54": 0.0, "55 and over": 0.3}[age]
                p_yes = 1 / (1 + np.exp(-(0.4 + lean + age_lean)))
                confident = (
                    "Yes"
                    if rng.random() < p_yes
                    else ("No" if rng.random() < 0.75 else "Don't know")
                )
                belonging = int(np.clip(round(3.3 + lean + age_lean + rng.normal(0, 1)), 1, 5))
                trust = int(np.clip(round(3.0 + lean + rng.normal(0, 1.1)), 1, 5))
                weight = households / in_ward * float(rng.uniform(0.85, 1.15))
                rows.append(
                    [
                        str(respondent),
                        ward,
                        f"{ward[:2].upper()}-{street_number:02d}",
                        str(streets),
                        f"{weight:.4f}",
                        age,
                        tenure,
                        confident,
                        str(belonging),
                        str(trust),
                    ]
                )
    return rows


def survey_csv(seed: int = SEED) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(survey_rows(seed))
    return out.getvalue().encode("utf-8")


DESIGN = services.Design(
    weights_column="weight",
    strata_column="ward",
    cluster_column="street",
    fpc_column="streets_in_ward",
    lonely_psu=LonelyPsu.FAIL,
)


def _coordinator(partnership: Partnership) -> User | None:
    membership = (
        Membership.objects.filter(partnership=partnership, role=Role.COORDINATOR)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _progress_measures_draft(partnership: Partnership, coordinator: User) -> Assessment | None:
    """The partnership's draft progress-measures self-assessment: one already open, or one
    started for the survey's year. None when the framework is not loaded."""
    version = (
        FrameworkVersion.objects.filter(framework__identifier=PROGRESS_MEASURES)
        .order_by("-pk")
        .first()
    )
    if version is None:
        return None
    found = Assessment.objects.filter(
        partnership=partnership,
        kind=AssessmentKind.SELF,
        framework_version=version,
        status__in=OPEN_STATUSES,
    ).first()
    if found is not None:
        return found if found.status == AssessmentStatus.DRAFT else None
    return assessment_services.assessment_start(
        actor=coordinator,
        partnership=partnership,
        kind=AssessmentKind.SELF,
        framework_version=version,
        title="Harrowfield progress measures 2025/26",
        period_start=date(2025, 4, 1),
        period_end=date(2026, 3, 31),
    )


def demo_build() -> None:
    """Upload the survey once, save its estimates, and attach the first to a progress-measures
    criterion. Safe to run again: a data set of the same title is left as it is."""
    partnership = Partnership.objects.filter(name=PARTNERSHIP).first()
    if partnership is None:
        return
    coordinator = _coordinator(partnership)
    if coordinator is None:
        return
    if SurveyDataSet.objects.filter(partnership=partnership, title=TITLE).exists():
        return
    data_set = services.data_set_upload(
        actor=coordinator,
        partnership=partnership,
        title=TITLE,
        source="A fictional postal and online survey of households for the demo: streets "
        "sampled in each ward, every household in a sampled street invited; weighted to the "
        "ward's households with an adjustment for non-response.",
        period_start=date(2025, 9, 1),
        period_end=date(2025, 11, 30),
        upload=services.Upload("harrowfield-residents-2025.csv", survey_csv()),
        design=DESIGN,
    )
    saved = [
        services.estimate_save(
            actor=coordinator,
            data_set=data_set,
            statistic=statistic,
            outcome=outcome,
            value=value,
            domain_column=by,
        )
        for statistic, outcome, value, by in ESTIMATES
    ]
    assessment = _progress_measures_draft(partnership, coordinator)
    if assessment is None:
        return
    responses = CriterionResponse.objects.filter(
        assessment=assessment, criterion__kind=CriterionKind.CRITERION
    ).order_by("criterion__position")
    response = responses.filter(criterion__identifier=CRITERION).first() or responses.first()
    if response is None or Evidence.objects.filter(response=response).exists():
        return
    services.estimate_attach(actor=coordinator, estimate=saved[0], response=response)
