"""API of an inspection programme's fieldwork (issue 17): the same selectors, policies and
services as the pages. A programme, site or visit one may not see is a 404; one seen but not to
be changed is a 403 saying who can; a service's refusal is a 400 naming the field (the
personal-data guard's among them; a repeat, 409), and a body of the wrong shape a 422.

The notes of interviews and focus groups are restricted material: only the site's inspectors
and the programme's lead read them (`site_policy`'s `read_working_papers`, and
`interview_note_policy` for the rows), and every reading is recorded in
the audit trail (`services.notes_read_record`).
"""

from __future__ import annotations

from datetime import date, time
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field

from lde.accounts.selectors import acting_user
from lde.core.api_schemas import (
    EMAIL_PATTERN,
    LIST_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
    ObjectId,
    Page,
    PageParams,
    chosen,
)
from lde.core.limits import limit_of
from lde.inspections import selectors, services
from lde.inspections.models import (
    KEY_THEMES_FRAMEWORK,
    ActivityKind,
    InterviewNote,
    NoteKind,
    PreVisitAnalysis,
    Programme,
    ProgrammeStatus,
    RequestedDocument,
    ScheduleItem,
    Site,
    SiteStatus,
    Visit,
)
from lde.inspections.policies import (
    programme_policy,
    site_policy,
)
from lde.partnerships.models import Partnership

router = Router(tags=["inspections"])

FREE_TEXT = r"^[^\x00]*$"
# A theme's identifier as the key-themes framework writes them ("q1-local-plans").
THEME_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,59}$"
Answer = Status[Any]
# Reads of working papers that a site's partnership sees the site of, but not the papers: 403.
PAPER_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 403: ErrorOut}


def _text(model: Any, name: str) -> Any:
    return Field(..., min_length=1, max_length=limit_of(model, name), pattern=FREE_TEXT)


# --- Shapes ---------------------------------------------------------------------------------


class InspectionProgrammeOut(Schema):
    id: int
    title: str
    purpose: str
    status: ProgrammeStatus
    lead_id: int
    lead_name: str
    framework: str = Field(description="The key-themes framework's identifier.")
    framework_version: str
    starts_on: date
    ends_on: date


class InspectionProgrammeIn(Schema):
    title: str = _text(Programme, "title")
    purpose: str = _text(Programme, "purpose")
    starts_on: date
    ends_on: date


class InspectionSiteOut(Schema):
    id: int
    programme_id: int
    partnership_id: int
    partnership_name: str
    status: SiteStatus
    assessment_id: int | None = Field(
        description="The inspection assessment that holds the report's ratings, once started."
    )
    inspectors: list[str] = Field(description="The names of the site's live inspectors.")


class InspectionSiteIn(Schema):
    partnership_id: Annotated[int, Field(ge=1, le=9_223_372_036_854_775_807)]


class InspectorAssignIn(Schema):
    email: str = Field(..., min_length=3, max_length=254, pattern=EMAIL_PATTERN)
    ends_on: date | None = Field(
        default=None,
        description="When the assignment ends; left out, at the programme's end (or 180 days).",
    )


class InspectorAssignmentOut(Schema):
    assignment_id: int
    site_id: int
    inspector_name: str
    starts_on: date
    ends_on: date


class InspectionDocumentOut(Schema):
    id: int
    description: str
    received: bool


class InspectionDocumentRequestOut(Schema):
    id: int
    due_on: date
    documents: list[InspectionDocumentOut]


class InspectionSiteDocumentsOut(Schema):
    site_id: int
    request: InspectionDocumentRequestOut | None = Field(
        description="The document request, or null before it is sent."
    )


class InspectionDocumentRequestIn(Schema):
    items: list[
        Annotated[
            str,
            Field(
                min_length=1,
                max_length=limit_of(RequestedDocument, "description"),
                pattern=FREE_TEXT,
            ),
        ]
    ] = Field(..., min_length=1, max_length=services.MAX_DOCUMENT_ITEMS)
    due_on: date


class InspectionDocumentReceivedIn(Schema):
    received: bool


class InspectionAnalysisOut(Schema):
    theme: str
    text: str
    written_by: str


class InspectionAnalysisIn(Schema):
    text: str = _text(PreVisitAnalysis, "text")


class InspectionScheduleItemOut(Schema):
    id: int
    starts_at: time
    kind: ActivityKind
    roles_met: str


class InspectionVisitOut(Schema):
    id: int
    site_id: int
    visited_on: date
    schedule: list[InspectionScheduleItemOut]


