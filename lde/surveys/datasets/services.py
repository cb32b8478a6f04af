"""Writes to survey data sets: uploading one with its design, saving and removing estimates,
and attaching an estimate as evidence to an assessment's criterion. Each is checked against
the policy, audited, in one transaction.

An upload is refused whole, with nothing saved, when the file is not a survey table, when a
column named by the design is not in it, when the personal-data guard finds a person's
identifiers in it, or when the statistics engine cannot build the design from it (a zero
weight, a missing stratum or cluster id, an fpc smaller than the sample, a lonely PSU): the
engine names the row and the column, and so does the refusal.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from lde.accounts.models import User
from lde.assessments import services as assessment_services
from lde.assessments.models import CriterionResponse, Evidence
from lde.core import personal_data
from lde.core.audit.chain import audit_record
from lde.core.audit.models import AuditScope
from lde.core.files import safe_file_name
from lde.partnerships.models import Partnership
from lde.surveys.datasets import engine
from lde.surveys.datasets.policies import saved_estimate_policy, survey_data_set_policy
from lde.surveys.datasets.tables import read_table, read_totals
from lde.surveys.models import (
    Calibration,
    CiMethod,
    LonelyPsu,
    SavedEstimate,
    Statistic,
    SurveyDataSet,
)

DESIGN_COLUMNS = (
    "weights_column",
    "strata_column",
    "cluster_column",
    "cluster2_column",
    "fpc_column",
    "fpc2_column",
)
# Distinct text values scanned per column: a survey's answers are mostly codes and categories;
# a column of free text is scanned in full up to this many values.
GUARD_VALUES_PER_COLUMN = 5_000


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: its name and its bytes (from a page, the API or the CLI)."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Design:
    weights_column: str = ""
    strata_column: str = ""
    cluster_column: str = ""
    cluster2_column: str = ""
    fpc_column: str = ""
    fpc2_column: str = ""
    lonely_psu: str = LonelyPsu.FAIL
    calibration: str = Calibration.NONE


def _audit(actor: User, verb: str, target: Any, partnership_id: int, **detail: Any) -> None:
    audit_record(
        actor=actor,
        verb=verb,
        target=target,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=partnership_id,
        detail=detail or None,
    )


def _guard_text(texts: dict[str, tuple[str, str]]) -> dict[str, str]:
    """The personal-data guard on what people type: a data set is described by who ran the
    survey and how, never by a person's details."""
    errors = {}
    for field, (label, text) in texts.items():
        findings = personal_data.scan_text(text or "")
        if findings:
            kinds = ", ".join(sorted({f.kind.lower() for f in findings}))
            errors[field] = (
                f"{label} must not hold a person's details: the guard found {kinds}. "
                "Describe the survey and who ran it only"
            )
    return errors


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _guard_rows(columns: list[str], rows: list[list[str]]) -> str | None:
    """The first cell that looks like a person's identifier, named by row and column: survey
    responses are anonymous, and a file with an email address or a phone number in it is not
    kept."""
    for position, column in enumerate(columns):
        seen: set[str] = set()
        for number, row in enumerate(rows, start=2):
            text = row[position]
            if not text or text in seen or _is_number(text):
                continue
            seen.add(text)
            if len(seen) > GUARD_VALUES_PER_COLUMN:
                break
            findings = personal_data.scan_text(text)
            if findings:
                return (
                    f"Row {number}, column {column}: this looks like a person's details "
                    f"({findings[0].kind.lower()}). Survey responses must be anonymous: remove "
                    "the column or the details and upload the file again"
                )
    return None


def _check_fields(
    *, title: str, source: str, period_start: date | None, period_end: date | None
) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not title.strip():
        problems["title"] = "Enter the survey's title"
    if not source.strip():
        problems["source"] = "Enter who ran the survey and how it was sampled"
    if period_start is None:
        problems["period_start"] = "Enter the date the survey's fieldwork started"
    if period_end is None:
        problems["period_end"] = "Enter the date the survey's fieldwork ended"
    if period_start and period_end and period_start > period_end:
        problems["period_end"] = "The end of the fieldwork must be on or after its start"
    problems.update(_guard_text({"title": ("The title", title), "source": ("The source", source)}))
    return problems


