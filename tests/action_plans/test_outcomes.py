"""Each action's criteria, rated before (the assessment it was raised on) and after (the
partnership's next published self-assessment), across framework versions too."""

from __future__ import annotations

from typing import Any

import pytest

from lde.action_plans.selectors import action_list, action_outcomes
from lde.assessments import analysis
from lde.assessments import services as assessment_services
from lde.assessments.models import Assessment, AssessmentStatus
from tests.action_plans.conftest import World

pytestmark = pytest.mark.django_db


def outcome_of(world: World, action: Any) -> Any:
    actions = list(action_list(user=world.viewer, partnership=world.partnership))
    found = next(a for a in actions if a.pk == action.pk)
    return action_outcomes(user=world.viewer, actions=[found])[action.pk]


def table(outcome: Any) -> list[tuple[Any, ...]]:
    return [
        (
            row.criterion.identifier,
            row.before.label,
            row.mapping,
            [(a.identifier, a.rating.label, a.movement) for a in row.after],
            row.movement,
        )
        for row in outcome.criteria
    ]


def test_before_and_after_in_the_same_version_move_up_down_or_not(world: World) -> None:
    first = world.cycle(
        2023, {"ownership": 2, "board": 3, "projects": 3, "reach": None, "partners": 2}
    )
    action = world.raise_action(first, "ownership", "board", "projects", "reach", "partners")
    pending = outcome_of(world, action)
    assert pending.next_assessment is None
    assert [(r.before.label, r.movement_label) for r in pending.criteria] == [
        ("2 – Developing", "Not re-assessed yet"),
        ("3 – Established", "Not re-assessed yet"),
        ("3 – Established", "Not re-assessed yet"),
        ("Not rated", "Not re-assessed yet"),
        ("2 – Developing", "Not re-assessed yet"),
    ]
    second = world.cycle(
        2024, {"ownership": 3, "board": 3, "projects": 2, "reach": 2, "partners": None}
    )
    outcome = outcome_of(world, action)
    assert outcome.next_assessment == second
    assert table(outcome) == [
        ("ownership", "2 – Developing", "", [("ownership", "3 – Established", "up")], "up"),
        ("board", "3 – Established", "", [("board", "3 – Established", "same")], "same"),
        ("projects", "3 – Established", "", [("projects", "2 – Developing", "down")], "down"),
        # Not rated is missing, never zero: neither side counts as a move.
        ("reach", "Not rated", "", [("reach", "2 – Developing", "unrated")], "unrated"),
        ("partners", "2 – Developing", "", [("partners", "Not rated", "unrated")], "unrated"),
    ]
    assert (outcome.count("up"), outcome.count("down"), outcome.count("same")) == (1, 1, 1)


def test_the_next_cycle_is_the_first_published_one_after_it(world: World) -> None:
    first = world.cycle(2022, {"board": 1})
    action = world.raise_action(first, "board")
    world.cycle(2025, {"board": 4})
    world.cycle(2024, {"board": 2}, publish=False)  # a draft does not count
    third = world.cycle(2023, {"board": 3})
    outcome = outcome_of(world, action)
    assert outcome.next_assessment == third
    assert table(outcome)[0][3] == [("board", "3 – Established", "up")]


def reviewed(world: World, year: int, own: int, theirs: int, agreed: int) -> Assessment:
    """A submitted self-assessment rating "board" `own`, a submitted peer review rating it
    `theirs`, and the rating agreed at moderation recorded (moderation not yet closed)."""
    assessment = world.cycle(year, {"board": own}, publish=False)
    assessment = assessment_services.assessment_submit(
        actor=None, assessment=assessment, no_personal_data_declared=True
    )
    review = assessment_services.review_start(actor=None, assessment=assessment, kind="peer_review")
    response = review.responses.get(criterion__identifier="board")
    assessment_services.response_update(
        actor=None, response=response, seen_revision=0, rating=theirs, target=4, commentary="No."
    )
    assessment_services.assessment_submit(
        actor=None, assessment=review, no_personal_data_declared=True
    )
    assessment_services.moderation_decide(
        actor=None,
        assessment=assessment,
        criterion=response.criterion,
        agreed_rating=agreed,
        reason="Agreed with the peer reviewer.",
    )
    return assessment


