"""Commissioning pages: a partnership's calls, each call (criteria, consultation, panel, bids and
their assessment), the panellist's declaration and scores, moderation and decision letters; the
applicant's own bids; and the public pages, read without signing in: published calls, the
register of awards and its 360Giving feed, and registration.

Reads go through the selectors (404 when not visible); each write asks its policy (403 saying who
can) and calls one service, whose refusals are shown in the GOV.UK error summary.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lde.accounts.selectors import acting_user as _actor
from lde.commissioning import confirmations, exports, selectors, services
from lde.commissioning import forms as f
from lde.commissioning.models import Bid, BidStatus, Call, CallStatus
from lde.commissioning.policies import (
    applicant_bid_policy,
    bid_policy,
    call_policy,
    devolved_pot_policy,
)
from lde.core.confirm import carried_from, confirmation_page, confirmed
from lde.core.govuk.forms import add_service_errors
from lde.core.pdf import pdf_from_html


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
    before: str = "",
) -> HttpResponse:
    """Show `form`; on a valid POST call `save`, say `done` and go to `then`; a service's refusal
    goes to the field it names."""
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
        "commissioning/form.html",
        {
            "heading": heading,
            "form": form,
            "back": then,
            "caption": caption,
            "lead": lead,
            "before": before,
        },
    )


# --- A partnership's calls --------------------------------------------------------------------


@login_required
@require_safe
def call_list(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = selectors.commissioning_partnership(
        user=request.user, partnership_id=partnership_id
    )
    return render(
        request,
        "commissioning/call_list.html",
        {
            "partnership": partnership,
            "calls": selectors.call_list(user=request.user, partnership=partnership),
            "can_start": call_policy.user_can_in(request.user, "start", partnership.pk),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_create(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = selectors.commissioning_partnership(
        user=request.user, partnership_id=partnership_id
    )
    call_policy.require_in(request.user, "start", partnership.pk)
    made: dict[str, Call] = {}

    def save(data: dict[str, Any]) -> None:
        made["call"] = services.call_create(actor=_actor(request), partnership=partnership, **data)

    form = f.CallForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The draft call is saved: add its criteria.")
            return redirect("commissioning:call-detail", call_id=made["call"].pk)
    return render(
        request,
        "commissioning/form.html",
        {
            "heading": "Start a call for proposals",
            "form": form,
            "back": f"/commissioning/{partnership.pk}/",
            "caption": partnership.name,
        },
    )


def _call(request: HttpRequest, call_id: int) -> Call:
    return selectors.call_get(user=request.user, call_id=call_id)


@login_required
@require_safe
def call_detail(request: HttpRequest, call_id: int) -> HttpResponse:
    call = _call(request, call_id)
    user = request.user
    member = selectors.panel_membership(user=user, call=call)
    bids = selectors.bid_list(user=user, call=call)
    can = {
        action: call_policy.user_can(user, action, call)
        for action in (
            "edit",
            "consult",
            "publish",
            "close",
            "comment",
            "manage_panel",
            "moderate",
            "declare",
        )
    }
    return render(
        request,
        "commissioning/call_detail.html",
        {
            "call": call,
            "partnership": call.partnership,
            "criteria": selectors.criteria(call),
            "weights": sum(c.weight for c in selectors.criteria(call)),
            "comments": selectors.comments(call),
            "panel": selectors.panel(call) if can["manage_panel"] or member else [],
            "member": member,
            "must_declare": member is not None and member.declared_at is None,
            "assessed": selectors.assessments(call=call, bids=bids),
            "recused": selectors.recused(member=member),
            "can": can,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def criterion_add(request: HttpRequest, call_id: int) -> HttpResponse:
    call = _call(request, call_id)
    call_policy.require(request.user, "edit", call)
    return _form_page(
        request,
        heading="Add a criterion",
        caption=call.title,
        form=f.CriterionForm(_data(request)),
        save=lambda d: services.criterion_add(actor=_actor(request), call=call, **d),
        done="The criterion is added.",
        then=f"/commissioning/calls/{call.pk}/",
    )


def _move(request: HttpRequest, call_id: int, action: str, done: str) -> HttpResponse:
    call = _call(request, call_id)
    call_policy.require(request.user, action, call)
    do = {
        "consult": services.call_consult,
        "publish": services.call_publish,
        "close": services.call_close,
    }[action]
    try:
        do(actor=_actor(request), call=call)
    except ValidationError as error:
        for problem in error.messages:
            messages.error(request, problem)
    else:
        messages.success(request, done)
    return redirect("commissioning:call-detail", call_id=call.pk)


@login_required
@require_POST
def call_consult(request: HttpRequest, call_id: int) -> HttpResponse:
    return _move(request, call_id, "consult", "The draft is shared with community reviewers.")


def _confirmed_move(request: HttpRequest, call_id: int, action: str, done: str) -> HttpResponse:
    """Publishing and closing cannot be undone: a GET, or a POST without the confirmation's own
    field, is the confirmation page (`lde.core.confirm`); the confirmed POST moves the call."""
    call = _call(request, call_id)
    call_policy.require(request.user, action, call)
    if not confirmed(request):
        page = {"publish": confirmations.publish, "close": confirmations.close}[action](call)
        return confirmation_page(request, page)
    return _move(request, call_id, action, done)


@login_required
@require_http_methods(["GET", "POST"])
def call_publish(request: HttpRequest, call_id: int) -> HttpResponse:
    return _confirmed_move(request, call_id, "publish", "The call is published and open for bids.")


@login_required
@require_http_methods(["GET", "POST"])
def call_close(request: HttpRequest, call_id: int) -> HttpResponse:
    return _confirmed_move(request, call_id, "close", "The call is closed: the panel may score.")


@login_required
@require_http_methods(["GET", "POST"])
def call_edit(request: HttpRequest, call_id: int) -> HttpResponse:
    """Change a draft call: its title, purpose, eligibility, maximum and dates."""
    call = _call(request, call_id)
    call_policy.require(request.user, "edit", call)
    initial = {
        "title": call.title,
        "purpose": call.purpose,
        "eligibility": call.eligibility,
        "maximum_amount": str(call.maximum_amount),
        "opens_on": call.opens_on,
        "closes_on": call.closes_on,
    }
    return _form_page(
        request,
        heading="Change the call",
        caption=call.title,
        form=f.CallEditForm(_data(request), initial=initial),
        save=lambda d: services.call_update(actor=_actor(request), call=call, **d),
        done="The call is saved.",
        then=f"/commissioning/calls/{call.pk}/",
    )


@login_required
@require_http_methods(["GET", "POST"])
def comment_add(request: HttpRequest, call_id: int) -> HttpResponse:
    call = _call(request, call_id)
    call_policy.require(request.user, "comment", call)
    return _form_page(
        request,
        heading="Comment on the draft call",
        caption=call.title,
        form=f.CommentForm(_data(request)),
        save=lambda d: services.comment_add(actor=_actor(request), call=call, **d),
        done="Your comment is added.",
        then=f"/commissioning/calls/{call.pk}/",
    )


@login_required
@require_http_methods(["GET", "POST"])
def panel_name(request: HttpRequest, call_id: int) -> HttpResponse:
    call = _call(request, call_id)
    call_policy.require(request.user, "manage_panel", call)
    candidates = selectors.panel_candidates(call)
    from lde.accounts.models import User

    return _form_page(
        request,
        heading="Name a panellist",
        caption=call.title,
        lead="Panellists are board members of the partnerships the call runs across. Each "
        "declares their interests before any bid is shown to them.",
        form=f.PanelForm(
            _data(request), candidates=User.objects.filter(pk__in=[u.pk for u in candidates])
        ),
        save=lambda d: services.panel_name(actor=_actor(request), call=call, user=d["user"]),
        done="The panellist is named.",
        then=f"/commissioning/calls/{call.pk}/",
    )


@login_required
@require_http_methods(["GET", "POST"])
def panel_threshold(request: HttpRequest, call_id: int) -> HttpResponse:
    call = _call(request, call_id)
    call_policy.require(request.user, "manage_panel", call)
    return _form_page(
        request,
        heading="Set the disagreement threshold",
        caption=call.title,
        form=f.ThresholdForm(
            _data(request), initial={"disagreement_threshold": call.disagreement_threshold}
        ),
        save=lambda d: services.panel_threshold_set(
            actor=_actor(request), call=call, threshold=d["disagreement_threshold"]
        ),
        done="The threshold is set.",
        then=f"/commissioning/calls/{call.pk}/",
    )


@login_required
@require_http_methods(["GET", "POST"])
def declare(request: HttpRequest, call_id: int) -> HttpResponse:
    call = _call(request, call_id)
    call_policy.require(request.user, "declare", call)
    choices = selectors.bids_to_declare(call)
    form = f.DeclarationForm(_data(request), choices=choices)
    by_id = {str(pk): pk for pk, _, _ in choices}

    def save(data: dict[str, Any]) -> None:
        chosen = Bid.objects.filter(pk__in=[by_id[b] for b in data["bids"] if b in by_id])
        if chosen and not data["nature"].strip():
            raise ValidationError({"nature": "Say what your interest is in each bid you ticked"})
        services.interests_declare(
            actor=_actor(request), call=call, conflicts=[(b, data["nature"]) for b in chosen]
        )

    return _form_page(
        request,
        heading="Declare your interests",
        caption=call.title,
        lead="Before any bid's detail or score is shown to you, say whether you have an "
        "interest in any of the organisations bidding: as a trustee, employee, member, "
        "volunteer, adviser or relative's employer. You are recused from a bid you tick.",
        form=form,
        save=save,
        done="Your declaration is recorded.",
        then=f"/commissioning/calls/{call.pk}/",
    )


# --- Bids -------------------------------------------------------------------------------------


def _bid(request: HttpRequest, bid_id: int) -> Bid:
    return selectors.bid_get(user=request.user, bid_id=bid_id)


@login_required
@require_safe
def bid_detail(request: HttpRequest, bid_id: int) -> HttpResponse:
    bid = _bid(request, bid_id)
    user = request.user
    applicant = applicant_bid_policy.user_can(user, "view", bid)
    partnership_side = bid_policy.user_can(user, "view", bid)
    assessed = (
        selectors.assessments(call=bid.call, bids=[bid])[0]
        if partnership_side and not selectors.panel_membership(user=user, call=bid.call)
        else None
    )
    return render(
        request,
        "commissioning/bid_detail.html",
        {
            "bid": bid,
            "call": bid.call,
            "applicant": applicant and not partnership_side,
            "assessed": assessed,
            "decision": getattr(bid, "decision", None),
            "findings": services.bid_findings(bid) if bid.status == BidStatus.DRAFT else [],
            "can": {
                "edit": applicant_bid_policy.user_can(user, "edit", bid),
                "submit": applicant_bid_policy.user_can(user, "submit", bid),
                "score": bid_policy.user_can(user, "score", bid),
                "decide": bid_policy.user_can(user, "decide", bid),
                "letter": bid_policy.user_can(user, "letter", bid)
                or applicant_bid_policy.user_can(user, "letter", bid),
            },
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def bid_score(request: HttpRequest, bid_id: int) -> HttpResponse:
    bid = _bid(request, bid_id)
    bid_policy.require(request.user, "score", bid)
    member = selectors.panel_membership(user=request.user, call=bid.call)
    mine = selectors.my_scores(member=member, bid=bid) if member else {}
    given = "; ".join(f"{s.criterion.title}: {s.score}" for s in mine.values())
    return _form_page(
        request,
        heading="Score the bid",
        caption=f"{bid.organisation.name}: {bid.title}",
        lead=f"Your scores so far: {given}." if given else "",
        form=f.ScoreForm(
            _data(request), criteria=bid.call.criteria.all(), scale_max=bid.call.scale_max
        ),
        save=lambda d: services.score_record(actor=_actor(request), bid=bid, **d),
        done="Your score is recorded.",
        then=f"/commissioning/bids/{bid.pk}/",
    )


@login_required
@require_http_methods(["GET", "POST"])
def bid_decide(request: HttpRequest, bid_id: int) -> HttpResponse:
    """The decision is chosen on the form and checked (the call's maximum, the guard); it is
    recorded only from its confirmation page, which carries the choice back (`lde.core.confirm`)."""
    bid = _bid(request, bid_id)
    bid_policy.require(request.user, "decide", bid)
    form = f.DecisionForm(_data(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.decision_check(call=bid.call, **data)
            if confirmed(request):
                services.bid_decide(actor=_actor(request), bid=bid, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if not confirmed(request):
                return confirmation_page(
                    request,
                    confirmations.decide(
                        bid, data["outcome"], data["amount"], carried_from(request.POST)
                    ),
                )
            messages.success(request, "The decision is recorded.")
            return redirect("commissioning:call-detail", call_id=bid.call_id)
    return render(
        request,
        "commissioning/form.html",
        {
            "heading": "Record the decision",
            "caption": f"{bid.organisation.name}: {bid.title}",
            "lead": f"The call's maximum is £{bid.call.maximum_amount:,}. An award, its amount "
            "and its reasons are published in the public register. You confirm the decision on "
            "the next page.",
            "form": form,
            "back": f"/commissioning/bids/{bid.pk}/",
            "button": "Continue",
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_safe
def bid_letter(request: HttpRequest, bid_id: int) -> HttpResponse:
    bid = _bid(request, bid_id)
    if not (
        bid_policy.user_can(request.user, "letter", bid)
        or applicant_bid_policy.user_can(request.user, "letter", bid)
    ):
        bid_policy.require(request.user, "letter", bid)
    html = render_to_string(
        "commissioning/letter_pdf.html", {"bid": bid, "call": bid.call, "decision": bid.decision}
    )
    response = HttpResponse(pdf_from_html(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="decision-{bid.pk}.pdf"'
    return response


# --- The applicant's own pages ----------------------------------------------------------------


@login_required
@require_safe
def my_bids(request: HttpRequest) -> HttpResponse:
    applicant = selectors.applicant_of(request.user)
    if applicant is None:
        raise Http404
    return render(
        request,
        "commissioning/my_bids.html",
        {
            "applicant": applicant,
            "bids": selectors.applicant_bids(user=request.user),
            "calls": [c for c in selectors.public_calls() if c.status == CallStatus.OPEN],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def bid_create(request: HttpRequest, call_id: int) -> HttpResponse:
    call = selectors.public_call(call_id=call_id)
    applicant_bid_policy.require_in(request.user, "start")
    made: dict[str, Bid] = {}

    def save(data: dict[str, Any]) -> None:
        made["bid"] = services.bid_create(actor=_actor(request), call=call, **data)

    form = f.BidForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your draft bid is saved: check it, then submit it.")
            return redirect("commissioning:bid-detail", bid_id=made["bid"].pk)
    return render(
        request,
        "commissioning/form.html",
        {
            "heading": "Bid to the call",
            "caption": call.title,
            "lead": f"The most one award gives is £{call.maximum_amount:,}.",
            "form": form,
            "back": "/commissioning/applicant/",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def bid_edit(request: HttpRequest, bid_id: int) -> HttpResponse:
    bid = _bid(request, bid_id)
    applicant_bid_policy.require(request.user, "edit", bid)
    initial = {"title": bid.title, "summary": bid.summary, "amount": str(bid.amount)}
    return _form_page(
        request,
        heading="Change the bid",
        caption=bid.call.title,
        form=f.BidForm(_data(request), initial=initial),
        save=lambda d: services.bid_update(actor=_actor(request), bid=bid, **d),
        done="Your bid is saved.",
        then=f"/commissioning/bids/{bid.pk}/",
    )


@login_required
@require_http_methods(["GET", "POST"])
def bid_submit(request: HttpRequest, bid_id: int) -> HttpResponse:
    """Confirm, with what the personal-data guard finds listed, then submit."""
    bid = _bid(request, bid_id)
    applicant_bid_policy.require(request.user, "submit", bid)
    if not confirmed(request):
        findings = [f"{found.kind} in {found.place}" for found in services.bid_findings(bid)]
        return confirmation_page(
            request,
            confirmations.submit(bid, findings),
        )
    try:
        services.bid_submit(actor=_actor(request), bid=bid)
    except ValidationError as error:
        for problem in error.messages:
            messages.error(request, problem)
    else:
        messages.success(request, "Your bid is submitted.")
    return redirect("commissioning:bid-detail", bid_id=bid.pk)


# --- Public pages: no sign-in -----------------------------------------------------------------


@require_safe
def public_calls(request: HttpRequest) -> HttpResponse:
    return render(request, "commissioning/public_calls.html", {"calls": selectors.public_calls()})


@require_safe
def public_call(request: HttpRequest, call_id: int) -> HttpResponse:
    call = selectors.public_call(call_id=call_id)
    return render(
        request,
        "commissioning/public_call.html",
        {
            "call": call,
            "criteria": selectors.criteria(call),
            "applicant": selectors.applicant_of(request.user),
        },
    )


REGISTER_PAGE = 100


@require_safe
def public_register(request: HttpRequest) -> HttpResponse:
    """The register, newest first, a hundred awards a page (the feed holds them all)."""
    from django.core.paginator import Paginator

    page = Paginator(selectors.register(), REGISTER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "commissioning/public_register.html",
        {
            "awards": list(page),
            "page": page,
            "small_grants": list(selectors.small_grant_register()[:REGISTER_PAGE]),
        },
    )


@require_safe
def feed_json(request: HttpRequest) -> HttpResponse:
    try:
        body = exports.feed_json(exports.awards())
    except exports.ExportRefused as refused:
        return HttpResponse(str(refused), status=409, content_type="text/plain; charset=utf-8")
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="grants-360giving.json"'
    return response


@require_safe
def feed_xlsx(request: HttpRequest) -> HttpResponse:
    try:
        body = exports.feed_xlsx(exports.awards())
    except exports.ExportRefused as refused:
        return HttpResponse(str(refused), status=409, content_type="text/plain; charset=utf-8")
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="grants-360giving.xlsx"'
    return response


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    form = f.RegistrationForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_start(**form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return render(request, "commissioning/register_sent.html", {})
    return render(request, "commissioning/register.html", {"form": form})


@require_safe
def register_confirm(request: HttpRequest, signed: str) -> HttpResponse:
    try:
        applicant = services.registration_confirm(token=signed)
    except ValidationError as error:
        return render(
            request,
            "commissioning/register_confirmed.html",
            {"problem": " ".join(error.messages)},
            status=400,
        )
    return render(request, "commissioning/register_confirmed.html", {"applicant": applicant})


# --- Devolved small grants (¶46) ---------------------------------------------------------------


@login_required
@require_safe
def pot_list(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = selectors.commissioning_partnership(
        user=request.user, partnership_id=partnership_id
    )
    return render(
        request,
        "commissioning/pot_list.html",
        {
            "partnership": partnership,
            "pots": selectors.pot_list(user=request.user, partnership=partnership),
            "can_start": devolved_pot_policy.user_can_in(request.user, "start", partnership.pk),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def pot_create(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = selectors.commissioning_partnership(
        user=request.user, partnership_id=partnership_id
    )
    devolved_pot_policy.require_in(request.user, "start", partnership.pk)
    teams, posts = selectors.pot_team_choices(partnership)
    return _form_page(
        request,
        heading="Delegate a pot to a front-line team",
        caption=partnership.name,
        lead="A pot delegated to a named team, with a limit on each grant (¶46): the holder of "
        "the post you choose records each grant, lightly (amount, purpose, date, outcome).",
        form=f.DevolvedPotForm(_data(request), teams=teams, posts=posts),
        save=lambda d: services.devolved_pot_add(
            actor=_actor(request), partnership=partnership, **d
        ),
        done="The pot is delegated.",
        then=f"/commissioning/{partnership.pk}/pots/",
    )


@login_required
@require_safe
def pot_detail(request: HttpRequest, devolved_pot_id: int) -> HttpResponse:
    pot = selectors.pot_get(user=request.user, pot_id=devolved_pot_id)
    return render(
        request,
        "commissioning/pot_detail.html",
        {
            "pot": pot,
            "left": pot.amount - pot.given,  # type: ignore[attr-defined]
            "grants": selectors.pot_grants(pot),
            "can_record": devolved_pot_policy.user_can(request.user, "record", pot),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def grant_record(request: HttpRequest, devolved_pot_id: int) -> HttpResponse:
    pot = selectors.pot_get(user=request.user, pot_id=devolved_pot_id)
    devolved_pot_policy.require(request.user, "record", pot)
    return _form_page(
        request,
        heading="Record a small grant",
        caption=pot.name,
        lead=f"At most £{pot.per_grant_limit:,} a grant, and £{pot.amount - pot.given:,} is "  # type: ignore[attr-defined]
        "left in the pot. Each grant is published in the register of awards.",
        form=f.SmallGrantForm(_data(request), recipients=selectors.grant_recipients()),
        save=lambda d: services.small_grant_record(actor=_actor(request), pot=pot, **d),
        done="The grant is recorded.",
        then=f"/commissioning/pots/{pot.pk}/",
    )


@login_required
@require_http_methods(["GET", "POST"])
def grant_outcome(request: HttpRequest, small_grant_id: int) -> HttpResponse:
    grant = selectors.grant_get(user=request.user, grant_id=small_grant_id)
    devolved_pot_policy.require(request.user, "record", grant.pot)
    return _form_page(
        request,
        heading="Record what came of the grant",
        caption=f"£{grant.amount:,} to {grant.recipient.name}",
        form=f.OutcomeForm(_data(request), initial={"outcome": grant.outcome}),
        save=lambda d: services.small_grant_outcome_set(
            actor=_actor(request), grant=grant, outcome=d["outcome"]
        ),
        done="The outcome is recorded.",
        then=f"/commissioning/pots/{grant.pot_id}/",
    )
