"""The demo's inspection programme: over the three fictional partnerships, one site's report
published, one in the factual-accuracy check, one visited with notes; run again, it adds
nothing."""

from __future__ import annotations

import pytest

from lde.assessments.models import AssessmentStatus
from lde.frameworks.demo import demo_build as frameworks_demo
from lde.inspections.demo import TITLE, demo_build
from lde.inspections.models import InterviewNote, Programme, ProgrammeStatus, SiteStatus
from lde.partnerships.demo import demo_build as foundation_demo

pytestmark = pytest.mark.django_db


def test_the_demo_programme_has_a_site_at_each_step_and_runs_twice() -> None:
    foundation_demo()
    frameworks_demo()
    demo_build()
    demo_build()
    programme = Programme.objects.get(title=TITLE)
    assert Programme.objects.count() == 1
    assert programme.status == ProgrammeStatus.FIELDWORK
    assert programme.lead.is_programme_lead is True
    steps = {s.partnership.name: s for s in programme.sites.select_related("assessment")}
    assert {name: site.status for name, site in steps.items()} == {
        "Harrowfield Prevent Partnership": SiteStatus.PUBLISHED,
        "Kestlebury Prevent Partnership": SiteStatus.FACTUAL_ACCURACY,
        "Marden Vale Prevent Partnership": SiteStatus.VISITED,
    }
    harrowfield = steps["Harrowfield Prevent Partnership"].assessment
    kestlebury = steps["Kestlebury Prevent Partnership"].assessment
    assert harrowfield is not None and harrowfield.status == AssessmentStatus.PUBLISHED
    assert kestlebury is not None and kestlebury.status == AssessmentStatus.SUBMITTED
    assert InterviewNote.objects.filter(visit__site__programme=programme).count() == 6
