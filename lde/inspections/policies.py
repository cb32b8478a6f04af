"""Who may plan, do and read an inspection programme's work (`permissions.md`: "inspector",
"inspections, roll-ups").

Three kinds of people reach a programme:

- its **lead**: the programme lead named on it, while they hold the site-wide programme lead
  grant. They plan it, add its sites and assign their inspectors, and read all of it;
- a site's **inspectors**: people with a live inspector `Assignment` made for that site (its
  `subject_reference` is the site's, see `site_reference`). They do the fieldwork and the report
  of that site, and read it, notes included;
- a site's **partnership**: its coordinators and board members read their own site, its document
  request and its visit schedule, never the inspectors' analysis or notes.

Nobody else: not national analysts (no aggregate is drawn here), not site administrators (they
give the grant and nothing of the content), not an inspector of another site.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import Exists, OuterRef, Q

from lde.core.access.facts import UserFacts
from lde.core.access.policy import NOTHING, Policy
from lde.inspections.models import (
    DocumentRequest,
    InterviewNote,
    PreVisitAnalysis,
    Programme,
    ProgrammeStatus,
    Site,
    SiteStatus,
    Visit,
)
from lde.partnerships.models import Assignment, AssignmentKind, Role

# An inspector's assignment names the site it is for as "inspection-site:<id>".
SITE_REFERENCE_PREFIX = "inspection-site:"
PARTNERSHIP_READERS = (Role.COORDINATOR, Role.BOARD_MEMBER)


def site_reference(site_id: int) -> str:
    return f"{SITE_REFERENCE_PREFIX}{site_id}"


def inspected_sites(facts: UserFacts) -> frozenset[int]:
    """The sites the user has a live inspector assignment for: one query, kept on the facts
    (which are themselves dropped by `facts_forget` after any change of assignments)."""
    cached = facts.__dict__.get("_inspected_sites")
    if isinstance(cached, frozenset):
        return cached
    found: frozenset[int] = frozenset()
    if facts.user_id is not None:
        references = Assignment.objects.filter(
            user_id=facts.user_id,
            kind=AssignmentKind.INSPECTOR,
            starts_on__lte=facts.today,
            ends_on__gte=facts.today,
            subject_reference__startswith=SITE_REFERENCE_PREFIX,
        ).values_list("subject_reference", flat=True)
        found = frozenset(
            int(r[len(SITE_REFERENCE_PREFIX) :])
            for r in references
            if r[len(SITE_REFERENCE_PREFIX) :].isdigit()
        )
    # The facts are frozen; this one derived answer is cached beside them, not in them.
    object.__setattr__(facts, "_inspected_sites", found)
    return found


def _leads(facts: UserFacts, lead_id: int) -> bool:
    return facts.is_programme_lead and lead_id == facts.user_id


def _lead_q(facts: UserFacts, lead_field: str) -> Q:
    return Q(**{lead_field: facts.user_id}) if facts.is_programme_lead else NOTHING


def _partnership_reads(facts: UserFacts, partnership_id: int) -> bool:
    return partnership_id in facts.partnerships_with(*PARTNERSHIP_READERS)


def _partnership_q(facts: UserFacts, partnership_field: str) -> Q:
    return Q(**{f"{partnership_field}__in": facts.partnerships_with(*PARTNERSHIP_READERS)})


# Which site statuses each piece of fieldwork may be done in.
SITE_WORK: dict[str, tuple[str, ...]] = {
    "request_documents": (SiteStatus.PLANNED,),
    "record_documents": (SiteStatus.DOCUMENTS_REQUESTED, SiteStatus.VISITED),
    "analyse": (SiteStatus.DOCUMENTS_REQUESTED, SiteStatus.VISITED, SiteStatus.DRAFT_REPORT),
    "record_visit": (SiteStatus.DOCUMENTS_REQUESTED, SiteStatus.VISITED),
    "start_report": (SiteStatus.VISITED,),
    "send_for_check": (SiteStatus.DRAFT_REPORT,),
    "publish": (SiteStatus.FACTUAL_ACCURACY,),
}
OPEN_SITE = tuple(s for s in SiteStatus.values if s != SiteStatus.PUBLISHED)


class ProgrammePolicy(Policy[Programme]):
    model = Programme
    actions = ("view", "edit", "advance", "add_site")
    scope_actions = ("create",)
    who_can: ClassVar[dict[str, str]] = {
        "create": "Programme leads plan inspection programmes. Site administrators give the grant.",
        "view": "The programme's lead, the inspectors of its sites, and the coordinators and "
        "board members of the partnerships it visits.",
        "edit": "The programme's lead changes it until it is published.",
        "advance": "The programme's lead moves it from draft to fieldwork, reporting and "
        "publication.",
        "add_site": "The programme's lead adds the partnerships it visits until it is published.",
    }

    def allows_in(self, facts: UserFacts, action: str, scope: int | None) -> bool:
        if action == "create":
            return facts.is_programme_lead
        raise ValueError(f"ProgrammePolicy asks only 'create' of a scope, not {action!r}")

    def allows(self, facts: UserFacts, action: str, obj: Programme) -> bool:
        lead = _leads(facts, obj.lead_id)
        if action == "view":
            if lead:
                return True
            return Site.objects.filter(
                Q(pk__in=inspected_sites(facts)) | _partnership_q(facts, "partnership_id"),
                programme_id=obj.pk,
            ).exists()
        if action in ("edit", "add_site", "advance"):
            return lead and obj.status != ProgrammeStatus.PUBLISHED
        return False

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        lead = _lead_q(facts, "lead_id")
        if action == "view":
            reached = Site.objects.filter(
                Q(pk__in=inspected_sites(facts)) | _partnership_q(facts, "partnership_id"),
                programme_id=OuterRef("pk"),
            )
            return lead | Q(Exists(reached))
        if action in ("edit", "add_site", "advance"):
            return lead & ~Q(status=ProgrammeStatus.PUBLISHED)
        return NOTHING


class SitePolicy(Policy[Site]):
    model = Site
    actions = ("view", "read_working_papers", "assign_inspector", *SITE_WORK)
    who_can: ClassVar[dict[str, str]] = {
        "view": "The programme's lead, the site's inspectors, and the partnership's coordinators "
        "and board members.",
        "read_working_papers": "The programme's lead and the site's inspectors: the pre-visit "
        "analysis and the interview and focus-group notes are their working papers, asked of the "
        "site itself rather than of an unsaved analysis or note.",
        "assign_inspector": "The programme's lead assigns the site's inspectors until its report "
        "is published.",
        "request_documents": "The site's inspectors send the document request of a planned site.",
        "record_documents": "The site's inspectors record which documents have arrived, before "
        "the report is drafted.",
        "analyse": "The site's inspectors write the pre-visit analysis until the report is sent "
        "for checking.",
        "record_visit": "The site's inspectors record the visit once the documents are asked for.",
        "start_report": "The site's inspectors start the draft report after the visit.",
        "send_for_check": "The site's inspectors send the draft report to the partnership for "
        "its factual-accuracy check.",
        "publish": "The site's inspectors publish the report after the partnership's "
        "factual-accuracy check.",
    }

    def allows(self, facts: UserFacts, action: str, obj: Site) -> bool:
        inspector = obj.pk in inspected_sites(facts)
        if action == "view":
            return (
                inspector
                or _leads(facts, obj.programme.lead_id)
                or _partnership_reads(facts, obj.partnership_id)
            )
        if action == "read_working_papers":
            return inspector or _leads(facts, obj.programme.lead_id)
        if action == "assign_inspector":
            return _leads(facts, obj.programme.lead_id) and obj.status in OPEN_SITE
        if action in SITE_WORK:
            return inspector and obj.status in SITE_WORK[action]
        return False

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        inspector = Q(pk__in=inspected_sites(facts))
        if action == "view":
            return (
                inspector
                | _lead_q(facts, "programme__lead_id")
                | _partnership_q(facts, "partnership_id")
            )
        if action == "read_working_papers":
            return inspector | _lead_q(facts, "programme__lead_id")
        if action == "assign_inspector":
            return _lead_q(facts, "programme__lead_id") & Q(status__in=OPEN_SITE)
        if action in SITE_WORK:
            return inspector & Q(status__in=SITE_WORK[action])
        return NOTHING


class _SitePartPolicy:
    """What a site's parts share: reached through their site (`site_field`), read by the lead
    and the site's inspectors, and by the partnership where `partnership_reads`."""

    site_field: ClassVar[str]
    partnership_reads: ClassVar[bool]
    # The site statuses in which the site's inspectors change it.
    writable_in: ClassVar[tuple[str, ...]]

    def _site(self, obj: Any) -> Site:
        site: Site = obj
        for part in self.site_field.split("__"):
            site = getattr(site, part)
        return site

    def _allows(self, facts: UserFacts, action: str, obj: Any) -> bool:
        site = self._site(obj)
        inspector = site.pk in inspected_sites(facts)
        if action == "view":
            return (
                inspector
                or _leads(facts, site.programme.lead_id)
                or (self.partnership_reads and _partnership_reads(facts, site.partnership_id))
            )
        if action == "change":
            return inspector and site.status in self.writable_in
        return False

    def _filter_for(self, facts: UserFacts, action: str) -> Q:
        inspector = Q(**{f"{self.site_field}__in": inspected_sites(facts)})
        if action == "view":
            seen = inspector | _lead_q(facts, f"{self.site_field}__programme__lead_id")
            if self.partnership_reads:
                seen |= _partnership_q(facts, f"{self.site_field}__partnership_id")
            return seen
        if action == "change":
            return inspector & Q(**{f"{self.site_field}__status__in": self.writable_in})
        return NOTHING


