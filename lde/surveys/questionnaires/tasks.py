"""The questionnaires' daily job: answers kept past their protocol's retention period are
deleted, each deletion audited (services.answers_past_retention_delete)."""

from __future__ import annotations

from datetime import timedelta

from lde.core.scheduler import schedule
from lde.surveys.questionnaires.services import answers_past_retention_delete


@schedule("questionnaire-answers-retention", every=timedelta(days=1))
def questionnaire_answers_retention() -> None:
    answers_past_retention_delete()