@transaction.atomic
def data_set_upload(
    *,
    actor: User,
    partnership: Partnership,
    title: str,
    source: str,
    period_start: date | None,
    period_end: date | None,
    upload: Upload,
    design: Design,
    totals: Sequence[Upload] = (),
) -> SurveyDataSet:
    """Keep a survey's responses with its design, once the statistics engine has built the
    design from them; refuse the whole upload otherwise, naming the row and the column."""
    survey_data_set_policy.require_in(actor, "manage", partnership.pk)
    problems = _check_fields(
        title=title, source=source, period_start=period_start, period_end=period_end
    )
    if design.lonely_psu not in LonelyPsu.values:
        problems["lonely_psu"] = "Choose what to do with a stratum that has a single cluster"
    if design.calibration not in Calibration.values:
        problems["calibration"] = "Choose no calibration, post-stratification or raking"
    if problems:
        raise ValidationError(problems)
    assert period_start is not None and period_end is not None  # refused above otherwise
    file_name = safe_file_name(upload.name, default="survey.csv")
    table = read_table(upload.data, file_name, field="file")
    named = {name: getattr(design, name).strip() for name in DESIGN_COLUMNS}
    for name, column in named.items():
        if column and column not in table.columns:
            problems[name] = f"The file has no column called {column}"
    if named["cluster2_column"] and not named["cluster_column"]:
        problems["cluster2_column"] = "Name the first-stage cluster column before the second"
    if named["fpc2_column"] and not named["fpc_column"]:
        problems["fpc2_column"] = "Name the first-stage fpc column before the second"
    if named["fpc2_column"] and not named["cluster2_column"]:
        problems["fpc2_column"] = "A second-stage fpc needs a second-stage cluster column"
    calibration_totals: dict[str, dict[str, float]] = {}
    if design.calibration == Calibration.NONE and totals:
        problems["totals"] = "Choose post-stratification or raking to use totals files"
    elif design.calibration == Calibration.POSTSTRATIFY and len(totals) != 1:
        problems["totals"] = "Post-stratification needs one totals file"
    elif design.calibration == Calibration.RAKE and len(totals) < 2:
        problems["totals"] = "Raking needs a totals file for each of two or more columns"
    else:
        for index, totals_file in enumerate(totals, start=1):
            name = safe_file_name(totals_file.name, default=f"totals-{index}.csv")
            try:
                column, by_value = read_totals(totals_file.data, name, field="totals")
            except ValidationError as refused:
                message = "; ".join(refused.messages)
                problems["totals"] = f"{name}: {message}"
                break
            if column not in table.columns:
                problems["totals"] = f"{name}: the survey file has no column called {column}"
                break
            if column in calibration_totals:
                problems["totals"] = f"{name}: the column {column} has two totals files"
                break
            calibration_totals[column] = by_value
    if problems:
        raise ValidationError(problems)
    found = _guard_rows(table.columns, table.rows)
    if found:
        raise ValidationError({"file": found})
    data_set = SurveyDataSet(
        partnership=partnership,
        title=title.strip(),
        source=source.strip(),
        period_start=period_start,
        period_end=period_end,
        file_name=file_name,
        content_hash=hashlib.sha256(upload.data).hexdigest(),
        size=len(upload.data),
        columns=table.columns,
        rows=table.rows,
        row_count=len(table.rows),
        lonely_psu=design.lonely_psu,
        calibration=design.calibration,
        calibration_totals=calibration_totals,
        uploaded_by=actor,
        **named,
    )
    # The engine builds the design from the rows, or says which row and column it cannot use.
    engine.design_check(data_set)
    data_set.full_clean(exclude=["partnership", "uploaded_by"])
    data_set.save()
    _audit(
        actor,
        "SURVEY_DATA_SET_UPLOADED",
        data_set,
        partnership.pk,
        rows=data_set.row_count,
        columns=len(data_set.columns),
        content_hash=data_set.content_hash,
    )
    return data_set


@transaction.atomic
def data_set_remove(*, actor: User, data_set: SurveyDataSet) -> None:
    """Remove a data set and its saved estimates. Evidence already attached to an assessment
    stays there, with the figure in its title, as the assessment's record."""
    survey_data_set_policy.require(actor, "manage", data_set)
    partnership_id = data_set.partnership_id
    _audit(
        actor,
        "SURVEY_DATA_SET_REMOVED",
        data_set,
        partnership_id,
        rows=data_set.row_count,
        content_hash=data_set.content_hash,
    )
    data_set.delete()


def _check_question(
    data_set: SurveyDataSet,
    *,
    statistic: str,
    outcome: str,
    value: str,
    domain_column: str,
    ci_method: str,
) -> None:
    problems: dict[str, str] = {}
    if statistic not in Statistic.values:
        problems["statistic"] = "Choose a mean, total, median or proportion"
    if not outcome or outcome not in data_set.columns:
        problems["outcome"] = "Choose the column to estimate"
    if statistic == Statistic.PROPORTION:
        if not value.strip():
            problems["value"] = "Enter the answer whose proportion to estimate"
        if ci_method and ci_method not in CiMethod.values:
            problems["ci_method"] = "Choose logit, likelihood, arcsine or Clopper-Pearson"
    elif value:
        problems["value"] = "Only a proportion counts one answer"
    if domain_column and domain_column not in data_set.columns:
        problems["domain_column"] = "Choose a column of the data set, or none"
    if domain_column and domain_column == outcome:
        problems["domain_column"] = "Estimate by a column other than the outcome"
    if problems:
        raise ValidationError(problems)


