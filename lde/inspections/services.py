"""Writes to inspection programmes: each checked against its policy, audited, in one transaction.

A programme moves along `PROGRAMME_TRANSITIONS` and a site along its own steps, each leaving a
transition row. The site's inspectors are `partnerships.Assignment`s made through the
partnerships app's `assignment_create` (a programme lead may make them for the sites of their
own programme), and its report is an inspection `Assessment` started, sent for the
partnership's factual-accuracy check and published through the assessments app's own services:
the ratings, the check and publication are the assessment cycle's, not a copy of it here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from lde.accounts.models import User
from lde.assessments import services as assessment_services
from lde.assessments.models import Assessment, AssessmentKind, AssessmentStatus
from lde.core.access.facts import today
from lde.core.access.policy import PermissionDenied403
from lde.core.audit.chain import audit_record
from lde.core.audit.models import AuditScope
from lde.core.refusals import Conflict
from lde.core.workflow import transition
from lde.engagement.guard import guard_texts
from lde.frameworks.models import Criterion, CriterionKind, FrameworkVersion
from lde.inspections.models import (
    KEY_THEMES_FRAMEWORK,
    ActivityKind,
    DocumentRequest,
    InterviewNote,
    NoteKind,
    PreVisitAnalysis,
    Programme,
    ProgrammeStatus,
    ProgrammeTransition,
    RequestedDocument,
    ScheduleItem,
    Site,
    SiteStatus,
    SiteTransition,
    Visit,
)
from lde.inspections.policies import (
    document_request_policy,
    programme_policy,
    site_policy,
    site_reference,
    visit_policy,
)
from lde.partnerships.models import Assignment, AssignmentKind, Partnership
from lde.partnerships.services import assignment_create

PROGRAMME_TRANSITIONS: dict[tuple[str, str], str] = {
    (ProgrammeStatus.DRAFT, ProgrammeStatus.FIELDWORK): "advance",
    (ProgrammeStatus.FIELDWORK, ProgrammeStatus.REPORTING): "advance",
    (ProgrammeStatus.REPORTING, ProgrammeStatus.PUBLISHED): "advance",
}
NEXT_PROGRAMME_STATUS: dict[str, str] = dict(PROGRAMME_TRANSITIONS.keys())

SITE_TRANSITIONS: dict[tuple[str, str], str] = {
    (SiteStatus.PLANNED, SiteStatus.DOCUMENTS_REQUESTED): "request_documents",
    (SiteStatus.DOCUMENTS_REQUESTED, SiteStatus.VISITED): "record_visit",
    (SiteStatus.VISITED, SiteStatus.DRAFT_REPORT): "start_report",
    (SiteStatus.DRAFT_REPORT, SiteStatus.FACTUAL_ACCURACY): "send_for_check",
    (SiteStatus.FACTUAL_ACCURACY, SiteStatus.PUBLISHED): "publish",
}
# Fieldwork happens while the programme is in the field or reporting, not while it is planned.
FIELDWORK_OPEN = (ProgrammeStatus.FIELDWORK, ProgrammeStatus.REPORTING)
MAX_DOCUMENT_ITEMS = 30
# How long an inspector's assignment lasts when the lead does not say: to the programme's end.
DEFAULT_ASSIGNMENT = timedelta(days=180)


def _audit(
    actor: User | None, verb: str, target: Any, site: Site | None = None, **changes: Any
) -> None:
    audit_record(
        actor=actor,
        verb=verb,
        target=target,
        scope=AuditScope.PARTNERSHIP if site is not None else AuditScope.SITE,
        partnership_id=site.partnership_id if site is not None else None,
        changes=changes or None,
    )


def _guard(texts: dict[str, tuple[str, str]]) -> None:
    """The personal-data guard: identifiers, a person named by title, one person's views."""
    guard_texts(texts)


def key_themes_version() -> FrameworkVersion | None:
    """The latest loaded version of the Appendix 1 key-themes framework."""
    versions = FrameworkVersion.objects.filter(framework__identifier=KEY_THEMES_FRAMEWORK)
    return max(versions, key=lambda v: list(v.sort_key or []), default=None)


