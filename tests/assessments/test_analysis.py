"""The analysis of assessments: scores that respect weights, leave "not rated" out (counted,
never zero) and put different scales on one footing; gaps in order; what moved between two
cycles and why; and trends across framework versions through the version mappings."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from lde.assessments import analysis, services
from lde.assessments.models import Assessment, AssessmentKind, AssessmentStatus
from lde.frameworks.demo import DEMO_DATA
from lde.frameworks.services import framework_load, framework_load_file, mapping_load
from lde.partnerships.models import Role
from tests.assessments.builders import peer_reviewed, start
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

# Two scales, weights that differ, a criterion with sub-criteria, and one criterion left unrated.
FRAMEWORK = """
identifier: analysis-check
version: "1.0"
title: Analysis check
status: current
summary: A framework for the analysis tests.
source: {document: The report, paragraphs: ["89"]}
provenance: Written for tests.
scales:
  - identifier: maturity
    title: Maturity
    descriptors_written_by: platform
    levels:
      - {value: 1, label: Not in place, descriptor: None.}
      - {value: 2, label: Developing, descriptor: Some.}
      - {value: 3, label: Established, descriptor: Routine.}
      - {value: 4, label: Leading, descriptor: Shared.}
  - identifier: yes-no
    title: In place
    descriptors_written_by: platform
    levels:
      - {value: 0, label: "No", descriptor: Not in place.}
      - {value: 1, label: "Yes", descriptor: In place.}
themes:
  - identifier: leadership
    title: Leadership
    paragraphs: ["92"]
    criteria:
      - {identifier: ownership, title: Ownership, weight: 3, paragraphs: ["93"]}
      - {identifier: board, title: Board, paragraphs: ["108"]}
  - identifier: delivery
    title: Delivery
    paragraphs: ["100"]
    criteria:
      - {identifier: projects, title: Projects, paragraphs: ["44"]}
      - {identifier: published, title: Plan published, scale: yes-no, paragraphs: ["45"]}
      - {identifier: reach, title: Reach, paragraphs: ["114"]}
  - identifier: oversight
    title: Oversight
    paragraphs: ["108"]
    criteria:
      - identifier: panel
        title: Panel
        weight: 2
        paragraphs: ["109"]
        criteria:
          - {identifier: panel-terms, title: Terms of reference, paragraphs: ["109"]}
          - {identifier: panel-minutes, title: Minutes, weight: 3, paragraphs: ["109"]}
      - {identifier: audit, title: Audit, weight: 2, paragraphs: ["110"]}
