"""Questionnaire reads, scoped by the questionnaire policy: lists, one questionnaire with its
questions and choices, collections with their counts, the pairs of before and after answers
joined by pseudonymous code, and the answers for export."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from lde.core.access.facts import AnyUser
from lde.partnerships.models import Partnership
from lde.sharing.models import Protocol, ProtocolStatus
from lde.sharing.policies import protocol_policy
from lde.surveys.models import (
    Answer,
    Choice,
    Collection,
    CollectionStatus,
    Question,
    QuestionKind,
    Questionnaire,
    Response,
    Wave,
)
from lde.surveys.questionnaires.policies import questionnaire_policy

__all__ = [
    "Pairs",
    "answer_rows",
    "choices_by_list",
    "collection_get",
    "collection_list",
    "numeric_questions",
    "pairs_by_question",
    "protocol_choices",
    "question_get",
    "questionnaire_get",
    "questionnaire_list",
    "questionnaires_for_home",
    "questions_of",
]


def questionnaire_list(*, user: AnyUser, partnership: Partnership) -> QuerySet[Questionnaire]:
    return (
        questionnaire_policy.visible_to(user, "view")
        .filter(partnership=partnership)
        .annotate(
            question_count=Count(
                "questions",
                filter=~Q(
                    questions__kind__in=(
                        QuestionKind.NOTE,
                        QuestionKind.BEGIN_GROUP,
                        QuestionKind.END_GROUP,
                    )
                ),
                distinct=True,
            ),
            open_count=Count(
                "collections", filter=Q(collections__status=CollectionStatus.OPEN), distinct=True
            ),
        )
        .order_by("title", "pk")
    )


@dataclass(frozen=True)
class HomeQuestionnaire:
    questionnaire: Questionnaire
    open_collections: list[Collection]


def questionnaires_for_home(*, user: AnyUser, shown: int) -> tuple[list[HomeQuestionnaire], int]:
    """For the home panel: the questionnaires of the partnerships this user reads them in,
    those with an open collection first, at most `shown` of them, each with its open
    collections and their answers counted; and how many there are in all. Three queries at
    most, whatever the size."""
    rows = (
        questionnaire_policy.visible_to(user, "view")
        .select_related("partnership")
        .annotate(
            open_count=Count(
                "collections", filter=Q(collections__status=CollectionStatus.OPEN), distinct=True
            )
        )
        .order_by("-open_count", "partnership__name", "title", "pk")
    )
    first = list(rows[:shown])
    if not first:
        return [], 0
    total = len(first) if len(first) < shown else rows.count()
    open_by: dict[int, list[Collection]] = defaultdict(list)
    for collection in (
        Collection.objects.filter(
            questionnaire__in=[q.pk for q in first], status=CollectionStatus.OPEN
        )
        .annotate(response_count=Count("responses"))
        .order_by("created_at", "pk")
    ):
        open_by[collection.questionnaire_id].append(collection)
    return [HomeQuestionnaire(q, open_by[q.pk]) for q in first], total


def questionnaire_get(*, user: AnyUser, questionnaire_id: Any) -> Questionnaire:
    return questionnaire_policy.get_or_404(
        user,
        questionnaire_id,
        Questionnaire.objects.select_related("partnership", "protocol"),
    )


def questions_of(questionnaire: Questionnaire) -> list[Question]:
    return list(questionnaire.questions.order_by("position", "pk"))


def choices_by_list(questionnaire: Questionnaire) -> dict[str, list[Choice]]:
    found: dict[str, list[Choice]] = defaultdict(list)
    for choice in questionnaire.choices.order_by("list_name", "position", "pk"):
        found[choice.list_name].append(choice)
    return dict(found)


def question_get(*, user: AnyUser, question_id: Any) -> Question:
    question = (
        Question.objects.select_related("questionnaire", "questionnaire__partnership")
        .filter(pk=question_id if str(question_id).isdigit() else 0)
        .first()
    )
    if question is None or not questionnaire_policy.user_can(user, "view", question.questionnaire):
        raise Http404
    return question


def collection_get(*, user: AnyUser, collection_id: Any) -> Collection:
    collection = (
        Collection.objects.select_related(
            "questionnaire", "questionnaire__partnership", "questionnaire__protocol"
        )
        .filter(pk=collection_id if str(collection_id).isdigit() else 0)
        .first()
    )
    if collection is None or not questionnaire_policy.user_can(
        user, "view", collection.questionnaire
    ):
        raise Http404
    return collection


def collection_list(*, questionnaire: Questionnaire) -> list[Collection]:
    """The questionnaire's collections with their counts: responses, links issued and unused."""
    return list(
        questionnaire.collections.annotate(
            response_count=Count("responses", distinct=True),
            link_count=Count("links", distinct=True),
            unused_count=Count("links", filter=Q(links__used_at__isnull=True), distinct=True),
        ).order_by("created_at", "pk")
    )


