"""Analysis pages: the gaps and scores of one assessment, a comparison of two cycles, and the
trends across a partnership's cycles, each chart followed by a table of the same figures.

Who sees them follows who sees the assessments (permissions.md): anyone who may view an
assessment sees its scores, as they see its ratings on the assessment page; a community
reviewer, who reads only the summary of a published assessment, sees the scores but not the
commentary and reasons a comparison would otherwise show. Trends draw only on the cycles the
user may see. The reads are in `analysis.py`, in a fixed number of queries whatever the size.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from lde.assessments import analysis, charts, selectors
from lde.assessments.forms import CompareForm, TrendsForm
from lde.assessments.models import Assessment
from lde.assessments.policies import assessment_policy
from lde.partnerships import selectors as partnership_selectors
from lde.partnerships.policies import partnership_policy


def _gaps_description(gaps: analysis.GapAnalysis) -> str:
    """The chart's figures in a sentence, for its `<desc>`."""
    overall = gaps.overall
    scored = [t for t in gaps.themes if t.score is not None]
    parts = [
        f"Overall score {charts.percent(overall.score)}"
        + (
            f" against a target of {charts.percent(overall.target)}."
            if overall.target is not None
            else "."
        )
    ]
    if scored:
        best = max(scored, key=lambda t: t.score or 0.0)
        worst = min(scored, key=lambda t: t.score or 0.0)
        parts.append(
            f"Highest theme: {best.title}, {charts.percent(best.score)}. Lowest theme: "
            f"{worst.title}, {charts.percent(worst.score)}."
        )
    if overall.not_rated:
        parts.append(f"{overall.not_rated} of {overall.criteria} criteria are not rated.")
    parts.append("The table after the chart gives every figure.")
    return " ".join(parts)


def _can_see_trends(request: HttpRequest, assessment: Assessment) -> bool:
    """Trends are the partnership's: a peer reviewer, who reaches only the assessment under
    review, is not offered them."""
    return partnership_policy.user_can(request.user, "view", assessment.partnership)