"""

# rating, target, commentary, consensus reason
RATINGS: dict[str, tuple[int | None, int | None]] = {
    "ownership": (4, 4),
    "board": (1, 3),
    "projects": (3, 4),
    "published": (1, None),
    "reach": (None, 2),
    "panel-terms": (1, None),
    "panel-minutes": (4, None),
    "audit": (2, None),
}


@pytest.fixture
def version() -> Any:
    return framework_load(actor=None, text=FRAMEWORK, file_name="analysis-check-1.0.yaml").version


def rate(
    actor: Any,
    assessment: Assessment,
    ratings: dict[str, tuple[int | None, int | None]],
    commentary: dict[str, str] | None = None,
    consensus: dict[str, str] | None = None,
) -> None:
    for response in assessment.responses.select_related("criterion"):
        identifier = response.criterion.identifier
        if identifier not in ratings:
            continue
        rating, target = ratings[identifier]
        services.response_update(
            actor=actor,
            response=response,
            seen_revision=response.revision,
            rating=rating,
            target=target,
            commentary=(commentary or {}).get(identifier, ""),
            consensus_reason=(consensus or {}).get(identifier, ""),
        )


def publish(assessment: Assessment) -> None:
    """Published as a cycle with no review is: without review, so its own ratings stand."""
    Assessment.objects.filter(pk=assessment.pk).update(
        status=AssessmentStatus.PUBLISHED, published_without_review=True
    )


# --- Scores and gaps -----------------------------------------------------------------------


def test_theme_scores_respect_weights_and_leave_not_rated_out(coordinator, version):
    assessment = start(coordinator, version)
    rate(coordinator.user, assessment, RATINGS)

    gaps = analysis.assessment_gaps(assessment=assessment)

    leadership, delivery, oversight = gaps.themes
    # Ownership (4 of 1-4: 100%) weighs 3, board (1: 0%) weighs 1: (3 x 100 + 0) / 4.
    assert leadership.score == 75.0
    # Reach is not rated: left out, so (66.7 + 100) / 2, not (66.7 + 100 + 0) / 3.
    assert delivery.score == pytest.approx(250 / 3)
    assert (delivery.criteria, delivery.rated, delivery.not_rated) == (3, 2, 1)
    # The panel's sub-criteria share its weight of 2: (1 x 0 + 3 x 100) / 4 = 75% for the
    # panel, then (2 x 75 + 2 x 33.3) / 4 for the theme.
    assert oversight.score == pytest.approx((2 * 75 + 2 * 100 / 3) / 4)
    assert gaps.overall.score == pytest.approx((75 + 250 / 3 + (2 * 75 + 2 * 100 / 3) / 4) / 3)
    assert (gaps.overall.criteria, gaps.overall.rated, gaps.overall.not_rated) == (8, 7, 1)


def test_a_theme_with_nothing_rated_has_no_score_rather_than_zero(coordinator, version):
    assessment = start(coordinator, version)
    rate(coordinator.user, assessment, {"ownership": (2, None)})

    gaps = analysis.assessment_gaps(assessment=assessment)

    # Board is not rated, so leadership is ownership's 2 of 1-4 alone, whatever its weight.
    assert [t.score for t in gaps.themes] == [pytest.approx(100 / 3), None, None]
    # The overall score is the one theme that has a score, not an average with two zeros.
    assert gaps.overall.score == pytest.approx(100 / 3)
    assert gaps.overall.not_rated == 7


def test_criteria_on_different_scales_are_normalised_to_their_range(coordinator, version):
    assessment = start(coordinator, version)
    rate(coordinator.user, assessment, {"projects": (3, None), "published": (1, None)})

    gaps = analysis.assessment_gaps(assessment=assessment)

    by_identifier = {c.identifier: c for c in gaps.criteria}
    assert by_identifier["published"].score == 100.0  # 1 on a 0-1 scale
    assert by_identifier["projects"].score == pytest.approx(200 / 3)  # 3 on a 1-4 scale
    assert [s.description for s in gaps.scales] == ["Maturity (1 to 4)", "In place (0 to 1)"]
    assert "2 different scales" in gaps.method
    assert "Maturity (1 to 4); In place (0 to 1)" in gaps.method
    assert "6 of 8 criteria are not rated" in gaps.method
    assert "never treated as zero" in gaps.method


def test_criteria_come_largest_gap_first_then_no_target_then_not_rated(coordinator, version):
    assessment = start(coordinator, version)
    rate(coordinator.user, assessment, RATINGS)

    gaps = analysis.assessment_gaps(assessment=assessment)

    assert [c.identifier for c in gaps.criteria] == [
        "board",  # 1 to 3: 2 levels, 66.7 points
        "projects",  # 3 to 4: 1 level, 33.3 points
        "ownership",  # at target
        "published",  # no target, in document order
        "panel-terms",
        "panel-minutes",
        "audit",
        "reach",  # not rated
    ]
    board = gaps.criteria[0]
    assert (board.gap_levels, board.gap_points, board.standing) == (
        2,
        pytest.approx(200 / 3),
        "below target",
    )
    assert [c.identifier for c in gaps.not_rated] == ["reach"]
    assert [c.identifier for c in gaps.below_target] == ["board", "projects"]


def test_the_target_score_is_where_the_theme_would_be_at_every_target(coordinator, version):
    assessment = start(coordinator, version)
    rate(coordinator.user, assessment, RATINGS)

    leadership = analysis.assessment_gaps(assessment=assessment).themes[0]

    # Ownership stays at 100%; board would reach 3 (66.7%): (3 x 100 + 66.7) / 4.
    assert leadership.target == pytest.approx((300 + 200 / 3) / 4)
    assert leadership.gap == pytest.approx((300 + 200 / 3) / 4 - 75)
    assert leadership.with_target == 2


def test_the_gap_analysis_reads_in_three_queries(coordinator, version, django_assert_num_queries):
    assessment = start(coordinator, version)
    assessment = Assessment.objects.select_related("framework_version").get(pk=assessment.pk)
    with django_assert_num_queries(3):
        analysis.assessment_gaps(assessment=assessment)


# --- Comparing two cycles ------------------------------------------------------------------


def test_comparing_two_cycles_shows_what_moved_by_how_much_and_why(coordinator, version):
    first = start(coordinator, version, 2024)
    rate(coordinator.user, first, {"ownership": (2, 4), "board": (3, 4), "projects": (2, 3)})
    publish(first)
    second = start(coordinator, version, 2025, carry_forward=False)
    rate(
        coordinator.user,
        second,
        {"ownership": (3, 4), "board": (2, 4), "projects": (2, 3), "reach": (2, 3)},
        commentary={
            "ownership": "The chief executive now chairs the board.",
            "board": "Fewer met.",
        },
        consensus={"board": "Two raters said 1 and two said 3; we agreed 2 on the minutes."},
    )

    result = analysis.assessment_comparison(user=coordinator.user, assessment=second, other=first)

    assert (result.before.pk, result.after.pk, result.method) == (
        first.pk,
        second.pk,
        "same version",
    )
    rows = {c.identifier: c for c in result.criteria}
    ownership = rows["ownership"]
    assert (ownership.before_label, ownership.after_label) == ("2 – Developing", "3 – Established")
    assert (ownership.change_levels, ownership.movement) == (1, analysis.Movement.UP)
    assert ownership.change_points == pytest.approx(100 / 3)
    assert ownership.reason == "The chief executive now chairs the board."
    # The consensus reason, where there is one, is the reason recorded.
    assert rows["board"].reason == "Two raters said 1 and two said 3; we agreed 2 on the minutes."
    assert (rows["board"].change_levels, rows["board"].movement) == (-1, analysis.Movement.DOWN)
    assert rows["projects"].movement == analysis.Movement.UNCHANGED
    assert rows["reach"].movement == analysis.Movement.NEWLY_RATED
    assert rows["published"].movement == analysis.Movement.NOT_RATED
    assert result.counts == {
        "up": 1,
        "down": 1,
        "unchanged": 1,
        "newly rated": 1,
        "no longer rated": 0,
        "not rated": 4,
    }
    assert [c.identifier for c in result.moved] == ["ownership", "board", "reach"]
    assert result.overall.before == pytest.approx(((3 * 100 / 3 + 200 / 3) / 4 + 100 / 3) / 2)


def test_comparing_an_assessment_with_itself_or_another_framework_is_refused(
    coordinator, version, framework_version
):
    first = start(coordinator, version, 2024)
    other = start(coordinator, framework_version, 2024)

    with pytest.raises(analysis.NotComparable, match="different assessment"):
        analysis.assessment_comparison(user=coordinator.user, assessment=first, other=first)
    with pytest.raises(analysis.NotComparable, match="same framework"):
        analysis.assessment_comparison(user=coordinator.user, assessment=first, other=other)


def test_moderation_reasons_are_shown_only_to_those_who_may_see_the_moderation(
    coordinator, framework_version
):
    last = start(coordinator, framework_version, 2024)
    rate(coordinator.user, last, {"ownership": (3, 4), "board": (3, 4), "projects": (3, 4)})
    publish(last)
    own, _review, _peer, _board = peer_reviewed(coordinator, framework_version, 2025)
    own.refresh_from_db()
    board_criterion = own.responses.get(criterion__identifier="board").criterion
    services.moderation_decide(
        actor=coordinator.user,
        assessment=own,
        criterion=board_criterion,
        agreed_rating=2,
        reason="The board met twice, not four times.",
    )
    contributor = MembershipFactory(partnership=coordinator.partnership, role=Role.CONTRIBUTOR)

    seen = analysis.assessment_comparison(user=coordinator.user, assessment=own, other=last)
    unseen = analysis.assessment_comparison(user=contributor.user, assessment=own, other=last)

    board = {c.identifier: c for c in seen.criteria}["board"]
    assert board.moderation_reason == (
        "Agreed at moderation: 2 – Developing. The board met twice, not four times."
    )
    assert board.reason == "Seen in the board minutes."
    assert {c.identifier: c for c in unseen.criteria}["board"].moderation_reason is None
    assert {c.identifier: c for c in unseen.criteria}["board"].reason == (
        "Seen in the board minutes."
    )


# --- Ratings of record: moderation settles the rating that stands ------------------------


def moderated_on_board(coordinator: Any, version: Any, year: int, agreed: int | None) -> Assessment:
    """A submitted self-assessment rated 3 throughout whose peer review rated "board" 2, with
    the moderation's agreed rating for "board" recorded but moderation not yet closed."""
    own, _review, _peer, _board = peer_reviewed(coordinator, version, year)
    own.refresh_from_db()
    services.moderation_decide(
        actor=coordinator.user,
        assessment=own,
        criterion=own.responses.get(criterion__identifier="board").criterion,
        agreed_rating=agreed,
        reason="The board met twice, not four times.",
    )
    return Assessment.objects.select_related("framework_version").get(pk=own.pk)