class InspectionVisitIn(Schema):
    visited_on: date


class InspectionScheduleItemIn(Schema):
    starts_at: time
    kind: ActivityKind
    roles_met: str = Field(
        ...,
        min_length=1,
        max_length=limit_of(ScheduleItem, "roles_met"),
        pattern=FREE_TEXT,
        description="The roles met, such as 'youth workers': never names.",
    )


class InspectionNoteOut(Schema):
    id: int
    visit_id: int
    visited_on: date
    kind: NoteKind
    roles_present: str
    text: str
    themes: list[str]


class InspectionNoteIn(Schema):
    kind: NoteKind
    roles_present: str = Field(
        ...,
        min_length=1,
        max_length=limit_of(InterviewNote, "roles_present"),
        pattern=FREE_TEXT,
        description="The roles present, such as 'school governors': never names.",
    )
    text: str = _text(InterviewNote, "text")
    themes: list[Annotated[str, Field(pattern=THEME_PATTERN)]] = Field(
        default_factory=list,
        max_length=100,
        description="Identifiers of themes or criteria of the programme's framework.",
    )


class InspectionReportSendIn(Schema):
    no_personal_data_declared: bool = Field(
        description="The inspectors declare that the draft names no member of the public."
    )


# --- Answers --------------------------------------------------------------------------------


def _programme_out(p: Programme) -> InspectionProgrammeOut:
    version = p.framework_version
    return InspectionProgrammeOut(
        id=p.pk,
        title=p.title,
        purpose=p.purpose,
        status=ProgrammeStatus(p.status),
        lead_id=p.lead_id,
        lead_name=p.lead.full_name or p.lead.email,
        framework=KEY_THEMES_FRAMEWORK,
        framework_version=version.version,
        starts_on=p.starts_on,
        ends_on=p.ends_on,
    )


def _site_out(site: Site, inspectors: dict[int, list[str]]) -> InspectionSiteOut:
    return InspectionSiteOut(
        id=site.pk,
        programme_id=site.programme_id,
        partnership_id=site.partnership_id,
        partnership_name=site.partnership.name,
        status=SiteStatus(site.status),
        assessment_id=site.assessment_id,
        inspectors=inspectors.get(site.pk, []),
    )


def _site_answer(request: HttpRequest, site_id: int) -> InspectionSiteOut:
    """The site as the caller sees it now (after a write, read again through the selector)."""
    site = selectors.site_get(user=request.user, site_id=site_id)
    return _site_out(site, selectors.site_inspector_names(sites=[site]))


def _visit_out(visit: Visit) -> InspectionVisitOut:
    return InspectionVisitOut(
        id=visit.pk,
        site_id=visit.site_id,
        visited_on=visit.visited_on,
        schedule=[
            InspectionScheduleItemOut(
                id=item.pk,
                starts_at=item.starts_at,
                kind=ActivityKind(item.kind),
                roles_met=item.roles_met,
            )
            for item in visit.schedule.all()
        ],
    )


def _reads_working_papers(request: HttpRequest, site: Site) -> None:
    """The analysis and the notes are the inspectors' working papers, asked of the site itself
    (as the pages ask it): a coordinator who sees the site but not its papers is told so (403),
    not shown an empty list."""
    site_policy.require(request.user, "read_working_papers", site)


# --- Programmes -----------------------------------------------------------------------------


@router.get(
    "/programmes",
    response={200: Page[InspectionProgrammeOut], **LIST_ERRORS},
    summary="Inspection programmes you may read (lead, inspector, or a visited partnership's)",
)
def programme_list(request: HttpRequest, page: Query[PageParams]) -> Page[InspectionProgrammeOut]:
    programmes = selectors.programme_list(user=request.user)
    return Page[InspectionProgrammeOut](
        count=programmes.count(),
        items=[_programme_out(p) for p in programmes[page.window()]],
    )


@router.post(
    "/programmes",
    response={201: InspectionProgrammeOut, **WRITE_ERRORS},
    summary="Plan a programme, coded to the key themes, as its lead (programme leads)",
)
def programme_create(request: HttpRequest, payload: InspectionProgrammeIn) -> Answer:
    programme = services.programme_create(actor=acting_user(request), **payload.dict())
    return Status(
        201, _programme_out(selectors.programme_get(user=request.user, programme_id=programme.pk))
    )


