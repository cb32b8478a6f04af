"""The programme as data, for the API and `lde programme export`: what the reader may read, and
nothing else (the same selectors as the pages)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

from lde.accounts.models import User
from lde.core.access.facts import facts_for
from lde.partnerships.models import Partnership
from lde.programme import selectors
from lde.programme.models import Project

FORMATS = ("json", "csv")


def money(value: Any) -> str:
    return f"{value or 0:.2f}"


def portfolio_data(portfolio: selectors.Portfolio) -> dict[str, Any]:
    return {
        "tiers": [{"tier": t, "label": label} for t, label in portfolio.tiers],
        "cells": [
            {
                "strand": cell.strand,
                "tier": cell.tier,
                "projects": cell.count,
                "funded": money(cell.funded),
            }
            for row in portfolio.rows
            for cell in row.cells
        ],
        "empty_targeted": portfolio.empty_targeted,
        "empty": portfolio.empty,
        "projects": portfolio.projects,
        "funded_projects": portfolio.funded_projects,
        "unfunded_projects": portfolio.unfunded_projects,
        "funded_total": money(portfolio.funded_total),
    }


def project_data(project: Project, funded: Any = None) -> dict[str, Any]:
    return {
        "id": project.pk,
        "title": project.title,
        "summary": project.summary,
        "delivered_by_id": project.delivered_by_id,
        "delivered_by": project.delivered_by.name,
        "audiences": project.audiences,
        "strand": project.strand,
        "tier": project.tier,
        "forms_of_extremism": list(project.forms_of_extremism),
        "answers_gap_id": project.answers_gap_id,
        "narrative_priority": project.narrative_priority,
        "exit_plan": project.exit_plan,
        "starts_on": project.starts_on.isoformat() if project.starts_on else None,
        "ends_on": project.ends_on.isoformat() if project.ends_on else None,
        "funded": money(funded),
    }


def budget_data(profile: selectors.SpendProfile, pots: list[selectors.PotLine]) -> dict[str, Any]:
    def year(y: selectors.YearLine) -> dict[str, Any]:
        return {
            "year": y.year,
            "label": y.label,
            "allocated": money(y.planned),
            "confirmed": y.confirmed,
            "committed": money(y.committed),
        }

    return {
        "plan_years": profile.plan_years,
        "plan_complete": profile.plan_complete,
        "years": [year(y) for y in profile.years],
        "streams": [
            {
                "id": line.stream.pk,
                "name": line.stream.name,
                "source": line.stream.source.name,
                "kind": line.stream.kind,
                "amount": money(line.stream.amount),
                "starts_on": line.stream.starts_on.isoformat(),
                "ends_on": line.stream.ends_on.isoformat(),
                "ring_fenced": line.stream.ring_fenced,
                "unallocated": money(line.unallocated),
                "years": [year(y) for y in line.years],
            }
            for line in profile.streams
        ],
        "pots": [pot_data(line) for line in pots],
    }


def pot_data(line: selectors.PotLine) -> dict[str, Any]:
    return {
        "id": line.pot.pk,
        "name": line.pot.name,
        "alliance": line.pot.alliance.name,
        "contributed": money(line.contributed),
        "committed": money(line.drawn),
        "contributions": [
            {
                "partnership_id": c.partnership_id,
                "partnership": c.partnership.name,
                "year": c.year,
                "amount": money(c.amount),
            }
            for c in line.contributions
        ],
    }


def programme_export(*, reader: User, partnership: Partnership, output_format: str) -> str:
    """The partnership's programme as `reader` may read it: JSON (portfolio, projects, budget)
    or CSV (one row a project)."""
    projects = [
        project_data(p, getattr(p, "funded_total", None))
        for p in selectors.project_list(user=reader, partnership=partnership)
    ]
    if output_format == "csv":
        out = io.StringIO()
        columns = list(projects[0]) if projects else list(_EMPTY_PROJECT)
        writer = csv.DictWriter(out, fieldnames=columns)
        writer.writeheader()
        for row in projects:
            writer.writerow({**row, "forms_of_extremism": ";".join(row["forms_of_extremism"])})
        return out.getvalue()
    today: date = facts_for(reader).today
    data = {
        "partnership_id": partnership.pk,
        "partnership": partnership.name,
        "portfolio": portfolio_data(selectors.portfolio(user=reader, partnership=partnership)),
        "projects": projects,
        "budget": budget_data(
            selectors.spend_profile(user=reader, partnership=partnership, today=today),
            selectors.pots_for(user=reader, partnership=partnership),
        ),
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


_EMPTY_PROJECT = (
    "id",
    "title",
    "summary",
    "delivered_by_id",
    "delivered_by",
    "audiences",
    "strand",
    "tier",
    "forms_of_extremism",
    "answers_gap_id",
    "narrative_priority",
    "exit_plan",
    "starts_on",
    "ends_on",
    "funded",
)