def board_and_leadership(assessment: Assessment) -> tuple[str, bool, float | None, str]:
    gaps = analysis.assessment_gaps(assessment=assessment)
    board = {c.identifier: c for c in gaps.criteria}["board"]
    return (board.rating_label, board.agreed, gaps.themes[0].score, gaps.method)


def test_a_moderated_cycle_scores_at_the_ratings_agreed_at_moderation(
    coordinator, framework_version
):
    own = moderated_on_board(coordinator, framework_version, 2025, agreed=2)

    # Submitted: the decision is recorded, but until moderation closes the own rating stands.
    label, agreed, leadership, method = board_and_leadership(own)
    assert (label, agreed, leadership) == ("3 – Established", False, pytest.approx(200 / 3))
    assert "in a moderated self-assessment, the rating agreed at moderation counts" in method

    moderated = services.assessment_moderate(actor=coordinator.user, assessment=own)
    label, agreed, leadership, method = board_and_leadership(moderated)
    # Ownership at 3 (66.7%) and board at the agreed 2 (33.3%), not its own 3.
    assert (label, agreed, leadership) == ("2 – Developing", True, pytest.approx(50.0))
    assert (
        "This self-assessment has been moderated, so the ratings agreed at moderation are the "
        "ones that count: 1 criterion where its rating and the review's differed count at the "
        "agreed rating, the rest at their own."
    ) in method

    published = services.assessment_publish(actor=coordinator.user, assessment=moderated)
    assert published.published_without_review is False
    assert board_and_leadership(published)[:3] == ("2 – Developing", True, pytest.approx(50.0))


