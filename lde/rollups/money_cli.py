"""`lde rollups money-distribution`: the same figures as the page of distributions of programme
money, as a table or JSON, under the same policy (ADR 0027). A bad choice exits non-zero naming
the option; so does an area withheld by the small-number rule, saying why."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from dataclasses import asdict
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from lde.accounts.models import User
from lde.rollups import money_distributions as m
from lde.rollups.distributions_policies import money_distribution_policy

OPTIONS = {
    "year": "--year",
    "basis": "--basis",
    "kind": "--kind",
    "ring_fence": "--ring-fence",
    "region": "--region",
}


def add_parser(sub: Any) -> None:
    parser: ArgumentParser = sub.add_parser(
        "money-distribution",
        help="The distribution of programme money partnerships allocated for a financial year: "
        "quartiles, median, mean and histogram, to the nearest £1,000, with areas under 5 "
        "partnerships withheld.",
    )
    parser.add_argument("--year", type=int, default=None, help="Year the financial year starts.")
    parser.add_argument(
        "--basis", default=m.Basis.CONFIRMED, help="confirmed (default), or planned for both."
    )
    parser.add_argument("--kind", default="", help="A kind of funding stream (default: all).")
    parser.add_argument(
        "--ring-fence",
        dest="ring_fence",
        default=m.RingFence.ANY,
        help="any (default), ring_fenced or not_ring_fenced.",
    )
    parser.add_argument("--region", default="", help="A region's GSS code (default: England).")
    parser.add_argument("--as", dest="reader", required=True, help="A national analyst, etc.")
    parser.add_argument("--json", action="store_true", help="Write JSON rather than a table.")


def run(user: User, options: dict[str, Any], write: Any) -> None:
    if not money_distribution_policy.user_can_in(user, "view"):
        raise CommandError(
            f"--as: {user.email} may not see distributions of programme money. "
            f"{money_distribution_policy.who_can['view']}"
        )
    try:
        query = m.query_from(**{name: options[name] for name in OPTIONS})
    except ValidationError as error:
        raise CommandError(
            "\n".join(
                f"{OPTIONS.get(field, field)}: {message}"
                for field, messages in error.message_dict.items()
                for message in messages
            )
        ) from None
    result = m.money_distribution(user=user, query=query)
    if result.scope.figures is None:
        raise CommandError(f"{'--region' if query.region else '--year'}: {result.scope.withheld}")
    figures = result.scope.figures
    if options["json"]:
        write(
            json.dumps(
                {
                    "year": result.cycle_label,
                    "counted": query.what,
                    "area": {"code": result.scope.code, "name": result.scope.name},
                    "figures": asdict(figures),
                    "marks": [{"label": k.label, "amount": k.score} for k in result.marks],
                    "rounded_to": m.MONEY.round_to,
                    "not_counted": m.NOT_COUNTED,
                },
                indent=2,
            )
        )
        return
    count = "fewer than 10" if figures.partnerships is None else str(figures.partnerships)
    write(f"{result.scope.name}: money allocated, {result.cycle_label}")
    write(f"{query.what}; partnerships that recorded money: {count}")
    for name, value in vars(figures).items():
        if isinstance(value, float):  # every figure that is not a count, whichever are shown
            write(f"  {name.replace('_', ' '):<15} {m.MONEY.write(value):>10}")
    for b in figures.bins:
        write(f"  {b.label:<42} {'fewer than 10' if b.count is None else b.count}")
    for mark in result.marks:
        write(f"  marked: {mark.label} {m.MONEY.write(mark.score)}")
    write(m.NOT_COUNTED)
