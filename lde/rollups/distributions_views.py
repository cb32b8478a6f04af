"""The page of distributions: national analysts, and the coordinators, board members and
inspectors of a partnership (who see their own marked); 404 for everyone else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from lde.assessments import analysis
from lde.core.govuk import widgets
from lde.core.govuk.forms import GovukForm, add_service_errors
from lde.frameworks.models import FrameworkVersion
from lde.partnerships.models import Region
from lde.rollups import distributions as d
from lde.rollups.distributions_policies import distribution_policy

DEFAULT_FRAMEWORK = "prevent-partnership-model"


def _key(version: FrameworkVersion) -> str:
    return f"{version.framework.identifier}:{version.version}"


class DistributionForm(GovukForm):
    version = forms.ChoiceField(
        label="Framework version",
        widget=widgets.Select(),
        error_messages={"required": "Choose a framework version"},
    )
    mapped = forms.ChoiceField(
        label="And a second version of the same framework (optional)",
        help_text="Only where a version mapping joins the two; themes are matched by identifier.",
        required=False,
        widget=widgets.Select(),
    )
    theme = forms.ChoiceField(
        label="Theme", required=False, widget=widgets.Select(), help_text="Or the overall score."
    )
    cycle = forms.IntegerField(
        label="Cycle (the year it starts, optional)",
        help_text="2024 for 2024-25. Empty: the latest cycle with a published self-assessment.",
        required=False,
        min_value=2000,
        max_value=2100,
        widget=widgets.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": "Enter the cycle as a year, like 2024",
            "min_value": "Enter a year from 2000",
            "max_value": "Enter a year up to 2100",
        },
    )
    region = forms.ChoiceField(
        label="Area",
        required=False,
        choices=[("", "England"), *Region.choices],
        widget=widgets.Select(),
    )

    def __init__(self, *args: Any, versions: list[FrameworkVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(_key(v), f"{v.framework.title} {v.version}") for v in versions]
        self._choose("version", choices)
        self._choose("mapped", [("", "None"), *choices])
        shapes = analysis.version_shapes(versions=versions)
        themes: dict[str, str] = {}
        for version in versions:
            for theme in shapes[version.pk].themes:
                themes.setdefault(theme.identifier, f"{theme.title} ({version.framework.title})")
        self._choose("theme", [("", "Overall score"), *themes.items()])

    def _choose(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices


# --- Drawing ------------------------------------------------------------------------------

WIDTH, LEFT, RIGHT = 640, 170, 20
ROW = 44


def _x(value: float, top: float = 100) -> float:
    """Where `value` stands across the chart, whose axis runs from 0 to `top` (a percentage's
    100, or a sum of money); a value beyond `top` is drawn at the edge."""
    return round(LEFT + (WIDTH - LEFT - RIGHT) * min(value, top) / top, 1)


class _Scoped(Protocol):
    @property
    def region(self) -> str: ...


class Drawn(Protocol):
    """What a box plot draws: scores' `d.Distribution`, or money's."""

    @property
    def query(self) -> _Scoped: ...
    @property
    def scope(self) -> d.Group: ...
    @property
    def england(self) -> d.Group: ...
    @property
    def marks(self) -> list[d.Mark]: ...
    @property
    def shown_regions(self) -> list[d.Group]: ...


@dataclass(frozen=True)
class BoxRow:
    name: str
    y: int
    # The whiskers are the 10th and 90th percentiles; the five are None where the group's box
    # is withheld (fewer than d.BOX_MIN partnerships, ADR 0026), and then only the mean is
    # drawn.
    low: float | None
    q1: float | None
    median: float | None
    q3: float | None
    high: float | None
    mean: float
    marks: list[tuple[float, str, bool]]  # x, label, own

    @property
    def box_width(self) -> float:
        if self.q1 is None or self.q3 is None:
            return 0.0
        return round(self.q3 - self.q1, 1)


def _at(value: float | None, top: float) -> float | None:
    return None if value is None else _x(value, top)


def _box_rows(result: Drawn, top: float = 100) -> list[BoxRow]:
    shown = [result.scope] if result.query.region else []
    shown += [result.england] if result.england.figures else []
    if not result.query.region:
        shown += result.shown_regions
    rows = []
    for i, group in enumerate(g for g in shown if g.figures is not None):
        f = group.figures
        assert f is not None
        marks = (
            [(_x(m.score, top), m.label, m.own) for m in result.marks]
            if group is result.scope
            else []
        )
        rows.append(
            BoxRow(
                group.name,
                30 + i * ROW,
                _at(f.tenth_percentile, top),
                _at(f.lower_quartile, top),
                _at(f.median, top),
                _at(f.upper_quartile, top),
                _at(f.ninetieth_percentile, top),
                _x(f.mean, top),
                marks,
            )
        )
    return rows


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    y: float
    height: float
    label: str
    count: int | None


HIST_HEIGHT = 180


def _bars(figures: d.Figures | None, axis: float = 100) -> tuple[list[Bar], int]:
    if figures is None:
        return [], 0
    top = max([b.count or 0 for b in figures.bins] + [d.MIN_COUNT])
    bars = []
    for b in figures.bins:
        height = (b.count if b.count is not None else 0) / top * (HIST_HEIGHT - 40)
        bars.append(
            Bar(
                _x(b.low, axis) + 2,
                _x(b.high, axis) - _x(b.low, axis) - 4,
                round(HIST_HEIGHT - 20 - height, 1),
                round(height, 1),
                b.label,
                b.count,
            )
        )
    return bars, top


def charts(
    result: Drawn | None, *, scale: d.Scale, ticks: list[int], what: str, noun: str, bands: str
) -> dict[str, Any]:
    """What `rollups/distributions/_charts.html` needs to draw a distribution's box plot and
    histogram with their tables, on an axis from 0 to the last of `ticks`, in `scale`'s unit:
    `what` is drawn ("Leadership scores"), `noun` one partnership's value ("score"), `bands`
    the histogram's bands ("of 20 percentage points")."""
    axis = ticks[-1]
    bars, top = _bars(result.scope.figures if result else None, axis)
    rows = _box_rows(result, axis) if result else []
    return {
        "rows": rows,
        "box_height": 50 + ROW * len(rows),
        "bars": bars,
        "top": top,
        "hist_height": HIST_HEIGHT,
        "ticks": [(_x(t, axis), scale.write(t)) for t in ticks],
        "scale": scale,
        "what": what,
        "noun": noun,
        "bands": bands,
        "min_count": d.MIN_COUNT,
        "box_min": d.BOX_MIN,
    }