def test_an_agreed_not_rated_stays_missing_never_zero(coordinator, framework_version):
    own = moderated_on_board(coordinator, framework_version, 2025, agreed=None)
    moderated = services.assessment_moderate(actor=coordinator.user, assessment=own)

    gaps = analysis.assessment_gaps(assessment=moderated)

    board = {c.identifier: c for c in gaps.criteria}["board"]
    assert (board.rating, board.rating_label, board.agreed) == (None, "Not rated", True)
    # Leadership is ownership's 3 alone, not an average with a zero.
    assert gaps.themes[0].score == pytest.approx(200 / 3)
    assert (gaps.overall.rated, gaps.overall.not_rated) == (2, 1)


def test_a_cycle_published_without_review_keeps_its_own_ratings(coordinator, framework_version):
    own = moderated_on_board(coordinator, framework_version, 2025, agreed=2)
    board_member = MembershipFactory(partnership=coordinator.partnership, role=Role.BOARD_MEMBER)
    signed = services.board_sign_off(actor=board_member.user, assessment=own)
    published = services.assessment_publish(actor=coordinator.user, assessment=signed)
    assert published.published_without_review is True

    label, agreed, leadership, _ = board_and_leadership(published)

    assert (label, agreed, leadership) == ("3 – Established", False, pytest.approx(200 / 3))