class DocumentRequestPolicy(_SitePartPolicy, Policy[DocumentRequest]):
    model = DocumentRequest
    actions = ("view", "change")
    site_field = "site"
    partnership_reads = True
    writable_in = SITE_WORK["record_documents"]
    who_can: ClassVar[dict[str, str]] = {
        "view": "The programme's lead, the site's inspectors, and the partnership's coordinators "
        "and board members (who send the documents).",
        "change": "The site's inspectors record which documents have arrived, before the report "
        "is drafted.",
    }

    def allows(self, facts: UserFacts, action: str, obj: DocumentRequest) -> bool:
        return self._allows(facts, action, obj)

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        return self._filter_for(facts, action)


class PreVisitAnalysisPolicy(_SitePartPolicy, Policy[PreVisitAnalysis]):
    model = PreVisitAnalysis
    actions = ("view", "change")
    site_field = "site"
    partnership_reads = False
    writable_in = SITE_WORK["analyse"]
    who_can: ClassVar[dict[str, str]] = {
        "view": "The programme's lead and the site's inspectors: it is their working paper.",
        "change": "The site's inspectors write it until the report is sent for checking.",
    }

    def allows(self, facts: UserFacts, action: str, obj: PreVisitAnalysis) -> bool:
        return self._allows(facts, action, obj)

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        return self._filter_for(facts, action)


