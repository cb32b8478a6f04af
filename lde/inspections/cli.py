"""The command line's part of the programmes' foundation: `lde inspections programme-export
PROGRAMME_ID --as EMAIL --out FILE.csv|FILE.json` writes the programme's sites as the person named
sees them (the same selectors and policies as the pages: a programme they may not read is
refused, naming it; a partnership's coordinator gets their own site only). One row a site: its
partnership, step, inspectors, documents received, visits and the number of notes the reader may
read — never the notes' text."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.http import Http404

from lde.accounts.models import User
from lde.inspections import selectors

FIELDS = [
    "site_id",
    "partnership",
    "status",
    "inspectors",
    "documents_requested",
    "documents_received",
    "visits",
    "notes_readable",
    "assessment_id",
]


def programme_export_parser_add(sub: Any) -> None:
    parser = sub.add_parser(
        "programme-export",
        help="Write a programme's sites as CSV or JSON, as the person named sees them.",
    )
    parser.add_argument("programme_id")
    parser.add_argument("--as", dest="email", required=True, help="The reader's email address.")
    parser.add_argument(
        "--out", dest="out", type=Path, required=True, help="The file to write (.csv or .json)."
    )


def programme_rows(*, user: User, programme_id: str) -> tuple[Any, list[dict[str, Any]]]:
    programme = selectors.programme_get(user=user, programme_id=programme_id)
    sites = list(selectors.site_list(user=user, programme=programme))
    names = selectors.site_inspector_names(sites=sites)
    rows = []
    for site in sites:
        request = selectors.document_request_of(user=user, site=site)
        items = list(request.items.all()) if request is not None else []
        visits = selectors.visits_of(user=user, site=site)
        rows.append(
            {
                "site_id": site.pk,
                "partnership": site.partnership.name,
                "status": site.get_status_display(),
                "inspectors": "; ".join(names[site.pk]),
                "documents_requested": len(items),
                "documents_received": sum(1 for i in items if i.received),
                "visits": len(visits),
                "notes_readable": sum(len(v.readable_notes) for v in visits),  # type: ignore[attr-defined,misc]
                "assessment_id": site.assessment_id or "",
            }
        )
    return programme, rows


def programme_export_write(*, programme_id: str, email: str, out: Path, **_: Any) -> str:
    reader = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if reader is None:
        raise CommandError(f"--as: no one with an active account has the email address {email}")
    if out.suffix.lower() not in (".csv", ".json"):
        raise CommandError(f"--out: {out} must end in .csv or .json")
    try:
        programme, rows = programme_rows(user=reader, programme_id=programme_id)
    except Http404:
        raise CommandError(
            f"PROGRAMME_ID: programme {programme_id} does not exist or {email} may not read it"
        ) from None
    if out.suffix.lower() == ".json":
        document = {
            "programme": {
                "id": programme.pk,
                "title": programme.title,
                "status": programme.get_status_display(),
                "framework": str(programme.framework_version),
            },
            "sites": rows,
        }
        out.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    else:
        with out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=FIELDS)
            writer.writeheader()
            writer.writerows(rows)
    return f"Wrote {len(rows)} site{'s' if len(rows) != 1 else ''} of {programme.title} to {out}"