def estimates_compute(
    *,
    data_set: SurveyDataSet,
    statistic: str,
    outcome: str,
    value: str = "",
    domain_column: str = "",
    ci_method: str = "",
) -> list[dict[str, Any]]:
    """The engine's estimates for a question of the data set (a read: nothing is saved)."""
    _check_question(
        data_set,
        statistic=statistic,
        outcome=outcome,
        value=value,
        domain_column=domain_column,
        ci_method=ci_method,
    )
    return engine.estimates(
        data_set,
        statistic=statistic,
        outcome=outcome,
        value=value,
        domain_column=domain_column,
        ci_method=ci_method or (CiMethod.LOGIT if statistic == Statistic.PROPORTION else ""),
    )


@transaction.atomic
def estimate_save(
    *,
    actor: User,
    data_set: SurveyDataSet,
    statistic: str,
    outcome: str,
    value: str = "",
    domain_column: str = "",
    ci_method: str = "",
    note: str = "",
) -> SavedEstimate:
    """Keep an estimate as the engine gives it now, with its version and the time."""
    survey_data_set_policy.require(actor, "manage", data_set)
    if statistic == Statistic.PROPORTION and not ci_method:
        ci_method = CiMethod.LOGIT
    results = estimates_compute(
        data_set=data_set,
        statistic=statistic,
        outcome=outcome,
        value=value,
        domain_column=domain_column,
        ci_method=ci_method,
    )
    problems = _guard_text({"note": ("The note", note)})
    if problems:
        raise ValidationError(problems)
    estimate = SavedEstimate(
        data_set=data_set,
        statistic=statistic,
        outcome=outcome,
        value=value.strip(),
        domain_column=domain_column,
        ci_method=ci_method if statistic == Statistic.PROPORTION else "",
        note=note.strip(),
        results=results,
        engine_version=engine.version(),
        computed_at=timezone.now(),
        saved_by=actor,
    )
    estimate.full_clean(exclude=["data_set", "saved_by"])
    estimate.save()
    _audit(
        actor,
        "SURVEY_ESTIMATE_SAVED",
        estimate,
        data_set.partnership_id,
        data_set=data_set.pk,
        statistic=statistic,
        domains=len(results),
    )
    return estimate


@transaction.atomic
def estimate_remove(*, actor: User, estimate: SavedEstimate) -> None:
    saved_estimate_policy.require(actor, "manage", estimate)
    _audit(
        actor,
        "SURVEY_ESTIMATE_REMOVED",
        estimate,
        estimate.data_set.partnership_id,
        data_set=estimate.data_set_id,
    )
    estimate.delete()


@transaction.atomic
def estimate_attach(
    *,
    actor: User,
    estimate: SavedEstimate,
    response: CriterionResponse,
    domain: str | None = None,
) -> Evidence:
    """Attach a saved estimate to an assessment's criterion as evidence (¶177): a link to the
    estimate's page, titled with the figure, added through the assessment's own evidence
    service (which asks the assessment's rule: a draft, rated by this person). `domain` picks
    one domain's figure for the title; the whole sample's, or the first, otherwise."""
    saved_estimate_policy.require(actor, "manage", estimate)
    data_set = estimate.data_set
    if response.assessment.partnership_id != data_set.partnership_id:
        raise ValidationError(
            {"response": "Attach an estimate to an assessment of the data set's own partnership"}
        )
    evidence = assessment_services.evidence_add_link(
        actor=actor,
        response=response,
        title=evidence_title(estimate, domain=domain),
        url=estimate_url(estimate),
        effective_on=data_set.period_end,
    )
    _audit(
        actor,
        "SURVEY_ESTIMATE_ATTACHED",
        estimate,
        data_set.partnership_id,
        assessment=response.assessment_id,
        criterion=response.criterion_id,
        evidence=evidence.pk,
    )
    return evidence


def estimate_url(estimate: SavedEstimate) -> str:
    """The saved estimate's page, where the service is reached (LDE_SITE_URL)."""
    path = reverse("survey_data:estimate-detail", args=[estimate.pk])
    return f"{settings.LDE_SITE_URL.rstrip('/')}{path}"


def evidence_title(estimate: SavedEstimate, *, domain: str | None = None) -> str:
    """ "Survey: proportion of trust_police = yes (Harrowfield residents' survey 2025):
    62.4% (95% CI 59.1% to 65.6%), n = 1,498". A domain of fewer than 10 responses is never
    put in a title, since the assessment is read outside the partnership (inspectors, peer
    reviewers): the title then says the figure is withheld."""
    from lde.surveys.datasets.presentation import figure_words

    rows = estimate.results
    chosen = next((r for r in rows if r.get("domain") == domain), None) if domain else None
    if chosen is None:
        chosen = next((r for r in rows if r.get("domain") is None), rows[0] if rows else None)
    label = estimate.describe()
    where = (
        f", {estimate.domain_column} = {chosen['domain']}"
        if chosen and chosen.get("domain") is not None
        else ""
    )
    figure = figure_words(estimate.statistic, chosen) if chosen else "no figure"
    title = f"Survey: {label}{where} ({estimate.data_set.title}): {figure}"
    return title[:200]
