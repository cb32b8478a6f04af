"""The pages, the API and the command line: an upload with a zero weight shows the GOV.UK error
summary naming the row and column and saves nothing; estimates with design effects; small
domains withheld outside the partnership; exports with the design written out; attaching an
estimate to a progress-measures criterion; query counts that do not grow with the data."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

import lde
from lde.accounts.services import api_token_create
from lde.assessments import services as assessment_services
from lde.assessments.models import AssessmentKind, Evidence
from lde.frameworks.models import CriterionKind
from lde.frameworks.services import framework_load_file
from lde.surveys.datasets import demo, services
from lde.surveys.models import SavedEstimate, SurveyDataSet
from tests.conftest import sign_in
from tests.factories import PASSWORD
from tests.surveys.datasets.conftest import SURVEY, World
from tests.surveys.datasets.test_services import edited

pytestmark = pytest.mark.django_db


def client_for(user: object) -> Client:
    return sign_in(Client(), user)


def bearer(user: Any) -> str:
    _, raw = api_token_create(actor=user, name="test")
    return f"Bearer {raw}"


UPLOAD = {
    "title": "Residents' survey",
    "source": "A fictional survey",
    "period_start-day": "1",
    "period_start-month": "9",
    "period_start-year": "2025",
    "period_end-day": "30",
    "period_end-month": "11",
    "period_end-year": "2025",
    "weights_column": "weight",
    "strata_column": "ward",
    "cluster_column": "street",
    "fpc_column": "streets_in_ward",
    "lonely_psu": "fail",
    "calibration": "none",
}


def test_an_upload_with_a_zero_weight_shows_the_error_summary_and_saves_nothing(
    world: World,
) -> None:
    client = client_for(world.coordinator)
    url = reverse("survey_data:data-set-upload", args=[world.partnership.pk])
    data = {**UPLOAD, "file": SimpleUploadedFile("s.csv", edited({(7, "weight"): "0"}))}
    response = client.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "row 7" in page.lower() and "weight" in page
    assert not SurveyDataSet.objects.exists()
    data = {**UPLOAD, "file": SimpleUploadedFile("s.csv", SURVEY)}
    response = client.post(url, data)
    assert response.status_code == 302
    assert SurveyDataSet.objects.get().row_count == len(demo.survey_rows())


def test_the_estimates_page_shows_design_effects_and_withholds_small_domains_outside(
    world: World,
) -> None:
    data_set = world.upload()
    url = reverse("survey_data:data-set-estimates", args=[data_set.pk])
    query = {"statistic": "mean", "outcome": "trust_police", "domain_column": "tenure"}
    inside = client_for(world.viewer).get(url, query).content.decode()
    assert "Design effect" in inside and "Weights: the column weight." in inside
    other = sum(1 for row in demo.survey_rows() if row[6] == "Other")
    assert 0 < other < 10
    assert "Fewer than 10 responses: not shown outside the partnership." in inside
    outside = client_for(world.inspector).get(url, query).content.decode()
    assert "Withheld: fewer than 10 responses" in outside
    bad = client_for(world.viewer).get(url, {"statistic": "mean", "outcome": "tenure"})
    assert bad.status_code == 400 and "govuk-error-summary" in bad.content.decode()


def test_saving_exporting_and_attaching_an_estimate(world: World) -> None:
    data_set = world.upload()
    client = client_for(world.coordinator)
    response = client.post(
        reverse("survey_data:data-set-estimates", args=[data_set.pk]),
        {
            "statistic": "proportion",
            "outcome": "confident_reporting_hate_crime",
            "value": "Yes",
            "domain_column": "ward",
            "note": "",
        },
    )
    estimate = SavedEstimate.objects.get()
    assert response.status_code == 302
    csv_text = client.get(
        reverse("survey_data:estimate-export", args=[estimate.pk, "csv"])
    ).content.decode()
    assert csv_text.startswith("# Survey: Residents' survey")
    assert "# Strata: the column ward." in csv_text and "deff" in csv_text
    xlsx = client.get(reverse("survey_data:estimate-export", args=[estimate.pk, "xlsx"]))
    book = load_workbook(
        io.BytesIO(b"".join(xlsx.streaming_content if xlsx.streaming else [xlsx.content]))
    )
    assert book.sheetnames == ["estimates", "design"]
    assert book["estimates"].max_row == 5  # the header and four wards
    # A draft progress-measures self-assessment to attach it to.
    loaded = framework_load_file(
        actor=None, path=Path(lde.__file__).parent / "frameworks/data/progress-measures-1.0.yaml"
    )
    version = loaded.version
    assessment = assessment_services.assessment_start(
        actor=world.coordinator,
        partnership=world.partnership,
        kind=AssessmentKind.SELF,
        framework_version=version,
        title="Progress measures",
        period_start=date(2025, 4, 1),
        period_end=date(2026, 3, 31),
    )
    response_row = assessment.responses.filter(criterion__kind=CriterionKind.CRITERION).first()
    assert response_row is not None
    attach = reverse("survey_data:estimate-attach", args=[estimate.pk])
    answer = client.post(attach, {"response": str(response_row.pk), "domain": "Northgate"})
    assert answer.status_code == 302
    evidence = Evidence.objects.get(response=response_row)
    assert evidence.kind == "link"
    assert evidence.title.startswith("Survey: Proportion of confident_reporting_hate_crime = Yes")
    assert "ward = Northgate" in evidence.title and "95% CI" in evidence.title
    assert evidence.url.endswith(reverse("survey_data:estimate-detail", args=[estimate.pk]))


def test_the_pages_make_as_many_queries_for_many_estimates_as_for_one(
    world: World, django_assert_max_num_queries: object
) -> None:
    data_set = world.upload()
    client = client_for(world.viewer)
    url = reverse("survey_data:data-set-detail", args=[data_set.pk])
    services.estimate_save(
        actor=world.coordinator, data_set=data_set, statistic="mean", outcome="belonging"
    )
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(4):
        services.estimate_save(
            actor=world.coordinator, data_set=data_set, statistic="mean", outcome="trust_police"
        )
    with CaptureQueriesContext(connection) as five:
        client.get(url)
    assert len(five) == len(one)
    estimate = SavedEstimate.objects.first()
    assert estimate is not None
    detail = reverse("survey_data:estimate-detail", args=[estimate.pk])
    with CaptureQueriesContext(connection) as small:
        client.get(detail)
    by_ward = services.estimate_save(
        actor=world.coordinator,
        data_set=data_set,
        statistic="mean",
        outcome="belonging",
        domain_column="street",
    )
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("survey_data:estimate-detail", args=[by_ward.pk]))
    assert len(many) == len(small)


def test_the_api_refuses_a_zero_weight_with_the_field_named(world: World) -> None:
    client = Client(headers={"Authorization": bearer(world.coordinator)})
    url = f"/api/v1/surveys/partnerships/{world.partnership.pk}/data-sets"
    fields = {k: v for k, v in UPLOAD.items() if "-" not in k}
    fields.update({"period_start": "2025-09-01", "period_end": "2025-11-30"})
    bad = client.post(
        url, {**fields, "file": SimpleUploadedFile("s.csv", edited({(5, "weight"): "0"}))}
    )
    assert bad.status_code == 400
    assert "row 5" in bad.json()["errors"]["weights_column"][0].lower()
    assert not SurveyDataSet.objects.exists()
    good = client.post(url, {**fields, "file": SimpleUploadedFile("s.csv", SURVEY)})
    assert good.status_code == 201
    data_set_id = good.json()["id"]
    estimates = client.get(
        f"/api/v1/surveys/data-sets/{data_set_id}/estimates",
        {"statistic": "proportion", "outcome": "confident_reporting_hate_crime", "value": "Yes"},
    ).json()["estimates"]
    assert len(estimates) == 1 and estimates[0]["deff"] > 0 and estimates[0]["domain"] is None


def test_the_command_line_imports_and_refuses_naming_the_row(
    world: World, tmp_path: object
) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    bad = folder / "bad.csv"
    bad.write_bytes(edited({(9, "weight"): "0"}))
    common = [
        "--title", "T", "--source", "S", "--from", "2025-09-01", "--to", "2025-11-30",
        "--weights", "weight", "--strata", "ward", "--cluster", "street",
        "--fpc", "streets_in_ward", "--as", world.coordinator.email,
    ]  # fmt: skip
    with pytest.raises(CommandError) as refused:
        call_command("surveys", "import-data", str(world.partnership.pk), str(bad), *common)
    assert "--weights:" in str(refused.value) and "row 9" in str(refused.value).lower()
    assert not SurveyDataSet.objects.exists()
    good = folder / "good.csv"
    good.write_bytes(SURVEY)
    call_command("surveys", "import-data", str(world.partnership.pk), str(good), *common)
    data_set = SurveyDataSet.objects.get()
    services.estimate_save(
        actor=world.coordinator, data_set=data_set, statistic="mean", outcome="belonging"
    )
    out = folder / "out.csv"
    call_command(
        "surveys", "export-estimates", str(data_set.pk), str(out), "--as", world.viewer.email
    )
    assert out.read_text().startswith("# Survey: T")
    assert PASSWORD  # the factories' users sign in with it; the command needs none
