"""Starting the next cycle cannot make a permanent mistake in one click: a cycle may not overlap
an open one of the same framework, only a published cycle is carried forward, and a draft started
by mistake can be abandoned, with a reason, after a page that says what will happen."""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from lde.assessments import services
from lde.assessments.models import (
    Assessment,
    AssessmentKind,
    AssessmentStatus,
    AssessmentTransition,
)
from lde.assessments.selectors import assessments_needing_attention
from lde.core.access.policy import PermissionDenied403
from lde.core.audit.models import AuditEvent
from lde.partnerships.models import Role
from tests.assessments.builders import peer_reviewed, rate_all, start
from tests.conftest import sign_in
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def text(response: Any) -> str:
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(unescape(body).split())


def error_summary(response: Any) -> list[str]:
    html = response.content.decode()
    found = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    assert found, "the page has no error summary"
    items = re.findall(r"<li><a href=\"#[^\"]+\">(.*?)</a></li>", found.group(0), re.S)
    return [unescape(item).strip() for item in items]


def form_as_filled_in(html: str, action: str) -> dict[str, str]:
    """What the page's form sends if its button is pressed without changing anything."""
    form = re.search(rf'<form method="post" action="{re.escape(action)}".*?</form>', html, re.S)
    assert form
    data: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", form.group(0)):
        name = re.search(r'name="([^"]+)"', tag)
        if name is None:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        if 'type="checkbox"' in tag and "checked" not in tag:
            continue
        data[name.group(1)] = unescape(value.group(1)) if value else ""
    for name, options in re.findall(
        r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form.group(0), re.S
    ):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', options)
        data[name] = chosen.group(1) if chosen else ""
    return data


def published(assessment: Assessment) -> Assessment:
    Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.PUBLISHED)
    assessment.refresh_from_db()
    return assessment


def test_a_cycle_overlapping_an_open_one_is_refused(coordinator, framework_version) -> None:
    draft = start(coordinator, framework_version, 2026)
    with pytest.raises(ValidationError) as refused:
        services.assessment_start(
            actor=coordinator.user,
            partnership=coordinator.partnership,
            kind=AssessmentKind.SELF,
            framework_version=framework_version,
            title="Self-assessment again",
            period_start=date(2027, 1, 1),
            period_end=date(2027, 12, 31),
        )
    assert refused.value.message_dict == {
        "period_start": [
            "Self-assessment 2026 (1 April 2026 to 31 March 2027) covers part of this period and "
            "is still draft. Publish or abandon it first, or choose a period that does not "
            "overlap it"
        ]
    }
    # A period after it is another cycle, and once abandoned its own period is free again.
    assert start(coordinator, framework_version, 2027).period_start == date(2027, 4, 1)
    services.assessment_abandon(actor=coordinator.user, assessment=draft, reason="Wrong dates.")
    assert start(coordinator, framework_version, 2026).status == AssessmentStatus.DRAFT


def test_only_the_latest_published_cycle_is_carried_forward(coordinator, framework_version):
    earlier = start(coordinator, framework_version, 2024)
    rate_all(coordinator.user, earlier, 2)
    published(earlier)
    unpublished = start(coordinator, framework_version, 2025)
    rate_all(coordinator.user, unpublished, 4)
    services.assessment_submit(
        actor=coordinator.user, assessment=unpublished, no_personal_data_declared=True
    )
    nxt = start(coordinator, framework_version, 2026)
    assert nxt.carried_from_id == earlier.pk
    assert set(nxt.responses.values_list("rating", "carried_forward")) == {(2, True)}


def test_the_start_page_sent_unchanged_while_a_draft_is_open_is_refused(
    coordinator, framework_version
) -> None:
    """The newcomer's mistake: 2025-26 published, 2026-27 a draft, the start form sent as it
    came. It is refused, and the page said beforehand what would be carried and what is open."""
    earlier = start(coordinator, framework_version, 2025)
    rate_all(coordinator.user, earlier, 3)
    published(earlier)
    start(coordinator, framework_version, 2026)
    client = sign_in(Client(), coordinator.user)
    url = reverse("assessments:assessment-start", args=[coordinator.partnership.pk])
    page = client.get(url)
    shown = text(page)
    assert (
        "What will be carried forward: the ratings, targets, commentary and evidence of "
        "Self-assessment 2025 (1 April 2025 to 31 March 2026), the latest published cycle of "
        "this framework." in shown
    )
    assert (
        "Self-assessment 2026 (1 April 2026 to 31 March 2027) is still draft. A new cycle of "
        "this framework cannot cover any of that period" in shown
    )
    before = Assessment.objects.count()
    answer = client.post(url, form_as_filled_in(page.content.decode(), url))
    assert answer.status_code == 400
    assert error_summary(answer) == [
        "Self-assessment 2026 (1 April 2026 to 31 March 2027) covers part of this period and is "
        "still draft. Publish or abandon it first, or choose a period that does not overlap it"
    ]
    assert Assessment.objects.count() == before


def test_with_nothing_published_the_start_page_says_nothing_will_be_carried(
    coordinator, framework_version
) -> None:
    client = sign_in(Client(), coordinator.user)
    page = client.get(reverse("assessments:assessment-start", args=[coordinator.partnership.pk]))
    assert (
        "Nothing will be carried forward: the partnership has no published self-assessment of "
        "this framework, so the new cycle starts empty." in text(page)
    )


