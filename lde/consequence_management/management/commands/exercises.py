"""lde exercises list PARTNERSHIP_ID --as EMAIL [--json]
lde exercises report EXERCISE_ID --as EMAIL --out FILE.pdf

A partnership's exercises (¶161), and an exercise's after-action report written to a file. The
same selectors and policy as the pages: the person named by --as sees what they may see there
(a reader who may not see the directory gets the report without the cascade's figures), and a
refusal exits non-zero naming the argument."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from lde.consequence_management import reports, selectors
from lde.consequence_management.management.commands.cascades import _number, _person
from lde.consequence_management.policies import exercise_policy
from lde.partnerships import selectors as partnership_selectors


class Command(BaseCommand):
    help = "List a partnership's exercises; write an exercise's after-action report (PDF)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="A partnership's exercises, newest day first.")
        listing.add_argument("partnership_id")
        listing.add_argument("--as", dest="actor", required=True)
        listing.add_argument("--json", action="store_true")
        report = sub.add_parser("report", help="Write an exercise's after-action report (PDF).")
        report.add_argument("exercise_id")
        report.add_argument("--as", dest="actor", required=True)
        report.add_argument("--out", required=True, help="The file to write, ending .pdf.")
        report.add_argument(
            "--force", action="store_true", help="Replace the file if it already exists."
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        getattr(self, "_" + action)(**options)

    def _list(self, *, partnership_id: str, actor: str, **o: Any) -> None:
        user = _person(actor)
        number = _number(partnership_id, "partnership_id")
        try:
            partnership = partnership_selectors.partnership_get(user=user, partnership_id=number)
        except Http404:
            raise CommandError(
                f"partnership_id: partnership {partnership_id} does not exist or {actor} "
                "cannot see it"
            ) from None
        if not exercise_policy.user_can_in(user, "list", partnership.pk):
            raise CommandError(f"--as: {actor} may not see this partnership's exercises")
        exercises = list(
            selectors.exercise_list(user=user, partnership=partnership).order_by("-held_on", "-pk")
        )
        if o.get("json"):
            self.stdout.write(
                json.dumps(
                    [
                        {
                            "id": e.pk,
                            "title": e.title,
                            "held_on": e.held_on.isoformat(),
                            "status": e.status,
                            "cascade_id": e.cascade_id,
                            "lessons": getattr(e, "lesson_count", 0),
                        }
                        for e in exercises
                    ],
                    indent=2,
                )
            )
            return
        self.stdout.write(f"{partnership.name}: {len(exercises)} exercise(s)")
        for e in exercises:
            self.stdout.write(
                f"  {e.pk}: {e.title} – {e.held_on:%d %B %Y}, {e.get_status_display().lower()}, "
                f"{getattr(e, 'lesson_count', 0)} lesson(s)"
            )

    def _report(self, *, exercise_id: str, actor: str, out: str, force: bool, **_: Any) -> None:
        user = _person(actor)
        number = _number(exercise_id, "exercise_id")
        target = Path(out)
        if target.suffix.lower() != ".pdf":
            raise CommandError(f"--out: {out!r} must end .pdf")
        if target.exists() and not force:
            raise CommandError(f"--out: {out} already exists (add --force to replace it)")
        if not target.parent.is_dir():
            raise CommandError(f"--out: the folder {target.parent} does not exist")
        try:
            exercise = selectors.exercise_get(user=user, exercise_id=number)
        except Http404:
            raise CommandError(
                f"exercise_id: exercise {exercise_id} does not exist or {actor} cannot see it"
            ) from None
        content = reports.exercise_report_pdf(user=user, exercise=exercise)
        target.write_bytes(content)
        self.stdout.write(
            f"Wrote the after-action report of {exercise.title} to {target} "
            f"({len(content):,} bytes)."
        )
