"""The capacity overview as data: the API's answer and the CLI's export (JSON, or CSV with one
row a record). Posts and organisations only, never a member of the public."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from lde.accounts.models import Post
from lde.capacity import selectors
from lde.partnerships.models import Partnership

FORMATS = ("json", "csv")


def _post(post: Post) -> dict[str, Any]:
    holdings = getattr(post, "current_holdings", None) or []
    holding = holdings[0] if holdings else None
    return {
        "id": post.pk,
        "title": post.title,
        "organisation": post.organisation.name,
        "level": post.level,
        "holder": holding.user.full_name if holding else None,
        "held_since": holding.started_on if holding else None,
    }


def overview_data(partnership: Partnership, found: selectors.Overview) -> dict[str, Any]:
    board, coverage, leadership = found.board, found.coverage, found.leadership
    return {
        "partnership_id": partnership.pk,
        "board": {
            "members": [
                {"id": m.pk, "post": _post(m.post), "joined_on": m.joined_on} for m in board.members
            ],
            "terms_of_reference": [
                {"id": t.pk, "agreed_on": t.agreed_on, "text": t.text} for t in board.terms
            ],
            "meetings": [
                {
                    "id": m.pk,
                    "held_on": m.held_on,
                    "attended_by": [p.pk for p in m.attended_by.all()],
                    "decisions": [
                        {"id": d.pk, "decision": d.decision, "action_id": d.action_id}
                        for d in m.decisions.all()
                    ],
                }
                for m in board.meetings
            ],
        },
        "coverage": {
            "kinds": [
                {
                    "kind": k.label,
                    "paragraphs": k.paragraphs,
                    "missing": k.missing,
                    "organisations": [o.name for o in k.organisations],
                }
                for k in coverage.kinds
            ],
            "other_partners": [o.name for o in coverage.other],
            "scrutiny": [
                {
                    "id": s.pk,
                    "body": s.body,
                    "held_on": s.held_on,
                    "examined": s.examined,
                    "outcome": s.outcome,
                }
                for s in coverage.scrutiny
            ],
        },
        "leadership": {
            "levels": {
                value: [_post(p) for p in posts] for value, _label, posts in leadership.levels
            },
            "turnover": [{"year": y, "started": s, "ended": e} for y, s, e in leadership.turnover],
        },
        "training": {
            "threshold_percent": found.training.threshold,
            "teams": [
                {
                    "id": t.team.pk,
                    "name": t.team.name,
                    "kind": t.team.kind,
                    "organisation": t.team.organisation.name,
                    "headcount": t.team.headcount,
                    "trained": t.trained,
                    "percent_trained": t.percent,
                    "under_trained": t.under_trained,
                }
                for t in found.training.teams
            ],
            "courses": [
                {
                    "id": c.pk,
                    "title": c.title,
                    "provider": c.provider,
                    "kind": c.kind,
                    "sessions": [
                        {
                            "id": s.pk,
                            "held_on": s.held_on,
                            "joint_with": [o.name for o in s.joint_with.all()],
                            "feedback_to_staff": s.feedback_to_staff,
                            "attendance": [
                                {
                                    "post_id": a.post_id,
                                    "team_id": a.team_id,
                                    "number_trained": a.number_trained,
                                }
                                for a in s.attendance.all()
                            ],
                        }
                        for s in c.sessions.all()
                    ],
                }
                for c in found.training.courses
            ],
        },
        "relationships": [
            {
                "id": r.relationship.pk,
                "organisation": r.relationship.organisation.name,
                "nature": r.relationship.nature,
                "held_by": [p.pk for p in r.holders],
                "single_point_of_failure": r.single_point_of_failure,
                "suggested_deputy": r.deputy.pk if r.deputy else None,
            }
            for r in found.relationships.items
        ],
    }


CSV_COLUMNS = ("part", "id", "name", "status", "detail")


def _rows(found: selectors.Overview) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for m in found.board.members:
        rows.append(("board member", m.pk, m.post.title, m.post.organisation.name, m.joined_on))
    for t in found.board.terms:
        rows.append(("terms of reference", t.pk, f"agreed {t.agreed_on}", "", len(t.text)))
    for meeting in found.board.meetings:
        rows.append(
            ("board meeting", meeting.pk, str(meeting.held_on), "", len(meeting.attended_by.all()))
        )
        for d in meeting.decisions.all():
            rows.append(("board decision", d.pk, d.decision, "", d.action_id or ""))
    for k in found.coverage.kinds:
        status = "missing" if k.missing else "taking part"
        rows.append(
            ("partner kind", "", k.label, status, "; ".join(o.name for o in k.organisations))
        )
    for s in found.coverage.scrutiny:
        rows.append(("scrutiny", s.pk, s.get_body_display(), str(s.held_on), s.examined))
    for value, _label, posts in found.leadership.levels:
        for p in posts:
            holder = _post(p)["holder"]
            rows.append(("post", p.pk, p.title, value, holder or "vacant"))
    for year, started, ended in found.leadership.turnover:
        rows.append(("turnover", "", year, f"started {started}", f"ended {ended}"))
    for share in found.training.teams:
        status = "under-trained" if share.under_trained else "trained"
        trained = f"{share.trained} of {share.team.headcount}"
        rows.append(("team", share.team.pk, share.team.name, status, trained))
    for c in found.training.courses:
        rows.append(("course", c.pk, c.title, c.kind, c.provider))
    for r in found.relationships.items:
        status = "single point of failure" if r.single_point_of_failure else "shared"
        rows.append(
            (
                "relationship",
                r.relationship.pk,
                r.relationship.organisation.name,
                status,
                f"suggested deputy: {r.deputy.title}" if r.deputy else "",
            )
        )
    return rows


def capacity_export(*, reader: Any, partnership: Partnership, output_format: str) -> str:
    found = selectors.overview(user=reader, partnership=partnership, with_courses=True)
    if output_format == "json":
        return json.dumps(overview_data(partnership, found), indent=2, default=str) + "\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(_rows(found))
    return buffer.getvalue()
