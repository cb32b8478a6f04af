"""Partnership pages: overview, members and roles, posts, vetting and the audit trail."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from lde.accounts import selectors as account_selectors
from lde.accounts import services as account_services
from lde.accounts.models import Organisation, User
from lde.accounts.selectors import acting_user as _actor
from lde.accounts.views import post_holder_page
from lde.core.access.facts import facts_for, today
from lde.core.access.policy import PermissionDenied403
from lde.core.audit.models import AuditEvent
from lde.core.audit.sentences import event_lines
from lde.core.confirm import carried_from, confirmation_page, confirmed
from lde.core.govuk.forms import add_service_errors
from lde.partnerships import confirmations, selectors, services
from lde.partnerships.forms import (
    AllianceForm,
    AlliancePartnershipForm,
    AssignmentForm,
    MembershipInviteForm,
    MembershipRoleForm,
    PartnerOrganisationForm,
    PartnershipCreateForm,
    PartnershipEditForm,
    PostForm,
    StrategicPostForm,
)
from lde.partnerships.models import PartnerOrganisation, Partnership
from lde.partnerships.policies import (
    membership_policy,
    partnership_policy,
)


def _partnership(request: HttpRequest, partnership_id: int, action: str = "view") -> Partnership:
    partnership = selectors.partnership_get(user=request.user, partnership_id=partnership_id)
    if action != "view":
        partnership_policy.require(request.user, action, partnership)
    return partnership


def _can(request: HttpRequest, partnership: Partnership) -> dict[str, bool]:
    return {
        action: partnership_policy.user_can(request.user, action, partnership)
        for action in partnership_policy.actions
    }


@login_required
def partnership_list(request: HttpRequest) -> HttpResponse:
    partnerships = selectors.partnership_list(user=request.user)
    return render(
        request,
        "partnerships/partnership_list.html",
        {
            "partnerships": partnerships,
            "alliances": selectors.alliance_list(user=request.user),
            "can_create": facts_for(request.user).is_site_administrator,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def partnership_create(request: HttpRequest) -> HttpResponse:
    """Site administrators create partnerships and name the first coordinator; they see no
    partnership content afterwards, so the page confirms rather than opening the partnership."""
    actor = _actor(request)
    if not facts_for(actor).is_site_administrator:
        raise PermissionDenied403(
            "You cannot create partnerships.",
            who_can="Site administrators create partnerships and name the first coordinator.",
        )
    form = PartnershipCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            coordinator = User.objects.filter(email=data["coordinator_email"]).first()
            if coordinator is None:
                coordinator = account_services.user_create(
                    actor=actor,
                    email=data["coordinator_email"],
                    full_name=data["coordinator_name"],
                    organisation=data["lead_council"],
                )
            partnership = services.partnership_create(
                actor=actor,
                name=data["name"],
                lead_council=data["lead_council"],
                region=data["region"],
                area_gss_codes=data["area_gss_codes"],
                police_bcus=data["police_bcus"],
                first_coordinator=coordinator,
            )
        messages.success(
            request, f"{partnership.name} created, with {coordinator.full_name} as coordinator."
        )
        return redirect("partnerships:partnership-list")
    return render(request, "partnerships/partnership_create.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def assignment_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if not facts_for(actor).is_site_administrator:
        raise PermissionDenied403(
            "You cannot assign inspectors or peer reviewers.",
            who_can="Site administrators assign inspectors and peer reviewers.",
        )
    form = AssignmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        assignment = services.assignment_create(
            actor=actor,
            user=data["email"],
            kind=data["kind"],
            title=data["title"],
            partnerships=data["partnerships"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            subject_reference=data["subject_reference"].strip(),
        )
        messages.success(
            request, f"{assignment.user} is assigned until {assignment.ends_on:%-d %B %Y}."
        )
        return redirect("core:home")
    return render(request, "partnerships/assignment_form.html", {"form": form})


@login_required
def partnership_detail(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = _partnership(request, partnership_id)
    can = _can(request, partnership)
    return render(
        request,
        "partnerships/partnership_detail.html",
        {
            "partnership": partnership,
            "can": can,
            "partners": selectors.partnership_partner_organisations(partnership=partnership),
            "police_bcus": selectors.partnership_police_bcus(partnership=partnership),
            "alliances": selectors.alliance_list(user=request.user).filter(
                partnerships=partnership
            ),
            "member_count": selectors.membership_list(
                user=request.user, partnership=partnership
            ).count()
            if can["view_members"]
            else None,
            "assignments": selectors.assignment_list_for_partnership(
                user=request.user, partnership=partnership
            )
            if can["manage"]
            else [],
            "today": today(),
        },
    )


@login_required
def membership_list(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = _partnership(request, partnership_id, "view_members")
    return render(
        request,
        "partnerships/membership_list.html",
        {
            "partnership": partnership,
            "memberships": selectors.membership_list(user=request.user, partnership=partnership),
            "can": _can(request, partnership),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def membership_invite(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = _partnership(request, partnership_id, "manage")
    organisations = Organisation.objects.filter(partnership_links__partnership=partnership)
    form = MembershipInviteForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_invite(
                actor=_actor(request),
                partnership=partnership,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"{membership.user} is now {membership.get_role_display().lower()}."
            )
            return redirect("partnerships:membership-list", partnership_id=partnership.pk)
    return render(
        request, "partnerships/membership_invite.html", {"form": form, "partnership": partnership}
    )


@login_required
@require_http_methods(["GET", "POST"])
def membership_update(
    request: HttpRequest, partnership_id: int, membership_id: int
) -> HttpResponse:
    partnership = _partnership(request, partnership_id, "view_members")
    membership = selectors.membership_get(user=request.user, membership_id=membership_id)
    if membership.partnership_id != partnership.pk:
        raise Http404
    membership_policy.require(request.user, "manage", membership)
    form = MembershipRoleForm(request.POST or None, initial={"role": membership.role})
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_change_role(
                actor=_actor(request),
                membership=membership,
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            form.add_error("role", error.message_dict.get("role", error.messages))
        else:
            messages.success(request, f"{membership.user}'s role changed.")
            return redirect("partnerships:membership-list", partnership_id=partnership.pk)
    return render(
        request,
        "partnerships/membership_update.html",
        {"form": form, "partnership": partnership, "membership": membership},
    )


@login_required
@require_http_methods(["GET", "POST"])
def membership_remove(
    request: HttpRequest, partnership_id: int, membership_id: int
) -> HttpResponse:
    """Confirm, then remove the role (`lde.core.confirm`)."""
    partnership = _partnership(request, partnership_id, "view_members")
    membership = selectors.membership_get(user=request.user, membership_id=membership_id)
    if membership.partnership_id != partnership.pk:
        raise Http404
    membership_policy.require(request.user, "manage", membership)
    if not confirmed(request):
        return confirmation_page(request, confirmations.membership_remove(membership))
    try:
        services.membership_remove(actor=_actor(request), membership=membership)
    except ValidationError as error:
        form = MembershipRoleForm(initial={"role": membership.role})
        form.is_bound = False
        return render(
            request,
            "partnerships/membership_update.html",
            {
                "form": form,
                "partnership": partnership,
                "membership": membership,
                "remove_error": " ".join(error.messages),
            },
            status=400,
        )
    messages.success(
        request, f"{membership.user} is no longer {membership.get_role_display().lower()}."
    )
    return redirect("partnerships:membership-list", partnership_id=partnership.pk)


@login_required
def post_list(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = _partnership(request, partnership_id, "view_members")
    organisation_ids = selectors.partnership_partner_organisations(
        partnership=partnership
    ).values_list("organisation_id", flat=True)
    return render(
        request,
        "partnerships/post_list.html",
        {
            "partnership": partnership,
            "posts": account_selectors.post_list(
                user=request.user, organisation_ids=organisation_ids
            ),
            "manageable": account_selectors.manageable_post_ids(
                user=request.user, organisation_ids=organisation_ids
            ),
            "can": _can(request, partnership),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def post_create(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = _partnership(request, partnership_id, "manage")
    # Coordinators add posts to the organisation they work for, not to other partners'.
    organisations = Organisation.objects.filter(
        partnership_links__partnership=partnership, pk=_actor(request).organisation_id or 0
    )
    form = PostForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            account_services.post_create(
                actor=_actor(request),
                partnership_id=partnership.pk,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Post “{form.cleaned_data['title']}” added.")
            return redirect("partnerships:post-list", partnership_id=partnership.pk)
    return render(
        request, "partnerships/post_form.html", {"form": form, "partnership": partnership}
    )


@login_required
@require_http_methods(["GET", "POST"])
def post_holder_change(request: HttpRequest, partnership_id: int, post_id: int) -> HttpResponse:
    """The posts of the partnership's organisations, changed by those organisations' own people:
    the same page as the organisation's, reached from here."""
    partnership = _partnership(request, partnership_id, "view_members")
    post = account_selectors.post_get(user=request.user, post_id=post_id)
    if not PartnerOrganisation.objects.filter(
        partnership=partnership, organisation_id=post.organisation_id
    ).exists():
        raise Http404
    return post_holder_page(
        request,
        post,
        done_url=reverse("partnerships:post-list", args=[partnership.pk]),
        context={"partnership": partnership, "partnership_id": partnership.pk},
    )


