"""A partnership's engagement records as a reader may read them: JSON (nested, as the API gives
them) or CSV (one row a record, its kind first). Read through the selectors, so an export holds
what its reader may read and nothing more."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from lde.accounts.models import User
from lde.engagement import selectors
from lde.engagement.policies import forum_policy
from lde.partnerships.models import Partnership

FORMATS = ("json", "csv")
CSV_COLUMNS = ("kind", "id", "parent_id", "name", "type", "status", "date", "organisation", "text")


def engagement_records(*, reader: User, partnership: Partnership) -> dict[str, Any]:
    """Everything the reader may read of the partnership's engagement, as plain data."""
    today = selectors.engaged_today()
    forums = []
    for forum in selectors.forum_list(user=reader, partnership=partnership):
        forums.append(
            {
                "id": forum.pk,
                "name": forum.name,
                "kind": forum.kind,
                "purpose": forum.purpose,
                "communities_reached": forum.communities_reached,
                "last_engaged": _iso(forum.last_engaged),  # type: ignore[attr-defined]
                "engaged": selectors.engaged_words(forum.last_engaged, today),  # type: ignore[attr-defined]
                "members": [
                    {
                        "organisation": m.organisation.name,
                        "type": m.organisation.type,
                        "role": m.role,
                    }
                    for m in forum.taking_part  # type: ignore[attr-defined]
                ],
                "meetings": [
                    {
                        "id": m.pk,
                        "held_on": m.held_on.isoformat(),
                        "topics": m.topics,
                        "summary": m.summary,
                    }
                    for m in selectors.forum_meetings(user=reader, forum=forum)
                ],
            }
        )
    readable = forum_policy.user_can_in(reader, "overview", partnership.pk)
    found: dict[str, Any] = {"partnership": {"id": partnership.pk, "name": partnership.name}}
    found["forums"] = forums
    if not readable:
        # A community reviewer reads the forums their organisation takes part in, and no more.
        return found
    found["initiatives"] = [
        {
            "id": i.pk,
            "title": i.title,
            "organisation": i.organisation.name,
            "what_it_does": i.what_it_does,
            "support": [
                {
                    "id": s.pk,
                    "asked_for": s.asked_for,
                    "asked_on": s.asked_on.isoformat(),
                    "status": s.status,
                    "response": s.response,
                    "decided_on": _iso(s.decided_on),
                }
                for s in i.support_requests.all()
            ],
        }
        for i in selectors.initiative_list(user=reader, partnership=partnership).prefetch_related(
            "support_requests"
        )
    ]
    found["audiences"] = [
        {"id": a.pk, "name": a.name, "internal": a.internal, "what_they_need": a.what_they_need}
        for a in selectors.audience_list(user=reader, partnership=partnership)
    ]
    found["channels"] = [
        {
            "id": c.pk,
            "name": c.name,
            "kind": c.kind,
            "community": c.community,
            "languages": c.languages,
            "reach": c.reach,
        }
        for c in selectors.channel_list(user=reader, partnership=partnership)
    ]
    found["key_messages"] = [
        {
            "id": m.pk,
            "title": m.title,
            "message": m.message,
            "words_to_use": m.words_to_use,
            "words_to_avoid": m.words_to_avoid,
            "why": m.why,
            "status": m.status,
            "agreed_on": _iso(m.agreed_on),
        }
        for m in selectors.key_message_list(user=reader, partnership=partnership)
    ]
    found["media_briefings"] = [
        {
            "id": b.pk,
            "held_on": b.held_on.isoformat(),
            "outlet": b.outlet,
            "topic": b.topic,
            "spoke": f"{b.spoke.title}, {b.spoke.organisation.name}",
            "notes": b.notes,
        }
        for b in selectors.media_briefing_list(user=reader, partnership=partnership)
    ]
    found["spokespeople"] = [
        {
            "id": s.pk,
            "post": f"{s.post.title}, {s.post.organisation.name}",
            "speaks_for": s.speaks_for,
            "topics": s.topics,
        }
        for s in selectors.spokesperson_list(user=reader, partnership=partnership)
    ]
    found["schools"] = [
        {
            "id": s.pk,
            "organisation": s.organisation.name,
            "type": s.organisation.type,
            "safer_schools_partnership": s.safer_schools_partnership,
            "ssp_started_on": _iso(s.ssp_started_on),
            "activities": [
                {"id": a.pk, "activity": a.activity, "held_on": a.held_on.isoformat()}
                for a in s.activities.all()
            ],
        }
        for s in selectors.school_list(user=reader, partnership=partnership)
    ]
    return found


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _rows(found: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for forum in found["forums"]:
        rows.append(
            {
                "kind": "forum",
                "id": forum["id"],
                "name": forum["name"],
                "type": forum["kind"],
                "date": forum["last_engaged"],
                "status": forum["engaged"],
                "text": forum["purpose"],
            }
        )
        for member in forum["members"]:
            rows.append(
                {
                    "kind": "forum_member",
                    "parent_id": forum["id"],
                    "organisation": member["organisation"],
                    "type": member["type"],
                    "name": member["role"],
                }
            )
        for meeting in forum["meetings"]:
            rows.append(
                {
                    "kind": "meeting",
                    "id": meeting["id"],
                    "parent_id": forum["id"],
                    "name": meeting["topics"],
                    "date": meeting["held_on"],
                    "text": meeting["summary"],
                }
            )
    for i in found.get("initiatives", []):
        rows.append(
            {
                "kind": "initiative",
                "id": i["id"],
                "name": i["title"],
                "organisation": i["organisation"],
                "text": i["what_it_does"],
            }
        )
        for s in i["support"]:
            rows.append(
                {
                    "kind": "support_request",
                    "id": s["id"],
                    "parent_id": i["id"],
                    "name": s["asked_for"],
                    "status": s["status"],
                    "date": s["asked_on"],
                    "text": s["response"],
                }
            )
    for a in found.get("audiences", []):
        rows.append(
            {
                "kind": "audience",
                "id": a["id"],
                "name": a["name"],
                "type": "internal" if a["internal"] else "external",
                "text": a["what_they_need"],
            }
        )
    for c in found.get("channels", []):
        rows.append(
            {
                "kind": "channel",
                "id": c["id"],
                "name": c["name"],
                "type": c["kind"],
                "organisation": c["community"],
                "text": f"{c['languages']}; {c['reach']}".strip("; "),
            }
        )
    for m in found.get("key_messages", []):
        rows.append(
            {
                "kind": "key_message",
                "id": m["id"],
                "name": m["title"],
                "status": m["status"],
                "date": m["agreed_on"],
                "text": m["message"],
            }
        )
    for b in found.get("media_briefings", []):
        rows.append(
            {
                "kind": "media_briefing",
                "id": b["id"],
                "name": b["topic"],
                "organisation": b["outlet"],
                "date": b["held_on"],
                "text": b["spoke"],
            }
        )
    for s in found.get("spokespeople", []):
        rows.append(
            {
                "kind": "spokesperson",
                "id": s["id"],
                "name": s["post"],
                "organisation": s["speaks_for"],
                "text": s["topics"],
            }
        )
    for s in found.get("schools", []):
        rows.append(
            {
                "kind": "school",
                "id": s["id"],
                "organisation": s["organisation"],
                "type": s["type"],
                "status": "Safer Schools Partnership" if s["safer_schools_partnership"] else "",
                "date": s["ssp_started_on"],
            }
        )
        for a in s["activities"]:
            rows.append(
                {
                    "kind": "school_activity",
                    "id": a["id"],
                    "parent_id": s["id"],
                    "name": a["activity"],
                    "date": a["held_on"],
                }
            )
    return rows


def engagement_export(*, reader: User, partnership: Partnership, output_format: str) -> str:
    found = engagement_records(reader=reader, partnership=partnership)
    if output_format == "json":
        return json.dumps(found, indent=2, ensure_ascii=False) + "\n"
    if output_format == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, restval="", lineterminator="\n")
        writer.writeheader()
        for row in _rows(found):
            writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
        return out.getvalue()
    raise ValueError(f"No export format {output_format!r}: choose one of {', '.join(FORMATS)}")