def _dates(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "The end date must be on or after the start date"})


@transaction.atomic
def programme_create(
    *, actor: User, title: str, purpose: str, starts_on: date, ends_on: date
) -> Programme:
    """Plan a programme, coded to the key-themes framework, with the actor as its lead."""
    programme_policy.require_in(
        actor, "create", None, message="You cannot plan an inspection programme."
    )
    version = key_themes_version()
    if version is None:
        raise ValidationError(
            {
                "framework_version": "The key-themes framework is not loaded: a site "
                "administrator loads it with `lde frameworks load`"
            }
        )
    _dates(starts_on, ends_on)
    _guard({"title": ("Title", title), "purpose": ("Purpose", purpose)})
    programme = Programme(
        title=title.strip(),
        purpose=purpose.strip(),
        framework_version=version,
        lead=actor,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    programme.full_clean()
    programme.save()
    _audit(actor, "INSPECTION_PROGRAMME_CREATED", programme, title=programme.title)
    return programme


@transaction.atomic
def programme_update(
    *, actor: User, programme: Programme, title: str, purpose: str, starts_on: date, ends_on: date
) -> Programme:
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    programme_policy.require(actor, "edit", programme)
    _dates(starts_on, ends_on)
    _guard({"title": ("Title", title), "purpose": ("Purpose", purpose)})
    programme.title, programme.purpose = title.strip(), purpose.strip()
    programme.starts_on, programme.ends_on = starts_on, ends_on
    programme.full_clean()
    programme.save()
    _audit(actor, "INSPECTION_PROGRAMME_CHANGED", programme, title=programme.title)
    return programme


@transaction.atomic
def programme_advance(*, actor: User, programme: Programme) -> Programme:
    """Move the programme on one step: into the field once it has a site; to publication once
    every site's report is published."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    to_status = NEXT_PROGRAMME_STATUS.get(programme.status)
    if to_status is None:
        raise ValidationError({"status": "A published programme does not move on."})

    def guard(action: str) -> None:
        programme_policy.require(actor, action, programme)
        if to_status == ProgrammeStatus.FIELDWORK and not programme.sites.exists():
            raise ValidationError({"status": "Add at least one site before the fieldwork starts"})
        if to_status == ProgrammeStatus.PUBLISHED:
            waiting = programme.sites.exclude(status=SiteStatus.PUBLISHED).count()
            if waiting:
                raise ValidationError(
                    {
                        "status": f"{waiting} site report{'s' if waiting != 1 else ''} "
                        "still to be published"
                    }
                )

    transition(
        obj=programme,
        to_status=to_status,
        transitions=PROGRAMME_TRANSITIONS,
        history_model=ProgrammeTransition,
        subject_field="programme",
        actor=actor,
        error=f"A programme cannot go from {programme.status} to {to_status}.",
        guard=guard,
    )
    # Each verb written out, so that the audit trail's phrases are found for every one.
    if to_status == ProgrammeStatus.FIELDWORK:
        _audit(actor, "INSPECTION_PROGRAMME_FIELDWORK", programme, status=to_status)
    elif to_status == ProgrammeStatus.REPORTING:
        _audit(actor, "INSPECTION_PROGRAMME_REPORTING", programme, status=to_status)
    else:
        _audit(actor, "INSPECTION_PROGRAMME_PUBLISHED", programme, status=to_status)
    return programme


@transaction.atomic
def site_add(*, actor: User, programme: Programme, partnership: Partnership) -> Site:
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    programme_policy.require(actor, "add_site", programme)
    if programme.sites.filter(partnership=partnership).exists():
        raise Conflict({"partnership": f"{partnership.name} is already a site of this programme"})
    site = Site.objects.create(programme=programme, partnership=partnership)
    _audit(actor, "INSPECTION_SITE_ADDED", site, site, programme=programme.pk)
    return site


def _site_locked(site: Site) -> Site:
    return Site.objects.select_for_update().select_related("programme").get(pk=site.pk)


def _fieldwork_open(site: Site) -> None:
    if site.programme.status not in FIELDWORK_OPEN:
        raise ValidationError(
            {
                "status": "The programme is "
                f"{site.programme.get_status_display().lower()}: fieldwork is done while it is "
                "in the field or reporting"
            }
        )


def _site_move(actor: User, site: Site, to_status: str, verb: str) -> None:
    transition(
        obj=site,
        to_status=to_status,
        transitions=SITE_TRANSITIONS,
        history_model=SiteTransition,
        subject_field="site",
        actor=actor,
        error=f"A site cannot go from {site.get_status_display().lower()} to {to_status}.",
    )
    _audit(actor, verb=verb, target=site, site=site, status=to_status)


@transaction.atomic
def inspector_assign(
    *, actor: User, site: Site, inspector: User, ends_on: date | None = None
) -> Assignment:
    """Assign an inspector to the site through the partnerships app's own assignments: their
    access to the partnership, and to this site's fieldwork, ends on `ends_on` by itself."""
    site = _site_locked(site)
    site_policy.require(actor, "assign_inspector", site)
    if inspector.pk == actor.pk:
        raise PermissionDenied403(
            "You cannot assign yourself.",
            who_can="A programme lead assigns others; a site administrator may assign the lead.",
        )
    if not inspector.is_active:
        raise ValidationError({"inspector": "Choose someone whose account is active"})
    starts_on = today()
    ends_on = ends_on or max(site.programme.ends_on, starts_on + DEFAULT_ASSIGNMENT)
    if Assignment.objects.filter(
        user=inspector,
        kind=AssignmentKind.INSPECTOR,
        subject_reference=site_reference(site.pk),
        ends_on__gte=starts_on,
    ).exists():
        raise Conflict({"inspector": f"{inspector} is already an inspector of this site"})
    return assignment_create(
        actor=actor,
        user=inspector,
        kind=AssignmentKind.INSPECTOR,
        title=f"{site.programme.title}: {site.partnership.name}"[:200],
        partnerships=[site.partnership],
        starts_on=starts_on,
        ends_on=ends_on,
        subject_reference=site_reference(site.pk),
    )


@transaction.atomic
def document_request_send(
    *, actor: User, site: Site, items: Iterable[str], due_on: date
) -> DocumentRequest:
    """Ask the site for its documents before the visit: one line per document."""
    site = _site_locked(site)
    site_policy.require(actor, "request_documents", site)
    _fieldwork_open(site)
    wanted = [line.strip() for line in items if line.strip()]
    if not wanted:
        raise ValidationError({"items": "Enter the documents you are asking for, one a line"})
    if len(wanted) > MAX_DOCUMENT_ITEMS:
        raise ValidationError(
            {"items": f"Ask for {MAX_DOCUMENT_ITEMS} documents or fewer in one request"}
        )
    too_long = [i + 1 for i, line in enumerate(wanted) if len(line) > 200]
    if too_long:
        raise ValidationError(
            {"items": f"Each document must be 200 characters or fewer (line {too_long[0]})"}
        )
    _guard({"items": ("The documents asked for", "\n".join(wanted))})
    if due_on < today():
        raise ValidationError({"due_on": "The date the documents are due must be today or later"})
    request = DocumentRequest.objects.create(site=site, due_on=due_on, sent_by=actor)
    RequestedDocument.objects.bulk_create(
        RequestedDocument(request=request, description=line, position=i)
        for i, line in enumerate(wanted)
    )
    _audit(actor, "INSPECTION_DOCUMENTS_REQUESTED", request, site, items=len(wanted))
    _site_move(actor, site, SiteStatus.DOCUMENTS_REQUESTED, "INSPECTION_SITE_DOCUMENTS")
    return request


@transaction.atomic
def document_received_set(
    *, actor: User, document: RequestedDocument, received: bool
) -> RequestedDocument:
    document = (
        RequestedDocument.objects.select_for_update()
        .select_related("request__site__programme")
        .get(pk=document.pk)
    )
    document_request_policy.require(actor, "change", document.request)
    if document.received != received:
        document.received = received
        document.save(update_fields=["received", "updated_at"])
        if received:
            _audit(actor, "INSPECTION_DOCUMENT_RECEIVED", document, document.request.site)
        else:
            _audit(actor, "INSPECTION_DOCUMENT_NOT_RECEIVED", document, document.request.site)
    return document


def _theme_identifiers(version_id: int, kinds: Iterable[str]) -> set[str]:
    return set(
        Criterion.objects.filter(framework_version_id=version_id, kind__in=list(kinds)).values_list(
            "identifier", flat=True
        )
    )


@transaction.atomic
def analysis_write(*, actor: User, site: Site, theme: str, text: str) -> PreVisitAnalysis:
    """Write (or rewrite) the pre-visit analysis of the site's documents for one theme."""
    site = _site_locked(site)
    site_policy.require(actor, "analyse", site)
    top_themes = set(
        Criterion.objects.filter(
            framework_version_id=site.programme.framework_version_id,
            kind=CriterionKind.THEME,
            parent__isnull=True,
        ).values_list("identifier", flat=True)
    )
    if theme not in top_themes:
        raise ValidationError({"theme": "Choose a theme of the programme's framework"})
    if not text.strip():
        raise ValidationError({"text": "Enter the analysis"})
    _guard({"text": ("The analysis", text)})
    analysis, _created = PreVisitAnalysis.objects.update_or_create(
        site=site, theme=theme, defaults={"text": text.strip(), "written_by": actor}
    )
    _audit(
        actor,
        "INSPECTION_ANALYSIS_WRITTEN",
        analysis,
        site,
        theme=theme,
        text=analysis.text,
    )
    return analysis


@transaction.atomic
def visit_record(*, actor: User, site: Site, visited_on: date) -> Visit:
    """Record the visit (the first moves the site to "visited")."""
    site = _site_locked(site)
    site_policy.require(actor, "record_visit", site)
    _fieldwork_open(site)
    visit = Visit.objects.create(site=site, visited_on=visited_on)
    _audit(actor, "INSPECTION_VISIT_RECORDED", visit, site, visited_on=visited_on)
    if site.status == SiteStatus.DOCUMENTS_REQUESTED:
        _site_move(actor, site, SiteStatus.VISITED, "INSPECTION_SITE_VISITED")
    return visit


@transaction.atomic
def schedule_item_add(
    *, actor: User, visit: Visit, starts_at: time, kind: str, roles_met: str
) -> ScheduleItem:
    """One slot of the visit's schedule: the roles met, never names."""
    visit = Visit.objects.select_related("site__programme").get(pk=visit.pk)
    visit_policy.require(actor, "change", visit)
    if kind not in ActivityKind.values:
        raise ValidationError({"kind": "Choose interview, focus group or observation"})
    if not roles_met.strip():
        raise ValidationError({"roles_met": "Enter the roles met, such as youth workers"})
    _guard({"roles_met": ("The roles met", roles_met)})
    item = ScheduleItem(visit=visit, starts_at=starts_at, kind=kind, roles_met=roles_met.strip())
    item.full_clean()
    item.save()
    _audit(actor, "INSPECTION_SCHEDULE_ITEM_ADDED", item, visit.site, kind=kind)
    return item


@transaction.atomic
def note_write(
    *,
    actor: User,
    visit: Visit,
    kind: str,
    roles_present: str,
    text: str,
    themes: Iterable[str],
) -> InterviewNote:
    """The notes of an interview or focus group, coded to criteria of the framework. The
    personal-data guard refuses an identifier, a person named by title or one person's views,
    naming the field."""
    visit = Visit.objects.select_related("site__programme").get(pk=visit.pk)
    visit_policy.require(actor, "change", visit)
    problems: dict[str, str] = {}
    if kind not in NoteKind.values:
        problems["kind"] = "Choose interview or focus group"
    if not roles_present.strip():
        problems["roles_present"] = "Enter the roles present, such as school governors"
    if not text.strip():
        problems["text"] = "Enter the notes"
    codes = sorted(set(themes))
    known = _theme_identifiers(visit.site.programme.framework_version_id, CriterionKind.values)
    unknown = [c for c in codes if c not in known]
    if not codes:
        # Notes are read across sites by theme (the findings are coded from them): uncoded notes
        # would be lost to that reading.
        problems["themes"] = "Choose at least one theme the notes speak to"
    elif unknown:
        problems["themes"] = (
            f"{unknown[0]} is not a theme or criterion of the programme's framework"
        )
    if problems:
        raise ValidationError(problems)
    _guard(
        {
            "roles_present": ("The roles present", roles_present),
            "text": ("The notes", text),
        }
    )
    note = InterviewNote(
        visit=visit,
        kind=kind,
        roles_present=roles_present.strip(),
        text=text.strip(),
        themes=codes,
        written_by=actor,
    )
    note.full_clean()
    note.save()
    # The text is never copied into the trail: a digest of it, with the themes and the kind.
    _audit(
        actor,
        "INSPECTION_NOTE_WRITTEN",
        note,
        visit.site,
        kind=kind,
        themes=codes,
        text=note.text,
    )
    return note


@transaction.atomic
def notes_read_record(*, actor: User, site: Site, notes: Iterable[InterviewNote]) -> None:
    """A reading of the site's interview and focus-group notes, appended to the audit trail as
    every read of restricted material is: which notes were read, never their text. The caller
    has already read them through `selectors.notes_of`, so the policy has decided who reads."""
    read = sorted(note.pk for note in notes)
    if read:
        audit_record(
            actor=actor,
            verb="INSPECTION_NOTES_READ",
            target=site,
            scope=AuditScope.PARTNERSHIP,
            partnership_id=site.partnership_id,
            detail={"notes": read},
        )


def _self_assessment_to_inspect(site: Site) -> Assessment | None:
    return (
        Assessment.objects.filter(
            partnership_id=site.partnership_id,
            kind=AssessmentKind.SELF,
            status=AssessmentStatus.SUBMITTED,
        )
        .order_by("-period_end", "-created_at")
        .first()
    )


@transaction.atomic
def report_start(*, actor: User, site: Site) -> Site:
    """Start the draft report: the inspection assessment of the partnership's submitted
    self-assessment, through the assessments app's `review_start`; the inspectors rate it there."""
    site = _site_locked(site)
    site_policy.require(actor, "start_report", site)
    _fieldwork_open(site)
    reviewed = _self_assessment_to_inspect(site)
    if reviewed is None:
        raise ValidationError(
            {
                "assessment": f"{site.partnership.name} has no submitted self-assessment to "
                "inspect: its coordinator submits one first"
            }
        )
    site.assessment = assessment_services.review_start(
        actor=actor, assessment=reviewed, kind=AssessmentKind.INSPECTION
    )
    site.save(update_fields=["assessment", "updated_at"])
    _site_move(actor, site, SiteStatus.DRAFT_REPORT, "INSPECTION_SITE_DRAFT")
    return site


@transaction.atomic
def report_send_for_check(*, actor: User, site: Site, no_personal_data_declared: bool) -> Site:
    """Send the draft to the partnership's coordinators for their factual-accuracy check: the
    inspection assessment is submitted (`assessment_submit`, with its declaration)."""
    site = _site_locked(site)
    site_policy.require(actor, "send_for_check", site)
    if site.assessment is None:
        raise ValidationError({"assessment": "Start the draft report first"})
    assessment_services.assessment_submit(
        actor=actor,
        assessment=site.assessment,
        no_personal_data_declared=no_personal_data_declared,
    )
    _site_move(actor, site, SiteStatus.FACTUAL_ACCURACY, "INSPECTION_SITE_ACCURACY")
    return site


@transaction.atomic
def report_publish(*, actor: User, site: Site) -> Site:
    """Publish the site's report once the partnership has checked it for factual accuracy
    (`assessment_publish` refuses it before)."""
    site = _site_locked(site)
    site_policy.require(actor, "publish", site)
    if site.assessment is None:
        raise ValidationError({"assessment": "Start the draft report first"})
    assessment_services.assessment_publish(actor=actor, assessment=site.assessment)
    _site_move(actor, site, SiteStatus.PUBLISHED, "INSPECTION_SITE_PUBLISHED")
    return site