def test_comparisons_and_trends_read_a_moderated_cycle_at_its_agreed_ratings(
    coordinator, framework_version
):
    last = start(coordinator, framework_version, 2024)
    rate(coordinator.user, last, {"ownership": (3, 4), "board": (3, 4), "projects": (3, 4)})
    publish(last)
    own = moderated_on_board(coordinator, framework_version, 2025, agreed=2)
    moderated = services.assessment_moderate(actor=coordinator.user, assessment=own)
    services.assessment_publish(actor=coordinator.user, assessment=moderated)
    own.refresh_from_db()

    result = analysis.assessment_comparison(user=coordinator.user, assessment=own, other=last)
    found = analysis.partnership_trends(
        assessments=analysis.partnership_self_assessments(
            user=coordinator.user, partnership=coordinator.partnership
        ),
        framework=framework_version.framework,
    )

    board = {c.identifier: c for c in result.criteria}["board"]
    assert (board.before_label, board.after_label, board.movement) == (
        "3 – Established",
        "2 – Developing",
        analysis.Movement.DOWN,
    )
    assert "Self-assessment 2025 has been moderated" in result.method_statement
    trend = {c.identifier: c for c in found.criteria}["board"]
    assert [cell.label for cell in trend.cells] == ["3 – Established", "2 – Developing"]
    leadership = next(t for t in found.themes if t.identifier == "leadership")
    assert leadership.scores == [pytest.approx(200 / 3), pytest.approx(50.0)]


def test_the_agreed_ratings_take_one_more_query_only_for_a_moderated_cycle(
    coordinator, framework_version, django_assert_num_queries
):
    own = moderated_on_board(coordinator, framework_version, 2025, agreed=2)
    with django_assert_num_queries(3):
        analysis.assessment_gaps(assessment=own)
    services.assessment_moderate(actor=coordinator.user, assessment=own)
    moderated = Assessment.objects.select_related("framework_version").get(pk=own.pk)
    with django_assert_num_queries(4):
        analysis.assessment_gaps(assessment=moderated)


# --- Across framework versions -------------------------------------------------------------


def _demo_versions() -> tuple[Any, Any, Any]:
    """The demonstration framework's 1.0 and 1.1 (a rename, a split, a merge, a new criterion
    and a retired one), and a 1.2 that renames one of the split criteria again."""
    old = framework_load_file(
        actor=None, path=DEMO_DATA / "example-partnership-check-1.0.yaml"
    ).version
    middle = framework_load_file(
        actor=None, path=DEMO_DATA / "example-partnership-check-1.1.yaml"
    ).version
    mapping = DEMO_DATA / "example-partnership-check-1.0-to-1.1.yaml"
    mapping_load(actor=None, text=mapping.read_text(encoding="utf-8"), file_name=mapping.name)
    text = (DEMO_DATA / "example-partnership-check-1.1.yaml").read_text(encoding="utf-8")
    newest = framework_load(
        actor=None,
        text=text.replace('version: "1.1"', 'version: "1.2"').replace(
            "leadership-funding", "leadership-finance"
        ),
        file_name="example-partnership-check-1.2.yaml",
    ).version
    same = [
        "leadership-senior-ownership",
        "leadership-programme-board",
        "leadership-staffing",
        "delivery-portfolio",
        "communities-confidence",
    ]
    changes = "\n".join(f"  - {{kind: same, from: [{i}], to: [{i}]}}" for i in same)
    mapping_load(
        actor=None,
        text=(
            "framework: example-partnership-check\n"
            'from_version: "1.1"\n'
            'to_version: "1.2"\n'
            "changes:\n"
            f"{changes}\n"
            "  - {kind: renamed, from: [leadership-funding], to: [leadership-finance]}\n"
        ),
        file_name="example-partnership-check-1.1-to-1.2.yaml",
    )
    return old, middle, newest


