"""Who may do what in monitoring (`permissions.md`, "programme, commissioning": coordinator R W,
board member R, contributor R W (own returns, through the applicant access: ADR 0016), viewer R,
inspector R).

| policy                 | action   | who                                                        |
|------------------------|----------|------------------------------------------------------------|
| agreement              | view     | coordinators, board members, contributors, viewers and     |
|                        |          | live inspectors of the agreement's partnership             |
|                        | edit     | coordinators, a draft                                      |
|                        | activate | coordinators, a draft                                      |
|                        | close    | coordinators, an active agreement                          |
|                        | start    | coordinators (of a partnership); view: its readers         |
| return                 | view     | as the agreement                                           |
|                        | make     | coordinators, on the organisation's behalf: a return due   |
|                        |          | or sent back, on an active agreement                       |
|                        | review   | coordinators, a submitted return                           |
| applicant's agreement  | view     | the applicants of the delivering organisation, once the    |
|                        |          | agreement is active (a draft is the partnership's alone)   |
| applicant's return     | view     | the same                                                   |
|                        | make     | the same, a return due or sent back, on an active agreement|

Applicants are not partnership members (ADR 0016): the applicant policies are the only ones that
answer them, for their own organisation's agreements alone; they never see another
organisation's, nor anything of the partnership beyond them.
"""

from __future__ import annotations

from typing import ClassVar

from django.db.models import Exists, OuterRef, Q

from lde.commissioning.models import Applicant
from lde.commissioning.policies import applicant_organisation
from lde.core.access.facts import AnyUser, UserFacts
from lde.core.access.policy import Policy
from lde.core.refusals import Conflict
from lde.monitoring.models import Agreement, AgreementStatus, Return, ReturnStatus
from lde.partnerships.models import Role
from lde.partnerships.reach import READER_ROLES, reach_q, reached

COORDINATOR = (Role.COORDINATOR,)
OPEN_TO_CHANGE = (ReturnStatus.DUE, ReturnStatus.SENT_BACK)


class AgreementPolicy(Policy[Agreement]):
    model = Agreement
    actions = ("view", "edit", "activate", "close")
    who_can: ClassVar[dict[str, str]] = {
        "view": "The partnership's coordinators, board members, contributors, viewers and live "
        "inspectors read its agreements.",
        "edit": "The partnership's coordinators write an agreement while it is a draft.",
        "activate": "The partnership's coordinators make a draft agreement active.",
        "close": "The partnership's coordinators close an active agreement.",
        "start": "A partnership's coordinators make agreements.",
    }
    scope_actions = ("start", "view")

    def allows_in(self, facts: UserFacts, action: str, scope: int | None) -> bool:
        if action == "start":
            return scope in facts.partnerships_with(Role.COORDINATOR)
        if action == "view":
            return scope in reached(facts, READER_ROLES, inspectors=True)
        raise ValueError(f"AgreementPolicy asks only 'start' and 'view' of a scope, not {action}")

    def allows(self, facts: UserFacts, action: str, obj: Agreement) -> bool:
        if action == "view":
            return obj.partnership_id in reached(facts, READER_ROLES, inspectors=True)
        coordinator = obj.partnership_id in reached(facts, COORDINATOR, inspectors=False)
        if action in ("edit", "activate"):
            return coordinator and obj.status == AgreementStatus.DRAFT
        if action == "close":
            return coordinator and obj.status == AgreementStatus.ACTIVE
        return False

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        if action == "view":
            return reach_q(facts, READER_ROLES, OuterRef("partnership_id"), inspectors=True)
        coordinator = reach_q(facts, COORDINATOR, OuterRef("partnership_id"))
        if action in ("edit", "activate"):
            return coordinator & Q(status=AgreementStatus.DRAFT)
        if action == "close":
            return coordinator & Q(status=AgreementStatus.ACTIVE)
        raise ValueError(f"AgreementPolicy has no action {action!r}")


agreement_policy = AgreementPolicy()


def _agreement_of(obj: Return) -> Agreement:
    return obj.agreement