@login_required
def distributions(request: HttpRequest) -> HttpResponse:
    """Choose a framework version, theme, cycle and area; see the distribution of counted
    scores as a box plot and a histogram, each with a table of the same figures."""
    if not distribution_policy.user_can_in(request.user, "view"):
        raise Http404
    versions = d.frameworks_offered()
    data: Any = request.GET if "version" in request.GET else None
    if data is None:
        default = next((v for v in versions if v.framework.identifier == DEFAULT_FRAMEWORK), None)
        data = {"version": _key(default)} if default else None
    form = DistributionForm(data, versions=versions)
    result = None
    if data is not None and form.is_valid():
        framework, _, version = form.cleaned_data["version"].partition(":")
        mapped = form.cleaned_data["mapped"].partition(":")
        try:
            if mapped[0] and mapped[0] != framework:
                raise ValidationError(
                    {"mapped": "Choose a second version of the same framework, or none."}
                )
            query = d.query_from(
                framework=framework,
                version=version,
                mapped=mapped[2],
                theme=form.cleaned_data["theme"],
                cycle=form.cleaned_data["cycle"],
                region=form.cleaned_data["region"],
            )
            result = d.distribution(user=request.user, query=query)
        except ValidationError as error:
            add_service_errors(form, error)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "rollups/distributions/distributions.html",
        {
            "form": form,
            "result": result,
            **charts(
                result,
                scale=d.SCORES,
                ticks=list(d.SCORES.edges),
                what=f"{result.theme_title} scores" if result else "",
                noun="score",
                bands=f"of {d.BIN_WIDTH} percentage points",
            ),
            "marks_note": "Similar areas are marked only where they published a "
            "self-assessment in this cycle, and never named: their place on the plot is theirs "
            "to share.",
            "min_partnerships": d.MIN_PARTNERSHIPS,
            "kept_minutes": d.national_figures_seconds() // 60,
        },
        status=status,
    )