class VisitPolicy(_SitePartPolicy, Policy[Visit]):
    model = Visit
    actions = ("view", "change")
    site_field = "site"
    partnership_reads = True
    writable_in = (SiteStatus.VISITED, SiteStatus.DRAFT_REPORT)
    who_can: ClassVar[dict[str, str]] = {
        "view": "The programme's lead, the site's inspectors, and the partnership's coordinators "
        "and board members (who host it; the schedule names roles, never people).",
        "change": "The site's inspectors add to the schedule and write notes until the report is "
        "sent for checking.",
    }

    def allows(self, facts: UserFacts, action: str, obj: Visit) -> bool:
        return self._allows(facts, action, obj)

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        return self._filter_for(facts, action)


class InterviewNotePolicy(_SitePartPolicy, Policy[InterviewNote]):
    model = InterviewNote
    actions = ("view",)
    site_field = "visit__site"
    partnership_reads = False
    writable_in = ()
    who_can: ClassVar[dict[str, str]] = {
        "view": "Only the site's inspectors and the programme's lead: not the partnership, not "
        "site administrators, not national analysts.",
    }

    def allows(self, facts: UserFacts, action: str, obj: InterviewNote) -> bool:
        return self._allows(facts, action, obj)

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        return self._filter_for(facts, action)


programme_policy = ProgrammePolicy()
site_policy = SitePolicy()
document_request_policy = DocumentRequestPolicy()
pre_visit_analysis_policy = PreVisitAnalysisPolicy()
visit_policy = VisitPolicy()
interview_note_policy = InterviewNotePolicy()


def programme_lead_assigns(
    *, actor: Any, kind: str, partnership_ids: list[int], subject_reference: str
) -> bool:
    """The partnerships app's hook (`LDE_ASSIGNMENT_AUTHORITIES`): a programme lead may assign an
    inspector to a site of a programme they lead, for that site's partnership alone, while the
    site's report is unpublished."""
    if kind != AssignmentKind.INSPECTOR or not subject_reference.startswith(SITE_REFERENCE_PREFIX):
        return False
    site_id = subject_reference[len(SITE_REFERENCE_PREFIX) :]
    if not site_id.isdigit():
        return False
    site = Site.objects.select_related("programme").filter(pk=int(site_id)).first()
    return (
        site is not None
        and partnership_ids == [site.partnership_id]
        and site_policy.user_can(actor, "assign_inspector", site)
    )
