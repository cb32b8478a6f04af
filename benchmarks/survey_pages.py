"""`lde bench survey-pages`: the survey data set and questionnaire pages, at national scale.

On top of the national data, `extend` gives each of the first `--sample` partnerships (those
whose coordinators are signed in):

- `--data-sets` public survey data sets (default 3) of `--rows` responses each (default 10,000),
  in the demo survey's columns and design: stratified by ward (10 wards), clustered by street
  (40 households a street), weighted, with the finite-population correction of the streets in
  each ward; each with `--estimates` saved estimates (default 4: the demo's, computed once by
  the engine and kept as computed);
- one before-and-after questionnaire of `--questions` questions (default 12: eight on a 1 to 5
  scale, two whole numbers, two free text) under a protocol in force, its before and after
  collections closed, with `--pairs` participants who answered both times (default 500) and a
  tenth as many again who answered only before.

It writes straight to the tables, as the national data does: synthetic and unaudited by design;
every answer is an invented number and every code a counter.

The partnership's coordinator (signed in as `lde bench pages` signs them in) opens:

- `data_set_list`: the partnership's data sets;
- `data_set_detail`: the first data set, its design in words and its saved estimates;
- `estimates_form`: its estimates page before a question is asked;
- `estimates_mean`: the weighted mean of `belonging`, with its standard error, interval and
  design effect, computed from the 10,000 responses on each request;
- `estimates_proportion_by_ward`: the proportion confident to report a hate crime in each of
  the ten wards, with logit intervals, computed on each request;
- `estimate_detail`: a saved estimate;
- `questionnaire_list`, `questionnaire_detail`: the partnership's questionnaires, and the
  questionnaire with its questions, choices and collections with their counts;
- `questionnaire_change`: the change between before and after for each numeric question of
  the 500 pairs (mean difference with its t-interval, d_z, g_av and the Wilcoxon test, by the
  engine), on each request.

Each is opened `--warmup` times per coordinator, then `--requests` requests go round the
coordinators; queries are counted in a separate pass. Target: a 95th percentile within 150 ms
for every page (issue 16).
"""

from __future__ import annotations

import random
import time
from argparse import ArgumentParser
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from benchmarks.console import Console
from benchmarks.coordinator_pages import coordinator_clients, counts, measure_pages
from benchmarks.harness import Benchmark, add_page_timing_arguments
from benchmarks.national import NationalWorld
from lde.sharing.models import Protocol, ProtocolStatus
from lde.surveys.datasets import engine
from lde.surveys.datasets.demo import AGE_BANDS, COLUMNS, ESTIMATES, TENURES
from lde.surveys.models import (
    Answer,
    Choice,
    Collection,
    CollectionStatus,
    LonelyPsu,
    Question,
    QuestionKind,
    Questionnaire,
    Response,
    SavedEstimate,
    Statistic,
    SurveyDataSet,
    Wave,
)

NAME = "survey-pages"
TARGET_P95_MS = 150
WARDS = 10
HOUSEHOLDS_PER_STREET = 40
STREETS_IN_WARD = 200
HOUSEHOLDS_IN_WARD = 8_000
SCALE_QUESTIONS = 8
NUMBER_QUESTIONS = 2
MEAN_QUERY = {"statistic": Statistic.MEAN, "outcome": "belonging"}
PROPORTION_QUERY = {
    "statistic": Statistic.PROPORTION,
    "outcome": "confident_reporting_hate_crime",
    "value": "Yes",
    "domain_column": "ward",
    "ci_method": "logit",
}


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument(
        "--rows", type=int, default=10000, help="Responses in each data set (default 10000)."
    )
    parser.add_argument(
        "--data-sets", type=int, default=3, help="Data sets per partnership (default 3)."
    )
    parser.add_argument(
        "--estimates", type=int, default=4, help="Saved estimates per data set (default 4)."
    )
    parser.add_argument(
        "--questions", type=int, default=12, help="Questions in the questionnaire (default 12)."
    )
    parser.add_argument(
        "--pairs",
        type=int,
        default=500,
        help="Participants who answered before and after (default 500).",
    )
    add_page_timing_arguments(parser)


@dataclass
class SurveyPagesWorld:
    data_sets: int = 0
    responses_per_data_set: int = 0
    saved_estimates: int = 0
    questionnaires: int = 0
    questions: int = 0
    participant_responses: int = 0
    answers: int = 0
    # partnership -> its first data set, a saved estimate of it, its questionnaire
    data_set_of: dict[int, int] = field(default_factory=dict)
    estimate_of: dict[int, int] = field(default_factory=dict)
    questionnaire_of: dict[int, int] = field(default_factory=dict)


