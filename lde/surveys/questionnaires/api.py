"""API: questionnaires. A partnership's questionnaires, importing an XLSForm, one questionnaire
with its questions and collections, the change between before and after, opening and closing a
collection, and issuing participant links (returned once).

The same policies as the pages: reads go through the selectors (404 when not visible), writes
through the services (403 when visible but not allowed, saying who can); a service's refusal is
a 400 with its messages by field (an XLSForm's problems each name the sheet, row and column),
and what already happened a 409.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from lde.accounts.selectors import acting_user
from lde.core.api_schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut, FieldErrorsOut, ObjectId
from lde.partnerships import selectors as partnership_selectors
from lde.surveys.models import Collection, Questionnaire
from lde.surveys.questionnaires import selectors, services
from lde.surveys.questionnaires.analysis import change_for
from lde.surveys.questionnaires.policies import questionnaire_policy

router = Router(tags=["questionnaires"])


class QuestionnaireOut(Schema):
    id: int
    partnership_id: int
    title: str
    form_id: str
    version: str
    protocol_id: int | None
    created_at: datetime


class QuestionOut(Schema):
    position: int
    kind: str = Field(
        description="integer, decimal, text, select_one, select_multiple, date, "
        "note, begin_group or end_group."
    )
    name: str
    label: str
    hint: str
    required: bool
    relevant: str
    constraint: str
    list_name: str


class ChoiceOut(Schema):
    list_name: str
    name: str
    label: str


class CollectionOut(Schema):
    id: int
    title: str
    wave: str = Field(description="before or after.")
    status: str = Field(description="draft, open or closed.")
    responses: int
    links_issued: int
    links_unused: int


class QuestionnaireDetailOut(QuestionnaireOut):
    description: str
    questions: list[QuestionOut]
    choices: list[ChoiceOut]
    collections: list[CollectionOut]
    matched_pairs: int


class ChangeOut(Schema):
    question: str
    label: str
    n: int | None = Field(description="People who answered both times; null when withheld.")
    small: bool = Field(description="Fewer than 10 people answered both times.")
    withheld: bool
    mean_difference: float | None
    ci_low: float | None
    ci_high: float | None
    t: float | None
    df: float | None
    p_value: float | None
    d_z: float | None
    g_av: float | None
    wilcoxon_v: float | None
    wilcoxon_p: float | None
    words: str


class LinksIn(Schema):
    count: int = Field(ge=1, le=services.MAX_LINKS)


class LinksOut(Schema):
    links: list[str] = Field(description="The links, shown this once: only their hashes are kept.")


def _out(questionnaire: Questionnaire) -> QuestionnaireOut:
    return QuestionnaireOut(
        id=questionnaire.pk,
        partnership_id=questionnaire.partnership_id,
        title=questionnaire.title,
        form_id=questionnaire.form_id,
        version=questionnaire.version,
        protocol_id=questionnaire.protocol_id,
        created_at=questionnaire.created_at,
    )


def _collection_out(collection: Collection) -> CollectionOut:
    return CollectionOut(
        id=collection.pk,
        title=collection.title,
        wave=collection.wave,
        status=collection.status,
        responses=getattr(collection, "response_count", 0),
        links_issued=getattr(collection, "link_count", 0),
        links_unused=getattr(collection, "unused_count", 0),
    )


def _detail(questionnaire: Questionnaire) -> QuestionnaireDetailOut:
    return QuestionnaireDetailOut(
        **_out(questionnaire).dict(),
        description=questionnaire.description,
        questions=[
            QuestionOut(
                position=q.position,
                kind=q.kind,
                name=q.name,
                label=q.label,
                hint=q.hint,
                required=q.required,
                relevant=q.relevant,
                constraint=q.constraint,
                list_name=q.list_name,
            )
            for q in selectors.questions_of(questionnaire)
        ],
        choices=[
            ChoiceOut(list_name=c.list_name, name=c.name, label=c.label)
            for items in selectors.choices_by_list(questionnaire).values()
            for c in items
        ],
        collections=[
            _collection_out(c) for c in selectors.collection_list(questionnaire=questionnaire)
        ],
        matched_pairs=selectors.matched_count(questionnaire=questionnaire),
    )


@router.get(
    "/partnership/{partnership_id}/questionnaires",
    response={200: list[QuestionnaireOut], **READ_ERRORS, 403: ErrorOut},
    summary="A partnership's questionnaires",
)
def questionnaire_list(request: HttpRequest, partnership_id: ObjectId) -> list[QuestionnaireOut]:
    partnership = partnership_selectors.partnership_get(
        user=request.user, partnership_id=partnership_id
    )
    questionnaire_policy.require_in(request.user, "read", partnership.pk)
    return [
        _out(q) for q in selectors.questionnaire_list(user=request.user, partnership=partnership)
    ]


@router.post(
    "/partnership/{partnership_id}/questionnaires/xlsform",
    response={201: QuestionnaireDetailOut, **WRITE_ERRORS},
    summary="Import an XLSForm (coordinators): all of it, or nothing, each problem named by "
    "sheet, row and column",
)
def questionnaire_import(
    request: HttpRequest,
    partnership_id: ObjectId,
    file: File[UploadedFile | None] = None,
    protocol_id: Form[int | None] = None,
) -> Status[QuestionnaireDetailOut | FieldErrorsOut | ErrorOut]:
    """Send the workbook as the multipart field `file`, and the protocol's id as
    `protocol_id`."""
    partnership = partnership_selectors.partnership_get(
        user=request.user, partnership_id=partnership_id
    )
    questionnaire_policy.require_in(request.user, "create", partnership.pk)
    if file is None:
        raise ValidationError({"file": "Send the workbook as the multipart field file"})
    protocol = None
    if protocol_id is not None:
        protocol = selectors.protocol_choices(user=request.user).filter(pk=protocol_id).first()
        if protocol is None:
            raise ValidationError({"protocol_id": "No protocol you can read has that id"})
    questionnaire = services.questionnaire_import_xlsform(
        actor=acting_user(request),
        partnership=partnership,
        data=file.read(services.MAX_XLSFORM_BYTES + 1),
        name=file.name or "",
        protocol=protocol,
    )
    return Status(201, _detail(questionnaire))


@router.get(
    "/questionnaires/{questionnaire_id}",
    response={200: QuestionnaireDetailOut, **READ_ERRORS},
    summary="One questionnaire: its questions, choices and collections with their counts",
)
def questionnaire_get(request: HttpRequest, questionnaire_id: ObjectId) -> QuestionnaireDetailOut:
    return _detail(
        selectors.questionnaire_get(user=request.user, questionnaire_id=questionnaire_id)
    )


@router.get(
    "/questionnaires/{questionnaire_id}/change",
    response={200: list[ChangeOut], **READ_ERRORS, 403: ErrorOut},
    summary="The change before and after for the people who answered both times",
)
def questionnaire_change(request: HttpRequest, questionnaire_id: ObjectId) -> list[ChangeOut]:
    questionnaire = selectors.questionnaire_get(
        user=request.user, questionnaire_id=questionnaire_id
    )
    questionnaire_policy.require(request.user, "analyse", questionnaire)
    return [
        ChangeOut(
            question=c.question.name,
            label=c.question.label,
            n=None if c.withheld else c.n,
            small=c.small,
            withheld=c.withheld,
            words=c.words,
            **c.figures,
        )
        for c in change_for(user=request.user, questionnaire=questionnaire)
    ]


def _collection(request: HttpRequest, collection_id: int) -> Collection:
    collection = selectors.collection_get(user=request.user, collection_id=collection_id)
    questionnaire_policy.require(request.user, "manage", collection.questionnaire)
    return collection


def _recounted(collection: Collection) -> CollectionOut:
    counted = next(
        c
        for c in selectors.collection_list(questionnaire=collection.questionnaire)
        if c.pk == collection.pk
    )
    return _collection_out(counted)


@router.post(
    "/collections/{collection_id}/open",
    response={200: CollectionOut, **WRITE_ERRORS},
    summary="Open a draft collection to answers (coordinators; the protocol must be in force)",
)
def collection_open(
    request: HttpRequest, collection_id: ObjectId
) -> Status[CollectionOut | FieldErrorsOut | ErrorOut]:
    collection = _collection(request, collection_id)
    services.collection_open(actor=acting_user(request), collection=collection)
    return Status(200, _recounted(collection))


@router.post(
    "/collections/{collection_id}/close",
    response={200: CollectionOut, **WRITE_ERRORS},
    summary="Close an open collection (coordinators): unused links stop working",
)
def collection_close(
    request: HttpRequest, collection_id: ObjectId
) -> Status[CollectionOut | FieldErrorsOut | ErrorOut]:
    collection = _collection(request, collection_id)
    services.collection_close(actor=acting_user(request), collection=collection)
    return Status(200, _recounted(collection))


@router.post(
    "/collections/{collection_id}/links",
    response={201: LinksOut, **WRITE_ERRORS},
    summary="Issue single-use participant links (coordinators), returned this once",
)
def links_issue(
    request: HttpRequest, collection_id: ObjectId, body: LinksIn
) -> Status[LinksOut | FieldErrorsOut | ErrorOut]:
    collection = _collection(request, collection_id)
    tokens = services.links_issue(
        actor=acting_user(request), collection=collection, count=body.count
    )
    return Status(
        201,
        LinksOut(
            links=[
                request.build_absolute_uri(reverse("questionnaires:answer", args=[t]))
                for t in tokens
            ]
        ),
    )
