"""Open data: the aggregate figures a release may hold, computed, suppressed and frozen.

Each kind in `OpenDataFigures` is computed here from a selector the platform already has, and
every figure passes through the one small-number rule (`lde.core.suppression`) before it is
frozen: a group of fewer than 5 partnerships is left out, a figure resting on a count under 10
is withheld (None in JSON, an empty cell in CSV), and no withheld figure can be had by
subtraction. `figures_leak` then looks again, so that nothing under the rule leaves even if a
kind's computation were wrong. The documents (JSON, CSV and the metadata beside the CSV) are
written from the frozen figures alone, never computed again.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError

from lde.core.suppression import MIN_COUNT, MIN_PARTNERSHIPS, Measure, suppress
from lde.indicators.models import Indicator, Observation, period_code, period_label
from lde.indicators.selectors import whole_area
from lde.partnerships.models import Partnership
from lde.rollups.models import OpenDataFigures, OpenDataRelease, OpenDataScope

# Which scope each kind belongs to: national figures are across partnerships; a partnership
# releases only its own.
KIND_SCOPE = {
    OpenDataFigures.NATIONAL_BRIEFING_COVERAGE: OpenDataScope.NATIONAL,
    OpenDataFigures.INDICATOR_OBSERVATIONS: OpenDataScope.PARTNERSHIP,
}

# Columns that are counts: none may leave under MIN_COUNT (`figures_leak`).
COUNT_COLUMNS = {
    OpenDataFigures.NATIONAL_BRIEFING_COVERAGE: ("partnerships", "posts"),
    OpenDataFigures.INDICATOR_OBSERVATIONS: ("numerator", "denominator"),
}

ROLE_NAMES = {
    OpenDataScope.PARTNERSHIP: "A coordinator of the partnership",
    OpenDataScope.NATIONAL: "A national analyst",
}


def parameters_check(
    *, scope: str, kind: str, parameters: Any, partnership: Partnership | None
) -> dict[str, Any]:
    """The kind's parameters, checked: a ValidationError naming the field otherwise."""
    if kind not in OpenDataFigures.values:
        raise ValidationError({"figures_kind": "Choose figures from the list"})
    if KIND_SCOPE[OpenDataFigures(kind)] != scope:
        label = OpenDataFigures(kind).label
        raise ValidationError(
            {"figures_kind": f"{label} cannot be released as {OpenDataScope(scope).label.lower()}"}
        )
    if not isinstance(parameters, Mapping):
        raise ValidationError({"parameters": "Parameters must be an object"})
    if kind == OpenDataFigures.NATIONAL_BRIEFING_COVERAGE:
        if parameters:
            raise ValidationError({"parameters": "National briefing coverage takes no parameters"})
        return {}
    unknown = sorted(set(parameters) - {"indicator_id"})
    if unknown:
        raise ValidationError({"parameters": f"Unknown parameters: {', '.join(unknown)}"})
    indicator_id = parameters.get("indicator_id")
    if not isinstance(indicator_id, int) or isinstance(indicator_id, bool):
        raise ValidationError({"parameters": "Give indicator_id, the number of an indicator"})
    indicator = Indicator.objects.filter(
        pk=indicator_id, partnership=partnership, published=True
    ).first()
    if indicator is None:
        raise ValidationError(
            {"parameters": "indicator_id must be a published indicator of this partnership"}
        )
    return {"indicator_id": indicator_id}


def _coverage() -> dict[str, Any]:
    # A national analyst's view of briefing coverage, already through `suppress`.
    from lde.rollups.selectors import national_briefing_coverage

    coverage = national_briefing_coverage()
    rows = [*coverage.regions, *([coverage.national] if coverage.national else [])]
    return {
        "columns": ["code", "name", "partnerships", "posts", "percent"],
        "rows": [
            {
                "code": r.code,
                "name": r.name,
                "partnerships": r.partnerships,
                "posts": r.posts,
                "percent": r.percent,
            }
            for r in rows
        ],
        "notes": (
            f"Share of strategic posts whose holders were briefed in the last "
            f"{coverage.window_days} days, by region and for England."
        ),
    }


def observations_withheld(observations: Iterable[Observation]) -> set[str]:
    """The periods (ISO dates) whose figure is withheld: any count it rests on under 10. The
    partnership publishes its own figures, so the floor of partnerships is met by construction."""
    groups = {
        o.period_start.isoformat(): {
            "partnerships": MIN_PARTNERSHIPS,
            **{f"c{i}": c for i, c in enumerate(o.counts())},
        }
        for o in observations
    }
    measure = Measure(
        "figure",
        value=lambda counts: 0,
        rests_on=lambda counts: [v for k, v in counts.items() if k.startswith("c")],
    )
    table = suppress(groups, order=list(groups), measures=[measure])
    return {row.key for row in table.rows if row.figures["figure"] is None}


