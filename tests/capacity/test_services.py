"""Capacity services: each write audited, bad input refused with a field error, only the
partnership's coordinators write; and the selectors' answers on the builder's records."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lde.accounts.models import Organisation, Post, PostHolding
from lde.action_plans.models import Action
from lde.capacity import selectors, services
from lde.capacity.models import BoardMeeting, TrainingAttendance, TrainingSession
from lde.core.access.policy import PermissionDenied403
from lde.core.audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _errors(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return error.value.message_dict


def test_every_write_of_the_builder_is_audited(cast: dict[str, Any]) -> None:
    verbs = list(
        AuditEvent.objects.filter(partnership_id=cast["partnership"].pk)
        .order_by("sequence")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        "BOARD_MEMBER_ADDED",
        "BOARD_MEMBER_ADDED",
        "TERMS_OF_REFERENCE_AGREED",
        "BOARD_MEETING_RECORDED",
        "BOARD_DECISION_RECORDED",
        "SCRUTINY_SESSION_RECORDED",
        "COURSE_ADDED",
        "TRAINING_SESSION_RECORDED",
        "TEAM_ADDED",
        "TEAM_ADDED",
        "TRAINING_ATTENDANCE_RECORDED",
        "TRAINING_ATTENDANCE_RECORDED",
        "TRAINING_ATTENDANCE_RECORDED",
        "COMMUNITY_RELATIONSHIP_RECORDED",
        "COMMUNITY_RELATIONSHIP_RECORDED",
    ]


def test_an_attendance_for_a_post_that_did_not_exist_that_day_is_refused(
    cast: dict[str, Any],
) -> None:
    """The issue's bad input: the session was held before the post was set up, and nobody held
    it by then."""
    coordinator = cast["people"]["coordinator"]
    new_post = Post.objects.create(organisation=cast["council"], kind="other", title="New post")
    session = TrainingSession.objects.get(pk=cast["session_id"])
    session.held_on = timezone.localdate() - timedelta(days=400)
    session.save()
    with pytest.raises(ValidationError) as refused:
        services.training_attendance_record(actor=coordinator, session=session, post=new_post)
    day = session.held_on
    assert _errors(refused) == {
        "post": [f"“New post” did not exist on {day:%-d %B %Y}, the day of the session"]
    }
    assert not TrainingAttendance.objects.filter(post=new_post).exists()


def test_a_post_held_by_the_session_day_existed_then(cast: dict[str, Any]) -> None:
    """A post entered later with its history: its holding shows it existed."""
    coordinator = cast["people"]["coordinator"]
    session = TrainingSession.objects.get(pk=cast["session_id"])
    session.held_on = timezone.localdate() - timedelta(days=400)
    session.save()
    post = Post.objects.create(organisation=cast["council"], kind="other", title="Old post")
    PostHolding.objects.create(
        post=post, user=UserFactory(organisation=cast["council"]), started_on=session.held_on
    )
    record = services.training_attendance_record(actor=coordinator, session=session, post=post)
    assert (record.post_id, record.team_id, record.number_trained) == (post.pk, None, 1)
    event = AuditEvent.objects.filter(verb="TRAINING_ATTENDANCE_RECORDED").latest("sequence")
    assert event.target_id == str(record.pk)


@pytest.mark.parametrize(
    ("which", "field", "message"),
    [
        ("neither", "post", "Choose a post or a team, not both"),
        ("both", "post", "Choose a post or a team, not both"),
        (
            "too_many",
            "number_trained",
            "Number trained must be between 1 and 40, the team's headcount",
        ),
        (
            "stranger",
            "post",
            "“Stranger's post” is not a post of one of the partnership's organisations",
        ),
    ],
)
def test_attendance_bad_input(cast: dict[str, Any], which: str, field: str, message: str) -> None:
    from lde.capacity.models import Team

    coordinator = cast["people"]["coordinator"]
    session = TrainingSession.objects.get(pk=cast["session_id"])
    team = Team.objects.get(pk=cast["capacity_team_id"])
    post = Post.objects.get(pk=cast["capacity_officer_post_id"])
    stranger = Post.objects.create(
        organisation=Organisation.objects.create(name="Elsewhere", type="council"),
        kind="other",
        title="Stranger's post",
    )
    kwargs: dict[str, Any] = {
        "neither": {},
        "both": {"post": post, "team": team},
        "too_many": {"team": team, "number_trained": 41},
        "stranger": {"post": stranger},
    }[which]
    before = TrainingAttendance.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.training_attendance_record(actor=coordinator, session=session, **kwargs)
    assert _errors(refused) == {field: [message]}
    assert TrainingAttendance.objects.count() == before


def test_only_coordinators_write(cast: dict[str, Any]) -> None:
    for role in ("board_member", "contributor", "viewer", "community_reviewer"):
        with pytest.raises(PermissionDenied403):
            services.course_add(
                actor=cast["people"][role],
                partnership=cast["partnership"],
                title="Not mine",
                provider="P",
                kind="course",
            )
    with pytest.raises(PermissionDenied403):
        services.course_add(
            actor=cast["outsider"],
            partnership=cast["partnership"],
            title="Not mine",
            provider="P",
            kind="course",
        )


def test_a_meeting_is_attended_by_members_of_the_board_only(cast: dict[str, Any]) -> None:
    officer = Post.objects.get(pk=cast["capacity_officer_post_id"])
    with pytest.raises(ValidationError) as refused:
        services.board_meeting_record(
            actor=cast["people"]["coordinator"],
            partnership=cast["partnership"],
            held_on=timezone.localdate() - timedelta(days=7),
            attended_by=[officer],
        )
    assert _errors(refused) == {
        "attended_by": ["“Capacity Community Officer” does not sit on the board"]
    }


def test_a_decision_links_only_an_action_of_its_own_partnership(cast: dict[str, Any]) -> None:
    meeting = BoardMeeting.objects.get(pk=cast["meeting_id"])
    elsewhere = Action(partnership=cast["other"], title="Elsewhere")
    with pytest.raises(ValidationError) as refused:
        services.board_decision_record(
            actor=cast["people"]["coordinator"],
            meeting=meeting,
            decision="Link it",
            action=elsewhere,
        )
    assert _errors(refused) == {"action": ["Choose an action of this partnership's action plan"]}


def test_the_personal_data_guard_refuses_identifiers_in_free_text(cast: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as refused:
        services.community_relationship_record(
            actor=cast["people"]["coordinator"],
            partnership=cast["partnership"],
            organisation=Organisation.objects.create(name="Guarded", type="faith"),
            nature="Ring the chair on 07700 900123 or chair@example.test",
            held_by=[Post.objects.get(pk=cast["capacity_officer_post_id"])],
        )
    assert list(_errors(refused)) == ["nature"]
    assert "must not hold a person's details" in _errors(refused)["nature"][0]


def test_coverage_names_the_kinds_missing(cast: dict[str, Any]) -> None:
    found = selectors.coverage(user=cast["people"]["viewer"], partnership=cast["partnership"])
    missing = [k.label for k in found.missing]
    assert "Police authority" in missing
    assert "UK Border Agency" in missing
    assert "Youth service" in missing
    assert "Culture and leisure" in missing
    assert "Council" not in missing
    assert [s.examined for s in found.scrutiny] == ["The Prevent action plan."]


def test_training_shows_the_share_of_each_team_and_the_under_trained(
    cast: dict[str, Any],
) -> None:
    found = selectors.training(user=cast["people"]["viewer"], partnership=cast["partnership"])
    shares = {(t.team.name, t.trained, t.percent, t.under_trained) for t in found.teams}
    assert shares == {
        ("Capacity front-line staff", 4, 10, True),
        ("Capacity neighbourhood team", 8, 80, False),
    }
    assert [t.team.name for t in found.under_trained] == ["Capacity front-line staff"]


def test_a_relationship_held_by_one_post_is_a_single_point_of_failure_with_a_deputy(
    cast: dict[str, Any],
) -> None:
    found = selectors.relationships(user=cast["people"]["viewer"], partnership=cast["partnership"])
    sole = found.single_points_of_failure
    assert [(r.relationship.organisation.name, r.holders[0].title) for r in sole] == [
        ("Capacity Mosque Trust", "Capacity Community Officer")
    ]
    # Another post of the same organisation, the Prevent posts first.
    assert sole[0].deputy is not None
    assert sole[0].deputy.title == "Capacity Prevent Coordinator"
    services.community_relationship_holders_change(
        actor=cast["people"]["coordinator"],
        relationship=sole[0].relationship,
        held_by=[sole[0].holders[0], sole[0].deputy],
    )
    again = selectors.relationships(user=cast["people"]["viewer"], partnership=cast["partnership"])
    assert again.single_points_of_failure == []
    assert AuditEvent.objects.filter(verb="COMMUNITY_RELATIONSHIP_HOLDERS_CHANGED").count() == 1


def test_leadership_by_level_and_turnover_in_prevent_posts(cast: dict[str, Any]) -> None:
    prevent = Post.objects.get(pk=cast["capacity_prevent_post_id"])
    council = cast["council"]
    PostHolding.objects.create(
        post=prevent,
        user=UserFactory(organisation=council),
        started_on=timezone.localdate().replace(year=2024, month=3, day=1),
        ended_on=timezone.localdate().replace(year=2025, month=2, day=1),
    )
    found = selectors.leadership(user=cast["people"]["viewer"], partnership=cast["partnership"])
    titles = {level: [p.title for p in posts] for level, _label, posts in found.levels}
    assert "Capacity Chief Executive" in titles["strategic"]
    assert "Capacity Prevent Coordinator" in titles["tactical"]
    assert "Capacity Community Officer" in titles["delivery"]
    assert found.turnover == [(2024, 1, 0), (2025, 0, 1)]
