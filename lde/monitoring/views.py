"""Monitoring pages: a partnership's agreements and its rules for proportionate monitoring, each
agreement (milestones, targets, outcome indicators, budget lines, payments, conditions, its
schedule of returns with each return's status in words), the returns themselves (made by the
delivering organisation or a coordinator for it, reviewed by a coordinator), their evidence, and
value for money.

Reads go through the selectors (404 when not visible); each write asks its policy (403 saying who
can) and calls one service, whose refusals are shown in the GOV.UK error summary. Making an
agreement active, closing it, submitting a return and accepting one are confirmed first
(`lde.core.confirm`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods, require_safe

from lde.accounts.models import Organisation
from lde.accounts.selectors import acting_user as _actor
from lde.commissioning.models import Decision, Outcome
from lde.commissioning.policies import applicant_bid_policy, bid_policy
from lde.core.confirm import confirmation_page, confirmed
from lde.core.files import file_download
from lde.core.govuk.forms import add_service_errors
from lde.core.pdf import pdf_from_html
from lde.monitoring import confirmations, imports, selectors, services, value
from lde.monitoring import forms as f
from lde.monitoring.models import Agreement, Return, ReturnEvidence, ReturnFrequency
from lde.monitoring.policies import (
    agreement_policy,
    applicant_return_policy,
    return_policy,
)
from lde.partnerships.models import Alliance
from lde.programme.imports import MAX_BYTES as MAX_IMPORT_BYTES
from lde.programme.imports import ImportProblem, ImportRefused
from lde.programme.models import Project


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _form_page(
    request: HttpRequest,
    *,
    heading: str,
    form: forms.Form,
    save: Callable[[dict[str, Any]], Any],
    done: str,
    then: str,
    caption: str = "",
    lead: str = "",
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(then)
    return render(
        request,
        "monitoring/form.html",
        {"heading": heading, "form": form, "back": then, "caption": caption, "lead": lead},
        status=400 if form.is_bound and form.errors else 200,
    )


# --- A partnership's agreements ---------------------------------------------------------------


@login_required
@require_safe
def agreement_list(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = selectors.monitoring_partnership(user=request.user, partnership_id=partnership_id)
    agreements = selectors.agreement_list(user=request.user, partnership=partnership)
    rules = services.rules_for(partnership.pk)
    rows = []
    for agreement in agreements:
        states = selectors.return_states(agreement, rules=rules)
        rows.append(
            {
                "agreement": agreement,
                "late": sum(1 for s in states if s.late),
                "overspent": sum(1 for s in states if s.overspent),
            }
        )
    return render(
        request,
        "monitoring/agreement_list.html",
        {
            "partnership": partnership,
            "rows": rows,
            "rules": rules,
            "can_start": agreement_policy.user_can_in(request.user, "start", partnership.pk),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = selectors.monitoring_partnership(user=request.user, partnership_id=partnership_id)
    agreement_policy.require_in(request.user, "start", partnership.pk)
    current = services.rules_for(partnership.pk)
    return _form_page(
        request,
        heading="Monitoring rules",
        caption=partnership.name,
        lead="Monitoring proportionate to the award (¶46, ¶163): agreements of this amount or "
        "more make a return every quarter; smaller ones make one return at the end.",
        form=f.RulesForm(
            _data(request),
            initial={
                "quarterly_from": current.quarterly_from,
                "tolerance_percent": current.tolerance_percent,
            },
        ),
        save=lambda d: services.rules_set(actor=_actor(request), partnership=partnership, **d),
        done="The monitoring rules are saved.",
        then=f"/monitoring/{partnership.pk}/",
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_create(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = selectors.monitoring_partnership(user=request.user, partnership_id=partnership_id)
    agreement_policy.require_in(request.user, "start", partnership.pk)
    made: dict[str, Agreement] = {}

    def save(data: dict[str, Any]) -> None:
        made["agreement"] = services.agreement_create(
            actor=_actor(request), partnership=partnership, **data
        )

    form = f.AgreementForm(
        _data(request),
        organisations=Organisation.objects.order_by("name"),
        projects=Project.objects.filter(partnership=partnership).order_by("title"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The draft agreement is saved: add what it covers.")
            return redirect("monitoring:agreement-detail", agreement_id=made["agreement"].pk)
    return render(
        request,
        "monitoring/form.html",
        {
            "heading": "Make an agreement",
            "caption": partnership.name,
            "form": form,
            "back": f"/monitoring/{partnership.pk}/",
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_from_award(request: HttpRequest, award_id: int) -> HttpResponse:
    decision = (
        Decision.objects.filter(pk=award_id, outcome=Outcome.AWARD)
        .select_related("bid__call__partnership", "bid__organisation")
        .first()
    )
    if decision is None or not agreement_policy.user_can_in(
        request.user, "view", decision.bid.call.partnership_id
    ):
        raise Http404
    partnership = decision.bid.call.partnership
    agreement_policy.require_in(request.user, "start", partnership.pk)
    made: dict[str, Agreement] = {}

    def save(data: dict[str, Any]) -> None:
        made["agreement"] = services.agreement_from_decision(
            actor=_actor(request), decision=decision, **data
        )

    form = f.FromAwardForm(
        _data(request), projects=Project.objects.filter(partnership=partnership).order_by("title")
    )
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The draft agreement is saved: add what it covers.")
            return redirect("monitoring:agreement-detail", agreement_id=made["agreement"].pk)
    return render(
        request,
        "monitoring/form.html",
        {
            "heading": "Make the agreement for this award",
            "caption": f"{decision.bid.organisation.name}: {decision.bid.title}",
            "lead": f"Award of £{decision.amount:,}.",
            "form": form,
            "back": f"/monitoring/{partnership.pk}/",
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _agreement(request: HttpRequest, agreement_id: int) -> Agreement:
    return selectors.agreement_get(user=request.user, agreement_id=agreement_id)


@login_required
@require_safe
def agreement_detail(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = _agreement(request, agreement_id)
    user = request.user
    rules = services.rules_for(agreement.partnership_id)
    lines = list(agreement.lines.all())
    administration = sum((x.amount for x in lines if x.kind == "administration"), start=0)
    bid = agreement.decision.bid if agreement.decision is not None else None
    return render(
        request,
        "monitoring/agreement_detail.html",
        {
            "agreement": agreement,
            # The award's bid and decision, linked only for whoever may read the bid.
            "bid_readable": bid is not None
            and (
                bid_policy.user_can(user, "view", bid)
                or applicant_bid_policy.user_can(user, "view", bid)
            ),
            "partnership_side": agreement_policy.user_can(user, "view", agreement),
            "partnership": agreement.partnership,
            "rules": rules,
            "states": selectors.return_states(agreement, rules=rules),
            "lines": lines,
            "administration": administration,
            "planned": services.schedule(
                starts_on=agreement.starts_on,
                ends_on=agreement.ends_on,
                amount=agreement.amount,
                rules=rules,
            ),
            "planned_frequency": ReturnFrequency(
                services.frequency_for(agreement.amount, rules)
            ).label,
            "can": {
                a: agreement_policy.user_can(user, a, agreement)
                for a in ("edit", "activate", "close")
            },
        },
    )


def _part(request: HttpRequest, agreement_id: int, heading: str, form_class: Any, do: Any) -> Any:
    agreement = _agreement(request, agreement_id)
    agreement_policy.require(request.user, "edit", agreement)
    return _form_page(
        request,
        heading=heading,
        caption=agreement.title,
        form=form_class(_data(request)),
        save=lambda d: do(actor=_actor(request), agreement=agreement, **d),
        done="Saved.",
        then=f"/monitoring/agreements/{agreement.pk}/",
    )


@login_required
@require_http_methods(["GET", "POST"])
def milestone_add(request: HttpRequest, agreement_id: int) -> HttpResponse:
    return _part(request, agreement_id, "Add a milestone", f.MilestoneForm, services.milestone_add)


@login_required
@require_http_methods(["GET", "POST"])
def target_add(request: HttpRequest, agreement_id: int) -> HttpResponse:
    return _part(request, agreement_id, "Add an output target", f.TargetForm, services.target_add)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_add(request: HttpRequest, agreement_id: int) -> HttpResponse:
    return _part(
        request, agreement_id, "Add an outcome indicator", f.IndicatorForm, services.indicator_add
    )


@login_required
@require_http_methods(["GET", "POST"])
def line_add(request: HttpRequest, agreement_id: int) -> HttpResponse:
    return _part(request, agreement_id, "Add a budget line", f.LineForm, services.line_add)


@login_required
@require_http_methods(["GET", "POST"])
def instalment_add(request: HttpRequest, agreement_id: int) -> HttpResponse:
    return _part(request, agreement_id, "Add a payment", f.InstalmentForm, services.instalment_add)


def _confirmed_move(
    request: HttpRequest, *, confirmation: Any, do: Callable[[], Any], done: str, back: str
) -> HttpResponse:
    if confirmed(request):
        try:
            do()
        except ValidationError as error:
            for problem in error.messages:
                messages.error(request, problem)
        else:
            messages.success(request, done)
        return redirect(back)
    return confirmation_page(request, confirmation)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_activate(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = _agreement(request, agreement_id)
    agreement_policy.require(request.user, "activate", agreement)
    rules = services.rules_for(agreement.partnership_id)
    periods = services.schedule(
        starts_on=agreement.starts_on,
        ends_on=agreement.ends_on,
        amount=agreement.amount,
        rules=rules,
    )
    return _confirmed_move(
        request,
        confirmation=confirmations.activate(
            agreement,
            frequency=ReturnFrequency(services.frequency_for(agreement.amount, rules)).label,
            returns=len(periods),
        ),
        do=lambda: services.agreement_activate(actor=_actor(request), agreement=agreement),
        done="The agreement is active: its schedule of returns is written.",
        back=f"/monitoring/agreements/{agreement.pk}/",
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_close(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = _agreement(request, agreement_id)
    agreement_policy.require(request.user, "close", agreement)
    return _confirmed_move(
        request,
        confirmation=confirmations.close(agreement),
        do=lambda: services.agreement_close(actor=_actor(request), agreement=agreement),
        done="The agreement is closed.",
        back=f"/monitoring/agreements/{agreement.pk}/",
    )


# --- Returns ----------------------------------------------------------------------------------


def _return(request: HttpRequest, return_id: int) -> Return:
    return selectors.return_get(user=request.user, return_id=return_id)


def _may_make(request: HttpRequest, row: Return) -> bool:
    return return_policy.user_can(request.user, "make", row) or applicant_return_policy.user_can(
        request.user, "make", row
    )


def _require_make(request: HttpRequest, row: Return) -> None:
    if not _may_make(request, row):
        return_policy.require(request.user, "make", row)


@login_required
@require_safe
def return_detail(request: HttpRequest, return_id: int) -> HttpResponse:
    row = _return(request, return_id)
    state = selectors.return_state(row)
    return render(
        request,
        "monitoring/return_detail.html",
        {
            "row": row,
            "agreement": row.agreement,
            "state": state,
            "findings": services.return_findings(row) if _may_make(request, row) else [],
            "can": {
                "make": _may_make(request, row),
                "review": return_policy.user_can(request.user, "review", row),
            },
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def return_edit(request: HttpRequest, return_id: int) -> HttpResponse:
    row = _return(request, return_id)
    _require_make(request, row)
    form = f.ReturnForm(
        _data(request),
        lines=row.agreement.lines.all(),
        targets=row.agreement.targets.all(),
        milestones=row.agreement.milestones.all(),
        saved=row,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.return_save(actor=_actor(request), return_made=row, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The return is saved: check it, then submit it.")
            return redirect("monitoring:return-detail", return_id=row.pk)
    return render(
        request,
        "monitoring/form.html",
        {
            "heading": "Make the return",
            "caption": f"{row.agreement.title}: {row}",
            "lead": "Spend in the period against each budget line, what was achieved against "
            "each target, and each milestone's state. Counts only: never who took part.",
            "form": form,
            "back": f"/monitoring/returns/{row.pk}/",
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def return_submit(request: HttpRequest, return_id: int) -> HttpResponse:
    row = _return(request, return_id)
    _require_make(request, row)
    return _confirmed_move(
        request,
        confirmation=confirmations.submit(row),
        do=lambda: services.return_submit(actor=_actor(request), return_made=row),
        done="The return is submitted.",
        back=f"/monitoring/returns/{row.pk}/",
    )


@login_required
@require_http_methods(["GET", "POST"])
def return_accept(request: HttpRequest, return_id: int) -> HttpResponse:
    row = _return(request, return_id)
    return_policy.require(request.user, "review", row)
    return _confirmed_move(
        request,
        confirmation=confirmations.accept(row),
        do=lambda: services.return_review(actor=_actor(request), return_made=row, accept=True),
        done="The return is accepted.",
        back=f"/monitoring/returns/{row.pk}/",
    )


@login_required
@require_http_methods(["GET", "POST"])
def return_send_back(request: HttpRequest, return_id: int) -> HttpResponse:
    row = _return(request, return_id)
    return_policy.require(request.user, "review", row)
    return _form_page(
        request,
        heading="Send the return back",
        caption=f"{row.agreement.title}: {row}",
        form=f.SendBackForm(_data(request)),
        save=lambda d: services.return_review(
            actor=_actor(request), return_made=row, accept=False, reasons=d["reasons"]
        ),
        done="The return is sent back with your reasons.",
        then=f"/monitoring/returns/{row.pk}/",
    )


@login_required
@require_http_methods(["GET", "POST"])
def evidence_add(request: HttpRequest, return_id: int) -> HttpResponse:
    row = _return(request, return_id)
    _require_make(request, row)
    form = f.EvidenceForm(_data(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_add(
                actor=_actor(request),
                return_made=row,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The evidence is added.")
            return redirect("monitoring:return-detail", return_id=row.pk)
    return render(
        request,
        "monitoring/form.html",
        {
            "heading": "Add evidence",
            "caption": f"{row.agreement.title}: {row}",
            "form": form,
            "back": f"/monitoring/returns/{row.pk}/",
            "multipart": True,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def spend_import(request: HttpRequest, return_id: int) -> HttpResponse:
    """Fill the return's spend from a spend list (CSV or XLSX), all or nothing, each problem
    listed with its row and column above the form."""
    row = _return(request, return_id)
    _require_make(request, row)
    form = f.SpendImportForm(_data(request), request.FILES if request.method == "POST" else None)
    problems: list[ImportProblem] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = imports.spend_import(
                actor=_actor(request),
                return_made=row,
                data=upload.read(MAX_IMPORT_BYTES + 1),
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
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            done = f"Spend saved from {result.rows} row{'s' if result.rows != 1 else ''}."
            if result.beyond_tolerance:
                done += (
                    " Spend is beyond the tolerance on "
                    + "; ".join(result.beyond_tolerance)
                    + ": explain the variance before submitting."
                )
            messages.success(request, done)
            return redirect("monitoring:return-detail", return_id=row.pk)
    return render(
        request,
        "monitoring/spend_import.html",
        {"row": row, "agreement": row.agreement, "form": form, "problems": problems},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_safe
def evidence_download(request: HttpRequest, return_evidence_id: int) -> HttpResponseBase:
    evidence = ReturnEvidence.objects.filter(pk=return_evidence_id).first()
    if evidence is None:
        raise Http404
    # Whoever reads the return reads its evidence; the same 404 otherwise.
    row = _return(request, evidence.return_made_id)
    response = file_download(
        services.evidence_dir() / evidence.stored_name,
        file_name=evidence.file_name,
        content_type=evidence.content_type,
    )
    services.evidence_downloaded(actor=_actor(request), evidence=evidence, return_made=row)
    return response


# --- Value for money --------------------------------------------------------------------------


def _value_report(request: HttpRequest, partnership_id: int) -> tuple[Any, value.Report]:
    partnership = selectors.monitoring_partnership(user=request.user, partnership_id=partnership_id)
    agreements = agreement_policy.visible_to(request.user, "view").filter(partnership=partnership)
    return partnership, value.report(agreements, title=f"Value for money: {partnership.name}")


@login_required
@require_safe
def value_for_money(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership, made = _value_report(request, partnership_id)
    return render(request, "monitoring/value.html", {"partnership": partnership, "report": made})


@login_required
@require_safe
def value_for_money_pdf(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership, made = _value_report(request, partnership_id)
    html = render_to_string(
        "monitoring/value_pdf.html", {"partnership": partnership, "report": made}
    )
    return file_download(
        pdf_from_html(html),
        file_name=f"value-for-money-{partnership.pk}.pdf",
        content_type="application/pdf",
    )


@login_required
@require_safe
def value_for_money_xlsx(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership, made = _value_report(request, partnership_id)
    return file_download(
        value.report_xlsx(made),
        file_name=f"value-for-money-{partnership.pk}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
@require_safe
def alliance_value_for_money(request: HttpRequest, alliance_id: int) -> HttpResponse:
    """An alliance's agreements: those of its member partnerships the reader may see; 404 when
    they see none of its members' agreements."""
    alliance = Alliance.objects.filter(pk=alliance_id).prefetch_related("partnerships").first()
    members = [p.pk for p in alliance.partnerships.all()] if alliance else []
    if alliance is None or not any(
        agreement_policy.user_can_in(request.user, "view", p) for p in members
    ):
        raise Http404
    agreements = agreement_policy.visible_to(request.user, "view").filter(
        partnership_id__in=members
    )
    made = value.report(agreements, title=f"Value for money: {alliance.name}")
    return render(request, "monitoring/value.html", {"alliance": alliance, "report": made})
