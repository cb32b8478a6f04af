"""The page of distributions of programme money: national analysts, and the coordinators and
board members of a partnership (who see their own marked); 404 for everyone else (ADR 0027)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from lde.core.govuk import widgets
from lde.core.govuk.forms import GovukForm, add_service_errors
from lde.partnerships.models import Region
from lde.programme.models import FIRST_YEAR, LAST_YEAR, StreamKind
from lde.rollups import money_distributions as m
from lde.rollups.distributions_policies import money_distribution_policy
from lde.rollups.distributions_views import charts
from lde.rollups.selectors import national_figures_seconds


class MoneyDistributionForm(GovukForm):
    year = forms.IntegerField(
        label="Financial year (the year it starts, optional)",
        help_text="2025 for 2025–26. Empty: the latest year with a confirmed allocation.",
        required=False,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        widget=widgets.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": "Enter the financial year as a year, like 2025",
            "min_value": f"Enter a year from {FIRST_YEAR}",
            "max_value": f"Enter a year up to {LAST_YEAR}",
        },
    )
    basis = forms.ChoiceField(
        label="Allocations counted",
        choices=m.Basis.choices,
        initial=m.Basis.CONFIRMED,
        required=False,
        widget=widgets.Select(),
    )
    kind = forms.ChoiceField(
        label="Kind of funding stream",
        choices=[("", "Every kind"), *StreamKind.choices],
        required=False,
        widget=widgets.Select(),
    )
    ring_fence = forms.ChoiceField(
        label="Ring-fenced money",
        choices=m.RingFence.choices,
        initial=m.RingFence.ANY,
        required=False,
        widget=widgets.Select(),
    )
    region = forms.ChoiceField(
        label="Area",
        required=False,
        choices=[("", "England"), *Region.choices],
        widget=widgets.Select(),
    )


@login_required
def money_distributions(request: HttpRequest) -> HttpResponse:
    """Choose a financial year, what is counted and an area; see how much partnerships
    allocated as a box plot and a histogram, each with a table of the same figures."""
    if not money_distribution_policy.user_can_in(request.user, "view"):
        raise Http404
    form = MoneyDistributionForm(request.GET if request.GET else {})
    result = None
    if form.is_valid():
        try:
            query = m.query_from(
                year=form.cleaned_data["year"],
                basis=form.cleaned_data["basis"] or m.Basis.CONFIRMED,
                kind=form.cleaned_data["kind"],
                ring_fence=form.cleaned_data["ring_fence"] or m.RingFence.ANY,
                region=form.cleaned_data["region"],
            )
            result = m.money_distribution(user=request.user, query=query)
        except ValidationError as error:
            add_service_errors(form, error)
    status = 400 if form.errors else 200
    context: dict[str, Any] = {
        "form": form,
        "result": result,
        **charts(
            result,
            scale=m.MONEY,
            ticks=m.axis_ticks(result),
            what="money allocated" if result is None else f"money allocated ({result.query.what})",
            noun="sum allocated",
            bands=f"of £{m.STEP:,}, the last open above",
        ),
        "marks_note": "",
        "not_counted": m.NOT_COUNTED,
        "min_partnerships": m.MIN_PARTNERSHIPS,
        "kept_minutes": national_figures_seconds() // 60,
    }
    return render(request, "rollups/distributions/money.html", context, status=status)