@router.get(
    "/programmes/{programme_id}",
    response={200: InspectionProgrammeOut, **READ_ERRORS},
    summary="One inspection programme",
)
def programme_get(request: HttpRequest, programme_id: ObjectId) -> InspectionProgrammeOut:
    return _programme_out(selectors.programme_get(user=request.user, programme_id=programme_id))


@router.put(
    "/programmes/{programme_id}",
    response={200: InspectionProgrammeOut, **WRITE_ERRORS},
    summary="Change a programme's title, purpose and dates (its lead, until published)",
)
def programme_update(
    request: HttpRequest, programme_id: ObjectId, payload: InspectionProgrammeIn
) -> InspectionProgrammeOut:
    programme = selectors.programme_get(user=request.user, programme_id=programme_id)
    services.programme_update(actor=acting_user(request), programme=programme, **payload.dict())
    return _programme_out(selectors.programme_get(user=request.user, programme_id=programme.pk))


@router.post(
    "/programmes/{programme_id}/advance",
    response={200: InspectionProgrammeOut, **WRITE_ERRORS},
    summary="Move a programme on one step: fieldwork, reporting, published (its lead)",
)
def programme_advance(request: HttpRequest, programme_id: ObjectId) -> InspectionProgrammeOut:
    programme = selectors.programme_get(user=request.user, programme_id=programme_id)
    # The policy first: the service says "a published programme does not move on" (400) before
    # it asks, which would tell someone who may not move it more than "you may not" (403).
    programme_policy.require(request.user, "advance", programme)
    services.programme_advance(actor=acting_user(request), programme=programme)
    return _programme_out(selectors.programme_get(user=request.user, programme_id=programme.pk))


# --- Sites ----------------------------------------------------------------------------------


@router.get(
    "/programmes/{programme_id}/sites",
    response={200: list[InspectionSiteOut], **READ_ERRORS},
    summary="A programme's sites you may see (the lead sees all, a partnership its own)",
)
def site_list(request: HttpRequest, programme_id: ObjectId) -> list[InspectionSiteOut]:
    programme = selectors.programme_get(user=request.user, programme_id=programme_id)
    sites = list(selectors.site_list(user=request.user, programme=programme))
    inspectors = selectors.site_inspector_names(sites=sites)
    return [_site_out(site, inspectors) for site in sites]


@router.post(
    "/programmes/{programme_id}/sites",
    response={201: InspectionSiteOut, **WRITE_ERRORS},
    summary="Add a partnership as a site of the programme (its lead, until published)",
)
def site_add(request: HttpRequest, programme_id: ObjectId, payload: InspectionSiteIn) -> Answer:
    programme = selectors.programme_get(user=request.user, programme_id=programme_id)
    # Any partnership of the national list may be visited; one already visited is the
    # service's 409.
    partnership = chosen(
        Partnership.objects.all(), payload.partnership_id, "partnership_id", what="a partnership"
    )
    site = services.site_add(
        actor=acting_user(request), programme=programme, partnership=partnership
    )
    return Status(201, _site_answer(request, site.pk))


@router.get(
    "/sites/{site_id}",
    response={200: InspectionSiteOut, **READ_ERRORS},
    summary="One site of a programme: its partnership, step and inspectors",
)
def site_get(request: HttpRequest, site_id: ObjectId) -> InspectionSiteOut:
    return _site_answer(request, site_id)


@router.post(
    "/sites/{site_id}/inspectors",
    response={201: InspectorAssignmentOut, **WRITE_ERRORS},
    summary="Assign an inspector to a site (the programme's lead, never themselves)",
)
def inspector_assign(request: HttpRequest, site_id: ObjectId, payload: InspectorAssignIn) -> Answer:
    site = selectors.site_get(user=request.user, site_id=site_id)
    actor = acting_user(request)
    # Asked before the body's person is looked up, so that only those who may assign learn
    # whether an address belongs to someone.
    site_policy.require(actor, "assign_inspector", site)
    inspector = chosen(
        selectors.inspectors_to_assign(actor=actor),
        payload.email.lower(),
        "email",
        what="a person you may assign",
        key="email__iexact",
    )
    assignment = services.inspector_assign(
        actor=actor, site=site, inspector=inspector, ends_on=payload.ends_on
    )
    return Status(
        201,
        InspectorAssignmentOut(
            assignment_id=assignment.pk,
            site_id=site.pk,
            inspector_name=inspector.full_name or inspector.email,
            starts_on=assignment.starts_on,
            ends_on=assignment.ends_on,
        ),
    )


# --- The document request -------------------------------------------------------------------


