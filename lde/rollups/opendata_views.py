"""Open data pages: the open list and data sets with their downloads (anyone, signed in or not:
released data sets only), the drafts and proposals of those who prepare them, the form that
drafts one, and the confirmations of proposing, approving, releasing and withdrawing."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from lde.accounts.selectors import acting_user
from lde.core.access.facts import facts_for
from lde.core.confirm import confirmation_page, confirmed
from lde.core.refusals import Conflict
from lde.indicators.selectors import published_list
from lde.partnerships.models import Partnership, Role
from lde.partnerships.selectors import partnership_get
from lde.rollups import opendata, opendata_confirmations, opendata_selectors, opendata_services
from lde.rollups.models import OpenDataFigures, OpenDataRelease, OpenDataScope, OpenDataStatus
from lde.rollups.opendata_forms import OpenDataReleaseForm
from lde.rollups.opendata_policies import open_data_release_policy

ACTIONS = ("propose", "approve", "release", "withdraw")


@require_safe
def release_list(request: HttpRequest) -> HttpResponse:
    """Every released data set, for anyone: two queries whatever their number (the session's
    user, where signed in, and the releases)."""
    releases = list(opendata_selectors.released_list()[:500])
    return render(
        request,
        "rollups/opendata/list.html",
        {
            "releases": releases,
            "can_prepare": request.user.is_authenticated and _prepares(request),
        },
    )


def _prepares(request: HttpRequest) -> bool:
    facts = facts_for(request.user)
    return facts.is_national_analyst or bool(
        facts.partnerships_with(Role.COORDINATOR, Role.BOARD_MEMBER)
    )


def _release(request: HttpRequest, release_id: int) -> OpenDataRelease:
    """A released data set for anyone; before release, for those the policy lets see it."""
    if request.user.is_authenticated:
        return opendata_selectors.release_get(user=request.user, release_id=release_id)
    return opendata_selectors.released_get(release_id=release_id)


@require_safe
def release_detail(request: HttpRequest, release_id: int) -> HttpResponse:
    release = _release(request, release_id)
    can = {
        action: open_data_release_policy.user_can(request.user, action, release)
        for action in ACTIONS
    }
    awaiting_second = (
        release.scope == OpenDataScope.NATIONAL
        and release.status == OpenDataStatus.PROPOSED
        and release.proposed_by_id == request.user.pk
    )
    return render(
        request,
        "rollups/opendata/detail.html",
        {
            "release": release,
            "meta": opendata.metadata(release),
            "figures": release.figures,
            "rows": [
                [row.get(c) for c in release.figures["columns"]] for row in release.figures["rows"]
            ]
            if release.figures
            else [],
            "can": can,
            "awaiting_second": awaiting_second,
            "released": release.status == OpenDataStatus.RELEASED,
            "embargoed": release.embargo_until is not None
            and release.embargo_until > timezone.now(),
        },
    )


def _download(body: str, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
def release_csv(request: HttpRequest, release_id: int) -> HttpResponse:
    release = opendata_selectors.released_get(release_id=release_id)
    return _download(
        opendata.document_csv(release), "text/csv; charset=utf-8", f"open-data-{release.pk}.csv"
    )


@require_safe
def release_json(request: HttpRequest, release_id: int) -> HttpResponse:
    release = opendata_selectors.released_get(release_id=release_id)
    return _download(
        opendata.document_json(release), "application/json", f"open-data-{release.pk}.json"
    )


@require_safe
def release_metadata(request: HttpRequest, release_id: int) -> HttpResponse:
    """The metadata beside the CSV: the JSON without its rows."""
    release = opendata_selectors.released_get(release_id=release_id)
    return _download(
        opendata.document_json_metadata(release),
        "application/json",
        f"open-data-{release.pk}-metadata.json",
    )


@login_required
def release_manage(request: HttpRequest) -> HttpResponse:
    """Drafts, proposals and approvals the person may see, and where they may draft one."""
    facts = facts_for(request.user)
    partnerships = list(
        Partnership.objects.filter(pk__in=facts.partnerships_with(Role.COORDINATOR))
        .only("pk", "name")
        .order_by("name")
    )
    return render(
        request,
        "rollups/opendata/manage.html",
        {
            "releases": opendata_selectors.releases_in_progress(user=request.user),
            "national": facts.is_national_analyst,
            "partnerships": partnerships,
        },
    )


def _form_page(request: HttpRequest, context: dict[str, Any], form: Any) -> HttpResponse:
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "rollups/opendata/create.html", {**context, "form": form}, status=status)


def _embargo(day: Any) -> datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time.min))


def _create(request: HttpRequest, partnership: Partnership | None) -> HttpResponse:
    open_data_release_policy.require_in(
        request.user,
        "create",
        partnership.pk if partnership else None,
        message="You cannot draft open data here.",
    )
    scope = OpenDataScope.PARTNERSHIP if partnership else OpenDataScope.NATIONAL
    kinds = [k for k, s in opendata.KIND_SCOPE.items() if s == scope]
    indicators = (
        [(i.pk, i.title) for i in published_list().filter(partnership=partnership)]
        if partnership
        else []
    )
    data = request.POST if request.method == "POST" else None
    form = OpenDataReleaseForm(
        data,
        kinds=kinds,
        indicators=indicators,
        initial={
            "publisher": partnership.name if partnership else "National analysts, Prevent LDE",
            "figures_kind": kinds[0] if len(kinds) == 1 else None,
        },
    )
    if form.is_bound and form.is_valid():
        kind = form.cleaned_data["figures_kind"]
        parameters: dict[str, Any] = {}
        if kind == OpenDataFigures.INDICATOR_OBSERVATIONS:
            parameters = {"indicator_id": form.cleaned_data.get("indicator")}
        try:
            release = opendata_services.open_data_release_create(
                actor=acting_user(request),
                partnership=partnership,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                publisher=form.cleaned_data["publisher"],
                figures_kind=kind,
                parameters=parameters,
                embargo_until=_embargo(form.cleaned_data["embargo_until"]),
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                target = (
                    "indicator" if field == "parameters" and "indicator" in form.fields else field
                )
                form.add_error(target if target in form.fields else None, problems)
        else:
            messages.success(request, f"Draft saved: {release.title}. Propose it for approval.")
            return redirect("opendata:release-detail", release_id=release.pk)
    return _form_page(request, {"partnership": partnership}, form)


@login_required
@require_http_methods(["GET", "POST"])
def release_create_national(request: HttpRequest) -> HttpResponse:
    if not open_data_release_policy.user_can_in(request.user, "create", None):
        raise Http404
    return _create(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def release_create(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, partnership_id=partnership_id)
    return _create(request, partnership)


def _act(request: HttpRequest, release_id: int, action: str) -> HttpResponse:
    release = opendata_selectors.release_get(user=request.user, release_id=release_id)
    open_data_release_policy.require(request.user, action, release)
    if not confirmed(request):
        return confirmation_page(request, opendata_confirmations.CONFIRMATIONS[action](release))
    service = {
        "propose": opendata_services.open_data_release_propose,
        "approve": opendata_services.open_data_release_approve,
        "release": opendata_services.open_data_release_release,
        "withdraw": opendata_services.open_data_release_withdraw,
    }[action]
    try:
        service(actor=acting_user(request), release=release)
    except Conflict as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, opendata_confirmations.DONE[action](release))
    return redirect("opendata:release-detail", release_id=release.pk)


@login_required
@require_http_methods(["GET", "POST"])
def release_propose(request: HttpRequest, release_id: int) -> HttpResponse:
    return _act(request, release_id, "propose")


@login_required
@require_http_methods(["GET", "POST"])
def release_approve(request: HttpRequest, release_id: int) -> HttpResponse:
    return _act(request, release_id, "approve")


@login_required
@require_http_methods(["GET", "POST"])
def release_release(request: HttpRequest, release_id: int) -> HttpResponse:
    return _act(request, release_id, "release")


@login_required
@require_http_methods(["GET", "POST"])
def release_withdraw(request: HttpRequest, release_id: int) -> HttpResponse:
    return _act(request, release_id, "withdraw")
