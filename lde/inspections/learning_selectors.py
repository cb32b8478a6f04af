"""Reads of a programme's cross-site learning, each scoped by its policy: a row the reader may
not see is not there (404), whoever asks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from lde.core.access.facts import AnyUser
from lde.inspections.learning_policies import (
    advisory_comment_policy,
    advisory_member_policy,
    case_study_policy,
    finding_policy,
    key_learning_policy,
    site_feedback_policy,
)
from lde.inspections.models import Programme, Site
from lde.inspections.models_learning import (
    AdvisoryComment,
    AdvisoryMember,
    CaseStudy,
    Finding,
    FindingKind,
    KeyLearning,
    SiteFeedback,
)


def programme_for_learning(*, user: AnyUser, programme_id: Any) -> Programme:
    """The programme whose learning (its report) the user may read: its team and advisory group
    while it runs, everyone signed in once it is published. Anyone else: 404."""
    try:
        pk = int(programme_id)
    except (TypeError, ValueError):
        raise Http404 from None
    if not finding_policy.user_can_in(user, "read_report", pk):
        raise Http404
    return Programme.objects.select_related("framework_version", "lead").get(pk=pk)


def programme_get(*, programme_id: Any) -> Programme:
    """A programme by id, for a write the policy then decides (403 saying who can, or 404 from
    the policy's scope question when the person has no part in it)."""
    try:
        return Programme.objects.select_related("framework_version").get(pk=int(programme_id))
    except (Programme.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def finding_list(*, user: AnyUser, programme: Programme) -> QuerySet[Finding]:
    return (
        finding_policy.visible_to(user)
        .filter(programme=programme)
        .prefetch_related("sites__partnership")
        .order_by("theme", "kind", "pk")
    )


def finding_get(*, user: AnyUser, finding_id: Any) -> Finding:
    return finding_policy.get_or_404(user, finding_id)


def key_learning_list(*, user: AnyUser, programme: Programme) -> QuerySet[KeyLearning]:
    return (
        key_learning_policy.visible_to(user)
        .filter(programme=programme)
        .prefetch_related("findings")
        .order_by("pk")
    )


def case_study_list(*, user: AnyUser, programme: Programme) -> QuerySet[CaseStudy]:
    return (
        case_study_policy.visible_to(user)
        .filter(programme=programme)
        .select_related("site__partnership", "library_entry")
        .order_by("title", "pk")
    )


def case_studies_sent(*, user: AnyUser) -> QuerySet[CaseStudy]:
    """The case studies waiting to be taken into the library (site administrators)."""
    return (
        case_study_policy.visible_to(user, "take")
        .select_related("programme", "site__partnership")
        .order_by("sent_on", "pk")
    )


def case_study_get(*, user: AnyUser, case_study_id: Any) -> CaseStudy:
    return case_study_policy.get_or_404(
        user,
        case_study_id,
        CaseStudy.objects.select_related("programme", "site__partnership", "library_entry"),
    )


def site_get(*, site_id: Any) -> Site:
    try:
        return Site.objects.select_related("programme", "partnership").get(pk=int(site_id))
    except (Site.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def site_feedback_list(*, user: AnyUser, programme: Programme) -> QuerySet[SiteFeedback]:
    return (
        site_feedback_policy.visible_to(user)
        .filter(site__programme=programme)
        .select_related("site__partnership")
        .order_by("site__partnership__name")
    )


def advisory_member_list(*, user: AnyUser, programme: Programme) -> QuerySet[AdvisoryMember]:
    return (
        advisory_member_policy.visible_to(user)
        .filter(programme=programme)
        .select_related("user")
        .order_by("user__full_name")
    )


def advisory_comment_list(*, user: AnyUser, programme: Programme) -> QuerySet[AdvisoryComment]:
    return (
        advisory_comment_policy.visible_to(user)
        .filter(programme=programme)
        .select_related("author")
        .order_by("created_at", "pk")
    )


@dataclass
class ThemeFindings:
    identifier: str
    title: str
    by_kind: list[tuple[str, list[Finding]]] = field(default_factory=list)


def findings_by_theme(findings: list[Finding], titles: dict[str, str]) -> list[ThemeFindings]:
    """The findings under each theme of the framework, in the framework's order, and under each
    kind in the report's order (works, doesn't work, looks promising, barrier)."""
    grouped: dict[str, dict[str, list[Finding]]] = {}
    for finding in findings:
        grouped.setdefault(finding.theme, {}).setdefault(finding.kind, []).append(finding)
    order = list(titles) + sorted(set(grouped) - set(titles))
    return [
        ThemeFindings(
            identifier=theme,
            title=titles.get(theme, theme),
            by_kind=[
                (str(label), grouped[theme][value])
                for value, label in FindingKind.choices
                if value in grouped[theme]
            ],
        )
        for theme in order
        if theme in grouped
    ]
