"""Assessment pages: the list of a partnership's cycles, starting the next one, the assessment
with its criteria, rating one criterion with its rubric in view, evidence, contributions and
sign-off, submitting, moderation, the factual accuracy check and publishing.

Reads go through the selectors, which apply the policy (404 when not visible); each action asks
the policy first (403, saying who can) and then calls one service.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lde.accounts.selectors import acting_user as _actor
from lde.assessments import confirmations, selectors, services
from lde.assessments.forms import (
    AbandonForm,
    ActionForm,
    AssessmentStartForm,
    ContributionAssignForm,
    EvidenceFileForm,
    EvidenceLinkForm,
    FactualAccuracyForm,
    ModerationDecisionForm,
    RaterRatingForm,
    ResponseForm,
    ReturnToDraftForm,
    SubmitForm,
)
from lde.assessments.models import (
    SUBMITTED_OR_LATER,
    Assessment,
    AssessmentKind,
    AssessmentStatus,
    CriterionResponse,
    EvidenceKind,
)
from lde.assessments.policies import assessment_policy
from lde.core.access.policy import PermissionDenied403
from lde.core.audit.chain import audit_record
from lde.core.audit.models import AuditScope
from lde.core.confirm import Confirmation, confirmation_page, confirmed
from lde.core.files import file_download
from lde.core.govuk.forms import add_service_errors
from lde.frameworks.models import WrittenBy
from lde.partnerships import selectors as partnership_selectors
from lde.partnerships.models import Partnership
from lde.partnerships.policies import partnership_policy

CONFLICT_MESSAGE = (
    "Someone else saved this criterion after you opened it. Nothing has been overwritten: "
    "compare their saved version with yours below, then save yours or keep theirs"
)


def _assessment(request: HttpRequest, assessment_id: int, action: str = "view") -> Assessment:
    assessment = selectors.assessment_get(user=request.user, assessment_id=assessment_id)
    if action != "view":
        assessment_policy.require(request.user, action, assessment)
    return assessment


def _can(request: HttpRequest, assessment: Assessment) -> dict[str, bool]:
    return {
        action: assessment_policy.user_can(request.user, action, assessment)
        for action in assessment_policy.actions
    }


def _partnership_can(request: HttpRequest, partnership: Partnership) -> dict[str, bool]:
    return {
        action: partnership_policy.user_can(request.user, action, partnership)
        for action in partnership_policy.actions
    }


def _refused(error: ValidationError) -> ActionForm:
    form = ActionForm(data={})
    form.is_valid()
    form.add_error(None, [m for problems in _messages(error) for m in problems])
    return form


def _confirm(
    request: HttpRequest, assessment: Assessment, confirmation: Confirmation, **context: Any
) -> HttpResponse:
    """The confirmation page of an action on the assessment (`lde.core.confirm`)."""
    return confirmation_page(
        request,
        confirmation,
        template="assessments/confirm.html",
        context={"assessment": assessment, **context},
    )


def _messages(error: ValidationError) -> list[list[str]]:
    if hasattr(error, "error_dict"):
        return list(error.message_dict.values())
    return [error.messages]


# --- The partnership's assessments ---------------------------------------------------------


@login_required
@require_safe
def assessment_list(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = partnership_selectors.partnership_get(
        user=request.user, partnership_id=partnership_id
    )
    return render(
        request,
        "assessments/assessment_list.html",
        {
            "partnership": partnership,
            "can": _partnership_can(request, partnership),
            "assessments": selectors.assessment_list(user=request.user, partnership=partnership),
            "can_start": assessment_policy.user_can_in(request.user, "start", partnership.pk),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_start(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = partnership_selectors.partnership_get(
        user=request.user, partnership_id=partnership_id
    )
    assessment_policy.require_in(request.user, "start", partnership.pk)
    versions = selectors.framework_versions_to_start(user=request.user)
    # The form is filled in with the period after the latest published cycle, never after a
    # draft: sent unchanged while that period's cycle is still open, it is refused (the service
    # refuses a cycle overlapping an open one) rather than starting the year after.
    last = selectors.latest_published_self_assessment(user=request.user, partnership=partnership)
    initial: dict[str, Any] = {"carry_forward": True}
    if last is not None:
        start = last.period_end + timedelta(days=1)
        # A year on, the day before the same date (29 February has no such date every year).
        end = start.replace(year=start.year + 1, day=min(start.day, 28)) - timedelta(days=1)
        if start.day > 28:
            end += timedelta(days=start.day - 28)
        initial.update(
            period_start=start,
            period_end=end,
            title=f"Self-assessment {start.year} to {end.year}",
        )
        if versions.filter(pk=last.framework_version_id).exists():
            initial["framework_version"] = last.framework_version_id
    form = AssessmentStartForm(
        request.POST if request.method == "POST" else None, versions=versions, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = services.assessment_start(
                actor=_actor(request),
                partnership=partnership,
                kind=AssessmentKind.SELF,
                framework_version=data["framework_version"],
                title=data["title"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                carry_forward=data["carry_forward"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            carried = len(services.unconfirmed(assessment))
            note = (
                f" {carried} rating{'s were' if carried != 1 else ' was'} carried forward from "
                f"{assessment.carried_from}: confirm or change each before you submit."
                if carried
                else ""
            )
            messages.success(request, f"{assessment.title} started.{note}")
            return redirect("assessments:assessment-detail", assessment_id=assessment.pk)
    return render(
        request,
        "assessments/assessment_start.html",
        {
            "form": form,
            "partnership": partnership,
            "overview": selectors.cycle_start_overview(
                user=request.user, partnership=partnership, versions=versions
            ),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


# --- One assessment ------------------------------------------------------------------------


def _url_base(name: str, *args: Any) -> str:
    """The URL of `name` up to its last argument, an object id, which the page appends."""
    return reverse(name, args=[*args, 0]).removesuffix("0/")


def _render_detail(
    request: HttpRequest,
    assessment: Assessment,
    *,
    status: int = 200,
    form: Form | None = None,
    facts_form: FactualAccuracyForm | None = None,
    return_form: ReturnToDraftForm | None = None,
) -> HttpResponse:
    """The assessment page; also shown again, with the error summary, when an action on it
    is refused."""
    can = _can(request, assessment)
    themes = selectors.assessment_rows(assessment=assessment)
    rateable = selectors.rateable_criterion_ids(user=request.user, assessment=assessment)
    rows = [row for theme in themes for row in theme["rows"]]
    unconfirmed = [row for row in rows if row.response and row.response.carried_forward]
    is_review = assessment.kind != AssessmentKind.SELF
    facts_form = facts_form or FactualAccuracyForm()
    return_form = return_form or ReturnToDraftForm()
    history = selectors.assessment_history(assessment=assessment)
    return render(
        request,
        "assessments/assessment_detail.html",
        {
            "assessment": assessment,
            "can": can,
            "themes": themes,
            # Reversed once, not once per row: a 300-criterion page has thousands of links.
            "response_base": _url_base("assessments:response-update", assessment.pk),
            "evidence_base": _url_base("assessments:evidence-download"),
            "rate_all": rateable is None,
            "rateable": rateable or frozenset(),
            "unconfirmed": unconfirmed,
            "rated_count": sum(
                1 for row in rows if row.response and row.response.rating is not None
            ),
            "criterion_count": len(rows),
            "is_review": is_review,
            "reviews": []
            if is_review
            else list(selectors.reviews_of(user=request.user, assessment=assessment)),
            "history": history,
            # When, by whom and why it was abandoned, said at the top of the page.
            "abandoned": next(
                (t for t in reversed(history) if t.to_status == AssessmentStatus.ABANDONED), None
            ),
            "sign_offs": selectors.sign_off_list(assessment=assessment),
            # The comments name who made them: part of the full record, not the summary a
            # community reviewer reads.
            "comments": selectors.factual_accuracy_comments(assessment=assessment)
            if is_review and can["view_in_full"]
            else [],
            "form": form
            or next((f for f in (facts_form, return_form) if f.is_bound and f.errors), None),
            "facts_form": facts_form,
            "return_form": return_form,
            "can_return": can["return_to_draft"],
        },
        status=status,
    )


@login_required
@require_safe
def assessment_detail(request: HttpRequest, assessment_id: int) -> HttpResponse:
    return _render_detail(request, _assessment(request, assessment_id))


# --- One criterion: rating, own rating, evidence -------------------------------------------


def _response(
    request: HttpRequest, assessment_id: int, response_id: int
) -> tuple[Assessment, CriterionResponse]:
    """A response of an assessment the user may rate, and a criterion they may rate."""
    assessment = _assessment(request, assessment_id)
    response = selectors.response_get(
        user=request.user, assessment=assessment, response_id=response_id
    )
    response.assessment = assessment
    assessment_policy.require(request.user, "rate", assessment)
    rateable = selectors.rateable_criterion_ids(user=request.user, assessment=assessment)
    if rateable is not None and response.criterion_id not in rateable:
        raise PermissionDenied403(
            "This criterion is not assigned to you.",
            who_can="Contributors rate the criteria assigned to them or their organisation; "
            "coordinators and board members rate every criterion.",
        )
    return assessment, response


def _response_initial(response: CriterionResponse) -> dict[str, Any]:
    return {
        "rating": response.rating,
        "target": response.target,
        "commentary": response.commentary,
        "consensus_reason": response.consensus_reason,
        "revision": response.revision,
    }


def _render_response(
    request: HttpRequest,
    assessment: Assessment,
    response: CriterionResponse,
    *,
    status: int = 200,
    response_form: ResponseForm | None = None,
    rater_form: RaterRatingForm | None = None,
    file_form: EvidenceFileForm | None = None,
    link_form: EvidenceLinkForm | None = None,
    conflict: services.EditConflict | None = None,
) -> HttpResponse:
    scale, descriptors = selectors.criterion_scale(criterion=response.criterion)
    detail = selectors.response_detail(response=response)
    mine = next((r for r in detail["rater_ratings"] if r.rater_id == request.user.pk), None)
    response_form = response_form or ResponseForm(
        scale=scale, descriptors=descriptors, initial=_response_initial(response)
    )
    rater_form = rater_form or RaterRatingForm(
        scale=scale,
        initial={"rating": mine.rating, "note": mine.note} if mine else {"rating": None},
    )
    file_form = file_form or EvidenceFileForm()
    link_form = link_form or EvidenceLinkForm()
    errored = next(
        (f for f in (response_form, rater_form, file_form, link_form) if f.is_bound and f.errors),
        response_form,
    )
    values = [r.rating for r in detail["rater_ratings"] if r.rating is not None]
    return render(
        request,
        "assessments/response_update.html",
        {
            "assessment": assessment,
            "response": response,
            "criterion": response.criterion,
            "scale": scale,
            "descriptors": sorted(descriptors.items()),
            "has_own_rubric": bool(response.criterion.rubric_written_by),
            "platform": WrittenBy.PLATFORM,
            "theme": detail["theme"],
            "rater_ratings": detail["rater_ratings"],
            "spread": (min(values), max(values)) if values else None,
            "raters_differ": len(set(values)) > 1,
            "evidence": detail["evidence"],
            "form": errored,
            "response_form": response_form,
            "rater_form": rater_form,
            "file_form": file_form,
            "link_form": link_form,
            "conflict": conflict,
            "conflict_yours": conflict.yours if conflict else None,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def response_update(request: HttpRequest, assessment_id: int, response_id: int) -> HttpResponse:
    """Rate one criterion with its rubric in view. Confirming a carried-forward rating is
    saving it; saving over someone else's newer save shows both versions instead."""
    assessment, response = _response(request, assessment_id, response_id)
    if request.method != "POST":
        return _render_response(request, assessment, response)
    scale, descriptors = selectors.criterion_scale(criterion=response.criterion)
    form = ResponseForm(request.POST, scale=scale, descriptors=descriptors)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.response_update(
                actor=_actor(request),
                response=response,
                seen_revision=data["revision"],
                rating=data["rating"],
                target=data["target"],
                commentary=data["commentary"],
                consensus_reason=data["consensus_reason"],
            )
        except services.EditConflict as conflict:
            # Keep what they typed, now against the version they have been shown, so that
            # saving again is a choice made with both in view.
            retyped = request.POST.copy()
            retyped["revision"] = str(conflict.theirs.revision)
            form = ResponseForm(retyped, scale=scale, descriptors=descriptors)
            form.is_valid()
            form.add_error(None, CONFLICT_MESSAGE)
            return _render_response(
                request, assessment, response, status=409, response_form=form, conflict=conflict
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved: {response.criterion.title}.")
            url = reverse("assessments:assessment-detail", args=[assessment.pk])
            return HttpResponseRedirect(f"{url}#criterion-{response.criterion.identifier}")
    return _render_response(request, assessment, response, status=400, response_form=form)


@login_required
@require_POST
def rater_rating_record(request: HttpRequest, assessment_id: int, response_id: int) -> HttpResponse:
    assessment, response = _response(request, assessment_id, response_id)
    scale, _ = selectors.criterion_scale(criterion=response.criterion)
    form = RaterRatingForm(request.POST, scale=scale)
    if form.is_valid():
        try:
            services.rater_rating_record(
                actor=_actor(request),
                response=response,
                rating=form.cleaned_data["rating"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your own rating is recorded.")
            return redirect(
                "assessments:response-update", assessment_id=assessment.pk, response_id=response.pk
            )
    return _render_response(request, assessment, response, status=400, rater_form=form)


@login_required
@require_POST
def evidence_add_file(request: HttpRequest, assessment_id: int, response_id: int) -> HttpResponse:
    assessment, response = _response(request, assessment_id, response_id)
    form = EvidenceFileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            evidence = services.evidence_add_file(
                actor=_actor(request),
                response=response,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
                effective_on=form.cleaned_data["effective_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Evidence added: {evidence.title}.")
            return redirect(
                "assessments:response-update", assessment_id=assessment.pk, response_id=response.pk
            )
    return _render_response(request, assessment, response, status=400, file_form=form)


@login_required
@require_POST
def evidence_add_link(request: HttpRequest, assessment_id: int, response_id: int) -> HttpResponse:
    assessment, response = _response(request, assessment_id, response_id)
    form = EvidenceLinkForm(request.POST)
    if form.is_valid():
        try:
            evidence = services.evidence_add_link(
                actor=_actor(request),
                response=response,
                title=form.cleaned_data["title"],
                url=form.cleaned_data["url"],
                effective_on=form.cleaned_data["effective_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Link added: {evidence.title}.")
            return redirect(
                "assessments:response-update", assessment_id=assessment.pk, response_id=response.pk
            )
    return _render_response(request, assessment, response, status=400, link_form=form)


@login_required
@require_safe
def evidence_download(request: HttpRequest, evidence_id: int) -> HttpResponseBase:
    """Evidence files are served only here, after the policy, and every read is audited."""
    evidence = selectors.evidence_get(user=request.user, evidence_id=evidence_id)
    assessment = evidence.response.assessment
    path = services.evidence_path(evidence) if evidence.kind == EvidenceKind.FILE else None
    if path is not None and not path.is_file():
        raise Http404
    audit_record(
        actor=_actor(request),
        verb="EVIDENCE_DOWNLOADED",
        target=evidence,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=assessment.partnership_id,
        detail={"assessment": assessment.pk, "content_hash": evidence.content_hash},
    )
    if path is None:
        return HttpResponseRedirect(evidence.url)
    return file_download(
        path, file_name=evidence.file_name or "evidence", content_type=evidence.content_type
    )


# --- Contributions and sign-off ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def contributions(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """Coordinators assign criteria to organisations and people; each contributing
    organisation signs off its part."""
    assessment = _assessment(request, assessment_id)
    # Who contributed and who signed off, by name, is part of the full assessment: a community
    # reviewer reads only the summary of published work.
    assessment_policy.require(request.user, "view_in_full", assessment)
    can = _can(request, assessment)
    may_assign = can["start"] and assessment.status == AssessmentStatus.DRAFT
    people = selectors.contribution_people(partnership=assessment.partnership)
    form = ContributionAssignForm(
        request.POST if request.method == "POST" else None,
        criteria=selectors.rated_criterion_choices(version=assessment.framework_version),
        organisations=people["organisations"],
        people=people["people"],
    )
    if request.method == "POST":
        if not may_assign:
            raise PermissionDenied403(
                "You cannot assign criteria here.",
                who_can="The partnership's coordinators assign criteria while the assessment "
                "is a draft.",
            )
        if form.is_valid():
            data = form.cleaned_data
            services.contribution_assign(
                actor=_actor(request),
                assessment=assessment,
                criterion=data["criterion"],
                organisation=data["organisation"],
                user=data["user"],
            )
            messages.success(request, f"Assigned: {data['criterion'].title}.")
            return redirect("assessments:contributions", assessment_id=assessment.pk)
    themes = selectors.assessment_rows(assessment=assessment)
    sign_offs = selectors.sign_off_list(assessment=assessment)
    signed = {s.organisation_id: s for s in sign_offs}
    contributing: dict[int, str] = {}
    for theme in themes:
        for row in theme["rows"]:
            for c in row.contributions:
                if c.organisation_id is not None:
                    contributing.setdefault(c.organisation_id, c.organisation_name or "")
                elif c.user_organisation_id is not None:
                    contributing.setdefault(c.user_organisation_id, c.user_organisation_name or "")
    organisations = [
        {"organisation": {"pk": pk, "name": name}, "sign_off": signed.get(pk)}
        for pk, name in sorted(contributing.items(), key=lambda i: i[1])
    ] + [
        {"organisation": s.organisation, "sign_off": s}
        for s in sign_offs
        if s.organisation_id not in contributing
    ]
    actor = _actor(request)
    own = actor.organisation if actor.organisation_id else None
    return render(
        request,
        "assessments/contributions.html",
        {
            "assessment": assessment,
            "can": can,
            "themes": themes,
            "form": form,
            "may_assign": may_assign,
            "organisations": organisations,
            "own_organisation": own,
            "may_sign_off": can["sign_off"] and own is not None and own.pk not in signed,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_sign_off(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """Confirm, then sign off the part of the actor's own organisation."""
    assessment = _assessment(request, assessment_id, "sign_off")
    actor = _actor(request)
    if actor.organisation is None:
        raise PermissionDenied403(
            "You represent no organisation.", who_can=assessment_policy.who_can["sign_off"]
        )
    if not confirmed(request):
        return _confirm(
            request,
            assessment,
            confirmations.organisation_sign_off(assessment, actor.organisation),
        )
    services.organisation_sign_off(
        actor=actor, assessment=assessment, organisation=actor.organisation
    )
    messages.success(request, f"{actor.organisation.name} has signed off its part.")
    return redirect("assessments:contributions", assessment_id=assessment.pk)


# --- Workflow ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def assessment_submit(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """Submit, once every carried-forward rating is confirmed, with the declaration that the
    assessment holds no information about identifiable members of the public."""
    assessment = _assessment(request, assessment_id, "submit")
    form = SubmitForm(request.POST if confirmed(request) else None)
    if form.is_bound and form.is_valid():
        try:
            services.assessment_submit(
                actor=_actor(request),
                assessment=assessment,
                no_personal_data_declared=form.cleaned_data["no_personal_data_declared"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{assessment.title} submitted.")
            return redirect("assessments:assessment-detail", assessment_id=assessment.pk)
    unconfirmed = services.unconfirmed(assessment)
    return confirmation_page(
        request,
        confirmations.submit(assessment, form),
        template="assessments/assessment_submit.html",
        context={
            "assessment": assessment,
            "unconfirmed": unconfirmed,
            "non_field_anchor": "carried-forward" if unconfirmed else "main-content",
            "guard": dict(
                zip(
                    ("findings", "unchecked"),
                    selectors.personal_data_findings(assessment=assessment),
                    strict=True,
                )
            ),
            "response_base": _url_base("assessments:response-update", assessment.pk),
        },
    )


def _render_moderation(
    request: HttpRequest,
    assessment: Assessment,
    *,
    status: int = 200,
    bound: tuple[int, ModerationDecisionForm] | None = None,
    form: Form | None = None,
) -> HttpResponse:
    can = _can(request, assessment)
    scales, default_scale = selectors.scales_of(version=assessment.framework_version)
    rows = services.moderation_rows(assessment)
    for row in rows:
        criterion = row["criterion"]
        row["scale"] = scales.get(criterion.scale_id or 0, default_scale)
        if row["differs"] and can["moderate"]:
            if bound is not None and bound[0] == criterion.pk:
                row["form"] = bound[1]
            else:
                decision = row["decision"]
                row["form"] = ModerationDecisionForm(
                    prefix=f"criterion-{criterion.pk}",
                    scale=row["scale"],
                    initial={
                        "agreed_rating": decision.agreed_rating
                        if decision
                        else row["review_rating"],
                        "reason": decision.reason if decision else "",
                    },
                )
    review = (
        selectors.reviews_of(user=request.user, assessment=assessment)
        .filter(status__in=SUBMITTED_OR_LATER)
        .order_by("-created_at")
        .first()
    )
    errored = form or (bound[1] if bound is not None else None)
    return render(
        request,
        "assessments/moderation.html",
        {
            "assessment": assessment,
            "can": can,
            "rows": rows,
            "review": review,
            "differing": sum(1 for r in rows if r["differs"]),
            "undecided": sum(1 for r in rows if r["differs"] and r["decision"] is None),
            "form": errored,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def moderation(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """The self rating beside the review's rating; where they differ, the agreed one."""
    assessment = _assessment(request, assessment_id, "view_moderation")
    if request.method != "POST":
        return _render_moderation(request, assessment)
    assessment_policy.require(request.user, "moderate", assessment)
    rows = services.moderation_rows(assessment)
    row = next(
        (r for r in rows if str(r["criterion"].pk) == request.POST.get("criterion", "")), None
    )
    if row is None or not row["differs"]:
        raise Http404
    scales, default_scale = selectors.scales_of(version=assessment.framework_version)
    criterion = row["criterion"]
    form = ModerationDecisionForm(
        request.POST,
        prefix=f"criterion-{criterion.pk}",
        scale=scales.get(criterion.scale_id or 0, default_scale),
    )
    if form.is_valid():
        try:
            services.moderation_decide(
                actor=_actor(request),
                assessment=assessment,
                criterion=criterion,
                agreed_rating=form.cleaned_data["agreed_rating"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Agreed rating recorded: {criterion.title}.")
            return redirect("assessments:moderation", assessment_id=assessment.pk)
    return _render_moderation(request, assessment, status=400, bound=(criterion.pk, form))


def _step(
    request: HttpRequest,
    assessment_id: int,
    action: str,
    service: Callable[..., Any],
    done: str,
    render_refusal: Callable[..., HttpResponse],
    confirmation: Callable[[Assessment], Confirmation],
) -> HttpResponse:
    """One workflow step with no form, which cannot be undone: check the policy, show its
    confirmation, and once confirmed call the service, then either go back to the assessment
    with a success message or show the service's refusal on `render_refusal`."""
    assessment = _assessment(request, assessment_id, action)
    if not confirmed(request):
        return _confirm(request, assessment, confirmation(assessment))
    try:
        service(actor=_actor(request), assessment=assessment)
    except ValidationError as error:
        return render_refusal(request, assessment, status=400, form=_refused(error))
    messages.success(request, done.format(title=assessment.title))
    return redirect("assessments:assessment-detail", assessment_id=assessment.pk)


@login_required
@require_http_methods(["GET", "POST"])
def moderation_finish(request: HttpRequest, assessment_id: int) -> HttpResponse:
    return _step(
        request,
        assessment_id,
        "moderate",
        services.assessment_moderate,
        "Moderation of {title} is finished.",
        _render_moderation,
        confirmations.moderation_finish,
    )


@login_required
@require_POST
def factual_accuracy_comment(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = _assessment(request, assessment_id, "check_facts")
    form = FactualAccuracyForm(request.POST)
    if form.is_valid():
        try:
            services.factual_accuracy_comment(
                actor=_actor(request), assessment=assessment, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your factual accuracy comment is kept with the review.")
            return redirect("assessments:assessment-detail", assessment_id=assessment.pk)
    return _render_detail(request, assessment, status=400, facts_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_board_sign_off(request: HttpRequest, assessment_id: int) -> HttpResponse:
    return _step(
        request,
        assessment_id,
        "board_sign_off",
        services.board_sign_off,
        "The board has signed off {title}.",
        _render_detail,
        confirmations.board_sign_off,
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_publish(request: HttpRequest, assessment_id: int) -> HttpResponse:
    return _step(
        request,
        assessment_id,
        "publish",
        services.assessment_publish,
        "{title} published.",
        _render_detail,
        confirmations.publish,
    )


@login_required
@require_POST
def assessment_return_to_draft(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = _assessment(request, assessment_id, "return_to_draft")
    form = ReturnToDraftForm(request.POST)
    if form.is_valid():
        try:
            services.assessment_return_to_draft(
                actor=_actor(request), assessment=assessment, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{assessment.title} is a draft again.")
            return redirect("assessments:assessment-detail", assessment_id=assessment.pk)
    return _render_detail(request, assessment, status=400, return_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_abandon(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """Abandon a draft, after a page that says what will happen and who will see it: it cannot
    be undone."""
    assessment = _assessment(request, assessment_id, "abandon")
    form = AbandonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_abandon(
                actor=_actor(request), assessment=assessment, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{assessment.title} is abandoned. It stays in the list of assessments, marked "
                "abandoned, with your reason.",
            )
            return redirect("assessments:assessment-list", partnership_id=assessment.partnership_id)
    return render(
        request,
        "assessments/assessment_abandon.html",
        {
            "assessment": assessment,
            "form": form,
            "open_reviews": selectors.reviews_of(user=request.user, assessment=assessment).filter(
                status=AssessmentStatus.DRAFT
            ),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def review_start(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """Start a peer review (coordinators) or an inspection (assigned inspectors)."""
    kind = request.POST.get("kind", "")
    action = "start_inspection" if kind == AssessmentKind.INSPECTION else "start_peer_review"
    assessment = _assessment(request, assessment_id, action)
    review = services.review_start(
        actor=_actor(request),
        assessment=assessment,
        kind=AssessmentKind.INSPECTION
        if action == "start_inspection"
        else AssessmentKind.PEER_REVIEW,
    )
    messages.success(
        request,
        f"{review.title} started. Its number is assessment:{review.pk}; "
        f"the reviewers' assignment names assessment:{assessment.pk}.",
    )
    return redirect("assessments:assessment-detail", assessment_id=review.pk)
