"""Questionnaires, their questions, collections and answers (see lde/surveys/questionnaires).

The report asks that participants' views be sampled before and after a project (¶165, ¶175). A
*questionnaire* belongs to a partnership and runs under an information sharing protocol; its
*questions* are typed as XLSForm types them. A *collection* is one wave of it, before or after,
opened and closed by the coordinator; it is answered through *participant links*, each a
single-use token of which only a hash is kept. A *response* is one participant's answers in one
wave, known only by the pseudonymous code the participant keeps: before and after are joined by
that code, never by a name. Nothing here holds anything that identifies a participant.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from lde.core import limits
from lde.core.base import BaseModel
from lde.core.limits import limited_text
from lde.core.workflow import StatusTransition

__all__ = [
    "COLLECTION_TRANSITIONS",
    "Answer",
    "Choice",
    "Collection",
    "CollectionStatus",
    "CollectionTransition",
    "ParticipantLink",
    "Question",
    "QuestionKind",
    "Questionnaire",
    "Response",
    "Wave",
]


class QuestionKind(models.TextChoices):
    INTEGER = "integer", "Whole number"
    DECIMAL = "decimal", "Decimal number"
    TEXT = "text", "Text"
    SELECT_ONE = "select_one", "Choose one"
    SELECT_MULTIPLE = "select_multiple", "Choose any"
    DATE = "date", "Date"
    NOTE = "note", "Note (no answer)"
    BEGIN_GROUP = "begin_group", "Start of a group"
    END_GROUP = "end_group", "End of a group"


class Wave(models.TextChoices):
    BEFORE = "before", "Before"
    AFTER = "after", "After"


class CollectionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


# The only ways a collection's status changes, with the words its history row uses. A closed
# collection stays closed: its links are spent and its answers are what they are.
COLLECTION_TRANSITIONS: dict[tuple[str, str], str] = {
    (CollectionStatus.DRAFT, CollectionStatus.OPEN): "Opened",
    (CollectionStatus.OPEN, CollectionStatus.CLOSED): "Closed",
}


class Questionnaire(BaseModel):
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="questionnaires"
    )
    title = models.CharField(max_length=limits.TITLE)
    form_id = models.CharField(
        "form identifier",
        max_length=limits.REFERENCE,
        blank=True,
        help_text="The XLSForm's form_id, if it was imported.",
    )
    version = models.CharField(max_length=limits.REFERENCE, blank=True)
    description = limited_text(limits.SHORT_TEXT, blank=True)
    protocol = models.ForeignKey(
        "sharing.Protocol",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The protocol the answers are collected under.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title


class Question(BaseModel):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=QuestionKind.choices)
    name = models.CharField(
        max_length=64, help_text="The name expressions use: ${name}. Letters, digits, _ . -"
    )
    label = limited_text(limits.SHORT_TEXT, blank=True)
    hint = limited_text(limits.SHORT_TEXT, blank=True)
    required = models.BooleanField(default=False)
    relevant = models.CharField(
        "shown when",
        max_length=limits.REFERENCE * 4,
        blank=True,
        help_text="An XLSForm expression.",
    )
    constraint = models.CharField(max_length=limits.REFERENCE * 4, blank=True)
    constraint_message = models.CharField(max_length=limits.TITLE, blank=True)
    list_name = models.CharField(
        "choices list", max_length=64, blank=True, help_text="For select_one and select_multiple."
    )

    class Meta:
        ordering = ["questionnaire_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "name"],
                condition=~Q(kind="end_group"),
                name="question_name_unique",
            ),
            models.UniqueConstraint(
                fields=["questionnaire", "position"], name="question_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.label or self.name

    @property
    def answerable(self) -> bool:
        return self.kind not in (
            QuestionKind.NOTE,
            QuestionKind.BEGIN_GROUP,
            QuestionKind.END_GROUP,
        )


class Choice(BaseModel):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="choices"
    )
    list_name = models.CharField(max_length=64)
    name = models.CharField(max_length=64)
    label = models.CharField(max_length=limits.TITLE)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["questionnaire_id", "list_name", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "list_name", "name"], name="choice_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.label


class Collection(BaseModel):
    """One wave of a questionnaire: before or after the project."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="collections"
    )
    wave = models.CharField(max_length=8, choices=Wave.choices)
    title = models.CharField(max_length=limits.TITLE)
    status = models.CharField(
        max_length=8, choices=CollectionStatus.choices, default=CollectionStatus.DRAFT
    )
    link_days = models.PositiveIntegerField(
        "days a link lasts", default=28, help_text="Links issued expire this many days later."
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["questionnaire_id", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(link_days__gte=1) & Q(link_days__lte=366),
                name="collection_link_days_range",
            )
        ]

    def __str__(self) -> str:
        return self.title


class CollectionTransition(StatusTransition):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=8, choices=CollectionStatus.choices)
    to_status = models.CharField(max_length=8, choices=CollectionStatus.choices)

    class Meta(StatusTransition.Meta):
        pass


class ParticipantLink(BaseModel):
    """A single-use link to answer one wave. Only the SHA-256 of its token is kept: the token
    itself is shown once, to the coordinator who issued it."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["collection_id", "pk"]

    def __str__(self) -> str:
        return f"Link {self.pk}"


class Response(BaseModel):
    """One participant's answers in one wave, known only by the code they keep."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="responses")
    code = models.CharField("pseudonymous code", max_length=16)
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["collection_id", "code", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["collection", "code"], name="response_code_once")
        ]

    def __str__(self) -> str:
        return self.code


class Answer(BaseModel):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    # The answer as text (a select_multiple's choices separated by spaces, as XLSForm does); a
    # number's value also in `number`, for the analysis.
    value = limited_text(limits.TEXT, blank=True)
    number = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    withheld = models.CharField(
        max_length=limits.TITLE,
        blank=True,
        help_text="What the personal-data guard found: the answer is then not stored.",
    )

    class Meta:
        ordering = ["response_id", "question__position", "pk"]
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_once")]

    def __str__(self) -> str:
        return self.value
