"""The 360Giving feed of the public register (¶50, ¶54): every award, as a grant package that
validates against the official 360Giving Data Standard schema (data/360giving/, copied with its
notice), and the same grants as a spreadsheet with the standard's column titles.

The funder is the partnership's lead council, by its org-id (or, where it has none, its GSS code
as GB-GSS-…); the recipient is the bidding organisation, by its org-id. A grant lacking a field
the standard requires is refused, the grant and the field named: nothing is published half-told.
Only organisations appear: grants to individuals are refused at entry, so `recipientIndividual`
is never written.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from lde.commissioning.models import Decision, SmallGrant

DATA = Path(__file__).resolve().parent / "data" / "360giving"
PREFIX = "360G-preventlde"
# The fields the standard requires of each grant (the schema's first "anyOf" branch, the one
# for grants to organisations), with the words the refusal uses.
REQUIRED = (
    "id",
    "title",
    "description",
    "currency",
    "amountAwarded",
    "awardDate",
    "recipientOrganization.id",
    "recipientOrganization.name",
    "fundingOrganization.id",
    "fundingOrganization.name",
)
COLUMNS = (
    ("Identifier", "id"),
    ("Title", "title"),
    ("Description", "description"),
    ("Currency", "currency"),
    ("Amount Awarded", "amountAwarded"),
    ("Award Date", "awardDate"),
    ("Recipient Org:Identifier", "recipientOrganization.id"),
    ("Recipient Org:Name", "recipientOrganization.name"),
    ("Funding Org:Identifier", "fundingOrganization.id"),
    ("Funding Org:Name", "fundingOrganization.name"),
    ("Grant Programme:Title", "grantProgramme.title"),
    ("From An Open Call?", "fromOpenCall"),
    ("URL", "url"),
)


class ExportRefused(Exception):
    """A grant that the standard would not accept: the message names the grant and the field."""


def _council(row: Decision | SmallGrant) -> Any:
    if isinstance(row, SmallGrant):
        return row.pot.partnership.lead_council
    return row.bid.call.partnership.lead_council


def funder_id(decision: Decision | SmallGrant) -> str:
    council = _council(decision)
    if council.org_id:
        return council.org_id
    return f"GB-GSS-{council.gss_code}" if council.gss_code else ""


def small_grant(row: SmallGrant) -> dict[str, Any]:
    """A grant from a devolved pot (¶46): to an organisation, never a person, as every award."""
    pot = row.pot
    council = pot.partnership.lead_council
    site = settings.LDE_SITE_URL.rstrip("/")
    return {
        "id": f"{PREFIX}-small-{row.pk}",
        "title": f"Small grant: {row.purpose}"[:140],
        "description": row.purpose,
        "currency": "GBP",
        "amountAwarded": float(row.amount),
        "awardDate": f"{row.awarded_on.isoformat()}T00:00:00+00:00",
        "url": f"{site}/commissioning/public/register/#small-grant-{row.pk}",
        "recipientOrganization": [{"id": row.recipient.org_id, "name": row.recipient.name}],
        "fundingOrganization": [{"id": funder_id(row), "name": council.name}],
        "grantProgramme": [{"code": f"devolved-pot-{pot.pk}", "title": pot.name}],
        "fromOpenCall": "No",
        "dateModified": row.updated_at.isoformat(),
    }


def grant(decision: Decision | SmallGrant) -> dict[str, Any]:
    if isinstance(decision, SmallGrant):
        return small_grant(decision)
    bid = decision.bid
    call = bid.call
    council = call.partnership.lead_council
    site = settings.LDE_SITE_URL.rstrip("/")
    return {
        "id": f"{PREFIX}-{bid.pk}",
        "title": bid.title[:140],
        "description": bid.summary,
        "currency": "GBP",
        "amountAppliedFor": float(bid.amount),
        "amountAwarded": float(decision.amount or 0),
        # In full date-time form: the standard's "oneOf" a date or a date-time is matched by a
        # plain date twice over when a validator does not check the date-time format.
        "awardDate": f"{decision.decided_on.isoformat()}T00:00:00+00:00",
        "url": f"{site}/commissioning/public/register/#award-{bid.pk}",
        "recipientOrganization": [{"id": bid.organisation.org_id, "name": bid.organisation.name}],
        "fundingOrganization": [{"id": funder_id(decision), "name": council.name}],
        "grantProgramme": [{"code": f"call-{call.pk}", "title": call.title}],
        "fromOpenCall": "Yes",
        "dateModified": decision.updated_at.isoformat(),
    }


def _value(row: dict[str, Any], path: str) -> Any:
    head, _, rest = path.partition(".")
    value = row.get(head)
    if rest:
        if not value:
            return None
        return value[0].get(rest)
    return value


def check(row: dict[str, Any]) -> None:
    """Refuse a grant missing a required field, naming it."""
    for path in REQUIRED:
        value = _value(row, path)
        if value is None or value == "":
            raise ExportRefused(
                f"Grant {row.get('id') or '(no id)'} has no {path}, which the 360Giving standard "
                "requires: add it (an organisation's org-id is changed with its other details)"
            )


def decisions() -> QuerySet[Decision]:
    from lde.commissioning.selectors import register

    return register()


def awards() -> Iterator[Decision | SmallGrant]:
    """Every award of a call and every small grant from a devolved pot: the whole register."""
    from lde.commissioning.selectors import small_grant_register

    # Plain querysets, not `.iterator()`: on PostgreSQL that opens a server-side cursor, and a
    # reader that stops early (the first row, an error) leaves it to the garbage collector,
    # which may close it in the middle of another query on the same connection and hang there.
    yield from decisions()
    yield from small_grant_register()


def grants(rows: Iterable[Decision | SmallGrant]) -> Iterator[dict[str, Any]]:
    for decision in rows:
        row = grant(decision)
        check(row)
        yield row


def package(rows: Iterable[Decision | SmallGrant]) -> dict[str, Any]:
    found = list(grants(rows))
    if not found:
        raise ExportRefused("There are no awards to publish yet: the standard needs at least one")
    return {
        "version": "1.4",
        "title": "Prevent LDE: grants awarded by local partnerships",
        "grants": found,
    }


@cache
def _schemas() -> tuple[dict[str, Any], dict[str, Any]]:
    grant_schema = json.loads((DATA / "360-giving-schema.json").read_text())
    package_schema = json.loads((DATA / "360-giving-package-schema.json").read_text())
    return package_schema, grant_schema


@cache
def _validators() -> tuple[Any, Any]:
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    package_schema, grant_schema = _schemas()
    # The schemas name their dialect with "http://" where the registry knows "https://": it is
    # the 2020-12 dialect either way.
    resource = DRAFT202012.create_resource(grant_schema)
    ref = package_schema["properties"]["grants"]["items"]["$ref"]
    registry = Registry().with_resources([(ref, resource), (grant_schema["$id"], resource)])
    checker = FormatChecker()
    return (
        Draft202012Validator(package_schema, registry=registry, format_checker=checker),
        Draft202012Validator(grant_schema, registry=registry, format_checker=checker),
    )


def validate(data: dict[str, Any]) -> list[str]:
    """The schema's complaints about `data` (empty when it validates), read offline: the
    package's reference to the grant schema resolves to the local copy.

    The package is validated with its first grant, and each grant against the grant schema on
    its own, so that the package's "uniqueItems" (which compares every grant with every other)
    is checked by identifier instead: the same rule in linear time."""
    package_validator, grant_validator = _validators()
    grants = data.get("grants")
    problems = []
    if isinstance(grants, list) and grants:
        envelope = {**data, "grants": grants[:1]}
        seen: set[str] = set()
        for n, row in enumerate(grants):
            problems += [
                f"grants/{n}/{'/'.join(str(p) for p in e.absolute_path)}: {e.message}"
                for e in grant_validator.iter_errors(row)
            ]
            key = (
                json.dumps(row, sort_keys=True) if not isinstance(row, dict) else str(row.get("id"))
            )
            if key in seen:
                problems.append(f"grants/{n}: a grant with the identifier {key} is repeated")
            seen.add(key)
    else:
        envelope = data
    problems += [
        f"{'/'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message}"
        for e in package_validator.iter_errors(envelope)
    ]
    return problems


def feed_json(rows: Iterable[Decision | SmallGrant]) -> bytes:
    data = package(rows)
    problems = validate(data)
    if problems:
        raise ExportRefused(
            "The feed does not validate against the 360Giving schema: " + problems[0]
        )
    return json.dumps(data, indent=1, ensure_ascii=False).encode()


def feed_xlsx(rows: Iterable[Decision | SmallGrant]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("grants")
    sheet.append([title for title, _ in COLUMNS])
    count = 0
    for row in grants(rows):
        flat = dict(row, **{"grantProgramme.title": row["grantProgramme"][0]["title"]})
        sheet.append(
            [
                _value(row, path) if path != "grantProgramme.title" else flat[path]
                for _, path in COLUMNS
            ]
        )
        count += 1
    if not count:
        raise ExportRefused("There are no awards to publish yet: the standard needs at least one")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
