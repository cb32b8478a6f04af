"""The narrative's writes: the lifecycle, sign-off by parties only, the guard, publication, and
every refusal in the service's own words."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lde.core.access.policy import PermissionDenied403
from lde.core.audit.models import AuditEvent
from lde.core.refusals import Conflict
from lde.narratives import selectors, services
from lde.narratives.models import (
    CommentFrom,
    NarrativeTransition,
    NarrativeVersion,
    PlanKind,
    VersionStatus,
)
from lde.narratives.sections import GUIDES, REQUIRED_KEYS, SectionKey
from tests.narratives.conftest import (
    SUMMARY,
    Cast,
    approved,
    name_to_sign,
    ready_draft,
    write_every_section,
)

pytestmark = pytest.mark.django_db


def _verbs(version: NarrativeVersion) -> list[str]:
    return list(
        AuditEvent.objects.filter(
            target_type="narratives.narrativeversion", target_id=str(version.pk)
        )
        .order_by("pk")
        .values_list("verb", flat=True)
    )


def test_a_first_version_has_every_section_empty_in_the_reports_order(cast: Cast) -> None:
    version = services.version_start(actor=cast.coordinator, partnership=cast.partnership)
    assert version.number == 1
    assert version.status == VersionStatus.DRAFT
    assert [s.key for s in selectors.sections_of(version=version)] == [g.key for g in GUIDES]
    assert all(s.text == "" for s in selectors.sections_of(version=version))
    assert _verbs(version) == ["NARRATIVE_VERSION_STARTED"]


def test_only_one_version_is_open_at_a_time(cast: Cast) -> None:
    services.version_start(actor=cast.coordinator, partnership=cast.partnership)
    with pytest.raises(Conflict):
        services.version_start(actor=cast.coordinator, partnership=cast.partnership)


def test_only_a_coordinator_starts_a_version(cast: Cast) -> None:
    with pytest.raises(PermissionDenied403):
        services.version_start(actor=cast.board_member, partnership=cast.partnership)


def test_a_shared_version_can_be_signed_by_each_named_party_and_is_then_approved(
    cast: Cast,
) -> None:
    version = ready_draft(cast)
    services.version_share(actor=cast.coordinator, version=version)
    services.version_sign(actor=cast.board_member, version=version)
    version.refresh_from_db()
    assert version.status == VersionStatus.SHARED
    services.version_sign(actor=cast.police_board_member, version=version)
    version.refresh_from_db()
    assert version.status == VersionStatus.APPROVED
    assert version.approved_at is not None
    assert list(
        NarrativeTransition.objects.filter(version=version).values_list("from_status", "to_status")
    ) == [("draft", "shared"), ("shared", "approved")]
    assert _verbs(version)[-4:] == [
        "NARRATIVE_SHARED",
        "NARRATIVE_SIGNED",
        "NARRATIVE_SIGNED",
        "NARRATIVE_APPROVED",
    ]


def test_sign_off_by_an_organisation_that_is_not_a_party_is_refused(cast: Cast) -> None:
    version = ready_draft(cast)
    services.version_share(actor=cast.coordinator, version=version)
    with pytest.raises(PermissionDenied403) as refused:
        services.version_sign(actor=cast.outsider_board_member, version=version)
    assert "not a party" in refused.value.message
    assert not version.signatories.filter(signed_at__isnull=False).exists()


def test_naming_an_organisation_that_is_not_a_party_to_sign_is_refused(cast: Cast) -> None:
    version = services.version_start(actor=cast.coordinator, partnership=cast.partnership)
    with pytest.raises(ValidationError) as refused:
        name_to_sign(cast, version, [cast.council, cast.outsider_organisation], public_summary="")
    assert refused.value.message_dict["signatories"] == [
        "Only partner organisations of the partnership sign its narrative: Not a party is not "
        "a party"
    ]


def test_a_party_not_named_to_sign_is_refused_and_a_second_signature_conflicts(
    cast: Cast,
) -> None:
    version = ready_draft(cast, signatories=[cast.council])
    services.version_share(actor=cast.coordinator, version=version)
    with pytest.raises(ValidationError) as refused:
        services.version_sign(actor=cast.police_board_member, version=version)
    assert refused.value.messages == [
        "Your organisation is not one of those named to sign this version off"
    ]
    services.version_sign(actor=cast.board_member, version=version)
    version.refresh_from_db()
    assert version.status == VersionStatus.APPROVED


def test_sharing_with_a_required_section_empty_is_refused(cast: Cast) -> None:
    version = ready_draft(cast)
    services.section_update(
        actor=cast.coordinator, version=version, key=SectionKey.VISION, text="   "
    )
    with pytest.raises(ValidationError) as refused:
        services.version_share(actor=cast.coordinator, version=version)
    assert refused.value.messages == [
        "The version cannot be shared with a required section empty: write The vision of success"
    ]


def test_an_optional_section_may_stay_empty(cast: Cast) -> None:
    assert SectionKey.WIDER_SHARING not in REQUIRED_KEYS
    version = ready_draft(cast)
    services.section_update(
        actor=cast.coordinator, version=version, key=SectionKey.WIDER_SHARING, text=""
    )
    services.version_share(actor=cast.coordinator, version=version)
    version.refresh_from_db()
    assert version.status == VersionStatus.SHARED


def test_sign_off_with_guard_findings_is_refused(cast: Cast) -> None:
    version = ready_draft(cast)
    services.section_update(
        actor=cast.coordinator,
        version=version,
        key=SectionKey.LOCAL_CONTEXT,
        text="Ring the youth worker on 07700 900123.",
    )
    services.version_share(actor=cast.coordinator, version=version)
    with pytest.raises(ValidationError) as refused:
        services.version_sign(actor=cast.board_member, version=version)
    assert "Phone number in The local context, line 1" in refused.value.messages[0]


def test_a_comment_holding_an_identifier_is_refused_and_not_stored(cast: Cast) -> None:
    version = ready_draft(cast)
    services.version_share(actor=cast.coordinator, version=version)
    with pytest.raises(ValidationError) as refused:
        services.comment_add(
            actor=cast.community_reviewer, version=version, text="Email me at a.b@example.org"
        )
    assert "email address" in refused.value.message_dict["text"][0]
    assert not version.comments.exists()


def test_comments_from_partners_and_the_consultative_group(cast: Cast) -> None:
    version = ready_draft(cast)
    partner = services.comment_add(actor=cast.viewer, version=version, text="Add the college.")
    with pytest.raises(PermissionDenied403):
        services.comment_add(actor=cast.community_reviewer, version=version, text="Too early")
    services.version_share(actor=cast.coordinator, version=version)
    community = services.comment_add(
        actor=cast.community_reviewer,
        version=version,
        text="Say more about the youth centre.",
        section=SectionKey.VISION,
    )
    assert (partner.written_as, community.written_as) == (
        CommentFrom.PARTNER,
        CommentFrom.COMMUNITY,
    )
    assert community.section == SectionKey.VISION
    assert _verbs(version).count("NARRATIVE_COMMENTED") == 2


def test_publishing_without_approval_is_refused(cast: Cast) -> None:
    version = ready_draft(cast)
    services.version_share(actor=cast.coordinator, version=version)
    with pytest.raises(ValidationError) as refused:
        services.version_publish(actor=cast.coordinator, version=version)
    assert refused.value.messages == [
        "Only an approved version's summary is published: every organisation named to sign "
        "this version must sign it off first"
    ]
    version.refresh_from_db()
    assert version.published_at is None


def test_publishing_a_summary_with_guard_findings_is_refused(cast: Cast) -> None:
    version = approved(cast)
    # Written behind the services' back, as a summary changed in the database would be: the
    # guard reads it again at publication.
    NarrativeVersion.objects.filter(pk=version.pk).update(
        public_summary=SUMMARY + " Contact 020 7946 0000."
    )
    with pytest.raises(ValidationError) as refused:
        services.version_publish(actor=cast.coordinator, version=version)
    assert "Phone number in Public summary" in refused.value.messages[0]
    assert "cannot be published" in refused.value.messages[0]


def test_publishing_an_approved_version_and_the_next_supersedes_it(cast: Cast) -> None:
    first = approved(cast)
    services.version_publish(actor=cast.coordinator, version=first)
    first.refresh_from_db()
    assert first.published_by == cast.coordinator
    with pytest.raises(Conflict):
        services.version_publish(actor=cast.coordinator, version=first)
    with pytest.raises(PermissionDenied403):
        services.version_publish(actor=cast.board_member, version=first)
    second = services.version_start(actor=cast.coordinator, partnership=cast.partnership)
    assert second.number == 2
    assert selectors.sections_of(version=second)[0].text.endswith("will do.")
    services.version_share(actor=cast.coordinator, version=second)
    services.version_sign(actor=cast.board_member, version=second)
    services.version_sign(actor=cast.police_board_member, version=second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (VersionStatus.SUPERSEDED, VersionStatus.APPROVED)
    assert "NARRATIVE_SUPERSEDED" in _verbs(first)


def test_returning_to_draft_sets_signatures_aside(cast: Cast) -> None:
    version = ready_draft(cast)
    services.version_share(actor=cast.coordinator, version=version)
    services.version_sign(actor=cast.board_member, version=version)
    with pytest.raises(ValidationError):
        services.version_return(actor=cast.coordinator, version=version, reason=" ")
    services.version_return(actor=cast.coordinator, version=version, reason="Add the college")
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT
    assert not version.signatories.filter(signed_at__isnull=False).exists()
    last = version.transitions.last()
    assert last is not None and last.reason == "Add the college"


def test_a_shared_version_is_not_changed(cast: Cast) -> None:
    version = ready_draft(cast)
    services.version_share(actor=cast.coordinator, version=version)
    with pytest.raises(ValidationError) as refused:
        services.section_update(
            actor=cast.coordinator, version=version, key=SectionKey.VISION, text="New"
        )
    assert refused.value.messages == ["Take the version back from consultation before changing it"]


def test_the_register_of_plans(cast: Cast) -> None:
    version = services.version_start(actor=cast.coordinator, partnership=cast.partnership)
    plan = services.plan_add(
        actor=cast.coordinator,
        version=version,
        kind=PlanKind.COMMUNITY_SAFETY,
        name="Community safety plan 2026-29",
        organisation=cast.police,
        how_carried="A Prevent priority with its own measures.",
    )
    with pytest.raises(ValidationError) as refused:
        services.plan_add(
            actor=cast.coordinator,
            version=version,
            kind="nonsense",
            name=" ",
            organisation=cast.outsider_organisation,
            how_carried="",
        )
    assert set(refused.value.message_dict) == {"kind", "name", "organisation", "how_carried"}
    services.plan_remove(actor=cast.coordinator, version=version, plan_id=plan.pk)
    assert not version.mainstream_plans.exists()
    assert _verbs(version)[-2:] == ["NARRATIVE_PLAN_ADDED", "NARRATIVE_PLAN_REMOVED"]


def test_freshness_and_the_review_panel_selector(cast: Cast) -> None:
    day = timezone.localdate()
    version = approved(cast)
    assert selectors.due_for_review(user=cast.coordinator, day=day) == []
    NarrativeVersion.objects.filter(pk=version.pk).update(
        review_on=day - timedelta(days=1), influences_reviewed_on=day - timedelta(days=400)
    )
    version.refresh_from_db()
    fresh = selectors.freshness(version=version, day=day)
    assert (fresh.up_to_date, fresh.complete, fresh.influences_recent) == (False, True, False)
    assert selectors.due_for_review(user=cast.coordinator, day=day) == [version]
    assert selectors.due_for_review(user=cast.board_member, day=day) == []


def test_the_difference_between_two_versions_is_read_section_by_section(cast: Cast) -> None:
    first = approved(cast)
    second = services.version_start(actor=cast.coordinator, partnership=cast.partnership)
    services.section_update(
        actor=cast.coordinator,
        version=second,
        key=SectionKey.VISION,
        text="The vision of success: a new line.",
    )
    rows = {r.label: r for r in selectors.version_difference(older=first, newer=second)}
    vision = rows["The vision of success"]
    assert vision.changed
    assert [(line.kind, line.text) for line in vision.lines] == [
        ("removed", "The vision of success: what the partnership knows and will do."),
        ("added", "The vision of success: a new line."),
    ]
    assert not rows["The local context"].changed


def test_a_missing_section_after_write_every_section_is_none(cast: Cast) -> None:
    version = services.version_start(actor=cast.coordinator, partnership=cast.partnership)
    write_every_section(cast, version)
    assert selectors.empty_required_sections(version=version) == []
