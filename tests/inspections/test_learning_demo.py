"""The demo's cross-site learning, added to a programme: findings of each kind, key learning,
two case studies (one taken into the library), two sites' feedback and an advisory comment;
run again, it adds nothing."""

from __future__ import annotations

import pytest

from lde.inspections.demo_learning import learning_demo_build
from lde.inspections.models import ProgrammeStatus
from lde.inspections.models_learning import (
    AdvisoryComment,
    CaseStudy,
    CaseStudyStatus,
    Finding,
    FindingKind,
    KeyLearning,
    SiteFeedback,
)
from tests.inspections.learning_builders import world_build

pytestmark = pytest.mark.django_db


def test_the_demo_learning_has_every_kind_and_state_and_runs_twice() -> None:
    world = world_build(status=ProgrammeStatus.PUBLISHED)
    learning_demo_build(world.programme)
    learning_demo_build(world.programme)
    assert set(Finding.objects.values_list("kind", flat=True)) == set(FindingKind.values)
    assert Finding.objects.count() == 4
    assert KeyLearning.objects.count() == 1
    assert sorted(CaseStudy.objects.values_list("status", flat=True)) == sorted(
        [CaseStudyStatus.IN_LIBRARY, CaseStudyStatus.DRAFT]
    )
    assert CaseStudy.objects.get(status=CaseStudyStatus.IN_LIBRARY).library_entry is not None
    assert SiteFeedback.objects.count() == 2
    assert AdvisoryComment.objects.count() == 1
    world.programme.refresh_from_db()
    assert world.programme.status == ProgrammeStatus.PUBLISHED
