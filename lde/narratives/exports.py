"""A narrative version written out as JSON, CSV (one row a section) or Markdown, for the
command line (`lde narratives export`). What is written is what the reader may read: the
briefing products each section refers to are those the gateway rule lets them see."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from lde.accounts.models import User
from lde.narratives import selectors
from lde.narratives.models import NarrativeVersion

FORMATS = ("json", "csv", "md")


def version_document(*, version: NarrativeVersion, reader: User) -> dict[str, Any]:
    return {
        "partnership": version.partnership.name,
        "version": version.number,
        "status": version.status,
        "review_on": version.review_on.isoformat() if version.review_on else None,
        "influences_reviewed_on": (
            version.influences_reviewed_on.isoformat() if version.influences_reviewed_on else None
        ),
        "sections": [
            {
                "key": s.key,
                "label": s.label,
                "paragraphs": s.paragraphs,
                "required": s.required,
                "text": s.text,
                "products": [p.title for p in s.products],
            }
            for s in selectors.sections_of(version=version, user=reader)
        ],
        "mainstream_plans": [
            {
                "kind": p.get_kind_display(),
                "name": p.name,
                "organisation": p.organisation.name,
                "how_carried": p.how_carried,
            }
            for p in version.mainstream_plans.all()
        ],
        "standalone_reason": version.standalone_reason,
        "public_summary": version.public_summary,
        "signatories": [
            {
                "organisation": s.organisation.name,
                "signed_at": s.signed_at.isoformat() if s.signed_at else None,
            }
            for s in version.signatories.all()
        ],
    }


def version_export(*, version: NarrativeVersion, reader: User, output_format: str) -> str:
    document = version_document(version=version, reader=reader)
    if output_format == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if output_format == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["key", "section", "paragraphs", "required", "text"])
        for s in document["sections"]:
            writer.writerow(
                [s["key"], s["label"], s["paragraphs"], "yes" if s["required"] else "no", s["text"]]
            )
        return out.getvalue()
    lines = [f"# {document['partnership']}: local narrative, version {document['version']}", ""]
    lines.append(
        f"Status: {document['status']}. Review date: {document['review_on'] or 'not set'}."
    )
    for s in document["sections"]:
        lines += ["", f"## {s['label']}", "", s["text"] or "_Not written yet._"]
    if document["mainstream_plans"]:
        lines += ["", "## Plans that carry Prevent into mainstream services", ""]
        lines += [
            f"- {p['kind']}: {p['name']} ({p['organisation']}). {p['how_carried']}"
            for p in document["mainstream_plans"]
        ]
    lines += ["", "## Public summary", "", document["public_summary"] or "_Not written yet._", ""]
    return "\n".join(lines)