def survey_rows(rows: int, rng: random.Random) -> list[list[str]]:
    """`rows` invented responses in the demo survey's columns: ten wards of equal size, streets
    of up to 40 households (at least four streets a ward), each weighted to the ward's 8,000
    households with a little non-response adjustment."""
    per_ward = max(1, rows // WARDS)
    per_street = max(1, min(HOUSEHOLDS_PER_STREET, per_ward // 4))
    found = []
    for i in range(rows):
        ward = min(WARDS - 1, i // per_ward)
        street = (i - ward * per_ward) // per_street
        in_ward = per_ward if ward < WARDS - 1 else rows - ward * per_ward
        lean = (ward - WARDS / 2) / WARDS
        confident = (
            "Yes"
            if rng.random() < 0.55 + lean / 2
            else ("No" if rng.random() < 0.75 else "Don't know")
        )
        found.append(
            [
                str(i + 1),
                f"Ward {ward + 1:02d}",
                f"W{ward + 1:02d}-{street + 1:03d}",
                str(STREETS_IN_WARD),
                f"{HOUSEHOLDS_IN_WARD / in_ward * rng.uniform(0.85, 1.15):.4f}",
                AGE_BANDS[rng.randrange(len(AGE_BANDS))],
                TENURES[rng.randrange(len(TENURES) - 1)],
                confident,
                str(min(5, max(1, round(3.3 + lean + rng.gauss(0, 1))))),
                str(min(5, max(1, round(3.0 + lean + rng.gauss(0, 1.1))))),
            ]
        )
    return found


def write_data_sets(
    made: SurveyPagesWorld,
    *,
    partnership_id: int,
    uploaded_by: int | None,
    data_sets: int,
    rows: list[list[str]],
    estimates: list[dict[str, Any]],
    day: date,
) -> list[SurveyDataSet]:
    """The partnership's data sets, each holding `rows` with the demo's design, and a copy of
    each of `estimates` (a question and the engine's results) saved on each."""
    written = SurveyDataSet.objects.bulk_create(
        SurveyDataSet(
            partnership_id=partnership_id,
            title=f"Synthetic residents' survey {n + 1}",
            source="Synthetic: ten wards, streets sampled in each, households in each street.",
            period_start=day - timedelta(days=400 * (n + 1)),
            period_end=day - timedelta(days=400 * n + 300),
            file_name=f"survey-{n + 1}.csv",
            content_hash="0" * 64,
            size=sum(len(",".join(r)) + 1 for r in rows),
            columns=list(COLUMNS),
            rows=rows,
            row_count=len(rows),
            weights_column="weight",
            strata_column="ward",
            cluster_column="street",
            fpc_column="streets_in_ward",
            lonely_psu=LonelyPsu.FAIL,
            uploaded_by_id=uploaded_by,
        )
        for n in range(data_sets)
    )
    now = timezone.now()
    version = engine.version()
    saved = SavedEstimate.objects.bulk_create(
        SavedEstimate(
            data_set=data_set,
            engine_version=version,
            computed_at=now,
            saved_by_id=uploaded_by,
            **estimate,
        )
        for data_set in written
        for estimate in estimates
    )
    made.data_sets += len(written)
    made.responses_per_data_set = len(rows)
    made.saved_estimates += len(saved)
    if written:
        made.data_set_of[partnership_id] = written[0].pk
    if saved:
        made.estimate_of[partnership_id] = saved[0].pk
    return written


def computed_estimates(rows: list[list[str]], count: int) -> list[dict[str, Any]]:
    """The first `count` of the demo's saved estimates, computed by the engine on `rows`."""
    data_set = SurveyDataSet(
        columns=list(COLUMNS),
        rows=rows,
        file_name="survey.csv",
        weights_column="weight",
        strata_column="ward",
        cluster_column="street",
        fpc_column="streets_in_ward",
        lonely_psu=LonelyPsu.FAIL,
    )
    found = []
    for n in range(count):
        statistic, outcome, value, by = ESTIMATES[n % len(ESTIMATES)]
        ci_method = "logit" if statistic == Statistic.PROPORTION else ""
        found.append(
            {
                "statistic": statistic,
                "outcome": outcome,
                "value": value,
                "domain_column": by,
                "ci_method": ci_method,
                "results": engine.estimates(
                    data_set,
                    statistic=statistic,
                    outcome=outcome,
                    value=value,
                    domain_column=by,
                    ci_method=ci_method,
                ),
            }
        )
    return found


def protocol() -> Protocol:
    return Protocol.objects.create(
        title="Synthetic project evaluation",
        purpose="Evaluating a synthetic project (¶165)",
        legal_basis="Public task",
        dpia_reference="DPIA-SYNTHETIC",
        information_shared="Pseudonymous answers",
        who_may_see="The partnership's coordinators",
        handling="Official",
        retention_days=365,
        review_on=date(2099, 1, 1),
        status=ProtocolStatus.IN_FORCE,
    )


def write_questionnaire(
    made: SurveyPagesWorld,
    *,
    partnership_id: int,
    protocol_id: int,
    questions: int,
    pairs: int,
    rng: random.Random,
) -> Questionnaire:
    """A before-and-after questionnaire with its closed collections and answers: `pairs`
    codes answered both times and a tenth as many only before. Its questions are on a 1 to 5
    scale first, then whole numbers, then free text."""
    questionnaire = Questionnaire.objects.create(
        partnership_id=partnership_id,
        title="Synthetic project: before and after",
        protocol_id=protocol_id,
    )

    def kind(n: int) -> str:
        if n < min(SCALE_QUESTIONS, questions):
            return QuestionKind.SELECT_ONE
        if n < min(SCALE_QUESTIONS + NUMBER_QUESTIONS, questions):
            return QuestionKind.INTEGER
        return QuestionKind.TEXT

    written = Question.objects.bulk_create(
        Question(
            questionnaire=questionnaire,
            position=n + 1,
            kind=kind(n),
            name=f"q{n + 1:02d}",
            label=f"Synthetic question {n + 1}",
            list_name="agree5" if kind(n) == QuestionKind.SELECT_ONE else "",
        )
        for n in range(questions)
    )
    Choice.objects.bulk_create(
        Choice(
            questionnaire=questionnaire,
            list_name="agree5",
            name=str(i),
            label=f"Point {i}",
            position=i,
        )
        for i in range(1, 6)
    )
    now = timezone.now()
    before, after = Collection.objects.bulk_create(
        Collection(
            questionnaire=questionnaire,
            wave=wave,
            title=f"{wave.label} the project",
            status=CollectionStatus.CLOSED,
            opened_at=now - timedelta(days=days + 20),
            closed_at=now - timedelta(days=days),
        )
        for wave, days in ((Wave.BEFORE, 120), (Wave.AFTER, 10))
    )
    codes = [f"P{n:07d}" for n in range(pairs + pairs // 10)]
    responses = Response.objects.bulk_create(
        [
            Response(collection=before, code=code, submitted_at=now - timedelta(days=125))
            for code in codes
        ]
        + [
            Response(collection=after, code=code, submitted_at=now - timedelta(days=12))
            for code in codes[:pairs]
        ],
        batch_size=2000,
    )
    answers = []
    for response in responses:
        shift = 1 if response.collection_id == after.pk else 0
        for question in written:
            if question.kind == QuestionKind.SELECT_ONE:
                number = min(5, max(1, rng.randint(1, 4) + shift * rng.randint(0, 1)))
                answers.append(
                    Answer(
                        response=response,
                        question=question,
                        value=str(number),
                        number=Decimal(number),
                    )
                )
            elif question.kind == QuestionKind.INTEGER:
                number = rng.randint(0, 10) + shift * rng.randint(0, 2)
                answers.append(
                    Answer(
                        response=response,
                        question=question,
                        value=str(number),
                        number=Decimal(number),
                    )
                )
            else:
                answers.append(
                    Answer(response=response, question=question, value="Synthetic comment.")
                )
    Answer.objects.bulk_create(answers, batch_size=2000)
    made.questionnaires += 1
    made.questions += len(written)
    made.participant_responses += len(responses)
    made.answers += len(answers)
    made.questionnaire_of[partnership_id] = questionnaire.pk
    return questionnaire


def chosen_partnerships(world: NationalWorld, sample: int) -> list[tuple[int, int]]:
    """(partnership, coordinator) for the first `sample` partnerships with a coordinator: the
    ones `coordinator_clients` signs in."""
    found: dict[int, int] = {}
    for partnership_id, user_id in world.coordinators():
        found.setdefault(partnership_id, user_id)
        if len(found) == sample:
            break
    return list(found.items())


def extend(
    world: NationalWorld, options: Mapping[str, Any], progress: Callable[[str, float], None]
) -> None:
    started = time.perf_counter()
    rng = random.Random(world.seed * 7919 + 175)
    made = SurveyPagesWorld()
    rows = survey_rows(max(1, int(options["rows"])), rng)
    estimates = computed_estimates(rows, max(0, int(options["estimates"])))
    in_force = protocol()
    chosen = chosen_partnerships(world, max(1, int(options["sample"])))
    for partnership_id, coordinator in chosen:
        write_data_sets(
            made,
            partnership_id=partnership_id,
            uploaded_by=coordinator,
            data_sets=max(1, int(options["data_sets"])),
            rows=rows,
            estimates=estimates,
            day=world.day,
        )
        write_questionnaire(
            made,
            partnership_id=partnership_id,
            protocol_id=in_force.pk,
            questions=max(1, int(options["questions"])),
            pairs=max(0, int(options["pairs"])),
            rng=rng,
        )
    world.counts["surveys.SurveyDataSet"] = made.data_sets
    world.counts["surveys.SavedEstimate"] = made.saved_estimates
    world.counts["surveys.Questionnaire"] = made.questionnaires
    world.counts["surveys.Question"] = made.questions
    world.counts["surveys.Response"] = made.participant_responses
    world.counts["surveys.Answer"] = made.answers
    world.extensions[NAME] = made
    progress("survey-pages", time.perf_counter() - started)


def pages(made: SurveyPagesWorld) -> dict[str, Callable[[int], str]]:
    def estimates(query: Mapping[str, str]) -> Callable[[int], str]:
        def url(p: int) -> str:
            path = reverse("survey_data:data-set-estimates", args=[made.data_set_of[p]])
            return f"{path}?{urlencode(query)}" if query else path

        return url

    return {
        "data_set_list": lambda p: reverse("survey_data:data-set-list", args=[p]),
        "data_set_detail": lambda p: reverse(
            "survey_data:data-set-detail", args=[made.data_set_of[p]]
        ),
        "estimates_form": estimates({}),
        "estimates_mean": estimates(MEAN_QUERY),
        "estimates_proportion_by_ward": estimates(PROPORTION_QUERY),
        "estimate_detail": lambda p: reverse(
            "survey_data:estimate-detail", args=[made.estimate_of[p]]
        ),
        "questionnaire_list": lambda p: reverse("questionnaires:questionnaire-list", args=[p]),
        "questionnaire_detail": lambda p: reverse(
            "questionnaires:questionnaire-detail", args=[made.questionnaire_of[p]]
        ),
        "questionnaire_change": lambda p: reverse(
            "questionnaires:questionnaire-change", args=[made.questionnaire_of[p]]
        ),
    }


def measure(world: NationalWorld, options: Mapping[str, Any], console: Console) -> dict[str, Any]:
    requests, warmup, sample = counts(options)
    made: SurveyPagesWorld = world.extensions[NAME]
    clients = coordinator_clients(world, sample, among=set(made.questionnaire_of))
    timed = pages(made)
    console.line(
        f"Measuring {len(timed)} pages as {len(clients)} coordinators, each partnership with "
        f"{made.data_sets // max(1, len(made.data_set_of))} data sets of "
        f"{made.responses_per_data_set} responses and a questionnaire of "
        f"{made.answers // max(1, made.questionnaires)} answers, {requests} requests each "
        f"after {warmup} warm-up request(s) per coordinator:"
    )
    results = measure_pages(
        timed,
        clients,
        requests=requests,
        warmup=warmup,
        console=console,
        target_p95_ms=TARGET_P95_MS,
    )
    return {
        "settings": {
            "rows": int(options["rows"]),
            "data_sets_per_partnership": int(options["data_sets"]),
            "estimates_per_data_set": int(options["estimates"]),
            "questions": int(options["questions"]),
            "pairs": int(options["pairs"]),
            "requests": requests,
            "sample": len(clients),
            "warmup_per_coordinator": warmup,
        },
        "survey_data": {
            k: v
            for k, v in made.__dict__.items()
            if k not in ("data_set_of", "estimate_of", "questionnaire_of")
        },
        "queries_asked": {
            "estimates_mean": MEAN_QUERY,
            "estimates_proportion_by_ward": PROPORTION_QUERY,
        },
        "targets": {"pages": "every page", "p95_ms": TARGET_P95_MS},
        "pages": results,
        "all_within_target": all(page["within_target"] for page in results.values()),
    }


BENCHMARK = Benchmark(
    name=NAME,
    help="The survey data set pages with 10,000-response data sets and the questionnaire pages "
    "with 500 matched pairs, as coordinators, at national scale.",
    add_arguments=add_arguments,
    measure=measure,
    extend=extend,
)
