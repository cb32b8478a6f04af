"""Questionnaire pages: the partnership's questionnaires, building one or importing an XLSForm,
its collections with their counts and links, the change between before and after, the export of
answers by pseudonymous code, and the participant's page, reached by a link with no account.

Reads go through the selectors (404 when not visible); each write asks the policy first (403,
saying who can) and then calls one service.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
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
from lde.core.network import client_ip
from lde.core.ratelimit import Limit, Verdict, rate_hit, rate_peek
from lde.partnerships import selectors as partnership_selectors
from lde.surveys.models import Collection, CollectionStatus, Questionnaire, Wave
from lde.surveys.questionnaires import confirmations, exports, selectors, services
from lde.surveys.questionnaires.analysis import change_for
from lde.surveys.questionnaires.answering import code_new, code_normal
from lde.surveys.questionnaires.forms import (
    CollectionForm,
    LinksForm,
    QuestionForm,
    QuestionnaireForm,
    XlsformForm,
)
from lde.surveys.questionnaires.policies import questionnaire_policy

MAX_UPLOAD = services.MAX_XLSFORM_BYTES


def _bad(form: Any) -> int:
    return 400 if form.is_bound and form.errors else 200


def _can(request: HttpRequest, questionnaire: Questionnaire) -> dict[str, bool]:
    return {
        name: questionnaire_policy.user_can(request.user, name, questionnaire)
        for name in questionnaire_policy.actions
    }


def _questionnaire(request: HttpRequest, questionnaire_id: int, action: str = "view") -> Any:
    questionnaire = selectors.questionnaire_get(
        user=request.user, questionnaire_id=questionnaire_id
    )
    if action != "view":
        questionnaire_policy.require(request.user, action, questionnaire)
    return questionnaire


def _collection(request: HttpRequest, collection_id: int, action: str = "view") -> Collection:
    collection = selectors.collection_get(user=request.user, collection_id=collection_id)
    if action != "view":
        questionnaire_policy.require(request.user, action, collection.questionnaire)
    return collection


# --- The partnership's questionnaires ----------------------------------------------------------


def _partnership(request: HttpRequest, partnership_id: int, action: str) -> Any:
    partnership = partnership_selectors.partnership_get(
        user=request.user, partnership_id=partnership_id
    )
    questionnaire_policy.require_in(request.user, action, partnership.pk)
    return partnership


@login_required
@require_safe
def questionnaire_list(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = _partnership(request, partnership_id, "read")
    return render(
        request,
        "surveys/questionnaires/questionnaire_list.html",
        {
            "partnership": partnership,
            "questionnaires": selectors.questionnaire_list(
                user=request.user, partnership=partnership
            ),
            "may_create": questionnaire_policy.user_can_in(request.user, "create", partnership.pk),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_add(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = _partnership(request, partnership_id, "create")
    protocols = selectors.protocol_choices(user=request.user)
    form = QuestionnaireForm(
        request.POST if request.method == "POST" else None, protocols=protocols
    )
    if form.is_bound and form.is_valid():
        try:
            questionnaire = services.questionnaire_create(
                actor=_actor(request), partnership=partnership, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{questionnaire.title} added: now add its questions.")
            return redirect("questionnaires:questionnaire-detail", questionnaire.pk)
    return render(
        request,
        "surveys/questionnaires/form_page.html",
        {
            "partnership": partnership,
            "form": form,
            "heading": "Add a questionnaire",
            "button": "Add the questionnaire",
            "back": reverse("questionnaires:questionnaire-list", args=[partnership.pk]),
        },
        status=_bad(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_import(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = _partnership(request, partnership_id, "create")
    protocols = selectors.protocol_choices(user=request.user)
    posted = request.method == "POST"
    form = XlsformForm(
        request.POST if posted else None, request.FILES if posted else None, protocols=protocols
    )
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            questionnaire = services.questionnaire_import_xlsform(
                actor=_actor(request),
                partnership=partnership,
                data=upload.read(MAX_UPLOAD + 1),
                name=upload.name or "",
                protocol=form.cleaned_data["protocol"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{questionnaire.title} imported with {questionnaire.questions.count()} rows.",
            )
            return redirect("questionnaires:questionnaire-detail", questionnaire.pk)
    return render(
        request,
        "surveys/questionnaires/form_page.html",
        {
            "partnership": partnership,
            "form": form,
            "heading": "Import an XLSForm",
            "button": "Import",
            "multipart": True,
            "back": reverse("questionnaires:questionnaire-list", args=[partnership.pk]),
        },
        status=_bad(form),
    )


# --- One questionnaire -----------------------------------------------------------------------


@login_required
@require_safe
def questionnaire_detail(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    questionnaire = _questionnaire(request, questionnaire_id)
    collections = selectors.collection_list(questionnaire=questionnaire)
    return render(
        request,
        "surveys/questionnaires/questionnaire_detail.html",
        {
            "questionnaire": questionnaire,
            "partnership": questionnaire.partnership,
            "questions": selectors.questions_of(questionnaire),
            "choices": selectors.choices_by_list(questionnaire),
            "collections": collections,
            "editable": all(c.status == CollectionStatus.DRAFT for c in collections),
            "problems": services.protocol_problems(questionnaire.protocol),
            "matched": selectors.matched_count(questionnaire=questionnaire),
            "can": _can(request, questionnaire),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_update(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    questionnaire = _questionnaire(request, questionnaire_id, "manage")
    form = QuestionnaireForm(
        request.POST if request.method == "POST" else None,
        protocols=selectors.protocol_choices(user=request.user),
        initial={
            "title": questionnaire.title,
            "description": questionnaire.description,
            "protocol": questionnaire.protocol,
        },
    )
    if form.is_bound and form.is_valid():
        try:
            services.questionnaire_update(
                actor=_actor(request), questionnaire=questionnaire, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Questionnaire changed.")
            return redirect("questionnaires:questionnaire-detail", questionnaire.pk)
    return render(
        request,
        "surveys/questionnaires/form_page.html",
        {
            "partnership": questionnaire.partnership,
            "questionnaire": questionnaire,
            "form": form,
            "heading": f"Change {questionnaire.title}",
            "button": "Save",
            "back": reverse("questionnaires:questionnaire-detail", args=[questionnaire.pk]),
        },
        status=_bad(form),
    )


def _question_page(
    request: HttpRequest, questionnaire: Questionnaire, form: Any, heading: str
) -> HttpResponse:
    return render(
        request,
        "surveys/questionnaires/form_page.html",
        {
            "partnership": questionnaire.partnership,
            "questionnaire": questionnaire,
            "form": form,
            "heading": heading,
            "button": "Save the question",
            "back": reverse("questionnaires:questionnaire-detail", args=[questionnaire.pk]),
        },
        status=_bad(form),
    )


def _question_fields(data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    fields = dict(data)
    return fields.pop("choices", ""), fields


@login_required
@require_http_methods(["GET", "POST"])
def question_add(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    questionnaire = _questionnaire(request, questionnaire_id, "manage")
    form = QuestionForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        choices_text, fields = _question_fields(form.cleaned_data)
        try:
            services.question_add(
                actor=_actor(request),
                questionnaire=questionnaire,
                choices_text=choices_text,
                **fields,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Question added.")
            return redirect("questionnaires:questionnaire-detail", questionnaire.pk)
    return _question_page(request, questionnaire, form, "Add a question")


@login_required
@require_http_methods(["GET", "POST"])
def question_update(request: HttpRequest, question_id: int) -> HttpResponse:
    question = selectors.question_get(user=request.user, question_id=question_id)
    questionnaire = question.questionnaire
    questionnaire_policy.require(request.user, "manage", questionnaire)
    lists = selectors.choices_by_list(questionnaire)
    initial = {name: getattr(question, name) for name in services.QUESTION_FIELDS}
    initial["choices"] = "\n".join(f"{c.name} {c.label}" for c in lists.get(question.list_name, []))
    form = QuestionForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound and form.is_valid():
        choices_text, fields = _question_fields(form.cleaned_data)
        try:
            services.question_update(
                actor=_actor(request), question=question, choices_text=choices_text, **fields
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Question changed.")
            return redirect("questionnaires:questionnaire-detail", questionnaire.pk)
    return _question_page(request, questionnaire, form, f"Change {question}")


@login_required
@require_POST
def question_move(request: HttpRequest, question_id: int) -> HttpResponse:
    question = selectors.question_get(user=request.user, question_id=question_id)
    questionnaire_policy.require(request.user, "manage", question.questionnaire)
    try:
        services.question_move(
            actor=_actor(request), question=question, direction=request.POST.get("direction", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("questionnaires:questionnaire-detail", question.questionnaire_id)


# --- Collections -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def collection_add(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    questionnaire = _questionnaire(request, questionnaire_id, "manage")
    form = CollectionForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            collection = services.collection_create(
                actor=_actor(request), questionnaire=questionnaire, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{collection.title} added as a draft.")
            return redirect("questionnaires:collection-detail", collection.pk)
    return render(
        request,
        "surveys/questionnaires/form_page.html",
        {
            "partnership": questionnaire.partnership,
            "questionnaire": questionnaire,
            "form": form,
            "heading": "Add a collection",
            "button": "Add the collection",
            "back": reverse("questionnaires:questionnaire-detail", args=[questionnaire.pk]),
        },
        status=_bad(form),
    )


@login_required
@require_safe
def collection_detail(request: HttpRequest, collection_id: int) -> HttpResponse:
    collection = _collection(request, collection_id)
    questionnaire = collection.questionnaire
    counted = next(
        c for c in selectors.collection_list(questionnaire=questionnaire) if c.pk == collection.pk
    )
    return render(
        request,
        "surveys/questionnaires/collection_detail.html",
        {
            "collection": counted,
            "questionnaire": questionnaire,
            "partnership": questionnaire.partnership,
            "history": list(collection.history.select_related("actor")),
            "problems": services.protocol_problems(questionnaire.protocol),
            "links_form": LinksForm(),
            "can": _can(request, questionnaire),
        },
    )


def _confirmed_form(request: HttpRequest) -> GovukForm:
    return GovukForm(request.POST if confirmed(request) else None)


def _collection_move(
    request: HttpRequest,
    collection_id: int,
    move: Callable[..., Any],
    confirmation: Callable[[Any, GovukForm], Any],
    done: str,
) -> HttpResponse:
    """Open or close a collection: its confirmation page, then the service; what cannot be
    undone is asked once, here, for both."""
    collection = _collection(request, collection_id, "manage")
    form = _confirmed_form(request)
    if form.is_bound:
        try:
            move(actor=_actor(request), collection=collection)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{collection.title} {done}")
            return redirect("questionnaires:collection-detail", collection.pk)
    return confirmation_page(request, confirmation(collection, form))


@login_required
@require_http_methods(["GET", "POST"])
def collection_open(request: HttpRequest, collection_id: int) -> HttpResponse:
    return _collection_move(
        request,
        collection_id,
        services.collection_open,
        confirmations.open_collection,
        "is open: issue links to participants.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def collection_close(request: HttpRequest, collection_id: int) -> HttpResponse:
    return _collection_move(
        request,
        collection_id,
        services.collection_close,
        confirmations.close_collection,
        "is closed.",
    )


@login_required
@require_POST
def links_issue(request: HttpRequest, collection_id: int) -> HttpResponse:
    """The links, once: a CSV file to download. Only their hashes are kept."""
    collection = _collection(request, collection_id, "manage")
    form = LinksForm(request.POST)
    if form.is_valid():
        try:
            tokens = services.links_issue(
                actor=_actor(request), collection=collection, count=form.cleaned_data["count"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(["link", "wave", "collection"])
            for token in tokens:
                url = request.build_absolute_uri(reverse("questionnaires:answer", args=[token]))
                writer.writerow([url, collection.wave, collection.title])
            response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = (
                f'attachment; filename="participant-links-{collection.pk}.csv"'
            )
            response["Cache-Control"] = "no-store"
            return response
    questionnaire = collection.questionnaire
    counted = next(
        c for c in selectors.collection_list(questionnaire=questionnaire) if c.pk == collection.pk
    )
    return render(
        request,
        "surveys/questionnaires/collection_detail.html",
        {
            "collection": counted,
            "questionnaire": questionnaire,
            "partnership": questionnaire.partnership,
            "history": list(collection.history.select_related("actor")),
            "problems": services.protocol_problems(questionnaire.protocol),
            "links_form": form,
            "can": _can(request, questionnaire),
        },
        status=400,
    )


# --- The change, and the answers --------------------------------------------------------------


@login_required
@require_safe
def questionnaire_change(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    questionnaire = _questionnaire(request, questionnaire_id, "analyse")
    changes = change_for(user=request.user, questionnaire=questionnaire)
    return render(
        request,
        "surveys/questionnaires/change.html",
        {
            "questionnaire": questionnaire,
            "partnership": questionnaire.partnership,
            "changes": changes,
            "can": _can(request, questionnaire),
        },
    )


@login_required
@require_safe
def answers_export(request: HttpRequest, questionnaire_id: int, fmt: str) -> HttpResponse:
    questionnaire = _questionnaire(request, questionnaire_id, "export")
    name = f"questionnaire-{questionnaire.pk}-answers"
    content, _ = exports.answers_file(questionnaire, fmt)
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# --- The participant's page --------------------------------------------------------------------

LINK_REFUSALS = {
    "invalid": "This link does not work. Check you copied all of it, or ask the person who "
    "gave it to you for another.",
    "expired": "This link has expired. Ask the person who gave it to you for another.",
    "used": "This link has already been used to answer. Each link answers once.",
    "closed": "This questionnaire is not taking answers now.",
}
# Guessing links: after this many links that do not work from one address in ten minutes, the
# page refuses for the rest of the window (429), whatever the link. Counted in the database
# (lde.core.ratelimit), so every web instance shares the count, and only when a link fails.
BAD_LINKS_PER_ADDRESS = Limit("participant-bad-links-address", count=20, seconds=600)


def _participant_view(collection: Collection, data: Any) -> list[dict[str, Any]]:
    """The questions as the page shows them: each with its choices and the value given."""
    questionnaire = collection.questionnaire
    lists = selectors.choices_by_list(questionnaire)
    shown = []
    for question in selectors.questions_of(questionnaire):
        chosen = data.getlist(question.name) if hasattr(data, "getlist") else []
        shown.append(
            {
                "q": question,
                "choices": lists.get(question.list_name, []),
                "value": data.get(question.name, "") if data else "",
                "chosen": chosen,
            }
        )
    return shown


def _too_many_links(request: HttpRequest, verdict: Verdict) -> HttpResponse:
    response = render(
        request,
        "surveys/questionnaires/answer_refused.html",
        {"refused": "Too many links that do not work were tried. Try again later."},
        status=429,
    )
    response["Retry-After"] = str(verdict.retry_after)
    return response


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The participant's page: no account, the link is the authority. A GET shows the
    questions; the POST stores the answers and spends the link, or shows what to correct."""
    address = client_ip(request) or "unknown"
    guessing = rate_peek(BAD_LINKS_PER_ADDRESS, address)
    if not guessing.allowed:
        return _too_many_links(request, guessing)
    try:
        link = services.link_check(token)
    except services.LinkRefused as refused:
        if refused.reason == "invalid":
            rate_hit(BAD_LINKS_PER_ADDRESS, address)
        return render(
            request,
            "surveys/questionnaires/answer_refused.html",
            {"refused": LINK_REFUSALS[refused.reason]},
            status=400,
        )
    collection = link.collection
    before = collection.wave == Wave.BEFORE
    errors: dict[str, str] = {}
    code = ""
    if request.method == "POST":
        code = code_normal(request.POST.get("code", ""))
        data = {
            q.name: (
                request.POST.getlist(q.name)
                if q.kind == "select_multiple"
                else request.POST.get(q.name, "")
            )
            for q in selectors.questions_of(collection.questionnaire)
            if q.answerable
        }
        try:
            submitted = services.response_submit(token=token, code=code, data=data)
        except services.LinkRefused as refused:
            return render(
                request,
                "surveys/questionnaires/answer_refused.html",
                {"refused": LINK_REFUSALS[refused.reason]},
                status=400,
            )
        except services.AnswersRefused as refused:
            errors = refused.problems
        else:
            return render(
                request,
                "surveys/questionnaires/answer_done.html",
                {
                    "collection": collection,
                    "code": submitted.response.code,
                    "before": before,
                    "withheld": submitted.withheld,
                },
            )
    else:
        code = code_new() if before else ""
    questions = _participant_view(collection, request.POST if request.method == "POST" else {})
    questions_by_name = {item["q"].name: item["q"] for item in questions}
    summary = [
        {
            "href": f"#{'code' if name == 'code' else 'q-' + name}",
            "text": message,
            "name": name,
        }
        for name, message in errors.items()
        if name == "code" or name in questions_by_name
    ]
    response = render(
        request,
        "surveys/questionnaires/answer.html",
        {
            "collection": collection,
            "questionnaire": collection.questionnaire,
            "questions": questions,
            "errors": errors,
            "summary": summary,
            "code": code,
            "before": before,
        },
        status=400 if errors else 200,
    )
    # The page carries nothing to keep: no caching by a shared browser or a proxy. The link's
    # token stays on this site through the site-wide Referrer-Policy, same-origin; not
    # no-referrer, under which browsers send the form's POST with `Origin: null` and Django's
    # CSRF check refuses every participant's answers (tests/e2e/test_questionnaires_journey.py).
    response["Cache-Control"] = "no-store"
    return response
