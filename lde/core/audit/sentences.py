"""Audit events as sentences people read: "Alex Smith changed the rating of criterion 2.3 on
4 December 2026 at 14:02".

The trail itself keeps machine words (`CRITERION_RESPONSE_UPDATED assessments.criterionresponse
198`) because they are what the chain hashes and what `lde audit verify` compares; the pages that
show the trail turn each event into a sentence here, once. `VERB_PHRASES` is the table of every
verb the code records; tests/core/test_audit_sentences.py fails if a recorded verb has no phrase.

The kernel cannot import the apps, so an app that wants its targets named registers a labeller
for its model (`target_labeller`, from its AppConfig.ready): ids in, {id: label} out, one query
for a page of events. Otherwise the sentence names the kind of thing, never its title: a title
may be marked material the reader of the trail is not cleared for.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import dateformat, timezone

from lde.core.audit.models import AuditEvent

# Verb -> what the actor did. `{target}` is the target's label where its model gives one (see
# `audit_labels`), or the words in `TARGET_FALLBACK`.
VERB_PHRASES: dict[str, str] = {
    # Accounts and sign-in
    "USER_CREATED": "created an account",
    "USER_SIGNED_IN": "signed in",
    "USER_SIGN_IN_REFUSED": "was refused sign-in through the identity provider",
    "USER_SIGNED_OUT": "signed out",
    "USER_PASSWORD_SET": "set their password",
    "USER_TWO_FACTOR_SET_UP": "set up two-factor authentication",
    "USER_TWO_FACTOR_VERIFIED": "entered a two-factor security code",
    "USER_ENROLMENT_CODE_SENT": "was sent an enrolment code",
    "USER_ENROLMENT_EMAIL_CONFIRMED": "confirmed their email address",
    "SITE_ADMINISTRATOR_CREATED": "created a site administrator",
    "USER_ACCESS_CHANGED": "changed someone's organisation, account or site-wide grants",
    "SITE_CEILING_CHANGED": "changed the site's ceiling",
    "MARKING_CHANGED": "changed a marking in the marking scheme",
    "INSTANCE_RESTORED": "restored the instance from a backup",
    "ORGANISATION_CREATED": "added an organisation",
    "ORGANISATION_UPDATED": "changed an organisation's details",
    "POST_CREATED": "created a post",
    "POST_HOLDER_CHANGED": "changed who holds a post",
    "CLEARANCE_RECORDED": "recorded a security clearance",
    "CLEARANCE_REVOKED": "revoked a security clearance",
    "CAVEAT_GRANTED": "granted a caveat",
    "CAVEAT_REVOKED": "revoked a caveat",
    "API_TOKEN_CREATED": "created an API token",
    "API_TOKEN_REVOKED": "revoked an API token",
    "API_TOKENS_REVOKED_FOR_ROLES_CHANGED": "revoked API tokens because roles changed",
    # Partnerships
    "PARTNERSHIP_CREATED": "created a partnership",
    "PARTNERSHIP_CHANGED": "changed a partnership's name, lead council, region or areas",
    "ALLIANCE_PARTNERSHIP_ADDED": "added a partnership to an alliance",
    "ALLIANCE_PARTNERSHIP_REMOVED": "took a partnership out of an alliance",
    "PARTNER_ORGANISATION_ADDED": "added a partner organisation",
    "PARTNER_ORGANISATION_REMOVED": "removed a partner organisation",
    "MEMBERSHIP_CREATED": "gave someone a role in the partnership",
    "MEMBERSHIP_ROLE_CHANGED": "changed someone's role in the partnership",
    "MEMBERSHIP_REMOVED": "removed someone's role in the partnership",
    "ALLIANCE_CREATED": "created an alliance",
    "ASSIGNMENT_CREATED": "assigned a post",
    "ASSIGNMENT_SUBJECT_CHANGED": "changed what a post is assigned to",
    "STRATEGIC_POST_NAMED": "named a strategic post",
    "STRATEGIC_POST_UNNAMED": "stopped naming a strategic post",
    # Frameworks
    "FRAMEWORK_VERSION_LOADED": "loaded a framework version",
    "FRAMEWORK_VERSION_IMPORTED": "imported a framework version",
    "FRAMEWORK_MARKED_DEMONSTRATION": "marked a framework as a demonstration",
    "FRAMEWORK_MAPPING_LOADED": "loaded a mapping between framework versions",
    # Assessments
    "ASSESSMENT_STARTED": "started an assessment",
    "ASSESSMENT_DRAFT": "returned an assessment to draft",
    "ASSESSMENT_SUBMITTED": "submitted an assessment",
    "ASSESSMENT_MODERATED": "finished moderating an assessment",
    "ASSESSMENT_PUBLISHED": "published an assessment",
    "ASSESSMENT_ABANDONED": "abandoned an assessment",
    "ASSESSMENT_BOARD_SIGNED_OFF": "recorded the board's sign-off of an assessment",
    "ASSESSMENT_WORKBOOK_EXPORTED": "downloaded an assessment workbook",
    "ASSESSMENT_WORKBOOK_IMPORTED": "uploaded an assessment workbook",
    "ORGANISATION_SIGNED_OFF": "signed off an assessment for their organisation",
    "CRITERION_RESPONSE_UPDATED": "changed the {fields} of {target}",
    "RATER_RATING_RECORDED": "recorded an independent rating",
    "EVIDENCE_ADDED": "added evidence",
    "EVIDENCE_DOWNLOADED": "downloaded evidence",
    "CONTRIBUTION_ASSIGNED": "assigned a criterion to a contributor",
    "MODERATION_DECIDED": "recorded a moderation decision",
    "FACTUAL_ACCURACY_COMMENTED": "commented on factual accuracy",
    "PERSONAL_DATA_DECLARED": "declared personal data in evidence",
    # Action plans
    "ACTION_RAISED": "raised an action",
    "ACTION_UPDATED": "changed an action",
    "ACTION_STARTED": "started an action",
    "ACTION_DONE": "marked an action done",
    "ACTION_CANCELLED": "cancelled an action",
    "ACTION_REOPENED": "reopened an action",
    "ACTION_PROGRESS_RECORDED": "recorded progress on an action",
    "ACTION_REMINDER_SENT": "sent a reminder about an action",
    # Information sharing
    "PROTOCOL_CREATED": "created an information sharing protocol",
    "PROTOCOL_UPDATED": "changed an information sharing protocol",
    "PROTOCOL_SIGNATORY_ADDED": "added a signatory to a protocol",
    "PROTOCOL_REVIEW_REMINDER_SENT": "sent a reminder to review a protocol",
    "PROTOCOL_DRAFT": "returned a protocol to draft",
    "PROTOCOL_IN_FORCE": "put a protocol in force",
    "PROTOCOL_SUSPENDED": "suspended a protocol",
    "PROTOCOL_ENDED": "ended a protocol",
    "INFORMATION_SOURCE_CREATED": "added an information source",
    "INFORMATION_SOURCE_UPDATED": "changed an information source",
    "PRODUCT_CREATED": "created a briefing product",
    "PRODUCT_UPDATED": "changed a briefing product",
    "PRODUCT_DRAFT": "returned a briefing product to draft",
    "PRODUCT_IN_REVIEW": "sent a briefing product for review",
    "PRODUCT_RELEASED": "released a briefing product",
    "PRODUCT_WITHDRAWN": "withdrew a briefing product",
    "PRODUCT_SUPERSEDED": "superseded a briefing product",
    "PRODUCT_APPROVED": "approved a briefing product",
    "PRODUCT_APPROVALS_CLEARED": "cleared a briefing product's approvals",
    "PRODUCT_COMMENTED": "commented on a briefing product",
    "PRODUCT_FEEDBACK_SENT": "sent feedback on a briefing product",
    "PRODUCT_ACKNOWLEDGED": "acknowledged a briefing product",
    "PRODUCT_VIEWED": "read a briefing product",
    "PRODUCT_PDF_DOWNLOADED": "downloaded a briefing product as a PDF",
    "PRODUCT_NEW_VERSION_STARTED": "started a new version of a briefing product",
    "PRODUCT_PEOPLE_REPLACED": "changed the people a briefing product names",
    "PRODUCT_PERSON_ADDED": "added a person to a briefing product",
    "PRODUCT_PERSON_REMOVED": "removed a person from a briefing product",
    "PRODUCT_PERSONAL_DATA_DECLARED": "declared personal data in a briefing product",
    "PRODUCT_RETENTION_ENFORCED": "deleted a briefing product past its retention date",
    "ATTACHMENT_ADDED": "added an attachment",
    "ATTACHMENT_REMOVED": "removed an attachment",
    "ATTACHMENT_DOWNLOADED": "downloaded an attachment",
    "DISSEMINATION_ADDED": "added a dissemination limit",
    "DISSEMINATION_REMOVED": "removed a dissemination limit",
    "DISSEMINATION_REPLACED": "changed the dissemination limits",
    "ACCESS_REQUEST_SENT": "asked for access to a briefing product",
    "ACCESS_REQUEST_ANSWERED": "answered a request for access",
    # The local narrative
    "NARRATIVE_VERSION_STARTED": "started a version of the local narrative",
    "NARRATIVE_VERSION_UPDATED": "changed a version of the local narrative",
    "NARRATIVE_SECTION_UPDATED": "rewrote a section of the local narrative",
    "NARRATIVE_PLAN_ADDED": "added a mainstream plan to the local narrative",
    "NARRATIVE_PLAN_REMOVED": "removed a mainstream plan from the local narrative",
    "NARRATIVE_SHARED": "shared the local narrative for consultation",
    "NARRATIVE_COMMENTED": "commented on the local narrative",
    "NARRATIVE_SIGNED": "signed off the local narrative for their organisation",
    "NARRATIVE_APPROVED": "approved the local narrative",
    "NARRATIVE_RETURNED_TO_DRAFT": "returned the local narrative to draft",
    "NARRATIVE_SUPERSEDED": "superseded a version of the local narrative",
    "NARRATIVE_PUBLISHED": "published the local narrative's public summary",
    # Partnership capacity
    "BOARD_MEMBER_ADDED": "added a post to the programme board",
    "TERMS_OF_REFERENCE_AGREED": "recorded the programme board's terms of reference",
    "BOARD_MEETING_RECORDED": "recorded a programme board meeting",
    "BOARD_DECISION_RECORDED": "recorded a programme board decision",
    "BOARD_DECISION_ACTION_RAISED": "raised the action that carries out a board decision",
    "SCRUTINY_SESSION_RECORDED": "recorded a scrutiny session",
    "COURSE_ADDED": "added a training course",
    "TRAINING_SESSION_RECORDED": "recorded a training session",
    "TRAINING_ATTENDANCE_RECORDED": "recorded attendance at a training session",
    "TEAM_ADDED": "added a team",
    "COMMUNITY_RELATIONSHIP_RECORDED": "recorded a relationship with a community organisation",
    "COMMUNITY_RELATIONSHIP_HOLDERS_CHANGED": "changed who holds a community relationship",
    # Community engagement
    "FORUM_CREATED": "added a forum",
    "FORUM_UPDATED": "changed a forum",
    "FORUM_MEMBERS_SET": "changed the organisations taking part in a forum",
    "FORUM_MEETING_CREATED": "recorded a forum meeting",
    "FORUM_MEETING_UPDATED": "changed a forum meeting's record",
    "INITIATIVE_CREATED": "added a community-led initiative",
    "INITIATIVE_UPDATED": "changed a community-led initiative",
    "SUPPORT_REQUEST_CREATED": "recorded a request for support",
    "SUPPORT_REQUEST_UPDATED": "changed a request for support",
    "SUPPORT_REQUEST_DECIDED": "answered a request for support",
    "AUDIENCE_CREATED": "added an audience to the communications strategy",
    "AUDIENCE_UPDATED": "changed an audience of the communications strategy",
    "CHANNEL_CREATED": "added a communications channel",
    "CHANNEL_UPDATED": "changed a communications channel",
    "KEY_MESSAGE_CREATED": "drafted a key message",
    "KEY_MESSAGE_UPDATED": "changed a key message",
    "KEY_MESSAGE_AGREED": "agreed a key message",
    "KEY_MESSAGE_RETIRED": "retired a key message",
    "MEDIA_BRIEFING_CREATED": "recorded a media briefing",
    "MEDIA_BRIEFING_UPDATED": "changed a media briefing's record",
    "SPOKESPERSON_CREATED": "named a spokesperson",
    "SPOKESPERSON_UPDATED": "changed a spokesperson",
    "SCHOOL_ENGAGEMENT_CREATED": "recorded a school or college engaged",
    "SCHOOL_ENGAGEMENT_UPDATED": "changed a school or college's engagement",
    "SCHOOL_ACTIVITY_CREATED": "recorded an activity with a school or college",
    "SCHOOL_ACTIVITY_UPDATED": "changed an activity with a school or college",
    # Programme
    "FUNDING_STREAM_ADDED": "added a funding stream",
    "FUNDING_STREAM_EDITED": "changed a funding stream",
    "ALLOCATION_SET": "set an allocation to the partnership's budget",
    "ALLIANCE_POT_ADDED": "started an alliance's pooled pot",
    "POT_CONTRIBUTION_SET": "set a contribution to a pooled pot",
    "TIER_LABEL_SET": "renamed a tier of intervention",
    "PROJECT_ADDED": "added a project",
    "PROJECT_EDITED": "changed a project",
    "PROJECT_FUNDED": "funded a project",
    "ACTIVITY_ADDED": "added an activity to a project",
    "PROGRAMME_IMPORTED": "imported projects or allocations",
    # Commissioning
    "CALL_CREATED": "drafted a call for proposals",
    "CALL_UPDATED": "changed a call for proposals",
    "CALL_CRITERION_ADDED": "added a criterion to a call for proposals",
    "CALL_SENT_FOR_CONSULTATION": "sent a call for proposals for consultation",
    "CALL_COMMENTED": "commented on a call for proposals",
    "CALL_RETURNED_TO_DRAFT": "returned a call for proposals to draft",
    "CALL_PUBLISHED": "published a call for proposals",
    "CALL_CLOSED": "closed a call for proposals",
    "CALL_DECIDED": "recorded the decisions on a call for proposals",
    "APPLICANT_REGISTRATION_STARTED": "asked to register an organisation as an applicant",
    "APPLICANT_REGISTERED": "registered an organisation as an applicant",
    "BID_STARTED": "started a bid",
    "BID_UPDATED": "changed a bid",
    "BID_SUBMITTED": "submitted a bid",
    "PANEL_MEMBER_NAMED": "named a panellist",
    "PANEL_THRESHOLD_SET": "set the panel's disagreement threshold",
    "INTERESTS_DECLARED": "declared their interests in a call's bids",
    "BID_SCORED": "scored a bid",
    "BID_DECIDED": "decided on a bid",
    "DEVOLVED_POT_ADDED": "delegated a small-grant pot to a front-line team",
    "SMALL_GRANT_RECORDED": "recorded a small grant from a devolved pot",
    "SMALL_GRANT_OUTCOME_RECORDED": "recorded what a small grant achieved",
    # Monitoring
    "MONITORING_RULES_SET": "set the rules for monitoring returns",
    "AGREEMENT_CREATED": "made a funding agreement",
    "MILESTONE_ADDED": "added a milestone to a funding agreement",
    "TARGET_ADDED": "added an output target to a funding agreement",
    "INDICATOR_ADDED": "added an outcome indicator to a funding agreement",
    "BUDGET_LINE_ADDED": "added a budget line to a funding agreement",
    "INSTALMENT_ADDED": "added a payment to a funding agreement",
    "AGREEMENT_ACTIVATED": "made a funding agreement active",
    "AGREEMENT_CLOSED": "closed a funding agreement",
    "RETURN_SAVED": "saved a monitoring return",
    "RETURN_SPEND_IMPORTED": "filled a monitoring return's spend from a spend list",
    "RETURN_SUBMITTED": "submitted a monitoring return",
    "RETURN_ACCEPTED": "accepted a monitoring return",
    "RETURN_SENT_BACK": "sent a monitoring return back",
    "RETURN_EVIDENCE_ADDED": "added evidence to a monitoring return",
    "RETURN_EVIDENCE_DOWNLOADED": "downloaded evidence of a monitoring return",
    # Indicators
    "INDICATOR_DEFINED": "defined an indicator",
    "INDICATOR_CHANGED": "changed an indicator's definition",
    "INDICATOR_PUBLISHED": "published an indicator",
    "INDICATOR_WITHDRAWN": "withdrew an indicator from publication",
    "INDICATOR_BASELINE_SET": "set an indicator's baseline",
    "INDICATOR_TARGET_SET": "set an indicator's target",
    "INDICATOR_OBSERVATION_RECORDED": "recorded an indicator's figure",
    "INDICATOR_OBSERVATIONS_IMPORTED": "imported an indicator's figures from a file",
    "INDICATOR_REFERRAL_COUNTS_RECORDED": "recorded a referral scheme's counts",
    "INDICATOR_EVIDENCE_ATTACHED": "attached an indicator's figure as evidence",
    # Similar areas (rollups)
    "AREA_DATA_IMPORTED": "imported area data and worked out every area's nearest neighbours",
    "PEER_REVIEW_REQUESTED": "asked a similar area for a peer review",
    "PEER_REVIEW_ACCEPTED": "accepted a request for a peer review",
    "PEER_REVIEW_DECLINED": "declined a request for a peer review",
    # Open data releases (rollups)
    "OPEN_DATA_DRAFTED": "drafted an open data release",
    "OPEN_DATA_PROPOSED": "proposed an open data release for approval",
    "OPEN_DATA_APPROVED": "approved an open data release, freezing its figures",
    "OPEN_DATA_RELEASED": "released open data",
    "OPEN_DATA_WITHDRAWN": "withdrew an open data release",
    # Survey data sets
    "SURVEY_DATA_SET_UPLOADED": "uploaded a survey data set with its design",
    "SURVEY_DATA_SET_REMOVED": "removed a survey data set",
    "SURVEY_ESTIMATE_SAVED": "saved a survey estimate",
    "SURVEY_ESTIMATE_REMOVED": "removed a saved survey estimate",
    "SURVEY_ESTIMATE_ATTACHED": "attached a survey estimate as evidence to a criterion",
    "SURVEY_ESTIMATES_EXPORTED": "downloaded survey estimates",
    # Questionnaires
    "QUESTIONNAIRE_CREATED": "added a questionnaire",
    "QUESTIONNAIRE_CHANGED": "changed a questionnaire",
    "QUESTIONNAIRE_IMPORTED": "imported a questionnaire from an XLSForm",
    "QUESTION_ADDED": "added a question to a questionnaire",
    "QUESTION_CHANGED": "changed a question of a questionnaire",
    "QUESTION_MOVED": "moved a question of a questionnaire",
    "COLLECTION_CREATED": "added a collection of a questionnaire",
    "COLLECTION_OPENED": "opened a questionnaire's collection to answers",
    "COLLECTION_CLOSED": "closed a questionnaire's collection",
    "PARTICIPANT_LINKS_ISSUED": "issued participant links to a questionnaire",
    "QUESTIONNAIRE_ANSWERED": "answered a questionnaire through a participant link",
    "QUESTIONNAIRE_ANSWERS_DELETED": "deleted questionnaire answers past their retention period",
    # What works
    "WHAT_WORKS_ENTRY_ADDED": "added an entry to the library of what works",
    "WHAT_WORKS_ENTRY_EDITED": "changed an entry of the library of what works",
    "WHAT_WORKS_ENTRY_RATED": "rated an entry of the library of what works",
    "WHAT_WORKS_ENTRY_SUBMITTED": "sent an entry of the library of what works for review",
    "WHAT_WORKS_ENTRY_PUBLISHED": "published an entry of the library of what works",
    "WHAT_WORKS_ENTRY_RETURNED": "returned an entry of the library of what works to draft",
    "WHAT_WORKS_REPORT_LOADED": "loaded the report's case studies and findings into the library",
    # Inspection programmes' cross-site learning
    # Inspection programmes (inspections): planning and fieldwork
    "INSPECTION_PROGRAMME_CREATED": "planned an inspection programme",
    "INSPECTION_PROGRAMME_CHANGED": "changed an inspection programme",
    "INSPECTION_PROGRAMME_FIELDWORK": "started the fieldwork of an inspection programme",
    "INSPECTION_PROGRAMME_REPORTING": "moved an inspection programme to reporting",
    "INSPECTION_PROGRAMME_PUBLISHED": "published an inspection programme",
    "INSPECTION_SITE_ADDED": "added a site to an inspection programme",
    "INSPECTION_SITE_DOCUMENTS": "sent an inspection site its document request",
    "INSPECTION_SITE_VISITED": "recorded an inspection site as visited",
    "INSPECTION_SITE_DRAFT": "started an inspection site's draft report",
    "INSPECTION_SITE_ACCURACY": "sent an inspection site's draft report for its factual-accuracy "
    "check",
    "INSPECTION_SITE_PUBLISHED": "published an inspection site's report",
    "INSPECTION_DOCUMENTS_REQUESTED": "asked an inspection site for its documents",
    "INSPECTION_DOCUMENT_RECEIVED": "recorded a requested document as received",
    "INSPECTION_DOCUMENT_NOT_RECEIVED": "recorded a requested document as not received",
    "INSPECTION_ANALYSIS_WRITTEN": "wrote the pre-visit analysis of an inspection site",
    "INSPECTION_VISIT_RECORDED": "recorded a visit to an inspection site",
    "INSPECTION_SCHEDULE_ITEM_ADDED": "added to an inspection visit's schedule",
    "INSPECTION_NOTE_WRITTEN": "wrote the notes of an interview or focus group",
    "INSPECTION_NOTES_READ": "read the interview and focus-group notes of an inspection site",
    "INSPECTION_FINDING_ADDED": "added a finding to an inspection programme",
    "INSPECTION_FINDING_CHANGED": "changed a finding of an inspection programme",
    "INSPECTION_FINDING_REMOVED": "removed a finding of an inspection programme",
    "INSPECTION_KEY_LEARNING_ADDED": "added key learning to an inspection programme",
    "INSPECTION_KEY_LEARNING_REMOVED": "removed key learning of an inspection programme",
    "INSPECTION_CASE_STUDY_ADDED": "added a case study to an inspection programme",
    "INSPECTION_CASE_STUDY_CHANGED": "changed a case study of an inspection programme",
    "INSPECTION_CASE_STUDY_SENT": "sent a case study to the library of what works",
    "INSPECTION_CASE_STUDY_TAKEN": "took a case study into the library of what works",
    "INSPECTION_SITE_FEEDBACK_GIVEN": "gave a site's feedback on an inspection programme",
    "INSPECTION_SITE_FEEDBACK_CHANGED": "changed a site's feedback on an inspection programme",
    "INSPECTION_ADVISER_NAMED": "named a member of a programme's advisory group",
    "INSPECTION_ADVISER_REMOVED": "removed a member of a programme's advisory group",
    "INSPECTION_ADVISORY_COMMENT_ADDED": "commented on a programme's draft findings",
    # Consequence management
    "READINESS_PLAN_CREATED": "added a readiness plan",
    "READINESS_PLAN_UPDATED": "changed a readiness plan",
    "READINESS_PLAN_ROLE_ADDED": "added a role to a readiness plan's group",
    "READINESS_PLAN_MESSAGE_ADDED": "added a key message to a readiness plan",
    "RUMOUR_RECORDED": "recorded a rumour in the rumour log",
    "KEY_CONTACT_CREATED": "added an entry to the key-individual directory",
    "KEY_CONTACT_UPDATED": "changed an entry of the key-individual directory",
    "KEY_CONTACT_VERIFIED": "verified an entry of the key-individual directory",
    "KEY_CONTACT_REMOVED_AT_REVIEW": "removed an entry not re-confirmed at the yearly review",
    "CASCADE_STARTED": "started a cascade",
    "CASCADE_LEVEL_REACHED": "moved a cascade on to its next level",
    "CASCADE_ACKNOWLEDGED": "recorded an acknowledgement of a cascade",
    "CASCADE_CALL_RECORDED": "recorded a call of a cascade's ring-round",
    "CASCADE_ESCALATED": "escalated a cascade to a deputy",
    "CASCADE_CLOSED": "closed a cascade",
    "EXERCISE_PLANNED": "planned an exercise",
    "EXERCISE_UPDATED": "changed an exercise",
    "EXERCISE_PARTICIPANT_ADDED": "added a participant to an exercise",
    "EXERCISE_ENTRY_RECORDED": "recorded an exercise's timeline or an observation",
    "EXERCISE_STARTED": "started an exercise",
    "EXERCISE_CLOSED": "closed an exercise",
    "EXERCISE_LESSON_RECORDED": "recorded an exercise's lesson and its action",
}

# Site administration writes `ADMIN_<model>_<action>` (lde.core.admin), one verb per registered
# model, so these are phrased by their pattern rather than listed.
ADMIN_ACTIONS = {"CREATED": "created", "CHANGED": "changed", "DELETED": "deleted"}

# "app_label.model_name" -> a function from target ids to labels; see target_labeller.
TARGET_LABELLERS: dict[str, Callable[[list[str]], dict[Any, str]]] = {}

TARGET_FALLBACK = {"CRITERION_RESPONSE_UPDATED": "a criterion"}

# The fields a `{fields}` phrase names, in people's words; any other recorded field is left out
# of the list, and a change naming none of these says "response".
FIELD_WORDS = {
    "rating": "rating",
    "target": "target",
    "commentary": "commentary",
    "consensus_reason": "reason for the agreed rating",
}


@dataclass(frozen=True, slots=True)
class EventLine:
    """One event as a page shows it: the sentence, and the machine words kept for
    the "Technical details" of the page."""

    event: AuditEvent
    sentence: str


def target_labeller(
    model_label: str,
) -> Callable[[Callable[[list[str]], dict[Any, str]]], Callable[[list[str]], dict[Any, str]]]:
    """Register how the trail names targets of one model ("assessments.criterionresponse")."""

    def register(
        labeller: Callable[[list[str]], dict[Any, str]],
    ) -> Callable[[list[str]], dict[Any, str]]:
        TARGET_LABELLERS[model_label] = labeller
        return labeller

    return register


def verb_phrase(verb: str) -> str | None:
    """What the actor did, or None for a verb the table does not know."""
    if verb in VERB_PHRASES:
        return VERB_PHRASES[verb]
    if verb.startswith("ADMIN_"):
        model_name, _, action = verb[len("ADMIN_") :].rpartition("_")
        if action in ADMIN_ACTIONS and model_name:
            noun = _admin_noun(model_name.lower())
            return f"{ADMIN_ACTIONS[action]} {noun} in site administration"
    return None


def _admin_noun(model_name: str) -> str:
    for model in apps.get_models():
        if model._meta.model_name == model_name:
            return f"a {model._meta.verbose_name}"
    return "a record"


def event_sentence(
    event: AuditEvent, *, actor_name: str | None = None, target_label: str | None = None
) -> str:
    """The event as one sentence. A verb the table does not know is still said plainly rather
    than shown as a code."""
    who = actor_name or event.actor_label or "The system"
    if not event.actor_id and not event.actor_label:
        who = "The system"
    phrase = verb_phrase(event.verb)
    if phrase is None:
        phrase = event.verb.replace("_", " ").lower()
    phrase = phrase.replace("{target}", target_label or TARGET_FALLBACK.get(event.verb, "it"))
    if "{fields}" in phrase:
        phrase = phrase.replace("{fields}", _changed_fields(event))
    when = timezone.localtime(event.occurred_at)
    return (
        f"{who} {phrase} on {dateformat.format(when, 'j F Y')} at {dateformat.format(when, 'H:i')}"
    )


def _changed_fields(event: AuditEvent) -> str:
    try:
        changes = json.loads(event.payload).get("changes") or {}
    except (ValueError, AttributeError):
        changes = {}
    words = [FIELD_WORDS[name] for name in FIELD_WORDS if name in changes]
    if not words:
        return "response"
    if len(words) == 1:
        return words[0]
    return f"{', '.join(words[:-1])} and {words[-1]}"


def event_lines(events: Iterable[AuditEvent]) -> list[EventLine]:
    """Sentences for a page of events: the actors' names and the targets' labels read in one
    query per kind, not one per event."""
    events = list(events)
    names = _actor_names(events)
    labels = _target_labels(events)
    return [
        EventLine(
            event,
            event_sentence(
                event,
                actor_name=names.get(event.actor_id) if event.actor_id else None,
                target_label=labels.get((event.target_type, event.target_id)),
            ),
        )
        for event in events
    ]


def _actor_names(events: Sequence[AuditEvent]) -> dict[int, str]:
    ids = {e.actor_id for e in events if e.actor_id}
    if not ids:
        return {}
    user_model: Any = get_user_model()
    name_field = "full_name" if hasattr(user_model, "full_name") else user_model.USERNAME_FIELD
    return {
        pk: name
        for pk, name in user_model.objects.filter(pk__in=ids).values_list("pk", name_field)
        if name
    }


def _target_labels(events: Sequence[AuditEvent]) -> dict[tuple[str, str], str]:
    by_type: dict[str, set[str]] = defaultdict(set)
    for e in events:
        if e.target_type and e.target_id:
            by_type[e.target_type].add(e.target_id)
    labels: dict[tuple[str, str], str] = {}
    for label, ids in by_type.items():
        labeller = TARGET_LABELLERS.get(label)
        if labeller is None:
            continue
        for pk, text in labeller([i for i in ids if i.isdigit()]).items():
            labels[(label, str(pk))] = text
    return labels
