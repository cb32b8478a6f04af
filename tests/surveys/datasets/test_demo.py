"""The demo's survey: uploaded through the service with its design, estimates saved, one attached
as evidence to a progress-measures criterion; running the builder again adds nothing."""

from __future__ import annotations

import pytest

from lde.assessments.demo import demo_build as assessments_demo
from lde.assessments.models import Evidence
from lde.frameworks.demo import demo_build as frameworks_demo
from lde.partnerships.demo import demo_build as partnerships_demo
from lde.surveys.datasets import demo
from lde.surveys.models import SavedEstimate, SurveyDataSet

pytestmark = pytest.mark.django_db


def test_the_demo_survey_its_estimates_and_its_evidence() -> None:
    partnerships_demo()
    frameworks_demo()
    assessments_demo()
    demo.demo_build()
    data_set = SurveyDataSet.objects.get(title=demo.TITLE)
    assert data_set.row_count == len(demo.survey_rows())
    assert SavedEstimate.objects.filter(data_set=data_set).count() == len(demo.ESTIMATES)
    evidence = Evidence.objects.get(title__startswith="Survey: Proportion")
    assert evidence.response.criterion.identifier == demo.CRITERION
    assert evidence.response.assessment.framework_version.framework.identifier == (
        "progress-measures"
    )
    demo.demo_build()
    assert SurveyDataSet.objects.count() == 1
    assert SavedEstimate.objects.count() == len(demo.ESTIMATES)
