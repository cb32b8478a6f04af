"""Sign-in and two-factor, the user's profile and tokens, organisations and their vetting."""

from __future__ import annotations

import base64
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from lde.accounts import confirmations, enrolment, selectors, services
from lde.accounts.forms import (
    ApiTokenForm,
    CaveatGrantForm,
    ClearanceForm,
    EnrolmentCodeForm,
    OrganisationForm,
    PasswordResetForm,
    PasswordSetForm,
    PersonAccessForm,
    PostHolderForm,
    SignInForm,
    TokenForm,
)
from lde.accounts.models import Organisation, OrganisationType, Post, PostKind, User
from lde.accounts.oidc import oidc_config, origin_of
from lde.accounts.policies import (
    caveat_grant_policy,
    clearance_policy,
    organisation_policy,
    person_policy,
    post_policy,
    reads_register,
)
from lde.accounts.selectors import acting_user as _actor
from lde.accounts.services import SELF_HOLDING_WHO_CAN, VETTING_WHO_CAN
from lde.core.access.facts import facts_for, today
from lde.core.access.policy import PermissionDenied403
from lde.core.audit.chain import audit_record
from lde.core.audit.models import AuditScope
from lde.core.confirm import carried_from, confirmation_page, confirmed
from lde.core.govuk.forms import add_service_errors
from lde.core.network import client_ip
from lde.core.ratelimit import (
    PASSWORD_RESET_PER_ADDRESS,
    PASSWORD_RESET_PER_EMAIL,
    rate_hit,
    too_many,
)


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit_record(actor=form.get_user(), verb="USER_SIGNED_IN", scope=AuditScope.SITE)
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # The identity provider's button, when one is set up (LDE_OIDC_ISSUER).
        provider = oidc_config()
        context["oidc_name"] = provider.name if provider else ""
        return context

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        response = super().render_to_response(context, **kwargs)
        provider = oidc_config()
        if provider is not None:
            # The provider's button is a form whose answer sends the browser to the provider:
            # `form-action 'self'` alone makes a browser stop it there, so this page's policy
            # names the issuer's site too, and only this page's.
            response._csp_update = {"form-action": [origin_of(provider.issuer)]}  # type: ignore[attr-defined]
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Set or reset a password by email. Invited people get the same link when invited."""

    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm
    email_template_name = "accounts/email/password_set.txt"
    subject_template_name = "accounts/email/password_set_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-sent")

    def form_valid(self, form: Any) -> HttpResponse:
        """Limited per address asked for and per internet address, whether or not an account
        has that address, so the limit says nothing about who has one."""
        email = str(form.cleaned_data["email"]).strip().lower()
        for limit, key in (
            (PASSWORD_RESET_PER_EMAIL, email),
            (PASSWORD_RESET_PER_ADDRESS, client_ip(self.request) or "unknown"),
        ):
            verdict = rate_hit(limit, key)
            if not verdict.allowed:
                return too_many(self.request, verdict, what="A link to set a password")
        return super().form_valid(form)


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


class PasswordSetView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_set.html"
    form_class = PasswordSetForm
    success_url = reverse_lazy("accounts:password-set-done")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit_record(actor=form.user, verb="USER_PASSWORD_SET", scope=AuditScope.SITE)
        # The emailed link proved control of the address: this browser may add an
        # authenticator when the person signs in (signing in keeps the session's data).
        enrolment.enrolment_allow(self.request.session, form.user.pk)
        return response


class PasswordSetDoneView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_set_done.html"


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit_record(actor=_actor(request), verb="USER_SIGNED_OUT", scope=AuditScope.SITE)
    auth_logout(request)
    messages.success(request, "You have signed out.")
    return redirect("accounts:sign-in")


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("core:home")


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    devices = TOTPDevice.objects.filter(user=request.user, confirmed=True)
    if not devices.exists():
        return redirect("accounts:two-factor-set-up")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["otp_token"]
        device = next((d for d in devices if d.verify_token(code)), None)
        if device is not None:
            otp_login(request, device)
            audit_record(
                actor=_actor(request), verb="USER_TWO_FACTOR_VERIFIED", scope=AuditScope.SITE
            )
            return HttpResponseRedirect(_safe_next(request))
        form.add_error(
            "otp_token", "The security code is wrong or has expired. Try the current code."
        )
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _safe_next(request)}
    )


def _qr_data_uri(config_url: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=12)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _enrolment_code_send(request: HttpRequest) -> None:
    user = _actor(request)
    code = enrolment.enrolment_code_issue(request.session, user.pk)
    services.user_enrolment_code_send(user=user, code=code)


def _masked_email(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}{'•' * max(len(local) - 1, 1)}@{domain}"


def _enrolment_email_check(request: HttpRequest) -> HttpResponse:
    """Before enrolment, a signed-in user proves they hold their email: a password is not
    enough (see `lde.accounts.enrolment`)."""
    user = _actor(request)
    here = f"{reverse('accounts:two-factor-set-up')}?{urlencode({'next': _safe_next(request)})}"
    if request.method == "POST" and "send_new_code" in request.POST:
        _enrolment_code_send(request)
        messages.success(request, "We have sent you a new code.")
        return HttpResponseRedirect(here)
    if request.method == "GET" and not enrolment.enrolment_code_pending(request.session, user.pk):
        _enrolment_code_send(request)
    form = EnrolmentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = enrolment.enrolment_code_check(
            request.session, user.pk, form.cleaned_data["email_code"]
        )
        if result == enrolment.CodeResult.ACCEPTED:
            audit_record(
                actor=user,
                verb="USER_ENROLMENT_EMAIL_CONFIRMED",
                target=user,
                scope=AuditScope.SITE,
            )
            return HttpResponseRedirect(here)
        form.add_error(
            "email_code",
            {
                enrolment.CodeResult.WRONG: "The code is wrong. Check the latest email "
                "from Prevent LDE and enter the code in it",
                enrolment.CodeResult.EXPIRED: "The code has expired. Send a new code",
                enrolment.CodeResult.NONE: "The code no longer works. Send a new code",
            }[result],
        )
    return render(
        request,
        "accounts/two_factor_email_code.html",
        {
            "form": form,
            "email": _masked_email(user.email),
            "minutes": enrolment.CODE_LIFETIME_SECONDS // 60,
            "next": _safe_next(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_set_up(request: HttpRequest) -> HttpResponse:
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect("accounts:two-factor")
    if not enrolment.enrolment_allowed(request.session, _actor(request).pk):
        return _enrolment_email_check(request)
    device, _ = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "Authenticator app"}
    )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["otp_token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            enrolment.enrolment_end(request.session)
            audit_record(
                actor=_actor(request), verb="USER_TWO_FACTOR_SET_UP", scope=AuditScope.SITE
            )
            messages.success(request, "Two-factor authentication is set up.")
            return HttpResponseRedirect(_safe_next(request))
        form.add_error(
            "otp_token",
            "The security code is wrong. Check your app shows a code "
            "for Prevent LDE and try the current one.",
        )
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "accounts/two_factor_set_up.html",
        {
            "form": form,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "qr": _qr_data_uri(device.config_url),
            "next": _safe_next(request),
        },
    )


def _profile_context(user: User, form: ApiTokenForm) -> dict[str, Any]:
    return {
        "form": form,
        "clearances": user.clearances.select_related("sponsor").order_by("-expires_on"),
        # "Caveats you hold": only those in force, so that a revoked one is seen to be gone.
        "caveats": user.caveat_grants.select_related("caveat", "sponsor")
        .filter(revoked_on__isnull=True)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today())),
        "tokens": selectors.api_token_list(user=user),
        "posts": user.post_holdings.select_related("post__organisation").order_by("-started_on"),
        "today": today(),
    }


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(
        request, "accounts/profile.html", _profile_context(_actor(request), ApiTokenForm())
    )


@login_required
@require_POST
def api_token_create(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "accounts/profile.html",
            _profile_context(_actor(request), form),
            status=400,
        )
    try:
        token, raw = services.api_token_create(
            actor=_actor(request),
            name=form.cleaned_data["name"],
            expires_on=form.cleaned_data["expires_on"],
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return render(
            request,
            "accounts/profile.html",
            _profile_context(_actor(request), form),
            status=400,
        )
    return render(request, "accounts/token_created.html", {"token": token, "raw": raw})


@login_required
@require_http_methods(["GET", "POST"])
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Confirm, then revoke one of the user's own tokens (`lde.core.confirm`)."""
    from lde.accounts.policies import api_token_policy

    token = api_token_policy.get_or_404(request.user, token_id)
    if not confirmed(request):
        return confirmation_page(request, confirmations.api_token_revoke(token))
    services.api_token_revoke(actor=_actor(request), token=token)
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("accounts:profile")


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:100]
    type_filter = request.GET.get("type", "")
    if type_filter not in OrganisationType.values:
        type_filter = ""
    organisations = selectors.organisation_list(user=request.user, search=search, type=type_filter)
    facts = facts_for(request.user)
    return render(
        request,
        "accounts/organisation_list.html",
        {
            "organisations": organisations[:500],
            "total": organisations.count(),
            "search": search,
            "type_filter": type_filter,
            "types": OrganisationType.choices,
            "is_register": reads_register(facts),
            "can_add": facts.is_site_administrator or bool(facts.partnerships_with("coordinator")),
        },
    )


