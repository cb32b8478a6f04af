"""The pages of sign-in through the identity provider: leaving for it, and coming back.

The rules are in `lde.accounts.oidc`; these views add the rate limit on answers, the lockout
the password form shares, the audit trail and the pages.
"""

from __future__ import annotations

from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from lde.accounts import oidc
from lde.core.audit.chain import audit_record
from lde.core.audit.models import AuditScope
from lde.core.network import client_ip
from lde.core.ratelimit import Limit, rate_hit, too_many

# Answers from the provider, from one internet address: one comes back for each sign-in, so
# thirty in ten minutes lets an office behind one address sign in and stops someone replaying or
# forging answers (each costs this service a call to the provider's token endpoint).
CALLBACKS_PER_ADDRESS = Limit("oidc-callback-address", count=30, seconds=600)
# The password form's own backend: the account is the same one, signed in another way.
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("core:home")


def _config_or_404() -> oidc.OidcConfig:
    config = oidc.oidc_config()
    if config is None:
        raise Http404("Sign-in through an identity provider is not set up.")
    return config


def _refused_page(
    request: HttpRequest, refusal: oidc.OidcRefused, config: oidc.OidcConfig
) -> HttpResponse:
    return render(
        request,
        "accounts/oidc_refused.html",
        {"refusal": refusal, "provider_name": config.name},
        status=refusal.status,
    )


@require_POST
def oidc_start(request: HttpRequest) -> HttpResponse:
    """The sign-in page's button: remember a new flow and send the person to the provider."""
    config = _config_or_404()
    if request.user.is_authenticated:
        return redirect(_safe_next(request))
    try:
        address = oidc.authorisation_start(request.session, config, next_url=_safe_next(request))
    except oidc.OidcRefused as refusal:
        return _refused_page(request, refusal, config)
    return HttpResponseRedirect(address)


def _locked_out(request: HttpRequest, email: str) -> bool:
    """Whether the password form has locked this account out from this address: a lockout
    stands whichever way the person signs in."""
    from axes.handlers.proxy import AxesProxyHandler

    return AxesProxyHandler.is_locked(request, credentials={"username": email})


@require_GET
def oidc_callback(request: HttpRequest) -> HttpResponse:
    """Where the provider sends the person back: sign them in, or say plainly why not."""
    config = _config_or_404()
    address = client_ip(request) or "unknown"
    verdict = rate_hit(CALLBACKS_PER_ADDRESS, address)
    if not verdict.allowed:
        return too_many(request, verdict, what="Signing in through your identity provider")
    params = {name: request.GET.get(name, "") for name in ("state", "code", "error")}
    try:
        claims, next_url = oidc.authorisation_finish(request.session, config, params)
        user = oidc.account_for(config, claims)
        if _locked_out(request, user.email):
            raise oidc.OidcRefused(
                "account_locked",
                "This account is locked after too many wrong passwords. Try again in an hour.",
                status=429,
                email=user.email,
                user=user,
            )
    except oidc.OidcRefused as refusal:
        detail: dict[str, str] = {"method": "oidc", "reason": refusal.reason}
        if refusal.detail:
            detail["why"] = refusal.detail
        if refusal.email:
            # Never the address itself: someone with no account is not recorded by name.
            detail["email_digest"] = oidc.email_digest(refusal.email)
        audit_record(
            actor=None,
            verb="USER_SIGN_IN_REFUSED",
            target=refusal.user,
            scope=AuditScope.SITE,
            detail=detail,
        )
        return _refused_page(request, refusal, config)
    login(request, user, backend=BACKEND)
    multi_factor = oidc.asserts_multi_factor(config, claims)
    if multi_factor:
        # The provider asked for a second factor, so the platform's own is not asked again
        # (TwoFactorRequiredMiddleware). Set after login, which starts a new session.
        request.session[oidc.MFA_SESSION_KEY] = user.pk
    audit_record(
        actor=user,
        verb="USER_SIGNED_IN",
        scope=AuditScope.SITE,
        detail={"method": "oidc", "provider_multi_factor": multi_factor},
    )
    if not next_url or not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("core:home")
    return HttpResponseRedirect(next_url)