def _documents_out(request: HttpRequest, site: Site) -> InspectionSiteDocumentsOut:
    found = selectors.document_request_of(user=request.user, site=site)
    return InspectionSiteDocumentsOut(
        site_id=site.pk,
        request=None
        if found is None
        else InspectionDocumentRequestOut(
            id=found.pk,
            due_on=found.due_on,
            documents=[
                InspectionDocumentOut(id=d.pk, description=d.description, received=d.received)
                for d in found.items.all()
            ],
        ),
    )


@router.get(
    "/sites/{site_id}/document-request",
    response={200: InspectionSiteDocumentsOut, **READ_ERRORS},
    summary="The documents asked of a site and which have arrived",
)
def document_request_get(request: HttpRequest, site_id: ObjectId) -> InspectionSiteDocumentsOut:
    site = selectors.site_get(user=request.user, site_id=site_id)
    return _documents_out(request, site)


@router.post(
    "/sites/{site_id}/document-request",
    response={201: InspectionSiteDocumentsOut, **WRITE_ERRORS},
    summary="Send a planned site its document request (the site's inspectors)",
)
def document_request_send(
    request: HttpRequest, site_id: ObjectId, payload: InspectionDocumentRequestIn
) -> Answer:
    site = selectors.site_get(user=request.user, site_id=site_id)
    services.document_request_send(
        actor=acting_user(request), site=site, items=payload.items, due_on=payload.due_on
    )
    return Status(201, _documents_out(request, site))


@router.post(
    "/sites/{site_id}/documents/{document_id}/received",
    response={200: InspectionDocumentOut, **WRITE_ERRORS},
    summary="Record whether a requested document has arrived (the site's inspectors)",
)
def document_received_set(
    request: HttpRequest,
    site_id: ObjectId,
    document_id: ObjectId,
    payload: InspectionDocumentReceivedIn,
) -> InspectionDocumentOut:
    site = selectors.site_get(user=request.user, site_id=site_id)
    found = selectors.document_request_of(user=request.user, site=site)
    document = None if found is None else found.items.filter(pk=document_id).first()
    if document is None:
        raise Http404
    document = services.document_received_set(
        actor=acting_user(request), document=document, received=payload.received
    )
    return InspectionDocumentOut(
        id=document.pk, description=document.description, received=document.received
    )


# --- Pre-visit analysis ---------------------------------------------------------------------


@router.get(
    "/sites/{site_id}/analyses",
    response={200: list[InspectionAnalysisOut], **PAPER_ERRORS},
    summary="A site's pre-visit analysis, by theme (the site's inspectors and the lead)",
)
def analysis_list(request: HttpRequest, site_id: ObjectId) -> list[InspectionAnalysisOut]:
    site = selectors.site_get(user=request.user, site_id=site_id)
    _reads_working_papers(request, site)
    return [
        InspectionAnalysisOut(
            theme=a.theme,
            text=a.text,
            written_by=(a.written_by.full_name or a.written_by.email) if a.written_by else "",
        )
        for a in selectors.analyses_of(user=request.user, site=site)
    ]


@router.put(
    "/sites/{site_id}/analyses/{theme}",
    response={200: InspectionAnalysisOut, **WRITE_ERRORS},
    summary="Write or rewrite the pre-visit analysis of one theme (the site's inspectors)",
)
def analysis_write(
    request: HttpRequest,
    site_id: ObjectId,
    theme: Annotated[str, Path(pattern=THEME_PATTERN)],
    payload: InspectionAnalysisIn,
) -> InspectionAnalysisOut:
    site = selectors.site_get(user=request.user, site_id=site_id)
    actor = acting_user(request)
    analysis = services.analysis_write(actor=actor, site=site, theme=theme, text=payload.text)
    return InspectionAnalysisOut(
        theme=analysis.theme, text=analysis.text, written_by=actor.full_name or actor.email
    )


# --- Visits and their schedules -------------------------------------------------------------


@router.get(
    "/sites/{site_id}/visits",
    response={200: list[InspectionVisitOut], **READ_ERRORS},
    summary="A site's visits and their schedules (roles met, never names)",
)
def visit_list(request: HttpRequest, site_id: ObjectId) -> list[InspectionVisitOut]:
    site = selectors.site_get(user=request.user, site_id=site_id)
    return [_visit_out(v) for v in selectors.visits_of(user=request.user, site=site)]


