"""What the assessments' confirmation pages say (`lde.core.confirm`): before an assessment is
submitted, signed off by an organisation or the board, has its moderation finished, or is
published, each says what will happen, who will see it and what cannot be undone.

Who sees what follows `permissions.md`: unpublished work is read by the partnership's
coordinators, board members and contributors, its live inspectors and the peer reviewer whose
assignment names it; published work by every member (community reviewers its summary), and by
national analysts only in figures across partnerships.
"""

from __future__ import annotations

from django.forms import Form
from django.urls import reverse
from django.utils.dateformat import format as date_format

from lde.accounts.models import Organisation
from lde.assessments.models import Assessment, AssessmentKind, AssessmentStatus
from lde.core.confirm import Confirmation

NOUNS = {
    AssessmentKind.SELF: "self-assessment",
    AssessmentKind.PEER_REVIEW: "peer review report",
    AssessmentKind.INSPECTION: "inspection report",
}


def noun(assessment: Assessment) -> str:
    return NOUNS[AssessmentKind(assessment.kind)]


def _back(assessment: Assessment) -> str:
    return reverse("assessments:assessment-detail", args=[assessment.pk])


def _facts(assessment: Assessment) -> tuple[tuple[str, str], ...]:
    return (
        ("Kind", assessment.get_kind_display()),
        ("Status", assessment.get_status_display()),
        (
            "Period",
            f"{date_format(assessment.period_start, 'j F Y')} to "
            f"{date_format(assessment.period_end, 'j F Y')}",
        ),
    )


def _unpublished_readers(assessment: Assessment) -> str:
    partnership = assessment.partnership.name
    readers = f"{partnership}'s coordinators, board members and contributors"
    if assessment.kind == AssessmentKind.INSPECTION:
        readers += " and its live inspectors"
    else:
        readers += ", its live inspectors and the peer reviewer whose assignment names it"
    return f"{readers}. Viewers and community reviewers do not see it until it is published."


def publish(assessment: Assessment) -> Confirmation:
    kind = noun(assessment)
    partnership = assessment.partnership.name
    happens = [
        "Its status becomes Published. Its ratings, commentary and evidence can no longer be "
        "changed, and it can no longer be returned to draft.",
    ]
    if assessment.kind == AssessmentKind.SELF and assessment.status == AssessmentStatus.SUBMITTED:
        happens.append(
            "It has not been moderated against a peer review or inspection: it is published "
            "without review, and its page says so. The ratings are the partnership's own."
        )
    if assessment.kind != AssessmentKind.SELF:
        happens.append(
            f"{partnership} sees the {kind} as published, beside the self-assessment it reviews."
        )
    happens.append("The publication is kept in its history and the audit trail, with your name.")
    return Confirmation(
        title=f"Publish {assessment.title}",
        caption=partnership,
        button=f"Publish this {kind}",
        cancel_url=_back(assessment),
        facts=_facts(assessment),
        happens=happens,
        seen_by=(
            f"Every member of {partnership}: its coordinators, board members, contributors and "
            "viewers read it in full, and its community reviewers read its summary. Live "
            f"inspectors of {partnership} read it too. National analysts see it only in figures "
            "across at least 5 partnerships."
        ),
        cannot_undo=f"You cannot undo this: a published {kind} stays published.",
    )


def submit(assessment: Assessment, form: Form) -> Confirmation:
    kind = noun(assessment)
    happens = [
        "Its status becomes Submitted: nobody can change its ratings, commentary or evidence.",
        "Your declaration that it holds no information about identifiable members of the public "
        "is kept with it, with your name and the date.",
    ]
    if assessment.kind == AssessmentKind.SELF:
        happens.append(
            "It can then be moderated against a peer review or inspection, or published without "
            "review after the board's sign-off."
        )
    else:
        happens.append(
            f"{assessment.partnership.name}'s coordinators check it for factual accuracy before "
            "it is published."
        )
    return Confirmation(
        title=f"Submit {assessment.title}",
        caption=assessment.partnership.name,
        button=f"Submit this {kind}",
        cancel_url=_back(assessment),
        happens=happens,
        seen_by=f"As now: {_unpublished_readers(assessment)}",
        cannot_undo=(
            "You cannot undo this yourself: only a coordinator can return it to draft, giving a "
            "reason that is kept in its history."
        ),
        form=form,
    )


def board_sign_off(assessment: Assessment) -> Confirmation:
    return Confirmation(
        title=f"Sign off {assessment.title} for the board",
        caption=assessment.partnership.name,
        button="Sign off for the board",
        cancel_url=_back(assessment),
        facts=_facts(assessment),
        happens=[
            "The board's sign-off is recorded on the assessment, with your name and the date.",
            "Its coordinators may then publish it without a peer review or inspection.",
        ],
        seen_by=(
            f"Everyone who reads the assessment sees who signed it off and when: "
            f"{_unpublished_readers(assessment)}"
        ),
        cannot_undo="You cannot undo this: a sign-off cannot be withdrawn.",
    )


def organisation_sign_off(assessment: Assessment, organisation: Organisation) -> Confirmation:
    return Confirmation(
        title=f"Sign off {organisation.name}'s part",
        caption=assessment.title,
        button=f"Sign off {organisation.name}'s part",
        cancel_url=reverse("assessments:contributions", args=[assessment.pk]),
        facts=(("Organisation", organisation.name), *_facts(assessment)),
        happens=[
            f"{organisation.name} is recorded as having signed off the criteria assigned to it "
            "and its people, with your name and the date.",
        ],
        seen_by=(
            "Everyone who reads the assessment sees it on the assessment's page and its "
            f"contributions: {_unpublished_readers(assessment)}"
        ),
        cannot_undo="You cannot undo this: a sign-off cannot be withdrawn.",
    )


def moderation_finish(assessment: Assessment) -> Confirmation:
    return Confirmation(
        title=f"Finish the moderation of {assessment.title}",
        caption=assessment.partnership.name,
        button="Finish moderation",
        cancel_url=reverse("assessments:moderation", args=[assessment.pk]),
        facts=_facts(assessment),
        happens=[
            "Its status becomes Moderated: the agreed ratings can no longer be changed.",
            "Its coordinators may then publish it.",
        ],
        seen_by=(
            "Everyone who reads the moderation sees it as finished, with the agreed ratings and "
            f"their reasons: {_unpublished_readers(assessment)}"
        ),
        cannot_undo=(
            "You cannot undo this: only returning the assessment to draft reopens it, and then it "
            "must be submitted and moderated again."
        ),
    )