def _cycle(coordinator: Any, version: Any, year: int, ratings: dict[str, int]) -> Assessment:
    assessment = start(coordinator, version, year, carry_forward=False)
    rate(coordinator.user, assessment, {k: (v, None) for k, v in ratings.items()})
    publish(assessment)
    return assessment


def test_comparing_across_versions_follows_the_mapping(coordinator):
    old, middle, _ = _demo_versions()
    before = _cycle(
        coordinator,
        old,
        2023,
        {"leadership-resources": 2, "delivery-projects": 1, "delivery-activities": 3},
    )
    after = _cycle(
        coordinator,
        middle,
        2024,
        {"leadership-funding": 3, "leadership-staffing": 2, "delivery-portfolio": 3},
    )

    result = analysis.assessment_comparison(user=coordinator.user, assessment=after, other=before)

    assert result.method == "mapping"
    rows = {c.identifier: c for c in result.criteria}
    funding = rows["leadership-funding"]
    assert (funding.link.kind, funding.link.sources) == ("split", ("leadership-resources",))
    assert funding.note == "Split from leadership-resources (version 1.0)"
    assert (funding.change_levels, funding.movement) == (1, analysis.Movement.UP)
    assert rows["leadership-staffing"].movement == analysis.Movement.UNCHANGED
    portfolio = rows["delivery-portfolio"]
    assert portfolio.link.sources == ("delivery-projects", "delivery-activities")
    assert portfolio.note == "Merged from delivery-projects and delivery-activities (version 1.0)"
    # Merged from 1 (0%) and 3 (66.7%): compared with their average, 33.3%; no change in levels.
    assert portfolio.change_levels is None
    assert portfolio.change_points == pytest.approx(200 / 3 - 100 / 3)
    assert rows["leadership-programme-board"].link.kind == "renamed"
    assert rows["communities-confidence"].note == "New since version 1.0"
    assert rows["communities-confidence"].before_label == "Not in the earlier framework"
    assert [s.identifier for s in result.retired] == ["leadership-old-duty"]


def test_a_later_cycle_on_an_older_version_is_traced_the_other_way(coordinator):
    old, middle, _ = _demo_versions()
    before = _cycle(coordinator, middle, 2023, {"leadership-funding": 2, "leadership-staffing": 4})
    after = _cycle(coordinator, old, 2024, {"leadership-resources": 2})

    result = analysis.assessment_comparison(user=coordinator.user, assessment=after, other=before)

    rows = {c.identifier: c for c in result.criteria}
    # Seen from 1.0, the split of 1.1 is a merge, and the merge a split.
    assert rows["leadership-resources"].link == analysis.Link(
        kind="merged", sources=("leadership-funding", "leadership-staffing")
    )
    # Compared with the average of 2 and 4 on 1-4 (66.7%): 2 is 33.3 points lower.
    assert rows["leadership-resources"].movement == analysis.Movement.DOWN
    assert rows["leadership-resources"].change_points == pytest.approx(-100 / 3)
    assert rows["delivery-projects"].link.kind == "split"
    assert rows["leadership-old-duty"].link.kind == "new"
    assert [s.identifier for s in result.retired] == ["communities-confidence"]


