"""The library's pages: the search (GOV.UK filter layout), an entry with its ratings explained in
words, adding, editing, rating, sending for review and publishing, and a partnership's local
evaluations. Reads go through the selectors (404 when not visible); each write asks the policy
(403 saying who can) and calls one service, whose refusals go to the error summary."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lde.accounts.selectors import acting_user as _actor
from lde.core.confirm import confirmation_page, confirmed
from lde.core.govuk.forms import GovukForm, add_service_errors
from lde.what_works import confirmations, scales, selectors, services
from lde.what_works import forms as f
from lde.what_works.models import (
    EMMIE,
    EMMIE_LABELS,
    Audience,
    Entry,
    EntryKind,
    Setting,
    Strand,
)
from lde.what_works.policies import ADD_LOCAL, ADD_NATIONAL, entry_policy


def _description(data: dict[str, Any]) -> dict[str, Any]:
    return {name: data[name] for name in services.DESCRIPTION}


def _entry(request: HttpRequest, entry_id: int, action: str = "view") -> Entry:
    entry = selectors.entry_get(user=request.user, entry_id=entry_id)
    if action != "view":
        entry_policy.require(request.user, action, entry)
    return entry


def _form_page(
    request: HttpRequest, form: GovukForm, *, heading: str, caption: str, back: str
) -> HttpResponse:
    return render(
        request,
        "what_works/entry_form.html",
        {"form": form, "heading": heading, "caption": caption, "back": back},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_safe
def library(request: HttpRequest) -> HttpResponse:
    filters = selectors.Filters.from_query(request.GET)
    results = selectors.entry_search(user=request.user, filters=filters)
    return render(
        request,
        "what_works/library.html",
        {
            "results": results,
            "filters": filters,
            "kinds": EntryKind.choices,
            "strands": Strand.choices,
            "settings": Setting.choices,
            "audiences": Audience.choices,
            "levels": [(level, f"Level {level}") for level in range(1, 6)],
            "can_add": selectors.can_add_national(request.user),
        },
    )


@login_required
@require_safe
def entry_detail(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = _entry(request, entry_id)
    level = scales.maryland_level(entry.design)
    emmie = [
        {
            "label": EMMIE_LABELS[name],
            "text": getattr(entry, name),
            "quality": getattr(entry, f"{name}_quality"),
            "words": scales.quality_words(getattr(entry, f"{name}_quality")),
        }
        for name in EMMIE
    ]
    return render(
        request,
        "what_works/entry_detail.html",
        {
            "entry": entry,
            "level": level,
            "level_words": scales.level_words(level),
            "emmie": emmie,
            "strands": [Strand(s).label for s in entry.strand_list],
            "audiences": [Audience(a).label for a in entry.audience_list],
            "can": selectors.entry_actions(request.user, entry),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_add(request: HttpRequest) -> HttpResponse:
    entry_policy.require_in(request.user, "add", None, message=ADD_NATIONAL)
    form = f.EntryForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            entry = services.entry_add(actor=_actor(request), **_description(form.cleaned_data))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{entry.title} is added as a draft.")
            return redirect("what_works:entry-detail", entry_id=entry.pk)
    return _form_page(
        request,
        form,
        heading="Add an entry to the library",
        caption="Library of what works",
        back=reverse("what_works:library"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = _entry(request, entry_id, "edit")
    form = f.EntryForm(
        request.POST if request.method == "POST" else None, initial=f.initial_of(entry)
    )
    if form.is_bound and form.is_valid():
        try:
            services.entry_edit(
                actor=_actor(request), entry=entry, **_description(form.cleaned_data)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{entry.title} is saved.")
            return redirect("what_works:entry-detail", entry_id=entry.pk)
    return _form_page(
        request,
        form,
        heading="Edit the entry",
        caption=entry.title,
        back=reverse("what_works:entry-detail", args=[entry.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_rate(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = _entry(request, entry_id, "edit")
    form = f.RatingForm(
        request.POST if request.method == "POST" else None, initial=f.rating_initial(entry)
    )
    if form.is_bound and form.is_valid():
        try:
            services.entry_rate(actor=_actor(request), entry=entry, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{entry.title} is rated.")
            return redirect("what_works:entry-detail", entry_id=entry.pk)
    return _form_page(
        request,
        form,
        heading="Rate the evidence",
        caption=entry.title,
        back=reverse("what_works:entry-detail", args=[entry.pk]),
    )


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
@require_POST
def entry_submit(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = _entry(request, entry_id, "submit")
    try:
        services.entry_submit(actor=_actor(request), entry=entry)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"{entry.title} is sent for review.")
    return redirect("what_works:entry-detail", entry_id=entry.pk)


@login_required
@require_POST
def entry_return(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = _entry(request, entry_id, "publish")
    services.entry_return(actor=_actor(request), entry=entry)
    messages.success(request, f"{entry.title} is returned to its draft.")
    return redirect("what_works:entry-detail", entry_id=entry.pk)


@login_required
@require_http_methods(["GET", "POST"])
def entry_publish(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = _entry(request, entry_id, "publish")
    if confirmed(request):
        services.entry_publish(actor=_actor(request), entry=entry)
        messages.success(request, f"{entry.title} is published to the library.")
        return redirect("what_works:entry-detail", entry_id=entry.pk)
    return confirmation_page(request, confirmations.publish(entry))


@login_required
@require_safe
def local_evaluations(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = selectors.evaluations_partnership(
        user=request.user, partnership_id=partnership_id
    )
    entries = [
        (e, scales.maryland_level(e.design))
        for e in selectors.local_evaluations(user=request.user, partnership=partnership)
    ]
    return render(
        request,
        "what_works/local_evaluations.html",
        {
            "partnership": partnership,
            "entries": entries,
            "can_add": selectors.can_add_local(request.user, partnership),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def local_evaluation_add(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = selectors.evaluations_partnership(
        user=request.user, partnership_id=partnership_id
    )
    entry_policy.require_in(request.user, "add", partnership.pk, message=ADD_LOCAL)
    form = f.LocalEvaluationForm(
        request.POST if request.method == "POST" else None,
        projects=selectors.project_choices(partnership=partnership),
        initial={"kind": EntryKind.EVALUATION},
    )
    if form.is_bound and form.is_valid():
        try:
            entry = services.entry_add(
                actor=_actor(request),
                partnership=partnership,
                project=form.cleaned_data["project"],
                **_description(form.cleaned_data),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{entry.title} is added as a draft.")
            return redirect("what_works:entry-detail", entry_id=entry.pk)
    return _form_page(
        request,
        form,
        heading="Add a local evaluation",
        caption=partnership.name,
        back=reverse("what_works:local-evaluations", args=[partnership.pk]),
    )
