"""The after-action reports as PDF bytes, built once for the pages and for `lde exercises
report`: the same template, the same figures, and the same reader's view of them (a reader who
may not see the directory gets an exercise's report without its cascade's figures)."""

from __future__ import annotations

from django.template.loader import render_to_string

from lde.consequence_management import selectors
from lde.consequence_management.models import Cascade, Exercise
from lde.core.access.facts import AnyUser
from lde.core.pdf import pdf_from_html

TEMPLATE = "consequence_management/after_action_pdf.html"


def exercise_report_pdf(*, user: AnyUser, exercise: Exercise) -> bytes:
    """An exercise's after-action report: its timeline and observations, its cascade's figures
    (for those who may see the cascade), and its lessons with their actions' status. The
    exercise is one `selectors.exercise_get` found for this user."""
    review = selectors.exercise_review(user=user, exercise=exercise)
    return pdf_from_html(
        render_to_string(
            TEMPLATE,
            {
                "title": f"After-action report: {exercise.title}",
                "partnership": exercise.partnership,
                "exercise_review": review,
                "review": review.cascade,
            },
        )
    )


def exercise_report_file_name(exercise: Exercise) -> str:
    return f"after-action-exercise-{exercise.pk}.pdf"


def cascade_report_pdf(*, cascade: Cascade) -> bytes:
    return pdf_from_html(
        render_to_string(
            TEMPLATE,
            {
                "title": f"After-action report: {cascade.title}",
                "partnership": cascade.partnership,
                "review": selectors.cascade_review(cascade=cascade),
            },
        )
    )
