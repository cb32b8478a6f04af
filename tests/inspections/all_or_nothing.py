"""The inspections services' arguments for tests/core/test_writes_are_all_or_nothing.py: each
carries its write as far as its audit event, from a world of tests/inspections/builders.py in
the state the write needs (the cross-site learning's writes, from a world of
tests/inspections/learning_builders.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from typing import Any

from django.utils import timezone

from lde.accounts.models import User
from lde.assessments.services import factual_accuracy_comment
from lde.inspections import learning_services
from lde.inspections.models import RequestedDocument, Visit
from lde.inspections.models_learning import AdvisoryMember, CaseStudy, Finding, FindingKind
from lde.inspections.services import note_write
from tests.factories import PartnershipFactory, UserFactory
from tests.inspections.builders import InspectionWorld, inspection_world, site_to
from tests.inspections.learning_builders import OTHER_THEME, THEME, world_build
from tests.inspections.learning_builders import World as LearningWorld

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


def _notes_read_record(w: Any) -> dict[str, Any]:
    world, visit = _visited(w)
    note = note_write(
        actor=world.inspector,
        visit=visit,
        kind="focus_group",
        roles_present="Youth workers",
        text="Referral pathways are understood.",
        themes=["q1-local-plans"],
    )
    return {"actor": _fresh(world.lead), "site": world.site, "notes": [note]}


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
        S + "notes_read_record": _notes_read_record,
        S + "report_start": _report_start,
        S + "report_send_for_check": _report_send_for_check,
        S + "report_publish": _report_publish,
    }


# --- The cross-site learning (lde/inspections/learning_services.py) --------------------------

L = "lde.inspections.learning_services."

CASE_STUDY = {
    "title": "A standing forum with community organisations",
    "theme": THEME,
    "summary": "The council and police met community organisations monthly.",
    "what_was_done": "A forum chaired in turn by its members, with an agreed agenda.",
    "outcome": "Partners said they understood local concerns earlier.",
    "strand": "resilience",
    "setting": "community",
}


def _finding(world: LearningWorld) -> Finding:
    return learning_services.finding_add(
        actor=world.lead,
        programme=world.programme,
        theme=THEME,
        kind=FindingKind.WORKS,
        text="Partners shared what they knew of communities through a standing forum.",
        sites=[world.first],
    )


def _case_study(world: LearningWorld, *, sent: bool = False) -> CaseStudy:
    case_study = learning_services.case_study_add(
        actor=world.inspector, programme=world.programme, site=world.first, **CASE_STUDY
    )
    if sent:
        case_study = learning_services.case_study_send(actor=world.lead, case_study=case_study)
    return case_study


def _finding_add(_: Any) -> dict[str, Any]:
    world = world_build()
    return {
        "actor": _fresh(world.inspector),
        "programme": world.programme,
        "theme": THEME,
        "kind": FindingKind.BARRIER,
        "text": "Short-term funding stood in the way of planning beyond one year.",
        "sites": [world.first, world.second],
    }


def _finding_edit(_: Any) -> dict[str, Any]:
    world = world_build()
    return {
        "actor": _fresh(world.lead),
        "finding": _finding(world),
        "theme": OTHER_THEME,
        "kind": FindingKind.LOOKS_PROMISING,
        "text": "A forum looked promising where it met monthly.",
        "sites": [world.second],
    }


def _finding_delete(_: Any) -> dict[str, Any]:
    world = world_build()
    return {"actor": _fresh(world.lead), "finding": _finding(world)}


def _key_learning_add(_: Any) -> dict[str, Any]:
    world = world_build()
    return {
        "actor": _fresh(world.lead),
        "programme": world.programme,
        "text": "Knowledge of communities grows where partners meet them routinely.",
        "findings": [_finding(world)],
    }


def _key_learning_delete(_: Any) -> dict[str, Any]:
    world = world_build()
    learning = learning_services.key_learning_add(
        actor=world.lead, programme=world.programme, text="Meet communities routinely."
    )
    return {"actor": _fresh(world.lead), "learning": learning}


def _case_study_add(_: Any) -> dict[str, Any]:
    world = world_build()
    return {
        "actor": _fresh(world.inspector),
        "programme": world.programme,
        "site": world.first,
        **CASE_STUDY,
    }


def _case_study_edit(_: Any) -> dict[str, Any]:
    world = world_build()
    return {
        "actor": _fresh(world.lead),
        "case_study": _case_study(world),
        "title": "A monthly forum with community organisations",
    }


def _case_study_send(_: Any) -> dict[str, Any]:
    world = world_build()
    return {"actor": _fresh(world.lead), "case_study": _case_study(world)}


def _case_study_take(_: Any) -> dict[str, Any]:
    world = world_build()
    return {
        "actor": _fresh(world.site_administrator),
        "case_study": _case_study(world, sent=True),
    }


def _site_feedback_give(_: Any) -> dict[str, Any]:
    world = world_build()
    return {
        "actor": _fresh(world.coordinator),
        "site": world.first,
        "useful": 4,
        "what_helped": "The document request was clear.",
        "what_to_change": "More notice of the visit.",
    }


def _advisory_member_name(_: Any) -> dict[str, Any]:
    world = world_build()
    return {
        "actor": _fresh(world.lead),
        "programme": world.programme,
        "email": world.stranger.email,
    }


def _advisory_member_remove(_: Any) -> dict[str, Any]:
    world = world_build()
    member = AdvisoryMember.objects.get(programme=world.programme, user=world.adviser)
    return {"actor": _fresh(world.lead), "member": member}


def _advisory_comment_add(_: Any) -> dict[str, Any]:
    world = world_build()
    return {
        "actor": _fresh(world.adviser),
        "programme": world.programme,
        "text": "The barriers need more evidence.",
    }


def learning_all_or_nothing_arguments() -> dict[str, Callable[[Any], dict[str, Any]]]:
    return {
        L + "finding_add": _finding_add,
        L + "finding_edit": _finding_edit,
        L + "finding_delete": _finding_delete,
        L + "key_learning_add": _key_learning_add,
        L + "key_learning_delete": _key_learning_delete,
        L + "case_study_add": _case_study_add,
        L + "case_study_edit": _case_study_edit,
        L + "case_study_send": _case_study_send,
        L + "case_study_take": _case_study_take,
        L + "site_feedback_give": _site_feedback_give,
        L + "advisory_member_name": _advisory_member_name,
        L + "advisory_member_remove": _advisory_member_remove,
        L + "advisory_comment_add": _advisory_comment_add,
    }