class ReturnPolicy(Policy[Return]):
    """The partnership's side of a return. Applicants are answered by `ApplicantReturnPolicy`."""

    model = Return
    actions = ("view", "make", "review")
    who_can: ClassVar[dict[str, str]] = {
        "view": "The partnership's coordinators, board members, contributors, viewers and live "
        "inspectors read the returns on its agreements.",
        "make": "The delivering organisation's applicants, or a coordinator on their behalf, "
        "make a return that is due or sent back, while the agreement is active.",
        "review": "The partnership's coordinators accept a submitted return or send it back.",
    }

    def allows(self, facts: UserFacts, action: str, obj: Return) -> bool:
        agreement = _agreement_of(obj)
        if action == "view":
            return agreement.partnership_id in reached(facts, READER_ROLES, inspectors=True)
        coordinator = agreement.partnership_id in reached(facts, COORDINATOR, inspectors=False)
        if action == "make":
            return (
                coordinator
                and agreement.status == AgreementStatus.ACTIVE
                and obj.status in OPEN_TO_CHANGE
            )
        if action == "review":
            return coordinator and obj.status == ReturnStatus.SUBMITTED
        return False

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        ref = OuterRef("agreement__partnership_id")
        if action == "view":
            return reach_q(facts, READER_ROLES, ref, inspectors=True)
        coordinator = reach_q(facts, COORDINATOR, ref)
        if action == "make":
            return coordinator & Q(
                agreement__status=AgreementStatus.ACTIVE, status__in=list(OPEN_TO_CHANGE)
            )
        if action == "review":
            return coordinator & Q(status=ReturnStatus.SUBMITTED)
        raise ValueError(f"ReturnPolicy has no action {action!r}")


return_policy = ReturnPolicy()


def _own_q(facts: UserFacts, organisation_ref: str) -> Q:
    return Q(
        Exists(
            Applicant.objects.filter(
                user_id=facts.user_id or 0, organisation_id=OuterRef(organisation_ref)
            )
        )
    )


class ApplicantAgreementPolicy(Policy[Agreement]):
    """The delivering organisation's own agreements, once active; nothing else."""

    model = Agreement
    actions = ("view",)
    who_can: ClassVar[dict[str, str]] = {
        "view": "The applicants of the delivering organisation read its agreements once they "
        "are active.",
    }

    def allows(self, facts: UserFacts, action: str, obj: Agreement) -> bool:
        organisation = applicant_organisation(facts)
        return (
            organisation is not None
            and obj.organisation_id == organisation
            and obj.status != AgreementStatus.DRAFT
        )

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        if action == "view":
            return _own_q(facts, "organisation_id") & ~Q(status=AgreementStatus.DRAFT)
        raise ValueError(f"ApplicantAgreementPolicy has no action {action!r}")


applicant_agreement_policy = ApplicantAgreementPolicy()


class ApplicantReturnPolicy(Policy[Return]):
    """The delivering organisation's returns: read once the agreement is active, made while it
    is active and the return is due or sent back."""

    model = Return
    actions = ("view", "make")
    who_can: ClassVar[dict[str, str]] = {
        "view": "The applicants of the delivering organisation read its returns.",
        "make": "The applicants of the delivering organisation make a return that is due or "
        "sent back, while the agreement is active.",
    }

    def allows(self, facts: UserFacts, action: str, obj: Return) -> bool:
        organisation = applicant_organisation(facts)
        agreement = _agreement_of(obj)
        if organisation is None or agreement.organisation_id != organisation:
            return False
        if agreement.status == AgreementStatus.DRAFT:
            return False
        if action == "view":
            return True
        if action == "make":
            return agreement.status == AgreementStatus.ACTIVE and obj.status in OPEN_TO_CHANGE
        return False

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        own = _own_q(facts, "agreement__organisation_id") & ~Q(
            agreement__status=AgreementStatus.DRAFT
        )
        if action == "view":
            return own
        if action == "make":
            return own & Q(
                agreement__status=AgreementStatus.ACTIVE, status__in=list(OPEN_TO_CHANGE)
            )
        raise ValueError(f"ApplicantReturnPolicy has no action {action!r}")


applicant_return_policy = ApplicantReturnPolicy()


CLOSED_REFUSAL = "The agreement is closed: no return is taken on it"


def require_may_make(actor: AnyUser, return_made: Return) -> None:
    """Refuse (409 for a closed agreement, said before anything else to whoever may see the
    return; 403 otherwise) unless `actor` may make the return: the organisation's applicants,
    or a coordinator on their behalf. Asked by every service that changes a return, and by
    the spend import before it reads a file, so that who may not is told so first."""
    if return_made.agreement.status == AgreementStatus.CLOSED:
        seen = return_policy.user_can(
            actor, "view", return_made
        ) or applicant_return_policy.user_can(actor, "view", return_made)
        if seen:
            raise Conflict({"__all__": CLOSED_REFUSAL})
    if not (
        return_policy.user_can(actor, "make", return_made)
        or applicant_return_policy.user_can(actor, "make", return_made)
    ):
        return_policy.require(actor, "make", return_made)
