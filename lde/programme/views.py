"""Programme pages: the portfolio (strand × tier, the empty cells named), the projects, the
budget (streams, allocations, the three-year plan, the spend profile, alliance pots), the tier
labels and the import of a project list or allocations.

Reads go through the selectors (404 when the partnership is not visible, 403 saying who can when
it is but its programme is not); each write asks the policy and then calls one service, whose
refusals are shown in the GOV.UK error summary against the field they name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from lde.accounts.models import Organisation
from lde.accounts.selectors import acting_user as _actor
from lde.core.access.facts import facts_for
from lde.core.access.policy import PermissionDenied403
from lde.core.govuk.forms import add_service_errors
from lde.partnerships.models import Alliance, Partnership
from lde.programme import forms as f
from lde.programme import selectors, services
from lde.programme.imports import ImportRefused, programme_import
from lde.programme.models import Tier, TierLabel
from lde.programme.policies import (
    CONTRIBUTE,
    EDIT_PROJECT,
    KEEP,
    POT_SPEND,
    POT_SPENDERS,
    project_policy,
)
from lde.programme.selectors import programme_partnership


def _keeper(request: HttpRequest, partnership: Partnership) -> None:
    project_policy.require_in(request.user, "add", partnership.pk, message=KEEP)


def _page(
    request: HttpRequest, partnership: Partnership, template: str, **context: Any
) -> HttpResponse:
    return render(
        request,
        f"programme/{template}",
        {
            "partnership": partnership,
            "can_keep": selectors.can_keep(request.user, partnership),
            **context,
        },
    )


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _record_form(
    request: HttpRequest,
    partnership: Partnership,
    *,
    heading: str,
    form: forms.Form,
    save: Callable[[dict[str, Any]], Any],
    done: str,
    back: str,
    lead: str = "",
    caption: str = "",
) -> HttpResponse:
    """Show `form`; on a valid POST call `save` with its cleaned data and go back to `back` (a
    URL) saying `done`; a service's refusal goes to its field."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(back)
    return render(
        request,
        "programme/record_form.html",
        {
            "partnership": partnership,
            "heading": heading,
            "form": form,
            "back": back,
            "lead": lead,
            "caption": caption or partnership.name,
        },
    )


# --- Reading ------------------------------------------------------------------------------------


