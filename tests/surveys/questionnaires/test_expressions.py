"""The relevance and constraint expressions: read by our own parser, never by eval."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lde.surveys.questionnaires.expressions import ExpressionError, evaluate, names_in, parse

ANSWERS = {"age": Decimal(15), "where": "school other", "name_given": "", "consent": "yes"}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("${age} >= 14", True),
        ("${age} < 14", False),
        ("${age} = 15 and ${consent} = 'yes'", True),
        ('${age} != 15 or ${consent} = "no"', False),
        ("not(${age} > 20)", True),
        ("selected(${where}, 'other')", True),
        ("selected(${where}, 'friend')", False),
        ("count-selected(${where}) = 2", True),
        ("(${age} > 20 or ${age} < 16) and not(selected(${where}, 'friend'))", True),
        ("${name_given} = ''", True),
        ("${missing} > 3", False),
    ],
)
def test_the_common_operators(expression: str, expected: bool) -> None:
    assert evaluate(expression, ANSWERS) is expected


def test_the_dot_is_the_answer_itself() -> None:
    assert evaluate(". >= 0 and . <= 50", {}, Decimal(7)) is True
    assert evaluate(". >= 0 and . <= 50", {}, Decimal(51)) is False


def test_names_are_found_for_checking_at_import() -> None:
    assert names_in(parse("${a} > 1 and selected(${b}, 'x') or not(${c} = .)")) == {"a", "b", "c"}


@pytest.mark.parametrize(
    ("expression", "says"),
    [
        ("${age} >", "ends too soon"),
        ("__import__('os')", "is not a function or operator"),
        ("${age} > 1)", "unexpected '\\)'"),
        ("selected(${a})", "takes 2 argument"),
        ("${age} ; 1", "cannot read"),
        ("", "empty"),
    ],
)
def test_what_cannot_be_read_is_refused_in_words(expression: str, says: str) -> None:
    with pytest.raises(ExpressionError, match=says):
        parse(expression)
