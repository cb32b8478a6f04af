"""Reads of inspection programmes, each scoped by its policy; prefetched so that a page's
queries do not grow with the number of sites, visits or notes."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from lde.accounts.models import RequestUser, User
from lde.core.access.facts import facts_for, today
from lde.frameworks.models import Criterion, CriterionKind
from lde.inspections.models import (
    DocumentRequest,
    InterviewNote,
    PreVisitAnalysis,
    Programme,
    Site,
    SiteStatus,
    Visit,
)
from lde.inspections.policies import (
    document_request_policy,
    inspected_sites,
    interview_note_policy,
    pre_visit_analysis_policy,
    programme_policy,
    site_policy,
    site_reference,
    visit_policy,
)
from lde.partnerships.models import Assignment, AssignmentKind, Partnership


def programme_list(*, user: RequestUser) -> QuerySet[Programme]:
    return (
        programme_policy.visible_to(user, "view")
        .select_related("lead", "framework_version")
        .annotate(
            site_count=Count("sites", distinct=True),
            published_count=Count(
                "sites", filter=Q(sites__status=SiteStatus.PUBLISHED), distinct=True
            ),
        )
        .order_by("-starts_on", "title")
    )


def programme_get(*, user: RequestUser, programme_id: Any) -> Programme:
    return programme_policy.get_or_404(
        user,
        programme_id,
        Programme.objects.select_related("lead", "framework_version__framework"),
    )


def site_list(*, user: RequestUser, programme: Programme) -> QuerySet[Site]:
    """The programme's sites this user may see (the lead sees all; a partnership its own)."""
    return (
        site_policy.visible_to(user, "view")
        .filter(programme=programme)
        .select_related("partnership", "programme", "assessment")
        .order_by("partnership__name")
    )


def site_get(*, user: RequestUser, site_id: Any) -> Site:
    return site_policy.get_or_404(
        user,
        site_id,
        Site.objects.select_related(
            "programme__lead", "programme__framework_version", "partnership", "assessment"
        ),
    )


def site_inspectors(*, site: Site) -> list[Assignment]:
    """The site's inspector assignments, live and ended, newest first."""
    return list(
        Assignment.objects.filter(
            kind=AssignmentKind.INSPECTOR, subject_reference=site_reference(site.pk)
        )
        .select_related("user")
        .order_by("-ends_on", "user__full_name")
    )


def site_inspector_names(*, sites: list[Site]) -> dict[int, list[str]]:
    """Each site's live inspectors' names, for a table of sites: one query for all of them."""
    references = {site_reference(s.pk): s.pk for s in sites}
    day = today()
    found: dict[int, list[str]] = {s.pk: [] for s in sites}
    for reference, name, email in (
        Assignment.objects.filter(
            kind=AssignmentKind.INSPECTOR,
            subject_reference__in=list(references),
            starts_on__lte=day,
            ends_on__gte=day,
        )
        .order_by("user__full_name")
        .values_list("subject_reference", "user__full_name", "user__email")
    ):
        found[references[reference]].append(name or email)
    return found


def document_request_of(*, user: RequestUser, site: Site) -> DocumentRequest | None:
    return (
        document_request_policy.visible_to(user, "view")
        .filter(site=site)
        .prefetch_related("items")
        .first()
    )


def analyses_of(*, user: RequestUser, site: Site) -> list[PreVisitAnalysis]:
    return list(
        pre_visit_analysis_policy.visible_to(user, "view").filter(site=site).order_by("theme")
    )


def visits_of(*, user: RequestUser, site: Site) -> list[Visit]:
    """The site's visits with their schedules and, where the user may read them, their notes."""
    notes = interview_note_policy.visible_to(user, "view").order_by("created_at", "pk")
    return list(
        visit_policy.visible_to(user, "view")
        .filter(site=site)
        .prefetch_related("schedule", Prefetch("notes", queryset=notes, to_attr="readable_notes"))
        .order_by("visited_on", "pk")
    )


def visit_get(*, user: RequestUser, visit_id: Any) -> Visit:
    return visit_policy.get_or_404(
        user, visit_id, Visit.objects.select_related("site__programme", "site__partnership")
    )


def notes_of(*, user: RequestUser, site: Site) -> QuerySet[InterviewNote]:
    return (
        interview_note_policy.visible_to(user, "view")
        .filter(visit__site=site)
        .select_related("visit")
        .order_by("visit__visited_on", "created_at", "pk")
    )


def themes_of(*, version_id: int) -> list[Criterion]:
    """The framework's top-level themes, in document order (the pre-visit analysis's headings)."""
    return list(
        Criterion.objects.filter(
            framework_version_id=version_id, kind=CriterionKind.THEME, parent__isnull=True
        ).order_by("position")
    )


def codes_of(*, version_id: int) -> list[Criterion]:
    """Every theme and criterion a note may be coded to, in document order."""
    return list(Criterion.objects.filter(framework_version_id=version_id).order_by("position"))


def partnerships_to_add(*, programme: Programme) -> QuerySet[Partnership]:
    """Partnerships the programme does not visit yet (a national list: any may be a site)."""
    return Partnership.objects.exclude(inspection_sites__programme=programme).order_by("name")


def inspectors_to_assign(*, actor: User) -> QuerySet[User]:
    """Anyone active but the lead themselves: inspectors come from any organisation."""
    return User.objects.filter(is_active=True).exclude(pk=actor.pk).order_by("full_name", "email")


def my_inspection_sites(*, user: RequestUser) -> list[Site]:
    """The sites this user inspects now, for their home panel."""
    facts = facts_for(user)
    if not facts.is_authenticated:
        return []
    return list(
        site_policy.visible_to(user, "view")
        .filter(pk__in=inspected_sites(facts))
        .select_related("programme", "partnership")
        .order_by("programme__title", "partnership__name")
    )
