"""lde rollups open-data-export RELEASE_ID --out FILE.csv|FILE.json: a released data set written
as the open pages give it (the CSV with its metadata JSON beside it, or the JSON). Only released
data is public, so the command asks for no one to act as; anything else exits non-zero naming
the argument."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.http import Http404

from lde.rollups import opendata, opendata_selectors


def add_parser(sub: Any) -> None:
    export = sub.add_parser(
        "open-data-export",
        help="Write a released open data set as CSV (with FILE-metadata.json beside it) or JSON.",
    )
    export.add_argument("release_id", help="The data set's number, as in /open-data/N/.")
    export.add_argument(
        "--out", type=Path, required=True, help="FILE.csv or FILE.json: the suffix says which."
    )


def run(options: dict[str, Any], write: Callable[[str], Any]) -> None:
    release_id = str(options["release_id"])
    out: Path = options["out"]
    if not release_id.isdigit() or len(release_id) > 18:
        raise CommandError(f"release_id: {release_id!r} is not a data set's number")
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise CommandError(f"--out: {out.name} must end in .csv or .json")
    try:
        release = opendata_selectors.released_get(release_id=int(release_id))
    except Http404:
        raise CommandError(
            f"release_id: open data set {release_id} does not exist or is not released"
        ) from None
    try:
        if suffix == ".csv":
            out.write_text(opendata.document_csv(release), encoding="utf-8")
            beside = out.with_name(f"{out.stem}-metadata.json")
            beside.write_text(opendata.document_json_metadata(release), encoding="utf-8")
            write(f"Wrote {out} and its metadata, {beside}.")
        else:
            out.write_text(opendata.document_json(release), encoding="utf-8")
            write(f"Wrote {out}.")
    except OSError as error:
        raise CommandError(f"--out: {out}: {error.strerror}") from None
