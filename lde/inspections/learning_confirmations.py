"""What the confirmation page says before a case study leaves the programme for the library of
what works (`lde.core.confirm`): what happens, who will see it, and what cannot be undone."""

from __future__ import annotations

from django.urls import reverse

from lde.core.confirm import Confirmation
from lde.inspections.models_learning import CaseStudy


def send(case_study: CaseStudy) -> Confirmation:
    return Confirmation(
        title="Send this case study to the library of what works",
        caption=case_study.title,
        button="Send to the library",
        cancel_url=reverse("inspections_learning:case-study-detail", args=[case_study.pk]),
        facts=(
            ("Case study", case_study.title),
            ("Site", case_study.site.partnership.name),
        ),
        happens=[
            "The case study can no longer be changed.",
            "Site administrators, who keep the library's own entries, see it and take it into "
            "the library as a draft entry, which is reviewed and published as any entry is.",
        ],
        seen_by=(
            "The site administrators, and once the library publishes its entry, everyone signed "
            "in. Sending is recorded in the audit trail, with your name."
        ),
        cannot_undo="A case study sent to the library cannot be taken back to a draft.",
        form=None,
    )


def take(case_study: CaseStudy) -> Confirmation:
    return Confirmation(
        title="Take this case study into the library",
        caption=case_study.title,
        button="Take into the library",
        cancel_url=reverse("inspections_learning:case-study-detail", args=[case_study.pk]),
        facts=(
            ("Case study", case_study.title),
            ("Programme", case_study.programme.title),
            ("Site", case_study.site.partnership.name),
        ),
        happens=[
            "A draft entry of the library of what works is made from it, rated as a case study "
            "(which measures no effect), for you or another site administrator to review and "
            "publish.",
        ],
        seen_by="Site administrators, until the entry is published; then everyone signed in.",
        cannot_undo="The case study keeps its link to the entry; it is not taken in twice.",
        form=None,
    )