def test_trends_cross_three_versions_and_mark_splits_merges_and_renames(coordinator):
    old, middle, newest = _demo_versions()
    _cycle(
        coordinator,
        old,
        2022,
        {
            "leadership-senior-ownership": 1,
            "leadership-resources": 2,
            "delivery-projects": 1,
            "delivery-activities": 3,
            "leadership-old-duty": 4,
        },
    )
    _cycle(coordinator, middle, 2023, {"leadership-senior-ownership": 2, "leadership-funding": 3})
    _cycle(coordinator, newest, 2024, {"leadership-senior-ownership": 4, "leadership-finance": 4})
    draft = start(coordinator, newest, 2025, carry_forward=False)
    rate(coordinator.user, draft, {"leadership-senior-ownership": (3, None)})
    assessments = analysis.partnership_self_assessments(
        user=coordinator.user, partnership=coordinator.partnership
    )
    framework = old.framework

    found = analysis.partnership_trends(assessments=assessments, framework=framework)

    assert [c.label for c in found.cycles] == ["2022–23", "2023–24", "2024–25"]
    assert found.versions == ["1.0", "1.1", "1.2"]
    assert found.reference == "1.2"
    assert "through the version mappings" in found.method
    rows = {c.identifier: c for c in found.criteria}
    finance = rows["leadership-finance"]
    assert [cell.kind for cell in finance.cells] == ["split", "renamed", "same"]
    assert [cell.label for cell in finance.cells] == [
        "2 – Developing",
        "3 – Established",
        "4 – Leading",
    ]
    assert finance.cells[0].note == "as leadership-resources, before it was split"
    assert finance.cells[1].note == "as leadership-funding"
    assert finance.note == "Split and renamed across framework versions"
    assert rows["communities-confidence"].note == "New in a later framework version"
    portfolio = rows["delivery-portfolio"]
    assert portfolio.cells[0].kind == "merged"
    assert portfolio.cells[0].label == (
        "delivery-projects: 1 – Not in place; delivery-activities: 3 – Established"
    )
    assert [cell.kind for cell in rows["communities-confidence"].cells] == ["new", "same", "same"]
    assert rows["communities-confidence"].cells[0].label == "Not in this version"
    assert [(r.identifier, r.labels) for r in found.retired] == [
        ("leadership-old-duty", ["4 – Leading", None, None])
    ]
    # Each cycle's leadership score in its own version: (0 + 33.3 + 100) / 3 with the old
    # duty, then (33.3 + 66.7) / 2, then (100 + 100) / 2.
    leadership = next(t for t in found.themes if t.identifier == "leadership")
    assert leadership.scores == [pytest.approx(400 / 9), pytest.approx(50.0), 100.0]
    assert [t.identifier for t in found.themes] == ["leadership", "delivery", "communities"]
    assert found.themes[2].scores == [None, None, None]
    # Communities came in with version 1.1: not rated since, absent before.
    assert found.themes[2].cells == [(None, False), (None, True), (None, True)]

    with_current = analysis.partnership_trends(
        assessments=assessments, framework=framework, include_current=True
    )

    assert [c.published for c in with_current.cycles] == [True, True, True, False]
    assert with_current.overall.scores[-1] == pytest.approx(200 / 3)


def test_trends_read_in_a_fixed_number_of_queries(coordinator, version, django_assert_num_queries):
    for year in (2021, 2022, 2023):
        _cycle(coordinator, version, year, {"ownership": 2})
    assessments = analysis.partnership_self_assessments(
        user=coordinator.user, partnership=coordinator.partnership
    )
    framework = version.framework
    with django_assert_num_queries(4):
        found = analysis.partnership_trends(assessments=assessments, framework=framework)
    assert found.overall.scores == [pytest.approx(100 / 3)] * 3


def test_a_self_assessment_and_its_review_compare_in_one_period(coordinator, framework_version):
    own, review, peer, _ = peer_reviewed(coordinator, framework_version, 2025)

    result = analysis.assessment_comparison(user=peer, assessment=own, other=review)

    assert (result.before.kind, result.after.kind) == (AssessmentKind.SELF, "peer_review")
    board = {c.identifier: c for c in result.criteria}["board"]
    assert (board.change_levels, board.reason) == (-1, "Less mature than claimed.")


def test_the_period_label_is_short_for_an_axis():
    assert analysis.period_label(date(2024, 4, 1), date(2025, 3, 31)) == "2024–25"
    assert analysis.period_label(date(2024, 1, 1), date(2024, 12, 31)) == "2024"
    assert analysis.period_label(date(2024, 4, 1), date(2026, 3, 31)) == "2024–2026"
