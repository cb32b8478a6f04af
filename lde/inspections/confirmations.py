"""What the confirmation page says before the steps of an inspection that cannot be undone
(`lde.core.confirm`): moving a programme on, starting a site's draft report, sending it for the
partnership's factual-accuracy check, and publishing it."""

from __future__ import annotations

from django.forms import Form
from django.urls import reverse

from lde.core.confirm import Confirmation
from lde.inspections.models import Programme, ProgrammeStatus, Site

ADVANCE: dict[str, tuple[str, str, list[str], str]] = {
    ProgrammeStatus.DRAFT: (
        "Start the fieldwork",
        "Start the fieldwork",
        [
            "The programme moves from draft to fieldwork.",
            "Each site's inspectors can send its document request, write the pre-visit "
            "analysis, record the visit and keep the notes.",
        ],
        "A programme in the field does not go back to draft.",
    ),
    ProgrammeStatus.FIELDWORK: (
        "Move the programme to reporting",
        "Move to reporting",
        [
            "The programme moves from fieldwork to reporting.",
            "Sites still in the field can finish their fieldwork and reports.",
        ],
        "A programme in reporting does not go back to fieldwork.",
    ),
    ProgrammeStatus.REPORTING: (
        "Publish the programme",
        "Publish the programme",
        [
            "The programme is published: it changes no more, and no site or inspector is added.",
            "Its learning across sites is read by everyone signed in.",
        ],
        "A published programme cannot be unpublished or changed.",
    ),
}


def advance(programme: Programme) -> Confirmation:
    title, button, happens, cannot_undo = ADVANCE[programme.status]
    return Confirmation(
        title=title,
        caption=programme.title,
        button=button,
        cancel_url=reverse("inspections:programme-detail", args=[programme.pk]),
        facts=(
            ("Programme", programme.title),
            ("Status now", programme.get_status_display()),
        ),
        happens=happens,
        seen_by=(
            "The programme's inspectors and the coordinators and board members of the "
            "partnerships it visits. The change is recorded in the audit trail, with your name."
        ),
        cannot_undo=cannot_undo,
        form=None,
    )


def _site_facts(site: Site) -> tuple[tuple[str, str], ...]:
    return (
        ("Programme", site.programme.title),
        ("Site", site.partnership.name),
        ("Step now", site.get_status_display()),
    )


def _back(site: Site) -> str:
    return reverse("inspections:site-detail", args=[site.pk])


def report_start(site: Site) -> Confirmation:
    return Confirmation(
        title="Start the draft report",
        caption=site.partnership.name,
        button="Start the draft report",
        cancel_url=_back(site),
        facts=_site_facts(site),
        happens=[
            "An inspection assessment of the partnership's submitted self-assessment is "
            "started: you and the site's other inspectors rate it there, criterion by criterion.",
            "The visit is over: no more visits are recorded, though the schedule and the notes "
            "can still be added to until the report is sent for checking.",
        ],
        seen_by=(
            "The site's inspectors and the programme's lead. The partnership sees the draft "
            "when it is sent for its factual-accuracy check."
        ),
        cannot_undo="The site does not go back to visited once its report is started.",
        form=None,
    )


def report_send(site: Site, form: Form) -> Confirmation:
    return Confirmation(
        title="Send the draft report for the factual-accuracy check",
        caption=site.partnership.name,
        button="Send for the factual-accuracy check",
        cancel_url=_back(site),
        facts=_site_facts(site),
        happens=[
            "The inspection assessment is submitted: its ratings and commentary can no longer "
            "be changed.",
            f"The coordinators of {site.partnership.name} read the draft and comment on its "
            "factual accuracy.",
            "The pre-visit analysis, the schedule and the notes can no longer be added to.",
        ],
        seen_by=(
            f"The coordinators and board members of {site.partnership.name}, the site's "
            "inspectors and the programme's lead. Sending is recorded in the audit trail."
        ),
        cannot_undo="A report sent for checking cannot be taken back to a draft.",
        form=form,
    )


def report_publish(site: Site) -> Confirmation:
    return Confirmation(
        title="Publish the site's report",
        caption=site.partnership.name,
        button="Publish this inspection report",
        cancel_url=_back(site),
        facts=_site_facts(site),
        happens=[
            "The inspection assessment is published, after the partnership's factual-accuracy "
            "comments.",
            "The site's fieldwork is finished: nothing more is added to it.",
        ],
        seen_by=(
            f"Everyone who reads {site.partnership.name}'s published assessments. Publication is "
            "recorded in the audit trail, with your name."
        ),
        cannot_undo="A published report cannot be unpublished.",
        form=None,
    )