@login_required
def organisation_detail(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = selectors.organisation_get(user=request.user, organisation_id=organisation_id)
    posts = selectors.post_list(user=request.user, organisation_ids=[organisation.pk])
    facts = facts_for(request.user)
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "organisation": organisation,
            "posts": posts,
            "manageable": selectors.manageable_post_ids(
                user=request.user, organisation_ids=[organisation.pk]
            ),
            # Site administrators set up the security contact's post where there is none.
            "may_add_security_contact": facts.is_site_administrator
            and not any(p.kind == PostKind.SECURITY_CONTACT for p in posts),
            "can_manage": organisation_policy.user_can(request.user, "manage", organisation),
            "is_security_contact": organisation_policy.user_can(
                request.user, "manage_clearances", organisation
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    facts = facts_for(request.user)
    if not (facts.is_site_administrator or facts.partnerships_with("coordinator")):
        raise PermissionDenied403(
            "You cannot add organisations.",
            who_can="Site administrators and partnership coordinators add organisations.",
        )
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = services.organisation_create(actor=_actor(request), **form.cleaned_data)
        messages.success(request, f"{organisation.name} added to the register.")
        return redirect("accounts:organisation-detail", organisation_id=organisation.pk)
    return render(request, "accounts/organisation_form.html", {"form": form, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_update(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = selectors.organisation_get(user=request.user, organisation_id=organisation_id)
    organisation_policy.require(request.user, "manage", organisation)
    form = OrganisationForm(
        request.POST or None, instance=Organisation.objects.get(pk=organisation.pk)
    )
    if request.method == "POST" and form.is_valid():
        services.organisation_update(
            actor=_actor(request),
            organisation=organisation,
            **form.cleaned_data,
        )
        messages.success(request, "Organisation updated.")
        return redirect("accounts:organisation-detail", organisation_id=organisation.pk)
    return render(
        request,
        "accounts/organisation_form.html",
        {"form": form, "organisation": organisation, "creating": False},
    )


def _refuse_self(request: HttpRequest, field: str, message: str, who_can: str) -> None:
    """The forms never offer the user themselves; a request that names them anyway is a
    self-grant, answered with the 403 page saying who can, as the service would."""
    if request.method == "POST" and request.POST.get(field) == str(request.user.pk):
        raise PermissionDenied403(message, who_can=who_can)


def _security_contact_organisation(request: HttpRequest, organisation_id: int) -> Organisation:
    organisation = selectors.organisation_get(user=request.user, organisation_id=organisation_id)
    organisation_policy.require(request.user, "manage_clearances", organisation)
    return organisation


@login_required
def organisation_clearances(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = _security_contact_organisation(request, organisation_id)
    day = today()
    clearances = selectors.clearance_list(user=request.user, organisation=organisation)
    return render(
        request,
        "accounts/organisation_clearances.html",
        {
            "organisation": organisation,
            "clearances": clearances,
            "caveat_grants": selectors.caveat_grant_list(
                user=request.user, organisation=organisation
            ),
            # The rows whose "Revoke" link this user may follow.
            "revocable_clearances": selectors.clearances_revocable(
                user=request.user, organisation=organisation
            ),
            "revocable_grants": selectors.caveat_grants_revocable(
                user=request.user, organisation=organisation
            ),
            "gaps": selectors.vetting_gaps(organisation_ids=[organisation.pk], day=day),
            "today": day,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def clearance_record(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = _security_contact_organisation(request, organisation_id)
    _refuse_self(request, "user", "You cannot record your own clearance.", VETTING_WHO_CAN)
    people = selectors.organisation_people(organisation=organisation).exclude(pk=_actor(request).pk)
    form = ClearanceForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            services.clearance_record(
                actor=_actor(request),
                sponsor=organisation,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Clearance recorded for {form.cleaned_data['user']}.")
            return redirect("accounts:organisation-clearances", organisation_id=organisation.pk)
    return render(
        request, "accounts/clearance_form.html", {"form": form, "organisation": organisation}
    )


@login_required
@require_http_methods(["GET", "POST"])
def caveat_grant_record(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = _security_contact_organisation(request, organisation_id)
    _refuse_self(request, "user", "You cannot record your own caveat.", VETTING_WHO_CAN)
    people = selectors.organisation_people(organisation=organisation).exclude(pk=_actor(request).pk)
    form = CaveatGrantForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        services.caveat_grant_record(
            actor=_actor(request),
            sponsor=organisation,
            **form.cleaned_data,
        )
        messages.success(request, f"Caveat recorded for {form.cleaned_data['user']}.")
        return redirect("accounts:organisation-clearances", organisation_id=organisation.pk)
    return render(
        request, "accounts/caveat_form.html", {"form": form, "organisation": organisation}
    )


@login_required
@require_http_methods(["GET", "POST"])
def clearance_revoke(request: HttpRequest, organisation_id: int, clearance_id: int) -> HttpResponse:
    """Confirm, then revoke: the page says what revoking does and who will see it."""
    organisation = _security_contact_organisation(request, organisation_id)
    clearance = selectors.clearance_get(
        user=request.user, organisation=organisation, clearance_id=clearance_id
    )
    clearance_policy.require(request.user, "revoke", clearance)
    if confirmed(request):
        services.clearance_revoke(actor=_actor(request), clearance=clearance)
        messages.success(request, f"Clearance revoked for {clearance.user.full_name}.")
        return redirect("accounts:organisation-clearances", organisation_id=organisation.pk)
    return confirmation_page(request, confirmations.clearance_revoke(organisation, clearance))


@login_required
@require_http_methods(["GET", "POST"])
def caveat_grant_revoke(request: HttpRequest, organisation_id: int, grant_id: int) -> HttpResponse:
    """Confirm, then revoke: the page says what revoking does and who will see it."""
    organisation = _security_contact_organisation(request, organisation_id)
    grant = selectors.caveat_grant_get(
        user=request.user, organisation=organisation, grant_id=grant_id
    )
    caveat_grant_policy.require(request.user, "revoke", grant)
    if confirmed(request):
        services.caveat_grant_revoke(actor=_actor(request), grant=grant)
        messages.success(request, f"{grant.caveat.name} caveat revoked for {grant.user.full_name}.")
        return redirect("accounts:organisation-clearances", organisation_id=organisation.pk)
    return confirmation_page(request, confirmations.caveat_grant_revoke(organisation, grant))


def locked_out(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    return render(request, "accounts/locked_out.html", status=429)


# --- Posts and their holders -----------------------------------------------------------------


def post_holder_page(
    request: HttpRequest, post: Post, *, done_url: str, context: dict[str, Any]
) -> HttpResponse:
    """The one form for changing a post's holder, reached from an organisation's page or a
    partnership's posts. Only the organisation's own people are offered, never the user
    themselves (`permissions.md`, "Authority over the facts the rules read")."""
    post_policy.require(request.user, "manage", post)
    _refuse_self(
        request, "holder", "You cannot make yourself the holder of a post.", SELF_HOLDING_WHO_CAN
    )
    actor = _actor(request)
    needs_request = post.kind == PostKind.SECURITY_CONTACT and post.pk not in (
        facts_for(actor).post_ids
    )
    form = PostHolderForm(
        request.POST if request.method == "POST" else None,
        people=selectors.organisation_people(organisation=post.organisation).exclude(pk=actor.pk),
        needs_request=needs_request,
        initial={"on": today()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.post_holder_change(
                actor=actor,
                post=post,
                holder=form.cleaned_data["holder"],
                on=form.cleaned_data["on"],
                partnership_id=context.get("partnership_id"),
                request_reference=form.cleaned_data.get("request_reference", ""),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Holder of “{post.title}” changed.")
            return redirect(done_url)
    return render(
        request,
        "accounts/post_holder_form.html",
        {
            "form": form,
            "post": post,
            "history": selectors.post_history(post=post),
            "needs_request": needs_request,
            "back_url": done_url,
            **context,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_post_holder_change(
    request: HttpRequest, organisation_id: int, post_id: int
) -> HttpResponse:
    post = selectors.post_get(user=request.user, post_id=post_id)
    if post.organisation_id != organisation_id:
        raise Http404
    return post_holder_page(
        request,
        post,
        done_url=reverse("accounts:organisation-detail", args=[post.organisation_id]),
        context={},
    )


@login_required
@require_POST
def security_contact_post_create(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """Site administrators set up an organisation's security contact post, then name its holder
    at the organisation's written request."""
    organisation = selectors.organisation_get(user=request.user, organisation_id=organisation_id)
    post = Post(organisation=organisation, kind=PostKind.SECURITY_CONTACT, title="Security contact")
    post_policy.require(request.user, "manage", post)
    existing = organisation.posts.filter(kind=PostKind.SECURITY_CONTACT).first()
    if existing is None:
        existing = services.post_create(
            actor=_actor(request),
            organisation=organisation,
            kind=PostKind.SECURITY_CONTACT,
            title="Security contact",
        )
    return redirect(
        "accounts:organisation-post-holder-change",
        organisation_id=organisation.pk,
        post_id=existing.pk,
    )


PEOPLE_PER_PAGE = 50


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    """Site administration's national list of people: searched and paged, one query for the
    page's rows whatever the number of people."""
    from django.core.paginator import Paginator

    if not facts_for(request.user).is_site_administrator:
        raise PermissionDenied403(
            "You cannot see the list of people.", who_can=person_policy.who_can["view"]
        )
    search = request.GET.get("q", "").strip()[:100]
    people = selectors.person_list(user=request.user, search=search)
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/person_list.html",
        {"page": page, "search": search, "query": urlencode({"q": search}) if search else ""},
    )


@login_required
def person_detail(request: HttpRequest, account_id: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, person_id=account_id)
    return render(
        request,
        "accounts/person_detail.html",
        {
            "person": person,
            "can_change": person_policy.user_can(request.user, "change_access", person),
            "who_can": person_policy.who_can["change_access"],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_access_change(request: HttpRequest, account_id: int) -> HttpResponse:
    """Change a person's organisation, active flag and site-wide grants. Granting or removing
    site administrator, and closing an account, are confirmed first (`lde.core.confirm`)."""
    person = selectors.person_get(user=request.user, person_id=account_id)
    if person.pk == request.user.pk:
        raise PermissionDenied403(
            "You cannot change your own organisation, account or site-wide grants.",
            who_can=person_policy.who_can["change_access"],
        )
    person_policy.require(request.user, "change_access", person)
    form = PersonAccessForm(
        request.POST if request.method == "POST" else None,
        initial={
            "organisation": person.organisation_id,
            "is_active": person.is_active,
            "is_site_administrator": person.is_site_administrator,
            "is_national_analyst": person.is_national_analyst,
            "is_programme_lead": person.is_programme_lead,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        needs_confirming = data["is_site_administrator"] != person.is_site_administrator or (
            person.is_active and not data["is_active"]
        )
        if needs_confirming and not confirmed(request):
            return confirmation_page(
                request,
                confirmations.person_access_change(
                    person,
                    is_active=data["is_active"],
                    is_site_administrator=data["is_site_administrator"],
                    carried=carried_from(request.POST),
                ),
            )
        try:
            services.user_access_change(actor=_actor(request), user=person, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{person.full_name or person.email}'s access changed.")
            return redirect("accounts:person-detail", account_id=person.pk)
    return render(
        request,
        "accounts/person_access_form.html",
        {"form": form, "person": person},
        status=400 if form.is_bound and form.errors else 200,
    )
