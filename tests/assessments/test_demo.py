"""The assessments demo: loads, loads again without duplicates, shows every workflow state, and
keeps the audit trail whole."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db.models import Count

from lde.assessments import demo as assessments_demo
from lde.assessments.models import (
    Assessment,
    AssessmentKind,
    AssessmentStatus,
    AssessmentTransition,
    Contribution,
    CriterionResponse,
    Evidence,
    EvidenceKind,
    FactualAccuracyComment,
    ModerationDecision,
    OrganisationSignOff,
    RaterRating,
)
from lde.assessments.policies import assessment_policy
from lde.assessments.services import evidence_path
from lde.core.access.facts import today
from lde.core.audit.chain import audit_verify
from lde.frameworks import demo as frameworks_demo
from lde.partnerships import demo as partnerships_demo
from lde.partnerships.models import Assignment, AssignmentKind, Partnership
from tests.conftest import kept_for_the_module

pytestmark = pytest.mark.django_db

MODELS = [
    Assessment,
    AssessmentTransition,
    CriterionResponse,
    RaterRating,
    Evidence,
    Contribution,
    OrganisationSignOff,
    ModerationDecision,
    FactualAccuracyComment,
]


def build() -> None:
    partnerships_demo.demo_build()
    frameworks_demo.demo_build()
    assessments_demo.demo_build()


def counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in MODELS}


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The demo, built once for the module and rolled back at its end; each test's own writes
    are rolled back after it."""
    with kept_for_the_module(django_db_blocker):
        build()
        yield


@pytest.fixture(autouse=True)
def _clean_private_dirs() -> Iterator[None]:
    """Replaces tests/conftest.py's: the demo's evidence files stay until the module ends."""
    yield


def test_running_it_twice_makes_no_duplicates_and_every_state_is_present(demo: None) -> None:
    first = counts()
    build()
    assert counts() == first
    statuses = set(Assessment.objects.values_list("status", flat=True))
    assert statuses == set(AssessmentStatus.values)
    returned = AssessmentTransition.objects.get(to_status=AssessmentStatus.DRAFT)
    assert returned.reason.strip()
    assert returned.assessment.status == AssessmentStatus.PUBLISHED
    assert audit_verify().problems == []


def test_marden_vale_abandoned_next_years_cycle_started_by_mistake(demo: None) -> None:
    year = assessments_demo.financial_year(today())
    abandoned = Assessment.objects.get(status=AssessmentStatus.ABANDONED)
    assert (abandoned.partnership.name, abandoned.period_start.year) == (
        "Marden Vale Prevent Partnership",
        year + 1,
    )
    moved = abandoned.transitions.get()
    assert (moved.from_status, moved.to_status) == ("draft", "abandoned")
    assert moved.reason == assessments_demo.ABANDON_REASON
    # Carried from last year's published cycle, not this year's open draft.
    assert abandoned.carried_from is not None
    assert abandoned.carried_from.status == AssessmentStatus.PUBLISHED


def test_each_partnership_has_three_published_cycles_and_a_current_draft(demo: None) -> None:
    year = assessments_demo.financial_year(today())
    for partnership in Partnership.objects.all():
        cycles = list(
            Assessment.objects.filter(
                partnership=partnership,
                kind=AssessmentKind.SELF,
                framework_version__framework__identifier="prevent-partnership-model",
            )
            .exclude(status=AssessmentStatus.ABANDONED)
            .order_by("period_start")
        )
        assert [(c.period_start.year, c.status) for c in cycles] == [
            (year - 3, AssessmentStatus.PUBLISHED),
            (year - 2, AssessmentStatus.PUBLISHED),
            (year - 1, AssessmentStatus.PUBLISHED),
            (year, AssessmentStatus.DRAFT),
        ], partnership
        # Each cycle carries the last one forward; this year's is only partly confirmed.
        assert [c.carried_from_id for c in cycles] == [None, *[c.pk for c in cycles[:-1]]]
        draft = cycles[-1].responses
        assert 0 < draft.filter(carried_forward=True).count() < draft.count()
        # A PDF of its own, stored with the hash of its content, carried into every cycle.
        files = Evidence.objects.filter(
            response__assessment__partnership=partnership, kind=EvidenceKind.FILE
        )
        assert files.values("stored_name").distinct().count() == 1
        pdf = files.first()
        assert pdf is not None
        content = evidence_path(pdf).read_bytes()
        assert content.startswith(b"%PDF-1.4") and content.rstrip().endswith(b"%%EOF")
        assert hashlib.sha256(content).hexdigest() == pdf.content_hash
        # Contributors' organisations signed off the published cycles.
        for cycle in cycles[:-1]:
            assert cycle.sign_offs.count() == 2
            assert cycle.contributions.exclude(organisation=None).exists()