@login_required
@require_safe
def assessment_gaps(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """Scores by theme and overall, the gap to target, and the criteria, largest gap first."""
    assessment = selectors.assessment_get(user=request.user, assessment_id=assessment_id)
    gaps = analysis.assessment_gaps(assessment=assessment)
    chart = charts.bar_chart(
        chart_id="theme-scores",
        title=f"Scores by theme, with targets: {assessment.title}",
        description=_gaps_description(gaps),
        groups=[
            charts.BarGroup(
                label=f"{t.number}. {t.title}", bars=[charts.Bar(t.score)], target=t.target
            )
            for t in gaps.themes
        ]
        + [
            charts.BarGroup(
                label="Overall", bars=[charts.Bar(gaps.overall.score)], target=gaps.overall.target
            )
        ],
    )
    return render(
        request,
        "assessments/gaps.html",
        {
            "assessment": assessment,
            "gaps": gaps,
            "chart": chart,
            "can_see_trends": _can_see_trends(request, assessment),
        },
    )


def _compare_chart(result: analysis.Comparison) -> str:
    before = analysis.period_label(result.before.period_start, result.before.period_end)
    after = analysis.period_label(result.after.period_start, result.after.period_end)
    if before == after:  # a self-assessment and its review cover the same period
        before, after = result.before.get_kind_display(), result.after.get_kind_display()
    moved = [t for t in result.themes if t.change]
    return charts.bar_chart(
        chart_id="theme-comparison",
        title=f"Scores by theme: {result.before.title} beside {result.after.title}",
        description=(
            f"Overall score {charts.percent(result.overall.before)} in {before} and "
            f"{charts.percent(result.overall.after)} in {after}. "
            f"{len(moved)} of {len(result.themes)} themes changed. "
            "The table after the chart gives every figure."
        ),
        groups=[
            charts.BarGroup(
                label=f"{t.number}. {t.title}" if t.number else t.title,
                bars=[
                    charts.Bar(
                        t.before,
                        before,
                        "not rated"
                        if t.in_before
                        else f"not in version {result.before.framework_version.version}",
                    ),
                    charts.Bar(t.after, after),
                ],
            )
            for t in [*result.themes, result.overall]
        ],
    )


@login_required
@require_safe
def assessment_compare(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """This assessment beside another of the same partnership and framework: what moved, by how
    much, and the reasons recorded. The choice is sent by GET, so a comparison can be linked to;
    without one, the cycle it was carried from (or the one it reviews) is shown."""
    assessment = selectors.assessment_get(user=request.user, assessment_id=assessment_id)
    others = analysis.comparable_assessments(user=request.user, assessment=assessment)
    by_id = {a.pk: a for a in others}
    other: Assessment | None
    if "with" in request.GET:
        form = CompareForm(request.GET, others=others)
        # A missing id, another partnership's, or one the user may not see is simply not among
        # the choices: the error summary says so, as for any other invalid choice.
        other = by_id.get(form.cleaned_data["with"]) if form.is_valid() else None
    else:
        other = analysis.default_comparison(assessment, others)
        form = CompareForm(initial={"with": other.pk if other else None}, others=others)
    result = None
    if other is not None:
        try:
            result = analysis.assessment_comparison(
                user=request.user, assessment=assessment, other=other
            )
        except analysis.NotComparable as refusal:
            form.add_error(None, str(refusal))
    return render(
        request,
        "assessments/compare.html",
        {
            "assessment": assessment,
            "form": form,
            "others": others,
            "result": result,
            "chart": _compare_chart(result) if result is not None else None,
            "can_see_trends": _can_see_trends(request, assessment),
            "can_view_moderation": result is not None
            and assessment_policy.user_can(request.user, "view_moderation", result.after),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _trend_chart(trends: analysis.Trends) -> str:
    first, last = trends.overall.scores[0], trends.overall.scores[-1]
    return charts.trend_chart(
        chart_id="trend",
        title=f"Scores across cycles: {trends.framework.title}",
        description=(
            f"{len(trends.cycles)} cycles, from {trends.cycles[0].label} to "
            f"{trends.cycles[-1].label}. Overall score {charts.percent(first)} in the first "
            f"and {charts.percent(last)} in the last. One line per theme and one for the "
            "overall score. The table after the chart gives every figure."
        ),
        categories=[c.label for c in trends.cycles],
        lines=[
            charts.Line(label="Overall", values=trends.overall.scores, emphasis=True),
            *(charts.Line(label=f"{t.number}. {t.title}", values=t.scores) for t in trends.themes),
        ],
    )


@login_required
@require_safe
def partnership_trends(request: HttpRequest, partnership_id: int) -> HttpResponse:
    """Scores across the partnership's published cycles for one framework (and the current
    cycle, if asked for), crossing framework versions through the version mappings."""
    partnership = partnership_selectors.partnership_get(
        user=request.user, partnership_id=partnership_id
    )
    assessments = analysis.partnership_self_assessments(user=request.user, partnership=partnership)
    frameworks = analysis.trend_frameworks(assessments)
    framework = assessments[0].framework_version.framework if assessments else None
    include_current = False
    if "framework" in request.GET:
        form = TrendsForm(request.GET, frameworks=frameworks)
        if form.is_valid():
            chosen = form.cleaned_data["framework"]
            framework = next(f for f in frameworks if f.identifier == chosen)
            include_current = form.cleaned_data["current"]
        else:
            framework = None
    else:
        form = TrendsForm(
            initial={"framework": framework.identifier if framework else None},
            frameworks=frameworks,
        )
    trends = (
        analysis.partnership_trends(
            assessments=assessments, framework=framework, include_current=include_current
        )
        if framework is not None
        else None
    )
    return render(
        request,
        "assessments/trends.html",
        {
            "partnership": partnership,
            "form": form,
            "frameworks": frameworks,
            "trends": trends,
            "chart": _trend_chart(trends) if trends is not None and trends.cycles else None,
        },
        status=400 if form.is_bound and form.errors else 200,
    )
