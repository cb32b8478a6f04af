"""Pages of figures across partnerships (national analysts only, 404 for everyone else), of
area data (site administrators import it), and of a partnership's similar areas."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from lde.accounts.selectors import acting_user
from lde.partnerships.models import Partnership
from lde.partnerships.selectors import partnership_get
from lde.rollups import areas, forms, selectors, services
from lde.rollups.policies import (
    area_data_set_policy,
    area_neighbour_policy,
    national_figures_allowed,
    peer_review_request_policy,
)


@login_required
def national_coverage(request: HttpRequest) -> HttpResponse:
    """Briefing coverage by region and for England, with groups of fewer than 5 partnerships
    left out and counts under 10 withheld."""
    if not national_figures_allowed(request.user):
        raise Http404
    return render(
        request,
        "rollups/national_coverage.html",
        {
            "coverage": selectors.national_briefing_coverage_recent(),
            "min_partnerships": selectors.MIN_PARTNERSHIPS,
            "min_count": selectors.MIN_COUNT,
            "kept_minutes": selectors.national_figures_seconds() // 60,
        },
    )


def _form_page(
    request: HttpRequest, template: str, context: dict[str, Any], form: Any
) -> HttpResponse:
    status = 400 if form.is_bound and form.errors else 200
    return render(request, template, {**context, "form": form}, status=status)


def _refused(form: Any, error: ValidationError) -> None:
    """A service's refusal beside the fields it names, in the error summary."""
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


@login_required
def area_data(request: HttpRequest) -> HttpResponse:
    """The area data imported, newest (in use) first: site administrators and national
    analysts; 404 for everyone else."""
    if not area_data_set_policy.user_can_in(request.user, "view", None):
        raise Http404
    data_sets = list(selectors.area_data_sets(user=request.user)[:20])
    return render(
        request,
        "rollups/area_data.html",
        {
            "data_sets": data_sets,
            "current": data_sets[0] if data_sets else None,
            "can_import": area_data_set_policy.user_can_in(request.user, "import"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def area_data_import(request: HttpRequest) -> HttpResponse:
    if not area_data_set_policy.user_can_in(request.user, "view", None):
        raise Http404
    area_data_set_policy.require_in(request.user, "import", None)
    form = forms.AreaDataImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if form.is_bound and form.is_valid():
        try:
            data_set = services.area_data_import(
                actor=acting_user(request),
                data=form.cleaned_data["file"].read(areas.MAX_BYTES + 1),
                variables=form.cleaned_data["variables"].read(areas.MAX_BYTES + 1),
                file_name=form.cleaned_data["file"].name or "",
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(
                request,
                f"Area data imported: {data_set.areas} areas, {len(data_set.variables)} "
                "variables. Every area's nearest neighbours have been found again.",
            )
            return redirect("rollups:area-data")
    return _form_page(request, "rollups/area_data_import.html", {}, form)


def _neighbours_partnership(request: HttpRequest, partnership_id: int) -> Partnership:
    """404 for those who cannot see the partnership, 403 for those who see it but not its
    similar areas."""
    partnership = partnership_get(user=request.user, partnership_id=partnership_id)
    area_neighbour_policy.require_in(
        request.user,
        "view",
        partnership.pk,
        message="You cannot see this partnership's similar areas.",
    )
    return partnership


@login_required
def similar_areas(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = _neighbours_partnership(request, partnership_id)
    found = selectors.similar_areas(user=request.user, partnership=partnership)
    sent, received = selectors.peer_review_requests(user=request.user, partnership=partnership)
    return render(
        request,
        "rollups/similar_areas.html",
        {
            "partnership": partnership,
            "found": found,
            "sent": sent,
            "received": received,
            "can_request": peer_review_request_policy.user_can_in(
                request.user, "request", partnership.pk
            ),
        },
    )


@login_required
def similar_area(request: HttpRequest, partnership_id: int, neighbour_id: int) -> HttpResponse:
    """Why two areas are close: each variable's contribution to their squared distance."""
    partnership = _neighbours_partnership(request, partnership_id)
    area = selectors.similar_area_get(
        user=request.user, partnership=partnership, neighbour_id=neighbour_id
    )
    return render(
        request,
        "rollups/similar_area.html",
        {
            "partnership": partnership,
            "area": area,
            "can_request": peer_review_request_policy.user_can_in(
                request.user, "request", partnership.pk
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def peer_review_request(
    request: HttpRequest, partnership_id: int, neighbour_id: int
) -> HttpResponse:
    """Ask a similar area for a peer review (¶175): the partnership's coordinators."""
    partnership = _neighbours_partnership(request, partnership_id)
    peer_review_request_policy.require_in(
        request.user, "request", partnership.pk, message="You cannot ask for a peer review here."
    )
    area = selectors.similar_area_get(
        user=request.user, partnership=partnership, neighbour_id=neighbour_id
    )
    form = forms.PeerReviewRequestForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.peer_review_request_create(
                actor=acting_user(request),
                partnership=partnership,
                asked=area.neighbour,
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(
                request,
                f"{area.neighbour.name} has been asked for a peer review. Their coordinators "
                "will accept or decline it.",
            )
            return redirect("rollups:similar-areas", partnership_id=partnership.pk)
    return _form_page(
        request,
        "rollups/peer_review_request.html",
        {"partnership": partnership, "area": area},
        form,
    )


@login_required
@require_http_methods(["GET", "POST"])
def peer_review_decide(request: HttpRequest, request_id: int) -> HttpResponse:
    """The asked partnership's coordinators accept or decline, while the request is open."""
    asked = selectors.peer_review_request_get(user=request.user, request_id=request_id)
    peer_review_request_policy.require(request.user, "decide", asked)
    form = forms.PeerReviewDecisionForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            services.peer_review_request_decide(
                actor=acting_user(request),
                request=asked,
                accept=accept,
                reply=form.cleaned_data["reply"],
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(
                request,
                f"You {'accepted' if accept else 'declined'} {asked.requester.name}'s request "
                "for a peer review."
                + (" A site administrator assigns the reviewers." if accept else ""),
            )
            return redirect("rollups:similar-areas", partnership_id=asked.asked_id)
    return _form_page(request, "rollups/peer_review_decide.html", {"asked": asked}, form)