@login_required
@require_safe
def portfolio(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = programme_partnership(user=request.user, partnership_id=partnership_id)
    found = selectors.portfolio(user=request.user, partnership=partnership)
    return _page(request, partnership, "portfolio.html", portfolio=found, here_is_portfolio=True)


@login_required
@require_safe
def project_list(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = programme_partnership(user=request.user, partnership_id=partnership_id)
    projects = selectors.project_list(user=request.user, partnership=partnership)
    labels = selectors.tier_labels(partnership_id=partnership.pk)
    rows = [
        {
            "project": p,
            "strand": selectors.strand_label(p.strand),
            "tier": labels[p.tier],
            "funded": getattr(p, "funded_total", None),
        }
        for p in projects
    ]
    return _page(request, partnership, "project_list.html", rows=rows)


@login_required
@require_safe
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, project_id=project_id)
    partnership = project.partnership
    return _page(
        request,
        partnership,
        "project_detail.html",
        project=project,
        facts=selectors.project_facts(project=project),
        can_edit=selectors.can_edit_project(request.user, project),
    )


@login_required
@require_safe
def budget(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = programme_partnership(user=request.user, partnership_id=partnership_id)
    profile = selectors.spend_profile(
        user=request.user, partnership=partnership, today=facts_for(request.user).today
    )
    pots = selectors.pots_for(user=request.user, partnership=partnership)
    return _page(request, partnership, "budget.html", profile=profile, pots=pots)


@login_required
@require_safe
def pot_detail(request: HttpRequest, pot_id: int) -> HttpResponse:
    pot = selectors.pot_get(user=request.user, pot_id=pot_id)
    partnerships = list(pot.alliance.partnerships.all())
    facts = facts_for(request.user)
    return render(
        request,
        "programme/pot_detail.html",
        {
            "pot": pot,
            "line": selectors.pot_line(pot=pot),
            "partnerships": partnerships,
            "can_contribute": any(
                p.pk in facts.partnerships_with(*POT_SPENDERS) for p in partnerships
            ),
        },
    )


# --- Writing ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def project_add(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = programme_partnership(user=request.user, partnership_id=partnership_id)
    _keeper(request, partnership)
    form = f.ProjectForm(
        _data(request),
        choices={
            "delivered_by": selectors.delivery_choices(partnership=partnership),
            "answers_gap": selectors.gap_choices(user=request.user, partnership=partnership),
        },
        tier_labels=selectors.tier_labels(partnership_id=partnership.pk),
    )
    return _record_form(
        request,
        partnership,
        heading="Add a project",
        form=form,
        save=lambda d: services.project_add(
            actor=_actor(request), partnership=partnership, **_project_fields(d)
        ),
        done="Project added.",
        back=reverse("programme:project-list", args=[partnership.pk]),
    )


def _project_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "narrative_priority": data.get("narrative_priority") or ""}


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, project_id=project_id)
    project_policy.require(request.user, "edit", project)
    partnership = project.partnership
    initial = {
        name: getattr(project, name)
        for name in services.PROJECT_FIELDS
        if name not in ("delivered_by", "answers_gap")
    }
    initial["delivered_by"] = project.delivered_by_id
    initial["answers_gap"] = project.answers_gap_id
    form = f.ProjectForm(
        _data(request),
        initial=initial,
        choices={
            "delivered_by": selectors.delivery_choices(partnership=partnership),
            "answers_gap": selectors.gap_choices(user=request.user, partnership=partnership),
        },
        tier_labels=selectors.tier_labels(partnership_id=partnership.pk),
    )
    return _record_form(
        request,
        partnership,
        heading=f"Edit {project.title}",
        form=form,
        save=lambda d: services.project_edit(
            actor=_actor(request), project=project, **_project_fields(d)
        ),
        done="Project saved.",
        back=reverse("programme:project-detail", args=[project.pk]),
        lead=EDIT_PROJECT,
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_add(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, project_id=project_id)
    project_policy.require(request.user, "edit", project)
    return _record_form(
        request,
        project.partnership,
        heading="Add an activity",
        caption=project.title,
        form=f.ActivityForm(_data(request)),
        save=lambda d: services.activity_add(actor=_actor(request), project=project, **d),
        done="Activity added.",
        back=reverse("programme:project-detail", args=[project.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def funding_add(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, project_id=project_id)
    partnership = project.partnership
    _keeper(request, partnership)
    form = f.FundingForm(
        _data(request),
        choices={
            "allocation": selectors.allocation_choices(partnership=partnership),
            "pot": selectors.pot_choices(user=request.user, partnership=partnership),
        },
    )
    return _record_form(
        request,
        partnership,
        heading="Fund the project",
        caption=project.title,
        form=form,
        save=lambda d: services.funding_add(actor=_actor(request), project=project, **d),
        done="Funding recorded.",
        back=reverse("programme:project-detail", args=[project.pk]),
        lead="A funded project needs its exit or sustainability plan first (¶45, ¶52).",
    )


@login_required
@require_http_methods(["GET", "POST"])
def stream_add(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = programme_partnership(user=request.user, partnership_id=partnership_id)
    _keeper(request, partnership)
    form = f.StreamForm(_data(request), choices={"source": Organisation.objects.order_by("name")})
    return _record_form(
        request,
        partnership,
        heading="Add a funding stream",
        form=form,
        save=lambda d: services.stream_add(actor=_actor(request), partnership=partnership, **d),
        done="Funding stream added.",
        back=reverse("programme:budget", args=[partnership.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def stream_edit(request: HttpRequest, stream_id: int) -> HttpResponse:
    """Change a stream's name, source, kind, amount, period or ring-fencing: never to less than
    its years already hold (the service refuses, naming the amount)."""
    stream = selectors.stream_get(user=request.user, stream_id=stream_id)
    partnership = stream.partnership
    _keeper(request, partnership)
    initial = {
        "name": stream.name,
        "source": stream.source_id,
        "kind": stream.kind,
        "amount": str(stream.amount),
        "starts_on": stream.starts_on,
        "ends_on": stream.ends_on,
        "ring_fenced": stream.ring_fenced,
    }
    form = f.StreamForm(
        _data(request),
        initial=initial,
        choices={"source": Organisation.objects.order_by("name")},
    )
    return _record_form(
        request,
        partnership,
        heading=f"Change {stream.name}",
        form=form,
        save=lambda d: services.stream_edit(actor=_actor(request), stream=stream, **d),
        done="Funding stream saved.",
        back=reverse("programme:budget", args=[partnership.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def allocation_set(request: HttpRequest, stream_id: int) -> HttpResponse:
    stream = selectors.stream_get(user=request.user, stream_id=stream_id)
    partnership = stream.partnership
    _keeper(request, partnership)
    return _record_form(
        request,
        partnership,
        heading="Allocate to a financial year",
        caption=stream.name,
        form=f.AllocationForm(_data(request)),
        save=lambda d: services.allocation_set(actor=_actor(request), stream=stream, **d),
        done="Allocation saved.",
        back=reverse("programme:budget", args=[partnership.pk]),
        lead="Allocate each of the next three years: together they are the medium-term "
        "financial plan (¶57).",
    )


@login_required
@require_http_methods(["GET", "POST"])
def tier_labels(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = programme_partnership(user=request.user, partnership_id=partnership_id)
    _keeper(request, partnership)
    own = dict(TierLabel.objects.filter(partnership=partnership).values_list("tier", "label"))
    form = f.TierLabelsForm(_data(request), labels=own)

    def save(data: dict[str, Any]) -> None:
        for tier in Tier:
            services.tier_label_set(
                actor=_actor(request),
                partnership=partnership,
                tier=tier.value,
                label=data[f"tier_{tier.value}"],
            )

    return _record_form(
        request,
        partnership,
        heading="Name the tiers of intervention",
        form=form,
        save=save,
        done="Tier names saved.",
        back=reverse("programme:portfolio", args=[partnership.pk]),
        lead="The tiers follow ACPO's delivery framework (Figure 1, ¶35–36); call them what "
        "the partnership calls them.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def pot_add(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = programme_partnership(user=request.user, partnership_id=partnership_id)
    _keeper(request, partnership)
    alliances = Alliance.objects.filter(partnerships=partnership).order_by("name")
    form = f.PotForm(_data(request), choices={"alliance": alliances})
    return _record_form(
        request,
        partnership,
        heading="Start an alliance's pooled pot",
        form=form,
        save=lambda d: services.pot_add(actor=_actor(request), **d),
        done="Pot started.",
        back=reverse("programme:budget", args=[partnership.pk]),
        lead=POT_SPEND,
    )


@login_required
@require_http_methods(["GET", "POST"])
def contribution_set(request: HttpRequest, pot_id: int) -> HttpResponse:
    pot = selectors.pot_get(user=request.user, pot_id=pot_id)
    facts = facts_for(request.user)
    mine = [
        p.pk
        for p in pot.alliance.partnerships.all()
        if p.pk in facts.partnerships_with(*POT_SPENDERS)
    ]
    if not mine:
        raise PermissionDenied403("You cannot record a contribution.", who_can=CONTRIBUTE)
    partnership = Partnership.objects.get(pk=mine[0])
    form = f.ContributionForm(
        _data(request), choices={"partnership": Partnership.objects.filter(pk__in=mine)}
    )
    return _record_form(
        request,
        partnership,
        heading="Record a contribution to the pot",
        caption=pot.name,
        form=form,
        save=lambda d: services.contribution_set(actor=_actor(request), pot=pot, **d),
        done="Contribution saved.",
        back=reverse("programme:pot-detail", args=[pot.pk]),
        lead=CONTRIBUTE,
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_import_page(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = programme_partnership(user=request.user, partnership_id=partnership_id)
    _keeper(request, partnership)
    form = f.ImportForm(request.POST or None, request.FILES or None)
    problems: list[Any] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = programme_import(
                actor=_actor(request),
                partnership=partnership,
                data=upload.read(),
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
        except PermissionDenied:
            raise PermissionDenied403("You cannot import.", who_can=KEEP) from None
        else:
            messages.success(
                request,
                f"Imported {result.rows} row{'s' if result.rows != 1 else ''} of {result.kind}.",
            )
            return redirect("programme:project-list", partnership_id=partnership.pk)
    return _page(request, partnership, "import.html", form=form, problems=problems)
