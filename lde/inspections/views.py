"""Pages of an inspection programme's fieldwork: the programmes, a programme and its sites, and a
site's steps from the document request to the published report.

Reads go through the selectors (404 when the programme or site is not visible); each write asks
its policy first (403, saying who can) and then calls one service, whose refusal shows in the
GOV.UK error summary against the field it names. The steps that cannot be undone (moving a
programme on, starting, sending and publishing a site's report) are reached by a link to their
confirmation page (`lde.core.confirm`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from lde.accounts.selectors import acting_user as _actor
from lde.assessments.policies import assessment_policy
from lde.core.confirm import confirmation_page, confirmed
from lde.core.govuk.forms import GovukForm, add_service_errors
from lde.inspections import confirmations, selectors, services
from lde.inspections.forms import (
    AnalysisForm,
    DocumentRequestForm,
    DocumentsReceivedForm,
    InspectorAssignForm,
    NoteForm,
    ProgrammeForm,
    ScheduleItemForm,
    SendForCheckForm,
    SiteAddForm,
    VisitForm,
)
from lde.inspections.models import (
    Programme,
    ProgrammeStatus,
    Site,
    SiteStatus,
    Visit,
)
from lde.inspections.policies import (
    document_request_policy,
    programme_policy,
    site_policy,
    visit_policy,
)

# The site's steps, in the order the 2008 exercise took them (¶20), for the page's task list:
# each task's name, its section on the page, and the site status at which it is done.
SITE_STEPS = [status for status, _label in SiteStatus.choices]
SITE_TASKS = [
    ("Send the document request", "documents", SiteStatus.DOCUMENTS_REQUESTED),
    ("Visit the site", "visits", SiteStatus.VISITED),
    ("Start the draft report", "report", SiteStatus.DRAFT_REPORT),
    ("Send for the factual-accuracy check", "report", SiteStatus.FACTUAL_ACCURACY),
    ("Publish the report", "report", SiteStatus.PUBLISHED),
]


def _tasks(site: Site) -> list[dict[str, str]]:
    """The task list: done up to the site's step, the next one in progress, the rest to come."""
    reached = SITE_STEPS.index(site.status)
    tasks = []
    for name, anchor, done_at in SITE_TASKS:
        at = SITE_STEPS.index(done_at)
        status = "Completed" if at <= reached else "Next" if at == reached + 1 else "Not yet"
        tasks.append({"name": name, "anchor": anchor, "status": status})
    return tasks


class _Refusal(GovukForm):
    """No fields: carries a service's refusal of a confirmed step into the error summary."""


