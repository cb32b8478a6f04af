"""lde rollups areas-import FILE.csv --variables VARS.csv --as EMAIL | neighbours PARTNERSHIP_ID
--as EMAIL [--json]: area data imported (all or nothing, exiting non-zero naming each bad row and
column) and a partnership's nearest neighbours. Both act as the person named, under the same
policies as the pages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from lde.accounts.models import User
from lde.partnerships.selectors import partnership_get
from lde.rollups import areas, distributions_cli, money_cli, opendata_cli, selectors, services
from lde.rollups.policies import area_data_set_policy, area_neighbour_policy


class Command(BaseCommand):
    help = "Similar areas: import area data by GSS code, or list a partnership's neighbours."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser(
            "areas-import",
            help="Import area data (gss_code and one column per variable) with its variables' "
            "declaration, and find every area's 15 nearest neighbours: every row is checked, "
            "and nothing is saved if any has a problem.",
        )
        load.add_argument("file", type=Path, help="The area data, FILE.csv.")
        load.add_argument(
            "--variables",
            type=Path,
            required=True,
            help="The declaration, VARS.csv: name, label, source, licence, protected, weight.",
        )
        load.add_argument("--as", dest="reader", required=True, help="A site administrator.")
        near = sub.add_parser("neighbours", help="A partnership's nearest neighbours and why.")
        near.add_argument("partnership_id", help="The partnership's number.")
        near.add_argument(
            "--as",
            dest="reader",
            required=True,
            help="A coordinator or board member of the partnership, or its inspector.",
        )
        near.add_argument("--json", action="store_true", help="Write JSON rather than a table.")
        distributions_cli.add_parser(sub)
        money_cli.add_parser(sub)
        opendata_cli.add_parser(sub)

    def _user(self, reader: str) -> User:
        user = User.objects.filter(email__iexact=reader.strip(), is_active=True).first()
        if user is None:
            raise CommandError(f"--as: no active person has the email {reader!r}")
        return user

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "areas-import":
            self._import(**options)
        elif action == "open-data-export":
            opendata_cli.run(options, self.stdout.write)
        elif action == "distribution":
            distributions_cli.run(self._user(options["reader"]), options, self.stdout.write)
        elif action == "money-distribution":
            money_cli.run(self._user(options["reader"]), options, self.stdout.write)
        else:
            self._neighbours(**options)

    def _read(self, path: Path, what: str) -> bytes:
        try:
            with path.open("rb") as handle:
                return handle.read(areas.MAX_BYTES + 1)
        except OSError as error:
            raise CommandError(f"{what}: {path}: {error.strerror}") from None

    def _import(self, *, file: Path, variables: Path, reader: str, **_: Any) -> None:
        user = self._user(reader)
        data = self._read(file, "file")
        declaration = self._read(variables, "--variables")
        try:
            data_set = services.area_data_import(
                actor=user, data=data, variables=declaration, file_name=file.name
            )
        except PermissionDenied:
            raise CommandError(
                f"--as: {reader} may not import area data. {area_data_set_policy.who_can['import']}"
            ) from None
        except ValidationError as error:
            problems = [m for ms in error.message_dict.values() for m in ms]
            raise CommandError(
                f"{file.name} and {variables.name} have {len(problems)} problem(s); nothing was "
                "saved.\n" + "\n".join(problems)
            ) from None
        self.stdout.write(
            f"Imported area data {data_set.pk}: {data_set.areas} areas, "
            f"{len(data_set.variables)} variables; every area's nearest neighbours found."
        )

    def _neighbours(self, *, partnership_id: str, reader: str, **options: Any) -> None:
        user = self._user(reader)
        if not partnership_id.isdigit() or len(partnership_id) > 18:
            raise CommandError(f"partnership_id: {partnership_id!r} is not a partnership's number")
        try:
            partnership = partnership_get(user=user, partnership_id=int(partnership_id))
        except Http404:
            raise CommandError(
                f"partnership_id: partnership {partnership_id} does not exist or {reader} "
                "cannot see it"
            ) from None
        if not area_neighbour_policy.user_can_in(user, "view", partnership.pk):
            raise CommandError(f"--as: {reader}: {area_neighbour_policy.who_can['view']}")
        found = selectors.similar_areas(user=user, partnership=partnership)
        if options.get("json"):
            self._json(found)
            return
        if not found.areas:
            self.stdout.write(f"{partnership.name} has no similar areas in the area data in use.")
            return
        self.stdout.write(f"{partnership.name}: nearest neighbours")
        for a in found.areas:
            closest = ", ".join(c.label for c in a.closest)
            self.stdout.write(
                f"{a.row.rank:>3}  {a.neighbour.name:<40} {a.row.distance:6.2f}  most alike in "
                f"{closest}"
            )

    def _json(self, found: selectors.SimilarAreas) -> None:
        out = {
            "data_set_id": found.data_set.pk if found.data_set else None,
            "neighbours": [
                {
                    "rank": a.row.rank,
                    "area_code": a.row.area_code,
                    "neighbour_code": a.row.neighbour_code,
                    "partnership_id": a.neighbour.pk,
                    "partnership_name": a.neighbour.name,
                    "distance": a.row.distance,
                    "contributions": [
                        {"name": c.name, "contribution": c.contribution, "share": c.share}
                        for c in a.contributions
                    ],
                }
                for a in found.areas
            ],
        }
        self.stdout.write(json.dumps(out, indent=2))
