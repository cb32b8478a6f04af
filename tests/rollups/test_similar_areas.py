"""Similar areas (issue 17): area data imported all or nothing, every area's nearest neighbours
and why they are close, and the requests for a peer review between neighbours (¶175)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from lde.accounts.models import User
from lde.accounts.services import api_token_create
from lde.core.audit.models import AuditEvent
from lde.core.refusals import Conflict
from lde.partnerships.models import Partnership, Role
from lde.rollups import areas, selectors, services
from lde.rollups.models import AreaDataSet, AreaNeighbour, PeerReviewRequest
from tests.conftest import sign_in
from tests.factories import MembershipFactory, PartnershipFactory, UserFactory
from tests.rollups.builders import VARIABLES, area_csv, area_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    partnerships = [
        PartnershipFactory(name=f"Area {i:02d}", area_gss_codes=[f"E06999{800 + i}"])
        for i in range(20)
    ]
    admin = UserFactory(is_site_administrator=True)
    coordinator = UserFactory()
    MembershipFactory(user=coordinator, partnership=partnerships[0], role=Role.COORDINATOR)
    viewer = UserFactory()
    MembershipFactory(user=viewer, partnership=partnerships[0], role=Role.VIEWER)
    return {
        "partnerships": partnerships,
        "admin": admin,
        "coordinator": coordinator,
        "viewer": viewer,
    }


def _codes(world: dict[str, Any]) -> list[str]:
    return [p.area_gss_codes[0] for p in world["partnerships"]]


def _refused(world: dict[str, Any], data: str, variables: str = VARIABLES) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        services.area_data_import(
            actor=world["admin"],
            data=data.encode(),
            variables=variables.encode(),
            file_name="a.csv",
        )
    assert AreaDataSet.objects.count() == 0
    assert AreaNeighbour.objects.count() == 0
    return refused.value.message_dict


# --- The import ---------------------------------------------------------------------------------


def test_import_keeps_fifteen_nearest_for_every_area_and_is_audited(world: dict[str, Any]) -> None:
    data_set = area_import(world["admin"], world["partnerships"])
    assert data_set.areas == 20
    assert [v["name"] for v in data_set.variables] == ["density", "deprivation", "students"]
    assert data_set.variables[1]["weight"] == 2.0
    assert AreaNeighbour.objects.filter(data_set=data_set).count() == 20 * 15
    event = json.loads(AuditEvent.objects.get(verb="AREA_DATA_IMPORTED").payload)
    assert event["detail"]["areas"] == 20 and event["detail"]["neighbours"] == 300


def test_neighbours_are_the_weighted_euclidean_nearest_by_z_score(world: dict[str, Any]) -> None:
    """Checked against a plain loop over every pair, not the vectorised code."""
    data_set = area_import(world["admin"], world["partnerships"])
    codes = sorted(data_set.values)
    x = np.array([data_set.values[c] for c in codes])
    z = (x - x.mean(axis=0)) / x.std(axis=0)
    weights = np.array([1.0, 2.0, 1.0])
    first = codes[0]
    distances = sorted(
        (float(np.sqrt((weights * (z[0] - z[j]) ** 2).sum())), codes[j]) for j in range(1, 20)
    )
    rows = list(AreaNeighbour.objects.filter(data_set=data_set, area_code=first).order_by("rank"))
    assert [r.neighbour_code for r in rows] == [code for _, code in distances[:15]]
    for row, (distance, _) in zip(rows, distances, strict=False):
        assert row.distance == pytest.approx(distance)
        assert sum(row.contributions) == pytest.approx(distance**2)


def test_a_new_import_is_the_one_in_use(world: dict[str, Any]) -> None:
    area_import(world["admin"], world["partnerships"])
    second = area_import(world["admin"], world["partnerships"][:10])
    assert selectors.area_data_current() == second
    found = selectors.similar_areas(user=world["coordinator"], partnership=world["partnerships"][0])
    assert len(found.areas) == 9  # ten areas: each has nine others


def test_only_site_administrators_import(world: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        area_import(world["coordinator"], world["partnerships"])
    analyst = UserFactory(is_national_analyst=True)
    with pytest.raises(PermissionDenied):
        area_import(analyst, world["partnerships"])


def test_unknown_gss_code_is_refused(world: dict[str, Any]) -> None:
    problems = _refused(world, area_csv([*_codes(world)[:5], "E06000001"]))
    assert problems["file"] == [
        "Area data row 7, column 'gss_code': E06000001 is an unknown GSS code: no partnership "
        "covers it"
    ]


def test_a_code_that_is_not_a_gss_code_is_refused(world: dict[str, Any]) -> None:
    problems = _refused(world, area_csv([*_codes(world)[:5], "Leeds"]))
    assert "Area data row 7, column 'gss_code': 'LEEDS' is not a GSS code" in problems["file"][0]


def test_duplicated_code_is_refused(world: dict[str, Any]) -> None:
    codes = _codes(world)[:5]
    problems = _refused(world, area_csv([*codes, codes[2]]))
    assert problems["file"] == [
        f"Area data row 7, column 'gss_code': {codes[2]} is duplicated (also row 4)"
    ]


def test_protected_characteristic_declared_is_refused(world: dict[str, Any]) -> None:
    variables = VARIABLES + "share_x,Share of X,Census (fictional),OGL v3,yes,\n"
    data = area_csv(_codes(world)[:5]).replace("students\n", "students,share_x\n", 1)
    data = "\n".join(
        line if i == 0 else f"{line},{i}" for i, line in enumerate(data.strip().split("\n"))
    )
    problems = _refused(
        world, data.replace("students,share_x,", "students,share_x") + "\n", variables
    )
    assert problems["variables"] == [
        "Variables row 5, column 'protected': 'share_x' describes a protected characteristic; "
        "no area is compared by a protected characteristic of its people"
    ]
    assert problems["file"] == [
        "Area data, column 'share_x': refused with its declaration (see the variables)"
    ]


@pytest.mark.parametrize(
    ("name", "label", "characteristic"),
    [
        ("pct_muslim", "Share of residents", "Religion or belief"),
        ("faith_share", "Share by faith", "Religion or belief"),
        (
            "x1",
            "Ethnicity: share not White British",
            "Race (including colour, nationality, ethnic or national origins)",
        ),
        ("MedianAge", "Median", "Age"),
        ("x2", "Residents in a civil partnership", "Marriage and civil partnership"),
        ("sexual_orientation_lgb", "Share", "Sexual orientation"),
        ("disabled_share", "Share", "Disability"),
        ("x3", "Women in work", "Sex"),
        ("x4", "Gender reassignment", "Gender reassignment"),
        ("x5", "Maternity leave", "Pregnancy and maternity"),
    ],
)
def test_protected_characteristic_by_name_is_refused_though_declared_not(
    world: dict[str, Any], name: str, label: str, characteristic: str
) -> None:
    variables = VARIABLES + f"{name},{label},Census (fictional),OGL v3,no,\n"
    lines = area_csv(_codes(world)[:5]).strip().split("\n")
    data = "\n".join([f"{lines[0]},{name}", *(f"{line},{i}" for i, line in enumerate(lines[1:]))])
    problems = _refused(world, data + "\n", variables)
    assert problems["variables"] == [
        f"Variables row 5, columns 'name' and 'label': {name!r} ({label}) describes a protected "
        f"characteristic ({characteristic}), though declared not to; no area is compared by a "
        "protected characteristic of its people"
    ]


def test_undeclared_protected_column_is_refused_by_name(world: dict[str, Any]) -> None:
    lines = area_csv(_codes(world)[:5]).strip().split("\n")
    data = "\n".join([f"{lines[0]},religion", *(f"{line},{i}" for i, line in enumerate(lines[1:]))])
    problems = _refused(world, data + "\n")
    assert problems["file"] == [
        "Area data, column 'religion': describes a protected characteristic (Religion or "
        "belief); no area is compared by a protected characteristic of its people"
    ]


def test_words_inside_other_words_are_not_characteristics() -> None:
    assert areas.characteristic_named("average_household_size", "Percentage of homes") is None
    assert areas.characteristic_named("Essex_rate", "Men-tal health beds") is not None  # "men"
    assert areas.characteristic_named("mentions", "Manage") is None


def test_constant_column_is_refused(world: dict[str, Any]) -> None:
    lines = area_csv(_codes(world)[:5]).strip().split("\n")
    data = "\n".join([lines[0], *(",".join([*line.split(",")[:3], "4"]) for line in lines[1:])])
    problems = _refused(world, data + "\n")
    assert problems["file"] == [
        "Area data, column 'students': every area has the same value (4), so it cannot tell "
        "areas apart"
    ]


def test_missing_value_is_refused(world: dict[str, Any]) -> None:
    data = area_csv(_codes(world)[:5]).replace(",20,", ",,", 1)
    problems = _refused(world, data)
    assert problems["file"] == ["Area data row 2, column 'deprivation': the value is missing"]


def test_non_numeric_value_is_refused(world: dict[str, Any]) -> None:
    data = area_csv(_codes(world)[:5]).replace(",20,", ",high,", 1)
    problems = _refused(world, data)
    assert problems["file"] == ["Area data row 2, column 'deprivation': 'high' is not a number"]


def test_every_problem_is_named_at_once(world: dict[str, Any]) -> None:
    codes = _codes(world)[:5]
    data = area_csv([*codes, codes[0], "E06000001"]).replace(",20,", ",,", 1)
    problems = _refused(world, data)
    assert len(problems["file"]) == 3


def test_undeclared_and_undelivered_columns_are_named(world: dict[str, Any]) -> None:
    data = area_csv(_codes(world)[:5]).replace("students", "students_x", 1)
    problems = _refused(world, data)
    assert problems["file"] == [
        "Area data, column 'students_x': not declared in the variables file; declare it, saying "
        "whether it describes a protected characteristic",
        "Area data: the declared variable 'students' has no column",
    ]


# --- Neighbours, pages, API and CLI ---------------------------------------------------------


def test_similar_areas_page_shows_neighbours_and_why(world: dict[str, Any], client: Client) -> None:
    area_import(world["admin"], world["partnerships"])
    home = world["partnerships"][0]
    sign_in(client, world["coordinator"])
    page = client.get(reverse("rollups:similar-areas", args=[home.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    found = selectors.similar_areas(user=world["coordinator"], partnership=home)
    assert len(found.areas) == 15
    assert found.areas[0].neighbour.name in body
    assert "Ask for a peer review" in body
    row = found.areas[0].row
    why = client.get(reverse("rollups:similar-area", args=[home.pk, row.pk]))
    assert why.status_code == 200
    assert "most alike in" in why.content.decode()
    shares = [c.contribution for c in found.areas[0].contributions]
    assert shares == sorted(shares)


def test_a_viewer_may_not_see_similar_areas(world: dict[str, Any], client: Client) -> None:
    area_import(world["admin"], world["partnerships"])
    sign_in(client, world["viewer"])
    page = client.get(reverse("rollups:similar-areas", args=[world["partnerships"][0].pk]))
    assert page.status_code == 403


def test_import_page_names_each_problem_in_the_error_summary(
    world: dict[str, Any], client: Client
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    sign_in(client, world["admin"])
    codes = _codes(world)[:5]
    page = client.post(
        reverse("rollups:area-data-import"),
        {
            "file": SimpleUploadedFile("a.csv", area_csv([*codes, codes[1]]).encode()),
            "variables": SimpleUploadedFile("v.csv", VARIABLES.encode()),
        },
    )
    assert page.status_code == 400
    body = page.content.decode()
    assert "govuk-error-summary" in body
    assert f"Area data row 7, column &#x27;gss_code&#x27;: {codes[1]} is duplicated" in body
    assert AreaDataSet.objects.count() == 0
    ok = client.post(
        reverse("rollups:area-data-import"),
        {
            "file": SimpleUploadedFile("a.csv", area_csv(codes).encode()),
            "variables": SimpleUploadedFile("v.csv", VARIABLES.encode()),
        },
    )
    assert ok.status_code == 302
    assert client.get(reverse("rollups:area-data")).status_code == 200


def _api(user: User) -> dict[str, str]:
    _, raw = api_token_create(actor=user, name="test")
    return {"Authorization": f"Bearer {raw}"}


def test_api_neighbours_and_peer_review_request(world: dict[str, Any]) -> None:
    area_import(world["admin"], world["partnerships"])
    home = world["partnerships"][0]
    client = Client()
    headers = _api(world["coordinator"])
    answer = client.get(f"/api/v1/partnerships/{home.pk}/neighbours", headers=headers)
    assert answer.status_code == 200
    neighbours = answer.json()["neighbours"]
    assert len(neighbours) == 15
    assert [n["rank"] for n in neighbours] == list(range(1, 16))
    asked_id = neighbours[0]["partnership_id"]
    made = client.post(
        f"/api/v1/partnerships/{home.pk}/peer-review-requests",
        {"asked_id": asked_id, "message": "Our work with schools."},
        content_type="application/json",
        headers=headers,
    )
    assert made.status_code == 201, made.content
    again = client.post(
        f"/api/v1/partnerships/{home.pk}/peer-review-requests",
        {"asked_id": asked_id},
        content_type="application/json",
        headers=headers,
    )
    assert again.status_code == 409
    far = [
        p for p in world["partnerships"] if p.pk not in {n["partnership_id"] for n in neighbours}
    ]
    not_near = client.post(
        f"/api/v1/partnerships/{home.pk}/peer-review-requests",
        {"asked_id": far[-1].pk},
        content_type="application/json",
        headers=headers,
    )
    assert not_near.status_code == 400
    assert "asked" in not_near.json()["errors"]
    viewer = client.get(f"/api/v1/partnerships/{home.pk}/neighbours", headers=_api(world["viewer"]))
    assert viewer.status_code == 403


def test_api_import_refusal_is_400_with_field_errors(world: dict[str, Any]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    codes = _codes(world)[:5]
    answer = Client().post(
        "/api/v1/partnerships/areas/import",
        {
            "file": SimpleUploadedFile("a.csv", area_csv([*codes, "E06000001"]).encode()),
            "variables": SimpleUploadedFile("v.csv", VARIABLES.encode()),
        },
        headers=_api(world["admin"]),
    )
    assert answer.status_code == 400
    assert answer.json()["errors"]["file"] == [
        "Area data row 7, column 'gss_code': E06000001 is an unknown GSS code: no partnership "
        "covers it"
    ]
    ok = Client().post(
        "/api/v1/partnerships/areas/import",
        {
            "file": SimpleUploadedFile("a.csv", area_csv(codes).encode()),
            "variables": SimpleUploadedFile("v.csv", VARIABLES.encode()),
        },
        headers=_api(world["admin"]),
    )
    assert ok.status_code == 201
    assert ok.json()["areas"] == 5


def test_peer_review_request_is_seen_and_decided_by_the_neighbours_coordinator(
    world: dict[str, Any], client: Client
) -> None:
    area_import(world["admin"], world["partnerships"])
    home = world["partnerships"][0]
    area = selectors.similar_areas(user=world["coordinator"], partnership=home).areas[0]
    with pytest.raises(ValidationError) as guarded:
        services.peer_review_request_create(
            actor=world["coordinator"],
            partnership=home,
            asked=area.neighbour,
            message="Call Jo on 07700 900123",
        )
    assert "guard found phone number" in guarded.value.message_dict["message"][0]
    sign_in(client, world["coordinator"])
    sent = client.post(
        reverse("rollups:peer-review-request", args=[home.pk, area.row.pk]),
        {"message": "Our work with schools."},
    )
    assert sent.status_code == 302
    request = PeerReviewRequest.objects.get()
    other = UserFactory()
    MembershipFactory(user=other, partnership=area.neighbour, role=Role.COORDINATOR)
    # The requester's coordinator sees it but may not answer it.
    assert client.get(reverse("rollups:peer-review-decide", args=[request.pk])).status_code == 403
    sign_in(client, other)
    page = client.get(reverse("rollups:similar-areas", args=[area.neighbour.pk]))
    assert reverse("rollups:peer-review-decide", args=[request.pk]) in page.content.decode()
    empty = client.post(reverse("rollups:peer-review-decide", args=[request.pk]), {})
    assert empty.status_code == 400
    assert "Choose whether to accept or decline the request" in empty.content.decode()
    done = client.post(
        reverse("rollups:peer-review-decide", args=[request.pk]),
        {"decision": "accept", "reply": "Gladly."},
    )
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.status == "accepted" and request.decided_by == other
    assert AuditEvent.objects.filter(verb="PEER_REVIEW_ACCEPTED").count() == 2
    assert client.get(reverse("rollups:peer-review-decide", args=[request.pk])).status_code == 403


def test_a_partnership_cannot_ask_itself(world: dict[str, Any]) -> None:
    area_import(world["admin"], world["partnerships"])
    home = world["partnerships"][0]
    with pytest.raises(ValidationError) as refused:
        services.peer_review_request_create(
            actor=world["coordinator"], partnership=home, asked=home
        )
    assert "asked" in refused.value.message_dict
    assert not isinstance(refused.value, Conflict)


def test_cli_import_refusal_exits_naming_row_and_column(
    world: dict[str, Any], tmp_path: Path
) -> None:
    codes = _codes(world)[:5]
    data = tmp_path / "areas.csv"
    declaration = tmp_path / "vars.csv"
    data.write_text(area_csv(codes).replace(",20,", ",,", 1))
    declaration.write_text(VARIABLES)
    with pytest.raises(CommandError) as refused:
        call_command(
            "rollups",
            "areas-import",
            str(data),
            "--variables",
            str(declaration),
            "--as",
            world["admin"].email,
        )
    assert "nothing was saved" in str(refused.value)
    assert "Area data row 2, column 'deprivation': the value is missing" in str(refused.value)
    data.write_text(area_csv(codes))
    out = StringIO()
    call_command(
        "rollups",
        "areas-import",
        str(data),
        "--variables",
        str(declaration),
        "--as",
        world["admin"].email,
        stdout=out,
    )
    assert "5 areas, 3 variables" in out.getvalue()
    listed = StringIO()
    call_command(
        "rollups",
        "neighbours",
        str(world["partnerships"][0].pk),
        "--as",
        world["coordinator"].email,
        "--json",
        stdout=listed,
    )
    assert len(json.loads(listed.getvalue())["neighbours"]) == 4
    with pytest.raises(CommandError, match="--as"):
        call_command(
            "rollups",
            "neighbours",
            str(world["partnerships"][0].pk),
            "--as",
            world["viewer"].email,
        )


def test_similar_areas_page_queries_do_not_grow(
    world: dict[str, Any], client: Client, django_assert_max_num_queries: Any
) -> None:
    area_import(world["admin"], world["partnerships"])
    home: Partnership = world["partnerships"][0]
    sign_in(client, world["coordinator"])
    client.get(reverse("rollups:similar-areas", args=[home.pk]))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("rollups:similar-areas", args=[home.pk]))
    more = [
        PartnershipFactory(name=f"More {i:02d}", area_gss_codes=[f"E07999{800 + i}"])
        for i in range(20)
    ]
    area_import(world["admin"], world["partnerships"] + more)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("rollups:similar-areas", args=[home.pk]))


def test_home_panel_links_similar_areas_and_counts_requests_waiting(
    world: dict[str, Any], client: Client
) -> None:
    area_import(world["admin"], world["partnerships"])
    home = world["partnerships"][0]
    sign_in(client, world["coordinator"])
    page = client.get("/").content.decode()
    assert reverse("rollups:similar-areas", args=[home.pk]) in page
    assert "wait" not in page.split("Similar areas")[1].split("</p>")[0]
    asking = world["partnerships"][1]
    asker = UserFactory()
    MembershipFactory(user=asker, partnership=asking, role=Role.COORDINATOR)
    area_import(world["admin"], world["partnerships"])
    found = selectors.similar_areas(user=asker, partnership=asking)
    if home.pk not in {a.neighbour.pk for a in found.areas}:
        pytest.fail("the world's first area should be among the second's nearest")
    services.peer_review_request_create(actor=asker, partnership=asking, asked=home)
    page = client.get("/").content.decode()
    assert "1 request for a peer review waits for your answer" in page
    sign_in(client, world["viewer"])
    assert reverse("rollups:similar-areas", args=[home.pk]) not in client.get("/").content.decode()
