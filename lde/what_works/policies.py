"""Who may read and change the library of what works.

permissions.md's row "indicators, surveys, evidence" gives coordinators R W, board members,
viewers and inspectors R, contributors R W (own project data); its "frameworks" row gives site
administrators R W over the national reference material and nobody else W. The library follows
both, with the fewest new rules:

- the library's own entries (no partnership) are kept by site administrators, as the frameworks
  are: they add, edit and rate drafts and send them for review; a site administrator other than
  the one who rated an entry publishes it (the review);
- a partnership's local evaluation of one of its projects is read by the partnership's
  coordinators, board members, contributors, viewers and live inspectors, added by its
  coordinators, edited and rated while a draft by its coordinators and by contributors whose
  organisation delivers the project, and published to the library by a coordinator other than
  the one who rated it; a site administrator never sees it before then (no partnership content);
- a published entry is read by everyone signed in, and changed by no one.

No new grant is needed: "site administrator" already is one.
"""

from __future__ import annotations

from typing import ClassVar

from django.db.models import OuterRef, Q

from lde.core.access.facts import UserFacts
from lde.core.access.policy import NOTHING, Policy
from lde.partnerships.models import Role
from lde.partnerships.reach import READER_ROLES, reach_q, reached
from lde.what_works.models import Entry, EntryStatus

READ = (
    "Everyone signed in reads the published library; a local evaluation before it is published "
    "is read by its partnership's coordinators, board members, contributors, viewers and "
    "assigned inspectors, and the library's drafts by site administrators."
)
ADD_NATIONAL = "Site administrators add entries to the library of what works."
ADD_LOCAL = "The partnership's coordinators add local evaluations of its projects."
EDIT = (
    "While an entry is a draft, site administrators edit the library's own entries; a local "
    "evaluation is edited by its partnership's coordinators and by contributors whose "
    "organisation delivers the project."
)
PUBLISH = (
    "An entry in review is published by someone other than the person who rated it: a site "
    "administrator for the library's own entries, one of the partnership's coordinators for a "
    "local evaluation."
)


class EntryPolicy(Policy[Entry]):
    model = Entry
    actions = ("view", "edit", "submit", "publish")
    scope_actions = ("add",)
    who_can: ClassVar[dict[str, str]] = {
        "view": READ,
        "add": ADD_LOCAL,
        "edit": EDIT,
        "submit": EDIT,
        "publish": PUBLISH,
    }

    def allows_in(self, facts: UserFacts, action: str, scope: int | None) -> bool:
        if action != "add":
            raise ValueError(f"EntryPolicy asks only 'add' of a scope, not {action!r}")
        if scope is None:
            return facts.is_site_administrator
        return scope in facts.partnerships_with(Role.COORDINATOR)

    def _keeps(self, facts: UserFacts, obj: Entry) -> bool:
        if obj.partnership_id is None:
            return facts.is_site_administrator
        if obj.partnership_id in facts.partnerships_with(Role.COORDINATOR):
            return True
        return (
            facts.organisation_id is not None
            and obj.project is not None
            and obj.project.delivered_by_id == facts.organisation_id
            and obj.partnership_id in facts.partnerships_with(Role.CONTRIBUTOR)
        )

    def allows(self, facts: UserFacts, action: str, obj: Entry) -> bool:
        if action == "view":
            if obj.status == EntryStatus.PUBLISHED:
                return True
            if obj.partnership_id is None:
                return facts.is_site_administrator
            return obj.partnership_id in reached(facts, READER_ROLES, inspectors=True)
        if action in ("edit", "submit"):
            return obj.status == EntryStatus.DRAFT and self._keeps(facts, obj)
        if action == "publish":
            if obj.status != EntryStatus.IN_REVIEW or obj.rated_by_id == facts.user_id:
                return False
            if obj.partnership_id is None:
                return facts.is_site_administrator
            return obj.partnership_id in facts.partnerships_with(Role.COORDINATOR)
        raise ValueError(f"EntryPolicy has no action {action!r}")

    def _national_q(self, facts: UserFacts) -> Q:
        return Q(partnership__isnull=True) if facts.is_site_administrator else NOTHING

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        ref = "partnership_id"
        local = Q(partnership__isnull=False)
        if action == "view":
            return (
                Q(status=EntryStatus.PUBLISHED)
                | self._national_q(facts)
                | (local & reach_q(facts, READER_ROLES, OuterRef(ref), inspectors=True))
            )
        if action in ("edit", "submit"):
            own = Q(project__delivered_by_id=facts.organisation_id or 0) & reach_q(
                facts, (Role.CONTRIBUTOR,), OuterRef(ref)
            )
            keeps = (
                self._national_q(facts)
                | (local & reach_q(facts, (Role.COORDINATOR,), OuterRef(ref)))
                | (local & own)
            )
            return Q(status=EntryStatus.DRAFT) & keeps
        if action == "publish":
            publishers = self._national_q(facts) | (
                local & reach_q(facts, (Role.COORDINATOR,), OuterRef(ref))
            )
            not_rater = Q(rated_by__isnull=True) | ~Q(rated_by_id=facts.user_id or 0)
            return Q(status=EntryStatus.IN_REVIEW) & not_rater & publishers
        raise ValueError(f"EntryPolicy has no action {action!r}")


entry_policy = EntryPolicy()