def protocol_choices(*, user: AnyUser) -> QuerySet[Protocol]:
    """The protocols a questionnaire may name: those the user can read that have not ended."""
    return (
        protocol_policy.visible_to(user, "view")
        .exclude(status=ProtocolStatus.ENDED)
        .order_by("title", "pk")
    )


def numeric_questions(questionnaire: Questionnaire) -> list[Question]:
    """The questions whose answers are numbers: integers, decimals, and single choices whose
    values are all numbers (a scale of 1 to 5, say), which are read as ordinal."""
    lists = choices_by_list(questionnaire)
    found = []
    for question in questions_of(questionnaire):
        if question.kind in (QuestionKind.INTEGER, QuestionKind.DECIMAL):
            found.append(question)
        elif question.kind == QuestionKind.SELECT_ONE:
            values = [c.name for c in lists.get(question.list_name, [])]
            if values and all(_is_number(v) for v in values):
                found.append(question)
    return found


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


@dataclass(frozen=True)
class Pairs:
    question: Question
    codes: list[str]
    before: list[float]
    after: list[float]
    before_only: int
    after_only: int


def pairs_by_question(*, questionnaire: Questionnaire) -> list[Pairs]:
    """For each numeric question, the before and after answers of the people who answered both
    times, joined by their code (never by anything else). Where a code answered a wave in more
    than one collection, its latest answer in that wave counts. Two queries, whatever the size."""
    questions = numeric_questions(questionnaire)
    rows = (
        Answer.objects.filter(
            question__in=questions,
            number__isnull=False,
            response__collection__questionnaire=questionnaire,
        )
        .order_by("response__submitted_at", "pk")
        .values_list("question_id", "response__collection__wave", "response__code", "number")
    )
    by: dict[int, dict[str, dict[str, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    for question_id, wave, code, number in rows.iterator():
        if number is not None:
            by[question_id][wave][code] = number
    found = []
    for question in questions:
        before = by[question.pk][Wave.BEFORE]
        after = by[question.pk][Wave.AFTER]
        codes = sorted(set(before) & set(after))
        found.append(
            Pairs(
                question=question,
                codes=codes,
                before=[float(before[c]) for c in codes],
                after=[float(after[c]) for c in codes],
                before_only=len(set(before) - set(after)),
                after_only=len(set(after) - set(before)),
            )
        )
    return found


def matched_count(*, questionnaire: Questionnaire) -> int:
    """How many codes answered both before and after."""
    waves = (
        Response.objects.filter(collection__questionnaire=questionnaire)
        .values("code")
        .annotate(
            before=Count("pk", filter=Q(collection__wave=Wave.BEFORE)),
            after=Count("pk", filter=Q(collection__wave=Wave.AFTER)),
        )
        .filter(before__gt=0, after__gt=0)
    )
    return waves.count()


def answer_rows(*, questionnaire: Questionnaire) -> tuple[list[str], list[list[str]]]:
    """The answers by pseudonymous code, one row per response: the header (code, wave,
    collection, submitted, then each question's name) and the rows. A withheld answer reads
    "[withheld]". Two queries, whatever the size."""
    questions = [q for q in questions_of(questionnaire) if q.answerable]
    header = ["code", "wave", "collection", "submitted_at", *[q.name for q in questions]]
    column = {q.pk: i for i, q in enumerate(questions)}
    responses = list(
        Response.objects.filter(collection__questionnaire=questionnaire)
        .select_related("collection")
        .order_by("code", "collection__wave", "submitted_at", "pk")
    )
    values: dict[int, list[str]] = {r.pk: [""] * len(questions) for r in responses}
    for response_id, question_id, value, withheld in Answer.objects.filter(
        response__collection__questionnaire=questionnaire
    ).values_list("response_id", "question_id", "value", "withheld"):
        if question_id in column:
            values[response_id][column[question_id]] = "[withheld]" if withheld else value
    rows = [
        [
            r.code,
            r.collection.wave,
            r.collection.title,
            r.submitted_at.isoformat(timespec="seconds"),
            *values[r.pk],
        ]
        for r in responses
    ]
    return header, rows
