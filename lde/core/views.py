"""Pages every user sees: home, the public statements, and the error pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.module_loading import import_string
from django.views.decorators.http import require_http_methods, require_safe

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


# --- Site administration: the marking scheme and the ceiling -------------------------------------


def _site_administrators_only(request: HttpRequest, what: str) -> None:
    from lde.core.access.facts import facts_for
    from lde.core.access.policy import PermissionDenied403
    from lde.core.policies import SETTINGS_WHO_CAN

    if not facts_for(request.user).is_site_administrator:
        raise PermissionDenied403(f"You cannot {what}.", who_can=SETTINGS_WHO_CAN)


@require_safe
@login_required
def marking_list(request: HttpRequest) -> HttpResponse:
    """The marking scheme: today's markings and the older ones mapped onto them, the vetting each
    needs, and which are above the ceiling (recorded here only as existing)."""
    from lde.core import selectors
    from lde.core.access.markings import MarkingScheme

    _site_administrators_only(request, "see the marking scheme")
    ceiling = selectors.site_settings_get(user=request.user).ceiling
    markings = list(selectors.marking_list(user=request.user))

    def rows(scheme: str) -> list[dict[str, Any]]:
        return [
            {"marking": m, "current": m.current, "above": m.current.rank > ceiling.rank}
            for m in markings
            if m.scheme == scheme
        ]

    return render(
        request,
        "core/site/marking_list.html",
        {
            "ceiling": ceiling,
            "current": rows(MarkingScheme.CURRENT),
            "legacy": rows(MarkingScheme.LEGACY),
        },
    )


def _marking_changes(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "maps_to": data.get("maps_to"),
        "required_vetting": data.get("required_vetting"),
        "description": data.get("description", ""),
    }


@require_http_methods(["GET", "POST"])
@login_required
def marking_change(request: HttpRequest, marking_id: int) -> HttpResponse:
    """Change one marking; confirmed first, as it changes who sees what (`lde.core.confirm`)."""
    from django.contrib import messages
    from django.core.exceptions import ValidationError
    from django.shortcuts import redirect

    from lde.core import confirmations, selectors, services
    from lde.core.confirm import carried_from, confirmation_page, confirmed
    from lde.core.forms import MarkingForm
    from lde.core.govuk.forms import add_service_errors
    from lde.core.policies import marking_policy

    marking = selectors.marking_get(user=request.user, marking_id=marking_id)
    marking_policy.require(request.user, "change", marking)
    form = MarkingForm(
        request.POST if request.method == "POST" else None,
        marking=marking,
        initial={
            "maps_to": marking.maps_to.code if marking.maps_to else None,
            "required_vetting": marking.required_vetting,
            "description": marking.description,
        },
    )
    if request.method == "POST" and form.is_valid():
        changes = _marking_changes(form.cleaned_data)
        if not confirmed(request):
            return confirmation_page(
                request,
                confirmations.marking_change(
                    marking,
                    maps_to=changes["maps_to"],
                    required_vetting=changes["required_vetting"],
                    carried=carried_from(request.POST),
                ),
            )
        try:
            services.marking_change(actor=request.user, marking=marking, **changes)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{marking.label} changed.")
            return redirect("core:marking-list")
    return render(
        request,
        "core/site/marking_form.html",
        {"form": form, "marking": marking},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def ceiling_change(request: HttpRequest) -> HttpResponse:
    """Change the site's ceiling; confirmed first. Lowering it while material is stored above
    the new ceiling is refused by the service, with the count."""
    from django.contrib import messages
    from django.core.exceptions import ValidationError
    from django.shortcuts import redirect

    from lde.core import confirmations, selectors, services
    from lde.core.confirm import carried_from, confirmation_page, confirmed
    from lde.core.forms import CeilingForm
    from lde.core.govuk.forms import add_service_errors

    _site_administrators_only(request, "change the site's ceiling")
    settings_row = selectors.site_settings_get(user=request.user)
    form = CeilingForm(
        request.POST if request.method == "POST" else None,
        initial={"ceiling": settings_row.ceiling.code},
    )
    if request.method == "POST" and form.is_valid():
        ceiling = form.cleaned_data["ceiling"]
        if ceiling.pk == settings_row.ceiling_id:
            messages.success(request, f"The ceiling stays at {ceiling.label}.")
            return redirect("core:marking-list")
        if not confirmed(request):
            return confirmation_page(
                request,
                confirmations.ceiling_change(
                    settings_row.ceiling, ceiling, carried=carried_from(request.POST)
                ),
            )
        try:
            services.site_ceiling_change(actor=request.user, ceiling=ceiling)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The ceiling is now {ceiling.label}.")
            return redirect("core:marking-list")
    return render(
        request,
        "core/site/ceiling_form.html",
        {"form": form, "ceiling": settings_row.ceiling},
        status=400 if form.is_bound and form.errors else 200,
    )
