"""lde surveys estimate|ttest|prepost DATA.csv … [--json]

Design-based estimates an evaluator can check from a script, equal to R's survey package:

    lde surveys estimate DATA.csv [--weights COL] [--strata COL] [--cluster COL [COL2]]
        [--fpc COL [COL2]] [--poststratify COL=TOTALS.csv] [--rake COL=TOTALS.csv ...]
        (--mean COL | --total COL | --median COL | --proportion COL=VALUE
         [--ci-method logit|likelihood|asin|beta])
        [--by COL] [--lonely-psu fail|adjust|certainty|average] [--json]
    lde surveys ttest DATA.csv <design options> --outcome COL --group COL [--json]
    lde surveys prepost DATA.csv --before COL --after COL [--json]

A totals file is a CSV with the column's values and ``Freq``. A bad design exits non-zero with
a message naming the row and column.

Other parts of the surveys app add their own subcommands with one line in SUBCOMMANDS: the
name, and the dotted path ``module:attribute`` of an object with ``help``,
``add_arguments(parser)`` and ``handle(command, **options)``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lde.surveys.statistics import (
    CI_METHODS,
    Design,
    DesignError,
    Table,
    estimate,
    prepost,
    read_table,
    ttest,
)


class Subcommand(Protocol):
    help: str

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def handle(self, command: BaseCommand, **options: Any) -> None: ...


def _float(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _write_json(command: BaseCommand, payload: dict[str, Any]) -> None:
    command.stdout.write(json.dumps(payload, indent=2, allow_nan=False))


def _format(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        if not math.isfinite(value):
            return "—"
        return f"{value:.6g}"
    return str(value)


def _table(command: BaseCommand, headers: list[str], rows: list[list[Any]]) -> None:
    cells = [[_format(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    command.stdout.write("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    for row in cells:
        command.stdout.write("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))


def _read(path: str, what: str = "DATA") -> Table:
    try:
        return read_table(Path(path))
    except DesignError as error:
        raise CommandError(f"{what} {path}: {error}") from error


def _assignment(text: str, option: str, meaning: str) -> tuple[str, str]:
    column, sep, value = text.partition("=")
    if not sep or not column.strip() or not value.strip():
        raise CommandError(f"{option}: {text!r} should be {meaning}")
    return column.strip(), value.strip()


def _totals(spec: str, option: str) -> tuple[str, dict[str, float]]:
    """COL=TOTALS.csv: the column and its population totals (a CSV of its values and Freq)."""
    column, path = _assignment(spec, option, "COLUMN=TOTALS.csv")
    table = _read(path, f"{option} totals file")
    if "Freq" not in table.columns:
        raise CommandError(f"{option} {path}: the totals file needs a Freq column")
    names = [c for c in table.columns if c != "Freq"]
    key = column if column in table.columns else (names[0] if len(names) == 1 else None)
    if key is None:
        raise CommandError(
            f"{option} {path}: the totals file needs a {column!r} column beside Freq"
        )
    try:
        freq, missing = table.numbers("Freq")
    except DesignError as error:
        raise CommandError(f"{option} {path}: {error}") from error
    if missing.any():
        row = int(np.argmax(missing)) + 2
        raise CommandError(f"{option} {path}: row {row}, column 'Freq': the total is missing")
    totals: dict[str, float] = {}
    for i, (value, total) in enumerate(zip(table.columns[key], freq, strict=True)):
        if value.strip() in totals:
            raise CommandError(
                f"{option} {path}: row {i + 2}, column {key!r}: {value.strip()!r} is given twice"
            )
        totals[value.strip()] = float(total)
    return column, totals


def add_design_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("data", metavar="DATA", help="The responses: a CSV or XLSX file.")
    parser.add_argument("--weights", metavar="COL", help="The sampling weights' column.")
    parser.add_argument("--strata", metavar="COL", help="The strata's column.")
    parser.add_argument(
        "--cluster",
        nargs="+",
        metavar="COL",
        default=[],
        help="The first-stage cluster (PSU) column, and the second stage's if two-stage.",
    )
    parser.add_argument(
        "--fpc",
        nargs="+",
        metavar="COL",
        default=[],
        help="Finite-population corrections, one column per stage: population sizes or "
        "sampling fractions. With no --weights, the weights come from them.",
    )
    parser.add_argument(
        "--poststratify",
        action="append",
        default=[],
        metavar="COL=TOTALS.csv",
        help="Post-stratify to the column's population totals.",
    )
    parser.add_argument(
        "--rake",
        action="extend",
        nargs="+",
        default=[],
        metavar="COL=TOTALS.csv",
        help="Rake to each column's population totals (give two or more).",
    )
    parser.add_argument(
        "--lonely-psu",
        choices=["fail", "adjust", "certainty", "average"],
        default="fail",
        help="A stratum with one PSU: refused (fail, the default) or treated as R's "
        "survey.lonely.psu option says.",
    )
    parser.add_argument("--json", action="store_true", help="Write JSON instead of a table.")


def build_design(options: dict[str, Any]) -> Design:
    """The design the command-line options describe (for other subcommands to reuse)."""
    table = _read(options["data"])
    if len(options["cluster"]) > 2:
        raise CommandError("--cluster: give one column, or two for a two-stage design")
    if len(options["fpc"]) > 2:
        raise CommandError("--fpc: give one column per stage, at most two")
    poststrata = [_totals(spec, "--poststratify") for spec in options["poststratify"]]
    margins = [_totals(spec, "--rake") for spec in options["rake"]]
    try:
        design = Design.from_table(
            table,
            weights=options["weights"],
            strata=options["strata"],
            clusters=options["cluster"],
            fpc=options["fpc"],
            lonely_psu=options["lonely_psu"],
        )
        for column, totals in poststrata:
            design = design.poststratify(column, totals)
        if margins:
            design = design.rake(margins)
    except DesignError as error:
        raise CommandError(f"{options['data']}: {error}") from error
    return design


ESTIMATE_KEYS = ("domain", "estimate", "se", "ci_low", "ci_high", "df", "deff", "n", "weighted_n")


class EstimateCommand:
    help = "Mean, total, median or proportion with SE, 95% interval, deff, n and weighted N."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        add_design_arguments(parser)
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument("--mean", metavar="COL")
        what.add_argument("--total", metavar="COL")
        what.add_argument("--median", metavar="COL")
        what.add_argument("--proportion", metavar="COL=VALUE")
        parser.add_argument(
            "--ci-method",
            choices=CI_METHODS,
            default="logit",
            help="The interval for a proportion (svyciprop's method; logit by default).",
        )
        parser.add_argument("--by", metavar="COL", help="One estimate per value of this column.")

    def handle(self, command: BaseCommand, **options: Any) -> None:
        design = build_design(options)
        value = None
        for statistic in ("mean", "total", "median", "proportion"):
            if options.get(statistic):
                column = options[statistic]
                break
        if statistic == "proportion":
            column, value = _assignment(column, "--proportion", "COLUMN=VALUE")
        try:
            results = estimate(
                design,
                statistic,
                column,
                value=value,
                by=options.get("by"),
                ci_method=options["ci_method"],
            )
        except DesignError as error:
            raise CommandError(f"{options['data']}: {error}") from error
        if options["json"]:
            rows = []
            for result in results:
                data = result.as_dict()
                rows.append(
                    {key: data[key] for key in ESTIMATE_KEYS}
                    | {k: v for k, v in data.items() if k not in ESTIMATE_KEYS}
                )
            _write_json(
                command,
                {
                    "statistic": statistic,
                    "column": column,
                    "value": value,
                    "ci_method": options["ci_method"] if statistic == "proportion" else None,
                    "by": options.get("by"),
                    "design": design.description,
                    "estimates": rows,
                },
            )
            return
        label = f"{statistic} of {column}" + (f" = {value}" if value else "")
        command.stdout.write(f"{label} ({options['data']})")
        _table(
            command,
            ["domain", "estimate", "se", "95% low", "95% high", "df", "deff", "n", "weighted N"],
            [
                [
                    r.domain if r.domain is not None else "(all)",
                    r.estimate,
                    r.se,
                    r.ci_low,
                    r.ci_high,
                    r.df,
                    r.deff,
                    r.n,
                    r.weighted_n,
                ]
                for r in results
            ],
        )
        for r in results:
            for warning in r.warnings:
                command.stdout.write(f"Warning ({r.domain or 'all'}): {warning}")


class TTestCommand:
    help = "Design-based t-test of the difference in an outcome's mean between two groups."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        add_design_arguments(parser)
        parser.add_argument("--outcome", metavar="COL", required=True)
        parser.add_argument("--group", metavar="COL", required=True, help="Two values only.")

    def handle(self, command: BaseCommand, **options: Any) -> None:
        design = build_design(options)
        try:
            result = ttest(design, options["outcome"], options["group"])
        except DesignError as error:
            raise CommandError(f"{options['data']}: {error}") from error
        data = result.as_dict()
        if options["json"]:
            keys = ("estimate", "se", "t", "df", "p_value", "ci_low", "ci_high")
            _write_json(
                command,
                {k: _float(data[k]) for k in keys}
                | {"n": result.n, "groups": list(result.groups), "design": design.description},
            )
            return
        command.stdout.write(
            f"Difference in mean {result.outcome}: {result.groups[1]} less {result.groups[0]}"
        )
        _table(
            command,
            ["estimate", "se", "t", "df", "p", "95% low", "95% high", "n"],
            [
                [
                    result.estimate,
                    result.se,
                    result.t,
                    result.df,
                    result.p_value,
                    result.ci_low,
                    result.ci_high,
                    result.n,
                ]
            ],
        )


class PrePostCommand:
    help = "Paired change for the same participants: t interval, d_z, g_av and Wilcoxon."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("data", metavar="DATA", help="One row per participant: CSV or XLSX.")
        parser.add_argument("--before", metavar="COL", required=True)
        parser.add_argument("--after", metavar="COL", required=True)
        parser.add_argument("--json", action="store_true", help="Write JSON instead of a table.")

    def handle(self, command: BaseCommand, **options: Any) -> None:
        table = _read(options["data"])
        try:
            before, missing_before = table.numbers(options["before"])
            after, missing_after = table.numbers(options["after"])
            result = prepost(
                [None if m else float(v) for v, m in zip(before, missing_before, strict=True)],
                [None if m else float(v) for v, m in zip(after, missing_after, strict=True)],
            )
        except DesignError as error:
            raise CommandError(f"{options['data']}: {error}") from error
        data = result.as_dict()
        if options["json"]:
            keys = (
                "n",
                "mean_difference",
                "ci_low",
                "ci_high",
                "t",
                "df",
                "p_value",
                "d_z",
                "g_av",
                "wilcoxon_v",
                "wilcoxon_p",
            )
            _write_json(
                command,
                {k: _float(data[k]) for k in keys}
                | {k: _float(v) for k, v in data.items() if k not in keys},
            )
            return
        command.stdout.write(
            f"Change from {options['before']} to {options['after']} (after less before)"
        )
        _table(
            command,
            [
                "n",
                "mean diff",
                "95% low",
                "95% high",
                "t",
                "df",
                "p",
                "d_z",
                "g_av",
                "V",
                "Wilcoxon p",
            ],
            [
                [
                    result.n,
                    result.mean_difference,
                    result.ci_low,
                    result.ci_high,
                    result.t,
                    result.df,
                    result.p_value,
                    result.d_z,
                    result.g_av,
                    result.wilcoxon_v,
                    result.wilcoxon_p,
                ]
            ],
        )


# name -> "module:attribute" of a Subcommand. Other parts of the app add one line each.
SUBCOMMANDS: dict[str, str] = {
    "estimate": "lde.surveys.management.commands.surveys:EstimateCommand",
    "ttest": "lde.surveys.management.commands.surveys:TTestCommand",
    "prepost": "lde.surveys.management.commands.surveys:PrePostCommand",
    "import-data": "lde.surveys.datasets.cli:ImportDataCommand",
    "export-estimates": "lde.surveys.datasets.cli:ExportEstimatesCommand",
    "import-xlsform": "lde.surveys.questionnaires.cli:ImportXlsformCommand",
    "export-answers": "lde.surveys.questionnaires.cli:ExportAnswersCommand",
    "demo-link": "lde.surveys.questionnaires.cli:DemoLinkCommand",
}


def _load(path: str) -> Subcommand:
    module, _, attribute = path.partition(":")
    target = getattr(importlib.import_module(module), attribute)
    return target() if isinstance(target, type) else target


class Command(BaseCommand):
    help = "Survey estimates equal to R's survey package: estimate, ttest, prepost."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        for name, path in SUBCOMMANDS.items():
            handler = _load(path)
            child = sub.add_parser(name, help=handler.help, description=handler.help)
            handler.add_arguments(child)

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        _load(SUBCOMMANDS[subcommand]).handle(self, **options)
