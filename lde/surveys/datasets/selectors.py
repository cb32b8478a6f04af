"""Reads of survey data sets and saved estimates, scoped by the policies (404 for what is
missing or not visible). Lists never load a data set's responses (`rows` is deferred): only the
pages that compute an estimate read them, once.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from lde.assessments.models import AssessmentKind, AssessmentStatus, CriterionResponse
from lde.assessments.policies import assessment_policy
from lde.core.access.facts import AnyUser
from lde.partnerships.models import Partnership
from lde.surveys.datasets.policies import saved_estimate_policy, survey_data_set_policy
from lde.surveys.models import SavedEstimate, SurveyDataSet

# The frameworks whose criteria a survey's estimate informs (¶174–175).
EVIDENCE_FRAMEWORKS = ("progress-measures", "desirable-characteristics")


def data_set_list(*, user: AnyUser, partnership: Partnership) -> QuerySet[SurveyDataSet]:
    return (
        survey_data_set_policy.visible_to(user, "view")
        .filter(partnership=partnership)
        .defer("rows")
        .annotate(estimate_count=Count("estimates"))
        .order_by("-period_end", "title", "pk")
    )


def data_set_get(*, user: AnyUser, data_set_id: Any, with_rows: bool = False) -> SurveyDataSet:
    queryset = SurveyDataSet.objects.select_related("partnership")
    if not with_rows:
        queryset = queryset.defer("rows")
    return survey_data_set_policy.get_or_404(user, data_set_id, queryset)


def estimate_list(*, user: AnyUser, data_set: SurveyDataSet) -> QuerySet[SavedEstimate]:
    return (
        saved_estimate_policy.visible_to(user, "view")
        .filter(data_set=data_set)
        .select_related("saved_by")
        .order_by("-computed_at", "pk")
    )


def estimate_get(*, user: AnyUser, estimate_id: Any) -> SavedEstimate:
    return saved_estimate_policy.get_or_404(
        user,
        estimate_id,
        SavedEstimate.objects.select_related("data_set__partnership", "saved_by").defer(
            "data_set__rows"
        ),
    )


def attachable_responses(*, user: AnyUser, partnership_id: int) -> QuerySet[CriterionResponse]:
    """The criteria an estimate may be attached to by this user: those of the partnership's
    draft self-assessments against progress measures or desirable characteristics that the
    user may rate (the assessment's own rule for adding evidence)."""
    drafts = assessment_policy.visible_to(user, "view").filter(
        partnership_id=partnership_id,
        kind=AssessmentKind.SELF,
        status=AssessmentStatus.DRAFT,
        framework_version__framework__identifier__in=EVIDENCE_FRAMEWORKS,
    )
    # The assessment policy answers "rate" of one assessment, not as a filter; a partnership
    # has a handful of draft cycles, so each is asked.
    assessments = [a.pk for a in drafts if assessment_policy.user_can(user, "rate", a)]
    return (
        CriterionResponse.objects.filter(assessment__in=assessments)
        .select_related("criterion", "assessment")
        .order_by("assessment__title", "criterion__position")
    )


def data_sets_for_home(*, user: AnyUser) -> list[SurveyDataSet]:
    """The data sets of the partnerships this user manages them for, newest first."""
    return list(
        survey_data_set_policy.visible_to(user, "manage")
        .select_related("partnership")
        .defer("rows")
        .annotate(estimate_count=Count("estimates"))
        .order_by("-created_at", "pk")[:20]
    )
