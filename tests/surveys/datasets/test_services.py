"""Uploading a survey with its design, and the refusals that change nothing and name the row and
column; saving, removing and attaching estimates, each audited."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import ValidationError

from lde.core.access.policy import PermissionDenied403
from lde.core.audit.models import AuditEvent
from lde.surveys.datasets import demo, services
from lde.surveys.models import Calibration, LonelyPsu, SavedEstimate, Statistic, SurveyDataSet
from tests.surveys.datasets.conftest import SURVEY, World

pytestmark = pytest.mark.django_db


def edited(change: dict[tuple[int, str], str], data: bytes = SURVEY) -> bytes:
    """The survey with cells changed: (row as a spreadsheet numbers it, column) → text."""
    rows = list(csv.reader(io.StringIO(data.decode())))
    header = rows[0]
    for (row, column), text in change.items():
        rows[row - 1][header.index(column)] = text
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def refused(world: World, data: bytes, **kwargs: object) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        world.upload(data, **kwargs)  # type: ignore[arg-type]
    assert not SurveyDataSet.objects.exists()
    assert not AuditEvent.objects.filter(verb="SURVEY_DATA_SET_UPLOADED").exists()
    return caught.value.message_dict


def test_the_demo_survey_is_uploaded_with_its_design_and_audited(world: World) -> None:
    data_set = world.upload()
    rows = demo.survey_rows()
    assert (data_set.row_count, data_set.columns) == (len(rows), list(demo.COLUMNS))
    assert 1_300 <= data_set.row_count <= 1_700
    assert data_set.rows[0] == rows[0]
    assert (data_set.weights_column, data_set.strata_column, data_set.cluster_column) == (
        "weight",
        "ward",
        "street",
    )
    event = AuditEvent.objects.get(verb="SURVEY_DATA_SET_UPLOADED")
    assert (event.actor_id, event.partnership_id, event.target_id) == (
        world.coordinator.pk,
        world.partnership.pk,
        str(data_set.pk),
    )


def test_the_same_seed_gives_the_same_survey() -> None:
    assert demo.survey_csv(7) == demo.survey_csv(7)
    assert demo.survey_csv(7) != demo.survey_csv(8)


def test_a_zero_weight_changes_nothing_and_names_the_row_and_column(world: World) -> None:
    problems = refused(world, edited({(7, "weight"): "0"}))
    assert list(problems) == ["weights_column"]
    message = problems["weights_column"][0]
    assert "row 7" in message.lower() and "weight" in message


def test_a_negative_weight_is_refused_naming_the_row(world: World) -> None:
    message = refused(world, edited({(12, "weight"): "-1.5"}))["weights_column"][0]
    assert "row 12" in message.lower()


def test_a_missing_stratum_is_refused_naming_the_row_and_column(world: World) -> None:
    message = refused(world, edited({(30, "ward"): ""}))["strata_column"][0]
    assert "row 30" in message.lower() and "ward" in message


def test_a_missing_cluster_id_is_refused_naming_the_row(world: World) -> None:
    message = refused(world, edited({(44, "street"): ""}))["cluster_column"][0]
    assert "row 44" in message.lower() and "street" in message


def test_an_fpc_smaller_than_the_sample_is_refused(world: World) -> None:
    rows = list(csv.reader(io.StringIO(SURVEY.decode())))
    change = {
        (number, "streets_in_ward"): "3"
        for number, row in enumerate(rows, 1)
        if row[1] == "Millbrook"
    }
    message = refused(world, edited(change))["fpc_column"][0]
    assert "streets_in_ward" in message


def test_a_lonely_psu_is_refused_by_default_and_adjusted_on_request(world: World) -> None:
    """A ward with one street sampled: refused naming the stratum, unless the person chose
    how to treat it."""
    rows = list(csv.reader(io.StringIO(SURVEY.decode())))
    change = {
        (number, "street"): "MI-01" for number, row in enumerate(rows, 1) if row[1] == "Millbrook"
    }
    problems = refused(world, edited(change))
    assert "Millbrook" in " ".join(m for ms in problems.values() for m in ms)
    adjusted = services.Design(**{**demo.DESIGN.__dict__, "lonely_psu": LonelyPsu.ADJUST})
    data_set = world.upload(edited(change), design=adjusted)
    assert data_set.lonely_psu == LonelyPsu.ADJUST


def test_a_design_column_not_in_the_file_is_refused(world: World) -> None:
    design = services.Design(**{**demo.DESIGN.__dict__, "weights_column": "wt"})
    assert refused(world, SURVEY, design=design) == {
        "weights_column": ["The file has no column called wt"]
    }


def test_a_file_that_is_not_a_table_is_refused(world: World) -> None:
    problems = refused(world, b"%PDF-1.4 not a survey", name="survey.csv")
    assert list(problems) == ["file"]


def test_an_email_address_in_a_response_is_refused_naming_the_row(world: World) -> None:
    message = refused(world, edited({(9, "tenure"): "write to a.person@example.org"}))["file"][0]
    assert message.startswith("Row 9, column tenure:")
    assert "example.org" not in message


def test_only_a_coordinator_uploads(world: World) -> None:
    for user in (world.board_member, world.viewer, world.inspector, world.stranger):
        with pytest.raises(PermissionDenied403):
            services.data_set_upload(
                actor=user,
                partnership=world.partnership,
                title="t",
                source="s",
                period_start=None,
                period_end=None,
                upload=services.Upload("s.csv", SURVEY),
                design=demo.DESIGN,
            )
    assert not SurveyDataSet.objects.exists()


def totals_file(column: str, totals: dict[str, float]) -> services.Upload:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([column, "Freq"])
    for value, freq in totals.items():
        writer.writerow([value, freq])
    return services.Upload(f"{column}.csv", out.getvalue().encode())


AGE_TOTALS = {"16-34": 21_000.0, "35-54": 24_000.0, "55 and over": 20_000.0}


def test_post_stratification_to_totals_weights_the_estimates_to_them(world: World) -> None:
    design = services.Design(**{**demo.DESIGN.__dict__, "calibration": Calibration.POSTSTRATIFY})
    data_set = world.upload(design=design, totals=(totals_file("age_band", AGE_TOTALS),))
    assert data_set.calibration_totals == {"age_band": AGE_TOTALS}
    [whole] = services.estimates_compute(
        data_set=data_set, statistic=Statistic.TOTAL, outcome="belonging"
    )
    by_age = services.estimates_compute(
        data_set=data_set, statistic=Statistic.MEAN, outcome="belonging", domain_column="age_band"
    )
    assert sum(r["weighted_n"] for r in by_age) == pytest.approx(sum(AGE_TOTALS.values()))
    assert whole["weighted_n"] == pytest.approx(65_000.0)


def test_raking_needs_two_totals_files_and_uses_them(world: World) -> None:
    design = services.Design(**{**demo.DESIGN.__dict__, "calibration": Calibration.RAKE})
    problems = refused(world, SURVEY, design=design, totals=(totals_file("age_band", AGE_TOTALS),))
    assert problems == {"totals": ["Raking needs a totals file for each of two or more columns"]}
    tenure = {"Owned": 36_000.0, "Rented privately": 14_000.0, "Social housing": 14_500.0}
    tenure["Other"] = 500.0
    data_set = world.upload(
        design=design,
        totals=(totals_file("age_band", AGE_TOTALS), totals_file("tenure", tenure)),
    )
    assert set(data_set.calibration_totals) == {"age_band", "tenure"}


def test_estimates_have_design_effects_and_the_whole_sample_and_domains(world: World) -> None:
    data_set = world.upload()
    by_ward = services.estimates_compute(
        data_set=data_set,
        statistic=Statistic.PROPORTION,
        outcome="confident_reporting_hate_crime",
        value="Yes",
        domain_column="ward",
    )
    # In R's order: the domain column's values sorted.
    assert [r["domain"] for r in by_ward] == ["Castle Hill", "Millbrook", "Northgate", "Riverside"]
    for row in by_ward:
        assert 0 < row["estimate"] < 1
        assert row["ci_low"] < row["estimate"] < row["ci_high"]
        assert row["se"] > 0 and row["deff"] > 0 and row["df"] > 0
        assert row["t_ci_low"] is not None
    [whole] = services.estimates_compute(
        data_set=data_set, statistic=Statistic.MEAN, outcome="belonging"
    )
    assert whole["domain"] is None
    assert whole["n"] == data_set.row_count
    assert whole["deff"] > 1  # clustered by street: worse than simple random sampling


def test_a_non_numeric_outcome_is_refused_naming_the_row_and_column(world: World) -> None:
    data_set = world.upload()
    with pytest.raises(ValidationError) as caught:
        services.estimates_compute(data_set=data_set, statistic=Statistic.MEAN, outcome="tenure")
    [message] = caught.value.message_dict["outcome"]
    assert "row 2" in message.lower() and "tenure" in message


def test_saving_an_estimate_keeps_the_results_as_computed_and_audits(world: World) -> None:
    data_set = world.upload()
    estimate = services.estimate_save(
        actor=world.coordinator,
        data_set=data_set,
        statistic=Statistic.PROPORTION,
        outcome="confident_reporting_hate_crime",
        value="Yes",
        domain_column="ward",
        note="For the board",
    )
    assert estimate.ci_method == "logit"
    assert len(estimate.results) == 4
    assert estimate.results == services.estimates_compute(
        data_set=data_set,
        statistic=Statistic.PROPORTION,
        outcome="confident_reporting_hate_crime",
        value="Yes",
        domain_column="ward",
        ci_method="logit",
    )
    assert "lde.surveys.statistics" in estimate.engine_version
    assert AuditEvent.objects.filter(verb="SURVEY_ESTIMATE_SAVED", target_id=str(estimate.pk))
    with pytest.raises(PermissionDenied403):
        services.estimate_save(
            actor=world.viewer, data_set=data_set, statistic="mean", outcome="belonging"
        )
    services.estimate_remove(actor=world.coordinator, estimate=estimate)
    assert not SavedEstimate.objects.exists()
    assert AuditEvent.objects.filter(verb="SURVEY_ESTIMATE_REMOVED").count() == 1


def test_a_question_that_does_not_fit_the_data_set_names_the_field(world: World) -> None:
    data_set = world.upload()
    with pytest.raises(ValidationError) as caught:
        services.estimate_save(
            actor=world.coordinator,
            data_set=data_set,
            statistic=Statistic.PROPORTION,
            outcome="nope",
            domain_column="ward",
        )
    assert set(caught.value.message_dict) == {"outcome", "value"}


def test_removing_a_data_set_removes_its_estimates_and_is_audited(world: World) -> None:
    data_set = world.upload()
    services.estimate_save(
        actor=world.coordinator, data_set=data_set, statistic="mean", outcome="belonging"
    )
    with pytest.raises(PermissionDenied403):
        services.data_set_remove(actor=world.board_member, data_set=data_set)
    services.data_set_remove(actor=world.coordinator, data_set=data_set)
    assert not SurveyDataSet.objects.exists() and not SavedEstimate.objects.exists()
    assert AuditEvent.objects.filter(verb="SURVEY_DATA_SET_REMOVED").count() == 1
