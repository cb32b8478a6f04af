"""The surveys app's periodic jobs, which `lde worker` finds here: each part registers its own."""

from lde.surveys.questionnaires import tasks as questionnaire_tasks

__all__ = ["questionnaire_tasks"]
