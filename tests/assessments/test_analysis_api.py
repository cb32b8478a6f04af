"""The analysis API: the same figures as the pages, under the same policies, with every refusal
one the document declares."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lde.accounts.services import api_token_create
from lde.assessments import services
from lde.assessments.models import Assessment, AssessmentStatus
from lde.partnerships.models import Role
from tests.assessments.builders import start
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def api(user: Any) -> Client:
    _, raw = api_token_create(actor=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def rate(actor: Any, assessment: Assessment, ratings: dict[str, tuple[int | None, int | None]]):
    for response in assessment.responses.select_related("criterion"):
        rating, target = ratings.get(response.criterion.identifier, (None, None))
        services.response_update(
            actor=actor,
            response=response,
            seen_revision=response.revision,
            rating=rating,
            target=target,
            commentary=f"On {response.criterion.identifier}.",
        )


def publish(assessment: Assessment) -> None:
    Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.PUBLISHED)


@pytest.fixture
def cycles(coordinator: Any, framework_version: Any) -> tuple[Assessment, Assessment]:
    first = start(coordinator, framework_version, 2024)
    rate(coordinator.user, first, {"ownership": (2, 4), "board": (2, 3), "projects": (1, 2)})
    publish(first)
    second = start(coordinator, framework_version, 2025)
    rate(coordinator.user, second, {"ownership": (3, 4), "board": (2, 3)})
    publish(second)
    return first, second


def test_the_gaps_read_gives_the_scores_and_the_criteria_by_gap(coordinator, cycles):
    _, second = cycles

    body = api(coordinator.user).get(f"/api/v1/assessments/{second.pk}/gaps").json()

    assert body["overall"] == {
        "theme": None,
        "title": "Overall",
        "weight": 1.0,
        "score": 50.0,
        "target": 83.33,
        "gap": 33.33,
        "criteria": 3,
        "rated": 2,
        "not_rated": 1,
        "with_target": 2,
    }
    assert [t["score"] for t in body["themes"]] == [50.0, None]
    assert [(c["criterion"], c["gap_levels"], c["standing"]) for c in body["criteria"]] == [
        ("ownership", 1, "below target"),
        ("board", 1, "below target"),
        ("projects", None, "not rated"),
    ]
    assert body["scales"] == [
        {"identifier": "maturity", "title": "Maturity", "lowest": 1, "highest": 4}
    ]
    assert "never treated as zero" in body["method"]


def test_the_comparison_withholds_reasons_from_summary_readers(coordinator, cycles):
    first, second = cycles
    reviewer = MembershipFactory(partnership=coordinator.partnership, role=Role.COMMUNITY_REVIEWER)
    url = f"/api/v1/assessments/{second.pk}/compare/{first.pk}"

    full = api(coordinator.user).get(url).json()
    summary = api(reviewer.user).get(url).json()

    assert (full["before"]["id"], full["after"]["id"], full["matched_by"]) == (
        first.pk,
        second.pk,
        "same version",
    )
    assert full["counts"] == {
        "up": 1,
        "down": 0,
        "unchanged": 1,
        "newly_rated": 0,
        "no_longer_rated": 1,
        "not_rated": 0,
    }
    ownership = full["criteria"][0]
    assert (ownership["criterion"], ownership["change_levels"], ownership["reason"]) == (
        "ownership",
        1,
        "On ownership.",
    )
    assert ownership["change_points"] == 33.33
    assert summary["in_full"] is False
    assert [c["reason"] for c in summary["criteria"]] == [None, None, None]


def test_comparing_with_an_invisible_or_unrelated_assessment_is_refused(
    coordinator, cycles, framework_version
):
    _, second = cycles
    elsewhere = start(MembershipFactory(role=Role.COORDINATOR), framework_version, 2025)
    client = api(coordinator.user)

    hidden = client.get(f"/api/v1/assessments/{second.pk}/compare/{elsewhere.pk}")
    itself = client.get(f"/api/v1/assessments/{second.pk}/compare/{second.pk}")

    assert (hidden.status_code, hidden.json()) == (404, {"detail": "Not found."})
    assert (itself.status_code, itself.json()) == (
        400,
        {"detail": "Choose a different assessment to compare with."},
    )


def test_the_trends_read_follows_the_published_cycles(coordinator, cycles):
    client = api(coordinator.user)
    url = f"/api/v1/assessments/partnership/{coordinator.partnership_id}/trends"

    body = client.get(url).json()
    unknown = client.get(url, {"framework": "nope"})

    assert (body["framework"], body["versions"], body["reference_version"]) == (
        "cycle-check",
        ["1.0"],
        "1.0",
    )
    assert [c["label"] for c in body["cycles"]] == ["2024–25", "2025–26"]
    assert body["overall"] == {"theme": None, "title": "Overall", "scores": [16.67, 50.0]}
    assert body["criteria"][0]["cells"] == [
        {
            "link": "same",
            "sources": [{"criterion": "ownership", "title": "Ownership", "rating": 2}],
        },
        {
            "link": "same",
            "sources": [{"criterion": "ownership", "title": "Ownership", "rating": 3}],
        },
    ]
    assert unknown.status_code == 404


def test_trends_of_a_partnership_you_cannot_see_are_not_found(coordinator, cycles):
    outsider = MembershipFactory(role=Role.COORDINATOR)

    found = api(outsider.user).get(
        f"/api/v1/assessments/partnership/{coordinator.partnership_id}/trends"
    )

    assert found.status_code == 404
