"""A partnership with people in every role and a project of its own (tests/programme's cast),
a site administrator and a second one, and the report's entries loaded."""

from __future__ import annotations

from typing import Any

import pytest

from lde.partnerships.models import Role
from lde.programme.models import Project
from lde.what_works import services
from lde.what_works.models import Design, Entry, EntryKind, Setting, Strand
from tests.factories import UserFactory
from tests.programme.conftest import cast  # noqa: F401 - the programme's people and projects

DESCRIPTION: dict[str, Any] = {
    "kind": EntryKind.EVALUATION,
    "title": "Schools challenge programme: first year",
    "summary": "Drama workshops on extremist propaganda for pupils in years 9 and 10.",
    "strands": [Strand.CHALLENGING],
    "audiences": ["schools", "young_people"],
    "tier": 1,
    "setting": Setting.EDUCATION,
    "source": "The partnership's evaluation report, March 2027",
    "paragraphs": "",
}
RATING: dict[str, Any] = {
    "design": Design.BEFORE_AFTER,
    "effect_direction": "desired",
    "effect": "Pupils' answers to the questionnaire moved towards the desired view.",
    "effect_quality": 2,
    "mechanism": "Pupils recognise the techniques propaganda uses.",
    "mechanism_quality": 1,
}


@pytest.fixture
def library(cast: dict[str, Any]) -> dict[str, Any]:  # noqa: F811
    admin = UserFactory(is_site_administrator=True)
    second_admin = UserFactory(is_site_administrator=True)
    coordinator = cast["people"][Role.COORDINATOR]
    project = Project.objects.get(
        partnership=cast["partnership"], title="Schools challenge programme"
    )
    local = services.entry_add(
        actor=coordinator, partnership=cast["partnership"], project=project, **DESCRIPTION
    )
    national = services.entry_add(
        actor=admin, **(DESCRIPTION | {"title": "Twinning schools across a district"})
    )
    return cast | {
        "admin": admin,
        "second_admin": second_admin,
        "coordinator": coordinator,
        "project": project,
        "local": local,
        "national": national,
    }


def fresh(entry: Entry) -> Entry:
    return Entry.objects.select_related("partnership", "project").get(pk=entry.pk)