def _observations(indicator_id: int) -> dict[str, Any]:
    indicator = Indicator.objects.get(pk=indicator_id)
    observations = list(indicator.observations.filter(whole_area()).order_by("period_start"))
    withheld = observations_withheld(observations)
    rows = []
    for o in observations:
        hidden = o.period_start.isoformat() in withheld
        rows.append(
            {
                "period": period_label(o.period_start, indicator.period_type),
                "period_code": period_code(o.period_start, indicator.period_type),
                "value": None if hidden else float(o.value),
                "numerator": None if hidden else o.numerator,
                "denominator": None if hidden else o.denominator,
            }
        )
    return {
        "columns": ["period", "period_code", "value", "numerator", "denominator"],
        "rows": rows,
        "notes": f"{indicator.title}: the whole area's figures, oldest first.",
    }


def figures_compute(release: OpenDataRelease) -> dict[str, Any]:
    """The release's figures as they would be frozen now, suppressed."""
    if release.figures_kind == OpenDataFigures.NATIONAL_BRIEFING_COVERAGE:
        figures = _coverage()
    else:
        figures = _observations(int(release.parameters["indicator_id"]))
    leaks = figures_leak(release.figures_kind, figures)
    if leaks:  # never reached while each kind suppresses; refused rather than released
        raise ValidationError({"figures": f"A figure under {MIN_COUNT} would leave: {leaks}"})
    return figures


def figures_leak(kind: str, figures: Mapping[str, Any]) -> list[str]:
    """Each count under 10 in the figures, as "row N, column": none may leave."""
    columns = COUNT_COLUMNS[OpenDataFigures(kind)]
    return [
        f"row {i}, {column}"
        for i, row in enumerate(figures.get("rows", []), start=1)
        for column in columns
        if isinstance(row.get(column), int) and row[column] < MIN_COUNT
    ]


def figures_hash(figures: Mapping[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(figures, sort_keys=True, separators=(",", ":")).encode("utf-8")
    ).hexdigest()


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def metadata(release: OpenDataRelease) -> dict[str, Any]:
    """What a released data set says about itself: no person's name or email, only roles."""
    role = ROLE_NAMES[OpenDataScope(release.scope)]
    figures = release.figures or {}
    return {
        "id": release.pk,
        "title": release.title,
        "description": release.description,
        "publisher": release.publisher,
        "licence": {"name": release.licence, "url": release.licence_url},
        "scope": release.scope,
        "area": release.partnership.name if release.partnership else "England",
        "figures_kind": release.figures_kind,
        "figures_label": OpenDataFigures(release.figures_kind).label,
        "parameters": release.parameters,
        "columns": figures.get("columns", []),
        "notes": figures.get("notes", ""),
        "suppression": {
            "min_partnerships": MIN_PARTNERSHIPS,
            "min_count": MIN_COUNT,
            "withheld": "null in JSON, an empty cell in CSV: a figure resting on a count under "
            f"{MIN_COUNT}, or one that would give such a figure away by subtraction",
        },
        "approval": {
            "proposed_by": role,
            "proposed_at": _when(release.proposed_at),
            "approved_by": (
                "Another national analyst" if release.scope == OpenDataScope.NATIONAL else role
            ),
            "approved_at": _when(release.approved_at),
            "embargo_until": _when(release.embargo_until),
            "released_at": _when(release.released_at),
        },
        "sha256": release.figures_sha256,
    }


def document_json(release: OpenDataRelease) -> str:
    figures = release.figures or {}
    return json.dumps(
        {**metadata(release), "rows": figures.get("rows", [])}, indent=2, ensure_ascii=False
    )


def document_json_metadata(release: OpenDataRelease) -> str:
    """The metadata beside the CSV: the JSON without its rows."""
    return json.dumps(metadata(release), indent=2, ensure_ascii=False)


def document_csv(release: OpenDataRelease) -> str:
    """A header row of the columns, then one row per row: no comment lines (the metadata is
    beside it, as JSON); a withheld figure is an empty cell."""
    figures = release.figures or {}
    columns = list(figures.get("columns", []))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in figures.get("rows", []):
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    return out.getvalue()