def test_a_coordinator_abandons_a_draft_after_a_confirmation_page(
    coordinator, framework_version
) -> None:
    draft = start(coordinator, framework_version, 2026)
    client = sign_in(Client(), coordinator.user)
    detail = reverse("assessments:assessment-detail", args=[draft.pk])
    url = reverse("assessments:assessment-abandon", args=[draft.pk])
    assert f'href="{url}"' in client.get(detail).content.decode()

    page = client.get(url)
    assert page.status_code == 200
    shown = text(page)
    assert "Are you sure you want to abandon Self-assessment 2026?" in shown
    assert "What will happen" in shown and "Who will see it" in shown
    assert "You cannot undo this." in shown
    assert '<button type="submit" class="govuk-button govuk-button--warning"' in (
        page.content.decode()
    )
    assert "Abandon this draft</button>" in page.content.decode()

    empty = client.post(url, {"reason": "  "})
    assert empty.status_code == 400
    assert error_summary(empty) == ["Enter why the draft is being abandoned"]
    too_long = client.post(url, {"reason": "x" * 2001})
    assert error_summary(too_long) == ["The reason must be 2,000 characters or fewer"]
    assert Assessment.objects.get(pk=draft.pk).status == AssessmentStatus.DRAFT

    done = client.post(url, {"reason": "Started by mistake."}, follow=True)
    assert done.redirect_chain[-1][0] == reverse(
        "assessments:assessment-list", args=[coordinator.partnership.pk]
    )
    assert "Self-assessment 2026 is abandoned." in text(done)
    assert "Self-assessment 2026" in text(done) and "Abandoned" in text(done)
    assert Assessment.objects.get(pk=draft.pk).status == AssessmentStatus.ABANDONED
    row = AssessmentTransition.objects.get(assessment=draft, to_status=AssessmentStatus.ABANDONED)
    assert (row.from_status, row.actor_id, row.reason) == (
        AssessmentStatus.DRAFT,
        coordinator.user.pk,
        "Started by mistake.",
    )
    assert AuditEvent.objects.filter(
        verb="ASSESSMENT_ABANDONED", target_id=str(draft.pk), actor_id=coordinator.user.pk
    ).exists()
    # Kept, and said to be abandoned, but nobody's work any more.
    kept = text(client.get(detail))
    assert "This draft was abandoned on" in kept and "Started by mistake." in kept
    assert assessments_needing_attention(user=coordinator.user) == []
    assert "Assessments needing your attention" not in text(client.get("/"))
    assert client.get(url).status_code == 403


def test_only_coordinators_abandon_and_only_drafts(coordinator, framework_version) -> None:
    draft = start(coordinator, framework_version, 2026)
    board = MembershipFactory(partnership=coordinator.partnership, role=Role.BOARD_MEMBER).user
    url = reverse("assessments:assessment-abandon", args=[draft.pk])
    assert sign_in(Client(), board).get(url).status_code == 403
    with pytest.raises(PermissionDenied403):
        services.assessment_abandon(actor=board, assessment=draft, reason="Mine to drop.")
    rate_all(coordinator.user, draft, 3)
    services.assessment_submit(
        actor=coordinator.user, assessment=draft, no_personal_data_declared=True
    )
    with pytest.raises(ValidationError):
        services.assessment_abandon(actor=coordinator.user, assessment=draft, reason="Too late.")


def test_draft_reviews_of_an_abandoned_draft_are_abandoned_with_it(
    coordinator, framework_version
) -> None:
    own, review, _, _ = peer_reviewed(coordinator, framework_version, 2025)
    Assessment.objects.filter(pk=review.pk).update(status=AssessmentStatus.DRAFT)
    services.assessment_return_to_draft(
        actor=coordinator.user, assessment=own, reason="More to add."
    )
    services.assessment_abandon(actor=coordinator.user, assessment=own, reason="Merged.")
    assert Assessment.objects.get(pk=review.pk).status == AssessmentStatus.ABANDONED
    row = AssessmentTransition.objects.get(assessment=review, to_status=AssessmentStatus.ABANDONED)
    assert (row.actor_id, row.reason) == (None, "Self-assessment 2025 was abandoned: Merged.")


def test_no_action_is_raised_on_an_abandoned_draft(coordinator, framework_version) -> None:
    from lde.action_plans import services as action_services
    from lde.action_plans.models import Action

    draft = start(coordinator, framework_version, 2026)
    services.assessment_abandon(actor=coordinator.user, assessment=draft, reason="Wrong year.")
    draft.refresh_from_db()
    criterion = draft.responses.select_related("criterion").first().criterion
    with pytest.raises(ValidationError, match="abandoned"):
        action_services.action_raise(
            actor=coordinator.user,
            assessment=draft,
            criteria=[criterion],
            title="Close the gap",
            description="On a cycle set aside.",
            owner=coordinator.user,
            owner_organisation=coordinator.partnership.lead_council,
            due_on=date(2027, 1, 31),
        )
    assert not Action.objects.exists()
    page = sign_in(Client(), coordinator.user).get(f"/assessments/{draft.pk}/")
    assert "Raise an action" not in text(page)


def test_an_abandoned_draft_is_not_offered_for_comparison(coordinator, framework_version) -> None:
    from lde.assessments.analysis import comparable_assessments

    earlier = start(coordinator, framework_version, 2025)
    draft = start(coordinator, framework_version, 2026)
    assert comparable_assessments(user=coordinator.user, assessment=draft) == [earlier]
    services.assessment_abandon(actor=coordinator.user, assessment=earlier, reason="Set aside.")
    assert comparable_assessments(user=coordinator.user, assessment=draft) == []
