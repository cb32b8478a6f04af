"""Choosing from national lists (issue 18): the chooser renders a plain select that works with no
script (the fallback) and names the module that enhances it; every form field over a national list
of organisations, partnerships or posts uses it, and still accepts a choice from its own list and
refuses one outside it (the server is the truth, whatever the browser sent)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import pytest
from django import forms
from django.db.models import QuerySet

from lde.accounts.forms import PersonAccessForm
from lde.accounts.models import Organisation, OrganisationType, Post
from lde.capacity import selectors as capacity_selectors
from lde.capacity.forms import CommunityRelationshipForm
from lde.commissioning import selectors as commissioning_selectors
from lde.commissioning.forms import SmallGrantForm
from lde.consequence_management import selectors as cm_selectors
from lde.consequence_management.forms import ContactForm, ParticipantForm
from lde.consequence_management.models import KeyContact
from lde.core.govuk import widgets
from lde.core.govuk.forms import GovukForm
from lde.engagement import selectors as engagement_selectors
from lde.engagement.forms import ForumForm, InitiativeForm, SchoolForm
from lde.monitoring.forms import AgreementForm
from lde.partnerships.models import Partnership
from lde.programme import selectors as programme_selectors
from lde.programme.forms import ProjectForm, StreamForm
from lde.programme.models import Project
from lde.sharing import selectors as sharing_selectors
from lde.sharing.forms import DisseminationForm, InformationSourceForm, ProductForm, ProtocolForm
from tests.factories import OrganisationFactory, PartnershipFactory, PostFactory
from tests.sharing.builders import Gateway, draft, gateway

NOWHERE = 987_654_321  # the primary key of nothing
# The gateway (tests.sharing.builders) of the test being run: one per test, shared by its forms.
WORLD: dict[str, Gateway] = {}


class Chooser(GovukForm):
    organisation = forms.ChoiceField(
        label="Organisation",
        choices=[
            ("", "Choose an organisation"),
            ("1", "Harrowfield Council"),
            ("2", "A & B <Trust>"),
        ],
        help_text="The one that owns it.",
        widget=widgets.Autocomplete(),
    )
    parties = forms.MultipleChoiceField(
        label="Parties",
        choices=[("1", "Harrowfield Council"), ("2", "A & B <Trust>"), ("3", "Kestlebury BCU")],
        widget=widgets.AutocompleteMultiple(),
    )


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def _elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(html)
    return parser.elements


def _select(html: str, name: str) -> dict[str, str | None]:
    return next(a for tag, a in _elements(html) if tag == "select" and a.get("name") == name)


def test_a_single_choice_is_a_plain_labelled_select_that_names_its_module() -> None:
    html = str(Chooser(initial={"organisation": "2"}).render())
    select = _select(html, "organisation")
    assert select["data-module"] == "lde-autocomplete"
    assert "govuk-select" in str(select["class"]).split()
    assert "multiple" not in select
    assert select["aria-describedby"] == "id_organisation-hint"
    assert '<label class="govuk-label govuk-label--s" for="id_organisation">' in html
    # Every option is there for the page without script, escaped, the initial one selected.
    assert '<option value="2" selected>A &amp; B &lt;Trust&gt;</option>' in html
    assert '<option value="">Choose an organisation</option>' in html
    assert '<option value="1">Harrowfield Council</option>' in html


def test_several_choices_are_a_labelled_multiple_select_not_a_fieldset_of_checkboxes() -> None:
    html = str(Chooser(initial={"parties": ["1", "3"]}).render())
    select = _select(html, "parties")
    assert select["data-module"] == "lde-autocomplete-multiple"
    assert "multiple" in select
    assert 'type="checkbox"' not in html
    assert "<fieldset" not in html
    assert '<label class="govuk-label govuk-label--s" for="id_parties">' in html
    # How to choose several without script is said, and the select is described by it.
    assert 'id="id_parties-how"' in html
    assert "id_parties-how" in str(select["aria-describedby"]).split()
    assert '<option value="1" selected>Harrowfield Council</option>' in html
    assert '<option value="3" selected>Kestlebury BCU</option>' in html
    assert '<option value="2">A &amp; B &lt;Trust&gt;</option>' in html


def test_errors_mark_the_select_and_the_summary_links_to_its_id() -> None:
    form = Chooser(data={"organisation": "9", "parties": ["9"]})
    assert not form.is_valid()
    assert form["organisation"].errors == ["Select one of the options given for the organisation"]
    assert form["parties"].errors == ["Select one of the options given for the parties"]
    html = str(form.render())
    for name in ("organisation", "parties"):
        select = _select(html, name)
        assert "govuk-select--error" in str(select["class"]).split()
        assert f"id_{name}-error" in str(select["aria-describedby"]).split()
        # The script gives this id to the input it makes, so the link focuses the input.
        assert form[name].anchor == f"id_{name}"


def test_the_submitted_choices_are_read_as_from_any_select() -> None:
    form = Chooser(data={"organisation": "1", "parties": ["1", "2"]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"organisation": "1", "parties": ["1", "2"]}


@dataclass
class Case:
    """One converted field: the form as its page makes it, a choice in its list, one outside."""

    form: Callable[[dict[str, Any]], forms.Form]
    field: str
    inside: Callable[[], Any]
    outside: Callable[[], Any]
    multiple: bool = False


def _organisation(kind: str = OrganisationType.COUNCIL) -> Organisation:
    return OrganisationFactory(type=kind)


def _all_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.order_by("name")


def _product_form(data: dict[str, Any]) -> forms.Form:
    g = WORLD["gateway"]
    return ProductForm(
        data,
        markings=sharing_selectors.marking_choices(user=g.author),
        caveats=sharing_selectors.caveat_choices(user=g.author),
        organisations=sharing_selectors.organisation_choices(),
        partnerships=sharing_selectors.partnership_choices(),
        protocols=sharing_selectors.protocols_for_release(user=g.author, organisation_id=g.unit.pk),
        posts=sharing_selectors.post_choices(organisation_id=g.unit.pk),
    )


def _dissemination_form(data: dict[str, Any]) -> forms.Form:
    product = draft(WORLD["gateway"])
    return DisseminationForm(
        data,
        posts=sharing_selectors.post_choices(product=product),
        organisations=sharing_selectors.organisation_choices(),
    )


def _harrowfield() -> Partnership:
    return Partnership.objects.get(name="Harrowfield")


def _contact_form(data: dict[str, Any]) -> forms.Form:
    partnership = _harrowfield()
    return ContactForm(
        data,
        organisations=cm_selectors.partnership_organisations(partnership=partnership),
        posts=cm_selectors.partnership_posts(partnership=partnership),
        deputies=KeyContact.objects.none(),
    )


def _unit_post() -> Post:
    return Post.objects.get(organisation=WORLD["gateway"].unit, title="Analyst")


CASES = {
    "person's organisation": Case(
        lambda data: PersonAccessForm(data),
        "organisation",
        inside=lambda: _organisation(OrganisationType.PROBATION).pk,
        outside=lambda: NOWHERE,
    ),
    "protocol's parties": Case(
        lambda data: ProtocolForm(data, organisations=sharing_selectors.organisation_choices()),
        "parties",
        inside=lambda: [_organisation().pk],
        outside=lambda: [NOWHERE],
        multiple=True,
    ),
    "protocol's controllers": Case(
        # Every controller is a party too, as the form requires.
        lambda data: ProtocolForm(
            {**data, "parties": data["controllers"]},
            organisations=sharing_selectors.organisation_choices(),
        ),
        "controllers",
        inside=lambda: [_organisation().pk],
        outside=lambda: [NOWHERE],
        multiple=True,
    ),
    "product's contributing organisations": Case(
        _product_form,
        "contributing_organisations",
        inside=lambda: [_organisation().pk],
        outside=lambda: [NOWHERE],
        multiple=True,
    ),
    "product's recipient partnerships": Case(
        _product_form,
        "recipients",
        inside=lambda: [_harrowfield().pk],
        outside=lambda: [NOWHERE],
        multiple=True,
    ),
    "product's holder post": Case(
        _product_form,
        "holder_post",
        inside=lambda: _unit_post().pk,
        # A post of an organisation the product does not come from.
        outside=lambda: PostFactory().pk,
    ),
    "dissemination by post": Case(
        _dissemination_form,
        "post",
        inside=lambda: _unit_post().pk,
        outside=lambda: PostFactory().pk,
    ),
    "dissemination by organisation": Case(
        _dissemination_form,
        "organisation",
        inside=lambda: _organisation().pk,
        outside=lambda: NOWHERE,
    ),
    "information source's owner": Case(
        lambda data: InformationSourceForm(
            data,
            organisations=sharing_selectors.organisation_choices(),
            markings=sharing_selectors.information_source_markings(),
        ),
        "owner_organisation",
        inside=lambda: _organisation().pk,
        outside=lambda: NOWHERE,
    ),
    "community relationship's organisation": Case(
        lambda data: CommunityRelationshipForm(
            data,
            choices={
                "organisation": capacity_selectors.community_organisation_choices(
                    partnership=_harrowfield()
                ),
                "held_by": capacity_selectors.relationship_post_choices(partnership=_harrowfield()),
            },
        ),
        "organisation",
        inside=lambda: _organisation(OrganisationType.FAITH_INSTITUTION).pk,
        outside=lambda: _organisation(OrganisationType.COUNCIL).pk,
    ),
    "small grant's recipient": Case(
        lambda data: SmallGrantForm(data, recipients=commissioning_selectors.grant_recipients()),
        "recipient",
        inside=lambda: _organisation(OrganisationType.VOLUNTARY_COMMUNITY).pk,
        outside=lambda: _organisation(OrganisationType.COUNCIL).pk,
    ),
    "key contact's organisation": Case(
        _contact_form,
        "organisation",
        inside=lambda: _organisation(OrganisationType.FAITH_INSTITUTION).pk,
        outside=lambda: NOWHERE,
    ),
    "exercise participant's organisation": Case(
        lambda data: ParticipantForm(
            data,
            organisations=cm_selectors.partnership_organisations(partnership=_harrowfield()),
        ),
        "organisation",
        inside=lambda: _organisation(OrganisationType.HEALTH).pk,
        outside=lambda: NOWHERE,
    ),
    "forum's organisations": Case(
        lambda data: ForumForm(
            data,
            organisations=engagement_selectors.organisation_choices(partnership=_harrowfield()),
        ),
        "members",
        inside=lambda: [_organisation(OrganisationType.FAITH_INSTITUTION).pk],
        # A council that is no partner of Harrowfield's is no member a forum of its may name.
        outside=lambda: [_organisation(OrganisationType.COUNCIL).pk],
        multiple=True,
    ),
    "initiative's organisation": Case(
        lambda data: InitiativeForm(
            data,
            organisations=engagement_selectors.organisation_choices(partnership=_harrowfield()),
        ),
        "organisation",
        inside=lambda: _organisation(OrganisationType.VOLUNTARY_COMMUNITY).pk,
        outside=lambda: _organisation(OrganisationType.PRISON).pk,
    ),
    "school": Case(
        lambda data: SchoolForm(data, organisations=engagement_selectors.school_choices()),
        "organisation",
        inside=lambda: _organisation(OrganisationType.SCHOOL).pk,
        outside=lambda: _organisation(OrganisationType.COUNCIL).pk,
    ),
    "agreement's delivering organisation": Case(
        lambda data: AgreementForm(
            data, organisations=_all_organisations(), projects=Project.objects.none()
        ),
        "organisation",
        inside=lambda: _organisation(OrganisationType.VOLUNTARY_COMMUNITY).pk,
        outside=lambda: NOWHERE,
    ),
    "funding stream's source": Case(
        lambda data: StreamForm(data, choices={"source": _all_organisations()}),
        "source",
        inside=lambda: _organisation(OrganisationType.GOVERNMENT_OFFICE).pk,
        outside=lambda: NOWHERE,
    ),
    "project's delivering organisation": Case(
        lambda data: ProjectForm(
            data,
            choices={
                "delivered_by": programme_selectors.delivery_choices(partnership=_harrowfield())
            },
        ),
        "delivered_by",
        inside=lambda: _organisation(OrganisationType.FAITH_INSTITUTION).pk,
        outside=lambda: NOWHERE,
    ),
}


def check(name: str, case: Case) -> None:
    """The field uses the chooser, takes a choice from its list and refuses one outside it."""
    PartnershipFactory(name="Harrowfield")
    WORLD["gateway"] = gateway()
    PostFactory(organisation=WORLD["gateway"].unit, title="Analyst")

    inside, outside = case.inside(), case.outside()
    chosen = case.form({case.field: inside})
    widget = chosen.fields[case.field].widget
    expected = widgets.AutocompleteMultiple if case.multiple else widgets.Autocomplete
    assert isinstance(widget, expected)
    chosen.is_valid()
    assert case.field not in chosen.errors, chosen.errors[case.field]
    wanted = set(inside) if case.multiple else {inside}
    got = chosen.cleaned_data[case.field]
    assert ({o.pk for o in got} if case.multiple else {got.pk}) == wanted

    refused = case.form({case.field: outside})
    assert not refused.is_valid()
    assert refused.errors[case.field], f"{name}: a choice outside the list was accepted"
    # The page renders the choice it was given as a select, not as thousands of checkboxes.
    html = str(refused[case.field])
    assert str(_select(html, case.field)["data-module"]).startswith("lde-autocomplete")
    assert 'type="checkbox"' not in html


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(CASES))
def test_each_national_list_is_chosen_by_autocomplete_and_checked_by_the_form(name: str) -> None:
    check(name, CASES[name])
