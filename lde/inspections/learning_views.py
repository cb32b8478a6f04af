"""Pages of a programme's cross-site learning: the learning (its draft report, or the published
one), adding findings, key learning and case studies, sending a case study to the library and
taking it in, a site's feedback, the advisory group and its comments, and the report as PDF.

Reads go through the selectors (404 when not visible); each write asks its policy first (403,
saying who can) and then calls one service, whose refusal shows in the GOV.UK error summary.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from lde.accounts.selectors import acting_user as _actor
from lde.core.access.facts import facts_for
from lde.core.confirm import confirmation_page, confirmed
from lde.core.files import file_download
from lde.core.govuk.forms import add_service_errors
from lde.inspections import learning_confirmations as confirmations
from lde.inspections import learning_report as report
from lde.inspections import learning_selectors as selectors
from lde.inspections import learning_services as services
from lde.inspections.learning_forms import (
    AdvisoryCommentForm,
    AdvisoryMemberForm,
    CaseStudyForm,
    FindingForm,
    KeyLearningForm,
    SiteFeedbackForm,
)
from lde.inspections.learning_policies import (
    advisory_comment_policy,
    advisory_member_policy,
    case_study_policy,
    finding_policy,
    key_learning_policy,
    site_feedback_policy,
)
from lde.inspections.models import Programme, Site
from lde.inspections.models_learning import SiteFeedback


def _learning(request: HttpRequest, programme_id: int) -> Programme:
    return selectors.programme_for_learning(user=request.user, programme_id=programme_id)


def _sites(programme: Programme) -> list[tuple[int, str]]:
    return [
        (site.pk, site.partnership.name)
        for site in Site.objects.filter(programme=programme).select_related("partnership")
    ]


def _url(programme: Programme) -> str:
    return reverse("inspections_learning:learning", args=[programme.pk])


@login_required
@require_safe
def learning(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _learning(request, programme_id)
    user = request.user
    findings = list(selectors.finding_list(user=user, programme=programme))
    the_report = report.report_read(user=user, programme=programme)
    pk = programme.pk
    return render(
        request,
        "inspections/learning/learning.html",
        {
            "programme": programme,
            "report": the_report,
            "findings": findings,
            "feedback": list(selectors.site_feedback_list(user=user, programme=programme)),
            "members": list(selectors.advisory_member_list(user=user, programme=programme)),
            "comments": list(selectors.advisory_comment_list(user=user, programme=programme)),
            "can": {
                "add_finding": finding_policy.user_can_in(user, "add", pk),
                "add_learning": key_learning_policy.user_can_in(user, "add", pk),
                "add_case_study": case_study_policy.user_can_in(user, "add", pk),
                "name_member": advisory_member_policy.user_can_in(user, "name", pk),
                "comment": advisory_comment_policy.user_can_in(user, "add", pk),
            },
        },
    )


def _form_page(
    request: HttpRequest,
    programme: Programme,
    form: Any,
    *,
    heading: str,
    button: str,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "inspections/learning/form.html",
        {"programme": programme, "form": form, "heading": heading, "button": button},
        status=status,
    )


def _write(
    request: HttpRequest,
    programme: Programme,
    form: Any,
    *,
    heading: str,
    button: str,
    save: Any,
    done: str,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as refused:
            add_service_errors(form, refused)
        else:
            messages.success(request, done)
            return redirect(_url(programme))
    status = 400 if form.is_bound and form.errors else 200
    return _form_page(request, programme, form, heading=heading, button=button, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def finding_add(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _learning(request, programme_id)
    finding_policy.require_in(request.user, "add", programme.pk)
    form = FindingForm(
        request.POST or None,
        titles=services.theme_titles(programme, user=request.user),
        sites=_sites(programme),
    )
    return _write(
        request,
        programme,
        form,
        heading="Add a finding",
        button="Add the finding",
        done="The finding was added.",
        save=lambda data: services.finding_add(
            actor=_actor(request),
            programme=programme,
            theme=data["theme"],
            kind=data["kind"],
            text=data["text"],
            sites=[int(s) for s in data["sites"]],
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def key_learning_add(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _learning(request, programme_id)
    key_learning_policy.require_in(request.user, "add", programme.pk)
    findings = [
        (f.pk, f"{f.get_kind_display()} ({f.theme}): {f.text[:80]}")
        for f in selectors.finding_list(user=request.user, programme=programme)
    ]
    form = KeyLearningForm(request.POST or None, findings=findings)
    return _write(
        request,
        programme,
        form,
        heading="Add key learning",
        button="Add the key learning",
        done="The key learning was added.",
        save=lambda data: services.key_learning_add(
            actor=_actor(request),
            programme=programme,
            text=data["text"],
            findings=[int(f) for f in data["findings"]],
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_study_add(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _learning(request, programme_id)
    case_study_policy.require_in(request.user, "add", programme.pk)
    form = CaseStudyForm(
        request.POST or None,
        titles=services.theme_titles(programme, user=request.user),
        sites=_sites(programme),
    )
    return _write(
        request,
        programme,
        form,
        heading="Add a case study",
        button="Add the case study",
        done="The case study was added.",
        save=lambda data: services.case_study_add(
            actor=_actor(request), programme=programme, **{**data, "site": int(data["site"])}
        ),
    )


@login_required
@require_safe
def case_study_detail(request: HttpRequest, case_study_id: int) -> HttpResponse:
    case_study = selectors.case_study_get(user=request.user, case_study_id=case_study_id)
    return render(
        request,
        "inspections/learning/case_study.html",
        {
            "case_study": case_study,
            "theme": services.theme_titles(case_study.programme, user=request.user).get(
                case_study.theme, case_study.theme
            ),
            "can": {
                name: case_study_policy.user_can(request.user, name, case_study)
                for name in ("send", "take")
            },
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_study_send(request: HttpRequest, case_study_id: int) -> HttpResponse:
    case_study = selectors.case_study_get(user=request.user, case_study_id=case_study_id)
    case_study_policy.require(request.user, "send", case_study)
    if not confirmed(request):
        return confirmation_page(request, confirmations.send(case_study))
    services.case_study_send(actor=_actor(request), case_study=case_study)
    messages.success(request, "The case study was sent to the library of what works.")
    return redirect("inspections_learning:case-study-detail", case_study.pk)


@login_required
@require_http_methods(["GET", "POST"])
def case_study_take(request: HttpRequest, case_study_id: int) -> HttpResponse:
    case_study = selectors.case_study_get(user=request.user, case_study_id=case_study_id)
    case_study_policy.require(request.user, "take", case_study)
    if not confirmed(request):
        return confirmation_page(request, confirmations.take(case_study))
    taken = services.case_study_take(actor=_actor(request), case_study=case_study)
    messages.success(request, "The case study is a draft entry of the library.")
    return redirect("what_works:entry-detail", taken.library_entry_id)


@login_required
@require_safe
def case_studies_sent(request: HttpRequest) -> HttpResponse:
    """The case studies sent to the library and waiting to be taken in (site administrators)."""
    if not facts_for(request.user).is_site_administrator:
        raise Http404
    return render(
        request,
        "inspections/learning/case_studies_sent.html",
        {"case_studies": list(selectors.case_studies_sent(user=request.user))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def site_feedback(request: HttpRequest, site_id: int) -> HttpResponse:
    site = selectors.site_get(site_id=site_id)
    user = request.user
    if not site_feedback_policy.user_can_in(user, "give", site.pk):
        readers = SiteFeedback(site=site)
        if site_feedback_policy.user_can(user, "view", readers):
            site_feedback_policy.require_in(user, "give", site.pk)
        raise Http404
    current = SiteFeedback.objects.filter(site=site).first()
    initial = (
        {
            "useful": current.useful,
            "what_helped": current.what_helped,
            "what_to_change": current.what_to_change,
        }
        if current
        else None
    )
    form = SiteFeedbackForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.site_feedback_give(actor=_actor(request), site=site, **form.cleaned_data)
        except ValidationError as refused:
            add_service_errors(form, refused)
        else:
            messages.success(request, "Thank you: the site's feedback was saved.")
            return redirect("inspections_learning:site-feedback", site.pk)
    return render(
        request,
        "inspections/learning/feedback.html",
        {"site": site, "form": form, "current": current},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def advisory_member_add(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _learning(request, programme_id)
    advisory_member_policy.require_in(request.user, "name", programme.pk)
    form = AdvisoryMemberForm(request.POST or None)
    return _write(
        request,
        programme,
        form,
        heading="Name a member of the advisory group",
        button="Name them",
        done="They were named to the advisory group.",
        save=lambda data: services.advisory_member_name(
            actor=_actor(request), programme=programme, email=data["email"]
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def advisory_comment_add(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _learning(request, programme_id)
    advisory_comment_policy.require_in(request.user, "add", programme.pk)
    form = AdvisoryCommentForm(request.POST or None)
    return _write(
        request,
        programme,
        form,
        heading="Comment on the draft findings",
        button="Add the comment",
        done="Your comment was added.",
        save=lambda data: services.advisory_comment_add(
            actor=_actor(request), programme=programme, text=data["text"]
        ),
    )


@login_required
@require_safe
def report_pdf(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _learning(request, programme_id)
    data = report.report_pdf(report.report_read(user=request.user, programme=programme))
    return file_download(
        data, file_name=report.report_file_name(programme), content_type="application/pdf"
    )
