"""`lde rollups distribution`: the same figures as the page of distributions, as a table or
JSON, under the same policy. A bad choice exits non-zero naming the option; so does an area
withheld by the small-number rule, saying why."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from dataclasses import asdict
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from lde.accounts.models import User
from lde.rollups import distributions as d
from lde.rollups.distributions_policies import distribution_policy

OPTIONS = {
    "framework": "--framework",
    "version": "--version",
    "mapped": "--mapped",
    "theme": "--theme",
    "cycle": "--cycle",
    "region": "--region",
}


def add_parser(sub: Any) -> None:
    parser: ArgumentParser = sub.add_parser(
        "distribution",
        help="The distribution of counted scores across partnerships: 10th and 90th "
        "percentiles, quartiles and median (from 11 partnerships), mean and histogram, with "
        "areas under 5 partnerships withheld.",
    )
    parser.add_argument("--framework", required=True, help="The framework's identifier.")
    # Named apart from Django's own --version.
    parser.add_argument("--version", dest="framework_version", required=True, help="Version.")
    parser.add_argument("--mapped", default="", help="A second version joined by mappings.")
    parser.add_argument("--theme", default="", help="A theme's identifier (default: overall).")
    parser.add_argument("--cycle", type=int, default=None, help="Year the cycle starts.")
    parser.add_argument("--region", default="", help="A region's GSS code (default: England).")
    parser.add_argument("--as", dest="reader", required=True, help="A national analyst, etc.")
    parser.add_argument("--json", action="store_true", help="Write JSON rather than a table.")


def run(user: User, options: dict[str, Any], write: Any) -> None:
    if not distribution_policy.user_can_in(user, "view"):
        raise CommandError(
            f"--as: {user.email} may not see distributions. {distribution_policy.who_can['view']}"
        )
    try:
        query = d.query_from(
            framework=options["framework"],
            version=options["framework_version"],
            mapped=options["mapped"],
            theme=options["theme"],
            cycle=options["cycle"],
            region=options["region"],
        )
    except ValidationError as error:
        raise CommandError(
            "\n".join(
                f"{OPTIONS.get(field, field)}: {message}"
                for field, messages in error.message_dict.items()
                for message in messages
            )
        ) from None
    result = d.distribution(user=user, query=query)
    option = "--region" if query.region else "--framework"
    if result.scope.figures is None:
        raise CommandError(f"{option}: {result.scope.withheld}")
    figures = result.scope.figures
    if options["json"]:
        write(
            json.dumps(
                {
                    "framework": query.framework.identifier,
                    "versions": [v.version for v in query.versions],
                    "theme": query.theme,
                    "theme_title": result.theme_title,
                    "cycle": result.cycle_label,
                    "area": {"code": result.scope.code, "name": result.scope.name},
                    "figures": asdict(figures),
                    "marks": [asdict(m) for m in result.marks],
                    "min_partnerships": d.MIN_PARTNERSHIPS,
                    "min_count": d.MIN_COUNT,
                },
                indent=2,
            )
        )
        return
    count = "fewer than 10" if figures.partnerships is None else str(figures.partnerships)
    write(f"{result.scope.name}: {result.theme_title}, {result.cycle_label}")
    write(f"{result.versions_label}; partnerships counted: {count}")
    for name, value in (
        ("10th percentile", figures.tenth_percentile),
        ("lower quartile", figures.lower_quartile),
        ("median", figures.median),
        ("upper quartile", figures.upper_quartile),
        ("90th percentile", figures.ninetieth_percentile),
        ("mean", figures.mean),
    ):
        shown = f"withheld (fewer than {d.BOX_MIN})" if value is None else f"{value:5.1f}%"
        write(f"  {name:<15} {shown}")
    for b in figures.bins:
        shown = "fewer than 10" if b.count is None else str(b.count)
        write(f"  {b.label:<28} {shown}")
    for m in result.marks:
        write(f"  marked: {m.label} {m.score:.1f}%")
