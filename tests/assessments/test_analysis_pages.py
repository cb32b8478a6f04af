"""The analysis pages: gaps and scores, comparing two cycles and trends, each chart followed by
a table of its figures; bad choices answered with the error summary; reasons withheld from
summary readers; and the links that lead to them."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lde.assessments import services
from lde.assessments.models import Assessment, AssessmentStatus
from lde.partnerships.models import Role
from tests.assessments.builders import peer_reviewed, start
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


def svg(response: Any) -> ET.Element:
    found = re.search(r"<svg .*?</svg>", response.content.decode(), re.S)
    assert found, "the page has no chart"
    return ET.fromstring(found.group(0))


def table(response: Any, table_id: str) -> list[list[str]]:
    """The rows of the table with this id, as the text of their cells."""
    html = response.content.decode()
    found = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S)
    assert found, f"the page has no table {table_id}"
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", found.group(0), re.S)
    return [
        [" ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split()) for cell in cells]
        for cells in (re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S) for row in rows)
    ]


def rate(actor: Any, assessment: Assessment, ratings: dict[str, tuple[int | None, int | None]]):
    for response in assessment.responses.select_related("criterion"):
        rating, target = ratings.get(response.criterion.identifier, (None, None))
        services.response_update(
            actor=actor,
            response=response,
            seen_revision=response.revision,
            rating=rating,
            target=target,
            commentary=f"Commentary on {response.criterion.identifier}.",
        )


def publish(assessment: Assessment) -> None:
    Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.PUBLISHED)


@pytest.fixture
def two_cycles(coordinator: Any, framework_version: Any) -> tuple[Assessment, Assessment]:
    first = start(coordinator, framework_version, 2024)
    rate(coordinator.user, first, {"ownership": (2, 4), "board": (2, 3), "projects": (1, 2)})
    publish(first)
    second = start(coordinator, framework_version, 2025)
    rate(coordinator.user, second, {"ownership": (3, 4), "board": (2, 3)})
    return first, second


def test_the_gaps_page_shows_the_chart_then_the_same_figures_in_a_table(coordinator, two_cycles):
    _, second = two_cycles
    client = sign_in(Client(), coordinator.user)

    page = client.get(reverse("assessments:gaps", args=[second.pk]))

    assert page.status_code == 200
    chart = svg(page)
    assert chart.get("role") == "img"
    # Leadership: ownership 3 (66.7%) and board 2 (33.3%); delivery: projects not rated.
    assert table(page, "theme-scores-table")[1:] == [
        ["1. Leadership", "50.0%", "83.3%", "33.3 points", "2 of 2", "0"],
        ["2. Delivery", "Not rated", "Not rated", "–", "0 of 1", "1"],
        ["Overall", "50.0%", "83.3%", "33.3 points", "2 of 3", "1"],
    ]
    # Equal gaps (one level each) keep the framework's order; the unrated criterion comes last.
    assert table(page, "criterion-gaps")[1:] == [
        [
            "Ownership ownership · 1. Leadership",
            "3 – Established",
            "4 – Leading",
            "1 level below",
            "33.3 points",
        ],
        [
            "Board board · 1. Leadership",
            "2 – Developing",
            "3 – Established",
            "1 level below",
            "33.3 points",
        ],
        ["Projects projects · 2. Delivery", "Not rated", "No target set", "Not rated", "–"],
    ]
    assert "1 of 3 criteria are not rated" in text(page)
    assert "Overall score 50.0% against a target of 83.3%." in text(page)


def test_the_compare_page_starts_with_the_cycle_it_was_carried_from(coordinator, two_cycles):
    first, second = two_cycles
    client = sign_in(Client(), coordinator.user)

    page = client.get(reverse("assessments:compare", args=[second.pk]))

    assert page.status_code == 200
    assert f'<option value="{first.pk}" selected>' in page.content.decode()
    assert "From Self-assessment 2024 to Self-assessment 2025" in text(page)
    assert table(page, "moved")[1:] == [
        [
            "Ownership ownership · 1. Leadership",
            "2 – Developing",
            "3 – Established",
            "Moved up: +1 level +33.3 points",
            "Commentary on ownership.",
        ],
        [
            "Projects projects · 2. Delivery",
            "1 – Not in place",
            "Not rated",
            "No longer rated",
            "Commentary on projects.",
        ],
    ]
    assert table(page, "theme-changes")[1:] == [
        ["1. Leadership", "33.3%", "50.0%", "+16.7 points"],
        ["2. Delivery", "0.0%", "Not rated", "–"],
        ["Overall", "16.7%", "50.0%", "+33.3 points"],
    ]
    labels = ["".join(t.itertext()) for t in svg(page).iter("{http://www.w3.org/2000/svg}text")]
    assert "2024–25: 33.3%" in labels
    assert "2025–26: 50.0%" in labels


@pytest.mark.parametrize("choice", ["abc", "0", "999999"])
def test_a_bad_or_unknown_choice_is_an_error_not_a_failure(coordinator, two_cycles, choice):
    _, second = two_cycles
    client = sign_in(Client(), coordinator.user)

    page = client.get(reverse("assessments:compare", args=[second.pk]), {"with": choice})

    assert page.status_code == 400
    assert error_summary(page) == ["Select one of the assessments in the list to compare with"]
    assert "<title>Error: Compare with another cycle" in page.content.decode()


def test_another_partnerships_assessment_is_not_offered_or_accepted(
    coordinator, two_cycles, framework_version
):
    _, second = two_cycles
    elsewhere = MembershipFactory(role=Role.COORDINATOR)
    theirs = start(elsewhere, framework_version, 2025)
    MembershipFactory(user=coordinator.user, partnership=elsewhere.partnership, role=Role.VIEWER)
    client = sign_in(Client(), coordinator.user)

    page = client.get(reverse("assessments:compare", args=[second.pk]), {"with": theirs.pk})

    assert page.status_code == 400
    assert f'value="{theirs.pk}"' not in page.content.decode()


def test_a_community_reviewer_compares_published_summaries_without_reasons(coordinator, two_cycles):
    first, second = two_cycles
    publish(second)
    reviewer = MembershipFactory(partnership=coordinator.partnership, role=Role.COMMUNITY_REVIEWER)
    client = sign_in(Client(), reviewer.user)

    page = client.get(reverse("assessments:compare", args=[second.pk]), {"with": first.pk})

    assert page.status_code == 200
    assert "the reasons recorded are not shown" in text(page)
    assert "Commentary on ownership." not in text(page)
    assert table(page, "moved")[0] == ["Criterion", "Before", "After", "Change"]


def test_with_nothing_to_compare_the_page_says_so(coordinator, framework_version):
    only = start(coordinator, framework_version, 2025)
    client = sign_in(Client(), coordinator.user)

    page = client.get(reverse("assessments:compare", args=[only.pk]))

    assert page.status_code == 200
    assert "there is nothing to compare with yet" in text(page)


def test_the_trends_page_follows_the_latest_framework_and_can_add_the_current_cycle(
    coordinator, two_cycles, framework_version
):
    client = sign_in(Client(), coordinator.user)
    url = reverse("assessments:trends", args=[coordinator.partnership_id])

    published = client.get(url)
    with_current = client.get(url, {"framework": "cycle-check", "current": "on"})

    assert published.status_code == 200
    assert table(published, "trend-scores") == [
        ["Theme", "2024–25"],
        ["Overall", "16.7%"],
        ["1. Leadership", "33.3%"],
        ["2. Delivery", "0.0%"],
    ]
    assert "a trend is clearer over three or more" in text(published)
    assert table(with_current, "trend-scores")[1] == ["Overall", "16.7%", "50.0%"]
    assert table(with_current, "cycles")[2][-1] == "Current, not yet published"
    chart = svg(with_current)
    assert chart.find("{http://www.w3.org/2000/svg}title").text == (  # type: ignore[union-attr]
        "Scores across cycles: Cycle check"
    )


def test_an_unknown_framework_on_the_trends_page_is_an_error(coordinator, two_cycles):
    client = sign_in(Client(), coordinator.user)

    page = client.get(
        reverse("assessments:trends", args=[coordinator.partnership_id]), {"framework": "nope"}
    )

    assert page.status_code == 400
    assert error_summary(page) == ["Select one of the frameworks in the list"]


def test_a_peer_reviewer_sees_the_gaps_of_what_they_review_but_not_the_trends(
    coordinator, framework_version
):
    own, _review, peer, _ = peer_reviewed(coordinator, framework_version, 2025)
    client = sign_in(Client(), peer)

    gaps = client.get(reverse("assessments:gaps", args=[own.pk]))
    trends = client.get(reverse("assessments:trends", args=[coordinator.partnership_id]))

    assert gaps.status_code == 200
    assert "Trends across cycles" not in text(gaps)
    assert trends.status_code == 404


def test_the_assessment_pages_link_to_the_analysis(coordinator, two_cycles):
    _, second = two_cycles
    client = sign_in(Client(), coordinator.user)

    detail = client.get(reverse("assessments:assessment-detail", args=[second.pk])).content
    listing = client.get(
        reverse("assessments:assessment-list", args=[coordinator.partnership_id])
    ).content

    assert reverse("assessments:gaps", args=[second.pk]).encode() in detail
    assert reverse("assessments:compare", args=[second.pk]).encode() in detail
    assert reverse("assessments:trends", args=[coordinator.partnership_id]).encode() in listing


# The loop the trends page's table of criteria was written with in the template, before the
# tag built it: the tag must write exactly the same rows.
TREND_ROWS_IN_THE_TEMPLATE = (
    '{% for row in criteria %}<tr class="govuk-table__row" id="trend-{{ row.identifier }}">\n'
    '    <th scope="row" class="govuk-table__header govuk-!-font-weight-regular">{{ row.title }}'
    '<span class="govuk-body-s govuk-!-display-block govuk-!-margin-bottom-0"><span '
    'class="lde-code">{{ row.identifier }}</span> · {{ row.theme_number }}. {{ row.theme_title }}'
    '</span>{% if row.note %}<strong class="govuk-!-display-block govuk-!-margin-top-1 '
    'govuk-body-s govuk-!-margin-bottom-0">{{ row.note }}</strong>{% endif %}</th>\n'
    '    {% for cell in row.cells %}<td class="govuk-table__cell">{{ cell.label }}'
    "{% if cell.note %}"
    '<span class="govuk-!-display-block govuk-body-s govuk-!-margin-bottom-0">{{ cell.note }}'
    "</span>{% endif %}</td>{% endfor %}\n  </tr>{% endfor %}"
)


def test_the_trend_rows_are_the_templates_rows_with_markup_escaped():
    from django.template import engines

    from lde.assessments.analysis import CriterionTrend, Source, TrendCell
    from lde.assessments.templatetags.assessment_analysis import trend_criterion_rows
    from lde.frameworks.models import MappingKind

    def source(identifier: str, label: str) -> Source:
        return Source(identifier=identifier, title=identifier, rating=2, label=label, position=0.5)

    criteria = [
        CriterionTrend(
            identifier="board<b>",
            title='Board & "partners" <script>',
            theme_title="Lead'ership",
            theme_number=1,
            cells=[
                TrendCell(kind=MappingKind.NEW, sources=()),
                TrendCell(kind=MappingKind.SPLIT, sources=(source("old<i>", "2 – Some & more"),)),
                TrendCell(
                    kind=MappingKind.MERGED, sources=(source("a&b", "1 – A"), source("c", "3"))
                ),
                TrendCell(kind=MappingKind.RENAMED, sources=(source("was", "Not rated"),)),
                TrendCell(kind=MappingKind.SAME, sources=(source("board<b>", "4 – <All>"),)),
            ],
        ),
        CriterionTrend(
            identifier="plain",
            title="Plain",
            theme_title="Delivery",
            theme_number=2,
            cells=[TrendCell(kind=MappingKind.SAME, sources=(source("plain", "1 – None"),))],
        ),
    ]
    expected = (
        engines["django"].from_string(TREND_ROWS_IN_THE_TEMPLATE).render({"criteria": criteria})
    )
    written = trend_criterion_rows(criteria)
    assert written == expected
    assert "<script>" not in written and "&lt;script&gt;" in written
    assert 'id="trend-board&lt;b&gt;"' in written
