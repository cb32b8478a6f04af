"""Indicator pages: a partnership's indicators with their status in words, one indicator with
its chart beside its table, defining and changing one, recording figures (one at a time, from a
file, or a referral scheme's counts), its baseline and targets, publishing it, attaching its
latest figure as evidence to a criterion; and the open pages anyone reads, with figures under 10
withheld.

Reads go through the selectors, which apply the policy (404 when not visible); each write asks
the policy first (403, saying who can) and then calls one service. A form with errors answers
400 with the GOV.UK error summary.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from lde.accounts.selectors import acting_user as _actor
from lde.core.confirm import confirmation_page, confirmed
from lde.core.govuk.forms import add_service_errors
from lde.indicators import confirmations, forms, imports, selectors, services
from lde.indicators.models import Indicator
from lde.indicators.policies import indicator_policy
from lde.partnerships import selectors as partnership_selectors
from lde.programme.imports import MAX_BYTES, ImportProblem, ImportRefused


def _indicator(request: HttpRequest, indicator_id: int, action: str = "view") -> Indicator:
    indicator = selectors.indicator_get(user=request.user, indicator_id=indicator_id)
    if action != "view":
        indicator_policy.require(request.user, action, indicator)
    return indicator


def _can(request: HttpRequest, indicator: Indicator) -> dict[str, bool]:
    return {
        a: indicator_policy.user_can(request.user, a, indicator) for a in indicator_policy.actions
    }


def _form_page(
    request: HttpRequest, template: str, context: dict[str, Any], form: Any
) -> HttpResponse:
    status = 400 if form.is_bound and form.errors else 200
    return render(request, template, {**context, "form": form}, status=status)


def _definition(form: forms.IndicatorForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    return {
        "reported_by": data.pop("reported_by"),
        "criteria": list(data.pop("criteria")),
        **{k: v for k, v in data.items() if k in services.DEFINITION_FIELDS},
    }


@login_required
@require_safe
def indicator_list(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = partnership_selectors.partnership_get(
        user=request.user, partnership_id=partnership_id
    )
    indicator_policy.require_in(request.user, "view", partnership.pk)
    indicators = list(selectors.indicator_list(user=request.user, partnership=partnership))
    rows = [{"indicator": i, "status": selectors.status_of(i)} for i in indicators]
    return render(
        request,
        "indicators/indicator_list.html",
        {
            "partnership": partnership,
            "rows": rows,
            "may_define": indicator_policy.user_can_in(request.user, "define", partnership.pk),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_create(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = partnership_selectors.partnership_get(
        user=request.user, partnership_id=partnership_id
    )
    indicator_policy.require_in(request.user, "define", partnership.pk)
    form = forms.IndicatorForm(
        request.POST if request.method == "POST" else None, partnership=partnership
    )
    if form.is_bound and form.is_valid():
        try:
            indicator = services.indicator_create(
                actor=_actor(request), partnership=partnership, **_definition(form)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{indicator.title} is defined.")
            return redirect("indicators:indicator-detail", indicator_id=indicator.pk)
    return _form_page(request, "indicators/indicator_form.html", {"partnership": partnership}, form)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_update(request: HttpRequest, indicator_id: int) -> HttpResponse:
    indicator = _indicator(request, indicator_id, "define")
    initial = {
        **{name: getattr(indicator, name) for name in services.DEFINITION_FIELDS},
        "reported_by": indicator.reported_by_id,
        "criteria": list(indicator.criteria.values_list("pk", flat=True)),
    }
    form = forms.IndicatorForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        partnership=indicator.partnership,
    )
    if form.is_bound and form.is_valid():
        try:
            services.indicator_update(
                actor=_actor(request), indicator=indicator, **_definition(form)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{indicator.title} is changed.")
            return redirect("indicators:indicator-detail", indicator_id=indicator.pk)
    return _form_page(
        request,
        "indicators/indicator_form.html",
        {"partnership": indicator.partnership, "indicator": indicator},
        form,
    )


@login_required
@require_safe
def indicator_detail(request: HttpRequest, indicator_id: int) -> HttpResponse:
    indicator = _indicator(request, indicator_id)
    inside = selectors.reads_inside(request.user, indicator)
    context = selectors.indicator_view(indicator, outside=not inside)
    can = _can(request, indicator)
    return render(
        request,
        "indicators/indicator_detail.html",
        {
            **context,
            "partnership": indicator.partnership,
            # The criteria's draft assessments are looked up on the attach page only (a
            # query per criterion, which this page does not show).
            "can": can,
        },
    )


@login_required
@require_safe
def observations_csv(request: HttpRequest, indicator_id: int) -> HttpResponse:
    """Every figure of the indicator, in the columns the import reads. Only the partnership's
    readers export: the file holds the small figures too."""
    indicator = _indicator(request, indicator_id)
    if not selectors.reads_inside(request.user, indicator):
        indicator_policy.require(request.user, "record", indicator)
    body = imports.observations_csv(
        indicator, indicator.observations.order_by("period_start", "area_code", "area_name")
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="indicator-{indicator.pk}.csv"'
    return response


def _figure_view(
    request: HttpRequest,
    indicator_id: int,
    *,
    action: str,
    form_class: type[forms._PeriodMixin],
    heading: str,
    write: Any,
    done: str,
) -> HttpResponse:
    indicator = _indicator(request, indicator_id, action)
    form = form_class(request.POST if request.method == "POST" else None, indicator=indicator)
    if form.is_bound and form.is_valid():
        data = dict(form.cleaned_data)
        period = data.pop("period")
        try:
            write(actor=_actor(request), indicator=indicator, period=period, form=form, data=data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("indicators:indicator-detail", indicator_id=indicator.pk)
    return _form_page(
        request,
        "indicators/figure_form.html",
        {"indicator": indicator, "partnership": indicator.partnership, "heading": heading},
        form,
    )


@login_required
@require_http_methods(["GET", "POST"])
def observation_record(request: HttpRequest, indicator_id: int) -> HttpResponse:
    return _figure_view(
        request,
        indicator_id,
        action="record",
        form_class=forms.ObservationForm,
        heading="Record a figure",
        write=lambda actor, indicator, period, form, data: services.observation_record(
            actor=actor, indicator=indicator, period=period, **data
        ),
        done="The figure is recorded.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def baseline_set(request: HttpRequest, indicator_id: int) -> HttpResponse:
    return _figure_view(
        request,
        indicator_id,
        action="define",
        form_class=forms.FigureForm,
        heading="Set the baseline",
        write=lambda actor, indicator, period, form, data: services.baseline_set(
            actor=actor, indicator=indicator, period=period, **data
        ),
        done="The baseline is set.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def target_set(request: HttpRequest, indicator_id: int) -> HttpResponse:
    return _figure_view(
        request,
        indicator_id,
        action="define",
        form_class=forms.TargetForm,
        heading="Set a target",
        write=lambda actor, indicator, period, form, data: services.target_set(
            actor=actor, indicator=indicator, period=period, value=data["value"]
        ),
        done="The target is set.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def referrals_record(request: HttpRequest, indicator_id: int) -> HttpResponse:
    return _figure_view(
        request,
        indicator_id,
        action="record",
        form_class=forms.ReferralCountsForm,
        heading="Record a referral scheme's counts",
        write=lambda actor, indicator, period, form, data: services.referral_counts_record(
            actor=actor, indicator=indicator, period=period, counts=form.counts()
        ),
        done="The counts are recorded.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def observations_import(request: HttpRequest, indicator_id: int) -> HttpResponse:
    """Figures from a CSV file or a workbook, all or nothing, each problem listed with its row
    and column."""
    indicator = _indicator(request, indicator_id, "record")
    form = forms.ImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    problems: list[ImportProblem] = []
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = imports.observations_import(
                actor=_actor(request),
                indicator=indicator,
                data=upload.read(MAX_BYTES + 1),
                name=upload.name or "",
            )
        except ImportRefused as refused:
            problems = refused.problems
            form.add_error(
                "file",
                f"The file has {len(problems)} problem{'s' if len(problems) != 1 else ''}; "
                "nothing was saved. "
                + "; ".join(str(p) for p in problems[:5])
                + ("; …" if len(problems) > 5 else ""),
            )
        else:
            messages.success(
                request,
                f"{result.rows} figure{'s' if result.rows != 1 else ''} saved: "
                f"{result.created} new, {result.replaced} replaced.",
            )
            return redirect("indicators:indicator-detail", indicator_id=indicator.pk)
    return _form_page(
        request,
        "indicators/import.html",
        {"indicator": indicator, "partnership": indicator.partnership, "problems": problems},
        form,
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_publish(request: HttpRequest, indicator_id: int) -> HttpResponse:
    """Confirm, then publish or withdraw (`lde.core.confirm`)."""
    indicator = _indicator(request, indicator_id, "publish")
    publish = not indicator.published
    if confirmed(request):
        try:
            services.indicator_publish(
                actor=_actor(request), indicator=indicator, published=publish
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, f"{indicator.title} is {'published' if publish else 'withdrawn'}."
            )
        return redirect("indicators:indicator-detail", indicator_id=indicator.pk)
    confirmation = (
        confirmations.publish(indicator) if publish else confirmations.withdraw(indicator)
    )
    return confirmation_page(
        request,
        confirmation,
        template="indicators/confirm.html",
        context={"indicator": indicator, "partnership": indicator.partnership},
    )


@login_required
@require_http_methods(["GET", "POST"])
def evidence_attach(request: HttpRequest, indicator_id: int) -> HttpResponse:
    indicator = _indicator(request, indicator_id, "attach")
    form = forms.AttachForm(request.POST if request.method == "POST" else None, indicator=indicator)
    if form.is_bound and form.is_valid():
        try:
            evidence = services.evidence_attach(
                actor=_actor(request),
                indicator=indicator,
                criterion=form.cleaned_data["criterion"],
                site_url=settings.LDE_SITE_URL,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"“{evidence.title}” is attached as evidence.")
            return redirect("indicators:indicator-detail", indicator_id=indicator.pk)
    return _form_page(
        request,
        "indicators/attach.html",
        {
            "indicator": indicator,
            "partnership": indicator.partnership,
            "attachable": selectors.attachable_criteria(indicator),
        },
        form,
    )


# --- Open pages: anyone, figures under 10 withheld ------------------------------------------


@require_safe
def open_list(request: HttpRequest) -> HttpResponse:
    # The list shows a title and a partnership's name: 500 whole indicators and partnerships
    # were most of its time in `lde bench indicators`.
    indicators = list(
        selectors.published_list()
        .only("pk", "title", "partnership__name")
        .order_by("partnership__name", "title")[:500]
    )
    return render(request, "indicators/open_list.html", {"indicators": indicators})


@require_safe
def open_detail(request: HttpRequest, indicator_id: int) -> HttpResponse:
    indicator = selectors.open_indicator(indicator_id=indicator_id)
    return render(
        request,
        "indicators/open_detail.html",
        {**selectors.indicator_view(indicator, outside=True), "partnership": indicator.partnership},
    )
