"""The one way a date is entered on a page: the GOV.UK date input (day, month, year), with the
GOV.UK error messages naming the date, and only the wrong boxes marked."""

from __future__ import annotations

from datetime import date

import pytest

from lde.core.govuk.forms import DateField, GovukForm
from tests.conftest import date_input


class ProtocolEndForm(GovukForm):
    ends_on = DateField(
        label="When does the protocol end?",
        subject="Date the protocol ends",
        help_text="For example, 31 1 2026.",
    )
    reviewed_on = DateField(label="Last reviewed (optional)", required=False)


def _errors(data: dict[str, str]) -> dict[str, list[str]]:
    form = ProtocolEndForm(data)
    form.is_valid()
    return {name: list(errors) for name, errors in form.errors.items()}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (("31", "1", "2026"), date(2026, 1, 31)),
        ((" 1 ", "03", "2027"), date(2027, 3, 1)),
        (("29", "Feb", "2028"), date(2028, 2, 29)),
        (("1", "september", "2026"), date(2026, 9, 1)),
    ],
)
def test_a_real_date_is_read_from_its_three_boxes(
    typed: tuple[str, str, str], expected: date
) -> None:
    form = ProtocolEndForm(date_input("ends_on", typed))
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"ends_on": expected, "reviewed_on": None}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (("", "", ""), "Enter the date the protocol ends"),
        (("31", "", "2026"), "Date the protocol ends must include a month"),
        (("", "", "2026"), "Date the protocol ends must include a day and month"),
        (("31", "1", ""), "Date the protocol ends must include a year"),
        (("31", "2", "2026"), "Date the protocol ends must be a real date"),
        (("31", "13", "2026"), "Date the protocol ends must be a real date"),
        (("x", "1", "2026"), "Date the protocol ends must be a real date"),
        (("-1", "1", "2026"), "Date the protocol ends must be a real date"),
        (("1", "1", "26"), "Year of the date the protocol ends must include 4 numbers"),
    ],
)
def test_each_problem_has_the_gov_uk_message_naming_the_date(
    typed: tuple[str, str, str], message: str
) -> None:
    assert _errors(date_input("ends_on", typed)) == {"ends_on": [message]}


def test_an_optional_date_may_be_left_empty_but_not_half_filled() -> None:
    data = {**date_input("ends_on", "2026-01-31"), **date_input("reviewed_on", ("", "4", ""))}
    assert _errors(data) == {"reviewed_on": ["Last reviewed must include a day and year"]}


def test_the_boxes_are_numbers_not_the_browser_s_date_picker() -> None:
    html = str(ProtocolEndForm()["ends_on"].as_field_group())
    assert 'type="date"' not in html
    assert '<fieldset class="govuk-fieldset" role="group" aria-describedby="id_ends_on-hint">' in (
        html
    )
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">' in html
    for part, width in (("day", 2), ("month", 2), ("year", 4)):
        assert (
            f'<input class="govuk-input govuk-date-input__input govuk-input--width-{width}" '
            f'id="id_ends_on-{part}" name="ends_on-{part}" type="text" inputmode="numeric" '
            'value="">'
        ) in html


def test_only_the_missing_box_is_marked_and_the_summary_links_to_it() -> None:
    form = ProtocolEndForm(date_input("ends_on", ("31", "", "2026")))
    form.is_valid()
    field = form["ends_on"]
    html = str(field.as_field_group())
    assert field.anchor == "id_ends_on-month"
    assert 'govuk-input--width-2 govuk-input--error" id="id_ends_on-month"' in html
    assert 'govuk-input--width-2" id="id_ends_on-day" name="ends_on-day"' in html
    assert 'value="31"' in html and 'value="2026"' in html


def test_a_date_that_is_not_real_marks_every_box() -> None:
    form = ProtocolEndForm(date_input("ends_on", ("31", "2", "2026")))
    form.is_valid()
    html = str(form["ends_on"].as_field_group())
    assert form["ends_on"].anchor == "id_ends_on-day"
    assert html.count("govuk-input--error") == 3


def test_a_year_of_two_numbers_marks_the_year_alone() -> None:
    form = ProtocolEndForm(date_input("ends_on", ("1", "1", "26")))
    form.is_valid()
    assert form["ends_on"].anchor == "id_ends_on-year"
    assert str(form["ends_on"].as_field_group()).count("govuk-input--error") == 1


def test_a_date_given_as_initial_is_shown_in_its_boxes() -> None:
    form = ProtocolEndForm(initial={"ends_on": date(2026, 1, 31)})
    html = str(form["ends_on"].as_field_group())
    assert 'name="ends_on-day" type="text" inputmode="numeric" value="31"' in html
    assert 'name="ends_on-month" type="text" inputmode="numeric" value="1"' in html


def test_a_form_error_against_the_date_marks_all_three_boxes() -> None:
    class Ordered(ProtocolEndForm):
        def clean(self) -> dict[str, object]:
            data = super().clean() or {}
            self.add_error("ends_on", "Date the protocol ends must be after it starts")
            return data

    form = Ordered(date_input("ends_on", "2026-01-31"))
    assert not form.is_valid()
    assert str(form["ends_on"].as_field_group()).count("govuk-input--error") == 3
