"""Survey data set pages: a partnership's data sets, uploading one with its design, one data
set with its design written out and its saved estimates, the estimates page (choose, compute,
save), a saved estimate with its exports, attaching it as evidence, and removing either.

Reads go through the selectors, which apply the policy (404 when not visible); each write asks
the policy first (403, saying who can) and then calls one service.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from lde.accounts.selectors import acting_user as _actor
from lde.assessments.models import CriterionResponse
from lde.core.audit.chain import audit_record
from lde.core.audit.models import AuditScope
from lde.core.confirm import confirmation_page, confirmed
from lde.core.files import file_download
from lde.core.govuk.forms import add_service_errors
from lde.partnerships import selectors as partnership_selectors
from lde.surveys.datasets import confirmations, exports, selectors, services
from lde.surveys.datasets.forms import (
    AttachForm,
    DataSetUploadForm,
    EstimateForm,
    EstimateSaveForm,
)
from lde.surveys.datasets.policies import (
    saved_estimate_policy,
    sees_small_numbers,
    survey_data_set_policy,
)
from lde.surveys.datasets.presentation import design_words, display_rows, estimate_words
from lde.surveys.models import SavedEstimate, Statistic, SurveyDataSet

QUESTION_FIELDS = ("statistic", "outcome", "value", "domain_column", "ci_method")


def _question(data: dict[str, Any]) -> dict[str, Any]:
    return {name: data.get(name) or "" for name in QUESTION_FIELDS}


@login_required
@require_safe
def data_set_list(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = partnership_selectors.partnership_get(
        user=request.user, partnership_id=partnership_id
    )
    survey_data_set_policy.require_in(request.user, "view", partnership.pk)
    return render(
        request,
        "surveys/datasets/data_set_list.html",
        {
            "partnership": partnership,
            "data_sets": list(selectors.data_set_list(user=request.user, partnership=partnership)),
            "may_manage": survey_data_set_policy.user_can_in(
                request.user, "manage", partnership.pk
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def data_set_upload(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = partnership_selectors.partnership_get(
        user=request.user, partnership_id=partnership_id
    )
    survey_data_set_policy.require_in(request.user, "manage", partnership.pk)
    if request.method == "POST":
        form = DataSetUploadForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                data_set = services.data_set_upload(
                    actor=_actor(request),
                    partnership=partnership,
                    title=data["title"],
                    source=data["source"],
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                    upload=services.Upload(data["file"].name, data["file"].read()),
                    design=services.Design(
                        **{name: data[name] for name in services.DESIGN_COLUMNS},
                        lonely_psu=data["lonely_psu"],
                        calibration=data["calibration"],
                    ),
                    totals=[services.Upload(f.name, f.read()) for f in data["totals"]],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, f"{data_set.title}: {data_set.row_count:,} responses uploaded."
                )
                return redirect("survey_data:data-set-detail", data_set_id=data_set.pk)
    else:
        form = DataSetUploadForm()
    return render(
        request,
        "surveys/datasets/data_set_upload.html",
        {"form": form, "partnership": partnership},
        status=400 if form.is_bound and form.errors else 200,
    )


def _estimate_rows(
    request: HttpRequest, estimate: SavedEstimate, data_set: SurveyDataSet
) -> list[dict[str, Any]]:
    inside = sees_small_numbers(request.user, data_set.partnership_id)
    return display_rows(estimate.statistic, estimate.results, inside=inside)


@login_required
@require_safe
def data_set_detail(request: HttpRequest, data_set_id: int) -> HttpResponse:
    data_set = selectors.data_set_get(user=request.user, data_set_id=data_set_id)
    estimates = list(selectors.estimate_list(user=request.user, data_set=data_set))
    return render(
        request,
        "surveys/datasets/data_set_detail.html",
        {
            "data_set": data_set,
            "partnership": data_set.partnership,
            "design": design_words(data_set),
            "estimates": estimates,
            "may_manage": survey_data_set_policy.user_can(request.user, "manage", data_set),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def data_set_estimates(request: HttpRequest, data_set_id: int) -> HttpResponse:
    """Choose a statistic, an outcome, an answer (for a proportion) and a domain; see the
    estimates (GET, so the address says what is shown); save them (POST, coordinators)."""
    # The responses are read only when a question is asked: the form needs the columns alone,
    # and reading 10,000 responses was most of the empty form's time (`lde bench survey-pages`).
    asked = request.method == "POST" or "statistic" in request.GET
    data_set = selectors.data_set_get(user=request.user, data_set_id=data_set_id, with_rows=asked)
    may_manage = survey_data_set_policy.user_can(request.user, "manage", data_set)
    results: list[dict[str, Any]] | None = None
    form: EstimateForm
    if request.method == "POST":
        survey_data_set_policy.require(request.user, "manage", data_set)
        form = EstimateSaveForm(request.POST, columns=data_set.columns)
        if form.is_valid():
            try:
                estimate = services.estimate_save(
                    actor=_actor(request),
                    data_set=data_set,
                    note=form.cleaned_data["note"],
                    **_question(form.cleaned_data),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Estimate saved: {estimate.describe()}.")
                return redirect("survey_data:estimate-detail", estimate_id=estimate.pk)
    elif "statistic" in request.GET:
        form = (EstimateSaveForm if may_manage else EstimateForm)(
            request.GET, columns=data_set.columns
        )
        if form.is_valid():
            try:
                results = services.estimates_compute(
                    data_set=data_set, **_question(form.cleaned_data)
                )
            except ValidationError as error:
                add_service_errors(form, error)
    else:
        form = (EstimateSaveForm if may_manage else EstimateForm)(columns=data_set.columns)
    statistic = str(form.data.get("statistic", "")) if form.is_bound else ""
    inside = sees_small_numbers(request.user, data_set.partnership_id)
    return render(
        request,
        "surveys/datasets/data_set_estimates.html",
        {
            "data_set": data_set,
            "partnership": data_set.partnership,
            "design": design_words(data_set),
            "form": form,
            "rows": display_rows(statistic, results, inside=inside) if results else None,
            "statistic_label": Statistic(statistic).label if results else "",
            "may_manage": may_manage,
            "query": request.GET.urlencode(),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def data_set_remove(request: HttpRequest, data_set_id: int) -> HttpResponse:
    data_set = selectors.data_set_get(user=request.user, data_set_id=data_set_id)
    survey_data_set_policy.require(request.user, "manage", data_set)
    if confirmed(request):
        partnership_id = data_set.partnership_id
        services.data_set_remove(actor=_actor(request), data_set=data_set)
        messages.success(request, f"{data_set.title} is removed.")
        return redirect("survey_data:data-set-list", partnership_id=partnership_id)
    count = selectors.estimate_list(user=request.user, data_set=data_set).count()
    return confirmation_page(
        request,
        confirmations.data_set_remove(data_set, count),
        template="surveys/datasets/confirm.html",
        context={"data_set": data_set, "partnership": data_set.partnership},
    )


@login_required
@require_safe
def estimate_detail(request: HttpRequest, estimate_id: int) -> HttpResponse:
    estimate = selectors.estimate_get(user=request.user, estimate_id=estimate_id)
    data_set = estimate.data_set
    return render(
        request,
        "surveys/datasets/estimate_detail.html",
        {
            "estimate": estimate,
            "data_set": data_set,
            "partnership": data_set.partnership,
            "design": design_words(data_set),
            "question": estimate_words(estimate),
            "rows": _estimate_rows(request, estimate, data_set),
            "may_manage": saved_estimate_policy.user_can(request.user, "manage", estimate),
        },
    )


def _download(
    request: HttpRequest, data_set: SurveyDataSet, estimates: list[SavedEstimate], fmt: str
) -> HttpResponse:
    if fmt not in exports.FORMATS:
        raise Http404
    inside = sees_small_numbers(request.user, data_set.partnership_id)
    content, content_type, name = exports.export(data_set, estimates, fmt=fmt, inside=inside)
    audit_record(
        actor=request.user,
        verb="SURVEY_ESTIMATES_EXPORTED",
        target=data_set,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=data_set.partnership_id,
        detail={"estimates": [e.pk for e in estimates], "format": fmt},
    )
    return file_download(content, file_name=name, content_type=content_type)


@login_required
@require_safe
def estimate_export(request: HttpRequest, estimate_id: int, fmt: str) -> HttpResponse:
    estimate = selectors.estimate_get(user=request.user, estimate_id=estimate_id)
    return _download(request, estimate.data_set, [estimate], fmt)


@login_required
@require_safe
def data_set_export(request: HttpRequest, data_set_id: int, fmt: str) -> HttpResponse:
    data_set = selectors.data_set_get(user=request.user, data_set_id=data_set_id)
    estimates = list(selectors.estimate_list(user=request.user, data_set=data_set))
    return _download(request, data_set, estimates, fmt)


@login_required
@require_http_methods(["GET", "POST"])
def estimate_remove(request: HttpRequest, estimate_id: int) -> HttpResponse:
    estimate = selectors.estimate_get(user=request.user, estimate_id=estimate_id)
    saved_estimate_policy.require(request.user, "manage", estimate)
    if confirmed(request):
        data_set_id = estimate.data_set_id
        services.estimate_remove(actor=_actor(request), estimate=estimate)
        messages.success(request, "The estimate is removed.")
        return redirect("survey_data:data-set-detail", data_set_id=data_set_id)
    return confirmation_page(
        request,
        confirmations.estimate_remove(estimate),
        template="surveys/datasets/confirm.html",
        context={"data_set": estimate.data_set, "partnership": estimate.data_set.partnership},
    )


def _domain_choices(estimate: SavedEstimate) -> list[tuple[str, str]]:
    choices = []
    for row in estimate.results:
        domain = row.get("domain")
        label = "All responses" if domain is None else f"{estimate.domain_column} = {domain}"
        choices.append(("" if domain is None else str(domain), label))
    return choices


@login_required
@require_http_methods(["GET", "POST"])
def estimate_attach(request: HttpRequest, estimate_id: int) -> HttpResponse:
    """Attach the estimate to a criterion of a draft progress-measures or
    desirable-characteristics assessment, as a link titled with the figure (¶177)."""
    estimate = selectors.estimate_get(user=request.user, estimate_id=estimate_id)
    saved_estimate_policy.require(request.user, "manage", estimate)
    data_set = estimate.data_set
    responses: dict[str, CriterionResponse] = {
        str(r.pk): r
        for r in selectors.attachable_responses(
            user=request.user, partnership_id=data_set.partnership_id
        )
    }
    choices = [
        (pk, f"{r.assessment.title}: {r.criterion.identifier} {r.criterion.title}")
        for pk, r in responses.items()
    ]
    form = AttachForm(
        request.POST if request.method == "POST" else None,
        responses=choices,
        domains=_domain_choices(estimate),
    )
    if form.is_bound and form.is_valid():
        response = responses[form.cleaned_data["response"]]
        try:
            services.estimate_attach(
                actor=_actor(request),
                estimate=estimate,
                response=response,
                domain=form.cleaned_data["domain"] or None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Attached as evidence to {response.criterion.title}.")
            return redirect(
                "assessments:response-update",
                assessment_id=response.assessment_id,
                response_id=response.pk,
            )
    return render(
        request,
        "surveys/datasets/estimate_attach.html",
        {
            "estimate": estimate,
            "data_set": data_set,
            "partnership": data_set.partnership,
            "form": form,
            "has_criteria": bool(choices),
        },
        status=400 if form.is_bound and form.errors else 200,
    )