@router.post(
    "/sites/{site_id}/visits",
    response={201: InspectionVisitOut, **WRITE_ERRORS},
    summary="Record a visit to a site (the site's inspectors, once documents are asked for)",
)
def visit_record(request: HttpRequest, site_id: ObjectId, payload: InspectionVisitIn) -> Answer:
    site = selectors.site_get(user=request.user, site_id=site_id)
    visit = services.visit_record(
        actor=acting_user(request), site=site, visited_on=payload.visited_on
    )
    return Status(201, _visit_out(visit))


@router.post(
    "/visits/{visit_id}/schedule",
    response={201: InspectionScheduleItemOut, **WRITE_ERRORS},
    summary="Add a slot to a visit's schedule (the site's inspectors)",
)
def schedule_item_add(
    request: HttpRequest, visit_id: ObjectId, payload: InspectionScheduleItemIn
) -> Answer:
    visit = selectors.visit_get(user=request.user, visit_id=visit_id)
    item = services.schedule_item_add(
        actor=acting_user(request),
        visit=visit,
        starts_at=payload.starts_at,
        kind=str(payload.kind),
        roles_met=payload.roles_met,
    )
    return Status(
        201,
        InspectionScheduleItemOut(
            id=item.pk,
            starts_at=item.starts_at,
            kind=ActivityKind(item.kind),
            roles_met=item.roles_met,
        ),
    )


# --- Interview and focus-group notes --------------------------------------------------------


def _note_out(note: InterviewNote) -> InspectionNoteOut:
    return InspectionNoteOut(
        id=note.pk,
        visit_id=note.visit_id,
        visited_on=note.visit.visited_on,
        kind=NoteKind(note.kind),
        roles_present=note.roles_present,
        text=note.text,
        themes=list(note.themes),
    )


@router.get(
    "/sites/{site_id}/notes",
    response={200: list[InspectionNoteOut], **PAPER_ERRORS},
    summary="A site's interview and focus-group notes (its inspectors and the lead; audited)",
)
def note_list(request: HttpRequest, site_id: ObjectId) -> list[InspectionNoteOut]:
    site = selectors.site_get(user=request.user, site_id=site_id)
    _reads_working_papers(request, site)
    notes = list(selectors.notes_of(user=request.user, site=site))
    services.notes_read_record(actor=acting_user(request), site=site, notes=notes)
    return [_note_out(note) for note in notes]


@router.post(
    "/visits/{visit_id}/notes",
    response={201: InspectionNoteOut, **WRITE_ERRORS},
    summary="Write the notes of an interview or focus group (the site's inspectors)",
)
def note_write(request: HttpRequest, visit_id: ObjectId, payload: InspectionNoteIn) -> Answer:
    visit = selectors.visit_get(user=request.user, visit_id=visit_id)
    note = services.note_write(
        actor=acting_user(request),
        visit=visit,
        kind=str(payload.kind),
        roles_present=payload.roles_present,
        text=payload.text,
        themes=payload.themes,
    )
    return Status(201, _note_out(note))


# --- The site's report ----------------------------------------------------------------------


@router.post(
    "/sites/{site_id}/report/start",
    response={200: InspectionSiteOut, **WRITE_ERRORS},
    summary="Start a visited site's draft report: its inspection assessment (its inspectors)",
)
def report_start(request: HttpRequest, site_id: ObjectId) -> InspectionSiteOut:
    site = selectors.site_get(user=request.user, site_id=site_id)
    services.report_start(actor=acting_user(request), site=site)
    return _site_answer(request, site.pk)


@router.post(
    "/sites/{site_id}/report/send-for-check",
    response={200: InspectionSiteOut, **WRITE_ERRORS},
    summary="Send the draft report for the partnership's factual-accuracy check (its inspectors)",
)
def report_send_for_check(
    request: HttpRequest, site_id: ObjectId, payload: InspectionReportSendIn
) -> InspectionSiteOut:
    site = selectors.site_get(user=request.user, site_id=site_id)
    services.report_send_for_check(
        actor=acting_user(request),
        site=site,
        no_personal_data_declared=payload.no_personal_data_declared,
    )
    return _site_answer(request, site.pk)


@router.post(
    "/sites/{site_id}/report/publish",
    response={200: InspectionSiteOut, **WRITE_ERRORS},
    summary="Publish the report after the factual-accuracy check (the site's inspectors)",
)
def report_publish(request: HttpRequest, site_id: ObjectId) -> InspectionSiteOut:
    site = selectors.site_get(user=request.user, site_id=site_id)
    services.report_publish(actor=acting_user(request), site=site)
    return _site_answer(request, site.pk)
