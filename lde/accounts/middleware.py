"""Two-factor authentication, required for the privileged roles with no bypass in any setting."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from lde.accounts.oidc import MFA_SESSION_KEY
from lde.core.access.facts import UserFacts, facts_for

# Pages a signed-in user may reach before the second factor: setting it up, giving it, leaving.
# The public summaries of local narratives are public pages, as the accessibility statement is.
_OPEN_PREFIXES = (
    "/two-factor/",
    "/sign-out/",
    "/static/",
    "/accessibility/",
    "/cookies/",
    "/narratives/public/",
    "/commissioning/public/",
)


def requires_two_factor(facts: UserFacts) -> bool:
    """Coordinators, inspectors, security contacts and administrators."""
    return bool(
        facts.partnerships_with("coordinator")
        or facts.inspected
        or facts.security_contact_for
        or facts.is_site_administrator
    )


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and not request.path.startswith("/api/")
            and not getattr(user, "is_verified", lambda: False)()
            # The identity provider asserted a second factor at sign-in (lde.accounts.oidc).
            and request.session.get(MFA_SESSION_KEY) != user.pk
            and (user.is_staff or requires_two_factor(facts_for(user)))
        ):
            from django_otp.plugins.otp_totp.models import TOTPDevice

            has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
            target = "accounts:two-factor" if has_device else "accounts:two-factor-set-up"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)
