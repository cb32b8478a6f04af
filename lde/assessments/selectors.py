"""Reads of assessments, scoped by the policy, in a fixed number of queries whatever their size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.db import connections
from django.db.models import CharField, Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import dateformat, timezone

from lde.accounts.models import RequestUser, User
from lde.assessments.models import (
    SUBMITTED_OR_LATER,
    Assessment,
    AssessmentKind,
    AssessmentStatus,
    AssessmentTransition,
    Contribution,
    CriterionResponse,
    Evidence,
    EvidenceKind,
    FactualAccuracyComment,
    OrganisationSignOff,
    RaterRating,
)
from lde.assessments.policies import assessment_policy
from lde.core import personal_data
from lde.core.access.facts import facts_for
from lde.frameworks.models import (
    Criterion,
    CriterionKind,
    FrameworkStatus,
    FrameworkVersion,
    RatingScale,
    RubricDescriptor,
    ScaleLevel,
)
from lde.frameworks.policies import framework_version_policy
from lde.partnerships.models import AssignmentKind, Partnership, Role
from lde.partnerships.selectors import assignment_list


def assessment_list(
    *, user: RequestUser, partnership: Partnership | None = None
) -> QuerySet[Assessment]:
    assessments = assessment_policy.visible_to(user, "view").select_related(
        "framework_version__framework", "partnership", "reviews"
    )
    if partnership is not None:
        assessments = assessments.filter(partnership=partnership)
    return assessments.order_by("-period_end", "-created_at")


def assessment_get(*, user: RequestUser, assessment_id: Any) -> Assessment:
    return assessment_policy.get_or_404(
        user,
        assessment_id,
        Assessment.objects.select_related(
            "framework_version__framework", "partnership", "reviews", "carried_from"
        ),
    )


@dataclass(slots=True, frozen=True)
class CriterionLine:
    """What a row of an assessment shows of its criterion (guidance and rubric are on the
    criterion's own page)."""

    pk: int
    identifier: str
    title: str
    path: str
    paragraphs: list[str]
    weight: Decimal
    scale_id: int | None
    parent_id: int | None


@dataclass(slots=True, frozen=True)
class ResponseLine:
    pk: int
    rating: int | None
    target: int | None
    commentary: str
    consensus_reason: str
    carried_forward: bool
    revision: int


@dataclass(slots=True, frozen=True)
class RaterLine:
    rater_id: int
    name: str
    rating: int | None
    rating_label: str


@lru_cache(maxsize=4096)
def day_label(day: date) -> str:
    """ "3 Mar 2026". Remembered: thousands of evidence items share a few hundred dates, and
    formatting each afresh was a tenth of a large assessment page's time."""
    return f"{day.day} {day:%b %Y}"


@dataclass(slots=True, frozen=True)
class EvidenceLine:
    pk: int
    kind: str
    title: str
    url: str
    file_name: str
    size: int
    content_hash: str
    effective_on: date
    carried_forward: bool

    @property
    def is_file(self) -> bool:
        return self.kind == EvidenceKind.FILE

    @property
    def effective_label(self) -> str:
        return day_label(self.effective_on)

    @property
    def size_label(self) -> str:
        return file_size_label(self.size)


@dataclass(slots=True, frozen=True)
class ContributionLine:
    organisation_id: int | None
    organisation_name: str | None
    user_id: int | None
    user_name: str | None
    user_organisation_id: int | None
    user_organisation_name: str | None

    @property
    def name(self) -> str:
        return self.organisation_name or self.user_name or ""


@dataclass(slots=True)
class Row:
    """One criterion of an assessment: the criterion, its scale, the response, the raters'
    spread, the evidence and who it is assigned to. Plain values, not model instances: a
    300-criterion assessment has thousands of them and is read whole."""

    criterion: CriterionLine
    scale: RatingScale | None
    response: ResponseLine
    labels: dict[int, str]
    rater_ratings: list[RaterLine] = field(default_factory=list)
    evidence: list[EvidenceLine] = field(default_factory=list)
    contributions: list[ContributionLine] = field(default_factory=list)

    @property
    def spread(self) -> tuple[int, int] | None:
        values = [r.rating for r in self.rater_ratings if r.rating is not None]
        return (min(values), max(values)) if values else None

    @property
    def rating_label(self) -> str:
        return self.label(self.response.rating)

    @property
    def target_label(self) -> str:
        return self.label(self.response.target)

    def label(self, value: int | None) -> str:
        """A rating as people read it, "2 – Developing"; "Not rated" when empty (never 0)."""
        if value is None:
            return "Not rated"
        return self.labels.get(value, str(value))


def file_size_label(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size // 1024} KB"
    return f"{size} bytes"


def scale_labels(scale: RatingScale | None) -> dict[int, str]:
    """Each level of a scale (levels already loaded) as people read it."""
    if scale is None:
        return {}
    return {level.value: f"{level.value} – {level.label}" for level in scale.levels.all()}


def assessment_rows(*, assessment: Assessment) -> list[dict[str, Any]]:
    """Themes with their rows, in document order. Seven queries whatever the number of
    criteria, ratings, raters and evidence items; rows are read as values and grouped here,
    because building model instances and related managers for thousands of them was most of
    the page's time."""
    version = assessment.framework_version
    scales, default_scale = scales_of(version=version)
    labels = {pk: scale_labels(scale) for pk, scale in scales.items()}
    default_pk = default_scale.pk if default_scale is not None else 0
    criteria = [
        CriterionLine(*values)
        for values in Criterion.objects.filter(framework_version=version)
        .order_by("position")
        .values_list(
            "pk", "identifier", "title", "path", "paragraphs", "weight", "scale_id", "parent_id"
        )
    ]
    responses = {
        values[0]: ResponseLine(*values[1:])
        for values in CriterionResponse.objects.filter(assessment=assessment)
        .order_by()
        .values_list(
            "criterion_id",
            "pk",
            "rating",
            "target",
            "commentary",
            "consensus_reason",
            "carried_forward",
            "revision",
        )
    }
    scale_of_response = {
        response.pk: labels.get(criterion.scale_id or default_pk, {})
        for criterion in criteria
        if (response := responses.get(criterion.pk)) is not None
    }
    raters: dict[int, list[RaterLine]] = defaultdict(list)
    for response_id, rater_id, name, rating in (
        RaterRating.objects.filter(response__assessment=assessment)
        .order_by("rater__full_name", "pk")
        .values_list("response_id", "rater_id", "rater__full_name", "rating")
    ):
        label = "Not rated" if rating is None else scale_of_response[response_id].get(rating, "")
        raters[response_id].append(RaterLine(rater_id, name, rating, label or str(rating)))
    evidence: dict[int, list[EvidenceLine]] = defaultdict(list)
    for item in (
        Evidence.objects.filter(response__assessment=assessment)
        .order_by("-effective_on", "pk")
        .values_list(
            "response_id",
            "pk",
            "kind",
            "title",
            "url",
            "file_name",
            "size",
            "content_hash",
            "effective_on",
            "carried_forward",
        )
    ):
        evidence[item[0]].append(EvidenceLine(*item[1:]))
    contributions: dict[int, list[ContributionLine]] = defaultdict(list)
    for assigned in (
        Contribution.objects.filter(assessment=assessment)
        .order_by("pk")
        .values_list(
            "criterion_id",
            "organisation_id",
            "organisation__name",
            "user_id",
            "user__full_name",
            "user__organisation_id",
            "user__organisation__name",
        )
    ):
        contributions[assigned[0]].append(ContributionLine(*assigned[1:]))
    themes: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for criterion in criteria:
        if criterion.parent_id is None:
            current = {"theme": criterion, "rows": []}
            themes.append(current)
            continue
        response = responses.get(criterion.pk)
        if response is None or current is None:
            continue  # a parent criterion, rated through its sub-criteria
        scale_pk = criterion.scale_id or default_pk
        current["rows"].append(
            Row(
                criterion=criterion,
                scale=scales.get(scale_pk),
                response=response,
                labels=labels.get(scale_pk, {}),
                rater_ratings=raters.get(response.pk, []),
                evidence=evidence.get(response.pk, []),
                contributions=contributions.get(criterion.pk, []),
            )
        )
    return themes


def _driver_rows(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """A `values_list` query's rows as the database driver returns them, without Django's
    per-row converters, for reads whose every value is written straight out (the API's full
    read), where passing each of thousands of rows through them was most of the cost. Only for
    columns the driver already gives as Python values: integers, text, and booleans and dates
    (psycopg does; Django's SQLite backend registers the driver's converters for them). Not for
    JSON or decimal columns."""
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@dataclass(frozen=True)
class AssessmentValues:
    """An assessment's criteria and everything recorded against them, as driver rows (see
    `_driver_rows`), in the orders the pages show them. `assessment_values` says what each
    tuple holds."""

    scale_identifiers: dict[int, str]
    default_scale_id: int | None
    criteria: list[tuple[Any, ...]]
    responses: dict[int, tuple[Any, ...]]
    raters: dict[int, list[tuple[Any, ...]]]
    evidence: dict[int, list[tuple[Any, ...]]]
    contributions: dict[int, list[tuple[Any, ...]]]


def assessment_values(*, assessment: Assessment) -> AssessmentValues:
    """The rows of `assessment_rows` as plain values, for reads that write them straight out:
    six queries whatever the number of criteria, raters and evidence items, and one pass over
    each result. Tuples hold:

    - criteria: (pk, identifier, title, path, scale id, parent id), in document order;
    - responses, by criterion id: (pk, rating, target, commentary, consensus reason,
      carried forward, revision);
    - raters, by response id: (rater id, name, rating), by name;
    - evidence, by response id: (pk, kind, title, url, file name, size, content hash,
      effective on as ISO text, carried forward), newest first;
    - contributions, by criterion id: (organisation id, organisation name, user id, user name).
    """
    version = assessment.framework_version
    scales = _driver_rows(
        RatingScale.objects.filter(framework_version=version)
        .order_by("position")
        .values_list("pk", "identifier")
    )
    criteria = _driver_rows(
        Criterion.objects.filter(framework_version=version)
        .order_by("position")
        .values_list("pk", "identifier", "title", "path", "scale_id", "parent_id")
    )
    responses = {
        values[0]: values[1:]
        for values in _driver_rows(
            CriterionResponse.objects.filter(assessment=assessment)
            .order_by()
            .values_list(
                "criterion_id",
                "pk",
                "rating",
                "target",
                "commentary",
                "consensus_reason",
                "carried_forward",
                "revision",
            )
        )
    }
    raters: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for values in _driver_rows(
        RaterRating.objects.filter(response__assessment=assessment)
        .order_by("rater__full_name", "pk")
        .values_list("response_id", "rater_id", "rater__full_name", "rating")
    ):
        raters[values[0]].append(values[1:])
    evidence: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for values in _driver_rows(
        Evidence.objects.filter(response__assessment=assessment)
        # The date as the database writes it (ISO 8601, as the answer gives it): parsing
        # thousands of dates only to write them back out was a fifth of the evidence query.
        .annotate(effective_on_text=Cast("effective_on", output_field=CharField()))
        .order_by("-effective_on", "pk")
        .values_list(
            "response_id",
            "pk",
            "kind",
            "title",
            "url",
            "file_name",
            "size",
            "content_hash",
            "effective_on_text",
            "carried_forward",
        )
    ):
        evidence[values[0]].append(values[1:])
    contributions: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for values in _driver_rows(
        Contribution.objects.filter(assessment=assessment)
        .order_by("pk")
        .values_list(
            "criterion_id", "organisation_id", "organisation__name", "user_id", "user__full_name"
        )
    ):
        contributions[values[0]].append(values[1:])
    return AssessmentValues(
        scale_identifiers=dict(scales),
        default_scale_id=scales[0][0] if scales else None,
        criteria=criteria,
        responses=responses,
        raters=raters,
        evidence=evidence,
        contributions=contributions,
    )


def response_get(
    *, user: RequestUser, assessment: Assessment, response_id: Any
) -> CriterionResponse:
    """A criterion response of an assessment the user may see (404 otherwise)."""
    from django.http import Http404

    found = (
        (
            CriterionResponse.objects.filter(assessment=assessment, pk=response_id)
            .select_related("criterion", "assessment")
            .first()
        )
        if str(response_id).isdigit()
        else None
    )
    if found is None:
        raise Http404
    return found


def evidence_get(*, user: RequestUser, evidence_id: Any) -> Evidence:
    """Evidence is visible exactly when its assessment is, in full: a community reviewer reads
    only the summary of a published assessment (permissions.md), not its evidence."""
    from django.http import Http404

    evidence = (
        (Evidence.objects.filter(pk=evidence_id).select_related("response__assessment").first())
        if str(evidence_id).isdigit()
        else None
    )
    if evidence is None or not assessment_policy.user_can(
        user, "view_in_full", evidence.response.assessment
    ):
        raise Http404
    return evidence


def reviews_of(*, user: RequestUser, assessment: Assessment) -> QuerySet[Assessment]:
    return assessment_list(user=user).filter(reviews=assessment).exclude(kind=AssessmentKind.SELF)


def rateable_criterion_ids(*, user: RequestUser, assessment: Assessment) -> frozenset[int] | None:
    """The criteria this user may rate here: None for all of them, else those named.

    The same rule as the services apply when saving: contributors to a self-assessment rate only
    what is assigned to them or their organisation; everyone else who may rate, rates all.
    """
    if not assessment_policy.user_can(user, "rate", assessment):
        return frozenset()
    held = facts_for(user).roles.get(assessment.partnership_id, frozenset())
    if assessment.kind != AssessmentKind.SELF or held & {Role.COORDINATOR, Role.BOARD_MEMBER}:
        return None
    mine = Q(user_id=user.pk)
    organisation_id = getattr(user, "organisation_id", None)
    if organisation_id is not None:
        mine |= Q(organisation_id=organisation_id)
    return frozenset(
        Contribution.objects.filter(mine, assessment=assessment).values_list(
            "criterion_id", flat=True
        )
    )


def criterion_scale(*, criterion: Criterion) -> tuple[RatingScale | None, dict[int, str]]:
    """The criterion's scale, with its levels, and what each level looks like for this
    criterion: its own rubric where it has one, else the scale's descriptors."""
    scale_id = criterion.scale_id or (
        RatingScale.objects.filter(framework_version_id=criterion.framework_version_id)
        .order_by("position")
        .values_list("pk", flat=True)
        .first()
    )
    scale = (
        RatingScale.objects.filter(pk=scale_id)
        .prefetch_related(Prefetch("levels", queryset=ScaleLevel.objects.order_by("value")))
        .first()
        if scale_id
        else None
    )
    descriptors = {level.value: level.descriptor for level in scale.levels.all()} if scale else {}
    descriptors.update(
        dict(
            RubricDescriptor.objects.filter(criterion=criterion).values_list("value", "descriptor")
        )
    )
    return scale, descriptors


def response_detail(*, response: CriterionResponse) -> dict[str, Any]:
    """The raters, the evidence and the theme of one criterion's response."""
    return {
        "rater_ratings": list(response.rater_ratings.select_related("rater")),
        "evidence": list(response.evidence.order_by("-effective_on", "pk")),
        "theme": Criterion.objects.filter(
            framework_version_id=response.criterion.framework_version_id,
            identifier=response.criterion.path.split("/")[0],
        ).first(),
    }


def assessment_history(*, assessment: Assessment) -> list[AssessmentTransition]:
    return list(assessment.transitions.select_related("actor").order_by("occurred_at", "pk"))


def sign_off_list(*, assessment: Assessment) -> list[OrganisationSignOff]:
    return list(
        assessment.sign_offs.select_related("organisation", "signed_by").order_by(
            "organisation__name"
        )
    )


def board_sign_off_summary(*, assessment: Assessment, named: bool = True) -> str:
    """The board's sign-off as a reader should understand it. The board signs off only a
    self-assessment published without review (`services.assessment_publish`); one that was
    moderated against a peer review or inspection is published from moderation and never needs
    it, so "Not yet" beside "Published" would read as a step missed. Who signed is `named` only
    for those who read the assessment in full: a summary reader sees what happened and when, as
    in its history."""
    if assessment.board_signed_off_at is not None:
        signer = assessment.board_signed_off_by if named else None
        by = signer.full_name if signer else ""
        when = dateformat.format(timezone.localtime(assessment.board_signed_off_at), "j F Y")
        return f"Signed off by {by} on {when}" if by else f"Signed off on {when}"
    moderated = assessment.status == AssessmentStatus.MODERATED or (
        assessment.status == AssessmentStatus.PUBLISHED and not assessment.published_without_review
    )
    if assessment.kind != AssessmentKind.SELF or not moderated:
        return "Not yet"
    # Only the kind of the review is named: who may read the review itself is the moderation
    # section's business.
    review = (
        assessment.reviewed_by.filter(status__in=SUBMITTED_OR_LATER)
        .order_by("-created_at")
        .values_list("kind", flat=True)
        .first()
    )
    against = AssessmentKind(review).label.lower() if review else "review"
    if assessment.status == AssessmentStatus.PUBLISHED:
        return f"Not needed: published after moderation against the {against}"
    return f"Not needed: moderated against the {against}, which takes the place of a sign-off"


def factual_accuracy_comments(*, assessment: Assessment) -> list[FactualAccuracyComment]:
    return list(assessment.factual_accuracy_comments.select_related("author"))


def framework_versions_to_start(*, user: RequestUser) -> QuerySet[FrameworkVersion]:
    """The current framework versions an assessment may be started against: not the demo's
    fictional framework, which is there to show versions, not to assess a partnership."""
    return (
        framework_version_policy.visible_to(user, "view")
        .filter(status=FrameworkStatus.CURRENT, framework__demonstration=False)
        .select_related("framework")
        .order_by("framework__title", "-created_at")
    )


def contribution_people(*, partnership: Partnership) -> dict[str, Any]:
    """Who criteria may be assigned to: the partner organisations and the partnership's people."""
    from lde.accounts.models import Organisation, User

    return {
        "organisations": Organisation.objects.filter(
            partnership_links__partnership=partnership
        ).order_by("name"),
        "people": User.objects.filter(memberships__partnership=partnership, is_active=True)
        .distinct()
        .order_by("full_name"),
    }


def scales_of(*, version: FrameworkVersion) -> tuple[dict[int, RatingScale], RatingScale | None]:
    """A version's scales with their levels, by id, and the default one (two queries)."""
    scales = {
        s.pk: s
        for s in RatingScale.objects.filter(framework_version=version)
        .prefetch_related(Prefetch("levels", queryset=ScaleLevel.objects.order_by("value")))
        .order_by("position")
    }
    return scales, next(iter(scales.values()), None)


def assessments_needing_attention(*, user: RequestUser) -> list[dict[str, Any]]:
    """Draft and submitted assessments the user can act on, with what each needs (one query)."""
    facts = facts_for(user)
    if not (facts.roles or facts.inspected or facts.peer_review_subjects):
        return []
    submitted_review = Assessment.objects.filter(reviews=OuterRef("pk")).exclude(
        kind=AssessmentKind.SELF
    )
    found = (
        assessment_list(user=user)
        # The panel shows the partnership's name; the policies read ids only. Not the list's
        # framework and reviewed assessment, whose columns the grouped count would carry.
        .select_related(None)
        .select_related("partnership")
        .filter(status__in=[AssessmentStatus.DRAFT, AssessmentStatus.SUBMITTED])
        .annotate(
            unconfirmed=Count("responses", filter=Q(responses__carried_forward=True)),
            unrated=Count("responses", filter=Q(responses__rating__isnull=True)),
            has_submitted_review=Exists(submitted_review.filter(status__in=SUBMITTED_OR_LATER)),
        )
    )
    rows = []
    for assessment in found:
        needs = []
        can = {
            action: assessment_policy.user_can(user, action, assessment)
            for action in (
                "rate",
                "submit",
                "moderate",
                "check_facts",
                "board_sign_off",
                "publish",
            )
        }
        if can["rate"]:
            unconfirmed = getattr(assessment, "unconfirmed", 0)
            unrated = getattr(assessment, "unrated", 0)
            if unconfirmed:
                needs.append(
                    f"{unconfirmed} carried-forward rating{'s' if unconfirmed != 1 else ''} "
                    "to confirm or change"
                )
            if unrated:
                needs.append(f"{unrated} criteri{'a' if unrated != 1 else 'on'} not yet rated")
            if can["submit"] and not unconfirmed:
                needs.append("Ready to submit")
        if can["moderate"] and getattr(assessment, "has_submitted_review", False):
            needs.append("Review to moderate")
        if can["check_facts"]:
            needs.append("Check the draft for factual accuracy")
        if can["board_sign_off"] and assessment.board_signed_off_at is None:
            needs.append("Needs the board's sign-off")
        elif can["publish"] and assessment.kind != AssessmentKind.SELF:
            needs.append("To publish, once the partnership has checked its factual accuracy")
        elif can["publish"] and assessment.board_signed_off_at is not None:
            needs.append("Ready to publish")
        if needs:
            rows.append({"assessment": assessment, "needs": needs})
    return rows


def assessments_assigned(*, user: User) -> list[dict[str, Any]]:
    """For the home page: what each of the user's live assignments leads to. A peer reviewer's
    (or an inspector's) assignment that names an assessment links to it; an inspector's links to
    the assessments of each partnership it covers. Only what the user may read is listed, so an
    assignment naming an assessment they cannot see leads nowhere rather than to a 404."""
    facts = facts_for(user)
    if not (facts.inspected or facts.peer_reviewed):
        return []
    assignments = list(assignment_list(user=user))
    named = {}
    for assignment in assignments:
        kind, _, pk = assignment.subject_reference.partition(":")
        if kind == "assessment" and pk.isdigit():
            named[assignment.pk] = int(pk)
    visible = {a.pk: a for a in assessment_list(user=user).filter(pk__in=named.values())}
    rows = []
    for assignment in assignments:
        assessment = visible.get(named.get(assignment.pk, 0))
        partnerships = (
            list(assignment.partnerships.all())
            if assignment.kind == AssignmentKind.INSPECTOR
            else []
        )
        if assessment is not None or partnerships:
            rows.append(
                {"assignment": assignment, "assessment": assessment, "partnerships": partnerships}
            )
    return rows


def published_for_community_review(*, user: RequestUser) -> list[Assessment]:
    """For a community reviewer's home page: the published assessments of the partnerships in
    which they review for the community. They read each one's summary only (permissions.md),
    which the assessment's own page decides; the list names partnerships and titles, no one."""
    facts = facts_for(user)
    partnerships = facts.partnerships_with(Role.COMMUNITY_REVIEWER)
    if not partnerships:
        return []
    return list(
        assessment_list(user=user).filter(
            partnership_id__in=partnerships, status=AssessmentStatus.PUBLISHED
        )[:10]
    )


def rated_criterion_choices(*, version: FrameworkVersion) -> QuerySet[Criterion]:
    """The criteria that take a rating (those with no sub-criteria), to choose from."""
    return (
        Criterion.objects.filter(framework_version=version, kind=CriterionKind.CRITERION)
        .exclude(children__isnull=False)
        .order_by("position")
    )


@dataclass(slots=True, frozen=True)
class GuardFinding:
    """Something in an assessment that looks like a person's identifier, and where it is."""

    criterion: str
    response_id: int | None
    field: str
    kind: str
    found: str


def personal_data_findings(*, assessment: Assessment) -> tuple[list[GuardFinding], list[str]]:
    """What the personal-data guard finds in an assessment's commentary, reasons, raters'
    notes and evidence (files as checked on upload), and the files it could not read.
    Three queries whatever the size."""
    findings: list[GuardFinding] = []
    titles: dict[int, tuple[str, int]] = {}
    for response_id, title, position, commentary, reason in (
        CriterionResponse.objects.filter(assessment=assessment)
        .order_by("criterion__position")
        .values_list(
            "pk", "criterion__title", "criterion__position", "commentary", "consensus_reason"
        )
    ):
        titles[response_id] = (title, position)
        for field_name, text in (("Commentary", commentary), ("Agreed because", reason)):
            findings.extend(
                GuardFinding(title, response_id, field_name, f.kind, f.text)
                for f in personal_data.scan_text(text)
            )
    for response_id, name, note in RaterRating.objects.filter(
        response__assessment=assessment
    ).values_list("response_id", "rater__full_name", "note"):
        findings.extend(
            GuardFinding(titles[response_id][0], response_id, f"{name}'s note", f.kind, f.text)
            for f in personal_data.scan_text(note)
        )
    unchecked: list[str] = []
    for response_id, kind, title, url, file_name, stored in Evidence.objects.filter(
        response__assessment=assessment
    ).values_list("response_id", "kind", "title", "url", "file_name", "guard_findings"):
        criterion = titles[response_id][0]
        findings.extend(
            GuardFinding(criterion, response_id, f"Evidence title “{title}”", f.kind, f.text)
            for f in personal_data.scan_texts([("", title), ("", url)])
        )
        if kind != EvidenceKind.FILE:
            continue
        if stored is None:
            unchecked.append(f"{file_name} ({criterion})")
            continue
        findings.extend(
            GuardFinding(criterion, response_id, item["place"], item["kind"], item["excerpt"])
            for item in stored
        )
    order = {response_id: position for response_id, (_, position) in titles.items()}
    findings.sort(key=lambda f: order.get(f.response_id or 0, 0))
    return findings, unchecked


@dataclass(slots=True, frozen=True)
class CycleStart:
    """For one framework a cycle may be started against: the partnership's open cycles of it,
    which a new one may not overlap, and the published cycle a new one would carry forward."""

    framework_title: str
    open_cycles: list[Assessment]
    carried_from: Assessment | None


def cycle_start_overview(
    *, user: RequestUser, partnership: Partnership, versions: QuerySet[FrameworkVersion]
) -> list[CycleStart]:
    """What starting a cycle of each startable framework would meet (two queries): said on the
    start page before anyone presses the button."""
    frameworks: dict[int, str] = {}
    for version in versions:
        frameworks.setdefault(version.framework_id, version.framework.title)
    cycles = list(
        assessment_list(user=user, partnership=partnership)
        .filter(kind=AssessmentKind.SELF, framework_version__framework_id__in=frameworks)
        .exclude(status=AssessmentStatus.ABANDONED)
        .order_by("period_start", "pk")
    )
    overview = []
    for framework_id, title in frameworks.items():
        own = [c for c in cycles if c.framework_version.framework_id == framework_id]
        published = [c for c in own if c.status == AssessmentStatus.PUBLISHED]
        overview.append(
            CycleStart(
                framework_title=title,
                open_cycles=[c for c in own if c.status != AssessmentStatus.PUBLISHED],
                # As services.carry_forward_source chooses it: the latest published period.
                carried_from=max(
                    published, key=lambda c: (c.period_end, c.created_at), default=None
                ),
            )
        )
    return overview


def latest_published_self_assessment(
    *, user: RequestUser, partnership: Partnership
) -> Assessment | None:
    """The partnership's latest published self-assessment: the next cycle's period follows it."""
    return (
        assessment_list(user=user, partnership=partnership)
        .filter(kind=AssessmentKind.SELF, status=AssessmentStatus.PUBLISHED)
        .first()
    )
