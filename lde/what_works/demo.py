"""The library's demo: the report's entries (published), one draft of the library's own kept by
the site administrator, and Harrowfield's local evaluation of its "Voices of Harrowfield"
project, rated by its coordinator and sent for review — so that every state is on show. Running
it again changes the report's entries in place and makes nothing twice."""

from __future__ import annotations

from lde.accounts.models import User
from lde.partnerships.models import Membership, Partnership, Role
from lde.programme.models import Project
from lde.what_works import services
from lde.what_works.models import Design, Entry, EntryKind, Setting, Strand
from lde.what_works.report import report_entries_load

LOCAL_TITLE = "Voices of Harrowfield: the first year"
DRAFT_TITLE = "Peer mentoring by young people (draft summary)"


def demo_build() -> None:
    report_entries_load()
    admin = User.objects.filter(is_site_administrator=True).order_by("pk").first()
    if admin is not None and not Entry.objects.filter(title=DRAFT_TITLE).exists():
        services.entry_add(
            actor=admin,
            kind=EntryKind.INTERVENTION,
            title=DRAFT_TITLE,
            summary="Young people trained to mentor younger pupils on identity and belonging; a "
            "summary still being written from the published evaluations.",
            strands=[Strand.RESILIENCE],
            audiences=["young_people", "schools"],
            setting=Setting.EDUCATION,
            source="Demonstration entry",
        )
    harrowfield = Partnership.objects.filter(name="Harrowfield Prevent Partnership").first()
    if harrowfield is None or Entry.objects.filter(title=LOCAL_TITLE).exists():
        return
    project = Project.objects.filter(partnership=harrowfield, title="Voices of Harrowfield").first()
    membership = (
        Membership.objects.filter(partnership=harrowfield, role=Role.COORDINATOR)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if project is None or membership is None:
        return
    coordinator = membership.user
    entry = services.entry_add(
        actor=coordinator,
        partnership=harrowfield,
        project=project,
        kind=EntryKind.EVALUATION,
        title=LOCAL_TITLE,
        summary="Young people aged 14 to 19 made short films answering extremist claims they had "
        "met online, shown at youth clubs and two sixth forms. Participants answered the same "
        "questionnaire before the first session and after the last.",
        strands=[Strand.CHALLENGING],
        tier=1,
        audiences=["young_people"],
        setting=Setting.COMMUNITY,
        source="Harrowfield Prevent Partnership, end-of-year evaluation",
    )
    services.entry_rate(
        actor=coordinator,
        entry=entry,
        design=Design.BEFORE_AFTER,
        effect_direction="desired",
        effect="More participants said they could spot a misleading claim after the project "
        "than before; there was no comparison group.",
        effect_quality=1,
        mechanism="Making a reply themselves, rather than being told, builds the skill.",
        mechanism_quality=1,
        implementation="Two of the five planned youth-club screenings took place.",
        implementation_quality=2,
        economic_cost="£18,000 from the Prevent fund for the year.",
        economic_cost_quality=2,
    )
    services.entry_submit(actor=coordinator, entry=Entry.objects.get(pk=entry.pk))
