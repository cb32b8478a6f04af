"""/api/v1/capacity and lde capacity export: the same rules and refusals as the pages."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from lde.accounts.services import api_token_create
from lde.capacity.models import TrainingAttendance, TrainingSession

pytestmark = pytest.mark.django_db

C = "/api/v1/capacity"


def _token(user: Any) -> str:
    _, raw = api_token_create(actor=user, name="test")
    return f"Bearer {raw}"


def test_the_overview_gives_every_part(client: Client, cast: dict[str, Any]) -> None:
    response = client.get(
        f"{C}/partnerships/{cast['partnership'].pk}",
        HTTP_AUTHORIZATION=_token(cast["people"]["viewer"]),
    )
    assert response.status_code == 200
    found = response.json()
    missing = [k["kind"] for k in found["coverage"]["kinds"] if k["missing"]]
    assert "Police authority" in missing
    under = [t["name"] for t in found["training"]["teams"] if t["under_trained"]]
    assert under == ["Capacity front-line staff"]
    sole = [r for r in found["relationships"] if r["single_point_of_failure"]]
    assert [r["suggested_deputy"] for r in sole] == [cast["capacity_prevent_post_id"]]
    assert [m["post"]["level"] for m in found["board"]["members"]] == ["strategic", "tactical"]
    assert [c["title"] for c in found["training"]["courses"]] == ["Capacity awareness briefing"]


def test_an_attendance_for_a_post_not_there_that_day_is_a_400_naming_the_field(
    client: Client, cast: dict[str, Any]
) -> None:
    session = TrainingSession.objects.get(pk=cast["session_id"])
    session.held_on = timezone.localdate() - timedelta(days=400)
    session.save()
    response = client.post(
        f"{C}/training-sessions/{session.pk}/attendance",
        {"post_id": cast["capacity_officer_post_id"]},
        content_type="application/json",
        HTTP_AUTHORIZATION=_token(cast["people"]["coordinator"]),
    )
    assert response.status_code == 400
    body = json.dumps(response.json())
    assert "post_id" in body
    assert "did not exist on" in body
    assert TrainingAttendance.objects.filter(post_id=cast["capacity_officer_post_id"]).count() == 0


def test_a_viewer_may_not_write_and_is_told_who_can(client: Client, cast: dict[str, Any]) -> None:
    response = client.post(
        f"{C}/partnerships/{cast['partnership'].pk}/courses",
        {"title": "Mine", "provider": "Me", "kind": "course"},
        content_type="application/json",
        HTTP_AUTHORIZATION=_token(cast["people"]["viewer"]),
    )
    assert response.status_code == 403
    assert "coordinators keep its capacity records" in response.json()["detail"]


def export(*args: str) -> str:
    out = io.StringIO()
    call_command("capacity", "export", *args, stdout=out)
    return out.getvalue()


def test_the_export_as_json_and_csv(cast: dict[str, Any]) -> None:
    p = str(cast["partnership"].pk)
    found = json.loads(export(p, "--as", cast["people"]["viewer"].email))
    assert found["partnership_id"] == cast["partnership"].pk
    assert len(found["training"]["teams"]) == 2
    rows = list(
        csv.DictReader(
            io.StringIO(export(p, "--as", cast["people"]["viewer"].email, "--format", "csv"))
        )
    )
    statuses = {(r["part"], r["name"]): r["status"] for r in rows}
    assert statuses[("team", "Capacity front-line staff")] == "under-trained"
    assert statuses[("relationship", "Capacity Mosque Trust")] == "single point of failure"
    assert statuses[("partner kind", "Police authority")] == "missing"


@pytest.mark.parametrize(
    ("partnership", "reader", "message"),
    [
        ("abc", "viewer", "partnership_id: 'abc' is not a partnership's number"),
        ("999999", "viewer", "partnership_id: partnership 999999 does not exist"),
        ("{p}", "nobody@example.test", "--as: no active person has the email"),
        ("{p}", "community_reviewer", "may not read"),
    ],
)
def test_bad_input_exits_non_zero_naming_the_problem(
    cast: dict[str, Any], partnership: str, reader: str, message: str
) -> None:
    email = cast["people"][reader].email if reader in cast["people"] else reader
    with pytest.raises(CommandError, match=message):
        export(partnership.format(p=cast["partnership"].pk), "--as", email)
