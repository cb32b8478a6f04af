"""Action plans: the "change" step of the audit cycle (¶162–177, Figure 5).

An action comes from somewhere (`ActionOrigin`, ADR 0017): most are raised from an assessment, on
the criteria whose gap they address; others are raised by a decision of the programme board (the
`capacity` app raises them and keeps the link back) or, later, from an exercise's lesson. Only
those raised from an assessment have criteria, and so a before and an after. Every action is owned
by a person and an organisation of the partnership. Its status moves only along `TRANSITIONS` in
`services.py`, and every move leaves an `ActionTransition`. Whether an action is overdue is never
stored: it is read from its due date and status on the day it is asked, so it cannot go stale.
When the partnership's next assessment is published, each criterion's rating there is set beside
its rating in the assessment the action was raised from (see `selectors.action_outcomes`).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from lde.core import limits
from lde.core.base import BaseModel
from lde.core.limits import limited_text
from lde.core.workflow import StatusTransition


class ActionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


OPEN_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


class ActionOrigin(models.TextChoices):
    """Where an action comes from. Recorded here without naming the app that raised it, so that
    the action plan depends on no capability built on top of it (ADR 0017)."""

    ASSESSMENT_GAP = "assessment_gap", "A gap found in an assessment"
    BOARD_DECISION = "board_decision", "A decision of the programme board"
    EXERCISE_LESSON = "exercise_lesson", "A lesson of an exercise"


def overdue_q(day: date) -> Q:
    """Actions overdue on `day`: due before it and neither done nor cancelled."""
    return Q(due_on__lt=day, status__in=OPEN_STATUSES)


class Action(BaseModel):
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="actions"
    )
    origin = models.CharField(
        max_length=20, choices=ActionOrigin.choices, default=ActionOrigin.ASSESSMENT_GAP
    )
    origin_reference = models.CharField(
        max_length=200,
        blank=True,
        help_text="Where it came from, in words, when not an assessment: for example "
        "“Programme board, 12 March 2026: decision 3”.",
    )
    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        help_text="The assessment whose gap the action was raised on; set exactly when that is "
        "where it came from.",
    )
    criteria = models.ManyToManyField(
        "frameworks.Criterion",
        related_name="+",
        help_text="Criteria of the assessment's framework version whose gap the action addresses.",
    )
    title = models.CharField(max_length=200)
    description = limited_text(limits.LONG_TEXT)
    # Raised by one on every change, so that two people editing the action cannot overwrite
    # each other unseen (lde/core/concurrency.py).
    revision = models.PositiveIntegerField(default=1)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_actions",
        help_text="A member of the partnership.",
    )
    owner_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="A partner organisation of the partnership.",
    )
    due_on = models.DateField()
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    reminder_sent_for = models.DateField(
        null=True,
        blank=True,
        help_text="The due date the owner was last reminded of: one reminder per due date.",
    )

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["partnership", "status", "due_on"])]
        constraints = [
            # An action raised on an assessment's gap names the assessment; no other does.
            models.CheckConstraint(
                condition=(
                    Q(origin=ActionOrigin.ASSESSMENT_GAP, assessment__isnull=False)
                    | (~Q(origin=ActionOrigin.ASSESSMENT_GAP) & Q(assessment__isnull=True))
                ),
                name="action_assessment_iff_assessment_gap",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def from_assessment(self) -> bool:
        return self.assessment_id is not None

    def is_overdue(self, day: date) -> bool:
        return self.status in OPEN_STATUSES and self.due_on < day

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ProgressUpdate(models.Model):
    """What the owner or a coordinator reports, optionally moving the action on."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="progress_updates")
    text = limited_text(limits.LONG_TEXT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status_from = models.CharField(max_length=12, choices=ActionStatus.choices, blank=True)
    status_to = models.CharField(
        max_length=12,
        choices=ActionStatus.choices,
        blank=True,
        help_text="Empty when the update did not change the status.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status_from="", status_to="") | (~Q(status_from="") & ~Q(status_to="")),
                name="progress_status_change_whole",
            )
        ]

    def __str__(self) -> str:
        return self.text[:40]


class ActionTransition(StatusTransition):
    """Every status change: from, to, who, why (for cancelling and reopening), when, and the
    progress update that made it, if one did."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=12, choices=ActionStatus.choices)
    to_status = models.CharField(max_length=12, choices=ActionStatus.choices)
    progress_update = models.ForeignKey(
        ProgressUpdate, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