def test_the_trend_mostly_rises_with_some_flat_and_some_falling(demo: None) -> None:
    for partnership in Partnership.objects.all():
        first, middle, last = (
            dict(cycle.responses.values_list("criterion__identifier", "rating"))
            for cycle in Assessment.objects.filter(
                partnership=partnership,
                kind=AssessmentKind.SELF,
                status=AssessmentStatus.PUBLISHED,
                framework_version__framework__identifier="prevent-partnership-model",
            ).order_by("period_start")
        )
        rated = [k for k in last if None not in (first[k], middle[k], last[k])]
        rose = [k for k in rated if last[k] > first[k]]  # type: ignore[operator]
        flat = [k for k in rated if first[k] == middle[k] == last[k]]
        fell = [k for k in rated if last[k] < middle[k]]  # type: ignore[operator]
        assert len(rose) > len(rated) / 2, partnership
        assert flat, partnership
        assert 1 <= len(fell) <= 2, partnership


def test_harrowfield_was_moderated_against_kestleburys_peer_review(demo: None) -> None:
    review = Assessment.objects.get(kind=AssessmentKind.PEER_REVIEW)
    reviewed = review.reviews
    assert reviewed is not None
    assert reviewed.partnership.name == "Harrowfield Prevent Partnership"
    assert reviewed.status == AssessmentStatus.PUBLISHED
    assert not reviewed.published_without_review
    assert [t.to_status for t in reviewed.transitions.all()] == [
        AssessmentStatus.SUBMITTED,
        AssessmentStatus.MODERATED,
        AssessmentStatus.PUBLISHED,
    ]
    assert review.status == AssessmentStatus.PUBLISHED
    assert review.factual_accuracy_comments.count() == 2
    assert reviewed.moderation_decisions.exclude(reason="").count() >= 4
    assignment = Assignment.objects.get(kind=AssignmentKind.PEER_REVIEWER)
    assert assignment.subject_reference == f"assessment:{reviewed.pk}"
    peer = assignment.user
    assert peer.email == "peer.reviewer@kestlebury.demo.invalid"
    harrowfield = set(
        assessment_policy.visible_to(peer, "view")
        .filter(partnership=reviewed.partnership)
        .values_list("pk", flat=True)
    )
    assert harrowfield == {reviewed.pk, review.pk}
    # The others went out after the board's sign-off, and say so.
    others = Assessment.objects.filter(
        kind=AssessmentKind.SELF, status=AssessmentStatus.PUBLISHED
    ).exclude(pk=reviewed.pk)
    assert others.count() == 8
    assert all(a.published_without_review and a.board_signed_off_at for a in others)


def test_several_raters_differ_and_the_consensus_says_why(demo: None) -> None:
    spread = (
        CriterionResponse.objects.annotate(raters=Count("rater_ratings"))
        .filter(raters__gte=2)
        .exclude(consensus_reason="")
    )
    assert spread.count() >= 9


def test_all_text_is_fictional_and_links_go_to_example_org(demo: None) -> None:
    urls = Evidence.objects.filter(kind=EvidenceKind.LINK).values_list("url", flat=True)
    assert urls and all(u.startswith("https://example.org/") for u in urls)
    emails = re.compile(r"[\w.]+@[\w.]+")
    for commentary in CriterionResponse.objects.values_list("commentary", flat=True):
        assert not emails.search(commentary)


def test_the_summary_pdf_is_well_formed() -> None:
    pdf = assessments_demo.summary_pdf(["A (fictional) line", "Another \\ line"])
    start = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert pdf[start:].startswith(b"xref\n0 6\n")
    offsets = [int(line[:10]) for line in pdf[start:].split(b"\n")[3:8]]
    for number, offset in enumerate(offsets, start=1):
        assert pdf[offset:].startswith(b"%d 0 obj" % number)