@login_required
@require_http_methods(["GET", "POST"])
def partner_organisation_add(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = _partnership(request, partnership_id, "manage")
    organisations = Organisation.objects.exclude(
        partnership_links__partnership=partnership
    ).order_by("name")
    form = PartnerOrganisationForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        services.partner_organisation_add(
            actor=_actor(request),
            partnership=partnership,
            organisation=form.cleaned_data["organisation"],
        )
        messages.success(request, f"{form.cleaned_data['organisation']} is now a partner.")
        return redirect("partnerships:partnership-detail", partnership_id=partnership.pk)
    return render(
        request,
        "partnerships/partner_organisation_form.html",
        {"form": form, "partnership": partnership},
    )


@login_required
@require_http_methods(["GET", "POST"])
def partner_organisation_remove(
    request: HttpRequest, partnership_id: int, organisation_id: int
) -> HttpResponse:
    """Take a partner organisation out: refused, with what still depends on it counted and
    named, while anything does; otherwise the confirmation page, then the action (ADR 0028)."""
    partnership = _partnership(request, partnership_id, "manage")
    link = (
        selectors.partnership_partner_organisations(partnership=partnership)
        .filter(organisation_id=organisation_id)
        .first()
    )
    if link is None:
        raise Http404
    organisation = link.organisation
    dependents = selectors.partner_organisation_dependents(
        partnership=partnership, organisation=organisation
    )
    if not dependents:
        if not confirmed(request):
            return confirmation_page(
                request, confirmations.partner_organisation_remove(partnership, organisation)
            )
        try:
            services.partner_organisation_remove(
                actor=_actor(request), partnership=partnership, organisation=organisation
            )
        except ValidationError as error:
            # Something came to depend on it between the confirmation and now.
            dependents = error.message_dict.get("organisation", error.messages)
        else:
            messages.success(request, f"{organisation.name} is no longer a partner.")
            return redirect("partnerships:partnership-detail", partnership_id=partnership.pk)
    return render(
        request,
        "partnerships/partner_organisation_remove_refused.html",
        {"partnership": partnership, "organisation": organisation, "dependents": dependents},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def partnership_clearances(request: HttpRequest, partnership_id: int) -> HttpResponse:
    """Coordinators see their people's vetting level and expiry, and the posts lacking it."""
    partnership = _partnership(request, partnership_id, "view_clearances")
    day = today()
    organisation_ids = list(
        selectors.partnership_partner_organisations(partnership=partnership).values_list(
            "organisation_id", flat=True
        )
    )
    member_ids = selectors.membership_list(user=request.user, partnership=partnership).values_list(
        "user_id", flat=True
    )
    clearances = account_selectors.clearance_list(user=request.user).filter(
        user_id__in=member_ids, revoked_on__isnull=True
    )
    return render(
        request,
        "partnerships/partnership_clearances.html",
        {
            "partnership": partnership,
            "clearances": clearances,
            "gaps": account_selectors.vetting_gaps(organisation_ids=organisation_ids, day=day),
            "today": day,
            "can": _can(request, partnership),
        },
    )


@login_required
def partnership_audit(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = _partnership(request, partnership_id, "view_audit")
    events = AuditEvent.objects.filter(partnership_id=partnership.pk).order_by("-sequence")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "partnerships/partnership_audit.html",
        {
            "partnership": partnership,
            "page": page,
            "lines": event_lines(page.object_list),
            "can": _can(request, partnership),
        },
    )


def _coverage_partnership(request: HttpRequest, partnership_id: int) -> Partnership:
    """The partnership, if this user may see its briefing coverage; otherwise the same 404 as a
    partnership that does not exist (permissions.md, "briefing coverage figures")."""
    partnership = selectors.partnership_get(user=request.user, partnership_id=partnership_id)
    if not partnership_policy.user_can(request.user, "view_coverage", partnership):
        raise Http404
    return partnership


@login_required
def briefing_coverage(request: HttpRequest, partnership_id: int) -> HttpResponse:
    """The share of the partnership's strategic posts briefed on its latest products (¶59), and
    why each other post is not: post titles and holders' names only, nothing of the products."""
    partnership = _coverage_partnership(request, partnership_id)
    return render(
        request,
        "partnerships/briefing_coverage.html",
        {
            "partnership": partnership,
            "coverage": selectors.briefing_coverage(partnership=partnership),
            "can": _can(request, partnership),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def strategic_posts(request: HttpRequest, partnership_id: int) -> HttpResponse:
    """Coordinators name the posts, besides the defaults, that count towards coverage."""
    partnership = _partnership(request, partnership_id, "manage")
    form = StrategicPostForm(
        request.POST or None, posts=selectors.strategic_post_choices(partnership=partnership)
    )
    if request.method == "POST" and form.is_valid():
        post = form.cleaned_data["post"]
        services.strategic_post_name(actor=_actor(request), partnership=partnership, post=post)
        messages.success(request, f"“{post.title}” now counts towards briefing coverage.")
        return redirect("partnerships:strategic-posts", partnership_id=partnership.pk)
    return render(
        request,
        "partnerships/strategic_posts.html",
        {
            "partnership": partnership,
            "posts": selectors.strategic_posts(partnership=partnership),
            "form": form,
            "can": _can(request, partnership),
        },
    )


@login_required
@require_POST
def strategic_post_remove(request: HttpRequest, partnership_id: int, post_id: int) -> HttpResponse:
    partnership = _partnership(request, partnership_id, "manage")
    post = account_selectors.post_get(user=request.user, post_id=post_id)
    try:
        removed = services.strategic_post_unname(
            actor=_actor(request), partnership=partnership, post=post
        )
    except ValidationError:
        raise Http404 from None
    if removed:
        messages.success(request, f"“{post.title}” no longer counts towards briefing coverage.")
    return redirect("partnerships:strategic-posts", partnership_id=partnership.pk)


# --- Site administration: partnerships' own facts and alliances ----------------------------------

PARTNERSHIPS_PER_PAGE = 50


def _site_administrators_only(request: HttpRequest, what: str, who_can: str) -> None:
    if not facts_for(request.user).is_site_administrator:
        raise PermissionDenied403(f"You cannot {what}.", who_can=who_can)


@login_required
def partnership_administration(request: HttpRequest) -> HttpResponse:
    """Every partnership's own facts, for site administrators: searched and paged."""
    from lde.partnerships.policies import ADMINISTER_WHO_CAN

    _site_administrators_only(request, "see every partnership", ADMINISTER_WHO_CAN)
    search = request.GET.get("q", "").strip()[:100]
    partnerships = selectors.partnership_administration_list(user=request.user, search=search)
    page = Paginator(partnerships, PARTNERSHIPS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "partnerships/administration/partnership_list.html",
        {"page": page, "search": search, "query": f"q={search}" if search else ""},
    )


@login_required
@require_http_methods(["GET", "POST"])
def partnership_edit(request: HttpRequest, partnership_id: int) -> HttpResponse:
    """Site administrators change a partnership's name, lead council, region, areas and police
    BCUs, with the form that created it."""
    partnership = selectors.partnership_administration_get(
        user=request.user, partnership_id=partnership_id
    )
    form = PartnershipEditForm(
        request.POST or None,
        partnership=partnership,
        initial={
            "name": partnership.name,
            "lead_council": partnership.lead_council_id,
            "police_bcus": list(partnership.police_bcus.values_list("pk", flat=True)),
            "region": partnership.region,
            "area_gss_codes": ", ".join(partnership.area_gss_codes or []),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.partnership_edit(
                actor=_actor(request),
                partnership=partnership,
                name=data["name"],
                lead_council=data["lead_council"],
                region=data["region"],
                area_gss_codes=data["area_gss_codes"],
                police_bcus=data["police_bcus"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{data['name']} changed.")
            return redirect("partnerships:partnership-administration")
    return render(
        request,
        "partnerships/administration/partnership_form.html",
        {"form": form, "partnership": partnership},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def alliance_list(request: HttpRequest) -> HttpResponse:
    from lde.partnerships.policies import ALLIANCES_WHO_CAN

    _site_administrators_only(request, "manage alliances", ALLIANCES_WHO_CAN)
    return render(
        request,
        "partnerships/administration/alliance_list.html",
        {"alliances": selectors.alliance_administration_list(user=request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def alliance_create(request: HttpRequest) -> HttpResponse:
    from lde.partnerships.policies import ALLIANCES_WHO_CAN

    _site_administrators_only(request, "create alliances", ALLIANCES_WHO_CAN)
    form = AllianceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            alliance = services.alliance_create(
                actor=_actor(request),
                name=data["name"],
                purpose=data["purpose"],
                partnerships=data["partnerships"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{alliance.name} created.")
            return redirect("partnerships:alliance-detail", alliance_id=alliance.pk)
    return render(
        request,
        "partnerships/administration/alliance_form.html",
        {"form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def alliance_detail(request: HttpRequest, alliance_id: int) -> HttpResponse:
    alliance = selectors.alliance_administration_get(user=request.user, alliance_id=alliance_id)
    return render(
        request, "partnerships/administration/alliance_detail.html", {"alliance": alliance}
    )


@login_required
@require_http_methods(["GET", "POST"])
def alliance_partnership_add(request: HttpRequest, alliance_id: int) -> HttpResponse:
    """Add a partnership to an alliance: confirmed first, as its people then see the alliance's
    pooled pot and its coordinators may spend it."""
    alliance = selectors.alliance_administration_get(user=request.user, alliance_id=alliance_id)
    form = AlliancePartnershipForm(
        request.POST or None,
        partnerships=Partnership.objects.exclude(alliances=alliance).order_by("name"),
    )
    if request.method == "POST" and form.is_valid():
        partnership = form.cleaned_data["partnership"]
        if not confirmed(request):
            return confirmation_page(
                request,
                confirmations.alliance_partnership_add(
                    alliance, partnership, carried=carried_from(request.POST)
                ),
            )
        try:
            services.alliance_partnership_add(
                actor=_actor(request), alliance=alliance, partnership=partnership
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{partnership.name} is now in {alliance.name}.")
            return redirect("partnerships:alliance-detail", alliance_id=alliance.pk)
    return render(
        request,
        "partnerships/administration/alliance_partnership_form.html",
        {"form": form, "alliance": alliance},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def alliance_partnership_remove(
    request: HttpRequest, alliance_id: int, partnership_id: int
) -> HttpResponse:
    """Take a partnership out of an alliance: the confirmation page, then the action."""
    alliance = selectors.alliance_administration_get(user=request.user, alliance_id=alliance_id)
    partnership = next((p for p in alliance.partnerships.all() if p.pk == partnership_id), None)
    if partnership is None:
        raise Http404
    if not confirmed(request):
        return confirmation_page(
            request, confirmations.alliance_partnership_remove(alliance, partnership)
        )
    try:
        services.alliance_partnership_remove(
            actor=_actor(request), alliance=alliance, partnership=partnership
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("partnerships:alliance-detail", alliance_id=alliance.pk)
    messages.success(request, f"{partnership.name} is no longer in {alliance.name}.")
    return redirect("partnerships:alliance-detail", alliance_id=alliance.pk)
