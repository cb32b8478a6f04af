"""The service's own error messages, from each field's label (lde.core.govuk.forms): a label
that is a noun takes "the"; one put as a clause ("What the grant is for") does not."""

from __future__ import annotations

from django import forms

from lde.core.govuk.forms import DateField, GovukForm


class GrantForm(GovukForm):
    title = forms.CharField(label="Title")
    purpose = forms.CharField(label="What the grant is for")
    reach = forms.IntegerField(label="How many it reached", min_value=0)
    owner = forms.ChoiceField(label="Owner", choices=[("a", "A")])
    awarded_on = DateField(label="When it was given")


def test_a_clause_takes_no_article_and_a_noun_takes_the() -> None:
    form = GrantForm(data={"reach": "lots"})
    assert not form.is_valid()
    assert form.errors["title"] == ["Enter the title"]
    assert form.errors["purpose"] == ["Enter what the grant is for"]
    assert form.errors["reach"] == ["How many it reached must be a whole number"]
    assert form.errors["owner"] == ["Select the owner"]
    assert form.errors["awarded_on"] == ["Enter when it was given"]
    out_of_range = GrantForm(data={"reach": "-1"})
    assert not out_of_range.is_valid()
    assert out_of_range.errors["reach"] == ["Enter how many it reached again: it is out of range"]