def _form_page(
    request: HttpRequest,
    form: Any,
    *,
    heading: str,
    button: str,
    caption: str,
    back_url: str,
    back_text: str,
    intro: str = "",
) -> HttpResponse:
    return render(
        request,
        "inspections/form.html",
        {
            "form": form,
            "heading": heading,
            "button": button,
            "caption": caption,
            "back_url": back_url,
            "back_text": back_text,
            "intro": intro,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _saved(request: HttpRequest, form: Any, save: Callable[[dict[str, Any]], Any]) -> bool:
    """Whether the posted form was valid and its service took it; a refusal is put on the form."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        save(form.cleaned_data)
    except ValidationError as refused:
        add_service_errors(form, refused)
        return False
    return True


def _programme_url(programme: Programme) -> str:
    return reverse("inspections:programme-detail", args=[programme.pk])


def _site_url(site: Site) -> str:
    return reverse("inspections:site-detail", args=[site.pk])


# Programmes


@login_required
@require_safe
def programme_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "inspections/programme_list.html",
        {
            "programmes": list(selectors.programme_list(user=request.user)),
            "can_plan": programme_policy.user_can_in(request.user, "create"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request: HttpRequest) -> HttpResponse:
    programme_policy.require_in(
        request.user, "create", message="You cannot plan an inspection programme."
    )
    form = ProgrammeForm(request.POST or None)
    created: list[Programme] = []
    if _saved(
        request,
        form,
        lambda data: created.append(services.programme_create(actor=_actor(request), **data)),
    ):
        messages.success(request, "The programme was planned. Add the sites it visits.")
        return redirect("inspections:programme-detail", created[0].pk)
    return _form_page(
        request,
        form,
        heading="Plan a programme",
        button="Plan the programme",
        caption="Inspection programmes",
        back_url=reverse("inspections:programme-list"),
        back_text="Go back to the inspection programmes",
        intro="The programme is coded to the Appendix 1 key-themes framework. You lead it: you "
        "add the partnerships it visits and assign their inspectors.",
    )


@login_required
@require_safe
def programme_detail(request: HttpRequest, programme_id: int) -> HttpResponse:
    user = request.user
    programme = selectors.programme_get(user=user, programme_id=programme_id)
    sites = list(selectors.site_list(user=user, programme=programme))
    names = selectors.site_inspector_names(sites=sites)
    return render(
        request,
        "inspections/programme_detail.html",
        {
            "programme": programme,
            "rows": [
                {
                    "site": site,
                    "inspectors": names[site.pk],
                    "can_assign": site_policy.user_can(user, "assign_inspector", site),
                }
                for site in sites
            ],
            "can": {
                action: programme_policy.user_can(user, action, programme)
                for action in ("edit", "add_site", "advance")
            },
            "next_step": confirmations.ADVANCE.get(programme.status, ("", "", [], ""))[1],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_update(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = selectors.programme_get(user=request.user, programme_id=programme_id)
    programme_policy.require(request.user, "edit", programme)
    form = ProgrammeForm(
        request.POST or None,
        initial={
            "title": programme.title,
            "purpose": programme.purpose,
            "starts_on": programme.starts_on,
            "ends_on": programme.ends_on,
        },
    )
    if _saved(
        request,
        form,
        lambda data: services.programme_update(actor=_actor(request), programme=programme, **data),
    ):
        messages.success(request, "The programme was changed.")
        return redirect("inspections:programme-detail", programme.pk)
    return _form_page(
        request,
        form,
        heading="Change the programme",
        button="Save the changes",
        caption=programme.title,
        back_url=_programme_url(programme),
        back_text="Go back to the programme",
    )


# What the banner says once a programme has moved on: "is now fieldwork" reads as a slip.
MOVED_TO: dict[str, str] = {
    ProgrammeStatus.FIELDWORK: "The programme is now in fieldwork.",
    ProgrammeStatus.REPORTING: "The programme is now in reporting.",
    ProgrammeStatus.PUBLISHED: "The programme is published.",
}


@login_required
@require_http_methods(["GET", "POST"])
def programme_advance(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = selectors.programme_get(user=request.user, programme_id=programme_id)
    programme_policy.require(request.user, "advance", programme)
    confirmation = confirmations.advance(programme)
    if confirmed(request):
        try:
            moved = services.programme_advance(actor=_actor(request), programme=programme)
        except ValidationError as refused:
            form = _Refusal(request.POST)
            form.is_valid()
            add_service_errors(form, refused)
            return confirmation_page(request, confirmation, context={"form": form}, status=400)
        messages.success(request, MOVED_TO[moved.status])
        return redirect("inspections:programme-detail", programme.pk)
    return confirmation_page(request, confirmation)


@login_required
@require_http_methods(["GET", "POST"])
def site_add(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = selectors.programme_get(user=request.user, programme_id=programme_id)
    programme_policy.require(request.user, "add_site", programme)
    form = SiteAddForm(
        request.POST or None, partnerships=selectors.partnerships_to_add(programme=programme)
    )
    if _saved(
        request,
        form,
        lambda data: services.site_add(
            actor=_actor(request), programme=programme, partnership=data["partnership"]
        ),
    ):
        messages.success(request, f"{form.cleaned_data['partnership'].name} is a site now.")
        return redirect("inspections:programme-detail", programme.pk)
    return _form_page(
        request,
        form,
        heading="Add a site",
        button="Add the site",
        caption=programme.title,
        back_url=_programme_url(programme),
        back_text="Go back to the programme",
        intro="Choose a partnership the programme visits. Its coordinators and board members "
        "will see the site, its document request and its visit schedule.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspector_assign(request: HttpRequest, site_id: int) -> HttpResponse:
    site = selectors.site_get(user=request.user, site_id=site_id)
    site_policy.require(request.user, "assign_inspector", site)
    actor = _actor(request)
    form = InspectorAssignForm(
        request.POST or None, people=selectors.inspectors_to_assign(actor=actor)
    )
    if _saved(
        request,
        form,
        lambda data: services.inspector_assign(
            actor=actor, site=site, inspector=data["inspector"], ends_on=data["ends_on"]
        ),
    ):
        messages.success(request, f"{form.cleaned_data['inspector']} is an inspector of the site.")
        return redirect("inspections:programme-detail", site.programme_id)
    return _form_page(
        request,
        form,
        heading="Assign an inspector",
        button="Assign the inspector",
        caption=f"{site.programme.title}: {site.partnership.name}",
        back_url=_programme_url(site.programme),
        back_text="Go back to the programme",
        intro=f"The inspector reaches {site.partnership.name} and this site's fieldwork, notes "
        "included, until the assignment ends.",
    )


# A site and its steps


@login_required
@require_safe
def site_detail(request: HttpRequest, site_id: int) -> HttpResponse:
    user = request.user
    site = selectors.site_get(user=user, site_id=site_id)
    request_ = selectors.document_request_of(user=user, site=site)
    visits = selectors.visits_of(user=user, site=site)
    # The analysis and the notes are the inspectors' working papers, asked of the site itself.
    reads_analysis = site_policy.user_can(user, "read_working_papers", site)
    written = (
        {a.theme: a for a in selectors.analyses_of(user=user, site=site)} if reads_analysis else {}
    )
    themes = (
        selectors.themes_of(version_id=site.programme.framework_version_id)
        if reads_analysis
        else []
    )
    can = {action: site_policy.user_can(user, action, site) for action in site_policy.actions}
    return render(
        request,
        "inspections/site_detail.html",
        {
            "site": site,
            "tasks": _tasks(site),
            "inspectors": selectors.site_inspector_names(sites=[site])[site.pk],
            "document_request": request_,
            "can_record_documents": request_ is not None
            and document_request_policy.user_can(user, "change", request_),
            "reads_analysis": reads_analysis,
            "analyses": [(theme, written.get(theme.identifier)) for theme in themes],
            "visits": [
                {
                    "visit": visit,
                    "can_change": visit_policy.user_can(user, "change", visit),
                    "notes": len(visit.readable_notes),  # type: ignore[attr-defined]
                }
                for visit in visits
            ],
            "reads_notes": reads_analysis,
            "can": can,
            "reads_report": site.assessment is not None
            and assessment_policy.user_can(user, "view", site.assessment),
        },
    )


@login_required
@require_safe
def site_notes(request: HttpRequest, site_id: int) -> HttpResponse:
    """The interview and focus-group notes: the site's inspectors and the programme's lead only,
    and each reading is recorded in the audit trail (the notes are restricted material)."""
    user = request.user
    site = selectors.site_get(user=user, site_id=site_id)
    site_policy.require(user, "read_working_papers", site)
    notes = list(selectors.notes_of(user=user, site=site))
    services.notes_read_record(actor=_actor(request), site=site, notes=notes)
    titles = {
        c.identifier: c.title
        for c in selectors.codes_of(version_id=site.programme.framework_version_id)
    }
    return render(
        request,
        "inspections/site_notes.html",
        {
            "site": site,
            "notes": [
                (note, [(code, titles.get(code, code)) for code in note.themes]) for note in notes
            ],
        },
    )


def _site_form_page(
    request: HttpRequest, form: Any, *, site: Site, heading: str, button: str, intro: str = ""
) -> HttpResponse:
    return _form_page(
        request,
        form,
        heading=heading,
        button=button,
        caption=f"{site.programme.title}: {site.partnership.name}",
        back_url=_site_url(site),
        back_text="Go back to the site",
        intro=intro,
    )


def _done(request: HttpRequest, site: Site, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("inspections:site-detail", site.pk)


@login_required
@require_http_methods(["GET", "POST"])
def document_request_send(request: HttpRequest, site_id: int) -> HttpResponse:
    site = selectors.site_get(user=request.user, site_id=site_id)
    site_policy.require(request.user, "request_documents", site)
    form = DocumentRequestForm(request.POST or None)
    if _saved(
        request,
        form,
        lambda data: services.document_request_send(
            actor=_actor(request),
            site=site,
            items=data["items"].splitlines(),
            due_on=data["due_on"],
        ),
    ):
        return _done(request, site, "The document request was sent.")
    return _site_form_page(
        request,
        form,
        heading="Send the document request",
        button="Send the document request",
        site=site,
        intro=f"Ask {site.partnership.name} for the documents the team reads before the visit. "
        "Its coordinators and board members see the request.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def documents_received(request: HttpRequest, site_id: int) -> HttpResponse:
    user = request.user
    site = selectors.site_get(user=user, site_id=site_id)
    request_ = selectors.document_request_of(user=user, site=site)
    if request_ is None:
        raise Http404
    document_request_policy.require(user, "change", request_)
    documents = list(request_.items.all())
    form = DocumentsReceivedForm(
        request.POST or None,
        documents=documents,
        initial={"received": [str(d.pk) for d in documents if d.received]},
    )

    def save(data: dict[str, Any]) -> None:
        ticked = set(data["received"])
        for document in documents:
            received = str(document.pk) in ticked
            if received != document.received:
                services.document_received_set(
                    actor=_actor(request), document=document, received=received
                )

    if _saved(request, form, save):
        return _done(request, site, "The documents received were recorded.")
    return _site_form_page(
        request,
        form,
        heading="Record which documents have arrived",
        button="Save",
        site=site,
    )


@login_required
@require_http_methods(["GET", "POST"])
def analysis_write(request: HttpRequest, site_id: int) -> HttpResponse:
    user = request.user
    site = selectors.site_get(user=user, site_id=site_id)
    site_policy.require(user, "analyse", site)
    themes = selectors.themes_of(version_id=site.programme.framework_version_id)
    initial: dict[str, str] = {}
    theme = request.GET.get("theme", "")
    if theme in {t.identifier for t in themes}:
        initial["theme"] = theme
        current = next(
            (a for a in selectors.analyses_of(user=user, site=site) if a.theme == theme), None
        )
        if current is not None:
            initial["text"] = current.text
    form = AnalysisForm(request.POST or None, themes=themes, initial=initial)
    if _saved(
        request,
        form,
        lambda data: services.analysis_write(
            actor=_actor(request), site=site, theme=data["theme"], text=data["text"]
        ),
    ):
        return _done(request, site, "The pre-visit analysis was saved.")
    return _site_form_page(
        request,
        form,
        heading="Write the pre-visit analysis",
        button="Save the analysis",
        site=site,
        intro="What the site's documents show against one theme. Writing a theme again "
        "replaces what was written for it. Only the site's inspectors and the programme's lead "
        "read it.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def visit_record(request: HttpRequest, site_id: int) -> HttpResponse:
    site = selectors.site_get(user=request.user, site_id=site_id)
    site_policy.require(request.user, "record_visit", site)
    form = VisitForm(request.POST or None)
    if _saved(
        request,
        form,
        lambda data: services.visit_record(
            actor=_actor(request), site=site, visited_on=data["visited_on"]
        ),
    ):
        return _done(request, site, "The visit was recorded. Add its schedule and notes.")
    return _site_form_page(
        request, form, heading="Record a visit", button="Record the visit", site=site
    )


def _visit(request: HttpRequest, visit_id: int) -> Visit:
    visit = selectors.visit_get(user=request.user, visit_id=visit_id)
    visit_policy.require(request.user, "change", visit)
    return visit


@login_required
@require_http_methods(["GET", "POST"])
def schedule_item_add(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = _visit(request, visit_id)
    form = ScheduleItemForm(request.POST or None)
    if _saved(
        request,
        form,
        lambda data: services.schedule_item_add(actor=_actor(request), visit=visit, **data),
    ):
        return _done(request, visit.site, "The schedule was added to.")
    return _site_form_page(
        request,
        form,
        heading="Add to the visit's schedule",
        button="Add to the schedule",
        site=visit.site,
        intro=f"The visit on {visit.visited_on:%-d %B %Y}. The partnership's coordinators and "
        "board members see the schedule.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def note_write(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = _visit(request, visit_id)
    form = NoteForm(
        request.POST or None,
        codes=selectors.codes_of(version_id=visit.site.programme.framework_version_id),
    )
    if _saved(
        request,
        form,
        lambda data: services.note_write(actor=_actor(request), visit=visit, **data),
    ):
        return _done(request, visit.site, "The notes were saved.")
    return _site_form_page(
        request,
        form,
        heading="Write the notes of an interview or focus group",
        button="Save the notes",
        site=visit.site,
        intro=f"The visit on {visit.visited_on:%-d %B %Y}. Only the site's inspectors and the "
        "programme's lead read the notes; the partnership never does.",
    )


# The report: started, sent for checking and published, each confirmed first


def _confirmed_step(
    request: HttpRequest,
    site: Site,
    confirmation: Any,
    do: Callable[[], Any],
    done: str,
) -> HttpResponse:
    if confirmed(request):
        try:
            do()
        except ValidationError as refused:
            form = _Refusal(request.POST)
            form.is_valid()
            add_service_errors(form, refused)
            return confirmation_page(request, confirmation, context={"form": form}, status=400)
        return _done(request, site, done)
    return confirmation_page(request, confirmation)


@login_required
@require_http_methods(["GET", "POST"])
def report_start(request: HttpRequest, site_id: int) -> HttpResponse:
    site = selectors.site_get(user=request.user, site_id=site_id)
    site_policy.require(request.user, "start_report", site)
    return _confirmed_step(
        request,
        site,
        confirmations.report_start(site),
        lambda: services.report_start(actor=_actor(request), site=site),
        "The draft report was started: rate it in its inspection assessment.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_send(request: HttpRequest, site_id: int) -> HttpResponse:
    site = selectors.site_get(user=request.user, site_id=site_id)
    site_policy.require(request.user, "send_for_check", site)
    form = SendForCheckForm(request.POST if confirmed(request) else None)
    if form.is_bound and form.is_valid():
        try:
            services.report_send_for_check(
                actor=_actor(request),
                site=site,
                no_personal_data_declared=form.cleaned_data["no_personal_data_declared"],
            )
        except ValidationError as refused:
            add_service_errors(form, refused)
        else:
            return _done(request, site, "The draft report was sent for the factual-accuracy check.")
    return confirmation_page(request, confirmations.report_send(site, form))


@login_required
@require_http_methods(["GET", "POST"])
def report_publish(request: HttpRequest, site_id: int) -> HttpResponse:
    site = selectors.site_get(user=request.user, site_id=site_id)
    site_policy.require(request.user, "publish", site)
    return _confirmed_step(
        request,
        site,
        confirmations.report_publish(site),
        lambda: services.report_publish(actor=_actor(request), site=site),
        "The site's report was published.",
    )