def test_a_moderated_cycles_agreed_rating_is_its_rating_of_record(world: World) -> None:
    first = world.cycle(2023, {"board": 2})
    action = world.raise_action(first, "board")
    second = reviewed(world, 2024, own=3, theirs=2, agreed=2)
    second = assessment_services.assessment_moderate(actor=None, assessment=second)
    assessment_services.assessment_publish(actor=None, assessment=second)
    outcome = outcome_of(world, action)
    assert outcome.next_assessment.status == AssessmentStatus.PUBLISHED
    (row,) = outcome.criteria
    (after,) = row.after
    assert (after.rating.label, after.rating.agreed, after.movement) == (
        "2 – Developing",
        True,
        "same",
    )
    # The gap analysis (and so the gaps, comparison and trend pages and the board report)
    # counts the same rating as the action's "after".
    gaps = analysis.assessment_gaps(assessment=outcome.next_assessment)
    board = {c.identifier: c for c in gaps.criteria}["board"]
    assert (board.rating, board.rating_label, board.agreed) == (2, "2 – Developing", True)


def test_a_cycle_published_without_review_keeps_its_own_ratings(world: World) -> None:
    first = world.cycle(2023, {"board": 2})
    action = world.raise_action(first, "board")
    second = reviewed(world, 2024, own=3, theirs=2, agreed=2)
    second = assessment_services.board_sign_off(actor=None, assessment=second)
    assessment_services.assessment_publish(actor=None, assessment=second)
    outcome = outcome_of(world, action)
    assert outcome.next_assessment.published_without_review is True
    (after,) = outcome.criteria[0].after
    assert (after.rating.label, after.rating.agreed, after.movement) == (
        "3 – Established",
        False,
        "up",
    )
    gaps = analysis.assessment_gaps(assessment=outcome.next_assessment)
    assert {c.identifier: c.rating for c in gaps.criteria}["board"] == 3


def test_criteria_are_followed_into_a_newer_framework_version(world: World, version_2) -> None:
    first = world.cycle(
        2023,
        {"ownership": 2, "board": 2, "projects": 2, "reach": 3, "partners": 1, "training": 2},
    )
    action = world.raise_action(
        first, "ownership", "board", "projects", "reach", "partners", "training"
    )
    world.cycle(
        2024,
        {
            "ownership": 2,
            "governance": 3,
            "projects-local": 3,
            "projects-partners": None,
            "engagement": 2,
            "evaluation": 4,
        },
        version=version_2,
    )
    outcome = outcome_of(world, action)
    assert table(outcome) == [
        ("ownership", "2 – Developing", "same", [("ownership", "2 – Developing", "same")], "same"),
        ("board", "2 – Developing", "renamed", [("governance", "3 – Established", "up")], "up"),
        (
            "projects",
            "2 – Developing",
            "split",
            [
                ("projects-local", "3 – Established", "up"),
                ("projects-partners", "Not rated", "unrated"),
            ],
            "split",
        ),
        ("reach", "3 – Established", "merged", [("engagement", "2 – Developing", "down")], "down"),
        ("partners", "1 – Not in place", "merged", [("engagement", "2 – Developing", "up")], "up"),
        ("training", "2 – Developing", "retired", [], "retired"),
    ]
    reach = outcome.criteria[3]
    assert (reach.mapping_label, reach.merged_with) == ("Merged", ["Partners"])
    assert [a.title for a in outcome.criteria[2].after] == ["Local projects", "Partners' projects"]


def test_without_a_mapping_only_criteria_of_the_same_identifier_are_followed(
    world: World,
) -> None:
    from lde.frameworks.services import framework_load
    from tests.action_plans.conftest import VERSION_2

    newer = framework_load(
        actor=None, text=VERSION_2.replace('"2.0"', '"3.0"'), file_name="plan-check-3.0.yaml"
    ).version
    first = world.cycle(2023, {"ownership": 2, "board": 2})
    action = world.raise_action(first, "ownership", "board")
    world.cycle(2024, {"ownership": 4, "governance": 4}, version=newer)
    assert table(outcome_of(world, action)) == [
        ("ownership", "2 – Developing", "same", [("ownership", "4 – Leading", "up")], "up"),
        ("board", "2 – Developing", "unmapped", [], "unmapped"),
    ]
