"""The change between before and after, question by question, for the people who answered both
times: the statistics come from the survey statistics engine (lde/surveys/statistics, its
`prepost`), never from here. This module pairs the answers, asks the engine, and words the
result.

Small numbers: inside the partnership (its coordinators, board members, contributors and
viewers) every figure is shown, with the words that n is small; to anyone else who may read the
analysis (a live inspector) a figure resting on fewer than `MIN_COUNT` people (the platform's
one small-number rule, lde/core/suppression) is withheld.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from lde.core.access.facts import AnyUser, facts_for
from lde.core.access.roles import READER_ROLES
from lde.core.suppression import MIN_COUNT
from lde.surveys.models import Question, Questionnaire
from lde.surveys.questionnaires.selectors import Pairs, pairs_by_question
from lde.surveys.statistics import DesignError, prepost

__all__ = ["Change", "change_for"]

FIGURES = (
    "mean_difference",
    "ci_low",
    "ci_high",
    "t",
    "df",
    "p_value",
    "d_z",
    "g_av",
    "wilcoxon_v",
    "wilcoxon_p",
)


@dataclass(frozen=True)
class Change:
    question: Question
    n: int
    before_only: int
    after_only: int
    figures: dict[str, float | None]
    small: bool
    withheld: bool
    words: str
    mean_before: float | None
    mean_after: float | None


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if abs(value) < 1000 else f"{value:,.0f}"


def _words(n: int, figures: dict[str, float | None]) -> str:
    difference = figures.get("mean_difference")
    if difference is None:
        return f"Too few people ({n}) answered both times to say how answers changed."
    low, high = figures.get("ci_low"), figures.get("ci_high")
    interval = (
        f" (95% interval {_fmt(low)} to {_fmt(high)})"
        if low is not None and high is not None
        else ""
    )
    people = "person" if n == 1 else "people"
    if difference == 0:
        moved = "did not change on average"
    else:
        moved = (
            f"{'rose' if difference > 0 else 'fell'} by {_fmt(abs(difference))} "
            f"point{'' if abs(difference) == 1 else 's'} on average"
        )
    return f"Answers {moved}{interval} among {n} {people} who answered both times."


def _engine(pairs: Pairs) -> dict[str, float | None]:
    try:
        read = prepost(pairs.before, pairs.after).as_dict()
    except DesignError:
        # Fewer than two pairs: the engine says there is nothing to compare.
        return dict.fromkeys(FIGURES)
    return {name: _number(read.get(name)) for name in FIGURES}


def change_for(*, user: AnyUser, questionnaire: Questionnaire) -> list[Change]:
    """One change per numeric question, worded, with small figures withheld outside the
    partnership."""
    inside = questionnaire.partnership_id in facts_for(user).partnerships_with(*READER_ROLES)
    found = []
    for pairs in pairs_by_question(questionnaire=questionnaire):
        n = len(pairs.codes)
        figures = _engine(pairs)
        small = n < MIN_COUNT
        withheld = small and not inside
        if withheld:
            figures = dict.fromkeys(FIGURES)
        found.append(
            Change(
                question=pairs.question,
                n=n,
                before_only=pairs.before_only,
                after_only=pairs.after_only,
                figures=figures,
                small=small,
                withheld=withheld,
                words=(
                    f"Fewer than {MIN_COUNT} people answered both times: the figures are "
                    "withheld outside the partnership."
                    if withheld
                    else _words(n, figures)
                ),
                mean_before=None if withheld or not n else sum(pairs.before) / n,
                mean_after=None if withheld or not n else sum(pairs.after) / n,
            )
        )
    return found
