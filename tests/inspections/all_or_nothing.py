"""The inspections services' arguments for tests/core/test_writes_are_all_or_nothing.py: each
carries its write as far as its audit event, from a world of tests/inspections/builders.py in
the state the write needs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from typing import Any

from django.utils import timezone

from lde.accounts.models import User
from lde.assessments.services import factual_accuracy_comment
from lde.inspections.models import RequestedDocument, Visit
from tests.factories import PartnershipFactory, UserFactory
from tests.inspections.builders import InspectionWorld, inspection_world, site_to

S = "lde.inspections.services."


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def _at(status: str) -> InspectionWorld:
    world = inspection_world()
    if status != "planned":
        site_to(world, status)
    return world


def _dates() -> dict[str, Any]:
    return {"starts_on": date(2027, 1, 1), "ends_on": date(2027, 3, 1)}


def _programme_create(_: Any) -> dict[str, Any]:
    world = _at("planned")
    return {"actor": _fresh(world.lead), "title": "Another", "purpose": "Why.", **_dates()}


def _programme_update(_: Any) -> dict[str, Any]:
    world = _at("planned")
    return {
        "actor": _fresh(world.lead),
        "programme": world.programme,
        "title": "Renamed",
        "purpose": "Why.",
        **_dates(),
    }


def _programme_advance(_: Any) -> dict[str, Any]:
    world = inspection_world(fieldwork=False)
    return {"actor": _fresh(world.lead), "programme": world.programme}


def _site_add(_: Any) -> dict[str, Any]:
    world = _at("planned")
    return {
        "actor": _fresh(world.lead),
        "programme": world.programme,
        "partnership": PartnershipFactory(),
    }


def _inspector_assign(_: Any) -> dict[str, Any]:
    world = _at("planned")
    return {"actor": _fresh(world.lead), "site": world.site, "inspector": UserFactory()}


def _inspector(world: InspectionWorld, **extra: Any) -> dict[str, Any]:
    return {"actor": _fresh(world.inspector), **extra}


def _document_request_send(_: Any) -> dict[str, Any]:
    world = _at("planned")
    return _inspector(world, site=world.site, items=["Action plan"], due_on=timezone.localdate())


def _document_received_set(_: Any) -> dict[str, Any]:
    world = _at("documents")
    document = RequestedDocument.objects.filter(request__site=world.site).first()
    return _inspector(world, document=document, received=True)


def _analysis_write(_: Any) -> dict[str, Any]:
    world = _at("documents")
    return _inspector(world, site=world.site, theme="q1-what-set-out-to-deliver", text="Clear.")


def _visit_record(_: Any) -> dict[str, Any]:
    world = _at("documents")
    return _inspector(world, site=world.site, visited_on=timezone.localdate())


def _visited(_: Any) -> tuple[InspectionWorld, Visit]:
    world = _at("visited")
    return world, Visit.objects.get(site=world.site)


def _schedule_item_add(w: Any) -> dict[str, Any]:
    world, visit = _visited(w)
    return _inspector(
        world, visit=visit, starts_at=time(9, 30), kind="observation", roles_met="Youth workers"
    )


def _note_write(w: Any) -> dict[str, Any]:
    world, visit = _visited(w)
    return _inspector(
        world,
        visit=visit,
        kind="interview",
        roles_present="Community safety manager",
        text="The plan is reviewed each quarter.",
        themes=["q1-local-plans"],
    )


def _report_start(_: Any) -> dict[str, Any]:
    world = _at("visited")
    return _inspector(world, site=world.site)


def _report_send_for_check(_: Any) -> dict[str, Any]:
    world = _at("draft")
    return _inspector(world, site=world.site, no_personal_data_declared=True)


def _report_publish(_: Any) -> dict[str, Any]:
    world = _at("accuracy")
    world.site.refresh_from_db()
    assert world.site.assessment is not None
    factual_accuracy_comment(
        actor=world.coordinator, assessment=world.site.assessment, body="Accurate."
    )
    return _inspector(world, site=world.site)


def inspections_all_or_nothing_arguments() -> dict[str, Callable[[Any], dict[str, Any]]]:
    return {
        S + "programme_create": _programme_create,
        S + "programme_update": _programme_update,
        S + "programme_advance": _programme_advance,
        S + "site_add": _site_add,
        S + "inspector_assign": _inspector_assign,
        S + "document_request_send": _document_request_send,
        S + "document_received_set": _document_received_set,
        S + "analysis_write": _analysis_write,
        S + "visit_record": _visit_record,
        S + "schedule_item_add": _schedule_item_add,
        S + "note_write": _note_write,
        S + "report_start": _report_start,
        S + "report_send_for_check": _report_send_for_check,
        S + "report_publish": _report_publish,
    }
