"""The library's writes: who may make them, what each refuses and says, the audit event each
records, and the report's entries loaded from the file."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from lde.core.access.policy import PermissionDenied403
from lde.core.audit.models import AuditEvent
from lde.partnerships.models import Role
from lde.what_works import services
from lde.what_works.models import Entry, EntryKind, EntryStatus
from lde.what_works.report import REPORT_ENTRIES, report_entries_load
from lde.what_works.selectors import published_search
from tests.factories import MembershipFactory
from tests.what_works.conftest import DESCRIPTION, RATING, fresh

pytestmark = pytest.mark.django_db


def test_a_local_evaluation_goes_from_draft_through_review_to_the_library(
    library: dict[str, Any],
) -> None:
    entry, coordinator = library["local"], library["coordinator"]
    services.entry_rate(actor=coordinator, entry=entry, **RATING)
    entry = fresh(entry)
    assert (entry.rated_by, entry.design, entry.effect_quality) == (coordinator, "before_after", 2)
    services.entry_submit(actor=coordinator, entry=entry)
    assert fresh(entry).status == EntryStatus.IN_REVIEW
    # The rater does not review their own rating.
    with pytest.raises(PermissionDenied403):
        services.entry_publish(actor=coordinator, entry=fresh(entry))
    other_coordinator = MembershipFactory(
        partnership=library["partnership"], role=Role.COORDINATOR
    ).user
    services.entry_publish(actor=other_coordinator, entry=fresh(entry))
    entry = fresh(entry)
    assert (entry.status, entry.published_by) == (EntryStatus.PUBLISHED, other_coordinator)
    verbs = list(AuditEvent.objects.filter(target_id=str(entry.pk)).values_list("verb", flat=True))
    assert verbs[-4:] == [
        "WHAT_WORKS_ENTRY_ADDED",
        "WHAT_WORKS_ENTRY_RATED",
        "WHAT_WORKS_ENTRY_SUBMITTED",
        "WHAT_WORKS_ENTRY_PUBLISHED",
    ]


def test_a_national_entry_is_published_by_another_site_administrator(
    library: dict[str, Any],
) -> None:
    entry, admin = library["national"], library["admin"]
    services.entry_rate(actor=admin, entry=entry, **RATING)
    services.entry_submit(actor=admin, entry=fresh(entry))
    services.entry_return(actor=library["second_admin"], entry=fresh(entry))
    assert fresh(entry).status == EntryStatus.DRAFT
    services.entry_submit(actor=admin, entry=fresh(entry))
    services.entry_publish(actor=library["second_admin"], entry=fresh(entry))
    assert fresh(entry).status == EntryStatus.PUBLISHED


def test_only_site_administrators_add_to_the_library_and_coordinators_locally(
    library: dict[str, Any],
) -> None:
    with pytest.raises(PermissionDenied403):
        services.entry_add(actor=library["coordinator"], **DESCRIPTION)
    with pytest.raises(PermissionDenied403):
        services.entry_add(
            actor=library["people"][Role.BOARD_MEMBER],
            partnership=library["partnership"],
            project=library["project"],
            **DESCRIPTION,
        )
    with pytest.raises(PermissionDenied403):
        services.entry_add(
            actor=library["admin"],
            partnership=library["partnership"],
            project=library["project"],
            **DESCRIPTION,
        )


def test_a_local_evaluation_must_rate_one_of_the_partnerships_projects(
    library: dict[str, Any],
) -> None:
    from lde.programme.models import Project

    elsewhere = Project.objects.exclude(partnership=library["partnership"]).first()
    with pytest.raises(ValidationError) as refused:
        services.entry_add(
            actor=library["coordinator"],
            partnership=library["partnership"],
            project=elsewhere,
            **DESCRIPTION,
        )
    assert refused.value.message_dict == {"project": ["Select one of the partnership's projects"]}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": ""}, "title", "Enter the title"),
        ({"kind": "rumour"}, "kind", "Kind must be one of: "),
        ({"strands": []}, "strands", "Select at least one of the strands"),
        ({"strands": ["hearts"]}, "strands", "Strands has an unknown value: hearts"),
        ({"tier": 7}, "tier", "Tier must be a tier of intervention from 1 to 4"),
        ({"summary": "x" * 5001}, "summary", "Summary must be 5,000 characters or fewer"),
        (
            {"summary": "Ask the mentor on 07700 900123."},
            "summary",
            "Summary must not hold a person's details: the guard found",
        ),
    ],
    ids=["no-title", "bad-kind", "no-strand", "bad-strand", "bad-tier", "too-long", "phone"],
)
def test_bad_descriptions_are_refused_naming_the_field_and_change_nothing(
    library: dict[str, Any], change: dict[str, Any], field: str, message: str
) -> None:
    entry = library["local"]
    with pytest.raises(ValidationError) as refused:
        services.entry_edit(actor=library["coordinator"], entry=entry, **change)
    assert list(refused.value.message_dict) == [field]
    assert refused.value.message_dict[field][0].startswith(message)
    assert fresh(entry).title == DESCRIPTION["title"]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"design": "guesswork"}, "design", "Design must be one of: "),
        ({"mechanism_quality": 5}, "mechanism_quality", "Mechanism quality must be a whole"),
        ({"mechanism_quality": "high"}, "mechanism_quality", "Mechanism quality must be a whole"),
        (
            {"effect_direction": "not_measured", "effect_quality": 3},
            "effect_quality",
            "Effect quality must be 0 when the effect was not measured",
        ),
        (
            {"implementation": "Contact j.smith@example.org for the list."},
            "implementation",
            "Implementation must not hold a person's details: the guard found email",
        ),
    ],
    ids=["bad-design", "quality-5", "quality-word", "unmeasured-effect-rated", "email"],
)
def test_bad_ratings_are_refused_naming_the_field(
    library: dict[str, Any], change: dict[str, Any], field: str, message: str
) -> None:
    entry = library["local"]
    with pytest.raises(ValidationError) as refused:
        services.entry_rate(actor=library["coordinator"], entry=entry, **(RATING | change))
    assert list(refused.value.message_dict) == [field]
    assert refused.value.message_dict[field][0].startswith(message)
    assert fresh(entry).rated_by is None


def test_a_draft_is_sent_for_review_only_once_rated(library: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as refused:
        services.entry_submit(actor=library["coordinator"], entry=library["local"])
    assert refused.value.message_dict == {"rating": ["Rate the entry before sending it for review"]}


def test_the_report_entries_load_once_and_again_in_place() -> None:
    first = report_entries_load()
    assert first.added >= 19 and first.changed == 0
    again = report_entries_load()
    assert (again.added, again.changed) == (0, first.added)
    assert Entry.objects.filter(report_key__isnull=False).count() == first.added
    kinds = set(Entry.objects.values_list("kind", flat=True))
    assert kinds == {EntryKind.CASE_STUDY, EntryKind.RESEARCH_SUMMARY, EntryKind.PROMISING_FINDING}
    case_studies = Entry.objects.filter(kind=EntryKind.CASE_STUDY)
    assert case_studies.count() == 9
    # Facts only: no case study claims a measured effect.
    assert set(case_studies.values_list("effect_direction", "effect_quality", "design")) == {
        ("not_measured", 0, "case_study")
    }
    assert set(Entry.objects.values_list("status", flat=True)) == {EntryStatus.PUBLISHED}


def test_a_case_study_is_found_by_a_word_from_it() -> None:
    report_entries_load()
    found = published_search("twinning")
    assert next(e.title for e in found) == "Kirklees: Schools Twinning Project"
    # Stemmed or prefixed: "madrassah" finds the Birmingham case study's "madrassahs".
    assert "Birmingham City Council: funding Prevent initiatives" in [
        e.title for e in published_search("madrassah")
    ]


def test_a_bad_report_file_is_refused_naming_the_entry_and_field(tmp_path: Any) -> None:
    bad = tmp_path / "entries.yaml"
    bad.write_text(
        REPORT_ENTRIES.read_text(encoding="utf-8").replace(
            "setting: academic", "setting: laboratory", 1
        ),
        encoding="utf-8",
    )
    before = Entry.objects.count()
    with pytest.raises(ValidationError) as refused:
        report_entries_load(path=bad)
    assert refused.value.message_dict["setting"][0].startswith("entry 10 (research-166): Setting")
    assert Entry.objects.count() == before
