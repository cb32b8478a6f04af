"""`lde surveys import-data` and `lde surveys export-estimates`: the data sets' subcommands of
`lde surveys` (registered in its SUBCOMMANDS table).

    lde surveys import-data PARTNERSHIP_ID FILE --title T --source S --from DATE --to DATE
        [--weights COL] [--strata COL] [--cluster COL [COL2]] [--fpc COL [COL2]]
        [--poststratify COL=TOTALS.csv | --rake COL=TOTALS.csv ...]
        [--lonely-psu fail|adjust|certainty|average] --as EMAIL
    lde surveys export-estimates DATA_SET_ID FILE.csv|FILE.xlsx|- [--estimate ID ...] --as EMAIL

Both go through the same services and policies as the pages. A refused upload saves nothing
and exits non-zero with each field's message, naming the row and the column.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from lde.accounts.models import User
from lde.partnerships import selectors as partnership_selectors
from lde.surveys.datasets import exports, selectors, services
from lde.surveys.datasets.policies import WHO_CAN, sees_small_numbers
from lde.surveys.models import Calibration, LonelyPsu
from lde.surveys.models.datasets import MAX_BYTES

# The services name the pages' fields; the command line names its options.
OPTIONS = {
    "weights_column": "--weights",
    "strata_column": "--strata",
    "cluster_column": "--cluster",
    "cluster2_column": "--cluster (second column)",
    "fpc_column": "--fpc",
    "fpc2_column": "--fpc (second column)",
    "lonely_psu": "--lonely-psu",
    "calibration": "--poststratify/--rake",
    "totals": "--poststratify/--rake",
    "period_start": "--from",
    "period_end": "--to",
    "file": "FILE",
}


def _user(email: str) -> User:
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise CommandError(f"--as: no active person has the email {email!r}")
    return user


def _read(path: Path, what: str) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise CommandError(f"{what}: {path}: {error.strerror}") from None


def nothing_saved(
    error: ValidationError, options: Mapping[str, str] | None = None, *, prefix: str = ""
) -> CommandError:
    """A service's refusal as the command's error: each message under the option or argument
    that gave the field (`options` maps field to option), and that nothing was saved."""
    names = OPTIONS if options is None else options
    said = "\n".join(
        f"{names.get(field, prefix + field)}: {message}"
        for field, messages in error.message_dict.items()
        for message in messages
    )
    return CommandError(f"Nothing was saved.\n{said}")


def _date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{option}: {text!r} is not a date: write it as 2025-09-01") from None


class ImportDataCommand:
    help = (
        "Upload a survey's responses (CSV or XLSX) to a partnership with its design, as the "
        "upload page does: all of it, or nothing, naming the row and column."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("partnership_id", help="The partnership's number.")
        parser.add_argument("file", type=Path, help="The survey's CSV file or Excel workbook.")
        parser.add_argument("--title", required=True)
        parser.add_argument("--source", required=True, help="Who ran it and how it was sampled.")
        parser.add_argument("--from", dest="period_start", required=True, help="YYYY-MM-DD.")
        parser.add_argument("--to", dest="period_end", required=True, help="YYYY-MM-DD.")
        parser.add_argument("--weights", default="")
        parser.add_argument("--strata", default="")
        parser.add_argument("--cluster", nargs="+", default=[], metavar="COL")
        parser.add_argument("--fpc", nargs="+", default=[], metavar="COL")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--poststratify", default=None, metavar="COL=TOTALS.csv")
        group.add_argument("--rake", action="append", default=[], metavar="COL=TOTALS.csv")
        parser.add_argument(
            "--lonely-psu", dest="lonely_psu", choices=LonelyPsu.values, default="fail"
        )
        parser.add_argument("--as", dest="reader", required=True, help="A coordinator's email.")

    def handle(self, command: BaseCommand, **options: Any) -> None:
        user = _user(options["reader"])
        raw_id = str(options["partnership_id"])
        if not raw_id.isdigit() or len(raw_id) > 18:
            raise CommandError(f"partnership_id: {raw_id!r} is not a partnership's number")
        try:
            partnership = partnership_selectors.partnership_get(
                user=user, partnership_id=int(raw_id)
            )
        except Http404:
            raise CommandError(
                f"partnership_id: partnership {raw_id} does not exist or {user.email} cannot see it"
            ) from None
        clusters, fpc = options["cluster"], options["fpc"]
        if len(clusters) > 2 or len(fpc) > 2:
            raise CommandError("--cluster and --fpc take one column, or two for two stages")
        specs = [options["poststratify"]] if options["poststratify"] else options["rake"]
        totals = []
        for spec in specs:
            column, equals, path = spec.partition("=")
            if not equals or not column or not path:
                raise CommandError(f"{spec!r}: write the totals as COL=TOTALS.csv")
            data = _read(Path(path), f"totals for {column}")
            first_line = data.decode("utf-8-sig", errors="replace").splitlines()[:1]
            if not first_line or first_line[0].split(",")[0].strip().strip('"') != column:
                raise CommandError(
                    f"{spec}: the totals file's first column must be headed {column} (and the "
                    "second Freq)"
                )
            totals.append(services.Upload(Path(path).name, data))
        calibration = (
            Calibration.POSTSTRATIFY
            if options["poststratify"]
            else Calibration.RAKE
            if options["rake"]
            else Calibration.NONE
        )
        file: Path = options["file"]
        try:
            data_set = services.data_set_upload(
                actor=user,
                partnership=partnership,
                title=options["title"],
                source=options["source"],
                period_start=_date(options["period_start"], "--from"),
                period_end=_date(options["period_end"], "--to"),
                upload=services.Upload(file.name, _read(file, "FILE")),
                design=services.Design(
                    weights_column=options["weights"],
                    strata_column=options["strata"],
                    cluster_column=clusters[0] if clusters else "",
                    cluster2_column=clusters[1] if len(clusters) > 1 else "",
                    fpc_column=fpc[0] if fpc else "",
                    fpc2_column=fpc[1] if len(fpc) > 1 else "",
                    lonely_psu=options["lonely_psu"],
                    calibration=calibration,
                ),
                totals=totals,
            )
        except PermissionDenied:
            raise CommandError(f"--as: {user.email} may not. {WHO_CAN['manage']}") from None
        except ValidationError as error:
            raise nothing_saved(error) from None
        command.stdout.write(
            f"Uploaded data set {data_set.pk}, {data_set.title}: {data_set.row_count:,} "
            f"responses, {len(data_set.columns)} columns."
        )


class ExportEstimatesCommand:
    help = (
        "Write a data set's saved estimates (or those named) as CSV or XLSX, with the design "
        "written out."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("data_set_id", help="The data set's number.")
        parser.add_argument("file", help="FILE.csv or FILE.xlsx, or - for CSV on stdout.")
        parser.add_argument(
            "--estimate", dest="estimate_ids", action="append", default=[], metavar="ID"
        )
        parser.add_argument("--as", dest="reader", required=True, help="A reader's email.")

    def handle(self, command: BaseCommand, **options: Any) -> None:
        user = _user(options["reader"])
        raw_id = str(options["data_set_id"])
        try:
            data_set = selectors.data_set_get(user=user, data_set_id=raw_id)
        except Http404:
            raise CommandError(
                f"data_set_id: data set {raw_id} does not exist or {user.email} cannot see it"
            ) from None
        estimates = list(selectors.estimate_list(user=user, data_set=data_set))
        wanted = options["estimate_ids"]
        if wanted:
            known = {str(e.pk): e for e in estimates}
            missing = [w for w in wanted if w not in known]
            if missing:
                raise CommandError(
                    f"--estimate: {', '.join(missing)} is not a saved estimate of data set "
                    f"{data_set.pk}"
                )
            estimates = [known[w] for w in wanted]
        target = str(options["file"])
        fmt = "xlsx" if target.lower().endswith(".xlsx") else "csv"
        content, _, _ = exports.export(
            data_set,
            estimates,
            fmt=fmt,
            inside=sees_small_numbers(user, data_set.partnership_id),
        )
        if target == "-":
            command.stdout.write(content.decode("utf-8"), ending="")
            return
        try:
            Path(target).write_bytes(content)
        except OSError as error:
            raise CommandError(f"FILE: cannot write {target}: {error.strerror}") from None
        command.stdout.write(f"Wrote {target}: {len(estimates)} saved estimate(s).")
