"""Narrative pages: the partnership's narrative and its versions, one version with the report's
guidance beside each section, writing it, the register of plans, consultation and comments,
sign-off, the difference between two versions, and the public summary anyone may read.

Reads go through the selectors (404 when not visible); each write asks the policy first (403,
saying who can) and then calls one service. The public summary pages ask no sign-in: they read
only published summaries (`selectors.public_summary`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lde.accounts.selectors import acting_user as _actor
from lde.core.access.facts import facts_for
from lde.core.confirm import confirmation_page, confirmed
from lde.core.govuk.forms import GovukForm, add_service_errors
from lde.narratives import confirmations, selectors, services
from lde.narratives.forms import CommentForm, PlanForm, ReasonForm, SectionForm, VersionForm
from lde.narratives.models import NarrativeVersion, VersionStatus
from lde.narratives.policies import narrative_policy
from lde.narratives.sections import GUIDE_BY_KEY
from lde.partnerships import selectors as partnership_selectors
from lde.partnerships.policies import partnership_policy


def _version(request: HttpRequest, version_id: int, action: str = "view") -> NarrativeVersion:
    version = selectors.version_get(user=request.user, version_id=version_id)
    if action != "view":
        narrative_policy.require(request.user, action, version)
    return version


def _can(request: HttpRequest, version: NarrativeVersion) -> dict[str, bool]:
    return {
        name: narrative_policy.user_can(request.user, name, version)
        for name in narrative_policy.actions
    }


def _context(version: NarrativeVersion, **extra: Any) -> dict[str, Any]:
    return {"version": version, "partnership": version.partnership, **extra}


# --- The partnership's narrative -------------------------------------------------------------


@login_required
@require_safe
def narrative_home(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = partnership_selectors.partnership_get(
        user=request.user, partnership_id=partnership_id
    )
    # Everyone who sees the partnership sees this page, with the versions they may read: a
    # community reviewer, only those shared with them for consultation.
    versions = list(selectors.version_list(user=request.user, partnership=partnership))
    day = facts_for(request.user).today
    current = next((v for v in versions if v.status == VersionStatus.APPROVED), None)
    return render(
        request,
        "narratives/narrative_home.html",
        {
            "partnership": partnership,
            "versions": versions,
            "current": current,
            "freshness": selectors.freshness(version=current, day=day) if current else None,
            "latest_published": next((v for v in versions if v.is_published), None),
            "may_start": narrative_policy.user_can_in(request.user, "start", partnership.pk)
            and not any(v.status in (VersionStatus.DRAFT, VersionStatus.SHARED) for v in versions),
            "today": day,
            "can": {
                name: partnership_policy.user_can(request.user, name, partnership)
                for name in partnership_policy.actions
            },
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def version_start(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = partnership_selectors.partnership_get(
        user=request.user, partnership_id=partnership_id
    )
    narrative_policy.require_in(request.user, "start", partnership.pk)
    form = GovukForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        try:
            version = services.version_start(actor=_actor(request), partnership=partnership)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Version {version.number} started as a draft.")
            return redirect("narratives:version-detail", version_id=version.pk)
    return render(
        request,
        "narratives/version_start.html",
        {
            "partnership": partnership,
            "form": form,
            "previous": selectors.latest_version(partnership=partnership),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


# --- One version -----------------------------------------------------------------------------


@login_required
@require_safe
def version_detail(request: HttpRequest, version_id: int) -> HttpResponse:
    version = _version(request, version_id)
    day = facts_for(request.user).today
    can = _can(request, version)
    others = [
        v
        for v in selectors.version_list(user=request.user, partnership=version.partnership)
        if v.pk != version.pk
    ]
    user_id = facts_for(request.user).user_id
    signer_organisation = next(
        (
            s
            for s in version.signatories.all()
            if s.organisation_id == getattr(request.user, "organisation_id", None)
        ),
        None,
    )
    return render(
        request,
        "narratives/version_detail.html",
        _context(
            version,
            can=can,
            sections=selectors.sections_of(version=version, user=request.user),
            comments=selectors.version_comments(version=version),
            history=selectors.version_history(version=version),
            freshness=selectors.freshness(version=version, day=day),
            guard=selectors.version_guard(version=version)
            if can["edit"] or can["sign"] or can["publish"]
            else [],
            others=others,
            signer_organisation=signer_organisation,
            user_id=user_id,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def version_update(request: HttpRequest, version_id: int) -> HttpResponse:
    version = _version(request, version_id, "edit")
    organisations = selectors.signatory_choices(partnership=version.partnership)
    if request.method == "POST":
        form = VersionForm(request.POST, organisations=organisations)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.version_update(
                    actor=_actor(request),
                    version=version,
                    review_on=data["review_on"],
                    influences_reviewed_on=data["influences_reviewed_on"],
                    standalone_reason=data["standalone_reason"],
                    public_summary=data["public_summary"],
                    signatories=data["signatories"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "The version's details are saved.")
                return redirect("narratives:version-detail", version_id=version.pk)
    else:
        form = VersionForm(
            initial={
                "review_on": version.review_on,
                "influences_reviewed_on": version.influences_reviewed_on,
                "standalone_reason": version.standalone_reason,
                "public_summary": version.public_summary,
                "signatories": [s.organisation_id for s in version.signatories.all()],
            },
            organisations=organisations,
        )
    return render(
        request,
        "narratives/version_form.html",
        _context(
            version,
            form=form,
            heading="Dates, summary and signatories",
            button="Save the details",
        ),
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def section_update(request: HttpRequest, version_id: int, key: str) -> HttpResponse:
    version = _version(request, version_id, "edit")
    section = selectors.section_get(version=version, key=key)
    guide = GUIDE_BY_KEY[key]
    products = selectors.product_choices(user=request.user)
    if request.method == "POST":
        form = SectionForm(request.POST, products=products, label=guide.label)
        if form.is_valid():
            try:
                services.section_update(
                    actor=_actor(request),
                    version=version,
                    key=key,
                    text=form.cleaned_data["text"],
                    products=form.cleaned_data["products"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"{guide.label} is saved.")
                return redirect("narratives:version-detail", version_id=version.pk)
    else:
        form = SectionForm(
            initial={
                "text": section.text,
                "products": [
                    p.pk
                    for p in selectors.sections_of(version=version, user=request.user)[
                        list(GUIDE_BY_KEY).index(key)
                    ].products
                ],
            },
            products=products,
            label=guide.label,
        )
    return render(
        request,
        "narratives/section_form.html",
        _context(version, form=form, guide=guide, heading=guide.label, button="Save the section"),
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_add(request: HttpRequest, version_id: int) -> HttpResponse:
    version = _version(request, version_id, "edit")
    organisations = selectors.signatory_choices(partnership=version.partnership)
    form = PlanForm(request.POST if request.method == "POST" else None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_add(
                actor=_actor(request),
                version=version,
                kind=data["kind"],
                name=data["name"],
                organisation=data["organisation"],
                how_carried=data["how_carried"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{data['name']} is added to the register of plans.")
            return redirect("narratives:version-detail", version_id=version.pk)
    return render(
        request,
        "narratives/plan_form.html",
        _context(version, form=form, heading="Add a plan to the register", button="Add the plan"),
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def plan_remove(request: HttpRequest, version_id: int, plan_id: int) -> HttpResponse:
    version = _version(request, version_id, "edit")
    try:
        services.plan_remove(actor=_actor(request), version=version, plan_id=plan_id)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The plan is taken out of the register.")
    return redirect("narratives:version-detail", version_id=version.pk)


# --- Consultation, sign-off, publication ---------------------------------------------------


def _confirmed_form(request: HttpRequest) -> GovukForm:
    """The confirmation page's own form: bound when it comes back, so that a service's refusal
    is shown in the error summary above it (400) rather than after a redirect."""
    return GovukForm(request.POST if confirmed(request) else None)


@login_required
@require_http_methods(["GET", "POST"])
def version_share(request: HttpRequest, version_id: int) -> HttpResponse:
    version = _version(request, version_id, "share")
    form = _confirmed_form(request)
    if form.is_bound:
        try:
            services.version_share(actor=_actor(request), version=version)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Version {version.number} is shared for consultation.")
            return redirect("narratives:version-detail", version_id=version.pk)
    return confirmation_page(
        request,
        confirmations.share(version, form),
        template="narratives/confirm.html",
        context=_context(version),
    )


@login_required
@require_http_methods(["GET", "POST"])
def version_return(request: HttpRequest, version_id: int) -> HttpResponse:
    version = _version(request, version_id, "return_to_draft")
    form = ReasonForm(request.POST if confirmed(request) else None)
    if form.is_bound and form.is_valid():
        try:
            services.version_return(
                actor=_actor(request), version=version, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Version {version.number} is a draft again.")
            return redirect("narratives:version-detail", version_id=version.pk)
    return confirmation_page(
        request,
        confirmations.return_to_draft(version, form),
        template="narratives/confirm.html",
        context=_context(version),
    )


@login_required
@require_http_methods(["GET", "POST"])
def version_sign(request: HttpRequest, version_id: int) -> HttpResponse:
    version = _version(request, version_id, "sign")
    user = _actor(request)
    organisation = user.organisation.name if user.organisation else "your organisation"
    form = _confirmed_form(request)
    if form.is_bound:
        try:
            services.version_sign(actor=user, version=version)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            version.refresh_from_db()
            approved = version.status == VersionStatus.APPROVED
            messages.success(
                request,
                f"Signed off for {organisation}."
                + (" The version is approved." if approved else ""),
            )
            return redirect("narratives:version-detail", version_id=version.pk)
    return confirmation_page(
        request,
        confirmations.sign(version, organisation, form),
        template="narratives/confirm.html",
        context=_context(version),
    )


@login_required
@require_http_methods(["GET", "POST"])
def version_publish(request: HttpRequest, version_id: int) -> HttpResponse:
    version = _version(request, version_id, "publish")
    form = _confirmed_form(request)
    if form.is_bound:
        try:
            services.version_publish(actor=_actor(request), version=version)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The public summary is published.")
            return redirect("narratives:version-detail", version_id=version.pk)
    return confirmation_page(
        request,
        confirmations.publish(version, form),
        template="narratives/confirm.html",
        context=_context(version),
    )


@login_required
@require_http_methods(["GET", "POST"])
def comment_add(request: HttpRequest, version_id: int) -> HttpResponse:
    version = _version(request, version_id, "comment")
    form = CommentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_add(
                actor=_actor(request),
                version=version,
                text=form.cleaned_data["text"],
                section=form.cleaned_data["section"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your comment is added.")
            return redirect("narratives:version-detail", version_id=version.pk)
    return render(
        request,
        "narratives/comment_form.html",
        _context(
            version,
            form=form,
            heading=f"Comment on version {version.number}",
            button="Add your comment",
        ),
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_safe
def version_compare(request: HttpRequest, version_id: int, other_id: int) -> HttpResponse:
    version = _version(request, version_id)
    other = selectors.version_get(user=request.user, version_id=other_id)
    if other.partnership_id != version.partnership_id or other.pk == version.pk:
        raise Http404
    older, newer = sorted((version, other), key=lambda v: v.number)
    return render(
        request,
        "narratives/version_compare.html",
        _context(
            version,
            older=older,
            newer=newer,
            rows=selectors.version_difference(older=older, newer=newer),
        ),
    )


# --- The public summary: no sign-in -----------------------------------------------------------


@require_safe
def public_summary(request: HttpRequest, version_id: int) -> HttpResponse:
    version = selectors.public_summary(version_id=version_id)
    return render(
        request,
        "narratives/public_summary.html",
        {
            "version": version,
            "partnership": version.partnership,
            "signed": list(version.signatories.all()),
            "newer": selectors.newer_published(version=version),
        },
    )


@require_safe
def public_latest(request: HttpRequest, partnership_id: int) -> HttpResponse:
    version = selectors.public_latest(partnership_id=partnership_id)
    return render(
        request,
        "narratives/public_summary.html",
        {
            "version": version,
            "partnership": version.partnership,
            "signed": list(version.signatories.all()),
            "newer": None,
        },
    )
