"""Pages every user sees: home, the public statements, and the error pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.module_loading import import_string
from django.views.decorators.http import require_safe

HomePanel = Callable[[HttpRequest], "dict[str, Any] | None"]


def _home_panels(request: HttpRequest) -> list[dict[str, Any]]:
    """Each capability contributes what needs this user's attention, in the order of settings.

    `core` cannot import the capability apps, so they are named in LDE_HOME_PANELS.
    """
    panels = []
    for dotted in settings.LDE_HOME_PANELS:
        panel: HomePanel = import_string(dotted)
        found = panel(request)
        if found:
            panels.append(found)
    return panels


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    panels = _home_panels(request)
    has_own = any(not panel.get("for_everyone") for panel in panels)
    # Links every signed-in user may follow are gathered from the panels into one list at the
    # end, rather than each app adding a heading with nothing of the user's own under it.
    also_here = [link for panel in panels for link in panel.get("also_here", [])]
    return render(
        request,
        "core/home.html",
        {
            "panels": [panel for panel in panels if panel.get("template")],
            "has_own": has_own,
            "also_here": also_here,
        },
    )


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@require_safe
def cookies(request: HttpRequest) -> HttpResponse:
    return render(request, "core/cookies.html")


GENERIC_REFUSAL = "You cannot do this."


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    who_can = getattr(exception, "who_can", "")
    # A refusal that names what was refused says so; the policy's generic one does not.
    message = getattr(exception, "message", "")
    reason = message if message and message != GENERIC_REFUSAL else ""
    return render(request, "403.html", {"who_can": who_can, "reason": reason}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


@require_safe
@login_required
def site_audit(request: HttpRequest) -> HttpResponse:
    """Site administrators read the site-level events: never partnership content."""
    from django.core.paginator import Paginator

    from lde.core.access.facts import facts_for
    from lde.core.access.policy import PermissionDenied403
    from lde.core.audit.models import AuditEvent, AuditScope
    from lde.core.audit.sentences import event_lines

    if not facts_for(request.user).is_site_administrator:
        raise PermissionDenied403(
            "Only site administrators read the site's own audit trail.",
            who_can="Site administrators read site-level events; coordinators read their "
            "partnership's trail from the partnership page.",
        )
    events = AuditEvent.objects.filter(scope=AuditScope.SITE).order_by("-sequence")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request, "core/site_audit.html", {"page": page, "lines": event_lines(page.object_list)}
    )
